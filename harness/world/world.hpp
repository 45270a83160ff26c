// The DNS world at an instant of virtual time: the keys of every zone and their states, the
// DS sets at the parents, the faults in force, and what each server of each zone should
// serve. Pure state: the runner advances it through the timeline and asks what to publish.
#pragma once

#include "core/time.hpp"
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"
#include "scenario/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rollsim::world {

// Where a key is in its life at an instant (RFC 7583 section 3.1, reduced to what the data
// shows: DNSKEY present, signing, DS present at the parent).
struct KeyState {
    bool published = false;
    bool active = false;
    bool ds_at_parent = false;
    bool revoked = false;  // published with the REVOKE bit, self-signing the DNSKEY RRset (RFC 5011)
    bool operator==(const KeyState&) const = default;
};

struct KeyRuntime {
    const scenario::KeySpec* spec;
    dnssec::Key key;
    std::optional<dnssec::Key> revoked;  // the REVOKE-flagged twin, when a fault or a revoke needs it
    // Current schedule: starts as the spec's times; timeline events overwrite them.
    std::optional<Seconds> publish, activate, retire, remove, ds_add, ds_remove, revoke;
    // CDS/CDNSKEY publication (RFC 7344), set by cds-publish / cds-remove actions.
    std::optional<Seconds> cds_publish, cds_remove;

    KeyState state(Seconds t) const;  // by schedule alone, faults not applied
    bool cds_listed(Seconds t) const;  // in the child's CDS/CDNSKEY RRsets at t (schedule alone)
    bool signs_on(int server) const;  // multi-signer: does it sign this server's copy?
};

struct ServerAddress {
    std::string name;     // "ns1.example.com."
    std::string label;    // "ns1"
    std::string address;  // "127.53.2.1"
};

struct ZoneRuntime {
    const scenario::ZoneSpec* spec;
    std::vector<KeyRuntime> keys;
    // Its own servers' addresses, or its pool's (each zone keeps its own NS names).
    std::vector<ServerAddress> servers;
    std::size_t index = 0;  // in the scenario's zones: numbers its own addresses
    int pool = -1;          // index of its server pool in the scenario's pools; -1: own servers
    std::optional<dnssec::Key> rogue;  // signs for rrsig-unknown-key; never published
    bool signer_started = true;        // by stop-signer / start-signer actions
    std::optional<Seconds> cds_delete;  // RFC 8078 delete signal published from here (cds-delete)
};

// What one server of a zone does at an instant.
enum class ServerMode {
    Current,   // serves the zone as signed now
    Lagging,   // keeps the version it had (lagging-secondary)
    Unsigned,  // serves the zone without any DNSSEC records (server-unsigned, orphan-ds)
    Down,      // does not answer (server-down)
};

class World {
public:
    // Generates every key of the scenario (fresh key material for each run) and assigns the
    // servers their loopback addresses (zone_server_address, pool_server_address).
    explicit World(const scenario::Scenario& scenario);

    // Applies, in order, every timeline event with `at` <= t not applied yet; returns them.
    std::vector<const scenario::Event*> advance_to(Seconds t);
    // How many timeline events advance_to has applied: timeline[0, applied_events()). An event
    // added to the timeline later (rollsim play) goes at or after this index, so that the order
    // stays valid, and is then handed to prepare_fault.
    std::size_t applied_events() const { return m_next_event; }
    // Makes the key material a fault needs (the REVOKE-flagged twin, the rogue signing key).
    void prepare_fault(const scenario::Event& ev);

    const std::vector<ZoneRuntime>& zones() const { return m_zones; }
    const scenario::Scenario& scenario() const { return m_scenario; }

    // Key state with the faults in force applied (dnskey-removed hides a key).
    KeyState key_state(const ZoneRuntime& zone, const KeyRuntime& key, Seconds t) const;
    // False while stopped by the timeline or a signer-outage fault.
    bool signer_running(const ZoneRuntime& zone, Seconds t) const;
    // A pool zone's server is down while a server-down names that server of any zone of the
    // pool: the provider's server goes down for all its zones. The other server faults stay
    // with the zone they name (the shared server serves that zone's data so).
    ServerMode server_mode(const ZoneRuntime& zone, int server, Seconds t) const;

    // What the signer is asked to produce for one server's copy of the zone at offset t (at
    // virtual instant `now`), faults applied: content (with SOA at `serial`), signing keys,
    // signature times, denial, deliberate defects.
    dnssec::SignRequest sign_request(const ZoneRuntime& zone, int server, Seconds t, std::uint32_t serial) const;
    // The zone without any DNSSEC record, for a server that serves it unsigned.
    std::vector<std::string> plain_records(const ZoneRuntime& zone, Seconds t, std::uint32_t serial) const;

    // Root hints, and the root's trust anchor as its operator publishes it at offset t: the DS of
    // the root's KSKs/CSKs whose DS is "at the parent" then (the root has no parent; its DS set
    // is the anchor a freshly installed validator ships). Schedule as known now: the timeline
    // events applied so far and the keys' own times.
    std::string root_hints() const;
    std::string trust_anchor(Seconds t = Seconds(0)) const;

    // The child's CDS and CDNSKEY records on `server` at t (RFC 7344 / RFC 8078 delete signal),
    // faults applied: cds-inconsistent freezes a server's set, cds-premature-delete publishes
    // the delete signal. Empty when the zone publishes none.
    std::vector<std::string> cds_records(const ZoneRuntime& zone, int server, Seconds t) const;

    // The DS set (RDATA) the parent publishes for a zone signed by the operator's signer
    // (scenario SignerSpec), whose keys rollsim does not hold: the runner reads them from the
    // signer and sets it, at the start and as the parent agent changes it.
    void set_delegated_ds(const std::string& zone, std::vector<std::string> ds_rdata);
    const std::vector<std::string>& delegated_ds(const std::string& zone) const;

    // The first instant after t at which what the zone's servers serve may change, other than by
    // its signer's own schedule (refresh): a time of one of its keys, the DS times of its
    // children's keys (its delegations), the `at` or `until` of a timeline event naming it or a
    // child, and for a pool zone those of every server-down in its pool. Nullopt: none. Valid
    // while revision() stays as it was when asked.
    std::optional<Seconds> next_change(const ZoneRuntime& zone, Seconds t) const;
    // Grows with each change that next_change cannot foresee: an event joining the timeline,
    // an event changed in place (timeline_edited), a DS set the runner sets.
    std::size_t revision() const { return m_scenario.timeline.size() + m_ds_revision + m_timeline_edits; }
    // Says that an event of the timeline changed in place (rollsim play's repair ends a fault
    // now): the indexes of the timeline are built again and revision() moves on.
    void timeline_edited();

    // The zone that holds `name` (the deepest zone at or above it), or nullptr.
    const ZoneRuntime* zone_of(const std::string& name) const;

private:
    ZoneRuntime& zone_mut(const std::string& name);
    KeyRuntime& key_mut(const std::string& zone, const std::string& key);
    const scenario::Event* server_down(const ZoneRuntime& zone, int server, Seconds t) const;
    const scenario::Event* fault(scenario::FaultKind kind, const std::string& zone, Seconds t,
                                 const std::string& key = "", int server = -1) const;
    std::vector<std::string> content(const ZoneRuntime& zone, int server, Seconds t) const;
    std::vector<std::string> delegation_records(const ZoneRuntime& child, Seconds t) const;
    dnssec::DsData faulty_ds(const ZoneRuntime& child, dnssec::DsData ds, Seconds t, const std::string& key) const;
    std::string dnskey_record(const ZoneRuntime& zone, const KeyRuntime& key, Seconds t) const;
    const dnssec::Key& signing_key(const ZoneRuntime& zone, const KeyRuntime& key, Seconds t) const;
    // The defects of the faults in force at t that the signer makes (SignFaults).
    void add_sign_faults(dnssec::SignRequest& req, const ZoneRuntime& zone, Seconds t) const;

    const scenario::Scenario& m_scenario;
    std::vector<ZoneRuntime> m_zones;
    std::unordered_map<std::string, std::size_t> m_zone_index;  // zone name -> m_zones index
    std::vector<std::vector<std::size_t>> m_children;  // per zone: its child zones' indexes
    std::size_t m_ds_revision = 0;                      // set_delegated_ds calls
    std::size_t m_timeline_edits = 0;                   // timeline_edited calls
    // next_change's index of the timeline: per zone (and per pool), the sorted `at` and
    // `until` times of the events that concern it, as of a timeline of m_indexed_events events.
    void index_timeline() const;
    mutable std::vector<std::vector<Seconds>> m_zone_event_times;
    mutable std::vector<std::vector<Seconds>> m_pool_event_times;
    // fault()'s index: per zone, the timeline positions of its fault events, in timeline order
    // (a portfolio's timeline holds tens of thousands of events), and those of every server-down.
    mutable std::vector<std::vector<std::size_t>> m_zone_faults;
    mutable std::vector<std::size_t> m_server_down_faults;
    mutable std::size_t m_indexed_events = std::size_t(-1);
    std::size_t m_next_event = 0;
    std::map<std::string, std::vector<std::string>> m_delegated_ds;  // zone -> DS RDATA
};

// The lab's loopback addresses (docs/architecture.md, "Addresses"). Zone i's own server s:
// 127.53.i.(s+1) for the first 250 zones, then 127.(60 + i/250).(i%250).(s+1) (up to 10000
// zones, scenario/zones.cpp kMaxZones). Its hidden primary (an operator's signer):
// 127.55.i.1, then 127.(100 + i/250).(i%250).1. Server pool p's server s: 127.56.p.(s+1).
// The resolvers have 127.54.0.N.
std::string zone_server_address(std::size_t zone_index, int server);
std::string hidden_primary_address(std::size_t zone_index);
std::string pool_server_address(std::size_t pool_index, int server);

// "ns2" -> 1; -1 if not of that form.
int server_index(const std::string& label);

}  // namespace rollsim::world
