// Which resolver a run asks at which instant. Resolvers that follow the scenario's schedule
// (the default) are asked at its regular interval, at its chosen instants (probes.at) and at
// the critical instants of every change (runner/schedule.hpp): dense probing that finds the
// edges of a failure window. A resolver with a schedule of its own (its `probes:`) is asked
// only at its own instants, so no probe refreshes its cache just before a change: what it
// answers is what a user's resolver that asked only then would answer (docs/scenario-format.md
// "Probes that do not disturb").
#pragma once

#include "core/time.hpp"
#include "scenario/model.hpp"
#include "world/world.hpp"

#include <map>
#include <set>
#include <string>

namespace rollsim::runner {

class ProbePlan {
public:
    ProbePlan() = default;
    ProbePlan(const scenario::Scenario& sc, const world::World& world);

    // Every instant at which some resolver is asked.
    const std::set<Seconds>& instants() const { return m_all; }
    // Whether `resolver` is asked at t (by its own schedule, or by the scenario's).
    bool asks(const scenario::ResolverSpec& resolver, Seconds t) const;
    // Whether `resolver` is asked `query` at t: as asks(resolver, t), except at the critical
    // instants of `probes: { critical: zone }`, which ask only the names at or below the zones
    // that change then.
    bool asks(const scenario::ResolverSpec& resolver, const scenario::Query& query, Seconds t) const;

private:
    std::set<Seconds> m_shared;                      // the scenario's schedule, critical instants included
    std::map<Seconds, std::set<std::string>> m_focused;  // critical: zone -> the changed zones at t
    std::map<std::string, std::set<Seconds>> m_own;  // resolver name -> its own instants
    std::set<Seconds> m_all;
};

// A resolver's own instants: every `every` from +0, and each of `at`, none after `duration`.
std::set<Seconds> own_probe_instants(const scenario::ResolverProbes& probes, Seconds duration);

}  // namespace rollsim::runner
