#include "report/html_report.hpp"

#include "report/html_timeline.hpp"
#include "report/kind_report.hpp"
#include "report/population.hpp"
#include "report/monitor_report.hpp"
#include "report/outcome_summary.hpp"
#include "report/event_text.hpp"
#include "report/outcome_text.hpp"
#include "report/zone_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

std::string html_escape(const std::string& text)
{
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
            // Control characters are not allowed in HTML text; keep tab and newline.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
            else out += c;
        }
    }
    return out;
}


namespace {

const auto esc = html_escape;

// Marks drawn inline (SVG), not taken from a font: emoji and dingbats render as empty boxes
// where no font has them (Debian's Chromium has only DejaVu).
enum class Icon { Pass, Fail, Warn, Refused };

std::string icon(Icon which)
{
    switch (which) {
    case Icon::Pass:
        return "<svg class=\"icon pass\" viewBox=\"0 0 20 20\" aria-hidden=\"true\"><circle cx=\"10\" cy=\"10\" r=\"9\"/>"
               "<path d=\"M5.5 10.5l3 3 6-7\"/></svg>";
    case Icon::Fail:
        return "<svg class=\"icon fail\" viewBox=\"0 0 20 20\" aria-hidden=\"true\"><circle cx=\"10\" cy=\"10\" r=\"9\"/>"
               "<path d=\"M6.5 6.5l7 7M13.5 6.5l-7 7\"/></svg>";
    case Icon::Warn:
        return "<svg class=\"icon warn\" viewBox=\"0 0 20 20\" aria-hidden=\"true\"><path class=\"shape\" "
               "d=\"M10 1.5l9 16.5H1z\"/><path d=\"M10 7.5v5M10 14.8v.4\"/></svg>";
    case Icon::Refused:
        return "<svg class=\"icon fail\" viewBox=\"0 0 20 20\" aria-hidden=\"true\"><circle cx=\"10\" cy=\"10\" r=\"9\"/>"
               "<path d=\"M5.5 10h9\"/></svg>";
    }
    return {};
}

const char* kStyle = R"CSS(
:root { --secure:#009E73; --insecure:#56B4E9; --fail:#D55E00; --none:#000000; --active:#0072B2;
        --published:#F0E442; --retired:#E69F00; --ds:#CC79A7; --ink:#111111; --muted:#444444; }
* { box-sizing: border-box; }
body { margin: 0; padding: 14px 24px 48px; font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans",
       Arial, sans-serif; font-size: 20px; line-height: 1.4; color: var(--ink); background: #ffffff; }
h1 { font-size: 30px; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 26px; margin: 28px 0 12px; border-bottom: 3px solid var(--ink); padding-bottom: 4px; }
.result { display: inline-block; padding: 2px 14px; border-radius: 8px; font-weight: 800; font-size: 26px;
          margin-right: 14px; border: 3px solid var(--ink); vertical-align: middle; }
.result.pass { background: var(--secure); color: #000; }
.result.fail { background: var(--fail); color: #000; }
.icon { width: 1em; height: 1em; vertical-align: -0.15em; margin-right: 0.25em; }
.icon circle { stroke: none; } .icon.pass circle { fill: var(--secure); } .icon.fail circle { fill: #a33a00; }
.icon path { fill: none; stroke: #ffffff; stroke-width: 2.6; stroke-linecap: round; stroke-linejoin: round; }
.icon.warn .shape { fill: var(--retired); stroke: var(--ink); stroke-width: 1.5; }
.icon.warn path:not(.shape) { stroke: var(--ink); }
.result .icon circle { fill: var(--ink); }
.file { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 17px; color: var(--muted); }
.description { max-width: 75em; color: var(--muted); margin: 8px 0; white-space: pre-line; }
.facts { display: flex; flex-wrap: wrap; gap: 0 24px; margin: 4px 0; padding: 0; list-style: none; font-size: 17px; }
.facts li b { font-weight: 700; }
.causes-summary { margin: 6px 0 10px; padding: 4px 12px; list-style: none; font-size: 17px;
                  border-left: 6px solid var(--fail); background: #fdf0e8; }
.causes-summary li { margin: 2px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 20px; margin: 8px 0; padding: 0; list-style: none;
          font-size: 16px; }
.swatch { display: inline-block; width: 26px; height: 18px; border: 2px solid var(--ink); vertical-align: -3px;
          margin-right: 6px; }
#timeline { width: 100%; height: auto; display: block; border: 2px solid var(--ink); background: #fff; }
#timeline text { font-family: inherit; fill: var(--ink); }
.axis { font-size: 18px; font-weight: 700; }
.axis-date { font-size: 15px; fill: var(--muted) !important; }
.section { font-size: 18px; font-weight: 800; }
.kind-rule { stroke: var(--ink); stroke-width: 2; }
.lane-label { font-weight: 600; }
.lane-sub { font-size: 14px; font-weight: 400; fill: var(--muted) !important; }
.lane-bg { fill: #f3f3f3; }
.grid { stroke: #b0b0b0; stroke-width: 1; }
.baseline { stroke: #9a9a9a; stroke-width: 1; stroke-dasharray: 4 4; }
.ticks { stroke: var(--ink); stroke-width: 1.2; fill: none; }
.on-light, .on-dark { font-size: 16px; font-weight: 700; pointer-events: none; }
#timeline .on-dark { fill: #ffffff; }
.r-secure { fill: var(--secure); } .r-insecure { fill: var(--insecure); } .r-fail { fill: var(--fail); }
.r-none { fill: var(--none); }
.k-active { fill: var(--active); } .k-published { fill: var(--published); } .k-retired { fill: var(--retired); }
.k-ds { fill: var(--ds); } .k-bare { fill: var(--fail); } .k-removed { fill: url(#hatch); }
.obs, .k-active, .k-published, .k-retired, .k-ds, .k-bare, .k-removed { stroke: #ffffff; stroke-width: 1; }
.m-ok { fill: var(--secure); } .m-warning { fill: var(--retired); } .m-critical { fill: var(--fail); }
.m-unknown { fill: var(--none); }
.window-band { fill: var(--fail); opacity: 0.22; pointer-events: none; }
.predicted-band { fill: url(#hatch-predicted); stroke: var(--ink); stroke-width: 2; stroke-dasharray: 3 3; }
.predicted-outline { fill: none; stroke: var(--fail); stroke-width: 3; stroke-dasharray: 2 5; pointer-events: none; }
.window-outline { fill: none; stroke: var(--ink); stroke-width: 3; stroke-dasharray: 8 4; pointer-events: stroke; }
.event-line { stroke: var(--ink); stroke-width: 2.5; stroke-dasharray: 10 5; }
.event-badge { fill: #ffffff; stroke: var(--ink); stroke-width: 2.5; }
.event-number { font-size: 17px; font-weight: 800; }
.hit { cursor: pointer; }
.hit:hover rect, .hit:focus rect, .hit.selected rect { stroke: var(--ink); stroke-width: 3; }
.hit:focus { outline: none; }
#details { border: 3px solid var(--ink); border-radius: 8px; padding: 12px 20px; margin: 16px 0; min-height: 90px;
           background: #fffbe6; }
#details h3 { margin: 0 0 6px; font-size: 22px; }
#details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0; }
#details dt { font-weight: 700; } #details dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 18px; }
th, td { border: 2px solid #555; padding: 5px 9px; text-align: left; vertical-align: top; }
td.span { white-space: nowrap; }
table.causes td.reason { font-size: 16px; }
th { background: #e8e8e8; }
td.reason, td.detail { overflow-wrap: anywhere; }
.mark-pass { font-weight: 800; } .mark-fail { font-weight: 800; color: #a33a00; }
tr.failed td { background: #fde9dc; }
ol.events li { margin: 4px 0; } .say { font-style: italic; color: var(--muted); }
.offset { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700; }
details summary { cursor: pointer; font-weight: 700; margin: 8px 0; }
@media print { #details { display: none; } }
)CSS";

// Clicking (or Enter on) a mark shows its <title> in the details panel; the first failure
// window, if any, is shown from the start. Opened with "#layout-check" after its address, the
// page measures its own layout and appends what it found in <pre id="layout-check">: how many
// texts of the timeline and the header overlap another (and which), and how far down the
// scenario's own zones' lanes and the failure windows reach (tests/lab/test_html_chromium.cpp).
const char* kScript = R"JS(
(function () {
  var panel = document.getElementById('details');
  var svg = document.getElementById('timeline');
  var selected = null;
  function show(el) {
    var t = null;
    for (var c = el.firstElementChild; c; c = c.nextElementSibling) if (c.tagName.toLowerCase() === 'title') { t = c; break; }
    if (!t) return;
    var lines = t.textContent.split('\n');
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var h = document.createElement('h3'); h.textContent = lines[0]; panel.appendChild(h);
    var dl = document.createElement('dl');
    for (var i = 1; i < lines.length; i++) {
      var k = lines[i].indexOf(': '), dt = document.createElement('dt'), dd = document.createElement('dd');
      if (k > 0) { dt.textContent = lines[i].slice(0, k); dd.textContent = lines[i].slice(k + 2); }
      else { dd.textContent = lines[i]; }
      dl.appendChild(dt); dl.appendChild(dd);
    }
    panel.appendChild(dl);
    if (selected) selected.classList.remove('selected');
    selected = el; el.classList.add('selected');
  }
  svg.addEventListener('click', function (e) { var el = e.target.closest('.hit'); if (el) show(el); });
  svg.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    var el = e.target.closest('.hit'); if (el) { show(el); e.preventDefault(); }
  });
  var first = svg.querySelector('.failure-window');
  if (first) show(first);
  if (location.hash === '#layout-check') layoutCheck();

  function layoutCheck() {
    var boxes = [];
    document.querySelectorAll('#timeline text, h1 .result, h1 .name, .facts li, .causes-summary li, .legend li')
      .forEach(function (el) {  // an inline element broken over lines: each line's box
        Array.prototype.forEach.call(el.getClientRects(), function (r) { if (r.width > 0 && r.height > 0) boxes.push([el, r]); });
      });
    var overlaps = [];
    for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
      var a = boxes[i][1], b = boxes[j][1];
      if (boxes[i][0] === boxes[j][0]) continue;
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5)
        overlaps.push('overlap: ' + label(boxes[i][0]) + ' | ' + label(boxes[j][0]));
    }
    var out = document.createElement('pre');
    out.id = 'layout-check';
    out.textContent = ['viewport ' + innerWidth + 'x' + innerHeight, 'texts ' + boxes.length, 'overlaps ' + overlaps.length,
                       'operator-lanes-bottom ' + bottom('.lane[data-operator]'), 'failure-windows-bottom ' + bottom('.failure-window'),
                       'result-bottom ' + bottom('h1 .result')].concat(overlaps.slice(0, 20)).join('\n');
    document.body.appendChild(out);
  }
  function label(el) {
    var t = '';
    for (var c = el.firstChild; c; c = c.nextSibling) if (!c.tagName || c.tagName.toLowerCase() !== 'title') t += c.textContent;
    return t.trim();
  }
  function bottom(selector) {
    var m = 0;
    document.querySelectorAll(selector).forEach(function (el) { m = Math.max(m, el.getBoundingClientRect().bottom + scrollY); });
    return Math.round(m);
  }
})();
)JS";

// "<span class="offset">+1d</span><br>2027-03-02T00:00:00Z": a table cell's instant.
std::string when(const scenario::Scenario& sc, Seconds t)
{
    return fmt::format("<span class=\"offset\">{}</span><br>{}", esc(format_offset(t)), esc(format_time(sc.start + t)));
}

std::string facts(const scenario::Scenario& sc, const RunSummary& summary)
{
    std::string out = "<ul class=\"facts\">\n";
    out += fmt::format("<li><b>Virtual span</b> {} → {} ({})</li>\n", esc(format_time(sc.start)),
                       esc(format_time(sc.start + sc.duration)), esc(format_duration(sc.duration)));
    out += fmt::format("<li><b>Zones</b> {}: {}</li>\n", sc.zones.size(), esc(zone_names(sc)));
    out += fmt::format("<li><b>Servers</b> {} NSD</li>\n", summary.servers);
    out += fmt::format("<li><b>Probe results</b> {}</li>\n", summary.probe_results);
    out += fmt::format("<li><b>Expectations</b> {} of {} held</li>\n", summary.expectations_passed,
                       summary.expectations.size());
    out += fmt::format("<li><b>Failure windows</b> {}</li>\n", summary.windows.size());
    if (const auto& first = summary.first_failure)
        out += fmt::format("<li><b>First failure</b> {} · {} {}</li>\n", esc(offset_and_time(sc, first->start)),
                           esc(first->resolver), esc(first->query.text()));
    const auto& comparison = summary.comparison;
    if (!comparison.predicted.empty())
        out += fmt::format("<li><b>Predicted windows</b> {} ({})</li>\n", comparison.predicted.size(),
                           tally_text(comparison));
    if (summary.stopped)
        out += fmt::format("<li class=\"stopped\"><b>Stopped</b> {}<pre>{}</pre></li>\n", esc(summary.stopped_headline(sc)),
                           esc(summary.stopped->reason));
    out += fmt::format("<li><b>Wall clock</b> {:.1f} s</li>\n", summary.wall_seconds);
    return out + "</ul>\n";
}

// At most three groups of failure windows, one line each, under the facts: a projector's first
// screen shows what failed and why.
std::string causes_summary(const scenario::Scenario& sc, const RunSummary& summary)
{
    constexpr std::size_t kShown = 3;
    const auto& groups = summary.failure_groups;
    if (groups.empty()) return {};
    std::string out = "<ul class=\"causes-summary\" aria-label=\"failures by cause\">\n";
    for (std::size_t i = 0; i < groups.size() && i < kShown; ++i) {
        const auto& g = groups[i];
        out += fmt::format("<li><b>{}</b> {} · <span class=\"offset\">{}</span> ({}) · {}</li>\n", esc(g.zone),
                           esc(cause_text(g)), esc(span_text(g.start, g.end)), esc(window_length(sc, g.start, g.end)),
                           esc(coverage_text(g)));
    }
    if (groups.size() > kShown)
        out += fmt::format("<li>and {} more causes: see Failure windows below</li>\n", groups.size() - kShown);
    return out + "</ul>\n";
}

std::string header(const scenario::Scenario& sc, const RunSummary& summary)
{
    const bool pass = summary.pass;
    std::string out = "<header>\n";
    out += fmt::format("<h1><span class=\"result {}\">{}{}</span><span class=\"name\">{}</span></h1>\n",
                       pass ? "pass" : "fail", icon(pass ? Icon::Pass : Icon::Fail), pass ? "PASS" : "FAIL",
                       esc(sc.name));
    out += fmt::format("<div class=\"file\">{}</div>\n", esc(sc.file));
    return out + facts(sc, summary) + causes_summary(sc, summary) + "</header>\n";
}

// An instant in a compact cell: the offset, its date in the tooltip.
std::string offset_cell(const scenario::Scenario& sc, const std::optional<Seconds>& t)
{
    if (!t) return "<td class=\"span\">the end</td>";
    return fmt::format("<td class=\"span\"><span class=\"offset\" title=\"{}\">{}</span></td>",
                       esc(format_time(sc.start + *t)), esc(format_offset(*t)));
}

// The reasons a group's windows give: the first, and how many others.
std::string group_reason(const FailureGroup& g)
{
    std::vector<std::string> reasons;
    for (const auto& w : g.windows)
        if (!w.reason.empty() && std::find(reasons.begin(), reasons.end(), w.reason) == reasons.end())
            reasons.push_back(w.reason);
    if (reasons.empty()) return "–";
    std::string out = esc(reasons.front());
    if (reasons.size() > 1) out += fmt::format(" <i>(and {} other reasons; each window below)</i>", reasons.size() - 1);
    return out;
}

// One row per group of windows (report/failure_groups.hpp).
std::string causes_table(const scenario::Scenario& sc, const RunSummary& summary)
{
    std::string out = "<table class=\"causes\">\n<thead><tr><th>zone</th><th>cause</th><th>from</th><th>until</th>"
                      "<th>length</th><th>resolvers and queries</th><th>reason</th></tr></thead>\n<tbody>\n";
    for (const auto& g : summary.failure_groups)
        out += fmt::format("<tr><td>{}</td><td>{}</td>{}{}<td class=\"span\">{}</td><td>{}</td>"
                           "<td class=\"reason\">{}</td></tr>\n",
                           esc(g.zone), esc(cause_text(g)), offset_cell(sc, g.start), offset_cell(sc, g.end),
                           esc(window_length(sc, g.start, g.end)), esc(coverage_text(g)), group_reason(g));
    return out + "</tbody>\n</table>\n";
}

// Every window, folded away under the groups.
std::string windows_table(const scenario::Scenario& sc, const RunSummary& summary)
{
    std::string out = "<section>\n<h2>Failure windows</h2>\n";
    if (summary.windows.empty()) return out + "<p>None: every probe of every resolver succeeded.</p>\n</section>\n";
    out += causes_table(sc, summary);
    out += fmt::format("<details class=\"windows\"><summary>Each failure window ({})</summary>\n", summary.windows.size());
    out += "<table class=\"windows\">\n<thead><tr><th>resolver</th><th>query</th><th>from</th><th>until</th>"
           "<th>length</th><th>outcome</th><th>EDE</th><th>reason</th></tr></thead>\n<tbody>\n";
    for (const auto& w : summary.windows) {
        const std::string ede = ede_beside_reason(w);
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                           "<td>{} ({} probes)</td><td>{}</td><td class=\"reason\">{}</td></tr>\n",
                           esc(w.resolver), esc(w.query.text()), when(sc, w.start),
                           w.end ? when(sc, *w.end) : std::string("the end (still failing)"),
                           esc(window_length(sc, w.start, w.end)), esc(w.what), w.probes,
                           ede.empty() ? "–" : esc(ede), esc(w.reason));
    }
    return out + "</tbody>\n</table>\n</details>\n</section>\n";
}

std::string predictions_table(const scenario::Scenario& sc, const PredictionComparison& comparison)
{
    if (comparison.predicted.empty()) return {};
    std::string out = "<section>\n<h2>Predicted vs observed</h2>\n";
    // (No character of it needs escaping but the apostrophe, which HTML text allows.)
    out += "<p>" + pairing_text(sc.probes.every) + "</p>\n";
    out += "<table class=\"predicted\">\n<thead><tr><th>verdict</th><th>zone</th><th>resolvers</th><th>from</th>"
           "<th>until</th><th>observed</th><th>cause</th></tr></thead>\n<tbody>\n";
    std::string notes;  // why a window saw no failure, and how to see it
    for (const auto& r : comparison.rows) {
        const bool ok = r.match == PredictionMatch::Matched || r.match == PredictionMatch::NotObservable;
        const auto& p = r.predicted;
        out += fmt::format("<tr{}><td class=\"{}\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                           "<td class=\"reason\">{}</td></tr>\n",
                           ok ? "" : " class=\"failed\"", ok ? "mark-pass" : "mark-fail", icon(ok ? Icon::Pass : Icon::Warn),
                           esc(to_string(r.match)), p ? esc(p->zone) : "–", p ? esc(resolvers_text(r.resolvers)) : "–",
                           p ? when(sc, p->from) : "–", p ? when(sc, p->until) : "–", esc(observed_text(r.observed)),
                           p ? esc(p->cause) : "–");
        if (const std::string why = unobserved_text(r); !why.empty()) notes += "<li>" + esc(why) + "</li>\n";
    }
    out += "</tbody>\n</table>\n";
    if (!notes.empty()) out += "<ul class=\"predicted-notes\">\n" + notes + "</ul>\n";
    return out + "</section>\n";
}

// Parent agents' decisions.
std::string agent_table(const scenario::Scenario& sc, const runner::RunRecord& record)
{
    if (record.parent_agent.empty()) return {};
    std::string out = "<section>\n<h2>Parent agent</h2>\n";
    out += "<p>What the parent's agent accepted or refused when it scanned the child's CDS/CDNSKEY, and why.</p>\n";
    out += "<table class=\"agent\">\n<thead><tr><th>scan</th><th>zone</th><th>verdict</th><th>reason</th>"
           "<th>DS change</th></tr></thead>\n<tbody>\n";
    for (const auto& d : record.parent_agent) {
        const bool ok = d.verdict == "accepted";
        out += fmt::format("<tr{}><td>{}</td><td>{}</td><td class=\"{}\">{}{}</td>"
                           "<td class=\"reason\">{}</td><td>{}</td></tr>\n",
                           ok ? "" : " class=\"failed\"", when(sc, d.offset), esc(d.zone),
                           ok ? "mark-pass" : "mark-fail", icon(ok ? Icon::Pass : Icon::Refused), esc(d.verdict),
                           esc(d.reason),
                           d.ds_change_at ? esc(format_offset(*d.ds_change_at)) : "–");
    }
    return out + "</tbody>\n</table>\n</section>\n";
}

// The expectation's id, with its text beneath when they differ (report/expectation_id.hpp).
std::string expectation_cell(const Verdict& v)
{
    if (v.id == v.expectation->text) return esc(v.id);
    return fmt::format("<code>{}</code><br>{}", esc(v.id), esc(v.expectation->text));
}

std::string expectations_table(const RunSummary& summary)
{
    std::string out = "<section>\n<h2>Expectations</h2>\n";
    if (summary.expectations.empty()) return out + "<p>None.</p>\n</section>\n";
    out += "<table class=\"expectations\">\n<thead><tr><th>result</th><th>line</th><th>expectation</th>"
           "<th>probe results</th><th>detail</th></tr></thead>\n<tbody>\n";
    for (const auto& [v, observed, windows] : summary.expectations) {
        const std::string detail = v.pass ? std::string() : esc(v.detail) + "<br><b>observed:</b> " + esc(observed);
        out += fmt::format("<tr{}><td class=\"{}\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"detail\">{}"
                           "</td></tr>\n",
                           v.pass ? "" : " class=\"failed\"", v.pass ? "mark-pass" : "mark-fail",
                           icon(v.pass ? Icon::Pass : Icon::Fail), v.pass ? "PASS" : "FAIL", v.expectation->loc.line,
                           expectation_cell(v), v.matched, detail);
    }
    return out + "</tbody>\n</table>\n</section>\n";
}

// The events, the timeline's own numbered as their markers; the signer's routine work folded away.
std::string events_section(const runner::RunRecord& record)
{
    std::string out = "<section>\n<h2>Events</h2>\n";
    std::size_t number = 0, signer = 0;
    std::string list, routine;
    for (const auto& e : record.events) {
        if (e.source == runner::EventRecord::Source::Signer) {
            ++signer;
            routine += fmt::format("<li><span class=\"offset\">{}</span> {}</li>\n", esc(format_offset(e.offset)),
                                   esc(event_text(e)));
            continue;
        }
        const bool marked = e.source == runner::EventRecord::Source::Timeline;
        list += fmt::format("<li{}><span class=\"offset\">{}</span> {}{}", marked ? "" : " class=\"derived\"",
                            esc(format_offset(e.offset)),
                            marked ? fmt::format("<b>[{}]</b> ", ++number) : std::string(), esc(event_text(e)));
        if (!e.say.empty()) list += fmt::format(" <span class=\"say\">“{}”</span>", esc(e.say));
        list += "</li>\n";
    }
    if (list.empty()) out += "<p>No actions, faults or key changes.</p>\n";
    else out += "<ul class=\"events\">\n" + list + "</ul>\n";
    if (signer)
        out += fmt::format("<details><summary>Signer activity ({} events)</summary>\n<ul class=\"events\">\n{}"
                           "</ul>\n</details>\n",
                           signer, routine);
    return out + "</section>\n";
}

}  // namespace

std::string html_report(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    std::string out;
    out.reserve(64 * 1024 + record.observations.size() * 64);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<title>{} {} · rollsim</title>\n", summary.pass ? "PASS" : "FAIL", esc(sc.name));
    out += fmt::format("<style>{}</style>\n</head>\n<body>\n", kStyle);
    out += header(sc, summary);
    out += "<section aria-label=\"timeline\">\n" + timeline_svg(sc, record, summary);
    out += timeline_legend(!summary.comparison.predicted.empty(), !summary.monitors.empty());
    out += "<div id=\"details\" aria-live=\"polite\"><h3>Details</h3><p>Click a mark in the timeline (or hover "
           "over it) to see its time, rcode, AD bit, EDE and the validator's reason.</p></div>\n</section>\n";
    if (!sc.description.empty())
        out += fmt::format("<section>\n<h2>Scenario</h2>\n<p class=\"description\">{}</p>\n</section>\n",
                           esc(sc.description));
    // A large run's zones stand in for its windows, one row per query and resolver.
    out += summary.zones.large ? zones_html(summary.zones) : windows_table(sc, summary);
    out += predictions_table(sc, summary.comparison);
    out += agent_table(sc, record);
    out += kinds_html(summary.kinds);
    out += populations_html(summary.populations);
    out += monitors_html(summary);
    out += expectations_table(summary);
    out += events_section(record);
    out += fmt::format("<footer><p class=\"file\">rollsim {} · {} instants, {} zone versions published</p></footer>\n",
                       ROLLSIM_VERSION, summary.instants, summary.publications);
    out += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
    return out;
}

}  // namespace rollsim::report
