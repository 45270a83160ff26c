#include "scenario/population.hpp"

#include "dns/names.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace rollsim::scenario {

std::vector<Seconds> relevant_ttls(const Scenario& sc)
{
    std::set<Seconds> ttls;
    for (const auto& z : sc.zones)
        for (const std::uint32_t ttl : {z.ttl.dnskey, z.ttl.ds, z.ttl.ns}) ttls.insert(Seconds(ttl));
    for (const auto& q : sc.probes.queries)
        if (const ZoneSpec* z = sc.zone_holding(q.qname)) {
            const auto it = z->ttl.by_type.find(q.qtype);
            ttls.insert(Seconds(it != z->ttl.by_type.end() ? it->second : z->ttl.default_ttl));
        }
    ttls.erase(Seconds(0));
    return {ttls.begin(), ttls.end()};
}

Seconds member_period(Seconds interval, const std::vector<Seconds>& ttls)
{
    Seconds period = interval + Seconds(1);
    auto divides_a_ttl = [&] {
        return std::any_of(ttls.begin(), ttls.end(), [&](Seconds ttl) { return ttl.count() % period.count() == 0; });
    };
    while (divides_a_ttl()) period += Seconds(1);
    return period;
}

Seconds member_phase(int i, int n, Seconds from, Seconds spread)
{
    return from + Seconds(spread.count() * i / n);
}

std::string member_name(const std::string& population, int i, int n)
{
    const int digits = n >= 10 ? 2 : 1;
    return fmt::format("{}.{:0{}}", population, i + 1, digits);
}

std::string population_of(const std::string& resolver)
{
    const auto dot = resolver.find('.');
    return dot == std::string::npos ? std::string() : resolver.substr(0, dot);
}

bool resolver_named(const std::string& named, const std::string& resolver)
{
    return named.empty() || named == resolver || named == population_of(resolver);
}

void expand_populations(Scenario& sc)
{
    const std::vector<Seconds> ttls = relevant_ttls(sc);
    const Seconds longest = ttls.empty() ? Seconds(0) : ttls.back();
    std::vector<ResolverSpec> out;
    for (const auto& r : sc.resolvers) {
        if (r.population_size == 0) {
            out.push_back(r);
            continue;
        }
        const Seconds interval = r.probes && r.probes->every ? *r.probes->every : sc.probes.every;
        const Seconds period = member_period(interval, ttls);
        // A phase beyond the end would be a member never asked.
        const Seconds spread = std::min(longest, sc.duration - r.start);
        for (int i = 0; i < r.population_size; ++i) {
            ResolverSpec member = r;
            member.name = member_name(r.name, i, r.population_size);
            member.population = r.name;
            member.population_phase = member_phase(i, r.population_size, r.start, spread);
            ResolverProbes own;
            for (Seconds t = member.population_phase; t <= sc.duration; t += period) own.at.push_back(t);
            member.probes = std::move(own);
            out.push_back(std::move(member));
        }
    }
    sc.resolvers = std::move(out);
}

}  // namespace rollsim::scenario
