// The differences between resolver kinds in each report format (docs/report-format.md,
// "Differences between resolver kinds"): one layout shared by the terminal, Markdown and HTML
// reports, and the JSON form. They render RunSummary::kinds (report/kind_differences.hpp) and
// judge nothing again; each is empty for a run with one daemon kind.
#pragma once

#include "report/kind_differences.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rollsim::report {

// One failure window of one kind, in words.
struct KindRow {
    std::string kind;      // "bind"
    std::string resolver;  // "named"
    std::string window;    // "+1d5m1s .. +1d1h"
    std::string probes;    // "3 probes"
    std::vector<std::string> said;  // "SERVFAIL EDE 9 (DNSKEY Missing): ...", then "from +1d1h1s: ..."
};

std::vector<KindRow> kind_rows(const QueryDifferences& query);
// "fails: unbound, bind; never fails: libunbound (cold)"; "no kind failed".
std::string failing_text(const QueryDifferences& query);
// "+1d5m1s .. +1d55m (3 instants): fails: unbound; secure: bind".
std::string disagreement_text(const Disagreement& d);

// The terminal's section.
std::string kinds_terminal(const KindDifferences& differences);
// The Markdown report's "## Differences between resolver kinds".
std::string kinds_markdown(const KindDifferences& differences);
// The HTML report's section.
std::string kinds_html(const KindDifferences& differences);
// JSON "kind_differences": null when empty (the key is then left out of the report).
nlohmann::json kinds_json(const KindDifferences& differences);

}  // namespace rollsim::report
