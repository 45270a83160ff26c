// Server pools (scenario/parser.hpp): `server-pools:`, a provider's shared name servers, and a
// zone's `servers:`, a count of servers of its own or the name of the pool that serves it.
#include "scenario/parser.hpp"

namespace rollsim::scenario::detail {

// server-pools: { provider: 2, other: { servers: 3 } }
void Parser::parse_pools(const Field* f)
{
    if (!f) return;
    if (!f->value.IsMap())
        fail(loc(*f), fmt::format("server-pools must be a map of pool names to their number of servers, such as "
                                  "'server-pools: {{ provider: 2 }}', not {}", describe(f->value)));
    for (const Field& p : entries(f->value, "server-pools", loc(*f))) {
        ServerPool pool;
        pool.name = p.name;
        pool.loc = key_loc(p);
        if (pool.name.empty() || pool.name.find_first_of(" \t.") != std::string::npos)
            fail(pool.loc, fmt::format("bad pool name '{}'; name a pool with a word such as 'provider'", p.name));
        if (m_scenario.find_pool(pool.name))
            fail(pool.loc, fmt::format("server pool '{}' is listed twice; merge the two", pool.name));
        Field count{"servers", p.key, p.value};  // errors name the count "servers", as written in a map
        if (p.value.IsMap()) {
            const Fields of_pool = fields(p.value, "server pool " + pool.name, loc(p), kPoolFields);
            const Field* servers = of_pool.find("servers");
            if (!servers) missing(loc(p), "servers", "server pool " + pool.name, "servers: 2");
            count = *servers;
        }
        pool.servers = int(integer(count, 1, kMaxServers));
        m_scenario.pools.push_back(std::move(pool));
    }
}

// A zone's servers: a count (servers of its own) or a pool's name (the pool's servers).
void Parser::parse_zone_servers(const Field& f, ZoneSpec& zone) const
{
    const std::string text = f.value.IsScalar() ? f.value.Scalar() : "";
    if (!text.empty() && !parse_integer(text)) {
        const ServerPool* pool = m_scenario.find_pool(text);
        if (!pool) {
            std::vector<std::string> names;
            for (const auto& p : m_scenario.pools) names.push_back(p.name);
            if (names.empty())
                fail(loc(f), fmt::format("servers: '{}' names a server pool, but the scenario has no server-pools:; "
                                         "define it (server-pools: {{ {}: 2 }}) or give a number of servers",
                                         text, text));
            fail(loc(f), fmt::format("server pool '{}' is not defined under server-pools:{}", text,
                                     suggest(text, names)));
        }
        if (zone.name == ".")
            fail(loc(f), "the lab plays the root with servers of its own; remove servers: from the root or give a "
                         "number");
        zone.pool = pool->name;
        zone.servers = pool->servers;
        return;
    }
    zone.servers = int(integer(f, 1, kMaxServers));
}

// After the zones: every pool serves a zone, and a pool's zones are signed by rollsim (an
// operator's signer feeds servers of the zone's own as a hidden primary, lab/signer.hpp).
void Parser::check_pools() const
{
    for (const auto& pool : m_scenario.pools) {
        bool used = false;
        for (const auto& zone : m_scenario.zones) used = used || zone.pool == pool.name;
        if (!used)
            fail(pool.loc, fmt::format("server pool '{}' serves no zone; give a zone 'servers: {}' or remove the pool",
                                       pool.name, pool.name));
    }
    for (const auto& zone : m_scenario.zones)
        if (!zone.pool.empty() && zone.signer.kind != SignerKind::Rollsim)
            fail(zone.signer.loc, fmt::format("zone {} is on server pool '{}', whose servers load zone files, and "
                                              "its signer: {} needs servers of the zone's own to feed as a hidden "
                                              "primary; remove signer: or give the zone a number of servers",
                                              zone.name, zone.pool, to_string(zone.signer.kind)));
}

}  // namespace rollsim::scenario::detail
