// The human-readable summary printed at the end of a run, and the live progress line.
#pragma once

#include "report/evaluate.hpp"
#include "runner/observation.hpp"
#include "runner/runner.hpp"
#include "scenario/model.hpp"

#include <ostream>

namespace rollsim::report {

struct TerminalStyle {
    bool colour = false;
};

void print_summary(std::ostream& out, const scenario::Scenario& scenario, const runner::RunRecord& record,
                   const std::vector<Verdict>& verdicts, const std::vector<FailureWindow>& windows,
                   const std::vector<rollover::PredictedWindow>& predicted, const TerminalStyle& style);

// One line, meant to be rewritten in place with '\r' on a terminal.
std::string progress_line(const runner::Progress& progress);

}  // namespace rollsim::report
