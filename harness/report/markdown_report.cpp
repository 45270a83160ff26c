#include "report/markdown_report.hpp"

#include "report/outcome_summary.hpp"
#include "report/event_text.hpp"
#include "report/kind_report.hpp"
#include "report/population.hpp"
#include "report/monitor_report.hpp"
#include "report/outcome_text.hpp"
#include "report/predicted.hpp"
#include "report/zone_report.hpp"

#include <string_view>

#include <fmt/format.h>

namespace rollsim::report {

std::string markdown_cell(const std::string& text)
{
    static constexpr std::string_view kMarkup = "|\\`*_[]";  // backslash-escaped
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\r') continue;
        if (c == '\n') out += "<br>";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else if (kMarkup.find(c) != std::string_view::npos) out += {'\\', c};
        else out += c;
    }
    return out;
}

namespace {

std::string code(const std::string& text)
{
    // Inline code keeps everything literal except backticks and pipes (inside tables).
    std::string t;
    for (char c : text) {
        if (c == '`' || c == '\n') t += ' ';
        else if (c == '|') t += "\\|";
        else t += c;
    }
    return "`" + t + "`";
}

std::string facts(const scenario::Scenario& sc, const RunSummary& summary)
{
    std::string out = "| fact | value |\n| --- | --- |\n";
    out += fmt::format("| virtual span | {} → {} ({}) |\n", format_time(sc.start), format_time(sc.start + sc.duration),
                       format_duration(sc.duration));
    out += fmt::format("| zones | {}: {} |\n", sc.zones.size(), markdown_cell(zone_names(sc)));
    out += fmt::format("| servers | {} NSD |\n", summary.servers);
    out += fmt::format("| probe results | {} ({} instants, {} zone versions published) |\n", summary.probe_results,
                       summary.instants, summary.publications);
    const auto& first = summary.first_failure;
    out += fmt::format("| first failure | {} |\n",
                       !first ? std::string("none")
                              : fmt::format("{} ({}): {} {}", format_offset(first->start),
                                            format_time(sc.start + first->start), markdown_cell(first->resolver),
                                            markdown_cell(first->query.text())));
    if (summary.stopped) out += fmt::format("| stopped | {} |\n", markdown_cell(summary.stopped_headline(sc)));
    out += fmt::format("| wall clock | {:.1f} s |\n\n", summary.wall_seconds);
    return out;
}

std::string windows_table(const RunSummary& summary)
{
    std::string out = "### Failure windows\n\n";
    if (summary.windows.empty()) return out + "None: every probe of every resolver succeeded.\n\n";
    out += "| resolver | query | from | until | outcome | EDE | reason |\n";
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const auto& w : summary.windows) {
        const std::string ede = ede_beside_reason(w);
        out += fmt::format("| {} | {} | {} | {} | {} ({} probes) | {} | {} |\n", markdown_cell(w.resolver),
                           markdown_cell(w.query.text()), format_offset(w.start),
                           w.end ? format_offset(*w.end) : std::string("end (still failing)"), markdown_cell(w.what),
                           w.probes, ede.empty() ? "–" : markdown_cell(ede), markdown_cell(w.reason));
    }
    return out + "\n";
}

// The rollover lint's predictions, only when it made some.
std::string predictions_table(const scenario::Scenario& sc, const PredictionComparison& comparison)
{
    if (comparison.predicted.empty()) return {};
    std::string out = "### Predicted vs observed\n\n";
    out += pairing_text(sc.probes.every) + "\n\n";
    out += "| verdict | zone | resolvers | from | until | observed | cause |\n";
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    std::string notes;  // why a window saw no failure, and how to see it
    for (const auto& r : comparison.rows) {
        const auto& p = r.predicted;
        out += fmt::format("| {} {} | {} | {} | {} | {} | {} | {} |\n",
                           r.match == PredictionMatch::Matched         ? "✅"
                           : r.match == PredictionMatch::NotObservable ? "➖"
                                                                       : "⚠️",
                           to_string(r.match),
                           p ? markdown_cell(p->zone) : "–", p ? markdown_cell(resolvers_text(r.resolvers)) : "–",
                           p ? format_offset(p->from) : "–", p ? format_offset(p->until) : "–",
                           markdown_cell(observed_text(r.observed)), p ? markdown_cell(p->cause) : "–");
        if (const std::string why = unobserved_text(r); !why.empty()) notes += "- " + markdown_cell(why) + "\n";
    }
    if (!notes.empty()) out += "\n" + notes;
    return out + "\n";
}

// Parent agents' decisions (docs/parent-agent.md), only when there were some.
std::string agent_table(const runner::RunRecord& record)
{
    if (record.parent_agent.empty()) return {};
    std::string out = "### Parent agent\n\n";
    out += "What the parent's agent accepted or refused when it scanned the child's CDS/CDNSKEY, and why.\n\n";
    out += "| scan | zone | verdict | reason | DS change |\n| --- | --- | --- | --- | --- |\n";
    for (const auto& d : record.parent_agent)
        out += fmt::format("| {} | {} | {} {} | {} | {} |\n", format_offset(d.offset), markdown_cell(d.zone),
                           d.verdict == "accepted" ? "✅" : "⛔", d.verdict, markdown_cell(d.reason),
                           d.ds_change_at ? format_offset(*d.ds_change_at) : "–");
    return out + "\n";
}

// The expectation's id (its text, unless two expectations read the same: report/expectation_id.hpp),
// with the text beneath when they differ.
std::string expectation_cell(const Verdict& v)
{
    if (v.id == v.expectation->text) return markdown_cell(v.id);
    return code(v.id) + "<br>" + markdown_cell(v.expectation->text);
}

std::string expectations_table(const RunSummary& summary)
{
    std::string out = "### Expectations\n\n";
    if (summary.expectations.empty()) return out + "None.\n\n";
    out += "| | line | expectation | probe results | detail |\n| --- | --- | --- | --- | --- |\n";
    for (const auto& [v, observed, windows] : summary.expectations) {
        const std::string detail =
            v.pass ? std::string() : markdown_cell(v.detail) + "<br>observed: " + markdown_cell(observed);
        out += fmt::format("| {} | {} | {} | {} | {} |\n", v.pass ? "✅ pass" : "❌ FAIL", v.expectation->loc.line,
                           expectation_cell(v), v.matched, detail);
    }
    return out + "\n";
}

std::string timeline_events(const runner::RunRecord& record)
{
    std::string out;
    for (const auto& e : record.events) {
        if (e.source != runner::EventRecord::Source::Timeline) continue;
        if (out.empty()) out += "<details><summary>Timeline events</summary>\n\n";
        out += fmt::format("- **{}** {}", format_offset(e.offset), markdown_cell(event_text(e)));
        if (!e.say.empty()) out += fmt::format(" — *{}*", markdown_cell(e.say));
        out += "\n";
    }
    return out.empty() ? out : out + "\n</details>\n";
}

}  // namespace

std::string markdown_report(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    const bool pass = summary.pass;
    std::string out;
    out += fmt::format("## {} {}: {}\n\n", pass ? "✅" : "❌", pass ? "PASS" : "FAIL", markdown_cell(sc.name));
    out += fmt::format("{} — {} of {} expectations held, {} failure window(s)\n\n", code(sc.file),
                       summary.expectations_passed, summary.expectations.size(), summary.windows.size());
    out += facts(sc, summary);
    // A large run's zones stand in for its windows, one row per query and resolver.
    out += summary.zones.large ? zones_markdown(summary.zones) : windows_table(summary);
    out += predictions_table(sc, summary.comparison);
    out += agent_table(record);
    out += kinds_markdown(summary.kinds);
    out += populations_markdown(summary.populations);
    out += monitors_markdown(summary);
    out += expectations_table(summary);
    out += timeline_events(record);
    return out;
}

MarkdownBatchRow markdown_batch_row(const std::string& file, int status, const std::optional<RunResult>& result,
                                    const std::string& error)
{
    MarkdownBatchRow row;
    row.file = file;
    row.name = file;
    row.status = status;
    row.error = error;
    if (!result) return row;
    row.name = result->name;
    row.windows = result->failure_windows;
    row.first_failure = result->first_failure;
    row.wall_seconds = result->wall_seconds;
    row.expectations = result->expectations;
    row.expectations_passed = result->expectations_passed;
    row.failed_expectations = result->failed_expectations;
    return row;
}

std::string markdown_code(const std::string& text) { return code(text); }

std::string markdown_batch_summary(const std::vector<MarkdownBatchRow>& rows, double wall_seconds, int jobs)
{
    int passed = 0;
    for (const auto& r : rows) passed += r.status == 0 ? 1 : 0;
    const int failed = static_cast<int>(rows.size()) - passed;
    std::string out = fmt::format("## {} rollsim: {} passed, {} failed\n\n", failed ? "❌ FAIL" : "✅ PASS", passed,
                                  failed);
    out += fmt::format("{} scenarios, {} at a time, {:.1f} s wall clock\n\n", rows.size(), jobs, wall_seconds);
    out += "| | scenario | file | expectations | failure windows | first failure | wall s |\n";
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const auto& r : rows) {
        std::string result = r.status == 0 ? "✅ pass" : r.status == 1 ? "❌ FAIL" : r.status == -1 ? "⏭ not run"
                                                                                        : fmt::format("⚠️ error {}", r.status);
        std::string name = markdown_cell(r.name);
        if (!r.report.empty()) name = fmt::format("[{}]({})", name, r.report);
        out += fmt::format("| {} | {} | {} | {}/{} | {} | {} | {:.1f} |\n", result, name, code(r.file),
                           r.expectations_passed, r.expectations, r.windows,
                           r.first_failure ? format_offset(*r.first_failure) : std::string("–"), r.wall_seconds);
    }
    out += "\n";
    for (const auto& r : rows) {
        if (r.status == 0) continue;
        out += fmt::format("### {} {}\n\n", r.status == 1 ? "❌" : "⚠️", markdown_cell(r.name));
        if (!r.error.empty()) out += fmt::format("Error: {}\n\n", code(r.error));
        for (const auto& f : r.failed_expectations) out += fmt::format("- {}\n", markdown_cell(f));
        if (!r.failed_expectations.empty()) out += "\n";
    }
    return out;
}

}  // namespace rollsim::report
