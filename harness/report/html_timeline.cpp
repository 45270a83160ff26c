#include "report/html_timeline.hpp"

#include "report/html_report.hpp"
#include "report/outcome_summary.hpp"
#include "report/event_text.hpp"
#include "report/outcome_text.hpp"
#include "scenario/names.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace rollsim::report {

std::string offset_and_time(const scenario::Scenario& sc, Seconds t)
{
    return fmt::format("{} ({})", format_offset(t), format_time(sc.start + t));
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

const auto at = offset_and_time;

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
    if (!rcode_name(o.rcode)) return "r-none";
    if (o.failed()) return "r-fail";
    if (o.validation == Validation::Secure) return "r-secure";
    return "r-insecure";
}

bool same_result(const Observation& a, const Observation& b)
{
    return std::tie(a.rcode, a.ad, a.ede, a.ede_text, a.validation, a.reason) ==
           std::tie(b.rcode, b.ad, b.ede, b.ede_text, b.validation, b.reason);
}

// What a resolver of `kind` is, in a probe's details: "Unbound daemon, warm cache".
std::string resolver_words(scenario::ResolverKind kind)
{
    if (!scenario::is_daemon(kind)) return "libunbound, cold at every probe";
    return fmt::format("{} daemon, warm cache", scenario::row_of(kind).program);
}

// The same in a lane's title: "Unbound daemon", "cold libunbound".
std::string lane_words(scenario::ResolverKind kind)
{
    if (!scenario::is_daemon(kind)) return "cold libunbound";
    return fmt::format("{} daemon", scenario::row_of(kind).program);
}

std::string observation_details(const scenario::Scenario& sc, const Series& s, const Observation& first,
                                const Observation& last, int probes)
{
    std::string t = fmt::format("{} · {}: {}\n", s.resolver, s.query.text(), outcome_label(first));
    if (probes == 1) t += fmt::format("time: {}\n", at(sc, first.offset));
    else t += fmt::format("time: {} .. {}\nprobes: {} with this result\n", at(sc, first.offset), at(sc, last.offset), probes);
    t += fmt::format("resolver: {} ({})\n", s.resolver, resolver_words(s.kind));
    t += fmt::format("rcode: {}\n", rcode_text(first.rcode));
    t += fmt::format("AD: {}\n", first.ad ? "set" : "not set");
    if (ede_code(first.ede)) t += fmt::format("EDE: {}\n", ede_label(first.ede, first.ede_text));
    else if (scenario::is_daemon(s.kind)) t += "EDE: none\n";
    t += fmt::format("validation: {}\n", validation_text(first.validation));
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
    t += fmt::format("rcode: {}\n", rcode_text(w.rcode));
    if (ede_code(w.ede)) t += fmt::format("EDE: {}\n", ede_label(w.ede, w.ede_text));
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
    t += fmt::format("resolvers: {}\ncause: {}", resolvers_text(comparison.affected[i]), p.cause);
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


// ---- the lanes --------------------------------------------------------------------------

// Vertical layout above the lanes: the axis labels, then the event markers' badges.
constexpr double kAxisBottom = 56, kEventsTop = 62, kEventsBottom = 98;

// The lanes, top to bottom; y() is where the next one goes.
class Lanes {
public:
    Lanes(const scenario::Scenario& sc, const Timeline& tl, Seconds end) : m_sc(sc), m_tl(tl), m_end(end) {}

    const std::string& svg() const { return m_svg; }
    double y() const { return m_y; }
    double resolvers_top() const { return m_resolvers_top; }
    std::optional<double> lane_of(const std::string& resolver, const scenario::Query& query) const
    {
        auto it = m_lane_y.find({resolver, query});
        return it == m_lane_y.end() ? std::nullopt : std::optional<double>(it->second);
    }

    void keys(const std::vector<KeyLane>& keys)
    {
        if (!keys.empty()) section("Keys");
        for (const auto& k : keys) {
            const std::string role = upper(k.role);
            const std::string ident = fmt::format("{} {} ({}, tag {}, algorithm {})", k.zone, k.key, role, k.keytag,
                                                  k.algorithm);
            segment_lane("key-lane", k.zone + " " + k.key, fmt::format("{} {}", k.zone, k.key),
                         fmt::format("{} {}", role, k.keytag), ident, ident, key_segments(k, m_end));
            bool has_ds = k.role != "zsk";
            for (const auto& c : k.changes) has_ds = has_ds || c.ds_at_parent;
            if (!has_ds) continue;
            segment_lane("ds-lane", k.zone + " " + k.key + " DS", "  DS of " + k.key,
                         fmt::format("at the parent of {}", k.zone), "DS record for " + ident + " in the parent zone",
                         "DS of " + ident, ds_segments(k, m_end));
        }
    }

    // The rollover lint's predicted failure windows: a lane of hatched marks.
    void predicted(const PredictionComparison& comparison)
    {
        if (comparison.predicted.empty()) return;
        section("Rollover lint");
        background();
        m_svg += "<g class=\"lane predicted-lane\" data-lane=\"predicted\">\n";
        m_svg += lane_label(m_y, "predicted failure", "", "Failure windows the rollover lint predicted before the run");
        for (std::size_t n = 0; n < comparison.predicted.size(); ++n) {
            const auto& p = comparison.predicted[n];
            const double x0 = m_tl.x(p.from), x1 = std::max(x0 + 3, m_tl.x(p.until));
            m_svg += fmt::format("<g class=\"hit predicted-window\" tabindex=\"0\"><title>{}</title>"
                                 "<rect class=\"predicted-band\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                                 "height=\"{:.1f}\"/>{}</g>\n",
                                 esc(prediction_details(m_sc, comparison, n)), x0, m_y, x1 - x0, kLaneHeight,
                                 inner_label(x0, x1, m_y, "predicted", "on-light"));
        }
        m_svg += "</g>\n";
        m_y += kLaneHeight + kLaneGap;
    }

    void resolvers(const std::vector<Series>& series)
    {
        m_resolvers_top = m_y;
        if (!series.empty()) section("Resolvers × queries: probe results");
        for (const auto& s : series) resolver_lane(s);
    }

private:
    void section(const std::string& title)
    {
        m_svg += fmt::format("<text class=\"section\" x=\"12\" y=\"{:.1f}\">{}</text>\n", m_y + 26, esc(title));
        m_y += kSectionHeight;
    }

    // Every other lane on a grey band.
    void background()
    {
        if (m_lanes++ % 2 == 0)
            m_svg += fmt::format("<rect class=\"lane-bg\" x=\"0\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\"/>\n",
                                 m_y - kLaneGap / 2, kWidth, kLaneHeight + kLaneGap);
    }

    // A key's or a DS's lane: its states as marks on a dashed baseline.
    void segment_lane(const char* cls, const std::string& data_lane, const std::string& name, const std::string& sub,
                      const std::string& label_title, const std::string& subject, const std::vector<Segment>& segments)
    {
        background();
        m_svg += fmt::format("<g class=\"lane {}\" data-lane=\"{}\">\n", cls, esc(data_lane));
        m_svg += lane_label(m_y, name, sub, label_title);
        m_svg += fmt::format("<line class=\"baseline\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
                             kPlotX, kPlotX + kPlotWidth, m_y + kLaneHeight / 2, m_y + kLaneHeight / 2);
        for (const auto& s : segments) {
            std::string title = fmt::format("{}: {}\nfrom: {}\nuntil: {}", subject, s.label, at(m_sc, s.from),
                                            s.until >= m_end ? std::string("the end") : at(m_sc, s.until));
            m_svg += hit_rect(m_tl.x(s.from), m_tl.x(s.until), m_y, kLaneHeight, s.state, title, s.label,
                              s.state == "k-active" ? "on-dark" : "on-light");
        }
        m_svg += "</g>\n";
        m_y += kLaneHeight + kLaneGap;
    }

    // One resolver × query: runs of identical results as one mark each, every probe as a tick.
    void resolver_lane(const Series& s)
    {
        background();
        m_lane_y[{s.resolver, s.query}] = m_y;
        m_svg += fmt::format("<g class=\"lane resolver-lane\" data-lane=\"{}\">\n",
                             esc(s.resolver + " " + s.query.text()));
        m_svg += lane_label(m_y, s.resolver + ": " + s.query.text(), "",
                            fmt::format("{} ({}) asked {}", s.resolver, lane_words(s.kind), s.query.text()));
        const auto& obs = s.observations;
        for (std::size_t a = 0; a < obs.size();) {
            std::size_t b = a + 1;
            while (b < obs.size() && same_result(*obs[a], *obs[b])) ++b;
            const Seconds until = b < obs.size() ? obs[b]->offset : m_end;
            const std::string cls = std::string("obs ") + result_class(*obs[a]);
            m_svg += hit_rect(m_tl.x(obs[a]->offset), m_tl.x(until), m_y, kLaneHeight, cls,
                              observation_details(m_sc, s, *obs[a], *obs[b - 1], static_cast<int>(b - a)),
                              outcome_label(*obs[a]), rcode_name(obs[a]->rcode) ? "on-light" : "on-dark");
            a = b;
        }
        // One path, however many probes.
        std::string ticks;
        for (const auto* o : obs) ticks += fmt::format("M{:.1f} {:.1f}v5", m_tl.x(o->offset), m_y + kLaneHeight);
        m_svg += fmt::format("<path class=\"ticks\" d=\"{}\"/>\n</g>\n", ticks);
        m_y += kLaneHeight + kLaneGap;
    }

    const scenario::Scenario& m_sc;
    const Timeline& m_tl;
    Seconds m_end;
    std::string m_svg;
    double m_y = kEventsBottom + 8;
    double m_resolvers_top = 0;
    int m_lanes = 0;
    std::map<std::pair<std::string, scenario::Query>, double> m_lane_y;
};

// ---- across the lanes -------------------------------------------------------------------

std::string svg_start(const scenario::Scenario& sc, double height)
{
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
    return svg;
}

// The axis: offsets and dates at regular steps, with grid lines down to the last lane.
std::string axis(const scenario::Scenario& sc, const Timeline& tl, Seconds end, double lanes_bottom)
{
    std::string svg;
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
                           x, kAxisBottom, lanes_bottom, anchor, format_offset(t), date);
    }
    svg += fmt::format("<text class=\"axis-date\" x=\"12\" y=\"22\">virtual time</text>"
                       "<text class=\"axis-date\" x=\"12\" y=\"46\">UTC</text>"
                       "<text class=\"section\" x=\"12\" y=\"{:.1f}\">Events</text>\n",
                       kEventsTop + 26);
    return svg;
}

// Failure windows: a band across every lane, and an outline in their own lane.
std::string failure_windows_svg(const scenario::Scenario& sc, const Timeline& tl, Seconds end,
                                const std::vector<FailureWindow>& windows, const Lanes& lanes)
{
    const double top = kEventsBottom + 4, bottom = lanes.y();
    std::string svg;
    for (const auto& w : windows) {
        const double x0 = tl.x(w.start), x1 = std::max(x0 + 3, tl.x(w.end ? *w.end : end));
        svg += fmt::format("<rect class=\"window-band\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n",
                           x0, top, x1 - x0, bottom - top);
        const auto lane = lanes.lane_of(w.resolver, w.query);
        if (!lane) continue;
        svg += fmt::format("<g class=\"hit failure-window\" tabindex=\"0\"><title>{}</title>"
                           "<rect class=\"window-outline\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/></g>\n",
                           esc(window_details(sc, w)), x0 - 2, *lane - 3, x1 - x0 + 4, kLaneHeight + 6);
    }
    return svg;
}

// Predicted windows: an outline (no fill) across the resolver lanes, beside the observed bands.
std::string predicted_outlines(const Timeline& tl, const PredictionComparison& comparison, const Lanes& lanes)
{
    std::string svg;
    for (const auto& p : comparison.predicted) {
        const double x0 = tl.x(p.from), x1 = std::max(x0 + 3, tl.x(p.until));
        svg += fmt::format("<rect class=\"predicted-outline\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                           "height=\"{:.1f}\"/>\n",
                           x0, lanes.resolvers_top(), x1 - x0, lanes.y() - lanes.resolvers_top());
    }
    return svg;
}

// Event markers: one per distinct instant of the timeline's actions and faults, numbered as in
// the events list.
std::string event_markers(const scenario::Scenario& sc, const Timeline& tl, const runner::RunRecord& record,
                          double lanes_bottom)
{
    std::vector<const runner::EventRecord*> marked;
    for (const auto& e : record.events)
        if (e.source == runner::EventRecord::Source::Timeline) marked.push_back(&e);
    std::map<long long, std::vector<std::size_t>> by_time;
    for (std::size_t n = 0; n < marked.size(); ++n) by_time[marked[n]->offset.count()].push_back(n);
    std::string svg;
    for (const auto& [t, list] : by_time) {
        const double x = tl.x(Seconds(t));
        std::string numbers, title = fmt::format("Event{} at {}", list.size() > 1 ? "s" : "", at(sc, Seconds(t)));
        for (std::size_t n : list) {
            numbers += (numbers.empty() ? "" : ",") + std::to_string(n + 1);
            title += fmt::format("\n{}: {}", n + 1, event_text(*marked[n]));
            if (!marked[n]->say.empty()) title += fmt::format("\nsay: “{}”", marked[n]->say);
        }
        const double badge = std::max(28.0, 12.0 * static_cast<double>(numbers.size()) + 14);
        svg += fmt::format(
            "<g class=\"hit event-marker\" tabindex=\"0\"><title>{0}</title>"
            "<line class=\"event-line\" x1=\"{1:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{3:.1f}\"/>"
            "<rect class=\"event-badge\" x=\"{4:.1f}\" y=\"{5:.1f}\" width=\"{6:.1f}\" height=\"28\" rx=\"14\"/>"
            "<text class=\"event-number\" x=\"{1:.1f}\" y=\"{7:.1f}\" text-anchor=\"middle\">{8}</text></g>\n",
            esc(title), x, kEventsTop + 28, lanes_bottom, x - badge / 2, kEventsTop, badge, kEventsTop + 20,
            esc(numbers));
    }
    return svg;
}

}  // namespace

std::string timeline_svg(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    Seconds end = sc.duration;
    for (const auto& o : record.observations) end = std::max(end, o.offset);
    const Timeline tl{sc, static_cast<double>(std::max<long long>(1, end.count()))};

    Lanes lanes(sc, tl, end);
    lanes.keys(key_lanes(sc, record));
    lanes.predicted(summary.comparison);
    lanes.resolvers(series_of(sc, record.observations));

    std::string svg = svg_start(sc, lanes.y() + 12);
    svg += axis(sc, tl, end, lanes.y());
    svg += lanes.svg();
    svg += failure_windows_svg(sc, tl, end, summary.windows, lanes);
    svg += predicted_outlines(tl, summary.comparison, lanes);
    svg += event_markers(sc, tl, record, lanes.y());
    return svg + "</svg>\n";
}

std::string timeline_legend(bool predicted)
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


}  // namespace rollsim::report
