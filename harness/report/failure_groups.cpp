#include "report/failure_groups.hpp"

#include "core/text.hpp"
#include "report/event_text.hpp"
#include "dns/names.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

using runner::EventRecord;

bool is_timeline(const EventRecord& e) { return std::holds_alternative<runner::TimelineEvent>(e.what); }

// An event that can open failures in `zone`: an action, fault or key change there or above.
bool affects(const EventRecord& e, const std::string& zone)
{
    const EventHeadline h = event_headline(e);
    return !h.what.empty() && dns::is_at_or_below(zone, h.zone);
}

// The events of the latest instant at or before `start` that affect `zone`: the timeline's
// actions and faults when there are some, else the key state changes.
std::optional<FailureCause> cause_of(const std::vector<EventRecord>& events, const std::string& zone, Seconds start)
{
    std::optional<Seconds> latest;
    for (const auto& e : events)
        if (e.offset <= start && affects(e, zone) && (!latest || e.offset > *latest)) latest = e.offset;
    if (!latest) return std::nullopt;
    FailureCause cause{*latest, {}};
    for (bool timeline : {true, false}) {
        for (const auto& e : events)
            if (e.offset == *latest && is_timeline(e) == timeline && affects(e, zone)) cause.events.push_back(e);
        if (!cause.events.empty()) break;
    }
    return cause;
}

template <typename T>
void add_once(std::vector<T>& items, const T& item)
{
    if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
}

void add_window(const scenario::Scenario& sc, FailureGroup& group, const FailureWindow& w)
{
    group.windows.push_back(w);
    if (group.end && (!w.end || *w.end > *group.end)) group.end = w.end;
    auto it = std::find_if(group.resolvers.begin(), group.resolvers.end(),
                           [&](const ResolverFailures& r) { return r.resolver == w.resolver; });
    if (it == group.resolvers.end()) {
        group.resolvers.push_back({w.resolver, {}, {}});
        it = std::prev(group.resolvers.end());
    }
    add_once(it->queries, w.query);
    add_once(it->outcomes, w.what);
    auto rank = [&](const ResolverFailures& r) {
        std::size_t i = 0;
        while (i < sc.resolvers.size() && sc.resolvers[i].name != r.resolver) ++i;
        return i;
    };
    std::stable_sort(group.resolvers.begin(), group.resolvers.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
}

}  // namespace

std::string zone_of(const scenario::Scenario& sc, const std::string& name)
{
    std::string best = ".";
    for (const auto& z : sc.zones)
        if (dns::is_at_or_below(name, z.name) && z.name.size() > best.size()) best = z.name;
    return best;
}

std::vector<FailureGroup> group_failures(const scenario::Scenario& sc, const std::vector<EventRecord>& events,
                                         const std::vector<FailureWindow>& windows)
{
    std::vector<FailureGroup> groups;
    for (const auto& w : windows) {
        const std::string zone = zone_of(sc, w.query.qname);
        auto cause = cause_of(events, zone, w.start);
        auto same = [&](const FailureGroup& g) {
            return g.zone == zone && g.cause.has_value() == cause.has_value() && (!cause || g.cause->at == cause->at);
        };
        auto it = std::find_if(groups.begin(), groups.end(), same);
        if (it == groups.end()) {
            groups.push_back({zone, std::move(cause), w.start, w.end, {}, {}});
            it = std::prev(groups.end());
        }
        add_window(sc, *it, w);
    }
    return groups;
}

std::string cause_text(const FailureGroup& group)
{
    if (!group.cause) return "no event";
    std::vector<std::string> what, details;
    for (const auto& e : group.cause->events) {
        const EventHeadline h = event_headline(e);
        add_once(what, h.what);
        std::string detail = h.detail;
        if (h.zone != group.zone) detail += (detail.empty() ? "" : " ") + std::string("at ") + h.zone;
        if (!detail.empty()) add_once(details, detail);
    }
    // Beyond two, the scenario's words say it better than a list of headlines.
    const std::size_t events = group.cause->events.size();
    const std::string headline = events > 2 ? fmt::format("{} events", events) : join(what, ", ");
    std::string out = fmt::format("{} at {}", headline, format_offset(group.cause->at));
    if (!details.empty()) out += " (" + join(details, "; ") + ")";
    return out;
}

std::string outcomes_text(const std::vector<std::string>& outcomes)
{
    // "SERVFAIL EDE 9" and "SERVFAIL EDE 6" share "SERVFAIL": one entry with both codes.
    std::vector<std::pair<std::string, std::vector<std::string>>> folded;
    for (const auto& o : outcomes) {
        const auto at = o.find(" EDE ");
        const std::string head = at == std::string::npos ? o : o.substr(0, at);
        auto it = std::find_if(folded.begin(), folded.end(), [&](const auto& f) {
            return f.first == head && (at == std::string::npos) == f.second.empty();
        });
        if (it == folded.end()) {
            folded.push_back({head, {}});
            it = std::prev(folded.end());
        }
        if (at != std::string::npos) add_once(it->second, o.substr(at + 5));
    }
    std::vector<std::string> parts;
    for (const auto& [head, codes] : folded)
        parts.push_back(codes.empty() ? head : head + " EDE " + join(codes, ", "));
    return join(parts, " or ");
}

std::string coverage_text(const FailureGroup& group)
{
    std::vector<std::string> parts;
    for (const auto& r : group.resolvers) {
        const std::string queries =
            r.queries.size() == 1 ? r.queries.front().text() : fmt::format("{} queries", r.queries.size());
        parts.push_back(fmt::format("{}: {} {}", r.resolver, queries, outcomes_text(r.outcomes)));
    }
    return join(parts, "; ");
}

}  // namespace rollsim::report
