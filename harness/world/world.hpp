// The DNS world at an instant of virtual time: the keys of every zone and their states, the
// DS sets at the parents, active faults, and the unsigned content of every zone. Pure state:
// the runner advances it through the timeline and asks what each zone should contain.
#pragma once

#include "core/time.hpp"
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"
#include "scenario/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::world {

// Where a key is in its life at an instant (RFC 7583 section 3.1, reduced to what the data
// shows: DNSKEY present, signing, DS present at the parent).
struct KeyState {
    bool published = false;
    bool active = false;
    bool ds_at_parent = false;
};

struct KeyRuntime {
    const scenario::KeySpec* spec;
    dnssec::Key key;
    // Current schedule: starts as the spec's times; timeline events overwrite them.
    std::optional<Seconds> publish, activate, retire, remove, ds_add, ds_remove;

    KeyState state(Seconds t) const;
};

struct ServerAddress {
    std::string name;     // "ns1.example.com."
    std::string address;  // "127.53.2.1"
};

struct ZoneRuntime {
    const scenario::ZoneSpec* spec;
    std::vector<KeyRuntime> keys;
    std::vector<ServerAddress> servers;
    bool signer_running = true;
};

class World {
public:
    // Generates every key of the scenario (fresh key material for each run) and assigns the
    // servers their loopback addresses: zone i, server s -> 127.53.i.(s+1).
    explicit World(const scenario::Scenario& scenario);

    // Applies, in order, every timeline event with `at` <= t not applied yet; returns them.
    std::vector<const scenario::Event*> advance_to(Seconds t);

    const std::vector<ZoneRuntime>& zones() const { return m_zones; }
    const ZoneRuntime& zone(const std::string& name) const;
    const scenario::Scenario& scenario() const { return m_scenario; }

    // The zone's unsigned content at offset t, SOA excluded (the publisher adds it with the
    // serial): apex NS and server addresses, template records, the DNSKEYs of published
    // keys, and for each child zone its NS, glue and DS records (faults applied).
    std::vector<std::string> unsigned_records(const ZoneRuntime& zone, Seconds t) const;
    std::string soa_record(const ZoneRuntime& zone, std::uint32_t serial) const;
    // Keys that sign the DNSKEY RRset / everything else at offset t.
    std::vector<const dnssec::Key*> dnskey_signers(const ZoneRuntime& zone, Seconds t) const;
    std::vector<const dnssec::Key*> zone_signers(const ZoneRuntime& zone, Seconds t) const;

    // Root hints and the trust anchor (DS of the root's KSKs/CSKs whose DS is "at the parent"
    // at the start) for every validator of the lab.
    std::string root_hints() const;
    std::string trust_anchor() const;

    // Offsets at which a fault starts or is repaired, for the runner's schedule.
    std::vector<Seconds> fault_boundaries() const;

private:
    ZoneRuntime& zone_mut(const std::string& name);
    KeyRuntime& key_mut(const std::string& zone, const std::string& key);
    bool fault_active(scenario::FaultKind kind, const std::string& zone, const std::string& key,
                      Seconds t) const;
    std::vector<std::string> delegation_records(const ZoneRuntime& child, Seconds t) const;

    const scenario::Scenario& m_scenario;
    std::vector<ZoneRuntime> m_zones;
    std::size_t m_next_event = 0;
};

// The parent of an absolute name: "www.example.com." -> "example.com.", "com." -> ".".
std::string parent_name(const std::string& name);
// True when `name` equals `zone` or lies below it.
bool is_at_or_below(const std::string& name, const std::string& zone);

}  // namespace rollsim::world
