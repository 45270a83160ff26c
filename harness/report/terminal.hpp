// The human-readable summary printed at the end of a run, and the live progress line.
#pragma once

#include "report/summary.hpp"
#include "runner/observation.hpp"
#include "runner/runner.hpp"
#include "scenario/model.hpp"

#include <ostream>

namespace rollsim::report {

struct TerminalStyle {
    bool colour = false;
};

void print_summary(std::ostream& out, const scenario::Scenario& scenario, const runner::RunRecord& record,
                   const RunSummary& summary, const TerminalStyle& style);

// Lines of the summary that a tabletop exercise (cli/play.cpp) prints too:
// "  warm   www.example.com. A      +1d5m1s .. +1d1h  6 probe(s)  SERVFAIL EDE 9": one failure
// window; `open_end` stands for the end of one still open ("end", "now"), `what` is its outcome
// (painted or not).
std::string window_line(const FailureWindow& window, const std::string& open_end, const std::string& what);
// "  PASS  line 24: ... (117 probe results)", then the detail of a failure; `mark` is PASS or
// FAIL (painted or not).
std::string verdict_lines(const Verdict& verdict, const std::string& mark);

// One line, meant to be rewritten in place with '\r' on a terminal.
std::string progress_line(const runner::Progress& progress);

}  // namespace rollsim::report
