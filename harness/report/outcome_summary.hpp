// Shared by the report formats (JUnit, Markdown, HTML): the short label of one probe result,
// the observations an expectation applied to, and a tally of what they were. Pure functions.
#pragma once

#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::report {

// "secure", "insecure", "NXDOMAIN secure" for answers; describe() for failures
// ("SERVFAIL EDE 9", "bogus", "no answer").
std::string outcome_label(const runner::Observation& obs);

// The observations `exp` applied to, as evaluate() judged them: those it covers, or for an
// `otherwise` expectation those no window expectation covers.
std::vector<const runner::Observation*> applicable_observations(const scenario::Scenario& scenario,
                                                                const scenario::Expectation& exp,
                                                                const std::vector<runner::Observation>& observations);

// "secure ×117, SERVFAIL EDE 9 ×3" (labels in order of first appearance); "none" when empty.
std::string tally_outcomes(const std::vector<const runner::Observation*>& observations);

// "1d5m1s" for a failure window (until its end, or the scenario's end when still open).
std::string window_length(const scenario::Scenario& scenario, Seconds start, const std::optional<Seconds>& end);

}  // namespace rollsim::report
