#include "report/markdown_report.hpp"

#include "report/outcome_summary.hpp"
#include "report/predicted.hpp"

#include <fmt/format.h>

namespace rollsim::report {

std::string markdown_cell(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '\n': out += "<br>"; break;
        case '\r': break;
        case '|': case '\\': case '`': case '*': case '_': case '[': case ']':
            out += '\\';
            out += c;
            break;
        default: out += c;
        }
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

}  // namespace

std::string markdown_report(const scenario::Scenario& sc, const runner::RunRecord& record,
                            const std::vector<Verdict>& verdicts, const std::vector<FailureWindow>& windows,
                            const std::vector<rollover::PredictedWindow>& predicted)
{
    int failed = 0;
    for (const auto& v : verdicts) failed += v.pass ? 0 : 1;
    const bool pass = failed == 0;
    std::string out;
    out += fmt::format("## {} {}: {}\n\n", pass ? "✅" : "❌", pass ? "PASS" : "FAIL", markdown_cell(sc.name));
    out += fmt::format("{} — {} of {} expectations held, {} failure window(s)\n\n", code(sc.file),
                       verdicts.size() - failed, verdicts.size(), windows.size());

    std::string zones;
    for (const auto& z : sc.zones) zones += (zones.empty() ? "" : ", ") + z.name;
    out += "| fact | value |\n| --- | --- |\n";
    out += fmt::format("| virtual span | {} → {} ({}) |\n", format_time(sc.start), format_time(sc.start + sc.duration),
                       format_duration(sc.duration));
    out += fmt::format("| zones | {}: {} |\n", sc.zones.size(), markdown_cell(zones));
    out += fmt::format("| servers | {} NSD |\n", record.servers);
    out += fmt::format("| probe results | {} ({} instants, {} zone versions published) |\n",
                       record.observations.size(), record.instants, record.publications);
    out += fmt::format("| first failure | {} |\n",
                       windows.empty() ? std::string("none")
                                       : fmt::format("{} ({}): {} {}", format_offset(windows.front().start),
                                                     format_time(sc.start + windows.front().start),
                                                     markdown_cell(windows.front().resolver),
                                                     markdown_cell(windows.front().query.text())));
    out += fmt::format("| wall clock | {:.1f} s |\n\n", record.wall_seconds);

    out += "### Failure windows\n\n";
    if (windows.empty()) {
        out += "None: every probe of every resolver succeeded.\n\n";
    } else {
        out += "| resolver | query | from | until | outcome | EDE | reason |\n";
        out += "| --- | --- | --- | --- | --- | --- | --- |\n";
        for (const auto& w : windows) {
            std::string ede = w.ede ? std::to_string(*w.ede) : "–";
            if (w.ede && !w.ede_text.empty() && w.ede_text != w.reason) ede += " " + markdown_cell(w.ede_text);
            out += fmt::format("| {} | {} | {} | {} | {} ({} probes) | {} | {} |\n", markdown_cell(w.resolver),
                               markdown_cell(w.query.text()), format_offset(w.start),
                               w.end ? format_offset(*w.end) : std::string("end (still failing)"),
                               markdown_cell(w.what), w.probes, ede, markdown_cell(w.reason));
        }
        out += "\n";
    }

    // The rollover lint's predictions, only when it made some.
    const auto comparison = compare_predictions(sc, predicted, windows);
    if (!comparison.predicted.empty()) {
        out += "### Predicted vs observed\n\n";
        out += fmt::format("The rollover lint's predicted failure windows and the observed failure windows of the "
                           "resolvers they apply to, paired within one probe interval ({}).\n\n",
                           format_duration(sc.probes.every));
        out += "| verdict | zone | resolvers | from | until | observed | cause |\n";
        out += "| --- | --- | --- | --- | --- | --- | --- |\n";
        for (const auto& r : comparison.rows) {
            const std::string resolvers = resolvers_text(r.resolvers);
            const auto& p = r.predicted;
            out += fmt::format("| {} {} | {} | {} | {} | {} | {} | {} |\n",
                               r.match == PredictionMatch::Matched ? "✅" : "⚠️", to_string(r.match),
                               p ? markdown_cell(p->zone) : "–", p ? markdown_cell(resolvers) : "–",
                               p ? format_offset(p->from) : "–", p ? format_offset(p->until) : "–",
                               markdown_cell(observed_text(r.observed)), p ? markdown_cell(p->cause) : "–");
        }
        out += "\n";
    }

    // Parent agents' decisions (docs/parent-agent.md), only when there were some.
    if (!record.parent_agent.empty()) {
        out += "### Parent agent\n\n";
        out += "What the parent's agent accepted or refused when it scanned the child's CDS/CDNSKEY, and why.\n\n";
        out += "| scan | zone | verdict | reason | DS change |\n| --- | --- | --- | --- | --- |\n";
        for (const auto& d : record.parent_agent)
            out += fmt::format("| {} | {} | {} {} | {} | {} |\n", format_offset(d.offset), markdown_cell(d.zone),
                               d.verdict == "accepted" ? "✅" : "⛔", d.verdict, markdown_cell(d.reason),
                               d.ds_change_at ? format_offset(*d.ds_change_at) : "–");
        out += "\n";
    }

    out += "### Expectations\n\n";
    if (verdicts.empty()) {
        out += "None.\n\n";
    } else {
        out += "| | line | expectation | probe results | detail |\n| --- | --- | --- | --- | --- |\n";
        for (const auto& v : verdicts) {
            const auto& e = *v.expectation;
            std::string detail;
            if (!v.pass)
                detail = markdown_cell(v.detail) + "<br>observed: " +
                         markdown_cell(tally_outcomes(applicable_observations(sc, e, record.observations)));
            out += fmt::format("| {} | {} | {} | {} | {} |\n", v.pass ? "✅ pass" : "❌ FAIL", e.loc.line,
                               markdown_cell(e.text), v.matched, detail);
        }
        out += "\n";
    }

    bool any_event = false;
    for (const auto& e : record.events) {
        if (e.source != runner::EventRecord::Source::Timeline) continue;
        if (!any_event) out += "<details><summary>Timeline events</summary>\n\n";
        any_event = true;
        out += fmt::format("- **{}** {}", format_offset(e.offset), markdown_cell(e.text));
        if (!e.say.empty()) out += fmt::format(" — *{}*", markdown_cell(e.say));
        out += "\n";
    }
    if (any_event) out += "\n</details>\n";
    return out;
}

MarkdownBatchRow markdown_batch_row(const std::string& file, int status, const nlohmann::json& report,
                                    const std::string& error)
{
    MarkdownBatchRow row;
    row.file = file;
    row.name = file;
    row.status = status;
    row.error = error;
    if (!report.is_object()) return row;
    try {
        row.name = report.at("scenario").at("name").get<std::string>();
        row.windows = static_cast<int>(report.at("failure_windows").size());
        if (!report.at("first_failure_s").is_null())
            row.first_failure = Seconds(report.at("first_failure_s").get<long long>());
        row.wall_seconds = report.at("run").at("wall_clock_s").get<double>();
        for (const auto& e : report.at("expectations")) {
            ++row.expectations;
            if (e.at("verdict") == "pass") {
                ++row.expectations_passed;
                continue;
            }
            row.failed_expectations.push_back(fmt::format("line {}: {} — {}", e.at("line").get<int>(),
                                                          e.at("text").get<std::string>(),
                                                          e.at("detail").get<std::string>()));
        }
    } catch (const nlohmann::json::exception&) {
        // A partial row is still worth a line of the summary.
    }
    return row;
}

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
