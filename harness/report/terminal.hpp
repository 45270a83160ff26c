// The human-readable summary printed at the end of a run, and the live progress line.
#pragma once

#include "report/summary.hpp"
#include "runner/observation.hpp"
#include "runner/runner.hpp"
#include "scenario/model.hpp"

#include <ostream>
#include <string>

namespace rollsim::report {

struct TerminalStyle {
    bool colour = false;
    // Failure windows: one line per group of them (report/failure_groups.hpp), and with
    // `verbose` each window of the group beneath it, with the validator's reason.
    bool verbose = false;
    // The columns lines must fit in: an expectation's line and its detail are cut in the middle
    // ("…"), a failure group's line goes on two lines.
    std::size_t width = 100;
};

void print_summary(std::ostream& out, const scenario::Scenario& scenario, const runner::RunRecord& record,
                   const RunSummary& summary, const TerminalStyle& style);

// Lines of the summary that a tabletop exercise (cli/play.cpp) prints too:
// "  warm   www.example.com. A      +1d5m1s .. +1d1h  6 probe(s)  SERVFAIL EDE 9": one failure
// window; `open_end` stands for the end of one still open ("end", "now"), `what` is its outcome
// (painted or not).
std::string window_line(const FailureWindow& window, const std::string& open_end, const std::string& what);
// "  PASS  line 24: ... (117 probe results)", then the detail of a failure; `mark` is PASS or
// FAIL (painted or not). Each line fits in `width` columns, cut in the middle when longer.
std::string verdict_lines(const Verdict& verdict, const std::string& mark,
                          std::size_t width = std::string::npos);

// "  example.com.  DNSKEY removed at +1d (remove zsk-a)  +1d5m1s .. +1d1h (54m59s)  warm:
// www.example.com. A SERVFAIL EDE 9": one group of failure windows, on one line when it fits in
// the style's width, else with whom it hit on a second line.
std::string group_lines(const scenario::Scenario& scenario, const FailureGroup& group, const TerminalStyle& style);

// One line, meant to be rewritten in place with '\r' on a terminal.
std::string progress_line(const runner::Progress& progress);

}  // namespace rollsim::report
