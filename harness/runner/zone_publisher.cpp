#include "runner/zone_publisher.hpp"

#include "core/text.hpp"
#include "dnssec/signer.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::runner {

namespace {

std::string dir_label(const std::string& zone)
{
    if (zone == ".") return "root";
    return zone.substr(0, zone.size() - 1);
}

// Everything that decides a signed zone except the serial and the signature times' drift.
std::string fingerprint(const dnssec::SignRequest& req, const TimePoint now)
{
    std::string out;
    for (const auto& r : req.records)
        if (r.find(" SOA ") == std::string::npos) out += r + "\n";
    for (const auto* k : req.dnskey_signers) out += fmt::format("K{} ", k->keytag());
    for (const auto* k : req.zone_signers) out += fmt::format("Z{} ", k->keytag());
    // Signature times relative to now: a time fault changes them, the clock moving does not.
    out += fmt::format("|{} {}|", (req.inception - now).count(), (req.expiration - now).count());
    out += fmt::format("{} {} {}|", static_cast<int>(req.denial), req.nsec3_iterations, req.nsec3_salt);
    const auto& f = req.faults;
    for (const auto& t : f.omit_rrsig_types) out += "o" + t;
    for (const auto& t : f.corrupt_rrsig_types) out += "c" + t;
    const auto scope = [](const dnssec::SignFaults::KeyScope& s) {
        return fmt::format("{}/{}/{}", s.type, s.key ? s.key->keytag() : 0, s.algorithm ? int(*s.algorithm) : 0);
    };
    for (const auto& s : f.omit_rrsigs_by) out += "O" + scope(s);
    for (const auto& s : f.corrupt_rrsigs_by) out += "C" + scope(s);
    for (const auto& fs : f.foreign_signers) out += "f" + fs.type;
    out += f.drop_denial_for + (f.break_denial_chain ? "B" : "") + f.nsec3param_salt.value_or("") +
           (f.relabel_algorithm ? std::to_string(*f.relabel_algorithm) : "");
    return out;
}

}  // namespace

ZonePublisher::ZonePublisher(const world::World& world, const world::ZoneRuntime& zone, TimePoint start,
                             const lab::Tools& tools, const std::filesystem::path& lab_dir, ServerPools& pools)
    : m_world(&world), m_zone(&zone), m_pools(&pools), m_start(start)
{
    // An operator's zone file: the first version is served with its serial (RFC 1982 wraps).
    if (zone.spec->soa) m_serial = zone.spec->soa->serial - 1;
    const auto& policy = zone.spec->signing;
    if (policy.resign == scenario::Resign::Incremental)
        m_signers.assign(zone.servers.size(), dnssec::IncrementalSigner({policy.refresh, policy.jitter}));
    sign_if_due(Seconds(0));
    for (std::size_t s = 0; s < zone.servers.size(); ++s) {
        const auto mode = world.server_mode(zone, static_cast<int>(s), Seconds(0));
        const std::string text = wanted_text(s, mode, Seconds(0)).value_or(m_texts[s]);
        Server server;
        server.text = text;
        server.down = mode == world::ServerMode::Down;
        if (zone.pool >= 0) {
            pools.add_zone(zone.pool, static_cast<int>(s), {zone.spec->name, text, m_serial}, server.down);
            m_servers.push_back(std::move(server));
            continue;
        }
        const auto dir = lab_dir / fmt::format("nsd-{}-{}", dir_label(zone.spec->name), zone.servers[s].label);
        server.nsd = std::make_unique<lab::NsdServer>(tools, dir, zone.servers[s].address, zone.spec->name, text,
                                                      m_serial);
        if (server.down) server.nsd->stop();
        m_servers.push_back(std::move(server));
    }
}

lab::NsdServer& ZonePublisher::nsd(std::size_t s)
{
    if (m_servers[s].nsd) return *m_servers[s].nsd;
    return m_pools->server(m_zone->pool, static_cast<int>(s));
}

// A new text for server s: published now to a server of the zone's own, staged for a pool's.
void ZonePublisher::send(std::size_t s, const std::string& text)
{
    if (m_servers[s].nsd) m_servers[s].nsd->publish(text, m_serial);
    else m_pools->stage(m_zone->pool, static_cast<int>(s), {m_zone->spec->name, text, m_serial});
    m_servers[s].text = text;
}

std::optional<Seconds> ZonePublisher::next_refresh(Seconds t) const
{
    if (!m_signed_at || !m_world->signer_running(*m_zone, t)) return std::nullopt;
    if (!m_signers.empty()) return m_next_due ? std::optional(std::max(t + Seconds(1), *m_next_due)) : std::nullopt;
    return std::max(t + Seconds(1), *m_signed_at + m_zone->spec->signing.refresh);
}

bool ZonePublisher::refresh_due(Seconds t) const
{
    if (!m_signed_at) return false;
    if (!m_signers.empty()) return m_next_due && t >= *m_next_due;
    return t - *m_signed_at >= m_zone->spec->signing.refresh;
}

// Signs every server's copy of the zone if the signer runs and the signing inputs changed or
// the signatures reached refresh age. Returns true for a new version.
bool ZonePublisher::sign_if_due(Seconds t)
{
    const auto& zone = *m_zone;
    if (m_signed_at && !m_world->signer_running(zone, t)) return false;
    const TimePoint now = m_start + t;
    std::vector<dnssec::SignRequest> requests;
    std::vector<std::string> prints;  // per server
    std::string fp;
    for (std::size_t s = 0; s < zone.servers.size(); ++s) {
        requests.push_back(m_world->sign_request(zone, static_cast<int>(s), t, m_serial + 1));
        prints.push_back(fingerprint(requests.back(), now));
        fp += prints.back() + "\n--\n";
        // Going unsigned (orphan-ds, server-unsigned) or signed again is a new version of the
        // zone too: it needs a new serial, or NSD's confirmation of the serial it already
        // served would not show that it loaded the new text.
        if (m_world->server_mode(zone, static_cast<int>(s), t) == world::ServerMode::Unsigned) fp += "unsigned\n";
    }
    const bool due = !m_signed_at || fp != m_fingerprint || refresh_due(t);
    if (!due) return false;
    ++m_serial;
    m_texts.assign(requests.size(), {});
    m_next_due.reset();
    for (std::size_t s = 0; s < requests.size(); ++s) {
        // Servers with the same inputs share one signing (multi-signer zones differ).
        for (std::size_t prev = 0; prev < s && m_texts[s].empty(); ++prev)
            if (prints[prev] == prints[s]) m_texts[s] = m_texts[prev];
        if (!m_texts[s].empty()) continue;
        if (m_signers.empty()) {
            m_texts[s] = dnssec::sign_zone(requests[s]).text();
            continue;
        }
        m_texts[s] = m_signers[s].sign(requests[s], now).text();
        // A version signed in full (faults that edit RRSIGs) falls due after a whole refresh.
        const Seconds due = m_signers[s].next_due().value_or(now + zone.spec->signing.refresh) - m_start;
        if (!m_next_due || due < *m_next_due) m_next_due = due;
    }
    m_signed_at = t;
    m_fingerprint = std::move(fp);
    return true;
}

// The text server `s` should serve now, or nullopt to leave it as it is.
std::optional<std::string> ZonePublisher::wanted_text(std::size_t s, world::ServerMode mode, Seconds t) const
{
    switch (mode) {
    case world::ServerMode::Current: return m_texts[s];
    case world::ServerMode::Unsigned:
        // One record a line; a zone has at least its SOA.
        return join(m_world->plain_records(*m_zone, t, m_serial), "\n") + "\n";
    case world::ServerMode::Lagging:
    case world::ServerMode::Down: return std::nullopt;
    }
    return std::nullopt;
}

bool ZonePublisher::publish(Seconds t, std::vector<EventRecord>& events)
{
    const auto& zone = *m_zone;
    // Nothing that decides the zone's versions or its servers' modes changed since last time.
    if (m_quiet_until && t < *m_quiet_until && m_world->revision() == m_quiet_revision) return false;
    const bool published = publish_now(t, events);
    // Computed after publishing: a new version sets the signer's next refresh.
    m_quiet_revision = m_world->revision();
    m_quiet_until = m_world->next_change(zone, t);
    if (const auto refresh = next_refresh(t); refresh && (!m_quiet_until || *refresh < *m_quiet_until))
        m_quiet_until = refresh;
    // Neither a change nor a refresh ahead: quiet to the end (an event joining raises revision()).
    if (!m_quiet_until) m_quiet_until = Seconds::max();
    return published;
}

bool ZonePublisher::publish_now(Seconds t, std::vector<EventRecord>& events)
{
    const auto& zone = *m_zone;
    const bool on_schedule = refresh_due(t);
    if (sign_if_due(t)) events.emplace_back(t, ZoneSigned{zone.spec->name, m_serial, on_schedule});
    bool published = false;
    for (std::size_t s = 0; s < m_servers.size(); ++s) {
        auto& server = m_servers[s];
        const auto mode = m_world->server_mode(zone, static_cast<int>(s), t);
        const auto& name = zone.servers[s].name;
        if (mode == world::ServerMode::Down) {
            if (!server.down) {
                nsd(s).stop();  // a pool's server: for all its zones (stop is idempotent)
                server.down = true;
                events.emplace_back(t, ServerAnswering{name, false});
            }
            continue;
        }
        const auto text = wanted_text(s, mode, t);
        if (text && *text != server.text) {
            send(s, *text);
            published = true;
        }
        if (server.down) {
            nsd(s).start();  // a pool's server: the first of its zones back starts it
            server.down = false;
            events.emplace_back(t, ServerAnswering{name, true});
        }
    }
    return published;
}

}  // namespace rollsim::runner
