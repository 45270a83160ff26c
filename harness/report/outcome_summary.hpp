// Small pieces report/summary.hpp and the formats share: the observations an expectation applied
// to and a tally of what they were, the length of a failure window and its EDE beside its
// reason, the zones' names. Pure functions.
#pragma once

#include "report/evaluate.hpp"
#include "report/outcome_text.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::report {

// The observations `exp` applied to, as evaluate() judged them: those it covers, or for an
// `otherwise` expectation those no window expectation covers.
std::vector<const runner::Observation*> applicable_observations(const scenario::Scenario& scenario,
                                                                const scenario::Expectation& exp,
                                                                const std::vector<runner::Observation>& observations);

// "secure ×117, SERVFAIL EDE 9 ×3" (labels in order of first appearance); "none" when empty.
std::string tally_outcomes(const std::vector<const runner::Observation*>& observations);

// "1d5m1s" for a failure window (until its end, or the scenario's end when still open).
std::string window_length(const scenario::Scenario& scenario, Seconds start, const std::optional<Seconds>& end);

// A failure window's EDE beside its reason: "9", with the EDE's text only when it says more than
// the reason ("9 signatures from unknown keys"); "" without an EDE.
std::string ede_beside_reason(const FailureWindow& window);

// "., com., example.com.": the scenario's zones in order.
std::string zone_names(const scenario::Scenario& scenario);

}  // namespace rollsim::report
