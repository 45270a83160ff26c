// The monitors' verdict in each report format (docs/report-format.md, "Monitors"): one table
// of lead times shared by the terminal, Markdown, JUnit and HTML reports, and the JSON form.
// They render RunSummary::monitors (report/monitor_leads.hpp) and judge nothing again.
#pragma once

#include "report/summary.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rollsim::report {

// One monitor against one failure group, in words.
struct LeadRow {
    std::string monitor;
    std::string failure;   // "example.com. at +1d3h"
    std::string warning;   // "2d ahead", "at once", "3h late", "missed"
    std::string critical;
};

std::vector<LeadRow> lead_rows(const RunSummary& summary);

// "health: 3 checks OK, 1 WARNING; 1 false alarm at +2d (HEALTH WARNING - ...)": one line per
// monitor, what the table leaves out.
std::vector<std::string> monitor_notes(const RunSummary& summary);

// The terminal's "Monitors" section; empty without monitors.
std::string monitors_terminal(const RunSummary& summary);

// The Markdown report's "## Monitors" section; empty without monitors.
std::string monitors_markdown(const RunSummary& summary);

// The HTML report's "Monitors" section (lead times, notes); empty without monitors.
std::string monitors_html(const RunSummary& summary);

// JSON: "monitors" (summaries with leads, false alarms and state changes) and
// "monitor_checks" (every run).
nlohmann::json monitors_json(const RunSummary& summary);
nlohmann::json monitor_checks_json(const scenario::Scenario& scenario, const runner::RunRecord& record);

}  // namespace rollsim::report
