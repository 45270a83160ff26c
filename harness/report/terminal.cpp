#include "report/terminal.hpp"

#include "report/predicted.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

std::string paint(const TerminalStyle& style, const char* code, const std::string& text)
{
    if (!style.colour) return text;
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

}  // namespace

std::string progress_line(const runner::Progress& p)
{
    return fmt::format("virtual time {} of {}, {} events, {} failing probes", format_offset(p.offset),
                       format_duration(p.duration), p.events, p.failures);
}

void print_summary(std::ostream& out, const scenario::Scenario& sc, const runner::RunRecord& record,
                   const std::vector<Verdict>& verdicts, const std::vector<FailureWindow>& windows,
                   const std::vector<rollover::PredictedWindow>& predicted, const TerminalStyle& style)
{
    out << fmt::format("{} ({})\n", paint(style, "1", sc.name), sc.file);
    out << fmt::format("  virtual time {} + {}; {} zones on {} NSD servers; {} probe results\n", format_time(sc.start),
                       format_duration(sc.duration), sc.zones.size(), record.servers, record.observations.size());

    bool any_event = false;
    for (const auto& e : record.events) {
        if (e.source == runner::EventRecord::Source::Signer) continue;  // routine; in the JSON report
        if (!any_event) out << "\nEvents\n";
        any_event = true;
        out << fmt::format("  {:>10}  {}\n", format_offset(e.offset), e.text);
        if (!e.say.empty()) out << fmt::format("  {:>10}  \"{}\"\n", "", e.say);
    }

    if (!record.parent_agent.empty()) {
        out << "\nParent agent (CDS/CDNSKEY scans)\n";
        for (const auto& d : record.parent_agent) {
            out << fmt::format("  {:>10}  {} {}: {}\n", format_offset(d.offset), d.zone,
                               paint(style, d.verdict == "accepted" ? "32" : "31", d.verdict), d.reason);
            if (d.ds_change_at) out << fmt::format("  {:>10}  DS change at {}\n", "", format_offset(*d.ds_change_at));
        }
    }

    out << "\nFailure windows\n";
    if (windows.empty()) out << "  none: every probe of every resolver succeeded\n";
    for (const auto& w : windows) {
        std::string end = w.end ? format_offset(*w.end) : std::string("end");
        out << fmt::format("  {:<6} {:<28} {:>10} .. {:<10} {} probe(s)  {}\n", w.resolver, w.query.text(),
                           format_offset(w.start), end, w.probes, paint(style, "31", w.what));
        if (!w.reason.empty()) out << fmt::format("  {:<6} {:<28} {}\n", "", "", w.reason);
    }

    if (!windows.empty()) {
        const auto& first = windows.front();  // sorted by start
        out << fmt::format("  first failure at {} ({}): {} {}\n", format_offset(first.start),
                           format_time(sc.start + first.start), first.resolver, first.query.text());
    }

    // Rollovers: the lint's predicted windows beside the observed daemon (warm) windows.
    if (!sc.rollovers.empty()) {
        const auto comparison = compare_predictions(sc, predicted, windows);
        out << "\nPredicted vs observed (rollover lint)\n";
        out << fmt::format("  {:<29} {:<62} {}\n", "predicted", "observed", "verdict");
        for (const auto& r : comparison.rows) {
            const std::string verdict = to_string(r.match);
            std::string label = r.predicted ? span_text(r.predicted->from, r.predicted->until) : std::string("none");
            if (r.predicted && r.predicted->anchor)
                label += r.predicted->anchor == scenario::TrustAnchorMode::Rfc5011 ? " (rfc5011)" : " (static)";
            out << fmt::format("  {:<29} {:<62} {}\n", label,
                               observed_text(r.observed),
                               paint(style, r.match == PredictionMatch::Matched ? "32" : "31", verdict));
        }
        if (comparison.rows.empty()) out << "  none predicted, none observed\n";
    }

    bool pass = true;
    out << "\nExpectations\n";
    if (verdicts.empty()) out << "  none\n";
    for (const auto& v : verdicts) {
        pass = pass && v.pass;
        out << fmt::format("  {}  line {}: {} ({} probe results)\n",
                           v.pass ? paint(style, "32", "PASS") : paint(style, "31", "FAIL"), v.expectation->loc.line,
                           v.expectation->text, v.matched);
        if (!v.pass) out << fmt::format("        {}\n", v.detail);
    }
    out << fmt::format("\nResult: {} — {} instants, {} zone versions published, {:.1f} s wall clock\n",
                       pass ? paint(style, "32;1", "PASS") : paint(style, "31;1", "FAIL"), record.instants,
                       record.publications, record.wall_seconds);
}

}  // namespace rollsim::report
