// One zone of a run on its way to the lab: its signer's versions and its NSD servers. The
// signer signs a new version when the signing inputs change or the signatures reach refresh
// age (while it runs); each server then gets what the world says it serves (world::ServerMode:
// the current version, the zone unsigned, the version it had, or nothing while it is down).
// With `re-sign: incremental` a version re-signs only the RRsets that changed or fell due, and
// the signatures fall due RRset by RRset (dnssec/incremental.hpp).
#pragma once

#include "core/time.hpp"
#include "dnssec/incremental.hpp"
#include "lab/nsd.hpp"
#include "lab/tools.hpp"
#include "runner/event.hpp"
#include "runner/server_pools.hpp"
#include "world/world.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::runner {

class ZonePublisher {
public:
    // Signs the zone as of +0 and starts its servers (each in lab_dir/nsd-ZONE-SERVER), serving
    // what the world says at +0; a zone of a server pool adds its first version to `pools`
    // instead, which starts the pool's servers. `world`, `zone` and `pools` outlive the
    // publisher. Throws LabError when a server cannot start.
    ZonePublisher(const world::World& world, const world::ZoneRuntime& zone, TimePoint start,
                  const lab::Tools& tools, const std::filesystem::path& lab_dir, ServerPools& pools);

    // The zone at offset t: signs if due, stops, starts and publishes to the servers as their
    // modes say (serial confirmed), and appends what happened to `events`. Returns true when
    // a new version reached at least one server. A pool zone's versions are staged in the
    // pools: they reach the servers at ServerPools::flush().
    bool publish(Seconds t, std::vector<EventRecord>& events);

    // When the signer re-signs on its own next (signatures at refresh age, RFC 7583 Dsgn), no
    // earlier than t + 1 s; nullopt while the signer is stopped at t.
    std::optional<Seconds> next_refresh(Seconds t) const;

    // The NSD servers of the zone's own (none for a pool zone).
    std::size_t servers() const { return m_zone->pool < 0 ? m_servers.size() : 0; }

private:
    // One NSD server of the zone and what it serves.
    struct Server {
        std::unique_ptr<lab::NsdServer> nsd;  // the zone's own; null for a pool zone
        std::string text;  // the zone file it was last given
        bool down = false;
    };

    // The NSD of server s: its own, or its pool's.
    lab::NsdServer& nsd(std::size_t s);
    void send(std::size_t s, const std::string& text);
    bool publish_now(Seconds t, std::vector<EventRecord>& events);
    bool sign_if_due(Seconds t);
    // Whether signatures reached refresh age at t (all of them, or with incremental re-signing
    // the first RRset's).
    bool refresh_due(Seconds t) const;
    std::optional<std::string> wanted_text(std::size_t server, world::ServerMode mode, Seconds t) const;

    const world::World* m_world;
    const world::ZoneRuntime* m_zone;
    ServerPools* m_pools;
    TimePoint m_start;
    std::vector<Server> m_servers;
    std::uint32_t m_serial = 0;
    std::optional<Seconds> m_signed_at;
    std::string m_fingerprint;         // the signing inputs of the last version, times aside
    std::vector<std::string> m_texts;  // signed text per server
    // re-sign: incremental: a signer per server, and when the first RRset of the last version
    // falls due.
    std::vector<dnssec::IncrementalSigner> m_signers;
    std::optional<Seconds> m_next_due;
    // Until when nothing the zone's servers serve can change (world::World::next_change and the
    // signer's refresh), as known at world revision m_quiet_revision: publish skips the zone
    // before then, so that a stop costs nothing for the zones it does not concern.
    std::optional<Seconds> m_quiet_until;
    std::size_t m_quiet_revision = 0;
};

}  // namespace rollsim::runner
