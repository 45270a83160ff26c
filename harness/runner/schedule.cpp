#include "runner/schedule.hpp"

#include "dns/names.hpp"
#include "rollover/timing.hpp"
#include "scenario/names.hpp"

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace rollsim::runner {

namespace {

// The RFC 5011 probe interval of the root's anchor (RFC 5011 2.3), as short as Unbound
// computes it: with the root's DNSKEY signatures closest to expiry (validity - refresh).
Seconds rfc5011_wake_interval(const scenario::Scenario& sc)
{
    const auto& root = sc.zones.front();
    return rollover::rfc5011_query_interval(Seconds(root.ttl.dnskey),
                                            root.signing.validity - root.signing.refresh);
}

// Every change of the scenario: a timeline event (and its end), a key time; with its zone
// (nullptr when the event names none the scenario knows).
std::vector<std::pair<Seconds, const scenario::ZoneSpec*>> changes(const scenario::Scenario& sc)
{
    std::vector<std::pair<Seconds, const scenario::ZoneSpec*>> out;
    for (const auto& ev : sc.timeline) {
        out.push_back({ev.at, sc.find_zone(ev.zone)});
        if (ev.until) out.push_back({*ev.until, sc.find_zone(ev.zone)});
    }
    for (const auto& z : sc.zones)
        for (const auto& k : z.keys)
            for (const auto& when : {k.publish, k.activate, k.retire, k.remove, k.ds_add, k.ds_remove, k.revoke})
                if (when && *when > Seconds(0)) out.push_back({*when, &z});
    return out;
}

// The TTLs of the probed RRsets whose names are at or below `below`, as their zones serve them.
std::set<std::uint32_t> probed_ttls(const scenario::Scenario& sc, const world::World& world, const std::string& below)
{
    std::set<std::uint32_t> out;
    for (const auto& q : sc.probes.queries) {
        if (!dns::is_at_or_below(q.qname, below)) continue;
        if (const auto* z = world.zone_of(q.qname)) {
            const auto& ttl = z->spec->ttl;
            auto it = ttl.by_type.find(q.qtype);
            out.insert(q.qtype == "DNSKEY"           ? ttl.dnskey
                       : it != ttl.by_type.end() ? it->second
                                                 : ttl.default_ttl);
        }
    }
    return out;
}

// A change's critical instants: just before it, the moment it happens, and just after each TTL
// it starts runs out, when caches turn over.
std::set<Seconds> critical_instants(Seconds at, const std::set<std::uint32_t>& ttls)
{
    std::set<Seconds> out;
    if (at > Seconds(0)) out.insert(at - Seconds(1));
    out.insert(at);
    for (auto ttl : ttls) out.insert(at + Seconds(ttl) + Seconds(1));
    return out;
}

}  // namespace

ScheduledProbes scheduled_probes(const scenario::Scenario& sc, const world::World& world)
{
    using scenario::CriticalProbes;
    ScheduledProbes out;
    for (Seconds t{0}; t <= sc.duration; t += sc.probes.every) out.every_name.insert(t);
    // A daemon starting, stopping or starting again is probed then (when it runs).
    for (const auto& r : sc.resolvers) {
        if (r.start > Seconds(0)) out.every_name.insert(r.start);
        for (const auto& span : r.offline) {
            out.every_name.insert(span.from);
            out.every_name.insert(span.until);
        }
    }
    for (const auto& [at, zone] : changes(sc)) {
        if (sc.probes.critical == CriticalProbes::None) break;
        // A change that names no zone concerns every name.
        const bool all = sc.probes.critical == CriticalProbes::All || !zone;
        const std::string below = all ? std::string(".") : zone->name;
        std::set<std::uint32_t> ttls = probed_ttls(sc, world, below);
        if (!all && ttls.empty()) continue;  // no probe name at or below the zone
        if (zone) {
            ttls.insert(zone->ttl.dnskey);
            ttls.insert(zone->ttl.ds);
        }
        for (const Seconds t : critical_instants(at, ttls)) {
            if (t > sc.duration) continue;
            if (all)
                out.every_name.insert(t);
            else
                out.zones[t].insert(zone->name);
        }
    }
    while (!out.every_name.empty() && *out.every_name.rbegin() > sc.duration)
        out.every_name.erase(std::prev(out.every_name.end()));
    return out;
}

std::set<Seconds> probe_instants(const scenario::Scenario& sc, const world::World& world)
{
    ScheduledProbes probes = scheduled_probes(sc, world);
    for (const auto& entry : probes.zones) probes.every_name.insert(entry.first);
    return probes.every_name;
}

std::set<Seconds> rfc5011_wake_instants(const scenario::Scenario& sc)
{
    std::set<Seconds> out;
    const Seconds qi = rfc5011_wake_interval(sc);
    for (const auto& r : sc.resolvers) {
        if (!is_rfc5011(r)) continue;
        std::vector<std::pair<Seconds, Seconds>> runs;  // [from, until)
        Seconds from = r.start;
        for (const auto& span : r.offline) {
            runs.push_back({from, span.from});
            from = span.until;
        }
        runs.push_back({from, sc.duration + Seconds(1)});
        for (const auto& [a, b] : runs)
            for (Seconds t = a + qi; t < b && t <= sc.duration; t += qi) out.insert(t);
    }
    return out;
}

bool is_rfc5011(const scenario::ResolverSpec& spec)
{
    // The parser allows rfc5011 only to the kinds that follow the root's key (Unbound).
    return scenario::is_daemon(spec.kind) && spec.trust_anchor == scenario::TrustAnchorMode::Rfc5011;
}

}  // namespace rollsim::runner
