#include "runner/probe_plan.hpp"

#include "dns/names.hpp"
#include "runner/schedule.hpp"

#include <utility>

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
    ScheduledProbes scheduled = scheduled_probes(sc, world);
    m_shared = std::move(scheduled.every_name);
    m_focused = std::move(scheduled.zones);
    for (const Seconds t : sc.probes.at)
        if (t <= sc.duration) m_shared.insert(t);
    m_all.insert(m_shared.begin(), m_shared.end());
    for (const auto& entry : m_focused) m_all.insert(entry.first);
}

bool ProbePlan::asks(const scenario::ResolverSpec& resolver, Seconds t) const
{
    if (auto it = m_own.find(resolver.name); it != m_own.end()) return it->second.count(t) > 0;
    return m_shared.count(t) > 0 || m_focused.count(t) > 0;
}

bool ProbePlan::asks(const scenario::ResolverSpec& resolver, const scenario::Query& query, Seconds t) const
{
    if (m_own.count(resolver.name) || m_shared.count(t)) return asks(resolver, t);
    const auto it = m_focused.find(t);
    if (it == m_focused.end()) return false;
    for (const auto& zone : it->second)
        if (dns::is_at_or_below(query.qname, zone)) return true;
    return false;
}

}  // namespace rollsim::runner
