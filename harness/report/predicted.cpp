#include "report/predicted.hpp"

#include "dns/names.hpp"
#include "rollover/cache_history.hpp"
#include "rollover/chain_lint.hpp"
#include "scenario/names.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace rollsim::report {

std::string to_string(PredictionMatch match)
{
    switch (match) {
    case PredictionMatch::Matched: return "matched";
    case PredictionMatch::Exceeds: return "exceeds prediction";
    case PredictionMatch::NotObserved: return "not observed";
    case PredictionMatch::NotObservable: return "not observable";
    case PredictionMatch::Unpredicted: return "unpredicted failure";
    }
    return "?";
}

bool PredictionComparison::agree() const
{
    return std::all_of(rows.begin(), rows.end(), [](const auto& r) {
        return r.match == PredictionMatch::Matched || r.match == PredictionMatch::NotObservable;
    });
}

int PredictionComparison::matched() const
{
    return static_cast<int>(
        std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.match == PredictionMatch::Matched; }));
}

PredictionComparison compare_predictions(const scenario::Scenario& sc,
                                         const std::vector<rollover::PredictedWindow>& predicted,
                                         const std::vector<FailureWindow>& windows)
{
    PredictionComparison out;
    // A window that applies to no resolver of the scenario (a root KSK roll predicts one for
    // static anchors and one for RFC 5011 resolvers) has nothing to be compared with.
    for (const auto& p : predicted) {
        auto resolvers = rollover::affected_resolvers(sc, p);
        if (resolvers.empty()) continue;
        out.predicted.push_back(p);
        out.affected.push_back(std::move(resolvers));
    }
    const Seconds g = sc.probes.every;
    const bool cold = std::any_of(out.predicted.begin(), out.predicted.end(), [](const auto& p) { return p.cold; });

    std::vector<const FailureWindow*> compared;
    for (const auto& w : windows)
        for (const auto& r : sc.resolvers)
            if (r.name == w.resolver && (scenario::is_warm(r) || cold)) compared.push_back(&w);

    auto end_of = [&](const FailureWindow& w) { return w.end ? *w.end : sc.duration; };
    auto applies = [](const std::vector<std::string>& resolvers, const FailureWindow& w) {
        return std::find(resolvers.begin(), resolvers.end(), w.resolver) != resolvers.end();
    };
    const auto& affected = out.affected;
    auto overlaps = [&](std::size_t i, const FailureWindow& w) {
        const auto& p = out.predicted[i];
        return applies(affected[i], w) && w.start < p.until + g && end_of(w) > p.from - g;
    };
    auto inside_any = [&](const FailureWindow& w) {
        for (std::size_t i = 0; i < out.predicted.size(); ++i) {
            const auto& p = out.predicted[i];
            if (applies(affected[i], w) && w.start >= p.from - g && end_of(w) <= p.until + g) return true;
        }
        return false;
    };

    for (std::size_t i = 0; i < out.predicted.size(); ++i) {
        bool seen = false;
        for (const auto* w : compared) {
            if (!overlaps(i, *w)) continue;
            seen = true;
            const auto match = inside_any(*w) ? PredictionMatch::Matched : PredictionMatch::Exceeds;
            out.rows.push_back({out.predicted[i], i, affected[i], *w, match, std::nullopt, std::nullopt});
        }
        if (!seen)
            out.rows.push_back({out.predicted[i], i, affected[i], std::nullopt, PredictionMatch::NotObserved,
                                std::nullopt, std::nullopt});
    }
    for (const auto* w : compared) {
        bool any = false;
        for (std::size_t i = 0; i < out.predicted.size(); ++i) any = any || overlaps(i, *w);
        if (!any) out.rows.push_back({std::nullopt, 0, {}, *w, PredictionMatch::Unpredicted, std::nullopt, std::nullopt});
    }
    return out;
}

namespace {

rollover::CacheProbe cache_probe(const scenario::ZoneSpec& zone, Seconds at, const scenario::Query& q)
{
    const auto it = zone.ttl.by_type.find(q.qtype);
    return {at, q.text(), Seconds(it != zone.ttl.by_type.end() ? it->second : zone.ttl.default_ttl)};
}

// What `resolver` was asked about names of `zone`, in time order.
std::vector<rollover::CacheProbe> probes_of(const scenario::Scenario& sc, const scenario::ZoneSpec& zone,
                                            const std::string& resolver,
                                            const std::vector<runner::Observation>& observations)
{
    std::vector<rollover::CacheProbe> out;
    for (const auto& o : observations)
        if (o.resolver == resolver && sc.zone_holding(o.query.qname) == &zone) out.push_back(cache_probe(zone, o.offset, o.query));
    return out;
}

// The instants the run probed (the regular ones and those around every change,
// runner/schedule.hpp), and the scenario's queries of names of `zone` (their TTLs with them).
std::vector<Seconds> probe_grid(const std::vector<runner::Observation>& observations)
{
    std::set<Seconds> instants;
    for (const auto& o : observations) instants.insert(o.offset);
    return {instants.begin(), instants.end()};
}

std::vector<rollover::CacheProbe> zone_queries(const scenario::Scenario& sc, const scenario::ZoneSpec& zone)
{
    std::vector<rollover::CacheProbe> out;
    for (const auto& q : sc.probes.queries)
        if (sc.zone_holding(q.qname) == &zone) out.push_back(cache_probe(zone, Seconds(0), q));
    return out;
}

// A NotObserved row of a warm window: exposed when some resolver's cache could have failed in
// it, else NotObservable with a start that would have seen it.
void judge_unobserved(const scenario::Scenario& sc, PredictionRow& r, const std::vector<runner::Observation>& obs)
{
    const scenario::ZoneSpec* zone = sc.find_zone(r.predicted->zone);
    if (!zone) return;
    const auto phases = rollover::play_chain(sc, *zone).phases;
    // The lab propagates at once: the spans are the TTLs alone.
    const rollover::CacheSpans ttls{Seconds(zone->ttl.ds), Seconds(zone->ttl.dnskey), Seconds(zone->ttl.negative)};
    const bool check_ds = rollover::checks_ds(sc, *zone);
    for (const auto& name : r.resolvers) {
        r.exposed = rollover::first_failing_fetch(phases, ttls, probes_of(sc, *zone, name, obs), *r.predicted, check_ds);
        if (r.exposed) return;
    }
    r.match = PredictionMatch::NotObservable;
    r.observing_start = rollover::first_observing_start(phases, ttls, zone_queries(sc, *zone), probe_grid(obs),
                                                        *r.predicted, check_ds);
}

}  // namespace

PredictionComparison compare_predictions(const scenario::Scenario& sc,
                                         const std::vector<rollover::PredictedWindow>& predicted,
                                         const std::vector<FailureWindow>& windows,
                                         const std::vector<runner::Observation>& observations)
{
    PredictionComparison out = compare_predictions(sc, predicted, windows);
    for (auto& r : out.rows)
        if (r.match == PredictionMatch::NotObserved && !r.predicted->cold && !r.predicted->anchor)
            judge_unobserved(sc, r, observations);
    return out;
}

std::string unobserved_text(const PredictionRow& r)
{
    if (r.match == PredictionMatch::NotObservable) {
        const std::string how =
            r.observing_start
                ? fmt::format("to see it, start a warm resolver at {} (`start: {}`) beside the others, ask a "
                              "population of caches (`population: 20`), or probe more often",
                              format_offset(*r.observing_start), format_offset(*r.observing_start))
                : std::string("no warm resolver started at another probe instant would see it either (a cache fetches "
                              "the DS set only when it fetches the DNSKEY set), nor would a population of caches; "
                              "probe at other instants (a shorter `every`) to look closer");
        return fmt::format("a worst case over cache phases that no probe of {} could straddle: none fetched inside "
                           "it with cached sets that fail; {}",
                           resolvers_text(r.resolvers), how);
    }
    if (r.match == PredictionMatch::NotObserved && r.exposed)
        return fmt::format("a cache of {} fetched with sets that fail at {}, yet no failure was seen",
                           resolvers_text(r.resolvers), format_offset(*r.exposed));
    return {};
}

std::string tally_text(const PredictionComparison& c)
{
    const auto n = c.rows.size();
    const auto m = static_cast<std::size_t>(c.matched());
    if (m == n) return "every pairing matched";
    const auto unobservable = std::count_if(c.rows.begin(), c.rows.end(), [](const auto& r) {
        return r.match == PredictionMatch::NotObservable;
    });
    std::string out = fmt::format("{} of {} pairings matched", m, n);
    return unobservable ? out + fmt::format(", {} not observable", unobservable) : out;
}

std::string pairing_text(Seconds probe_interval)
{
    return fmt::format("The rollover lint's predicted failure windows and the observed failure windows of the "
                       "resolvers they apply to, paired within one probe interval ({}).",
                       format_duration(probe_interval));
}

std::string span_text(Seconds from, const std::optional<Seconds>& until)
{
    return fmt::format("{} .. {}", format_offset(from), until ? format_offset(*until) : std::string("end"));
}

std::string resolvers_text(const std::vector<std::string>& resolvers)
{
    // Members of a population (scenario/population.hpp: POP.01, POP.02, ...) are counted, not
    // listed, from three on: "warm, 20 members of pop".
    auto population_of = [](const std::string& name) {
        const auto dot = name.rfind('.');
        if (dot == std::string::npos || dot + 1 == name.size() || dot == 0) return std::string();
        for (std::size_t i = dot + 1; i < name.size(); ++i)
            if (name[i] < '0' || name[i] > '9') return std::string();
        return name.substr(0, dot);
    };
    std::map<std::string, int> members;
    for (const auto& name : resolvers)
        if (const auto pop = population_of(name); !pop.empty()) ++members[pop];
    std::string out;
    std::set<std::string> counted;
    for (const auto& name : resolvers) {
        const auto pop = population_of(name);
        std::string item = name;
        if (!pop.empty() && members[pop] >= 3) {
            if (!counted.insert(pop).second) continue;
            item = fmt::format("{} members of {}", members[pop], pop);
        }
        out += (out.empty() ? "" : ", ") + item;
    }
    return out.empty() ? "no resolver" : out;
}

std::string observed_text(const std::optional<FailureWindow>& w)
{
    if (!w) return "none";
    return fmt::format("{} {} {} ({})", w->resolver, w->query.text(), span_text(w->start, w->end), w->what);
}

}  // namespace rollsim::report
