// Turns observations into what people read: expectation verdicts and failure windows.
// Pure functions of the scenario, the rollover lint's predicted windows and the run record.
#pragma once

#include "report/outcome_text.hpp"
#include "rollover/planner.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

// Does one observation satisfy an outcome (and EDE code, for daemons)?
bool outcome_matches(const scenario::Expectation& exp, const runner::Observation& obs);
// Does the expectation's query / resolver / time range cover the observation?
bool covers(const scenario::Expectation& exp, const runner::Observation& obs);

struct Verdict {
    const scenario::Expectation* expectation = nullptr;
    bool pass = false;
    int matched = 0;         // observations the expectation applied to
    std::string detail;      // for a failure: the first offending observations
    std::string id;          // the expectation's stable name (report/expectation_id.hpp)
};

struct PredictionComparison;  // report/predicted.hpp

// An expectation that applies to no observation fails: a check that cannot fail is no check.
// `comparison` is what `predicted-windows: match` judges: compare_predictions() of the
// observations' failure windows.
std::vector<Verdict> evaluate(const scenario::Scenario& scenario, const PredictionComparison& comparison,
                              const std::vector<runner::Observation>& observations);
// The same, pairing the failure windows of `observations` with `predicted` (the rollover lint's
// windows for the scenario, rollover::predicted_windows) first.
std::vector<Verdict> evaluate(const scenario::Scenario& scenario,
                              const std::vector<rollover::PredictedWindow>& predicted,
                              const std::vector<runner::Observation>& observations);

// A run of consecutive failing probes of one query at one resolver.
struct FailureWindow {
    std::string resolver;
    scenario::Query query;
    Seconds start{0};              // first failing probe
    std::optional<Seconds> end;    // first succeeding probe after it; nullopt = still failing at the end
    Seconds last_failure{0};       // last failing probe
    int probes = 0;
    std::string what;  // describe() of the first failing probe: "SERVFAIL EDE 9", "bogus"
    Rcode rcode;       // of the first failing probe
    Ede ede;
    std::string ede_text;
    std::string reason;
};

std::vector<FailureWindow> failure_windows(const std::vector<runner::Observation>& observations);

std::string to_string(scenario::Outcome outcome);
// "window", "otherwise", "no-failures", "failure-window", "predicted-windows": the scenario
// format's own words (docs/report-format.md, expectations[].kind).
std::string to_string(scenario::Expectation::Kind kind);

}  // namespace rollsim::report
