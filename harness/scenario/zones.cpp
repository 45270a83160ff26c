// Zones and their keys (scenario/parser.hpp): zone names with their ancestors, servers, TTLs,
// the signing policy with NSEC3 parameters, the parent agent, and each key's role, algorithm,
// servers and times, with the defaults a key without times gets. Templates and records are
// records.cpp's.
#include "scenario/parser.hpp"

#include "dns/names.hpp"
#include "scenario/pattern.hpp"

#include <cctype>

namespace rollsim::scenario::detail {

namespace {

// The lab numbers zone addresses 127.53.<zone>.<server> for the first 250 zones, then
// 127.(60 + i/250).(i%250).<server> (world/world.hpp): 10000 zones fit below 127.100.
constexpr int kMaxZones = 10000;

// The label of `zone` that begins with '-', or nothing. Every label of a zone name leads the
// name of a zone the lab serves (the zone's ancestors are served too), and a zone's name is an
// argument of nsd-control, which reads an argument beginning with '-' as an option. RFC 1035
// 2.3.1 (and RFC 1123 2.1) keep '-' out of the first character of a label anyway.
std::optional<std::string> hyphen_label(const std::string& zone)
{
    for (std::size_t begin = 0; begin < zone.size();) {
        const std::size_t dot = zone.find('.', begin);
        if (zone[begin] == '-') return zone.substr(begin, dot - begin);
        begin = dot + 1;
    }
    return std::nullopt;
}

}  // namespace

void Parser::parse_zones(const Field& f)
{
    if (!f.value.IsNull() && !f.value.IsMap())
        fail(loc(f), fmt::format("zones must be a map of zone names to their settings, not {}", describe(f.value)));
    std::vector<Field> list = entries(f.value, "zones", loc(f));
    if (list.empty()) fail(loc(f), "zones is empty; list at least one zone, e.g. 'example.com.: {}'");

    // Pass 1: names (a pattern key stands for many), so that records can be checked against
    // every zone cut. A map finds a name listed twice in the time of the names, not their square.
    std::vector<std::pair<std::string, std::size_t>> names;  // zone, its entry in `list`
    std::map<std::string, std::size_t> first_entry;
    for (std::size_t i = 0; i < list.size(); ++i) {
        for (auto& name : listed_names(list[i])) {
            const auto [it, fresh] = first_entry.emplace(name, i);
            if (!fresh)
                fail(key_loc(list[i]), fmt::format("zone {} is listed twice (first at line {}); merge the two", name,
                                                   key_loc(list[it->second]).line));
            names.emplace_back(std::move(name), i);
        }
    }
    for (const auto& [name, entry] : names) {
        m_listed.push_back(name);
        m_all_zones.insert(name);
        for (std::string a = name; a != ".";) {
            a = dns::parent_name(a);
            m_all_zones.insert(a);
            m_ancestor_loc.emplace(a, key_loc(list[entry]));
        }
    }
    if (int(m_all_zones.size()) > kMaxZones)
        fail(loc(f), fmt::format("the scenario has {} zones with their ancestors; the lab holds at most {}",
                                 m_all_zones.size(), kMaxZones));

    // Pass 2: settings, read again for every zone of a pattern: each is a zone of its own.
    m_scenario.zones.reserve(names.size());
    for (const auto& [name, entry] : names) m_scenario.zones.push_back(parse_zone(name, list[entry]));
    add_ancestors();
}

std::vector<std::string> Parser::listed_names(const Field& z) const
{
    std::vector<std::string> out;
    for (const auto& written : expand(z.name, key_loc(z))) {
        auto n = dns::normalise_name(written, "", false);
        if (!n.error.empty()) fail(key_loc(z), fmt::format("bad zone name '{}': {}", written, n.error));
        if (auto label = hyphen_label(n.name))
            fail(key_loc(z), fmt::format("bad zone name '{}': label '{}' begins with '-', which the lab's server "
                                         "tools would read as an option; begin each label with a letter, digit "
                                         "or '_'", written, *label));
        if (n.name == kReservedZone)
            fail(key_loc(z), "zone 'rollsim.' is reserved: the lab names its root servers under it; use another name");
        if (dns::is_at_or_below(n.name, kReservedZone))
            fail(key_loc(z), fmt::format("zone '{}' is under rollsim., which the lab reserves for its root servers; "
                                         "use another name", n.name));
        out.push_back(std::move(n.name));
    }
    return out;
}

ZoneSpec Parser::parse_zone(const std::string& name, const Field& f)
{
    ZoneSpec zone;
    zone.name = name;
    zone.loc = key_loc(f);
    if (is_pattern(f.name)) zone.pattern = f.name;
    const std::string context = fmt::format("zone {}", name);
    Fields z = fields(f.value, context, zone.loc, kZoneFields);
    if (const Field* from = z.find("from"); from && !zone.pattern.empty())
        fail(key_loc(*from), fmt::format("from: reads one zone's own file, and {} stands for many zones; give them "
                                         "template: or records: with owners relative to each zone, or list the zone "
                                         "by name", zone.pattern));

    if (const Field* s = z.find("servers")) parse_zone_servers(*s, zone);
    if (const Field* t = z.find("ttl")) zone.ttl = parse_ttls(*t);
    // Before keys and records: the file may set the servers they name.
    if (const Field* from = z.find("from")) load_zone_file(*from, z, zone);
    // signing: algorithm is not part of the policy: it is the default for the zone's keys.
    Algorithm algorithm = Algorithm::ECDSAP256SHA256;
    if (const Field* s = z.find("signing")) zone.signing = parse_signing(*s, algorithm);
    parse_keys(z.find("keys"), zone, algorithm);
    if (const Field* t = z.find("template")) load_template(*t, zone);
    if (const Field* r = z.find("records")) parse_records(*r, zone);
    if (const Field* a = z.find("parent-agent")) {
        if (name == ".")
            fail(key_loc(*a), "the root has no parent, so no parent-agent; give parent-agent: to a zone below it");
        ParentAgent agent;
        agent.loc = key_loc(*a);
        Fields af = fields(a->value, "parent-agent", loc(*a), kParentAgentFields);
        if (const Field* x = af.find("scan-every")) agent.scan_every = positive_duration(*x);
        if (const Field* x = af.find("registration-delay")) agent.registration_delay = duration(*x);
        if (const Field* x = af.find("delete")) agent.on_delete = choice<DeletePolicy>(*x, "delete policy");
        zone.parent_agent = agent;
    }
    if (const Field* s = z.find("signer")) parse_signer(*s, z, zone);
    if (const Field* d = z.find("ds-digests")) zone.ds_digests = parse_ds_digests(*d, zone);
    return zone;
}

// ds-digests: [sha256, sha384]: the digest types of the DS records at the parent.
std::vector<DsDigest> Parser::parse_ds_digests(const Field& f, const ZoneSpec& zone) const
{
    if (zone.name == ".")
        fail(key_loc(f), "the root has no parent, so no DS; its trust anchor is its DNSKEY (remove ds-digests)");
    if (zone.parent_agent)
        fail(key_loc(f), fmt::format("zone {} has a parent-agent, which publishes the digest types of the child's "
                                     "CDS records; remove ds-digests or parent-agent",
                                     zone.name));
    if (!f.value.IsSequence())
        fail(loc(f), fmt::format("ds-digests must be a list of one or two digest types such as [sha256, sha384], "
                                 "not {}",
                                 describe(f.value)));
    if (f.value.size() == 0)
        fail(loc(f), "ds-digests is empty; list sha256, sha384 or both, or remove it for the default [sha256]");
    std::vector<DsDigest> out;
    for (const auto& item : f.value) {
        const Field digest{"ds-digests", item, item};
        if (item.IsScalar() && (to_lower(item.Scalar()) == "sha1" || to_lower(item.Scalar()) == "sha-1"))
            fail(loc(item), "a SHA-1 DS must not be published (RFC 8624 3.3); use sha256 or sha384");
        const DsDigest d = choice<DsDigest>(digest, "DS digest type");
        if (std::find(out.begin(), out.end(), d) != out.end())
            fail(loc(item), fmt::format("DS digest type {} is listed twice; remove one", to_string(d)));
        out.push_back(d);
    }
    return out;
}

Ttls Parser::parse_ttls(const Field& f) const
{
    Ttls t;
    std::vector<std::string> candidates = to_strings(kTtlFields);
    for (const auto& type : record_types()) candidates.push_back(type);
    for (const auto& e : entries(f.value, "ttl", loc(f))) {
        const std::string upper = to_upper(e.name);
        if (e.name == "default") t.default_ttl = ttl(e);
        else if (e.name == "dnskey" || upper == "DNSKEY") t.dnskey = ttl(e);
        else if (e.name == "ds" || upper == "DS") t.ds = ttl(e);
        else if (e.name == "soa" || upper == "SOA") t.soa = ttl(e);
        else if (e.name == "ns" || upper == "NS") t.ns = ttl(e);
        else if (e.name == "negative") t.negative = ttl(e);
        else if (upper == "RRSIG") fail(key_loc(e), "RRSIG TTLs follow the RRset they cover; remove this field");
        else if (upper == "NSEC" || upper == "NSEC3")
            fail(key_loc(e), fmt::format("{} TTLs come from negative; set 'negative' instead", upper));
        else if (is_record_type(upper) && (e.name == upper || e.name == to_lower(upper))) t.by_type[upper] = ttl(e);
        else fail(key_loc(e), fmt::format("unknown field '{}' in ttl{}", e.name, suggest(e.name, candidates, false)));
    }
    return t;
}

Algorithm Parser::algorithm(const Field& f) const
{
    const std::string text = scalar(f);
    if (auto n = parse_integer(text)) {
        for (const auto& row : kAlgorithmNames)
            if (int(row.value) == *n) return row.value;
        fail(loc(f), fmt::format("unsupported algorithm number {} (use 8, 10, 13, 14 or 15, or a name such as "
                                 "ECDSAP256SHA256)", text));
    }
    return choice<Algorithm>(f, "algorithm", false);
}

SigningPolicy Parser::parse_signing(const Field& f, Algorithm& algorithm_out) const
{
    SigningPolicy p;
    Fields s = fields(f.value, "signing", loc(f), kSigningFields);
    if (const Field* a = s.find("algorithm")) algorithm_out = algorithm(*a);
    if (const Field* a = s.find("validity")) p.validity = duration(*a);
    if (const Field* r = s.find("refresh")) p.refresh = duration(*r);
    if (const Field* i = s.find("inception-offset")) p.inception_offset = duration(*i);
    if (const Field* d = s.find("denial")) p.denial = choice<Denial>(*d, "denial method");
    if (const Field* n = s.find("nsec3")) {
        if (p.denial != Denial::Nsec3)
            fail(key_loc(*n), "nsec3 settings apply only with denial: nsec3 (add 'denial: nsec3' to signing, or remove "
                              "nsec3)");
        parse_nsec3(*n, p);
    }
    if (p.validity <= p.refresh) {
        const Field* at = s.find("validity") ? s.find("validity") : s.find("refresh");
        fail(loc(*at), fmt::format("validity ({}) must be longer than refresh ({})", format_duration(p.validity),
                                   format_duration(p.refresh)));
    }
    parse_resign(s, p);
    return p;
}

// re-sign: full | incremental, and jitter: a duration shorter than refresh, only with
// incremental re-signing (docs/scenario-format.md, "signing").
void Parser::parse_resign(const Fields& s, SigningPolicy& p) const
{
    if (const Field* r = s.find("re-sign")) p.resign = choice<Resign>(*r, "re-sign method");
    const Field* j = s.find("jitter");
    if (!j) return;
    p.jitter = duration(*j);
    if (p.resign != Resign::Incremental)
        fail(key_loc(*j), "jitter applies only with incremental re-signing (add 're-sign: incremental' to signing, or "
                          "remove jitter)");
    if (p.jitter >= p.refresh)
        fail(loc(*j), fmt::format("jitter ({}) must be shorter than refresh ({})", format_duration(p.jitter),
                                  format_duration(p.refresh)));
}

// nsec3: { iterations: N, salt: hex | "-" }. RFC 9276 recommends the defaults: 0 and no salt.
void Parser::parse_nsec3(const Field& f, SigningPolicy& p) const
{
    Fields n = fields(f.value, "nsec3", loc(f), kNsec3Fields);
    if (const Field* i = n.find("iterations")) p.nsec3_iterations = int(integer(*i, 0, kMaxNsec3Iterations));
    if (const Field* s = n.find("salt")) {
        if (s->value.IsNull())
            fail(loc(*s), "salt has no value; write hex digits such as 'AABBCCDD', or \"-\" for no salt");
        const std::string text = scalar(*s);
        if (text == "-") {
            p.nsec3_salt.clear();
        } else if (!is_hex(text) || text.size() % 2 != 0 || text.size() > 510) {
            fail(loc(*s), fmt::format("bad salt '{}': write an even number of hex digits (at most 510, i.e. 255 "
                                      "octets) such as 'AABBCCDD', or \"-\" for no salt", text));
        } else {
            p.nsec3_salt = to_lower(text);
        }
    }
}

// Keys without algorithm: get the zone's signing algorithm. No keys: a ksk and a zsk.
void Parser::parse_keys(const Field* f, ZoneSpec& zone, Algorithm algorithm)
{
    if (f) {
        for (const auto& k : entries(f->value, fmt::format("keys of zone {}", zone.name), loc(*f)))
            zone.keys.push_back(parse_key(k, zone, algorithm));
    }
    if (!zone.keys.empty()) return;
    for (auto [name, role] : {std::pair{"ksk", KeyRole::Ksk}, std::pair{"zsk", KeyRole::Zsk}}) {
        KeySpec k;
        k.name = name;
        k.role = role;
        k.algorithm = algorithm;
        k.publish = Seconds{0};
        k.activate = Seconds{0};
        if (role == KeyRole::Ksk) k.ds_add = Seconds{0};
        k.loc = f ? key_loc(*f) : zone.loc;
        zone.keys.push_back(k);
    }
}

KeySpec Parser::parse_key(const Field& f, const ZoneSpec& zone, Algorithm zone_algorithm)
{
    KeySpec key;
    key.name = f.name;
    key.loc = key_loc(f);
    for (char c : key.name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            fail(key.loc, fmt::format("bad key name '{}': use letters, digits, '-', '_' and '.'", key.name));
    const std::string context = fmt::format("key '{}'", key.name);
    if (!f.value.IsNull() && !f.value.IsMap())
        fail(loc(f),
             fmt::format("key '{}' must be a map such as '{{ role: zsk }}', not {}", key.name, describe(f.value)));
    Fields k = fields(f.value, context, key.loc, kKeyFields);

    const Field* role = k.find("role");
    if (!role) missing(f.value.IsNull() ? key.loc : loc(f.value), "role", context, "role: zsk");
    key.role = choice<KeyRole>(*role, "key role");
    key.algorithm = zone_algorithm;
    if (const Field* a = k.find("algorithm")) key.algorithm = algorithm(*a);
    if (const Field* b = k.find("bits")) {
        if (key.algorithm != Algorithm::RSASHA256 && key.algorithm != Algorithm::RSASHA512)
            fail(key_loc(*b), fmt::format("bits applies only to RSA keys; key '{}' uses {}; remove bits", key.name,
                                          to_string(key.algorithm)));
        key.bits = int(integer(*b, 512, 4096));
    }
    // A key's own times, by field name.
    static constexpr std::pair<std::string_view, std::optional<Seconds> KeySpec::*> kTimes[] = {
        {"publish", &KeySpec::publish}, {"activate", &KeySpec::activate}, {"retire", &KeySpec::retire},
        {"remove", &KeySpec::remove},   {"ds", &KeySpec::ds_add},         {"ds-remove", &KeySpec::ds_remove},
        {"revoke", &KeySpec::revoke},
    };
    for (const auto& [name, member] : kTimes)
        if (const Field* t = k.find(name)) key.*member = time(*t);
    if (const Field* s = k.find("servers")) key.servers = parse_key_servers(*s, zone, key.name);
    if (key.role == KeyRole::Zsk) {
        for (std::string_view ds : {"ds", "ds-remove"})
            if (const Field* t = k.find(ds))
                fail(key_loc(*t), fmt::format("{} applies to a ksk or csk; key '{}' is a zsk (remove {}, or make it "
                                              "role: ksk)", ds, key.name, ds));
    }

    // Defaults: a key without publish: is one the zone already has at the start.
    if (!key.publish) {
        key.publish = Seconds{0};
        if (!key.activate) key.activate = Seconds{0};
        if (key.role != KeyRole::Zsk && !key.ds_add) key.ds_add = Seconds{0};
    }
    check_key_order(key, k);
    return key;
}

// servers: [ns1, ns2]: the copies of the zone the key signs (multi-signer).
std::vector<std::string> Parser::parse_key_servers(const Field& f, const ZoneSpec& zone, const std::string& key) const
{
    if (!f.value.IsSequence())
        fail(loc(f), fmt::format("servers of key '{}' must be a list of server names such as [ns1, ns2], not {}", key,
                                 describe(f.value)));
    if (f.value.size() == 0)
        fail(loc(f), fmt::format("servers of key '{}' is empty; list the servers whose copy of the zone it signs, "
                                 "e.g. [ns1], or remove servers to sign on every server", key));
    std::vector<std::string> out;
    for (const auto& item : f.value) {
        const SourceLoc at = loc(item);
        if (!item.IsScalar())
            fail(at, fmt::format("each server of key '{}' must be a name such as ns1, not {}", key, describe(item)));
        std::string server = server_ref(item.Scalar(), zone, at);
        if (std::find(out.begin(), out.end(), server) != out.end())
            fail(at, fmt::format("server {} is listed twice for key '{}'; remove one", server, key));
        out.push_back(std::move(server));
    }
    return out;
}

// "ns2" -> "ns2" when the zone has at least two servers; the error says which servers exist.
std::string Parser::server_ref(const std::string& text, const ZoneSpec& zone, const SourceLoc& where) const
{
    std::vector<std::string> names;
    for (int i = 1; i <= zone.servers; ++i) names.push_back(fmt::format("ns{}", i));
    const std::string server = to_lower(text);
    if (std::find(names.begin(), names.end(), server) != names.end()) return server;
    std::optional<long long> number;
    if (server.size() > 2 && server.compare(0, 2, "ns") == 0 && std::isdigit(static_cast<unsigned char>(server[2])) &&
        server[2] != '0')
        number = parse_integer(std::string_view(server).substr(2));
    if (number && *number > zone.servers && *number <= kMaxServers)
        fail(where, fmt::format("zone {} has no server {} (it has {}: {}); raise the zone's servers: to {} or name "
                                "one it has", zone.name, server, zone.servers, join_and(names), *number));
    if (auto m = closest(server, names))
        fail(where, fmt::format("zone {} has no server '{}' (did you mean '{}'?)", zone.name, text, *m));
    fail(where, fmt::format("zone {} has no server '{}' (its servers are {})", zone.name, text, join_and(names)));
}

// Contradictions between a key's own times. Equal times are allowed.
void Parser::check_key_order(const KeySpec& key, const Fields& fields) const
{
    struct Rule {
        std::string_view later, earlier;
        const std::optional<Seconds>& later_value;
        const std::optional<Seconds>& earlier_value;
    };
    const Rule rules[] = {
        {"activate", "publish", key.activate, key.publish},
        {"retire", "activate", key.retire, key.activate},
        {"remove", "publish", key.remove, key.publish},
        {"remove", "activate", key.remove, key.activate},
        {"ds-remove", "ds", key.ds_remove, key.ds_add},
        {"revoke", "publish", key.revoke, key.publish},
        {"remove", "revoke", key.remove, key.revoke},
    };
    for (const auto& r : rules) {
        if (!r.later_value || !r.earlier_value || *r.later_value >= *r.earlier_value) continue;
        const Field* at = fields.find(r.later);
        if (!at) at = fields.find(r.earlier);
        fail(at ? loc(*at) : key.loc,
             fmt::format("{} ({}) is before {} ({}) for key '{}'; {} must not come before {}", r.later,
                         format_offset(*r.later_value), r.earlier, format_offset(*r.earlier_value), key.name,
                         r.later, r.earlier));
    }
}

void Parser::add_ancestors()
{
    const std::set<std::string> listed(m_listed.begin(), m_listed.end());
    for (const auto& name : m_all_zones) {
        if (listed.count(name)) continue;
        ZoneSpec zone;
        zone.name = name;
        zone.implicit = true;
        zone.loc = m_ancestor_loc.at(name);
        parse_keys(nullptr, zone, Algorithm::ECDSAP256SHA256);
        m_scenario.zones.push_back(std::move(zone));
    }
    std::stable_sort(m_scenario.zones.begin(), m_scenario.zones.end(), [](const ZoneSpec& a, const ZoneSpec& b) {
        const int la = dns::label_count(a.name), lb = dns::label_count(b.name);
        return la != lb ? la < lb : a.name < b.name;
    });
}

}  // namespace rollsim::scenario::detail
