#include "runner/operator_zone.hpp"

#include "core/text.hpp"
#include "dnssec/key.hpp"
#include "dns/names.hpp"
#include "parent/agent.hpp"
#include "scenario/names.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include <fmt/format.h>

namespace rollsim::runner {

namespace {

std::string dir_label(const std::string& zone) { return zone.substr(0, zone.size() - 1); }

// The hidden primary of zone i, in a range of its own (world::hidden_primary_address).
std::string signer_address(const world::ZoneRuntime& zone) { return world::hidden_primary_address(zone.index); }

std::string role_of(const lab::SignerKey& key)
{
    if (key.ksk && key.zsk) return "csk";
    return key.ksk ? "ksk" : "zsk";
}

// The key tags of a DS set (RDATA "TAG ALGORITHM DIGEST-TYPE DIGEST").
bool has_ds_for(const std::vector<std::string>& ds_rdata, int keytag)
{
    for (const auto& rdata : ds_rdata) {
        std::istringstream in(rdata);
        int tag = -1;
        if (in >> tag && tag == keytag) return true;
    }
    return false;
}

}  // namespace

bool signed_by_operator(const scenario::ZoneSpec& zone) { return zone.signer.kind != scenario::SignerKind::Rollsim; }

OperatorSignedZone::OperatorSignedZone(const world::World& world, const world::ZoneRuntime& zone, TimePoint start,
                                       const lab::Tools& tools, const std::filesystem::path& lab_dir)
    : m_world(&world), m_zone(&zone), m_start(start), m_tools(tools), m_lab_dir(lab_dir),
      m_address(signer_address(zone))
{
    lab::SignerSetup setup;
    setup.dir = lab_dir / fmt::format("signer-{}", dir_label(zone.spec->name));
    setup.address = m_address;
    setup.zone = zone.spec->name;
    setup.zone_text = unsigned_text(Seconds(0), m_unsigned_serial);
    for (const auto& s : zone.servers) setup.secondaries.push_back(s.address);
    if (const auto* parent = world.zone_of(dns::parent_name(zone.spec->name)))
        for (const auto& s : parent->servers) setup.parent_servers.push_back(s.address);
    setup.spec = zone.spec->signer;
    m_signer = lab::start_signer(tools, setup, start);
    m_content = content(Seconds(0));
}

std::string OperatorSignedZone::content(Seconds t) const
{
    auto records = m_world->plain_records(*m_zone, t, 0);
    records.pop_back();  // the SOA
    return join(records, "\n");
}

std::string OperatorSignedZone::unsigned_text(Seconds t, std::uint32_t serial) const
{
    return join(m_world->plain_records(*m_zone, t, serial), "\n") + "\n";
}

std::string OperatorSignedZone::ds_of(const lab::SignerKey& key) const
{
    const auto ds = dnssec::ds_of_dnskey(key.dnskey);
    return parent::ds_rdata(ds.to_rr(m_zone->spec->name, m_zone->spec->ttl.ds));
}

std::vector<std::string> OperatorSignedZone::published_ds() const
{
    std::vector<std::string> out;
    for (const auto& key : m_signer->keys())
        if (key.ksk && key.published && !key.dnskey.empty()) out.push_back(ds_of(key));
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> OperatorSignedZone::registrar_ds(scenario::ActionKind action,
                                                          const std::vector<std::string>& current) const
{
    std::vector<std::string> out = current;
    const auto keys = m_signer->keys();
    if (action == scenario::ActionKind::DsAdd) {
        for (const auto& key : keys) {
            if (!key.ksk || !key.published || key.retiring || key.dnskey.empty()) continue;
            std::string ds = ds_of(key);
            if (std::find(out.begin(), out.end(), ds) == out.end()) out.push_back(std::move(ds));
        }
    } else {
        std::erase_if(out, [&](const std::string& rdata) {
            return std::none_of(keys.begin(), keys.end(), [&](const lab::SignerKey& key) {
                return key.published && !key.retiring && has_ds_for({rdata}, key.keytag);
            });
        });
    }
    std::sort(out.begin(), out.end());
    return out;
}

void OperatorSignedZone::start_servers(Seconds t)
{
    const std::uint32_t serial = m_signer->signed_serial();
    for (std::size_t s = 0; s < m_zone->servers.size(); ++s) {
        const auto& address = m_zone->servers[s];
        const auto dir = m_lab_dir / fmt::format("nsd-{}-{}", dir_label(m_zone->spec->name), address.label);
        Server server;
        server.nsd = std::make_unique<lab::NsdServer>(m_tools, dir, address.address, m_zone->spec->name, "", serial,
                                                      m_address);
        m_servers.push_back(std::move(server));
    }
    std::vector<EventRecord> ignored;
    apply_server_modes(t, ignored);
}

// A new unsigned version when the records rollsim keeps for the zone (NS, glue, the children's
// delegations and DS) changed; the signer re-signs it.
bool OperatorSignedZone::update_content(Seconds t)
{
    std::string now = content(t);
    if (now == m_content) return false;
    m_content = std::move(now);
    m_signer->update_zone(unsigned_text(t, ++m_unsigned_serial));
    return true;
}

void OperatorSignedZone::settle(Seconds t, std::vector<EventRecord>& events, std::vector<KeyChange>& key_changes)
{
    // A signer whose process ended is found here at once, not after a query's deadline.
    if (!m_signer->running()) throw died("its process ended");
    try {
        settle_running(t, events, key_changes);
    } catch (const SignerDiedError&) {
        throw;
    } catch (const LabError& e) {
        if (m_signer->running()) throw;
        throw SignerDiedError(e.what(), died_event());  // the signer's own words, its log's tail in them
    }
}

SignerDied OperatorSignedZone::died_event() const
{
    return {m_zone->spec->name, std::string(scenario::to_string(m_zone->spec->signer.kind)), m_signer->log_tail(10)};
}

SignerDiedError OperatorSignedZone::died(const std::string& what) const
{
    const SignerDied event = died_event();
    return SignerDiedError(fmt::format("the signer of {} ({} on {}) died: {}; its log {} ends:\n{}", event.zone,
                                       event.signer, m_address, what, m_signer->log_file().string(), event.log_tail),
                           event);
}

void OperatorSignedZone::settle_running(Seconds t, std::vector<EventRecord>& events,
                                        std::vector<KeyChange>& key_changes)
{
    // The signer acts when its next event has come or its zone changed; in between its clock
    // moves on and its own timers (re-signing) run on it.
    m_signer->set_time(m_start + t);
    if (m_new_policy) {
        const scenario::Event ev = *std::exchange(m_new_policy, std::nullopt);
        m_signer->change_policy(ev.policy, ev.loc);
    }
    const auto due = m_signer->next_event();
    if (update_content(t) || (due && *due <= m_start + t)) m_signer->act();
    apply_server_modes(t, events);
    record_keys(t, events, key_changes);
}

// Each server as its mode says: a secondary serving the signer's serial; a lagging one frozen
// as a primary of the copy it had; an unsigned one a primary of the zone without DNSSEC; a
// server that is down stopped.
void OperatorSignedZone::apply_server_modes(Seconds t, std::vector<EventRecord>& events)
{
    const std::uint32_t serial = m_signer->signed_serial();
    for (std::size_t s = 0; s < m_servers.size(); ++s) {
        auto& server = m_servers[s];
        auto& nsd = *server.nsd;
        const auto mode = m_world->server_mode(*m_zone, static_cast<int>(s), t);
        const auto& name = m_zone->servers[s].name;
        if (mode == world::ServerMode::Down) {
            if (server.mode != mode) {
                nsd.stop();
                events.emplace_back(t, ServerAnswering{name, false});
            }
        } else if (server.mode == world::ServerMode::Down) {
            if (mode == world::ServerMode::Current) nsd.wait_for_transfer(serial);  // stopped: what start() waits for
            nsd.start();
            events.emplace_back(t, ServerAnswering{name, true});
        }
        if (mode == world::ServerMode::Current) {
            nsd.follow(m_address, serial);
            // Confirmed once per version: most instants the signer made none.
            if (server.mode != mode || serial != server.confirmed) nsd.wait_for_transfer(serial);
            server.confirmed = serial;
        } else if (mode == world::ServerMode::Lagging) {
            nsd.follow("", nsd.published_serial());
        } else if (mode == world::ServerMode::Unsigned && server.mode != mode) {
            nsd.follow("", nsd.published_serial());
            nsd.publish(join(m_world->plain_records(*m_zone, t, serial + 1), "\n") + "\n", serial + 1);
        }
        server.mode = mode;
    }
}

// The signer's keys as KeyChange records: a change of one key's state is a key event.
void OperatorSignedZone::record_keys(Seconds t, std::vector<EventRecord>& events, std::vector<KeyChange>& key_changes)
{
    const auto& zone = m_zone->spec->name;
    const auto& ds = m_world->delegated_ds(zone);
    std::vector<KeyChange> now;
    for (const auto& key : m_signer->keys()) {
        const std::string role = role_of(key);
        now.push_back({t, zone, fmt::format("{}-{}", role, key.keytag), role, key.keytag, key.algorithm,
                       key.published, key.signing, key.ksk && has_ds_for(ds, key.keytag), false});
    }
    // A key whose files are gone (purged) is no longer published.
    for (const auto& before : m_keys)
        if (std::none_of(now.begin(), now.end(), [&](const KeyChange& k) { return k.keytag == before.keytag; }))
            now.push_back({t, zone, before.key, before.role, before.keytag, before.algorithm, false, false, false, false});
    for (const auto& key : now) {
        const auto it = std::find_if(m_keys.begin(), m_keys.end(),
                                     [&](const KeyChange& k) { return k.keytag == key.keytag; });
        const KeyChange before = it == m_keys.end() ? KeyChange{} : *it;
        auto changed = [&](KeyTransition what) { events.emplace_back(t, KeyStateChanged{zone, key.key, key.keytag, what}); };
        using enum KeyTransition;
        if (key.published != before.published) changed(key.published ? DnskeyPublished : DnskeyRemoved);
        if (key.active != before.active) changed(key.active ? Signing : NoLongerSigning);
        if (key.ds_at_parent != before.ds_at_parent) changed(key.ds_at_parent ? DsAdded : DsRemoved);
        const bool same = key.published == before.published && key.active == before.active &&
                          key.ds_at_parent == before.ds_at_parent;
        if (!same) key_changes.push_back(key);
    }
    m_keys = std::move(now);
    std::erase_if(m_keys, [](const KeyChange& k) { return !k.published && !k.active && !k.ds_at_parent; });
}

std::optional<Seconds> OperatorSignedZone::next_event(Seconds t) const
{
    const auto at = m_signer->next_event();
    if (!at) return std::nullopt;
    // named logs the event's time to the millisecond and this reads whole seconds: the second
    // after it, when the event is due whatever the milliseconds.
    const Seconds offset = (*at - m_start) + Seconds(1);
    if (offset <= t) return std::nullopt;
    return offset;
}

}  // namespace rollsim::runner
