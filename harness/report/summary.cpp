#include "report/summary.hpp"

#include "report/event_text.hpp"
#include "report/outcome_summary.hpp"
#include "scenario/population.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

// The windows an expectation speaks about: those of its query and resolver (all when unnamed).
std::vector<FailureWindow> windows_of(const scenario::Expectation& e, const std::vector<FailureWindow>& windows)
{
    std::vector<FailureWindow> out;
    for (const auto& w : windows)
        if ((!e.query || *e.query == w.query) && scenario::resolver_named(e.resolver, w.resolver)) out.push_back(w);
    return out;
}

std::vector<PredictedEntry> predicted_entries(const scenario::Scenario& sc,
                                              const std::vector<rollover::PredictedWindow>& predicted)
{
    std::vector<PredictedEntry> out;
    for (const auto& p : predicted) out.push_back({p, rollover::affected_resolvers(sc, p)});
    return out;
}

// Implicit zones with no event, no key change after the start and no failure group.
std::vector<std::string> quiet_ancestors(const scenario::Scenario& sc, const runner::RunRecord& record,
                                         const std::vector<FailureGroup>& groups)
{
    std::vector<std::string> out;
    for (const auto& z : sc.zones) {
        if (!z.implicit) continue;
        const bool event = std::any_of(record.events.begin(), record.events.end(), [&](const auto& e) {
            return !event_headline(e).what.empty() && event_headline(e).zone == z.name;
        });
        const bool key_change = std::any_of(record.key_changes.begin(), record.key_changes.end(), [&](const auto& k) {
            return k.zone == z.name && k.offset > Seconds(0);
        });
        const bool failure =
            std::any_of(groups.begin(), groups.end(), [&](const auto& g) { return g.zone == z.name; });
        if (!event && !key_change && !failure) out.push_back(z.name);
    }
    return out;
}

}  // namespace

RunSummary summarize(const scenario::Scenario& sc, const std::vector<rollover::PredictedWindow>& predicted,
                     const runner::RunRecord& record)
{
    RunSummary out;
    out.windows = failure_windows(record.observations);
    if (!out.windows.empty()) out.first_failure = out.windows.front();
    out.failure_groups = group_failures(sc, record.events, out.windows);
    out.zones = zone_summary(sc, out.windows);
    out.quiet_ancestors = quiet_ancestors(sc, record, out.failure_groups);
    out.predicted = predicted_entries(sc, predicted);
    out.comparison = compare_predictions(sc, predicted, out.windows, record.observations);
    out.monitors = summarize_monitors(sc, record.monitor_checks, out.failure_groups);
    out.kinds = kind_differences(record.observations);
    out.populations = population_shares(sc, record.observations);
    for (auto& v : evaluate(sc, out.comparison, record.observations)) {
        const auto& e = *v.expectation;
        if (e.kind == scenario::Expectation::Kind::Monitor) {
            const MonitorVerdict m = judge_monitor(e, out.monitors);
            v.pass = m.pass;
            v.matched = m.matched;
            v.detail = m.detail;
        }
        out.expectations_passed += v.pass ? 1 : 0;
        out.pass = out.pass && v.pass;
        std::string observed = e.kind == scenario::Expectation::Kind::Monitor
                                   ? monitor_observed(e.monitor, out.monitors)
                                   : tally_outcomes(applicable_observations(sc, e, record.observations));
        out.expectations.push_back({std::move(v), std::move(observed), windows_of(e, out.windows)});
    }
    out.probe_results = record.observations.size();
    out.instants = record.instants;
    out.publications = record.publications;
    out.servers = record.servers;
    out.wall_seconds = record.wall_seconds;
    out.stopped = record.stopped;
    if (out.stopped) out.pass = false;
    return out;
}

std::string RunSummary::stopped_headline(const scenario::Scenario& sc) const
{
    if (!stopped) return "";
    const std::string& reason = stopped->reason;
    return fmt::format("stopped at {} of {}: {}", format_offset(stopped->offset), format_duration(sc.duration),
                       reason.substr(0, reason.find('\n')));
}

}  // namespace rollsim::report
