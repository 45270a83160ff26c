#include "runner/schedule.hpp"

#include "rollover/timing.hpp"
#include "scenario/names.hpp"

#include <cstdint>
#include <iterator>
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

}  // namespace

std::set<Seconds> probe_instants(const scenario::Scenario& sc, const world::World& world)
{
    std::set<Seconds> out;
    for (Seconds t{0}; t <= sc.duration; t += sc.probes.every) out.insert(t);
    std::vector<std::pair<Seconds, const scenario::ZoneSpec*>> changes;
    for (const auto& ev : sc.timeline) {
        changes.push_back({ev.at, sc.find_zone(ev.zone)});
        if (ev.until) changes.push_back({*ev.until, sc.find_zone(ev.zone)});
    }
    for (const auto& z : sc.zones)
        for (const auto& k : z.keys)
            for (const auto& when : {k.publish, k.activate, k.retire, k.remove, k.ds_add, k.ds_remove, k.revoke})
                if (when && *when > Seconds(0)) changes.push_back({*when, &z});
    std::set<std::uint32_t> probed_ttls;
    for (const auto& q : sc.probes.queries)
        if (const auto* z = world.zone_of(q.qname)) {
            const auto& ttl = z->spec->ttl;
            auto it = ttl.by_type.find(q.qtype);
            probed_ttls.insert(q.qtype == "DNSKEY" ? ttl.dnskey
                               : it != ttl.by_type.end() ? it->second
                                                         : ttl.default_ttl);
        }
    for (const auto& [at, zone] : changes) {
        if (at > Seconds(0)) out.insert(at - Seconds(1));
        out.insert(at);
        std::set<std::uint32_t> ttls = probed_ttls;
        if (zone) {
            ttls.insert(zone->ttl.dnskey);
            ttls.insert(zone->ttl.ds);
        }
        for (auto ttl : ttls) out.insert(at + Seconds(ttl) + Seconds(1));
    }
    // A daemon starting, stopping or starting again is probed then (when it runs).
    for (const auto& r : sc.resolvers) {
        if (r.start > Seconds(0)) out.insert(r.start);
        for (const auto& span : r.offline) {
            out.insert(span.from);
            out.insert(span.until);
        }
    }
    while (!out.empty() && *out.rbegin() > sc.duration) out.erase(std::prev(out.end()));
    return out;
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
