#include "report/batch_html.hpp"

#include "core/time.hpp"
#include "report/html_report.hpp"
#include "report/sweep_table.hpp"

#include <fmt/format.h>

namespace rollsim::report {

namespace {

constexpr const char* kStyle = R"(<style>
body { font: 18px/1.4 system-ui, sans-serif; margin: 1.5em; color: #000; background: #fff; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #888; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; }
.pass { color: #006d4f; font-weight: bold; } .fail { color: #a33a00; font-weight: bold; }
table.heat td { text-align: center; min-width: 6em; }
</style>
)";

// Okabe–Ito bluish green and vermillion, darkened for text, with the word beside the colour.
std::string result_cell(int status)
{
    switch (status) {
    case 0: return "<td class=\"pass\">PASS</td>";
    case 1: return "<td class=\"fail\">FAIL</td>";
    case -1: return "<td class=\"fail\">NOT RUN</td>";
    default: return fmt::format("<td class=\"fail\">ERROR {}</td>", status);
    }
}

std::string row(const BatchEntry& e)
{
    std::string name = html_escape(e.result ? e.result->name : e.file);
    if (!e.report.empty() && e.result && (e.status == 0 || e.status == 1)) name = fmt::format("<a href=\"{}.html\">{}</a>", html_escape(e.report), name);
    std::string facts = "<td></td><td></td><td></td><td></td>";
    if (e.result)
        facts = fmt::format("<td class=\"num\">{}/{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{:.1f}</td>",
                            e.result->expectations_passed, e.result->expectations, e.result->failure_windows,
                            e.result->first_failure ? format_offset(*e.result->first_failure) : "–",
                            e.result->wall_seconds);
    std::string out = "<tr>" + result_cell(e.status) + "<td>" + name + "</td><td><code>" + html_escape(e.file) +
                      "</code></td>" + facts + "</tr>\n";
    if (!e.error.empty()) out += "<tr><td></td><td colspan=\"6\">" + html_escape(e.error) + "</td></tr>\n";
    return out;
}

}  // namespace

std::string batch_index_html(const BatchIndex& index)
{
    int passed = 0;
    for (const auto& e : index.entries) passed += e.status == 0 ? 1 : 0;
    const int failed = static_cast<int>(index.entries.size()) - passed;
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>rollsim: " +
                      fmt::format("{} passed, {} failed", passed, failed) + "</title>\n" + kStyle + "</head><body>\n";
    out += fmt::format("<h1><span class=\"{}\">{}</span> rollsim: {} passed, {} failed</h1>\n", failed ? "fail" : "pass",
                       failed ? "FAIL" : "PASS", passed, failed);
    std::string part = index.shard ? fmt::format(", shard {}/{} of {} listed", index.shard->index, index.shard->total,
                                                 index.listed.size())
                                   : "";
    out += fmt::format("<p>{} scenarios{}, {} at a time, {:.1f} s wall clock.</p>\n", index.entries.size(), part,
                       index.jobs, index.wall_seconds);
    for (const auto& table : sweep_tables(index.entries)) out += sweep_heat_map(table);
    out += "<table><tr><th>result</th><th>scenario</th><th>file</th><th>expectations</th><th>failure windows</th>"
           "<th>first failure</th><th>wall s</th></tr>\n";
    for (const auto& e : index.entries) out += row(e);
    return out + "</table>\n</body></html>\n";
}

}  // namespace rollsim::report
