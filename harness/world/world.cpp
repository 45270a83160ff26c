#include "world/world.hpp"

#include "scenario/zone_file.hpp"

#include "dns/names.hpp"
#include "scenario/zone_records.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace rollsim::world {

using scenario::ActionKind;
using scenario::Event;
using scenario::FaultKind;
using scenario::KeyRole;

namespace {

bool reached(const std::optional<Seconds>& when, Seconds t) { return when && *when <= t; }

std::uint32_t ttl_for(const scenario::Ttls& ttls, const std::string& type, std::uint32_t fallback)
{
    auto it = ttls.by_type.find(type);
    return it != ttls.by_type.end() ? it->second : fallback;
}

bool is_key_fault(FaultKind k)
{
    return k == FaultKind::DnskeyRemoved || k == FaultKind::RevokedKey || k == FaultKind::MultiSignerMissingZsk;
}

// Rewrites the algorithm field of a DNSKEY record in presentation form
// ("owner ttl IN DNSKEY flags protocol algorithm key...").
std::string relabel_dnskey(const std::string& rr, int algorithm)
{
    std::istringstream in(rr);
    std::vector<std::string> tokens;
    for (std::string tok; in >> tok;) tokens.push_back(tok);
    if (tokens.size() < 8) return rr;
    tokens[6] = std::to_string(algorithm);
    std::string out;
    for (const auto& tok : tokens) out += (out.empty() ? "" : " ") + tok;
    return out;
}

// A record in presentation format with its type field `from` (a whole field, separated by
// blanks or tabs) replaced by `to`: DS -> CDS, DNSKEY -> CDNSKEY (same RDATA, RFC 7344 3).
std::string retype(std::string rr, const std::string& from, const std::string& to)
{
    for (std::size_t at = rr.find(from); at != std::string::npos; at = rr.find(from, at + 1)) {
        const bool starts = at > 0 && (rr[at - 1] == ' ' || rr[at - 1] == '\t');
        const std::size_t end = at + from.size();
        const bool ends = end < rr.size() && (rr[end] == ' ' || rr[end] == '\t');
        if (starts && ends) return rr.replace(at, from.size(), to);
    }
    throw std::logic_error("no " + from + " type field in '" + rr + "'");
}

// The first fault of `kind` in force at t on a zone `zone_matches` accepts, narrowed to `key`
// and `server` when given.
// `positions`: the timeline positions to look at, in timeline order (World's fault index).
template <typename ZoneMatch>
const Event* first_fault(const std::vector<Event>& timeline, const std::vector<std::size_t>& positions, FaultKind kind,
                         Seconds t, const std::string& key, int server, ZoneMatch zone_matches)
{
    for (const std::size_t at : positions) {
        const Event& ev = timeline[at];
        if (!ev.fault || *ev.fault != kind || !zone_matches(ev.zone)) continue;
        if (ev.at > t || (ev.until && *ev.until <= t)) continue;
        // A fault aimed at one key or server applies only there; one without a target, to all.
        if (!key.empty() && !ev.key.empty() && ev.key != key) continue;
        if (is_key_fault(kind) && ev.key != key) continue;
        if (server >= 0 && !ev.server.empty() && server_index(ev.server) != server) continue;
        return &ev;
    }
    return nullptr;
}

// A zone index as the octets of its addresses: 127.<high>.<low>.
std::string zone_octets(std::size_t zone_index, int first_range, int later_ranges)
{
    if (zone_index < 250) return fmt::format("127.{}.{}", first_range, zone_index);
    return fmt::format("127.{}.{}", later_ranges + zone_index / 250, zone_index % 250);
}

}  // namespace

std::string zone_server_address(std::size_t zone_index, int server)
{
    return fmt::format("{}.{}", zone_octets(zone_index, 53, 60), server + 1);
}

std::string hidden_primary_address(std::size_t zone_index) { return zone_octets(zone_index, 55, 100) + ".1"; }

std::string pool_server_address(std::size_t pool_index, int server)
{
    return fmt::format("127.56.{}.{}", pool_index, server + 1);
}

int server_index(const std::string& label)
{
    if (label.size() < 3 || label.compare(0, 2, "ns") != 0) return -1;
    if (label.find_first_not_of("0123456789", 2) != std::string::npos) return -1;
    return std::stoi(label.substr(2)) - 1;
}

KeyState KeyRuntime::state(Seconds t) const
{
    KeyState s;
    s.published = reached(publish, t) && !reached(remove, t);
    s.active = s.published && reached(activate, t) && !reached(retire, t);
    s.ds_at_parent = reached(ds_add, t) && !reached(ds_remove, t);
    s.revoked = s.published && reached(revoke, t);
    // RFC 5011 2.1: a revoked key signs the DNSKEY RRset only (see World::sign_request).
    if (s.revoked) s.active = false;
    return s;
}

bool KeyRuntime::cds_listed(Seconds t) const { return reached(cds_publish, t) && !reached(cds_remove, t); }

bool KeyRuntime::signs_on(int server) const
{
    if (spec->servers.empty()) return true;
    for (const auto& label : spec->servers)
        if (server_index(label) == server) return true;
    return false;
}

World::World(const scenario::Scenario& scenario) : m_scenario(scenario)
{
    std::size_t zone_index = 0;
    for (const auto& zs : scenario.zones) {
        ZoneRuntime zr{&zs, {}, {}, zone_index, -1, std::nullopt, true, std::nullopt};
        for (std::size_t p = 0; p < scenario.pools.size(); ++p)
            if (scenario.pools[p].name == zs.pool) zr.pool = static_cast<int>(p);
        for (const auto& ks : zs.keys) {
            std::uint16_t flags = dnssec::kFlagZone;
            if (ks.role != KeyRole::Zsk) flags |= dnssec::kFlagSep;
            KeyRuntime kr{&ks,        dnssec::Key::generate(zs.name, ks.algorithm, flags, ks.bits),
                          std::nullopt, ks.publish, ks.activate, ks.retire, ks.remove, ks.ds_add, ks.ds_remove,
                          ks.revoke,  std::nullopt, std::nullopt};
            if (ks.revoke) kr.revoked = kr.key.with_flags(kr.key.flags() | dnssec::kFlagRevoke);
            zr.keys.push_back(std::move(kr));
        }
        for (int s = 0; s < zs.servers; ++s)
            zr.servers.push_back({scenario::server_name(zs, s), fmt::format("ns{}", s + 1),
                                  zr.pool < 0 ? zone_server_address(zone_index, s)
                                              : pool_server_address(static_cast<std::size_t>(zr.pool), s)});
        m_zone_index.emplace(zs.name, m_zones.size());
        m_zones.push_back(std::move(zr));
        ++zone_index;
    }
    m_children.resize(m_zones.size());
    for (std::size_t i = 0; i < m_zones.size(); ++i) {
        const auto& name = m_zones[i].spec->name;
        if (name == ".") continue;
        if (const auto it = m_zone_index.find(dns::parent_name(name)); it != m_zone_index.end())
            m_children[it->second].push_back(i);
    }
    // Key material the faults need, made once up front.
    for (const auto& ev : scenario.timeline) prepare_fault(ev);
}

void World::prepare_fault(const Event& ev)
{
    if (ev.action && *ev.action == ActionKind::Revoke) {
        auto& k = key_mut(ev.zone, ev.key);
        if (!k.revoked) k.revoked = k.key.with_flags(k.key.flags() | dnssec::kFlagRevoke);
    }
    if (!ev.fault) return;
    auto& zone = zone_mut(ev.zone);
    if (*ev.fault == FaultKind::RevokedKey) {
        auto& k = key_mut(ev.zone, ev.key);
        if (!k.revoked) k.revoked = k.key.with_flags(k.key.flags() | dnssec::kFlagRevoke);
    }
    if (*ev.fault == FaultKind::RrsigUnknownKey && !zone.rogue)
        zone.rogue = dnssec::Key::generate(zone.spec->name, scenario::Algorithm::ECDSAP256SHA256, dnssec::kFlagZone);
}

ZoneRuntime& World::zone_mut(const std::string& name)
{
    const auto it = m_zone_index.find(name);
    if (it == m_zone_index.end()) throw std::logic_error("unknown zone " + name);
    return m_zones[it->second];
}

KeyRuntime& World::key_mut(const std::string& zone, const std::string& key)
{
    for (auto& k : zone_mut(zone).keys)
        if (k.spec->name == key) return k;
    throw std::logic_error("unknown key " + key + " in " + zone);
}

const ZoneRuntime* World::zone_of(const std::string& name) const
{
    const ZoneRuntime* best = nullptr;
    for (const auto& z : m_zones)
        if (dns::is_at_or_below(name, z.spec->name) && (!best || z.spec->name.size() > best->spec->name.size()))
            best = &z;
    return best;
}

std::vector<const Event*> World::advance_to(Seconds t)
{
    std::vector<const Event*> applied;
    const auto& timeline = m_scenario.timeline;
    while (m_next_event < timeline.size() && timeline[m_next_event].at <= t) {
        const auto& ev = timeline[m_next_event++];
        applied.push_back(&ev);
        if (!ev.action) continue;  // faults are looked up by time, not applied
        const Seconds at = ev.at;
        auto clear_if_reached = [at](std::optional<Seconds>& when) {
            if (when && *when <= at) when.reset();
        };
        switch (*ev.action) {
        case ActionKind::Publish: {
            auto& k = key_mut(ev.zone, ev.key);
            k.publish = at;
            clear_if_reached(k.remove);
            break;
        }
        case ActionKind::Activate: {
            auto& k = key_mut(ev.zone, ev.key);
            k.activate = at;
            if (!reached(k.publish, at)) k.publish = at;  // a key cannot sign unpublished here
            clear_if_reached(k.retire);
            clear_if_reached(k.remove);
            break;
        }
        case ActionKind::Retire: key_mut(ev.zone, ev.key).retire = at; break;
        case ActionKind::Remove: key_mut(ev.zone, ev.key).remove = at; break;
        case ActionKind::DsAdd: {
            if (ev.key.empty()) break;  // a registrar by hand for the operator's signer (runner/operator_zone.hpp)
            auto& k = key_mut(ev.zone, ev.key);
            k.ds_add = at;
            clear_if_reached(k.ds_remove);
            break;
        }
        case ActionKind::DsRemove:
            if (!ev.key.empty()) key_mut(ev.zone, ev.key).ds_remove = at;
            break;
        case ActionKind::CdsPublish: {
            auto& k = key_mut(ev.zone, ev.key);
            k.cds_publish = at;
            clear_if_reached(k.cds_remove);
            clear_if_reached(zone_mut(ev.zone).cds_delete);  // a CDS set replaces the delete signal
            break;
        }
        case ActionKind::CdsRemove: key_mut(ev.zone, ev.key).cds_remove = at; break;
        case ActionKind::CdsDelete: zone_mut(ev.zone).cds_delete = at; break;
        case ActionKind::StopSigner: zone_mut(ev.zone).signer_started = false; break;
        case ActionKind::StartSigner: zone_mut(ev.zone).signer_started = true; break;
        case ActionKind::Revoke: key_mut(ev.zone, ev.key).revoke = at; break;
        case ActionKind::RecordAdd:
        case ActionKind::RecordChange:
        case ActionKind::RecordRemove: break;  // looked up by time (zone_records)
        case ActionKind::SignerPolicy: break;  // the operator's signer's (runner/operator_zone.hpp)
        }
    }
    return applied;
}

const Event* World::fault(FaultKind kind, const std::string& zone, Seconds t, const std::string& key, int server) const
{
    index_timeline();
    const auto it = m_zone_index.find(zone);
    if (it == m_zone_index.end()) return nullptr;
    return first_fault(m_scenario.timeline, m_zone_faults[it->second], kind, t, key, server,
                       [&](const std::string& z) { return z == zone; });
}

KeyState World::key_state(const ZoneRuntime& zone, const KeyRuntime& key, Seconds t) const
{
    KeyState s = key.state(t);
    if (fault(FaultKind::DnskeyRemoved, zone.spec->name, t, key.spec->name)) s.published = s.active = false;
    // What the parent really publishes (as delegation_records does): stale-ds freezes the DS
    // set as it was at the fault's start, ds-missing withdraws it.
    if (const Event* stale = fault(FaultKind::StaleDs, zone.spec->name, t))
        s.ds_at_parent = key.state(stale->at).ds_at_parent;
    if (fault(FaultKind::DsMissing, zone.spec->name, t, key.spec->name)) s.ds_at_parent = false;
    return s;
}

bool World::signer_running(const ZoneRuntime& zone, Seconds t) const
{
    return zone.signer_started && !fault(FaultKind::SignerOutage, zone.spec->name, t);
}

ServerMode World::server_mode(const ZoneRuntime& zone, int server, Seconds t) const
{
    const auto& name = zone.spec->name;
    if (server_down(zone, server, t)) return ServerMode::Down;
    if (fault(FaultKind::LaggingSecondary, name, t, "", server)) return ServerMode::Lagging;
    if (fault(FaultKind::ServerUnsigned, name, t, "", server)) return ServerMode::Unsigned;
    if (fault(FaultKind::OrphanDs, name, t)) return ServerMode::Unsigned;  // the whole zone unsigned
    // The operator's signer decides its own keys, which the world does not hold.
    if (zone.spec->signer.kind != scenario::SignerKind::Rollsim) return ServerMode::Current;
    // A zone none of whose keys is published (not signed yet, or unsigned by the timeline) is
    // served without DNSSEC records, as a signer that was never switched on would leave it.
    bool any_key = false;
    for (const auto& k : zone.keys) any_key = any_key || k.state(t).published;
    if (!any_key) return ServerMode::Unsigned;
    return ServerMode::Current;
}

void World::timeline_edited()
{
    ++m_timeline_edits;
    m_indexed_events = std::size_t(-1);
}

void World::index_timeline() const
{
    if (m_indexed_events == m_scenario.timeline.size()) return;
    m_zone_event_times.assign(m_zones.size(), {});
    m_pool_event_times.assign(m_scenario.pools.size(), {});
    m_zone_faults.assign(m_zones.size(), {});
    m_server_down_faults.clear();
    const auto note = [](std::vector<Seconds>& times, const Event& ev) {
        times.push_back(ev.at);
        if (ev.until) times.push_back(*ev.until);
    };
    for (std::size_t at = 0; at < m_scenario.timeline.size(); ++at) {
        const auto& ev = m_scenario.timeline[at];
        if (ev.fault == FaultKind::ServerDown) m_server_down_faults.push_back(at);
        const auto it = m_zone_index.find(ev.zone);
        if (it == m_zone_index.end()) continue;
        if (ev.fault) m_zone_faults[it->second].push_back(at);
        note(m_zone_event_times[it->second], ev);
        // The parent serves the zone's delegation: its NS, glue and DS.
        if (ev.zone != ".")
            if (const auto parent = m_zone_index.find(dns::parent_name(ev.zone)); parent != m_zone_index.end())
                note(m_zone_event_times[parent->second], ev);
        const int pool = m_zones[it->second].pool;
        if (ev.fault == FaultKind::ServerDown && pool >= 0) note(m_pool_event_times[std::size_t(pool)], ev);
    }
    for (auto* list : {&m_zone_event_times, &m_pool_event_times})
        for (auto& times : *list) std::sort(times.begin(), times.end());
    m_indexed_events = m_scenario.timeline.size();
}

std::optional<Seconds> World::next_change(const ZoneRuntime& zone, Seconds t) const
{
    index_timeline();
    std::optional<Seconds> next;
    const auto consider = [&](const std::optional<Seconds>& when) {
        if (when && *when > t && (!next || *when < *next)) next = when;
    };
    const auto first_after = [&](const std::vector<Seconds>& times) {
        if (const auto it = std::upper_bound(times.begin(), times.end(), t); it != times.end()) consider(*it);
    };
    for (const auto& k : zone.keys)
        for (const auto& when : {k.publish, k.activate, k.retire, k.remove, k.ds_add, k.ds_remove, k.revoke,
                                 k.cds_publish, k.cds_remove})
            consider(when);
    consider(zone.cds_delete);
    for (const std::size_t child : m_children[zone.index])
        for (const auto& k : m_zones[child].keys) {
            consider(k.ds_add);
            consider(k.ds_remove);
        }
    first_after(m_zone_event_times[zone.index]);
    if (zone.pool >= 0) first_after(m_pool_event_times[std::size_t(zone.pool)]);
    return next;
}

const Event* World::server_down(const ZoneRuntime& zone, int server, Seconds t) const
{
    if (zone.pool < 0) return fault(FaultKind::ServerDown, zone.spec->name, t, "", server);
    index_timeline();
    return first_fault(m_scenario.timeline, m_server_down_faults, FaultKind::ServerDown, t, "", server,
                       [&](const std::string& z) {
        const auto it = m_zone_index.find(z);
        return it != m_zone_index.end() && m_zones[it->second].pool == zone.pool;
    });
}

const dnssec::Key& World::signing_key(const ZoneRuntime& zone, const KeyRuntime& key, Seconds t) const
{
    if (key.revoked && fault(FaultKind::RevokedKey, zone.spec->name, t, key.spec->name)) return *key.revoked;
    if (key.revoked && reached(key.revoke, t)) return *key.revoked;
    return key.key;
}

std::string World::dnskey_record(const ZoneRuntime& zone, const KeyRuntime& key, Seconds t) const
{
    return signing_key(zone, key, t).dnskey_rr(zone.spec->ttl.dnskey);
}

std::vector<std::string> World::delegation_records(const ZoneRuntime& child, Seconds t) const
{
    const auto& spec = *child.spec;
    const auto& name = spec.name;
    std::vector<std::string> out;
    for (const auto& s : child.servers) out.push_back(fmt::format("{} {} IN NS {}", name, spec.ttl.ns, s.name));
    for (const auto& s : child.servers) out.push_back(fmt::format("{} {} IN A {}", s.name, spec.ttl.ns, s.address));

    // stale-ds: the parent's DS set stays as it was when the fault started.
    Seconds ds_time = t;
    if (const Event* stale = fault(FaultKind::StaleDs, name, t)) ds_time = stale->at;
    const Event* relabel = fault(FaultKind::UnsupportedAlgorithm, name, t);

    for (const auto& k : child.keys) {
        if (k.spec->role == KeyRole::Zsk || !k.state(ds_time).ds_at_parent) continue;
        const std::string& key = k.spec->name;
        if (fault(FaultKind::DsMissing, name, t, key)) continue;
        for (const auto digest : spec.ds_digests) {
            // RFC 4034 5.1: the DS names the key by tag and algorithm and carries its digest.
            const auto type = static_cast<std::uint8_t>(digest);
            dnssec::DsData ds = relabel ? dnssec::ds_of_dnskey(relabel_dnskey(k.key.dnskey_rr(spec.ttl.dnskey),
                                                                              relabel->algorithm.value_or(253)),
                                                               type)
                                        : k.key.ds(type);
            out.push_back(faulty_ds(child, std::move(ds), t, key).to_rr(name, spec.ttl.ds));
        }
    }
    // A zone signed by the operator's signer: the DS set the runner read from its keys.
    if (const auto it = m_delegated_ds.find(name); it != m_delegated_ds.end())
        for (const auto& rdata : it->second) out.push_back(fmt::format("{} {} IN DS {}", name, spec.ttl.ds, rdata));
    return out;
}

void World::set_delegated_ds(const std::string& zone, std::vector<std::string> ds_rdata)
{
    m_delegated_ds[zone] = std::move(ds_rdata);
    ++m_ds_revision;
}

const std::vector<std::string>& World::delegated_ds(const std::string& zone) const
{
    static const std::vector<std::string> kNone;
    const auto it = m_delegated_ds.find(zone);
    return it == m_delegated_ds.end() ? kNone : it->second;
}

// `ds` as the parent publishes it under the DS faults active at `t` on `key`'s DS.
dnssec::DsData World::faulty_ds(const ZoneRuntime& child, dnssec::DsData ds, Seconds t, const std::string& key) const
{
    const auto& name = child.spec->name;
    if (fault(FaultKind::DsDigestMismatch, name, t, key) && !ds.digest.empty()) ds.digest[0] ^= 0xff;
    if (fault(FaultKind::DsUnknownKeytag, name, t, key)) {
        // A tag no key of the zone has.
        std::uint16_t tag = ds.keytag;
        auto taken = [&](std::uint16_t candidate) {
            for (const auto& other : child.keys)
                if (other.key.keytag() == candidate) return true;
            return false;
        };
        do tag = static_cast<std::uint16_t>(tag + 1); while (taken(tag));
        ds.keytag = tag;
    }
    if (fault(FaultKind::DsWrongAlgorithm, name, t, key))
        ds.algorithm = ds.algorithm == 13 ? 8 : 13;  // another algorithm validators implement
    if (fault(FaultKind::DsUnsupportedDigest, name, t, key))
        ds.digest_type = 6;  // SM3 (RFC 9563): assigned, and unknown to the validators here
    return ds;
}

std::vector<std::string> World::content(const ZoneRuntime& zone, int server, Seconds t) const
{
    const auto& spec = *zone.spec;
    std::vector<std::string> out;
    for (const auto& s : zone.servers) out.push_back(fmt::format("{} {} IN NS {}", spec.name, spec.ttl.ns, s.name));
    for (const auto& s : zone.servers)
        out.push_back(fmt::format("{} {} IN A {}", s.name, ttl_for(spec.ttl, "A", spec.ttl.default_ttl), s.address));
    const auto records = scenario::zone_records(m_scenario, spec, t);
    out.insert(out.end(), records.begin(), records.end());
    for (const std::size_t child : m_children[zone.index]) {
        auto d = delegation_records(m_zones[child], t);
        out.insert(out.end(), d.begin(), d.end());
    }
    if (server < 0) return out;  // plain content: no DNSKEY
    for (const auto& k : zone.keys) {
        if (!key_state(zone, k, t).published) continue;
        // RFC 8901 multi-signer: a provider whose DNSKEY set lacks the other's ZSK.
        if (fault(FaultKind::MultiSignerMissingZsk, spec.name, t, k.spec->name, server)) continue;
        out.push_back(dnskey_record(zone, k, t));
    }
    auto cds = cds_records(zone, server, t);
    out.insert(out.end(), cds.begin(), cds.end());
    return out;
}

std::vector<std::string> World::cds_records(const ZoneRuntime& zone, int server, Seconds t) const
{
    const auto& spec = *zone.spec;
    const std::uint32_t ttl = spec.ttl.dnskey;
    std::vector<std::string> out;
    // cds-premature-delete: the delete signal, whatever the schedule says.
    const bool forced_delete = fault(FaultKind::CdsPrematureDelete, spec.name, t) != nullptr;
    // cds-inconsistent: this server keeps the set it had when the fault started.
    Seconds when = t;
    if (const Event* f = fault(FaultKind::CdsInconsistent, spec.name, t, "", server)) when = f->at;
    if (forced_delete || reached(zone.cds_delete, when)) {
        // RFC 8078 section 4: the "delete" CDS and CDNSKEY records.
        out.push_back(fmt::format("{} {} IN CDS 0 0 0 00", spec.name, ttl));
        out.push_back(fmt::format("{} {} IN CDNSKEY 0 3 0 AA==", spec.name, ttl));
        return out;
    }
    for (const auto& k : zone.keys) {
        if (k.spec->role == KeyRole::Zsk || !k.cds_listed(when)) continue;
        // RFC 7344 3.1: CDS has the DS's RDATA (SHA-256 here), CDNSKEY the DNSKEY's.
        out.push_back(retype(k.key.ds().to_rr(spec.name, ttl), "DS", "CDS"));
        out.push_back(retype(k.key.dnskey_rr(ttl), "DNSKEY", "CDNSKEY"));
    }
    return out;
}

std::vector<std::string> World::plain_records(const ZoneRuntime& zone, Seconds t, std::uint32_t serial) const
{
    auto out = content(zone, -1, t);
    const auto& spec = *zone.spec;
    // The lab's SOA values, or the operator's from their zone file (scenario/zone_file.hpp).
    scenario::SoaValues soa{zone.servers.front().name,
                            "hostmaster." + (spec.name == "." ? std::string("root-servers.rollsim.") : spec.name)};
    if (spec.soa) soa = *spec.soa;
    // refresh, retry, expire, minimum (RFC 1035 3.3.13; MINIMUM is the negative TTL, RFC 2308)
    out.push_back(fmt::format("{} {} IN SOA {} {} {} {} {} {} {}", spec.name, spec.ttl.soa, soa.mname, soa.rname,
                              serial, soa.refresh, soa.retry, soa.expire, spec.ttl.negative));
    return out;
}

dnssec::SignRequest World::sign_request(const ZoneRuntime& zone, int server, Seconds t, std::uint32_t serial) const
{
    const auto& spec = *zone.spec;
    const auto& name = spec.name;
    dnssec::SignRequest req;
    req.origin = name;
    req.records = content(zone, server, t);
    auto plain = plain_records(zone, t, serial);
    req.records.push_back(plain.back());  // the SOA
    for (const auto& k : zone.keys) {
        const KeyState state = key_state(zone, k, t);
        // RFC 5011 2.1: a revoked key signs the DNSKEY RRset, which makes its revocation valid,
        // and nothing else.
        if (state.revoked && k.signs_on(server)) {
            req.dnskey_signers.push_back(&signing_key(zone, k, t));
            continue;
        }
        if (!state.active || !k.signs_on(server)) continue;
        const dnssec::Key* key = &signing_key(zone, k, t);
        if (k.spec->role != KeyRole::Zsk) req.dnskey_signers.push_back(key);
        if (k.spec->role != KeyRole::Ksk) req.zone_signers.push_back(key);
    }
    // cds-not-signed-by-ds-key: CDS and CDNSKEY signed by the zone signers instead of the
    // DNSKEY signers (RFC 7344 4.1 wants a key the parent's DS points to).
    if (fault(FaultKind::CdsNotSignedByDsKey, name, t))
        for (const char* type : {"CDS", "CDNSKEY"})
            for (const dnssec::Key* key : req.zone_signers) req.faults.foreign_signers.push_back({type, key});
    // cds-premature-delete: the child goes unsigned along with its delete signal; only the
    // DNSKEY signers still sign the DNSKEY, CDS and CDNSKEY RRsets, so that the parent can
    // authenticate the delete signal (RFC 8078 4).
    if (fault(FaultKind::CdsPrematureDelete, name, t)) req.zone_signers.clear();

    // Signature times (RFC 4034 3.1.5), with the time faults.
    const auto& policy = spec.signing;
    const TimePoint now = m_scenario.start + t;
    Seconds validity = policy.validity;
    if (const Event* f = fault(FaultKind::ShortValidity, name, t)) validity = f->validity.value_or(validity);
    req.inception = now - policy.inception_offset;
    req.expiration = now + validity;
    if (const Event* f = fault(FaultKind::ExpiredRrsig, name, t)) {
        req.expiration = now - f->offset.value_or(Seconds(2 * 86400));
        req.inception = req.expiration - validity;
    }
    if (const Event* f = fault(FaultKind::NotYetValidRrsig, name, t)) {
        req.inception = now + f->offset.value_or(Seconds(2 * 86400));
        req.expiration = req.inception + validity;
    }
    req.nsec_ttl = std::min(spec.ttl.negative, spec.ttl.soa);  // RFC 9077

    req.denial = policy.denial;
    req.nsec3_iterations = policy.nsec3_iterations;
    req.nsec3_salt = policy.nsec3_salt;
    if (const Event* f = fault(FaultKind::Nsec3Iterations, name, t)) req.nsec3_iterations = f->iterations.value_or(200);

    add_sign_faults(req, zone, t);
    return req;
}

void World::add_sign_faults(dnssec::SignRequest& req, const ZoneRuntime& zone, Seconds t) const
{
    // rrsig-missing and corrupted-signature narrowed to one key (its signing form at t) or to the
    // keys of one algorithm.
    const auto scope = [&](const Event& ev, const std::string& type) {
        dnssec::SignFaults::KeyScope out{type, nullptr, ev.key_algorithm};
        for (const auto& k : zone.keys)
            if (k.spec->name == ev.key) out.key = &signing_key(zone, k, t);
        return out;
    };
    auto& faults = req.faults;
    index_timeline();
    for (const std::size_t at : m_zone_faults[zone.index]) {
        const Event& ev = m_scenario.timeline[at];
        if (!ev.fault || ev.zone != zone.spec->name || ev.at > t || (ev.until && *ev.until <= t)) continue;
        const bool scoped = !ev.key.empty() || ev.key_algorithm;
        const std::string type = ev.type.empty() ? "A" : ev.type;
        switch (*ev.fault) {
        case FaultKind::RrsigMissing:
            if (scoped) faults.omit_rrsigs_by.push_back(scope(ev, type));
            else faults.omit_rrsig_types.push_back(type);
            break;
        case FaultKind::CorruptedSignature:
            if (scoped) faults.corrupt_rrsigs_by.push_back(scope(ev, type));
            else faults.corrupt_rrsig_types.push_back(type);
            break;
        case FaultKind::RrsigUnknownKey: faults.foreign_signers.push_back({type, &*zone.rogue}); break;
        case FaultKind::NsecMissing: faults.drop_denial_for = ev.name; break;
        case FaultKind::NsecChainBroken: faults.break_denial_chain = true; break;
        case FaultKind::Nsec3paramMismatch:
            faults.nsec3param_salt = req.nsec3_salt == "ABCDEF01" ? "12345678" : "ABCDEF01";
            break;
        case FaultKind::UnsupportedAlgorithm: faults.relabel_algorithm = ev.algorithm.value_or(253); break;
        default: break;
        }
    }
}

std::string World::root_hints() const
{
    const auto& root = m_zones.front();
    std::string out;
    for (const auto& s : root.servers) out += fmt::format(". 3600000 IN NS {}\n", s.name);
    for (const auto& s : root.servers) out += fmt::format("{} 3600000 IN A {}\n", s.name, s.address);
    return out;
}

std::string World::trust_anchor(Seconds t) const
{
    const auto& root = m_zones.front();
    std::string out;
    for (const auto& k : root.keys)
        if (k.spec->role != KeyRole::Zsk && k.state(t).ds_at_parent)
            out += k.key.ds().to_rr(".", root.spec->ttl.ds) + "\n";
    return out;
}

}  // namespace rollsim::world
