// JUnit XML reports, in the common schema that GitLab, GitHub test reporters
// (dorny/test-reporter, mikepenz/action-junit-report) and Jenkins read: <testsuites>, one
// <testsuite> per scenario (name, file, tests, failures, errors, skipped, time = wall clock),
// one <testcase> per expectation (name = its id, report/expectation_id.hpp; classname = scenario
// file; time = an even share of the wall clock), a
// <failure> for each expectation that did not hold (the verdict's detail and the outcomes
// observed), and the failure windows (and the rollover lint's predicted windows paired with
// them, report/predicted.hpp) in <system-out>.
#pragma once

#include "report/summary.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::report {

// A complete document: <testsuites> holding this scenario's <testsuite>.
std::string junit_report(const scenario::Scenario& scenario, const runner::RunRecord& record,
                         const RunSummary& summary);

// One scenario of a batch, for junit_combine(): the document junit_report() wrote for it, or,
// when it has none (the run did not finish), what went wrong instead.
struct JunitPart {
    std::string file;    // scenario file, as given
    std::string xml;     // junit_report() output; empty when the run produced none
    std::string error;   // used when `xml` is empty or unreadable: becomes an <error>
    double wall_seconds = 0;
};

// One document with every part's <testsuite>, and totals on <testsuites>. A part without a
// readable document becomes a testsuite with one <testcase> carrying an <error>.
std::string junit_combine(const std::vector<JunitPart>& parts);

}  // namespace rollsim::report
