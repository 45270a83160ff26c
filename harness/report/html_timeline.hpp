// The HTML report's SVG timeline and its legend (report/html_report.hpp says what they show):
// lanes of keys and DS records from the run's key changes (the quiet implicit ancestors in one),
// the rollover lint's predicted windows, one lane per resolver × query with its probe results;
// failure windows, predicted windows and the timeline's events drawn across them. Labels are
// laid out with estimated text widths (report/text_width.hpp) so that no two overlap.
#pragma once

#include "report/summary.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <string>

namespace rollsim::report {

// "+1d (2027-03-02T00:00:00Z)"
std::string offset_and_time(const scenario::Scenario& scenario, Seconds offset);

std::string timeline_svg(const scenario::Scenario& scenario, const runner::RunRecord& record,
                         const RunSummary& summary);

// A list of swatches; the predicted window's only when `predicted`, the monitors' statuses only
// with `monitors`.
std::string timeline_legend(bool predicted, bool monitors = false);

}  // namespace rollsim::report
