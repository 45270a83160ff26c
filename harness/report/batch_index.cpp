#include "report/batch_index.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace rollsim::report {

using nlohmann::json;

namespace {

json entry_json(const BatchEntry& e)
{
    json parameters = json::array();
    for (const auto& [name, value] : e.parameters) parameters.push_back({{"name", name}, {"value", value}});
    return {{"file", e.file},
            {"parameters", parameters},
            {"status", e.status},
            {"error", e.error},
            {"result", e.result ? json::parse(to_text(*e.result)) : json(nullptr)},
            {"report", e.report}};
}

BatchEntry entry_from(const json& j)
{
    BatchEntry e;
    e.file = j.at("file").get<std::string>();
    for (const auto& p : j.at("parameters")) e.parameters.emplace_back(p.at("name"), p.at("value"));
    e.status = j.at("status").get<int>();
    e.error = j.at("error").get<std::string>();
    if (!j.at("result").is_null()) {
        e.result = parse_run_result(j.at("result").dump());
        if (!e.result) throw std::runtime_error("the result of " + e.file + " is not a run's result");
    }
    e.report = j.at("report").get<std::string>();
    return e;
}

}  // namespace

std::string to_text(const BatchIndex& index)
{
    json entries = json::array();
    for (const auto& e : index.entries) entries.push_back(entry_json(e));
    json shard = index.shard ? json{{"index", index.shard->index}, {"total", index.shard->total}} : json(nullptr);
    const json out = {{"rollsim_index", kBatchIndexVersion}, {"listed", index.listed},   {"shard", shard},
                      {"wall_seconds", index.wall_seconds},  {"jobs", index.jobs},       {"scenarios", entries}};
    return out.dump(2) + "\n";
}

BatchIndex parse_batch_index(const std::string& text)
{
    try {
        const json j = json::parse(text);
        if (!j.is_object() || j.value("rollsim_index", 0) != kBatchIndexVersion)
            throw std::runtime_error("not a rollsim index (version " + std::to_string(kBatchIndexVersion) + ")");
        BatchIndex index;
        index.listed = j.at("listed").get<std::vector<std::string>>();
        if (!j.at("shard").is_null())
            index.shard = ShardOfList{j.at("shard").at("index").get<int>(), j.at("shard").at("total").get<int>()};
        index.wall_seconds = j.at("wall_seconds").get<double>();
        index.jobs = j.at("jobs").get<int>();
        for (const auto& e : j.at("scenarios")) index.entries.push_back(entry_from(e));
        return index;
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("malformed index: ") + e.what());
    }
}

}  // namespace rollsim::report
