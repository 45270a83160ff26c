// What a batch needs of one scenario's run: the child process that ran it hands this to the
// parent (cli/run.cpp), which prints its row of the summary table and of summary.md. Saved as
// JSON text between the two.
#pragma once

#include "core/time.hpp"
#include "report/summary.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

struct RunResult {
    std::string name;  // the scenario's
    bool pass = false;
    int failure_windows = 0;
    std::optional<Seconds> first_failure;
    double wall_seconds = 0;
    int expectations = 0;
    int expectations_passed = 0;
    std::vector<std::string> failed_expectations;  // "line 24: ID — detail" (report/expectation_id.hpp)
    // For sweeps (report/sweep_table.hpp): how often and how long names failed.
    long long probe_results = 0;
    long long failed_probes = 0;   // probe results inside failure windows
    Seconds failure_seconds{0};    // virtual time during which some query failed somewhere (windows joined)
};

RunResult run_result(const scenario::Scenario& scenario, const RunSummary& summary);

std::string to_text(const RunResult& result);
// nullopt when `text` is not a RunResult that to_text() wrote.
std::optional<RunResult> parse_run_result(const std::string& text);

}  // namespace rollsim::report
