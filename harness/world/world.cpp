#include "world/world.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace rollsim::world {

using scenario::ActionKind;
using scenario::FaultKind;
using scenario::KeyRole;

namespace {

bool reached(const std::optional<Seconds>& when, Seconds t) { return when && *when <= t; }

std::uint32_t ttl_for(const scenario::Ttls& ttls, const std::string& type, std::uint32_t fallback)
{
    auto it = ttls.by_type.find(type);
    return it != ttls.by_type.end() ? it->second : fallback;
}

std::string server_name(const std::string& zone, int index)
{
    // The root's servers need names of their own: they live in the root zone itself, under a
    // label scenarios may not use.
    if (zone == ".") return fmt::format("ns{}.root-servers.rollsim.", index + 1);
    return fmt::format("ns{}.{}", index + 1, zone);
}

}  // namespace

std::string parent_name(const std::string& name)
{
    if (name == ".") return ".";
    auto dot = name.find('.');
    if (dot == std::string::npos || dot + 1 >= name.size()) return ".";
    return name.substr(dot + 1);
}

bool is_at_or_below(const std::string& name, const std::string& zone)
{
    if (zone == ".") return true;
    if (name == zone) return true;
    return name.size() > zone.size() && name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
           name[name.size() - zone.size() - 1] == '.';
}

KeyState KeyRuntime::state(Seconds t) const
{
    KeyState s;
    s.published = reached(publish, t) && !reached(remove, t);
    s.active = s.published && reached(activate, t) && !reached(retire, t);
    s.ds_at_parent = reached(ds_add, t) && !reached(ds_remove, t);
    return s;
}

World::World(const scenario::Scenario& scenario) : m_scenario(scenario)
{
    if (scenario.zones.size() > 250) throw std::invalid_argument("a lab holds at most 250 zones");
    int zone_index = 0;
    for (const auto& zs : scenario.zones) {
        ZoneRuntime zr{&zs, {}, {}, true};
        for (const auto& ks : zs.keys) {
            std::uint16_t flags = dnssec::kFlagZone;
            if (ks.role != KeyRole::Zsk) flags |= dnssec::kFlagSep;
            KeyRuntime kr{&ks, dnssec::Key::generate(zs.name, ks.algorithm, flags, ks.bits),
                          ks.publish, ks.activate, ks.retire, ks.remove, ks.ds_add, ks.ds_remove};
            zr.keys.push_back(std::move(kr));
        }
        for (int s = 0; s < zs.servers; ++s)
            zr.servers.push_back({server_name(zs.name, s), fmt::format("127.53.{}.{}", zone_index, s + 1)});
        m_zones.push_back(std::move(zr));
        ++zone_index;
    }
}

ZoneRuntime& World::zone_mut(const std::string& name)
{
    for (auto& z : m_zones)
        if (z.spec->name == name) return z;
    throw std::logic_error("unknown zone " + name);
}

const ZoneRuntime& World::zone(const std::string& name) const
{
    return const_cast<World*>(this)->zone_mut(name);
}

KeyRuntime& World::key_mut(const std::string& zone, const std::string& key)
{
    for (auto& k : zone_mut(zone).keys)
        if (k.spec->name == key) return k;
    throw std::logic_error("unknown key " + key + " in " + zone);
}

std::vector<const scenario::Event*> World::advance_to(Seconds t)
{
    std::vector<const scenario::Event*> applied;
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
            auto& k = key_mut(ev.zone, ev.key);
            k.ds_add = at;
            clear_if_reached(k.ds_remove);
            break;
        }
        case ActionKind::DsRemove: key_mut(ev.zone, ev.key).ds_remove = at; break;
        case ActionKind::StopSigner: zone_mut(ev.zone).signer_running = false; break;
        case ActionKind::StartSigner: zone_mut(ev.zone).signer_running = true; break;
        }
    }
    return applied;
}

bool World::fault_active(FaultKind kind, const std::string& zone, const std::string& key, Seconds t) const
{
    for (const auto& ev : m_scenario.timeline) {
        if (!ev.fault || *ev.fault != kind || ev.zone != zone) continue;
        if (!ev.key.empty() && ev.key != key) continue;
        if (ev.at <= t && !(ev.until && *ev.until <= t)) return true;
    }
    return false;
}

std::vector<Seconds> World::fault_boundaries() const
{
    std::vector<Seconds> out;
    for (const auto& ev : m_scenario.timeline) {
        if (!ev.fault) continue;
        out.push_back(ev.at);
        if (ev.until) out.push_back(*ev.until);
    }
    return out;
}

std::vector<std::string> World::delegation_records(const ZoneRuntime& child, Seconds t) const
{
    const auto& spec = *child.spec;
    std::vector<std::string> out;
    for (const auto& s : child.servers) out.push_back(fmt::format("{} {} IN NS {}", spec.name, spec.ttl.ns, s.name));
    for (const auto& s : child.servers)
        out.push_back(fmt::format("{} {} IN A {}", s.name, spec.ttl.ns, s.address));
    for (const auto& k : child.keys) {
        if (k.spec->role == KeyRole::Zsk || !k.state(t).ds_at_parent) continue;
        dnssec::DsData ds = k.key.ds();
        // RFC 4509: the parent publishes a digest of the child's DNSKEY. The fault flips the
        // digest's first byte, as a registrar that garbled the submission would.
        if (fault_active(FaultKind::DsDigestMismatch, spec.name, k.spec->name, t) && !ds.digest.empty())
            ds.digest[0] ^= 0xff;
        out.push_back(ds.to_rr(spec.name, spec.ttl.ds));
    }
    return out;
}

std::vector<std::string> World::unsigned_records(const ZoneRuntime& zone, Seconds t) const
{
    const auto& spec = *zone.spec;
    std::vector<std::string> out;
    for (const auto& s : zone.servers) out.push_back(fmt::format("{} {} IN NS {}", spec.name, spec.ttl.ns, s.name));
    for (const auto& s : zone.servers)
        out.push_back(fmt::format("{} {} IN A {}", s.name, ttl_for(spec.ttl, "A", spec.ttl.default_ttl), s.address));
    out.insert(out.end(), spec.records.begin(), spec.records.end());
    for (const auto& k : zone.keys)
        if (k.state(t).published) out.push_back(k.key.dnskey_rr(spec.ttl.dnskey));
    for (const auto& child : m_zones)
        if (child.spec != zone.spec && parent_name(child.spec->name) == spec.name) {
            auto d = delegation_records(child, t);
            out.insert(out.end(), d.begin(), d.end());
        }
    return out;
}

std::string World::soa_record(const ZoneRuntime& zone, std::uint32_t serial) const
{
    const auto& spec = *zone.spec;
    const std::string& primary = zone.servers.front().name;
    std::string contact = "hostmaster." + (spec.name == "." ? std::string("root-servers.rollsim.") : spec.name);
    // refresh, retry, expire, minimum (RFC 1035 3.3.13; MINIMUM is the negative TTL, RFC 2308)
    return fmt::format("{} {} IN SOA {} {} {} 3600 900 1209600 {}", spec.name, spec.ttl.soa, primary, contact,
                       serial, spec.ttl.negative);
}

std::vector<const dnssec::Key*> World::dnskey_signers(const ZoneRuntime& zone, Seconds t) const
{
    std::vector<const dnssec::Key*> out;
    for (const auto& k : zone.keys)
        if (k.spec->role != KeyRole::Zsk && k.state(t).active) out.push_back(&k.key);
    return out;
}

std::vector<const dnssec::Key*> World::zone_signers(const ZoneRuntime& zone, Seconds t) const
{
    std::vector<const dnssec::Key*> out;
    for (const auto& k : zone.keys)
        if (k.spec->role != KeyRole::Ksk && k.state(t).active) out.push_back(&k.key);
    return out;
}

std::string World::root_hints() const
{
    const auto& root = m_zones.front();
    std::string out;
    for (const auto& s : root.servers) out += fmt::format(". 3600000 IN NS {}\n", s.name);
    for (const auto& s : root.servers) out += fmt::format("{} 3600000 IN A {}\n", s.name, s.address);
    return out;
}

std::string World::trust_anchor() const
{
    const auto& root = m_zones.front();
    std::string out;
    for (const auto& k : root.keys)
        if (k.spec->role != KeyRole::Zsk && k.state(Seconds(0)).ds_at_parent)
            out += k.key.ds().to_rr(".", root.spec->ttl.ds) + "\n";
    return out;
}

}  // namespace rollsim::world
