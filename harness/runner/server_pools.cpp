#include "runner/server_pools.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

namespace rollsim::runner {

ServerPools::ServerPools(const world::World& world, const lab::Tools& tools, std::filesystem::path lab_dir)
    : m_world(&world), m_tools(tools), m_lab_dir(std::move(lab_dir))
{
}

void ServerPools::add_zone(int pool, int server, lab::ZoneVersion version, bool down)
{
    m_initial[{pool, server}].push_back(std::move(version));
    m_down_at_start[{pool, server}] = down;
}

void ServerPools::start()
{
    const auto& pools = m_world->scenario().pools;
    for (auto& [key, versions] : m_initial) {
        const auto [pool, s] = key;
        const auto dir = m_lab_dir / fmt::format("nsd-pool-{}-ns{}", pools.at(std::size_t(pool)).name, s + 1);
        auto nsd = std::make_unique<lab::NsdServer>(m_tools, dir, world::pool_server_address(std::size_t(pool), s),
                                                    std::move(versions));
        if (m_down_at_start[key]) nsd->stop();
        m_servers.emplace(key, std::move(nsd));
    }
    m_initial.clear();
}

lab::NsdServer& ServerPools::server(int pool, int server)
{
    const auto it = m_servers.find({pool, server});
    if (it == m_servers.end()) throw LabError(fmt::format("server pool {} has no server ns{} running", pool, server + 1));
    return *it->second;
}

void ServerPools::stage(int pool, int server, lab::ZoneVersion version)
{
    m_staged[{pool, server}].push_back(std::move(version));
}

void ServerPools::flush()
{
    for (auto& [key, versions] : m_staged) server(key.first, key.second).publish(versions);
    m_staged.clear();
}

}  // namespace rollsim::runner
