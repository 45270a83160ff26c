// The lab's server pools (scenario `server-pools:`): one NSD per pool server, serving every
// zone of the pool from one nsd.conf on the pool's address (world::pool_server_address). The
// zones' publishers add their first versions, start() launches the servers, and at each stop
// the versions the publishers stage go out together: one reload per server, then a wait until
// each zone answers its new serial.
#pragma once

#include "lab/nsd.hpp"
#include "lab/tools.hpp"
#include "world/world.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace rollsim::runner {

class ServerPools {
public:
    // Nothing starts yet. `world` outlives this.
    ServerPools(const world::World& world, const lab::Tools& tools, std::filesystem::path lab_dir);

    // Before start(): server `server` of `pool` serves `version` of a zone from the start;
    // `down`: the server is down at +0 (server-down from +0).
    void add_zone(int pool, int server, lab::ZoneVersion version, bool down);
    // Starts every pool server on the versions added (each in lab_dir/nsd-pool-NAME-nsS) and
    // stops those down at +0. LabError when a server cannot start.
    void start();
    // The NSD of a pool server (after start()).
    lab::NsdServer& server(int pool, int server);

    // A new version of a zone for a pool server, published by flush().
    void stage(int pool, int server, lab::ZoneVersion version);
    // Publishes what was staged: per server one reload, then each zone's serial confirmed.
    void flush();

    // How many NSD servers the pools run.
    std::size_t size() const { return m_servers.size(); }

private:
    const world::World* m_world;
    lab::Tools m_tools;
    std::filesystem::path m_lab_dir;
    std::map<std::pair<int, int>, std::vector<lab::ZoneVersion>> m_initial;
    std::map<std::pair<int, int>, bool> m_down_at_start;
    std::map<std::pair<int, int>, std::unique_ptr<lab::NsdServer>> m_servers;
    std::map<std::pair<int, int>, std::vector<lab::ZoneVersion>> m_staged;
};

}  // namespace rollsim::runner
