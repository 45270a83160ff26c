// When a run stops to look: the probe instants of a scenario and the instants at which its
// RFC 5011 daemons are woken. Pure functions of the scenario (and the world's zones).
#pragma once

#include "core/time.hpp"
#include "scenario/model.hpp"
#include "world/world.hpp"

#include <map>
#include <set>
#include <string>

namespace rollsim::runner {

// Probe instants: the regular interval, and the critical instants of every change: just
// before it, the moment it happens, and just after each TTL it starts runs out (the zone's
// DNSKEY and DS TTLs, and the TTL of every probed RRset), when caches turn over; and the
// instants a daemon starts, stops or starts again. None after the scenario's duration.
// With probes: { critical: zone } a change's critical instants ask only the names at or below
// its zone; with critical: none there are none. All of them: the union of scheduled_probes().
std::set<Seconds> probe_instants(const scenario::Scenario& sc, const world::World& world);

// The scenario's schedule, with which names each instant asks.
struct ScheduledProbes {
    std::set<Seconds> every_name;  // every probe name is asked
    // Critical instants of `critical: zone`: only the names at or below these zones.
    std::map<Seconds, std::set<std::string>> zones;
};
ScheduledProbes scheduled_probes(const scenario::Scenario& sc, const world::World& world);

// A warm Unbound daemon that follows the root's key by RFC 5011 (trust-anchor: rfc5011).
bool is_rfc5011(const scenario::ResolverSpec& spec);

// Instants at which RFC 5011 daemons are woken: every queryInterval of virtual time from each
// (re)start, while they run, as a real daemon's probe timer would.
std::set<Seconds> rfc5011_wake_instants(const scenario::Scenario& sc);

}  // namespace rollsim::runner
