// A zone signed by the operator's signer (scenario SignerSpec, lab/signer.hpp) on its way to
// the lab: the signer as the zone's hidden primary on the virtual clock, the zone's NSD servers
// its secondaries by NOTIFY and zone transfer. At every instant the runner stops at, the
// signer's clock moves there and it acts (its own next key event is one of those instants: a
// key event jumped over is skipped), and the servers are confirmed to serve what it signed,
// or what their fault mode says (world::ServerMode). The signer's key state changes become
// the run's key events, as rollsim's own keys' do.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "lab/nsd.hpp"
#include "lab/signer.hpp"
#include "lab/tools.hpp"
#include "runner/event.hpp"
#include "runner/observation.hpp"
#include "world/world.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::runner {

// Whether the zone is signed by the operator's signer rather than rollsim's own.
bool signed_by_operator(const scenario::ZoneSpec& zone);

// The zone's signer died during the run (its process ended): a LabError whose message holds its
// log's tail, with the event the run records for it.
class SignerDiedError : public LabError {
public:
    SignerDiedError(const std::string& message, SignerDied died) : LabError(message), m_died(std::move(died)) {}
    const SignerDied& died() const { return m_died; }

private:
    SignerDied m_died;
};

class OperatorSignedZone {
public:
    // Starts the signer on the zone as of +0 (its first keys made), in lab_dir/signer-ZONE.
    // Throws LabError (ScenarioError for a configuration the signer refuses).
    OperatorSignedZone(const world::World& world, const world::ZoneRuntime& zone, TimePoint start,
                       const lab::Tools& tools, const std::filesystem::path& lab_dir);

    // The DS RDATA (SHA-256) of the signer's KSKs and CSKs whose DNSKEY it publishes now: the
    // parent's DS set for a zone that is secure from the start.
    std::vector<std::string> published_ds() const;

    // The parent's DS set (RDATA) after a registrar acting by hand on the operator's word (a
    // timeline ds-add or ds-remove without a key) on `current`: ds-add adds the DS of every KSK
    // or CSK the signer publishes and is not retiring, what the operator copies from `rndc
    // dnssec -status` or `keymgr list`; ds-remove withdraws the DS of every key the signer no
    // longer publishes or is retiring.
    std::vector<std::string> registrar_ds(scenario::ActionKind action, const std::vector<std::string>& current) const;

    const std::string& zone() const { return m_zone->spec->name; }

    // A timeline signer-policy: the signer takes `ev.policy` at the next settle(), once its
    // clock shows the event's instant.
    void change_policy(const scenario::Event& ev) { m_new_policy = ev; }

    // Starts the zone's NSD servers as secondaries of the signer; returns once they serve it.
    void start_servers(Seconds t);

    // The zone at offset t: the signer's clock moved to t, the unsigned content given when it
    // changed, the signer made to act, the servers confirmed (or stopped, started, frozen,
    // unsigned as their modes say). Key state changes are appended to `events` and
    // `key_changes`. Throws SignerDiedError when the signer died (found at once when its process
    // has ended), LabError when it is running and misbehaves.
    void settle(Seconds t, std::vector<EventRecord>& events, std::vector<KeyChange>& key_changes);

    // The signer's next key event after t, as an offset (nullopt when it said none).
    std::optional<Seconds> next_event(Seconds t) const;

    std::size_t servers() const { return m_servers.size(); }
    const std::filesystem::path& log_file() const { return m_signer->log_file(); }
    std::string log_tail() const { return m_signer->log_tail(10); }

private:
    struct Server {
        std::unique_ptr<lab::NsdServer> nsd;
        world::ServerMode mode = world::ServerMode::Current;
        std::uint32_t confirmed = 0;  // the signer's serial last confirmed served (mode Current)
    };

    std::string ds_of(const lab::SignerKey& key) const;  // its DS RDATA (SHA-256)
    std::string unsigned_text(Seconds t, std::uint32_t serial) const;
    std::string content(Seconds t) const;  // the unsigned records, SOA aside
    bool update_content(Seconds t);  // true when the signer got a new version
    void apply_server_modes(Seconds t, std::vector<EventRecord>& events);
    void record_keys(Seconds t, std::vector<EventRecord>& events, std::vector<KeyChange>& key_changes);
    void settle_running(Seconds t, std::vector<EventRecord>& events, std::vector<KeyChange>& key_changes);
    SignerDied died_event() const;
    SignerDiedError died(const std::string& what) const;

    const world::World* m_world;
    const world::ZoneRuntime* m_zone;
    TimePoint m_start;
    lab::Tools m_tools;
    std::filesystem::path m_lab_dir;
    std::string m_address;  // the hidden primary's
    std::unique_ptr<lab::SignerDaemon> m_signer;
    std::vector<Server> m_servers;
    std::uint32_t m_unsigned_serial = 1;
    std::string m_content;  // the unsigned records given last, SOA aside
    std::vector<KeyChange> m_keys;  // each key's state as last recorded
    std::optional<scenario::Event> m_new_policy;  // a signer-policy the signer has not taken yet
};

}  // namespace rollsim::runner
