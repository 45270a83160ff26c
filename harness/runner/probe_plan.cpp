#include "runner/probe_plan.hpp"

#include "runner/schedule.hpp"

namespace rollsim::runner {

std::set<Seconds> own_probe_instants(const scenario::ResolverProbes& probes, Seconds duration)
{
    std::set<Seconds> out;
    if (probes.every)
        for (Seconds t{0}; t <= duration; t += *probes.every) out.insert(t);
    for (const Seconds t : probes.at)
        if (t <= duration) out.insert(t);
    return out;
}

ProbePlan::ProbePlan(const scenario::Scenario& sc, const world::World& world)
{
    bool shared_used = false;
    for (const auto& r : sc.resolvers) {
        if (!r.probes) {
            shared_used = true;
            continue;
        }
        const auto& own = m_own[r.name] = own_probe_instants(*r.probes, sc.duration);
        m_all.insert(own.begin(), own.end());
    }
    if (!shared_used) return;
    m_shared = probe_instants(sc, world);
    for (const Seconds t : sc.probes.at)
        if (t <= sc.duration) m_shared.insert(t);
    m_all.insert(m_shared.begin(), m_shared.end());
}

bool ProbePlan::asks(const scenario::ResolverSpec& resolver, Seconds t) const
{
    if (auto it = m_own.find(resolver.name); it != m_own.end()) return it->second.count(t) > 0;
    return m_shared.count(t) > 0;
}

}  // namespace rollsim::runner
