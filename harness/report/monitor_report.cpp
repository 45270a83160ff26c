#include "report/monitor_report.hpp"

#include "core/text.hpp"
#include "report/html_report.hpp"

#include <functional>

#include <fmt/format.h>

namespace rollsim::report {

using nlohmann::json;

namespace {

std::string counts_text(const MonitorSummary& m)
{
    std::vector<std::string> parts;
    for (int s = 0; s < 4; ++s)
        if (m.counts[s]) parts.push_back(fmt::format("{} {}", m.counts[s], monitor::to_string(monitor::Status(s))));
    return fmt::format("{} check{}{}{}", m.checks, m.checks == 1 ? "" : "s", parts.empty() ? "" : ": ",
                       join(parts, ", "));
}

json lead_seconds(std::optional<Seconds> alert, Seconds start)
{
    return alert ? json((start - *alert).count()) : json(nullptr);
}

}  // namespace

std::vector<LeadRow> lead_rows(const RunSummary& summary)
{
    std::vector<LeadRow> out;
    for (const auto& m : summary.monitors)
        for (const auto& lead : m.leads) {
            const auto& g = summary.failure_groups[lead.group];
            out.push_back({m.name, fmt::format("{} at {}", g.zone, format_offset(g.start)),
                           lead_text(lead.warned, lead.failure_start), lead_text(lead.critical, lead.failure_start)});
        }
    return out;
}

std::vector<std::string> monitor_notes(const RunSummary& summary)
{
    std::vector<std::string> out;
    for (const auto& m : summary.monitors) {
        std::string line = fmt::format("{} ({}): {}", m.name, m.kind, counts_text(m));
        if (m.false_alarms.empty()) line += "; no false alarm";
        for (const auto& f : m.false_alarms)
            line += fmt::format("; false alarm {} .. {} ({}): {}", format_offset(f.start), format_offset(f.last),
                                monitor::to_string(f.worst), f.line);
        out.push_back(std::move(line));
    }
    return out;
}

namespace {

// How one format lays the section out: what goes around the notes and the lead-time table.
struct Layout {
    std::string heading, notes_end, none, table_head, table_end, end;
    std::function<std::string(const std::string&)> note;
    std::function<std::string(const LeadRow&)> row;
};

std::string render(const RunSummary& summary, const Layout& l)
{
    if (summary.monitors.empty()) return "";
    std::string out = l.heading;
    for (const auto& note : monitor_notes(summary)) out += l.note(note);
    out += l.notes_end;
    const auto rows = lead_rows(summary);
    if (rows.empty()) return out + l.none + l.end;
    out += l.table_head;
    for (const auto& r : rows) out += l.row(r);
    return out + l.table_end + l.end;
}

std::string terminal_row(const LeadRow& r)
{
    return fmt::format("  {:<14} {:<32} {:<16} {}\n", r.monitor, r.failure, r.warning, r.critical);
}

}  // namespace

std::string monitors_terminal(const RunSummary& summary)
{
    return render(summary, {.heading = "\nMonitors (lead over the first resolver failure)\n",
                            .none = "  no failure window to be warned of\n",
                            .table_head = terminal_row({"monitor", "failure", "warning", "critical"}),
                            .note = [](const std::string& n) { return "  " + n + "\n"; },
                            .row = terminal_row});
}

std::string monitors_markdown(const RunSummary& summary)
{
    return render(summary, {.heading = "\n## Monitors\n\n",
                            .none = "\nNo failure window to be warned of.\n",
                            .table_head = "\n| monitor | failure | warning | critical |\n| --- | --- | --- | --- |\n",
                            .note = [](const std::string& n) { return "- " + n + "\n"; },
                            .row = [](const LeadRow& r) {
                                return fmt::format("| {} | {} | {} | {} |\n", r.monitor, r.failure, r.warning,
                                                   r.critical);
                            }});
}

std::string monitors_html(const RunSummary& summary)
{
    return render(summary,
                  {.heading = "<section>\n<h2>Monitors</h2>\n<ul class=\"monitor-notes\">\n",
                   .notes_end = "</ul>\n",
                   .none = "<p>No failure window to be warned of.</p>\n",
                   .table_head = "<table class=\"monitors\">\n<thead><tr><th>monitor</th><th>failure</th>"
                                 "<th>first warning</th><th>first critical</th></tr></thead>\n<tbody>\n",
                   .table_end = "</tbody>\n</table>\n",
                   .end = "</section>\n",
                   .note = [](const std::string& n) { return "<li>" + html_escape(n) + "</li>\n"; },
                   .row = [](const LeadRow& r) {
                       return fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                                          html_escape(r.monitor), html_escape(r.failure), html_escape(r.warning),
                                          html_escape(r.critical));
                   }});
}

json monitors_json(const RunSummary& summary)
{
    json out = json::array();
    for (const auto& m : summary.monitors) {
        json leads = json::array(), alarms = json::array(), states = json::array();
        for (const auto& l : m.leads)
            leads.push_back({{"zone", summary.failure_groups[l.group].zone},
                             {"failure_start_s", l.failure_start.count()},
                             {"warning_s", l.warned ? json(l.warned->count()) : json(nullptr)},
                             {"critical_s", l.critical ? json(l.critical->count()) : json(nullptr)},
                             {"warning_lead_s", lead_seconds(l.warned, l.failure_start)},
                             {"critical_lead_s", lead_seconds(l.critical, l.failure_start)},
                             {"warning", lead_text(l.warned, l.failure_start)},
                             {"critical", lead_text(l.critical, l.failure_start)}});
        for (const auto& f : m.false_alarms)
            alarms.push_back({{"start_s", f.start.count()}, {"last_s", f.last.count()},
                              {"worst", monitor::to_string(f.worst)}, {"line", f.line}});
        for (const auto& s : m.states)
            states.push_back({{"offset_s", s.offset.count()}, {"status", monitor::to_string(s.status)}, {"line", s.line}});
        out.push_back({{"name", m.name}, {"kind", m.kind}, {"checks", m.checks}, {"horizon_s", m.horizon.count()},
                       {"leads", leads}, {"false_alarms", alarms}, {"states", states}});
    }
    return out;
}

json monitor_checks_json(const scenario::Scenario& sc, const runner::RunRecord& record)
{
    json out = json::array();
    for (const auto& c : record.monitor_checks)
        out.push_back({{"offset_s", c.offset.count()}, {"time", format_time(sc.start + c.offset)},
                       {"monitor", c.monitor}, {"status", monitor::to_string(c.status)},
                       {"exit_status", c.exit_status}, {"line", c.line}, {"output", c.output},
                       {"wall_s", c.wall_seconds}});
    return out;
}

}  // namespace rollsim::report
