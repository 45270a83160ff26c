#include "report/sweep_table.hpp"

#include "core/text.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

// "FILE[a=1,b=2]" -> "FILE": the label's values, as scenario/sweep.hpp writes them, taken off.
std::string sweep_file(const BatchEntry& e)
{
    std::vector<std::string> parts;
    for (const auto& [name, value] : e.parameters) parts.push_back(name + "=" + value);
    const std::string suffix = "[" + join(parts, ",") + "]";
    const bool labelled = e.file.size() > suffix.size() && e.file.ends_with(suffix);
    return labelled ? e.file.substr(0, e.file.size() - suffix.size()) : e.file;
}

std::size_t index_of(std::vector<std::string>& values, const std::string& v)
{
    auto it = std::find(values.begin(), values.end(), v);
    if (it == values.end()) it = values.insert(values.end(), v);
    return static_cast<std::size_t>(it - values.begin());
}

void add(SweepCell& cell, const BatchEntry& e)
{
    ++cell.variants;
    if (!e.result || (e.status != 0 && e.status != 1)) {
        ++cell.errors;
        return;
    }
    cell.failing += e.result->failure_windows > 0 ? 1 : 0;
    cell.probes += e.result->probe_results;
    cell.failed_probes += e.result->failed_probes;
    cell.longest = std::max(cell.longest, e.result->failure_seconds);
}

SweepTable table_of(const std::string& file, const std::vector<const BatchEntry*>& entries)
{
    SweepTable t{file, {}, {}, {}, {}};
    for (const auto& [name, value] : entries.front()->parameters) t.parameters.push_back(name);
    // Values first, in order of appearance; then the cells.
    for (const auto* e : entries) {
        index_of(t.xs, e->parameters[0].second);
        index_of(t.ys, e->parameters.size() > 1 ? e->parameters[1].second : "");
    }
    t.cells.assign(t.ys.size(), std::vector<SweepCell>(t.xs.size()));
    for (const auto* e : entries)
        add(t.cells[index_of(t.ys, e->parameters.size() > 1 ? e->parameters[1].second : "")]
                   [index_of(t.xs, e->parameters[0].second)],
            *e);
    return t;
}

std::string y_name(const SweepTable& t) { return t.parameters.size() > 1 ? t.parameters[1] : ""; }

// "folded over resolver-start (4 values)" for a third parameter and more.
std::string folded(const SweepTable& t)
{
    if (t.parameters.size() <= 2) return "";
    return fmt::format(" Each cell folds the variants of {} together.",
                       join(std::vector<std::string>(t.parameters.begin() + 2, t.parameters.end()), ", "));
}

}  // namespace

std::vector<SweepTable> sweep_tables(const std::vector<BatchEntry>& entries)
{
    std::vector<std::string> files;
    std::vector<std::vector<const BatchEntry*>> groups;
    for (const auto& e : entries) {
        if (e.parameters.empty()) continue;
        const std::size_t i = index_of(files, sweep_file(e));
        if (i == groups.size()) groups.emplace_back();
        groups[i].push_back(&e);
    }
    std::vector<SweepTable> out;
    for (std::size_t i = 0; i < files.size(); ++i) out.push_back(table_of(files[i], groups[i]));
    return out;
}

std::string cell_text(const SweepCell& c)
{
    if (c.errors) return c.errors == c.variants ? "error" : fmt::format("{} error(s)", c.errors);
    if (c.variants == 0) return "";
    if (c.failed_probes == 0) return "0% –";
    return fmt::format("{:.1f}% {}", 100.0 * c.share(), format_duration(c.longest));
}

std::string sweep_markdown(const SweepTable& t)
{
    std::string out = fmt::format("### Sweep {}\n\nShare of probe results that failed, and the longest failure "
                                  "time, by {} (columns){}.{}\n\n",
                                  markdown_code(t.file), markdown_code(t.parameters[0]),
                                  t.parameters.size() > 1 ? " and " + markdown_code(y_name(t)) + " (rows)" : "", folded(t));
    out += "| " + markdown_cell(y_name(t)) + " |";
    for (const auto& x : t.xs) out += " " + markdown_cell(x) + " |";
    out += "\n| ---" + std::string() + " |";
    for (std::size_t i = 0; i < t.xs.size(); ++i) out += " --- |";
    out += "\n";
    for (std::size_t y = 0; y < t.ys.size(); ++y) {
        out += "| " + markdown_cell(t.ys[y]) + " |";
        for (const auto& c : t.cells[y]) out += " " + markdown_cell(cell_text(c)) + " |";
        out += "\n";
    }
    return out + "\n";
}

std::string sweep_text(const SweepTable& t)
{
    std::size_t width = std::max<std::size_t>(y_name(t).size(), 6);
    for (const auto& y : t.ys) width = std::max(width, y.size());
    std::size_t cell = 12;
    for (const auto& x : t.xs) cell = std::max(cell, x.size());
    std::string out = fmt::format("\nsweep {}: failed probe share and longest failure time by {}{}{}\n", t.file,
                                  t.parameters[0], t.parameters.size() > 1 ? " (columns) and " + y_name(t) + " (rows)" : "",
                                  folded(t).empty() ? "" : ";" + folded(t));
    out += fmt::format("{:<{}}", y_name(t), width);
    for (const auto& x : t.xs) out += fmt::format(" {:>{}}", x, cell);
    out += "\n";
    for (std::size_t y = 0; y < t.ys.size(); ++y) {
        out += fmt::format("{:<{}}", t.ys[y], width);
        for (const auto& c : t.cells[y]) out += fmt::format(" {:>{}}", cell_text(c), cell);
        out += "\n";
    }
    return out;
}

std::string sweep_heat_map(const SweepTable& t)
{
    std::string out = fmt::format("<section class=\"sweep\"><h2>Sweep <code>{}</code></h2>\n<p>Share of probe results "
                                  "that failed, and the longest failure time, by <b>{}</b> (columns){}.{}</p>\n",
                                  html_escape(t.file), html_escape(t.parameters[0]),
                                  t.parameters.size() > 1 ? " and <b>" + html_escape(y_name(t)) + "</b> (rows)" : "",
                                  html_escape(folded(t)));
    out += "<table class=\"heat\"><tr><th>" + html_escape(y_name(t)) + " \\ " + html_escape(t.parameters[0]) + "</th>";
    for (const auto& x : t.xs) out += "<th>" + html_escape(x) + "</th>";
    out += "</tr>\n";
    for (std::size_t y = 0; y < t.ys.size(); ++y) {
        out += "<tr><th>" + html_escape(t.ys[y]) + "</th>";
        for (const auto& c : t.cells[y]) {
            // Okabe–Ito vermillion, stronger with the share; the text says the figure.
            const double alpha = c.errors ? 0.0 : c.failed_probes ? 0.2 + 0.8 * std::min(1.0, c.share() * 4) : 0.0;
            out += fmt::format("<td style=\"background:rgba(213,94,0,{:.2f});color:{}\" title=\"{} variant(s), {} "
                               "failing\">{}</td>",
                               alpha, alpha > 0.55 ? "#fff" : "#000", c.variants, c.failing, html_escape(cell_text(c)));
        }
        out += "</tr>\n";
    }
    return out + "</table></section>\n";
}

}  // namespace rollsim::report
