#include "report/terminal.hpp"

#include "core/text.hpp"
#include "report/event_text.hpp"
#include "report/kind_report.hpp"
#include "report/population.hpp"
#include "report/monitor_report.hpp"
#include "report/outcome_summary.hpp"
#include "report/outcome_text.hpp"
#include "report/zone_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

std::string paint(const TerminalStyle& style, const char* code, const std::string& text)
{
    if (!style.colour) return text;
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

// A large run (report/zone_summary.hpp: a portfolio) lists at most this many events and rows of
// predictions on the terminal; the JSON report has them all.
constexpr std::size_t kLargeRunLines = 40;

void print_events(std::ostream& out, const runner::RunRecord& record, bool large)
{
    bool any_event = false;
    std::size_t listed = 0, left = 0;
    for (const auto& e : record.events) {
        if (e.source == runner::EventRecord::Source::Signer) continue;  // routine; in the JSON report
        if (!any_event) out << "\nEvents\n";
        any_event = true;
        if (large && listed == kLargeRunLines) {
            ++left;
            continue;
        }
        ++listed;
        out << fmt::format("  {:>10}  {}\n", format_offset(e.offset), event_text(e));
        if (!e.say.empty()) out << fmt::format("  {:>10}  \"{}\"\n", "", e.say);
    }
    if (left > 0) out << fmt::format("  and {} more events; see the JSON report\n", left);
}

void print_parent_agent(std::ostream& out, const runner::RunRecord& record, const TerminalStyle& style)
{
    if (record.parent_agent.empty()) return;
    out << "\nParent agent (CDS/CDNSKEY scans)\n";
    for (const auto& d : record.parent_agent) {
        out << fmt::format("  {:>10}  {} {}: {}\n", format_offset(d.offset), d.zone,
                           paint(style, d.verdict == "accepted" ? "32" : "31", d.verdict), d.reason);
        if (d.ds_change_at) out << fmt::format("  {:>10}  DS change at {}\n", "", format_offset(*d.ds_change_at));
    }
}

void print_first_failure(std::ostream& out, const scenario::Scenario& sc, const RunSummary& summary)
{
    if (const auto& first = summary.first_failure)
        out << fmt::format("  first failure at {} ({}): {} {}\n", format_offset(first->start),
                           format_time(sc.start + first->start), first->resolver, first->query.text());
}

// A large run (report/zone_summary.hpp) lists its failing zones instead of its groups of windows.
void print_windows(std::ostream& out, const scenario::Scenario& sc, const RunSummary& summary,
                   const TerminalStyle& style)
{
    if (summary.zones.large) {
        out << zones_terminal(summary.zones);
        print_first_failure(out, sc, summary);
        return;
    }
    out << "\nFailure windows\n";
    if (summary.windows.empty()) out << "  none: every probe of every resolver succeeded\n";
    for (const auto& g : summary.failure_groups) {
        out << group_lines(sc, g, style);
        if (!style.verbose) continue;
        for (const auto& w : g.windows) {
            out << "  " << window_line(w, "end", paint(style, "31", w.what));
            if (!w.reason.empty()) out << fmt::format("    {:<6} {:<28} {}\n", "", "", w.reason);
        }
    }
    print_first_failure(out, sc, summary);
}

// Green for a pairing that agrees, yellow for a worst case no cache could straddle, red otherwise.
const char* colour(PredictionMatch m)
{
    return m == PredictionMatch::Matched ? "32" : m == PredictionMatch::NotObservable ? "33" : "31";
}

// Rollovers: the lint's predicted windows beside the observed daemon (warm) windows.
void print_predictions(std::ostream& out, const RunSummary& summary, const TerminalStyle& style)
{
    out << "\nPredicted vs observed (rollover lint)\n";
    out << fmt::format("  {:<29} {:<62} {}\n", "predicted", "observed", "verdict");
    const auto& rows = summary.comparison.rows;
    const std::size_t shown = summary.zones.large ? std::min(rows.size(), kLargeRunLines) : rows.size();
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& r = rows[i];
        const std::string verdict = to_string(r.match);
        std::string label = r.predicted ? span_text(r.predicted->from, r.predicted->until) : std::string("none");
        if (r.predicted && r.predicted->anchor)
            label += r.predicted->anchor == scenario::TrustAnchorMode::Rfc5011 ? " (rfc5011)" : " (static)";
        out << fmt::format("  {:<29} {:<62} {}\n", label, observed_text(r.observed), paint(style, colour(r.match), verdict));
        if (const std::string why = unobserved_text(r); !why.empty()) out << "    " << why << "\n";
    }
    if (rows.empty()) out << "  none predicted, none observed\n";
    if (shown < rows.size()) out << fmt::format("  and {} more rows; see the JSON report\n", rows.size() - shown);
}

void print_expectations(std::ostream& out, const RunSummary& summary, const TerminalStyle& style)
{
    out << "\nExpectations\n";
    if (summary.expectations.empty()) out << "  none\n";
    for (const auto& r : summary.expectations) {
        const auto& v = r.verdict;
        out << verdict_lines(v, v.pass ? paint(style, "32", "PASS") : paint(style, "31", "FAIL"), style.width);
    }
}

}  // namespace

std::string window_line(const FailureWindow& w, const std::string& open_end, const std::string& what)
{
    return fmt::format("  {:<6} {:<28} {:>10} .. {:<10} {} probe(s)  {}\n", w.resolver, w.query.text(),
                       format_offset(w.start), w.end ? format_offset(*w.end) : open_end, w.probes, what);
}

std::string verdict_lines(const Verdict& v, const std::string& mark, std::size_t width)
{
    // The mark may be painted: only what it shows counts.
    const std::size_t indent = 4 + display_width(mark);
    const std::string text =
        fmt::format("line {}: {} ({} {})", v.expectation->loc.line, v.expectation->text, v.matched,
                    v.expectation->kind == scenario::Expectation::Kind::Monitor ? "failure groups" : "probe results");
    std::string out = fmt::format("  {}  {}\n", mark, fit_width(text, width > indent ? width - indent : 0));
    if (!v.pass) out += fmt::format("        {}\n", fit_width(v.detail, width > 8 ? width - 8 : 0));
    return out;
}

std::string group_lines(const scenario::Scenario& sc, const FailureGroup& g, const TerminalStyle& style)
{
    const std::string head = fmt::format("  {}  {}  {} ({})", g.zone, cause_text(g), span_text(g.start, g.end),
                                         window_length(sc, g.start, g.end));
    const std::string whom = coverage_text(g);
    if (display_width(head) + 2 + display_width(whom) <= style.width)
        return fmt::format("{}  {}\n", head, paint(style, "31", whom));
    const std::size_t rest = style.width > 6 ? style.width - 6 : 0;
    return fmt::format("{}\n      {}\n", fit_width(head, style.width), paint(style, "31", fit_width(whom, rest)));
}

std::string progress_line(const runner::Progress& p)
{
    return fmt::format("virtual time {} of {}, {} events, {} failing probes", format_offset(p.offset),
                       format_duration(p.duration), p.events, p.failures);
}

void print_summary(std::ostream& out, const scenario::Scenario& sc, const runner::RunRecord& record,
                   const RunSummary& summary, const TerminalStyle& style)
{
    out << fmt::format("{} ({})\n", paint(style, "1", sc.name), sc.file);
    out << fmt::format("  virtual time {} + {}; {} zones on {} NSD servers; {} probe results\n", format_time(sc.start),
                       format_duration(sc.duration), sc.zones.size(), summary.servers, summary.probe_results);
    print_events(out, record, summary.zones.large);
    print_parent_agent(out, record, style);
    print_windows(out, sc, summary, style);
    if (!sc.rollovers.empty()) print_predictions(out, summary, style);
    out << kinds_terminal(summary.kinds);
    out << populations_terminal(summary.populations);
    out << monitors_terminal(summary);
    print_expectations(out, summary, style);
    if (summary.stopped)
        out << fmt::format("\n{} at {}: {}\n", paint(style, "31;1", "Stopped"), format_offset(summary.stopped->offset),
                           summary.stopped->reason);
    out << fmt::format("\nResult: {} — {} instants, {} zone versions published, {:.1f} s wall clock\n",
                       summary.pass ? paint(style, "32;1", "PASS") : paint(style, "31;1", "FAIL"), summary.instants,
                       summary.publications, summary.wall_seconds);
}

}  // namespace rollsim::report
