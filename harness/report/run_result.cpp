#include "report/run_result.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

// nlohmann/json 3.11 has no conversions for std::optional and std::chrono durations.
namespace nlohmann {

template <typename T>
struct adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& v) { j = v ? json(*v) : json(nullptr); }
    static void from_json(const json& j, std::optional<T>& v)
    {
        if (j.is_null()) v.reset();
        else v = j.get<T>();
    }
};

template <>
struct adl_serializer<rollsim::Seconds> {
    static void to_json(json& j, const rollsim::Seconds& s) { j = s.count(); }
    static void from_json(const json& j, rollsim::Seconds& s) { s = rollsim::Seconds(j.get<long long>()); }
};

}  // namespace nlohmann

namespace rollsim::report {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunResult, name, pass, failure_windows, first_failure, wall_seconds, expectations,
                                   expectations_passed, failed_expectations, probe_results, failed_probes,
                                   failure_seconds)

namespace {

// The length of the union of the windows, a window still open at the end lasting until `end`.
Seconds joined_length(std::vector<FailureWindow> windows, Seconds end)
{
    std::sort(windows.begin(), windows.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    Seconds total{0}, covered_until{0};
    for (const auto& w : windows) {
        const Seconds from = std::max(w.start, covered_until), until = w.end.value_or(end);
        if (until > from) total += until - from;
        covered_until = std::max(covered_until, until);
    }
    return total;
}

}  // namespace

RunResult run_result(const scenario::Scenario& sc, const RunSummary& summary)
{
    RunResult out;
    out.name = sc.name;
    out.pass = summary.pass;
    out.failure_windows = static_cast<int>(summary.windows.size());
    if (summary.first_failure) out.first_failure = summary.first_failure->start;
    out.wall_seconds = summary.wall_seconds;
    out.expectations = static_cast<int>(summary.expectations.size());
    out.expectations_passed = summary.expectations_passed;
    out.probe_results = static_cast<long long>(summary.probe_results);
    for (const auto& w : summary.windows) out.failed_probes += w.probes;
    out.failure_seconds = joined_length(summary.windows, sc.duration);
    for (const auto& e : summary.expectations)
        if (!e.verdict.pass)
            out.failed_expectations.push_back(fmt::format("line {}: {} — {}", e.verdict.expectation->loc.line,
                                                          e.verdict.id, e.verdict.detail));
    return out;
}

std::string to_text(const RunResult& result) { return nlohmann::json(result).dump() + "\n"; }

std::optional<RunResult> parse_run_result(const std::string& text)
{
    try {
        return nlohmann::json::parse(text).get<RunResult>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

}  // namespace rollsim::report
