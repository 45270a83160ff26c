// One run, analysed once: the expectation verdicts, the failure windows, the rollover lint's
// predicted windows beside the observed ones, the counts and the overall result. summarize()
// builds it from the scenario, the predicted windows and the run record; every format (the
// terminal summary, JSON, JUnit, Markdown, HTML, a batch's table and a tabletop transcript)
// renders it, and lists the record's raw observations and events beside it, without judging
// anything again.
#pragma once

#include "report/evaluate.hpp"
#include "report/failure_groups.hpp"
#include "report/kind_differences.hpp"
#include "report/population.hpp"
#include "report/monitor_leads.hpp"
#include "report/predicted.hpp"
#include "report/zone_summary.hpp"
#include "rollover/planner.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

// One expectation's verdict, and what the formats show beside a failed one.
struct ExpectationResult {
    Verdict verdict;
    std::string observed;                // the probe results it applied to: "secure ×117, SERVFAIL EDE 9 ×3"
    std::vector<FailureWindow> windows;  // the failure windows of its query and resolver
};

// A window the rollover lint predicted, with the resolvers of the scenario it applies to
// (none for a root KSK roll's window for an anchor no resolver has).
struct PredictedEntry {
    rollover::PredictedWindow window;
    std::vector<std::string> resolvers;
};

struct RunSummary {
    std::vector<ExpectationResult> expectations;  // in the scenario's order
    int expectations_passed = 0;
    bool pass = true;                             // every expectation held

    std::vector<FailureWindow> windows;           // by start
    std::optional<FailureWindow> first_failure;   // the earliest window
    std::vector<FailureGroup> failure_groups;     // `windows` by zone and cause, by start
    std::vector<MonitorSummary> monitors;         // each monitor's lead over each group, in the scenario's order
    KindDifferences kinds;                        // where resolver kinds differ; empty with one daemon kind
    std::vector<PopulationShares> populations;    // each population's share failing over time (report/population.hpp)
    // Which zones failed, when (report/zone_summary.hpp); the formats show it in place of their
    // per-name tables when zones.large.
    ZoneSummary zones;

    // Implicit ancestors (zones the lab added above the scenario's own, scenario::ZoneSpec::
    // implicit) to which nothing happened: no event, no key change and no failure window of
    // theirs. Reports may show them together, as one.
    std::vector<std::string> quiet_ancestors;

    std::vector<PredictedEntry> predicted;        // every window predicted, in the lint's order
    PredictionComparison comparison;              // those that apply to a resolver, paired with `windows`

    // The run record's counts.
    std::size_t probe_results = 0;
    int instants = 0;
    int publications = 0;
    int servers = 0;
    double wall_seconds = 0;

    // The run stopped before the scenario's end (its signer died): it does not pass.
    std::optional<runner::RunStopped> stopped;
    // "stopped at +5d of 30d: the signer of example.com. (bind on 127.55.1.1) died: ...", its first line.
    std::string stopped_headline(const scenario::Scenario& scenario) const;

    int expectations_failed() const { return static_cast<int>(expectations.size()) - expectations_passed; }
};

// `predicted`: the rollover lint's windows for `scenario` (rollover::predicted_windows), computed
// where the scenario is loaded.
RunSummary summarize(const scenario::Scenario& scenario, const std::vector<rollover::PredictedWindow>& predicted,
                     const runner::RunRecord& record);

}  // namespace rollsim::report
