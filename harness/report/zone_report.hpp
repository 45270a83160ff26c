// The per-zone summary (report/zone_summary.hpp) in each report format: the terminal, Markdown
// and HTML tables that stand in for the per-name tables of a large run, the JSON "zones"
// section and JUnit's text. They render RunSummary::zones and judge nothing again; each is
// empty when the run is not large, so a small run's report stays as it was.
#pragma once

#include "report/zone_summary.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace rollsim::report {

// The terminal and JUnit list at most this many failing zones, then "and N more zones failed;
// see the JSON report".
constexpr std::size_t kZonesListed = 30;

// "Failing zones (3 of 30 probed zones; 27 without failure)" and a line per failing zone.
std::string zones_terminal(const ZoneSummary& zones);
// The Markdown report's "### Failing zones", every failing zone.
std::string zones_markdown(const ZoneSummary& zones);
// The HTML report's section, every failing zone.
std::string zones_html(const ZoneSummary& zones);
// JSON "zones": counts and every failing zone with its spans per resolver.
nlohmann::json zones_json(const ZoneSummary& zones);

}  // namespace rollsim::report
