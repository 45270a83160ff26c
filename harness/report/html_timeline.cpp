#include "report/html_timeline.hpp"

#include "core/text.hpp"
#include "report/event_text.hpp"
#include "report/html_report.hpp"
#include "report/outcome_summary.hpp"
#include "report/outcome_text.hpp"
#include "report/text_width.hpp"
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
constexpr double kSectionHeight = 30;

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

// A label inside a mark (16 units, bold), only when it fits with 6 units to spare either side.
std::string inner_label(double x0, double x1, double y, const std::string& text, const char* cls)
{
    const double w = x1 - x0;
    if (w < text_width(text, 16, true) + 12) return {};
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

// `text` cut in the middle ("…") to fit in `room` at `size` (bold).
std::string fit_room(const std::string& text, double size, double room)
{
    std::string out = text;
    for (std::size_t n = display_width(text); n > 1 && text_width(out, size, true) > room; --n)
        out = fit_width(text, n - 1);
    return out;
}

// A lane's name (bold) and a note (smaller, muted) on one line within the label column: the
// name shrinks down to 13 units; then the note goes (the tooltip keeps it); then the name loses
// its middle.
std::string lane_label(double y, const std::string& text, const std::string& sub, const std::string& title)
{
    constexpr double kRoom = kPlotX - 12 - 14;
    std::string note = sub;
    double size = 18;
    auto width = [&] { return text_width(text, size, true) + (note.empty() ? 0 : text_width(" " + note, 14, false)); };
    while (size > 13 && width() > kRoom) size -= 0.5;
    if (width() > kRoom) {
        note.clear();
        size = 18;
        while (size > 13 && width() > kRoom) size -= 0.5;
    }
    std::string out = fmt::format("<text class=\"lane-label\" x=\"12\" y=\"{:.1f}\" style=\"font-size:{:.1f}px\">"
                                  "<title>{}</title>{}",
                                  y + kLaneHeight / 2 + 6, size, esc(title), esc(fit_room(text, size, kRoom)));
    if (!note.empty()) out += fmt::format("<tspan class=\"lane-sub\"> {}</tspan>", esc(note));
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
    bool warm;  // a daemon keeping its cache across probes (Observation::warm)
    scenario::Query query;
    std::vector<const Observation*> observations;
};

std::vector<Series> series_of(const scenario::Scenario& sc, const std::vector<Observation>& observations)
{
    std::vector<Series> out;
    std::map<std::pair<std::string, scenario::Query>, std::size_t> index;
    for (const auto& o : observations) {
        auto [it, fresh] = index.try_emplace({o.resolver, o.query}, out.size());
        if (fresh) out.push_back({o.resolver, o.kind, o.warm(), o.query, {}});
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

// What a series' resolver is, in a probe's details: "Unbound daemon, warm cache", "BIND named
// daemon, cache emptied before every question".
std::string resolver_words(const Series& s)
{
    if (!scenario::is_daemon(s.kind)) return "libunbound, cold at every probe";
    return fmt::format("{} daemon, {}", scenario::row_of(s.kind).program,
                       s.warm ? "warm cache" : "cache emptied before every question");
}

// The same in a lane's title: "Unbound daemon", "cold Unbound daemon", "cold libunbound".
std::string lane_words(const Series& s)
{
    if (!scenario::is_daemon(s.kind)) return "cold libunbound";
    return fmt::format("{}{} daemon", s.warm ? "" : "cold ", scenario::row_of(s.kind).program);
}

std::string observation_details(const scenario::Scenario& sc, const Series& s, const Observation& first,
                                const Observation& last, int probes)
{
    std::string t = fmt::format("{} · {}: {}\n", s.resolver, s.query.text(), outcome_label(first));
    if (probes == 1) t += fmt::format("time: {}\n", at(sc, first.offset));
    else t += fmt::format("time: {} .. {}\nprobes: {} with this result\n", at(sc, first.offset), at(sc, last.offset), probes);
    t += fmt::format("resolver: {} ({})\n", s.resolver, resolver_words(s));
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

// The steps an axis may take, shortest first.
constexpr long kSteps[] = {60,         300,        600,         1800,        3600,       7200,      3 * 3600,
                           21600,      43200,      86400,       2 * 86400,   7 * 86400,  14 * 86400, 28 * 86400,
                           56 * 86400, 91 * 86400, 182 * 86400, 364 * 86400};

// One label of the axis: the offset (bold, 18) above the date (15).
struct AxisLabel {
    Seconds t;
    double x;
    std::string offset, date;
    const char* anchor = "middle";
    double left = 0, right = 0;  // the extent of both texts
};

AxisLabel axis_label(const scenario::Scenario& sc, const Timeline& tl, Seconds t, Seconds step)
{
    AxisLabel l{t, tl.x(t), format_offset(t), {}};
    const std::string iso = format_time(sc.start + t);  // 2027-03-02T06:00:00Z
    l.date = step.count() % 86400 == 0 && (sc.start + t).time_since_epoch().count() % 86400 == 0
                 ? iso.substr(0, 10)
                 : iso.substr(5, 5) + " " + iso.substr(11, 5);
    const double w = std::max(text_width(l.offset, 18, true), text_width(l.date, 15, false));
    l.left = l.x - w / 2;
    if (t.count() == 0) l.anchor = "start", l.left = l.x;
    else if (l.x + w / 2 > kWidth - 4) l.anchor = "end", l.left = l.x - w;
    l.right = l.left + w;
    return l;
}

// Whether labels overlap, with a gap between them.
bool crowded(const std::vector<AxisLabel>& labels)
{
    constexpr double kGap = 14;
    for (std::size_t i = 1; i < labels.size(); ++i)
        if (labels[i].left < labels[i - 1].right + kGap) return true;
    return false;
}

// The labels of the axis at the shortest step (12 ticks at most) whose labels fit side by side;
// `step` is set to it.
std::vector<AxisLabel> axis_labels(const scenario::Scenario& sc, const Timeline& tl, Seconds end, Seconds& step)
{
    std::vector<AxisLabel> out;
    auto at_step = [&](Seconds s) {
        out.clear();
        for (Seconds t{0}; t <= end; t += s) out.push_back(axis_label(sc, tl, t, s));
    };
    for (long s : kSteps) {
        if (end.count() / s > 12) continue;
        step = Seconds(s);
        at_step(step);
        if (!crowded(out)) return out;
    }
    // Longer than the longest step allows: the first label and the last.
    step = Seconds(end.count() / 12 + 1);
    at_step(step);
    if (out.size() > 1) out.erase(out.begin() + 1, out.end() - 1);
    return out;
}

// ---- event badges -----------------------------------------------------------------------

// Vertical layout above the lanes: the axis labels, then rows of event badges.
constexpr double kAxisBottom = 56, kEventsTop = 62, kBadgeRow = 34, kBadgeHeight = 28;

// A badge over the event markers of one instant, or of several close together: their numbers
// in the events list, on the first of three rows where it overlaps no other badge.
struct Badge {
    double left = 0, width = 0;
    int row = 0;
    std::vector<double> xs;            // the instants' markers
    std::vector<int> numbers;          // 1-based, in order
    Seconds from{0}, until{0};         // the first instant and the last
    std::string events;                // "\n3: text" per event (its instant too when several)
    double top() const { return kEventsTop + row * kBadgeRow; }
    double centre() const { return left + width / 2; }
};

constexpr int kBadgeRows = 3;

// "1,2", "3–7,9": runs of three or more as ranges.
std::string number_list(const std::vector<int>& numbers)
{
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
        out += out.empty() ? "" : ",";
        if (j >= i + 2) out += fmt::format("{}–{}", numbers[i], numbers[j]);
        else for (std::size_t k = i; k <= j; ++k) out += (k > i ? "," : "") + std::to_string(numbers[k]);
        i = j + 1;
    }
    return out;
}

// The width a badge needs for its numbers.
double badge_width(const Badge& b) { return std::max(kBadgeHeight, text_width(number_list(b.numbers), 17, true) + 16); }

// The details a badge's tooltip gives: when, then each event.
std::string badge_title(const scenario::Scenario& sc, const Badge& b)
{
    if (b.from == b.until)
        return fmt::format("Event{} at {}{}", b.numbers.size() > 1 ? "s" : "", at(sc, b.from), b.events);
    return fmt::format("Events from {} until {}{}", at(sc, b.from), at(sc, b.until), b.events);
}

// The badges, left to right; an instant whose badge would overlap one in every row joins the
// badge before it, which grows to the right.
std::vector<Badge> event_badges(const Timeline& tl, const runner::RunRecord& record)
{
    std::map<long long, std::vector<std::pair<int, const runner::EventRecord*>>> by_time;
    int number = 0;
    for (const auto& e : record.events)
        if (e.source == runner::EventRecord::Source::Timeline) by_time[e.offset.count()].emplace_back(++number, &e);
    std::vector<Badge> out;
    std::vector<double> row_end;  // the right edge of each row's last badge
    for (const auto& [t, list] : by_time) {
        Badge b;
        b.xs = {tl.x(Seconds(t))};
        b.from = b.until = Seconds(t);
        for (const auto& [n, e] : list) {
            b.numbers.push_back(n);
            b.events += fmt::format("\n{}: {}", n, event_text(*e));
            if (!e->say.empty()) b.events += fmt::format("\nsay: “{}”", e->say);
        }
        b.width = badge_width(b);
        b.left = b.xs.front() - b.width / 2;
        while (b.row < static_cast<int>(row_end.size()) && row_end[b.row] + 4 > b.left) ++b.row;
        if (b.row == kBadgeRows) {
            Badge& last = out.back();
            last.xs.push_back(b.xs.front());
            last.numbers.insert(last.numbers.end(), b.numbers.begin(), b.numbers.end());
            last.until = b.until;
            last.events += b.events;
            last.width = std::max({last.width, badge_width(last), b.xs.front() + kBadgeHeight / 2 - last.left});
            row_end[last.row] = last.left + last.width;
            continue;
        }
        if (b.row == static_cast<int>(row_end.size())) row_end.push_back(0);
        row_end[b.row] = b.left + b.width;
        out.push_back(std::move(b));
    }
    return out;
}

// Where the lanes start: below the axis, and below the badges when there are some.
double lanes_top(const std::vector<Badge>& badges)
{
    int rows = 0;
    for (const auto& b : badges) rows = std::max(rows, b.row + 1);
    return rows == 0 ? kAxisBottom + 8 : kEventsTop + (rows - 1) * kBadgeRow + kBadgeHeight + 14;
}

// ---- the lanes --------------------------------------------------------------------------

// The lanes, top to bottom; y() is where the next one goes. Their grey backgrounds are apart
// (background_svg()), to go under everything else.
class Lanes {
public:
    Lanes(const scenario::Scenario& sc, const Timeline& tl, Seconds end, double top)
        : m_sc(sc), m_tl(tl), m_end(end), m_y(top)
    {
    }

    const std::string& svg() const { return m_svg; }
    const std::string& background_svg() const { return m_background; }
    double y() const { return m_y; }
    double resolvers_top() const { return m_resolvers_top; }
    std::optional<double> lane_of(const std::string& resolver, const scenario::Query& query) const
    {
        auto it = m_lane_y.find({resolver, query});
        return it == m_lane_y.end() ? std::nullopt : std::optional<double>(it->second);
    }

    // The quiet ancestors' keys in one lane, then a lane per key (and per DS) of the other zones.
    void keys(const std::vector<KeyLane>& keys, const std::vector<std::string>& quiet)
    {
        if (!keys.empty()) section("Keys");
        auto is_quiet = [&](const KeyLane& k) { return std::find(quiet.begin(), quiet.end(), k.zone) != quiet.end(); };
        std::vector<const KeyLane*> folded;
        for (const auto& k : keys)
            if (is_quiet(k)) folded.push_back(&k);
        if (!folded.empty()) quiet_lane(quiet, folded);
        for (const auto& k : keys)
            if (!is_quiet(k)) key_lanes_of(k);
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

    // One lane per monitor (docs/monitoring.md): its status from each change to the next.
    void monitors(const std::vector<MonitorSummary>& monitors)
    {
        if (monitors.empty()) return;
        section("Monitors");
        for (const auto& m : monitors) {
            background();
            m_svg += fmt::format("<g class=\"lane monitor-lane\" data-lane=\"monitor {}\">\n", esc(m.name));
            m_svg += lane_label(m_y, m.name, m.kind, fmt::format("monitor {} ({}): its status at each check", m.name, m.kind));
            for (std::size_t i = 0; i < m.states.size(); ++i) {
                const auto& st = m.states[i];
                const Seconds until = i + 1 < m.states.size() ? m.states[i + 1].offset : m_end;
                const std::string status(monitor::to_string(st.status));
                m_svg += hit_rect(m_tl.x(st.offset), m_tl.x(until), m_y, kLaneHeight, "m-" + to_lower(status),
                                  fmt::format("{}: {}\nfrom: {}\nuntil: {}\n{}", m.name, status, at(m_sc, st.offset),
                                              until >= m_end ? std::string("the end") : at(m_sc, until), st.line),
                                  status, st.status == monitor::Status::Critical ? "on-dark" : "on-light");
            }
            m_svg += "</g>\n";
            m_y += kLaneHeight + kLaneGap;
        }
    }

    // `kinds` empty: one section. Otherwise (several daemon kinds, report/kind_differences.hpp)
    // the lanes grouped by kind, in that order, each group under a rule and its lanes naming the
    // kind: grouped without a heading per kind, so the failure windows stay on the first screen.
    void resolvers(const std::vector<Series>& series, const std::vector<scenario::ResolverKind>& kinds)
    {
        m_resolvers_top = m_y;
        if (series.empty()) return;
        if (kinds.empty()) {
            section("Resolvers × queries: probe results");
            for (const auto& s : series) resolver_lane(s, "");
            return;
        }
        section("Resolvers × queries by kind: probe results");
        for (std::size_t i = 0; i < kinds.size(); ++i) {
            const std::string name(scenario::to_string(kinds[i]));
            m_svg += fmt::format("<g class=\"kind-group\" data-kind=\"{}\">\n", esc(name));
            if (i > 0)
                m_svg += fmt::format("<line class=\"kind-rule\" x1=\"0\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n", kWidth,
                                     m_y - kLaneGap / 2, m_y - kLaneGap / 2);
            for (const auto& s : series)
                if (s.kind == kinds[i]) resolver_lane(s, name);
            m_svg += "</g>\n";
        }
    }

private:
    void section(const std::string& title)
    {
        m_svg += fmt::format("<text class=\"section\" x=\"12\" y=\"{:.1f}\">{}</text>\n", m_y + 24, esc(title));
        m_y += kSectionHeight;
    }

    // Every other lane on a grey band.
    void background()
    {
        if (m_lanes++ % 2 == 0)
            m_background += fmt::format("<rect class=\"lane-bg\" x=\"0\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\"/>\n",
                                        m_y - kLaneGap / 2, kWidth, kLaneHeight + kLaneGap);
    }

    // A key's lane, and its DS's when it is a KSK or CSK or ever had one.
    void key_lanes_of(const KeyLane& k)
    {
        const std::string role = upper(k.role);
        const std::string ident = fmt::format("{} {} ({}, tag {}, algorithm {})", k.zone, k.key, role, k.keytag,
                                              k.algorithm);
        const auto* zone = m_sc.find_zone(k.zone);
        const bool operator_zone = zone && !zone->implicit;
        segment_lane("key-lane", operator_zone, k.zone + " " + k.key, fmt::format("{} {}", k.zone, k.key),
                     fmt::format("{} {}", role, k.keytag), ident, ident, key_segments(k, m_end));
        bool has_ds = k.role != "zsk";
        for (const auto& c : k.changes) has_ds = has_ds || c.ds_at_parent;
        if (!has_ds) return;
        segment_lane("ds-lane", operator_zone, k.zone + " " + k.key + " DS", "DS of " + k.key,
                     fmt::format("at the parent of {}", k.zone), "DS record for " + ident + " in the parent zone",
                     "DS of " + ident, ds_segments(k, m_end));
    }

    // The zones the lab added above the scenario's own, to which nothing happened: one lane, one
    // mark over the whole run, every key in its tooltip.
    void quiet_lane(const std::vector<std::string>& zones, const std::vector<const KeyLane*>& keys)
    {
        background();
        const std::string names = join(zones, ", ");
        std::string title = fmt::format("Zones the lab added above the scenario's: {}\nchanges: none during the run", names);
        bool all_signing = true;
        for (const auto* k : keys) {
            const auto& c = k->changes.front();
            all_signing = all_signing && c.published && c.active;
            title += fmt::format("\n{} {}: {} {}, {}{}", k->zone, k->key, upper(k->role), k->keytag,
                                 c.published && c.active ? "signing" : c.published ? "published" : "not published",
                                 c.ds_at_parent ? (k->zone == "." ? ", trust anchor" : ", DS at the parent") : "");
        }
        const std::string label = fmt::format("{} keys{}, unchanged", keys.size(), all_signing ? " signing" : "");
        m_svg += "<g class=\"lane quiet-lane\" data-lane=\"quiet ancestors\">\n";
        m_svg += lane_label(m_y, names, "added by rollsim", title);
        m_svg += hit_rect(m_tl.x(Seconds(0)), m_tl.x(m_end), m_y, kLaneHeight,
                          all_signing ? "k-active" : "k-published", title, label, all_signing ? "on-dark" : "on-light");
        m_svg += "</g>\n";
        m_y += kLaneHeight + kLaneGap;
    }

    // A key's or a DS's lane: its states as marks on a dashed baseline. The lanes of the
    // scenario's own zones (not implicit ancestors) carry data-operator.
    void segment_lane(const char* cls, bool operator_zone, const std::string& data_lane, const std::string& name,
                      const std::string& sub, const std::string& label_title, const std::string& subject,
                      const std::vector<Segment>& segments)
    {
        background();
        m_svg += fmt::format("<g class=\"lane {}\" data-lane=\"{}\"{}>\n", cls, esc(data_lane),
                             operator_zone ? " data-operator=\"true\"" : "");
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
    void resolver_lane(const Series& s, const std::string& kind)
    {
        background();
        m_lane_y[{s.resolver, s.query}] = m_y;
        m_svg += fmt::format("<g class=\"lane resolver-lane\" data-lane=\"{}\">\n",
                             esc(s.resolver + " " + s.query.text()));
        m_svg += lane_label(m_y, s.resolver + ": " + s.query.text(), kind,
                            fmt::format("{} ({}) asked {}", s.resolver, lane_words(s), s.query.text()));
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
    std::string m_svg, m_background;
    double m_y;
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
    Seconds step{1};
    const auto labels = axis_labels(sc, tl, end, step);
    std::string svg;
    for (Seconds t{0}; t <= end; t += step)
        svg += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>\n", tl.x(t),
                           kAxisBottom, lanes_bottom);
    for (const auto& l : labels)
        svg += fmt::format("<text class=\"axis\" x=\"{0:.1f}\" y=\"22\" text-anchor=\"{1}\">{2}</text>"
                           "<text class=\"axis-date\" x=\"{0:.1f}\" y=\"46\" text-anchor=\"{1}\">{3}</text>\n",
                           l.x, l.anchor, l.offset, l.date);
    svg += "<text class=\"axis-date\" x=\"12\" y=\"22\">virtual time</text>"
           "<text class=\"axis-date\" x=\"12\" y=\"46\">UTC</text>\n";
    return svg;
}

// Failure windows: a tinted band across the lanes, drawn under them (the marks keep their
// colours; the band shows between them and where a lane is empty). Windows that overlap share
// one band, so that the tint is the same however many failed.
std::string failure_bands(const Timeline& tl, Seconds end, const std::vector<FailureWindow>& windows, double top,
                          double bottom)
{
    std::vector<std::pair<double, double>> bands;  // windows are ordered by start
    for (const auto& w : windows) {
        const double x0 = tl.x(w.start), x1 = std::max(x0 + 3, tl.x(w.end ? *w.end : end));
        if (!bands.empty() && x0 <= bands.back().second) bands.back().second = std::max(bands.back().second, x1);
        else bands.emplace_back(x0, x1);
    }
    std::string svg;
    for (const auto& [x0, x1] : bands)
        svg += fmt::format("<rect class=\"window-band\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n",
                           x0, top, x1 - x0, bottom - top);
    return svg;
}

// Failure windows: an outline around each in its own lane, over the marks.
std::string failure_outlines(const scenario::Scenario& sc, const Timeline& tl, Seconds end,
                             const std::vector<FailureWindow>& windows, const Lanes& lanes)
{
    std::string svg;
    for (const auto& w : windows) {
        const auto lane = lanes.lane_of(w.resolver, w.query);
        if (!lane) continue;
        const double x0 = tl.x(w.start), x1 = std::max(x0 + 3, tl.x(w.end ? *w.end : end));
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

// Event markers: a dashed line down to the last lane at each instant of the timeline's actions
// and faults, under a badge with their numbers in the events list.
std::string event_markers(const scenario::Scenario& sc, const std::vector<Badge>& badges, double lanes_bottom)
{
    std::string svg;
    if (!badges.empty())
        svg += fmt::format("<text class=\"section\" x=\"12\" y=\"{:.1f}\">Events</text>\n", kEventsTop + 21);
    for (const auto& b : badges) {
        svg += fmt::format("<g class=\"hit event-marker\" tabindex=\"0\"><title>{}</title>", esc(badge_title(sc, b)));
        for (double x : b.xs)
            svg += fmt::format("<line class=\"event-line\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>", x,
                               b.top() + kBadgeHeight, lanes_bottom);
        svg += fmt::format(
            "<rect class=\"event-badge\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.0f}\" rx=\"14\"/>"
            "<text class=\"event-number\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text></g>\n",
            b.left, b.top(), b.width, kBadgeHeight, b.centre(), b.top() + 20, esc(number_list(b.numbers)));
    }
    return svg;
}

}  // namespace

std::string timeline_svg(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    Seconds end = sc.duration;
    for (const auto& o : record.observations) end = std::max(end, o.offset);
    const Timeline tl{sc, static_cast<double>(std::max<long long>(1, end.count()))};

    const auto badges = event_badges(tl, record);
    const double top = lanes_top(badges);
    Lanes lanes(sc, tl, end, top);
    lanes.keys(key_lanes(sc, record), summary.quiet_ancestors);
    lanes.predicted(summary.comparison);
    lanes.monitors(summary.monitors);
    auto series = series_of(sc, record.observations);
    // A large run (report/zone_summary.hpp) draws only the lanes of queries that failed somewhere:
    // a portfolio's thousand healthy names would bury them.
    if (summary.zones.large)
        std::erase_if(series, [&](const Series& s) {
            return std::none_of(summary.windows.begin(), summary.windows.end(),
                                [&](const FailureWindow& w) { return w.query == s.query; });
        });
    lanes.resolvers(std::move(series), summary.kinds.kinds);

    // Bottom to top: lane backgrounds, grid and axis, failure bands, the lanes' marks, outlines,
    // event markers.
    std::string svg = svg_start(sc, lanes.y() + 12);
    svg += lanes.background_svg();
    svg += axis(sc, tl, end, lanes.y());
    svg += failure_bands(tl, end, summary.windows, top - 4, lanes.y());
    svg += lanes.svg();
    svg += failure_outlines(sc, tl, end, summary.windows, lanes);
    svg += predicted_outlines(tl, summary.comparison, lanes);
    svg += event_markers(sc, badges, lanes.y());
    return svg + "</svg>\n";
}

std::string timeline_legend(bool predicted, bool monitors)
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
    if (monitors)
        out += "<li><span class=\"swatch\" style=\"background:var(--secure)\"></span><span class=\"swatch\" "
               "style=\"background:var(--retired)\"></span><span class=\"swatch\" style=\"background:var(--fail)\">"
               "</span><span class=\"swatch\" style=\"background:var(--none)\"></span>monitor OK, WARNING, CRITICAL, "
               "UNKNOWN</li>\n";
    out += "<li><span class=\"swatch\" style=\"border-radius:9px\"></span>numbered event (action or fault)</li>\n";
    return out + "</ul>\n";
}


}  // namespace rollsim::report
