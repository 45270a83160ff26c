#include "cli/merge.hpp"

#include "cli/batch_output.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "report/batch_index.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>

namespace rollsim::cli {

namespace fs = std::filesystem;

namespace {

struct Shard {
    fs::path dir;
    report::BatchIndex index;
};

// Shards that cannot be joined: exit 5, one line.
class Incomplete : public Fatal {
public:
    explicit Incomplete(const std::string& message) : Fatal(ExitCode::ShardsIncomplete, "merge: " + message) {}
};

Shard read_shard(const std::string& dir)
{
    const fs::path file = fs::path(dir) / "index.json";
    const std::string text = read_text(file);
    if (text.empty())
        throw ScenarioError(dir, 0, 0, "no index.json here; merge takes the directories of rollsim run --report-dir");
    try {
        return {dir, report::parse_batch_index(text)};
    } catch (const std::runtime_error& e) {
        throw ScenarioError(file.string(), 0, 0, e.what());
    }
}

std::string shard_name(const Shard& s)
{
    return s.index.shard ? fmt::format("{} (shard {}/{})", s.dir.string(), s.index.shard->index, s.index.shard->total)
                         : s.dir.string();
}

// "shard 2/3 not given": the shards a list of N was cut into that are not among `shards`.
std::string absent_shards(const std::vector<Shard>& shards)
{
    std::set<int> totals, given;
    for (const auto& s : shards)
        if (s.index.shard) totals.insert(s.index.shard->total), given.insert(s.index.shard->index);
    if (totals.size() != 1) return "";
    std::vector<std::string> absent;
    for (int i = 1; i <= *totals.begin(); ++i)
        if (!given.count(i)) absent.push_back(fmt::format("{}/{}", i, *totals.begin()));
    return absent.empty() ? "" : fmt::format(" (shard {} not given)", join(absent, ", "));
}

// Where each listed scenario ran; refuses a list that differs, a scenario run twice or not at all.
std::map<std::string, const Shard*> check_coverage(const std::vector<Shard>& shards)
{
    const auto& listed = shards.front().index.listed;
    std::map<std::string, const Shard*> ran;
    for (const auto& s : shards) {
        if (s.index.listed != listed)
            throw Incomplete(fmt::format("{} was given another list ({} scenarios) than {} ({}); give every shard the "
                                         "same inputs", shard_name(s), s.index.listed.size(),
                                         shard_name(shards.front()), listed.size()));
        for (const auto& e : s.index.entries) {
            if (auto [it, fresh] = ran.emplace(e.file, &s); !fresh)
                throw Incomplete(fmt::format("{} ran in two shards: {} and {}", e.file, shard_name(*it->second),
                                             shard_name(s)));
        }
    }
    std::vector<std::string> missing;
    for (const auto& file : listed)
        if (!ran.count(file)) missing.push_back(file);
    if (!missing.empty())
        throw Incomplete(fmt::format("{} of {} listed scenarios missing, first {}{}", missing.size(), listed.size(),
                                     missing.front(), absent_shards(shards)));
    return ran;
}

void copy_reports(const fs::path& from, const fs::path& to, const std::string& name)
{
    for (const char* ext : {".json", ".xml", ".md", ".html", ".log"}) {
        const fs::path source = from / (name + ext);
        std::error_code ec;
        if (!fs::exists(source, ec)) continue;
        fs::copy_file(source, to / (name + ext), fs::copy_options::overwrite_existing, ec);
        if (ec) throw Fatal(ExitCode::Internal, fmt::format("cannot copy {}: {}", source.string(), ec.message()));
    }
}

}  // namespace

int merge(const MergeArgs& args)
{
    std::vector<Shard> shards;
    const fs::path out = args.output;
    std::error_code ec;
    for (const auto& dir : args.inputs) {
        if (fs::exists(out, ec) && fs::equivalent(dir, out, ec))
            throw ScenarioError(dir, 0, 0, "is also the output (-o); merge into a directory of its own");
        shards.push_back(read_shard(dir));
    }
    const auto ran = check_coverage(shards);

    fs::create_directories(out);
    report::BatchIndex merged{shards.front().index.listed, std::nullopt, {}, 0, 1};
    for (const auto& s : shards) {
        merged.wall_seconds = std::max(merged.wall_seconds, s.index.wall_seconds);
        merged.jobs = std::max(merged.jobs, s.index.jobs);
    }
    for (const auto& file : merged.listed) {
        const Shard& s = *ran.at(file);
        const auto e = std::find_if(s.index.entries.begin(), s.index.entries.end(),
                                    [&](const report::BatchEntry& x) { return x.file == file; });
        if (!e->report.empty()) copy_reports(s.dir, out, e->report);
        merged.entries.push_back(*e);
    }
    write_batch_dir(out, merged);
    const int worst = print_batch_table(std::cout, merged);
    std::cout << fmt::format("merged {} shard directories into {} (junit.xml, summary.md, index.json, index.html)\n",
                             shards.size(), out.string());
    return worst;
}

}  // namespace rollsim::cli
