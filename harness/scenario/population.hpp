// A population of caches (docs/resolvers.md, "A population of caches"): `population: N` on a
// daemon resolver stands for N daemons of its kind, the members, whose caches were filled at
// different moments. Member i first asks the probe names at its phase, i/N of the longest TTL a
// validator caches for them (scenario start + i * T / N), then again every interval on its own
// schedule: a resolver whose users come at its own moments. Members are never asked at the
// scenario's instants nor at the critical instants of a change, so that no measurement
// refreshes every cache at once (docs/scenario-format.md, "Probes that do not disturb"): what
// members answer is what caches of every phase answer.
//
// The parser expands a population into its members once the file is read (expand_populations);
// everything after it sees daemon resolvers, each with its own probe schedule (runner/probe_plan).
#pragma once

#include "core/time.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::scenario {

// The most members a population may have, and the most daemon resolvers a lab runs in all
// (each on its own 127.54.0.N address, and each a process with its own cache).
constexpr int kMostPopulationMembers = 64;
constexpr int kMostDaemonResolvers = 128;

// The TTLs a validator holds in its cache to answer the probes: every zone's DNSKEY, DS and NS
// TTLs and each probed RRset's (its zone's TTL for the query's type), ascending, without repeats.
std::vector<Seconds> relevant_ttls(const Scenario& sc);

// The interval at which members are asked: `interval` + 1 s, one more second while a TTL of
// `ttls` is a whole multiple of it, so that no cached entry runs out exactly at a member's probe
// (where the answer would depend on milliseconds).
Seconds member_period(Seconds interval, const std::vector<Seconds>& ttls);

// Member i's (0 <= i < n) first probe: `from` + i * spread / n, whole seconds.
Seconds member_phase(int i, int n, Seconds from, Seconds spread);

// "pop.01" .. "pop.20": a member's name (the dot is not allowed in a resolver's name of the file,
// so no member can take another resolver's name).
std::string member_name(const std::string& population, int i, int n);

// The population a resolver is a member of ("pop" for "pop.01"), "" for any other resolver.
std::string population_of(const std::string& resolver);

// Whether an expectation's `resolver` (empty: every resolver) applies to `resolver`: the same
// name, or the name of the population `resolver` is a member of.
bool resolver_named(const std::string& named, const std::string& resolver);

// Replaces each resolver whose population_size is N, in place, by its N members: the same kind
// and profile, named member_name(), `population` and `population_phase` set, and probes at
// phase + k * member_period() (interval: the resolver's own probes: every, else the scenario's)
// up to the duration. The scenario's duration, zones and probes are read, so call it last.
void expand_populations(Scenario& sc);

}  // namespace rollsim::scenario
