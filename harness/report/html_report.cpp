#include "report/html_report.hpp"

#include "report/outcome_summary.hpp"
#include "report/predicted.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

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

using runner::Observation;
using runner::Validation;

// Geometry of the timeline, in SVG user units (the SVG scales to the page width).
constexpr double kWidth = 1600;
constexpr double kPlotX = 370;
constexpr double kPlotWidth = kWidth - kPlotX - 24;
constexpr double kLaneHeight = 30;
constexpr double kLaneGap = 6;
constexpr double kSectionHeight = 34;

const auto esc = html_escape;

std::string at(const scenario::Scenario& sc, Seconds t)
{
    return fmt::format("{} ({})", format_offset(t), format_time(sc.start + t));
}

struct Timeline {
    const scenario::Scenario& sc;
    double span;  // seconds, > 0
    double x(Seconds t) const
    {
        double f = std::clamp(static_cast<double>(t.count()) / span, 0.0, 1.0);
        return kPlotX + f * kPlotWidth;
    }
};

// A label inside a mark when it fits (about 9.5 units per character at 16 units).
std::string inner_label(double x0, double x1, double y, const std::string& text, const char* cls)
{
    const double w = x1 - x0;
    if (w < static_cast<double>(text.size()) * 9.5 + 12) return {};
    return fmt::format("<text class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", cls, x0 + 6, y + kLaneHeight / 2 + 5.5,
                       esc(text));
}

// A clickable, hoverable mark: a <g class="hit"> with a <title> (the first line is the
// heading of the details panel; "name: value" lines become its rows).
std::string hit_rect(double x0, double x1, double y, double h, const std::string& cls, const std::string& title,
                     const std::string& label = {}, const char* label_cls = "on-light")
{
    const double w = std::max(2.0, x1 - x0);
    return fmt::format(
        "<g class=\"hit\" tabindex=\"0\"><title>{}</title><rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" "
        "width=\"{:.1f}\" height=\"{:.1f}\"/>{}</g>\n",
        esc(title), cls, x0, y, w, h, label.empty() ? std::string() : inner_label(x0, x0 + w, y, label, label_cls));
}

std::string lane_label(double y, const std::string& text, const std::string& sub, const std::string& title)
{
    // Long names shrink rather than run into the plot.
    const double size = std::clamp(330.0 / (std::max<std::size_t>(text.size(), 1) * 0.58), 12.0, 18.0);
    std::string out = fmt::format("<text class=\"lane-label\" x=\"12\" y=\"{:.1f}\" style=\"font-size:{:.1f}px\">"
                                  "<title>{}</title>{}",
                                  y + kLaneHeight / 2 + 6, size, esc(title), esc(text));
    if (!sub.empty()) out += fmt::format("<tspan class=\"lane-sub\"> {}</tspan>", esc(sub));
    return out + "</text>\n";
}

// ---- keys -------------------------------------------------------------------------------

struct KeyLane {
    std::string zone, key, role;
    int keytag = 0, algorithm = 0;
    std::vector<runner::KeyChange> changes;  // in time order
};

std::vector<KeyLane> key_lanes(const scenario::Scenario& sc, const runner::RunRecord& record)
{
    std::vector<KeyLane> lanes;
    for (const auto& k : record.key_changes) {
        auto it = std::find_if(lanes.begin(), lanes.end(),
                               [&](const KeyLane& l) { return l.zone == k.zone && l.key == k.key; });
        if (it == lanes.end()) {
            lanes.push_back({k.zone, k.key, k.role, k.keytag, k.algorithm, {}});
            it = std::prev(lanes.end());
        }
        it->changes.push_back(k);
    }
    auto zone_index = [&](const std::string& zone) {
        for (std::size_t i = 0; i < sc.zones.size(); ++i)
            if (sc.zones[i].name == zone) return i;
        return sc.zones.size();
    };
    std::stable_sort(lanes.begin(), lanes.end(),
                     [&](const KeyLane& a, const KeyLane& b) { return zone_index(a.zone) < zone_index(b.zone); });
    for (auto& l : lanes)
        std::stable_sort(l.changes.begin(), l.changes.end(),
                         [](const auto& a, const auto& b) { return a.offset < b.offset; });
    return lanes;
}

std::string upper(std::string s)
{
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

struct Segment {
    Seconds from, until;
    std::string state;  // css class and label
    std::string label;
};

std::vector<Segment> key_segments(const KeyLane& lane, Seconds end)
{
    std::vector<Segment> out;
    bool was_published = false, was_active = false;
    for (std::size_t i = 0; i < lane.changes.size(); ++i) {
        const auto& c = lane.changes[i];
        const Seconds until = i + 1 < lane.changes.size() ? lane.changes[i + 1].offset : end;
        std::string state, label;
        if (c.published && c.active) state = "k-active", label = "signing";
        else if (c.active) state = "k-bare", label = "signing, no DNSKEY";
        else if (c.published && was_active) state = "k-retired", label = "retired (published, not signing)";
        else if (c.published) state = "k-published", label = "published (not signing)";
        else if (was_published || was_active) state = "k-removed", label = "removed";
        was_published = was_published || c.published;
        was_active = was_active || c.active;
        if (state.empty() || until <= c.offset) continue;
        if (!out.empty() && out.back().state == state && out.back().until == c.offset) out.back().until = until;
        else out.push_back({c.offset, until, state, label});
    }
    return out;
}

std::vector<Segment> ds_segments(const KeyLane& lane, Seconds end)
{
    std::vector<Segment> out;
    bool had = false;
    for (std::size_t i = 0; i < lane.changes.size(); ++i) {
        const auto& c = lane.changes[i];
        const Seconds until = i + 1 < lane.changes.size() ? lane.changes[i + 1].offset : end;
        std::string state = c.ds_at_parent ? "k-ds" : had ? "k-removed" : "";
        std::string label = c.ds_at_parent ? "DS at the parent" : "DS removed";
        had = had || c.ds_at_parent;
        if (state.empty() || until <= c.offset) continue;
        if (!out.empty() && out.back().state == state && out.back().until == c.offset) out.back().until = until;
        else out.push_back({c.offset, until, state, label});
    }
    return out;
}

// ---- resolvers --------------------------------------------------------------------------

struct Series {
    std::string resolver;
    scenario::ResolverKind kind;
    scenario::Query query;
    std::vector<const Observation*> observations;
};

std::vector<Series> series_of(const scenario::Scenario& sc, const std::vector<Observation>& observations)
{
    std::vector<Series> out;
    std::map<std::pair<std::string, scenario::Query>, std::size_t> index;
    for (const auto& o : observations) {
        auto [it, fresh] = index.try_emplace({o.resolver, o.query}, out.size());
        if (fresh) out.push_back({o.resolver, o.kind, o.query, {}});
        out[it->second].observations.push_back(&o);
    }
    auto rank = [&](const Series& s) {
        std::size_t r = sc.resolvers.size(), q = sc.probes.queries.size();
        for (std::size_t i = 0; i < sc.resolvers.size(); ++i)
            if (sc.resolvers[i].name == s.resolver) r = i;
        for (std::size_t i = 0; i < sc.probes.queries.size(); ++i)
            if (sc.probes.queries[i] == s.query) q = i;
        return std::make_pair(r, q);
    };
    std::stable_sort(out.begin(), out.end(), [&](const Series& a, const Series& b) { return rank(a) < rank(b); });
    return out;
}

const char* result_class(const Observation& o)
{
    if (!o.rcode) return "r-none";
    if (o.failed()) return "r-fail";
    if (o.validation == Validation::Secure) return "r-secure";
    return "r-insecure";
}

bool same_result(const Observation& a, const Observation& b)
{
    return std::tie(a.rcode, a.ad, a.ede, a.ede_text, a.validation, a.reason) ==
           std::tie(b.rcode, b.ad, b.ede, b.ede_text, b.validation, b.reason);
}

std::string observation_details(const scenario::Scenario& sc, const Series& s, const Observation& first,
                                const Observation& last, int probes)
{
    std::string t = fmt::format("{} · {}: {}\n", s.resolver, s.query.text(), outcome_label(first));
    if (probes == 1) t += fmt::format("time: {}\n", at(sc, first.offset));
    else t += fmt::format("time: {} .. {}\nprobes: {} with this result\n", at(sc, first.offset), at(sc, last.offset), probes);
    t += fmt::format("resolver: {} ({})\n", s.resolver,
                     s.kind == scenario::ResolverKind::Unbound ? "Unbound daemon, warm cache"
                                                               : "libunbound, cold at every probe");
    t += fmt::format("rcode: {}\n", first.rcode ? *first.rcode : std::string("no answer"));
    t += fmt::format("AD: {}\n", first.ad ? "set" : "not set");
    if (first.ede) t += fmt::format("EDE: {}{}\n", *first.ede, first.ede_text.empty() ? "" : " " + first.ede_text);
    else if (s.kind == scenario::ResolverKind::Unbound) t += "EDE: none\n";
    t += fmt::format("validation: {}\n", runner::to_string(first.validation));
    if (!first.reason.empty()) t += fmt::format("reason: {}\n", first.reason);
    if (!t.empty() && t.back() == '\n') t.pop_back();
    return t;
}

std::string window_details(const scenario::Scenario& sc, const FailureWindow& w)
{
    std::string t = fmt::format("Failure window: {} · {}\n", w.resolver, w.query.text());
    t += fmt::format("from: {}\n", at(sc, w.start));
    t += fmt::format("until: {}\n", w.end ? at(sc, *w.end) : std::string("the end (still failing)"));
    t += fmt::format("length: {}\nprobes: {} failing\noutcome: {}\n", window_length(sc, w.start, w.end), w.probes,
                     w.what);
    t += fmt::format("rcode: {}\n", w.rcode ? *w.rcode : std::string("no answer"));
    if (w.ede) t += fmt::format("EDE: {}{}\n", *w.ede, w.ede_text.empty() ? "" : " " + w.ede_text);
    if (!w.reason.empty()) t += fmt::format("reason: {}\n", w.reason);
    t.pop_back();
    return t;
}

std::string prediction_details(const scenario::Scenario& sc, const PredictionComparison& comparison, std::size_t i)
{
    const auto& p = comparison.predicted[i];
    std::string t = fmt::format("Predicted failure window: {}\nfrom: {}\nuntil: {}\n", p.zone, at(sc, p.from),
                                at(sc, p.until));
    for (const auto& r : comparison.rows)
        if (r.predicted && r.index == i)
            t += fmt::format("observed: {} — {}\n", observed_text(r.observed), to_string(r.match));
    t += fmt::format("resolvers: {}\ncause: {}", resolvers_text(rollover::affected_resolvers(sc, p)), p.cause);
    return t;
}

// ---- axis -------------------------------------------------------------------------------

Seconds tick_step(Seconds duration)
{
    static const long steps[] = {60,     300,     600,     1800,     3600,     7200,      3 * 3600,
                                 21600,  43200,   86400,   2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
                                 56 * 86400, 91 * 86400, 182 * 86400, 364 * 86400};
    for (long s : steps)
        if (duration.count() / s <= 12) return Seconds(s);
    return Seconds(duration.count() / 12 + 1);
}

// ---- the SVG ----------------------------------------------------------------------------

std::string timeline_svg(const scenario::Scenario& sc, const runner::RunRecord& record,
                         const std::vector<FailureWindow>& windows, const PredictionComparison& comparison)
{
    Seconds end = sc.duration;
    for (const auto& o : record.observations) end = std::max(end, o.offset);
    const Timeline tl{sc, static_cast<double>(std::max<long long>(1, end.count()))};

    const auto keys = key_lanes(sc, record);
    const auto series = series_of(sc, record.observations);

    std::vector<const runner::EventRecord*> marked;  // the timeline's actions and faults
    for (const auto& e : record.events)
        if (e.source == runner::EventRecord::Source::Timeline) marked.push_back(&e);

    // Vertical layout.
    const double axis_bottom = 56, events_top = 62, events_bottom = 98;
    double y = events_bottom + 8;
    std::string lanes;
    std::map<std::pair<std::string, scenario::Query>, double> lane_y;

    auto section = [&](const std::string& title) {
        lanes += fmt::format("<text class=\"section\" x=\"12\" y=\"{:.1f}\">{}</text>\n", y + 26, esc(title));
        y += kSectionHeight;
    };
    auto lane_background = [&](int i) {
        if (i % 2 == 0)
            lanes += fmt::format("<rect class=\"lane-bg\" x=\"0\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\"/>\n",
                                 y - kLaneGap / 2, kWidth, kLaneHeight + kLaneGap);
    };

    int i = 0;
    if (!keys.empty()) section("Keys");
    for (const auto& k : keys) {
        const std::string role = upper(k.role);
        const std::string name = fmt::format("{} {}", k.zone, k.key);
        const std::string sub = fmt::format("{} {}", role, k.keytag);
        const std::string ident = fmt::format("{} {} ({}, tag {}, algorithm {})", k.zone, k.key, role, k.keytag,
                                              k.algorithm);
        lane_background(i++);
        lanes += fmt::format("<g class=\"lane key-lane\" data-lane=\"{}\">\n", esc(k.zone + " " + k.key));
        lanes += lane_label(y, name, sub, ident);
        lanes += fmt::format("<line class=\"baseline\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
                             kPlotX, kPlotX + kPlotWidth, y + kLaneHeight / 2, y + kLaneHeight / 2);
        for (const auto& s : key_segments(k, end)) {
            std::string title = fmt::format("{}: {}\nfrom: {}\nuntil: {}", ident, s.label, at(sc, s.from),
                                            s.until >= end ? std::string("the end") : at(sc, s.until));
            lanes += hit_rect(tl.x(s.from), tl.x(s.until), y, kLaneHeight, s.state, title, s.label,
                              s.state == "k-active" ? "on-dark" : "on-light");
        }
        lanes += "</g>\n";
        y += kLaneHeight + kLaneGap;

        bool has_ds = k.role != "zsk";
        for (const auto& c : k.changes) has_ds = has_ds || c.ds_at_parent;
        if (!has_ds) continue;
        lane_background(i++);
        lanes += fmt::format("<g class=\"lane ds-lane\" data-lane=\"{}\">\n", esc(k.zone + " " + k.key + " DS"));
        lanes += lane_label(y, "  DS of " + k.key, fmt::format("at the parent of {}", k.zone),
                            "DS record for " + ident + " in the parent zone");
        lanes += fmt::format("<line class=\"baseline\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
                             kPlotX, kPlotX + kPlotWidth, y + kLaneHeight / 2, y + kLaneHeight / 2);
        for (const auto& s : ds_segments(k, end)) {
            std::string title = fmt::format("DS of {}: {}\nfrom: {}\nuntil: {}", ident, s.label, at(sc, s.from),
                                            s.until >= end ? std::string("the end") : at(sc, s.until));
            lanes += hit_rect(tl.x(s.from), tl.x(s.until), y, kLaneHeight, s.state, title, s.label);
        }
        lanes += "</g>\n";
        y += kLaneHeight + kLaneGap;
    }

    // The rollover lint's predicted failure windows: a lane of hatched marks.
    if (!comparison.predicted.empty()) {
        section("Rollover lint");
        lane_background(i++);
        lanes += "<g class=\"lane predicted-lane\" data-lane=\"predicted\">\n";
        lanes += lane_label(y, "predicted failure", "", "Failure windows the rollover lint predicted before the run");
        for (std::size_t n = 0; n < comparison.predicted.size(); ++n) {
            const auto& p = comparison.predicted[n];
            const double x0 = tl.x(p.from), x1 = std::max(x0 + 3, tl.x(p.until));
            lanes += fmt::format("<g class=\"hit predicted-window\" tabindex=\"0\"><title>{}</title>"
                                 "<rect class=\"predicted-band\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                                 "height=\"{:.1f}\"/>{}</g>\n",
                                 esc(prediction_details(sc, comparison, n)), x0, y, x1 - x0, kLaneHeight,
                                 inner_label(x0, x1, y, "predicted", "on-light"));
        }
        lanes += "</g>\n";
        y += kLaneHeight + kLaneGap;
    }

    const double resolvers_top = y;
    if (!series.empty()) section("Resolvers × queries: probe results");
    for (const auto& s : series) {
        lane_background(i++);
        lane_y[{s.resolver, s.query}] = y;
        const bool daemon = s.kind == scenario::ResolverKind::Unbound;
        lanes += fmt::format("<g class=\"lane resolver-lane\" data-lane=\"{}\">\n",
                             esc(s.resolver + " " + s.query.text()));
        lanes += lane_label(y, s.resolver + ": " + s.query.text(), "",
                            fmt::format("{} ({}) asked {}", s.resolver, daemon ? "Unbound daemon" : "cold libunbound",
                                        s.query.text()));
        const auto& obs = s.observations;
        for (std::size_t a = 0; a < obs.size();) {
            std::size_t b = a + 1;
            while (b < obs.size() && same_result(*obs[a], *obs[b])) ++b;
            const Seconds until = b < obs.size() ? obs[b]->offset : end;
            const std::string cls = std::string("obs ") + result_class(*obs[a]);
            lanes += hit_rect(tl.x(obs[a]->offset), tl.x(until), y, kLaneHeight, cls,
                              observation_details(sc, s, *obs[a], *obs[b - 1], static_cast<int>(b - a)),
                              outcome_label(*obs[a]), obs[a]->rcode ? "on-light" : "on-dark");
            a = b;
        }
        // Every probe as a tick under the lane: one path, however many probes.
        std::string ticks;
        for (const auto* o : obs) ticks += fmt::format("M{:.1f} {:.1f}v5", tl.x(o->offset), y + kLaneHeight);
        lanes += fmt::format("<path class=\"ticks\" d=\"{}\"/>\n</g>\n", ticks);
        y += kLaneHeight + kLaneGap;
    }
    const double lanes_top = events_bottom + 4, lanes_bottom = y;
    const double height = lanes_bottom + 12;

    std::string svg = fmt::format(
        "<svg id=\"timeline\" viewBox=\"0 0 {} {:.0f}\" role=\"img\" "
        "aria-labelledby=\"timeline-title\">\n<title id=\"timeline-title\">Timeline of {} over {} of virtual "
        "time</title>\n",
        kWidth, height, esc(sc.name), format_duration(sc.duration));
    svg += "<defs><pattern id=\"hatch\" width=\"10\" height=\"10\" patternUnits=\"userSpaceOnUse\" "
           "patternTransform=\"rotate(45)\"><rect width=\"10\" height=\"10\" fill=\"#e4e4e4\"/>"
           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"10\" stroke=\"#8a8a8a\" stroke-width=\"4\"/></pattern>"
           "<pattern id=\"hatch-predicted\" width=\"12\" height=\"12\" patternUnits=\"userSpaceOnUse\" "
           "patternTransform=\"rotate(-45)\"><rect width=\"12\" height=\"12\" fill=\"#ffffff\"/>"
           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"12\" stroke=\"#D55E00\" stroke-width=\"4\"/></pattern></defs>\n";

    // Axis and grid.
    const Seconds step = tick_step(end);
    for (Seconds t{0}; t <= end; t += step) {
        const double x = tl.x(t);
        const std::string iso = format_time(sc.start + t);  // 2027-03-02T06:00:00Z
        const std::string date = step.count() % 86400 == 0 && (sc.start + t).time_since_epoch().count() % 86400 == 0
                                     ? iso.substr(0, 10)
                                     : iso.substr(5, 5) + " " + iso.substr(11, 5);
        const char* anchor = t.count() == 0 ? "start" : (t + step > end && x > kPlotX + kPlotWidth - 60) ? "end" : "middle";
        svg += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
                           "<text class=\"axis\" x=\"{0:.1f}\" y=\"22\" text-anchor=\"{3}\">{4}</text>"
                           "<text class=\"axis-date\" x=\"{0:.1f}\" y=\"46\" text-anchor=\"{3}\">{5}</text>\n",
                           x, axis_bottom, lanes_bottom, anchor, format_offset(t), date);
    }
    svg += fmt::format("<text class=\"axis-date\" x=\"12\" y=\"22\">virtual time</text>"
                       "<text class=\"axis-date\" x=\"12\" y=\"46\">UTC</text>"
                       "<text class=\"section\" x=\"12\" y=\"{:.1f}\">Events</text>\n",
                       events_top + 26);

    svg += lanes;

    // Failure windows: a band across every lane, and an outline in their own lane.
    for (const auto& w : windows) {
        const double x0 = tl.x(w.start), x1 = std::max(x0 + 3, tl.x(w.end ? *w.end : end));
        const std::string title = window_details(sc, w);
        svg += fmt::format("<rect class=\"window-band\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n",
                           x0, lanes_top, x1 - x0, lanes_bottom - lanes_top);
        auto it = lane_y.find({w.resolver, w.query});
        if (it == lane_y.end()) continue;
        svg += fmt::format("<g class=\"hit failure-window\" tabindex=\"0\"><title>{}</title>"
                           "<rect class=\"window-outline\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/></g>\n",
                           esc(title), x0 - 2, it->second - 3, x1 - x0 + 4, kLaneHeight + 6);
    }

    // Predicted windows: an outline (no fill) across the resolver lanes, beside the observed bands.
    for (const auto& p : comparison.predicted) {
        const double x0 = tl.x(p.from), x1 = std::max(x0 + 3, tl.x(p.until));
        svg += fmt::format("<rect class=\"predicted-outline\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                           "height=\"{:.1f}\"/>\n",
                           x0, resolvers_top, x1 - x0, lanes_bottom - resolvers_top);
    }

    // Event markers: one per distinct instant, numbered as in the events list.
    std::map<long long, std::vector<std::size_t>> by_time;
    for (std::size_t n = 0; n < marked.size(); ++n) by_time[marked[n]->offset.count()].push_back(n);
    for (const auto& [t, list] : by_time) {
        const double x = tl.x(Seconds(t));
        std::string numbers, title = fmt::format("Event{} at {}", list.size() > 1 ? "s" : "", at(sc, Seconds(t)));
        for (std::size_t n : list) {
            numbers += (numbers.empty() ? "" : ",") + std::to_string(n + 1);
            title += fmt::format("\n{}: {}", n + 1, marked[n]->text);
            if (!marked[n]->say.empty()) title += fmt::format("\nsay: “{}”", marked[n]->say);
        }
        const double badge = std::max(28.0, 12.0 * static_cast<double>(numbers.size()) + 14);
        svg += fmt::format(
            "<g class=\"hit event-marker\" tabindex=\"0\"><title>{0}</title>"
            "<line class=\"event-line\" x1=\"{1:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{3:.1f}\"/>"
            "<rect class=\"event-badge\" x=\"{4:.1f}\" y=\"{5:.1f}\" width=\"{6:.1f}\" height=\"28\" rx=\"14\"/>"
            "<text class=\"event-number\" x=\"{1:.1f}\" y=\"{7:.1f}\" text-anchor=\"middle\">{8}</text></g>\n",
            esc(title), x, events_top + 28, lanes_bottom, x - badge / 2, events_top, badge, events_top + 20,
            esc(numbers));
    }
    svg += "</svg>\n";
    return svg;
}

const char* kStyle = R"CSS(
:root { --secure:#009E73; --insecure:#56B4E9; --fail:#D55E00; --none:#000000; --active:#0072B2;
        --published:#F0E442; --retired:#E69F00; --ds:#CC79A7; --ink:#111111; --muted:#444444; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans",
       Arial, sans-serif; font-size: 20px; line-height: 1.45; color: var(--ink); background: #ffffff; }
h1 { font-size: 36px; margin: 0 0 8px; line-height: 1.2; }
h2 { font-size: 28px; margin: 32px 0 12px; border-bottom: 3px solid var(--ink); padding-bottom: 4px; }
.result { display: inline-block; padding: 4px 18px; border-radius: 8px; font-weight: 800; font-size: 30px;
          margin-right: 16px; border: 3px solid var(--ink); vertical-align: middle; }
.result.pass { background: var(--secure); color: #000; }
.result.fail { background: var(--fail); color: #000; }
.file { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 20px; color: var(--muted); }
.description { max-width: 75em; color: var(--muted); margin: 8px 0; white-space: pre-line; }
.facts { display: flex; flex-wrap: wrap; gap: 2px 32px; margin: 8px 0; padding: 0; list-style: none; }
.facts li b { font-weight: 700; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 16px 0 10px; padding: 0; list-style: none;
          font-size: 18px; }
.swatch { display: inline-block; width: 26px; height: 18px; border: 2px solid var(--ink); vertical-align: -3px;
          margin-right: 6px; }
#timeline { width: 100%; height: auto; display: block; border: 2px solid var(--ink); background: #fff; }
#timeline text { font-family: inherit; fill: var(--ink); }
.axis { font-size: 18px; font-weight: 700; }
.axis-date { font-size: 15px; fill: var(--muted) !important; }
.section { font-size: 18px; font-weight: 800; }
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
.window-band { fill: var(--fail); opacity: 0.13; pointer-events: none; }
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
th, td { border: 2px solid #555; padding: 6px 10px; text-align: left; vertical-align: top; }
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
// window, if any, is shown from the start.
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
})();
)JS";

std::string legend(bool predicted)
{
    struct Item { const char* css; const char* text; };
    static const Item items[] = {
        {"var(--secure)", "secure (AD)"},       {"var(--insecure)", "insecure (no AD)"},
        {"var(--fail)", "SERVFAIL / bogus"},    {"var(--none)", "no answer"},
        {"var(--active)", "key signing"},      {"var(--published)", "key published, not signing yet"},
        {"var(--retired)", "key retired (published, not signing)"},
        {"var(--ds)", "DS at the parent"},
    };
    std::string out = "<ul class=\"legend\" aria-label=\"legend\">\n";
    for (const auto& it : items)
        out += fmt::format("<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>\n", it.css, it.text);
    out += "<li><svg width=\"30\" height=\"20\" aria-hidden=\"true\"><defs><pattern id=\"hatch-legend\" width=\"8\" "
           "height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" "
           "fill=\"#e4e4e4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#8a8a8a\" stroke-width=\"3\"/></pattern>"
           "</defs><rect x=\"1\" y=\"1\" width=\"26\" height=\"18\" fill=\"url(#hatch-legend)\" stroke=\"#111\" "
           "stroke-width=\"2\"/></svg> removed</li>\n";
    out += "<li><span class=\"swatch\" style=\"background:rgba(213,94,0,0.2);border-style:dashed\"></span>"
           "failure window</li>\n";
    if (predicted)
        out += "<li><svg width=\"30\" height=\"20\" aria-hidden=\"true\"><defs><pattern id=\"hatch-predicted-legend\" "
               "width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(-45)\"><rect "
               "width=\"8\" height=\"8\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#D55E00\" "
               "stroke-width=\"3\"/></pattern></defs><rect x=\"1\" y=\"1\" width=\"26\" height=\"18\" "
               "fill=\"url(#hatch-predicted-legend)\" stroke=\"#111\" stroke-width=\"2\" stroke-dasharray=\"3 3\"/></svg> "
               "predicted failure window (rollover lint; dotted outline across the resolvers)</li>\n";
    out += "<li><span class=\"swatch\" style=\"border-radius:9px\"></span>numbered event (action or fault)</li>\n";
    return out + "</ul>\n";
}

}  // namespace

std::string html_report(const scenario::Scenario& sc, const runner::RunRecord& record,
                        const std::vector<Verdict>& verdicts, const std::vector<FailureWindow>& windows,
                        const std::vector<rollover::PredictedWindow>& predicted)
{
    int failed = 0;
    for (const auto& v : verdicts) failed += v.pass ? 0 : 1;
    const bool pass = failed == 0;
    const auto comparison = compare_predictions(sc, predicted, windows);

    std::string out;
    out.reserve(64 * 1024 + record.observations.size() * 64);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<title>{} {} · rollsim</title>\n", pass ? "PASS" : "FAIL", esc(sc.name));
    out += fmt::format("<style>{}</style>\n</head>\n<body>\n", kStyle);

    // Header.
    out += "<header>\n";
    out += fmt::format("<h1><span class=\"result {}\">{}</span>{}</h1>\n", pass ? "pass" : "fail",
                       pass ? "✔ PASS" : "✘ FAIL", esc(sc.name));
    out += fmt::format("<div class=\"file\">{}</div>\n", esc(sc.file));
    if (!sc.description.empty()) out += fmt::format("<p class=\"description\">{}</p>\n", esc(sc.description));
    std::string zones;
    for (const auto& z : sc.zones) zones += (zones.empty() ? "" : ", ") + z.name;
    out += "<ul class=\"facts\">\n";
    out += fmt::format("<li><b>Virtual span</b> {} → {} ({})</li>\n", esc(format_time(sc.start)),
                       esc(format_time(sc.start + sc.duration)), esc(format_duration(sc.duration)));
    out += fmt::format("<li><b>Zones</b> {}: {}</li>\n", sc.zones.size(), esc(zones));
    out += fmt::format("<li><b>Servers</b> {} NSD</li>\n", record.servers);
    out += fmt::format("<li><b>Probe results</b> {}</li>\n", record.observations.size());
    out += fmt::format("<li><b>Expectations</b> {} of {} held</li>\n", verdicts.size() - failed, verdicts.size());
    out += fmt::format("<li><b>Failure windows</b> {}</li>\n", windows.size());
    if (!windows.empty())
        out += fmt::format("<li><b>First failure</b> {} · {} {}</li>\n", esc(at(sc, windows.front().start)),
                           esc(windows.front().resolver), esc(windows.front().query.text()));
    if (!comparison.predicted.empty()) {
        int matched = 0;
        for (const auto& r : comparison.rows) matched += r.match == PredictionMatch::Matched ? 1 : 0;
        out += fmt::format("<li><b>Predicted windows</b> {} ({})</li>\n", comparison.predicted.size(),
                           comparison.agree() ? std::string("every pairing matched")
                                              : fmt::format("{} of {} pairings matched", matched,
                                                            comparison.rows.size()));
    }
    out += fmt::format("<li><b>Wall clock</b> {:.1f} s</li>\n", record.wall_seconds);
    out += "</ul>\n</header>\n";

    // Timeline.
    out += "<section aria-label=\"timeline\">\n" + legend(!comparison.predicted.empty());
    out += timeline_svg(sc, record, windows, comparison);
    out += "<div id=\"details\" aria-live=\"polite\"><h3>Details</h3><p>Click a mark in the timeline (or hover "
           "over it) to see its time, rcode, AD bit, EDE and the validator's reason.</p></div>\n</section>\n";

    // Failure windows.
    out += "<section>\n<h2>Failure windows</h2>\n";
    if (windows.empty()) {
        out += "<p>None: every probe of every resolver succeeded.</p>\n";
    } else {
        out += "<table class=\"windows\">\n<thead><tr><th>resolver</th><th>query</th><th>from</th><th>until</th>"
               "<th>length</th><th>outcome</th><th>EDE</th><th>reason</th></tr></thead>\n<tbody>\n";
        for (const auto& w : windows) {
            std::string ede = w.ede ? std::to_string(*w.ede) : "–";
            if (w.ede && !w.ede_text.empty()) ede += " " + w.ede_text;
            out += fmt::format(
                "<tr><td>{}</td><td>{}</td><td><span class=\"offset\">{}</span><br>{}</td><td>{}</td><td>{}</td>"
                "<td>{} ({} probes)</td><td>{}</td><td class=\"reason\">{}</td></tr>\n",
                esc(w.resolver), esc(w.query.text()), esc(format_offset(w.start)), esc(format_time(sc.start + w.start)),
                w.end ? fmt::format("<span class=\"offset\">{}</span><br>{}", esc(format_offset(*w.end)),
                                    esc(format_time(sc.start + *w.end)))
                      : std::string("the end (still failing)"),
                esc(window_length(sc, w.start, w.end)), esc(w.what), w.probes, esc(ede), esc(w.reason));
        }
        out += "</tbody>\n</table>\n";
    }
    out += "</section>\n";

    // Predicted vs observed.
    if (!comparison.predicted.empty()) {
        out += "<section>\n<h2>Predicted vs observed</h2>\n";
        out += fmt::format("<p>The rollover lint's predicted failure windows and the observed failure windows of the "
                           "resolvers they apply to, paired within one probe interval ({}).</p>\n",
                           esc(format_duration(sc.probes.every)));
        out += "<table class=\"predicted\">\n<thead><tr><th>verdict</th><th>zone</th><th>resolvers</th><th>from</th>"
               "<th>until</th><th>observed</th><th>cause</th></tr></thead>\n<tbody>\n";
        auto when = [&](Seconds t) {
            return fmt::format("<span class=\"offset\">{}</span><br>{}", esc(format_offset(t)),
                               esc(format_time(sc.start + t)));
        };
        for (const auto& r : comparison.rows) {
            const bool ok = r.match == PredictionMatch::Matched;
            const std::string resolvers = resolvers_text(r.resolvers);
            const auto& p = r.predicted;
            out += fmt::format("<tr{}><td class=\"{}\">{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                               "<td class=\"reason\">{}</td></tr>\n",
                               ok ? "" : " class=\"failed\"", ok ? "mark-pass" : "mark-fail", ok ? "✅" : "⚠️",
                               esc(to_string(r.match)), p ? esc(p->zone) : "–", p ? esc(resolvers) : "–",
                               p ? when(p->from) : "–", p ? when(p->until) : "–", esc(observed_text(r.observed)),
                               p ? esc(p->cause) : "–");
        }
        out += "</tbody>\n</table>\n</section>\n";
    }

    // Parent agents' decisions.
    if (!record.parent_agent.empty()) {
        out += "<section>\n<h2>Parent agent</h2>\n";
        out += "<p>What the parent's agent accepted or refused when it scanned the child's CDS/CDNSKEY, and why.</p>\n";
        out += "<table class=\"agent\">\n<thead><tr><th>scan</th><th>zone</th><th>verdict</th><th>reason</th>"
               "<th>DS change</th></tr></thead>\n<tbody>\n";
        for (const auto& d : record.parent_agent) {
            const bool ok = d.verdict == "accepted";
            out += fmt::format("<tr{}><td><span class=\"offset\">{}</span><br>{}</td><td>{}</td><td class=\"{}\">{} {}</td>"
                               "<td class=\"reason\">{}</td><td>{}</td></tr>\n",
                               ok ? "" : " class=\"failed\"", esc(format_offset(d.offset)),
                               esc(format_time(sc.start + d.offset)), esc(d.zone), ok ? "mark-pass" : "mark-fail",
                               ok ? "✅" : "⛔", esc(d.verdict), esc(d.reason),
                               d.ds_change_at ? esc(format_offset(*d.ds_change_at)) : "–");
        }
        out += "</tbody>\n</table>\n</section>\n";
    }

    // Expectations.
    out += "<section>\n<h2>Expectations</h2>\n";
    if (verdicts.empty()) {
        out += "<p>None.</p>\n";
    } else {
        out += "<table class=\"expectations\">\n<thead><tr><th>result</th><th>line</th><th>expectation</th>"
               "<th>probe results</th><th>detail</th></tr></thead>\n<tbody>\n";
        for (const auto& v : verdicts) {
            const auto& e = *v.expectation;
            std::string detail;
            if (!v.pass)
                detail = esc(v.detail) + "<br><b>observed:</b> " +
                         esc(tally_outcomes(applicable_observations(sc, e, record.observations)));
            out += fmt::format("<tr{}><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"detail\">{}"
                               "</td></tr>\n",
                               v.pass ? "" : " class=\"failed\"", v.pass ? "mark-pass" : "mark-fail",
                               v.pass ? "✅ PASS" : "❌ FAIL", e.loc.line, esc(e.text), v.matched, detail);
        }
        out += "</tbody>\n</table>\n";
    }
    out += "</section>\n";

    // Events.
    out += "<section>\n<h2>Events</h2>\n";
    std::size_t number = 0, signer = 0;
    std::string list;
    for (const auto& e : record.events) {
        if (e.source == runner::EventRecord::Source::Signer) {
            ++signer;
            continue;
        }
        const bool marked = e.source == runner::EventRecord::Source::Timeline;
        list += fmt::format("<li{}><span class=\"offset\">{}</span> {}{}", marked ? "" : " class=\"derived\"",
                            esc(format_offset(e.offset)),
                            marked ? fmt::format("<b>[{}]</b> ", ++number) : std::string(), esc(e.text));
        if (!e.say.empty()) list += fmt::format(" <span class=\"say\">“{}”</span>", esc(e.say));
        list += "</li>\n";
    }
    if (list.empty()) out += "<p>No actions, faults or key changes.</p>\n";
    else out += "<ul class=\"events\">\n" + list + "</ul>\n";
    if (signer) {
        out += fmt::format("<details><summary>Signer activity ({} events)</summary>\n<ul class=\"events\">\n", signer);
        for (const auto& e : record.events)
            if (e.source == runner::EventRecord::Source::Signer)
                out += fmt::format("<li><span class=\"offset\">{}</span> {}</li>\n", esc(format_offset(e.offset)),
                                   esc(e.text));
        out += "</ul>\n</details>\n";
    }
    out += "</section>\n";

    out += fmt::format("<footer><p class=\"file\">rollsim {} · {} instants, {} zone versions published</p></footer>\n",
                       ROLLSIM_VERSION, record.instants, record.publications);
    out += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
    return out;
}

}  // namespace rollsim::report
