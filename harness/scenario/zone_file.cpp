// The operator's zone file (scenario/zone_file.hpp): read by the zone-template reader
// (records.cpp), its SOA kept, its apex NS names given to the lab's servers, its glue for them
// and its DNSSEC records dropped, the rest checked as template records are; every problem of
// the file collected and reported at once.
#include "scenario/zone_file.hpp"

#include "dns/names.hpp"
#include "scenario/parser.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace rollsim::scenario {

ZoneFileError::ZoneFileError(std::vector<ScenarioError> problems)
    : ScenarioError(problems.front()), m_problems(std::move(problems))
{
    for (const auto& p : m_problems) {
        if (!m_text.empty()) m_text += "\n";
        m_text += p.what();
    }
}

std::string server_name(const ZoneSpec& zone, int index)
{
    if (index >= 0 && std::size_t(index) < zone.server_names.size()) return zone.server_names[std::size_t(index)];
    // The root's servers need names of their own: they live in the root zone itself, under a
    // label scenarios may not use.
    if (zone.name == ".") return fmt::format("ns{}.root-servers.rollsim.", index + 1);
    return fmt::format("ns{}.{}", index + 1, zone.name);
}

bool is_dropped_dnssec_type(std::string_view upper_type)
{
    constexpr std::string_view kDropped[] = {"DNSKEY", "RRSIG", "NSEC",    "NSEC3",
                                             "NSEC3PARAM", "CDS", "CDNSKEY", "ZONEMD"};
    return std::find(std::begin(kDropped), std::end(kDropped), upper_type) != std::end(kDropped);
}

}  // namespace rollsim::scenario

namespace rollsim::scenario::detail {

namespace {

struct SoaRead {
    SoaValues values;
    std::uint32_t ttl = 0;
    std::uint32_t minimum = 0;
    SourceLoc loc;
};

// MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM (RFC 1035 3.3.13); the timers may be written
// as durations (1h), as BIND and NSD accept them.
SoaRead read_soa(const RecordHead& head, const std::vector<Token>& toks, const RecordContext& ctx, std::uint32_t ttl,
                 const std::string& zone)
{
    const Token& type = *head.type_token;
    auto fail_at = [&](const Token& t, const std::string& message) {
        throw ScenarioError(ctx.file, t.line, t.column, message);
    };
    if (head.owner != zone)
        fail_at(head.owner_token ? *head.owner_token : type,
                fmt::format("an SOA record belongs at the zone apex {}, not at {}; fix its owner or remove it", zone,
                            head.owner));
    const std::vector<Token> rd(toks.begin() + long(head.rdata), toks.end());
    const std::string form = "SOA record data must be MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM, e.g. "
                             "'SOA ns1 hostmaster 2027030101 1h 15m 14d 5m'";
    if (rd.size() != 7) fail_at(rd.size() > 7 ? rd[7] : rd.empty() ? type : rd.back(), form);
    auto name = [&](const Token& t) {
        auto n = dns::normalise_name(t.quoted ? "" : t.text, ctx.origin, false);
        if (!n.error.empty()) fail_at(t, fmt::format("bad name '{}' in SOA record: {}", t.text, n.error));
        return n.name;
    };
    auto number = [&](const Token& t, bool duration) {
        std::optional<long long> v;
        if (t.quoted) v = std::nullopt;
        else if (!duration) v = parse_integer(t.text);
        else if (auto d = parse_duration(t.text)) v = d->count();
        if (!v || *v < 0 || *v > std::numeric_limits<std::uint32_t>::max()) fail_at(t, form);
        return std::uint32_t(*v);
    };
    SoaRead out{{name(rd[0]), name(rd[1]), number(rd[2], false), number(rd[3], true), number(rd[4], true),
                 number(rd[5], true)},
                ttl, number(rd[6], true), SourceLoc{ctx.file, type.line, type.column}};
    return out;
}

// Whether the scenario's ttl: map sets `key` (e.g. "soa"), in either case.
bool ttl_given(const Fields& zone_fields, std::string_view key)
{
    const Field* t = zone_fields.find("ttl");
    if (!t || !t->value.IsMap()) return false;
    for (const auto& entry : t->value)
        if (entry.first.IsScalar() && to_lower(entry.first.Scalar()) == key) return true;
    return false;
}

}  // namespace

void Parser::load_zone_file(const Field& f, const Fields& z, ZoneSpec& zone) const
{
    static constexpr FileWords kWords{"from", "zone file", "the operator's zone file", "zone file"};
    if (zone.name == ".")
        fail(key_loc(f), "the lab plays the root with servers of its own; give from: to a zone below the root");
    if (const Field* t = z.find("template"))
        fail(key_loc(*t), "template: and from: both give the zone's records; keep one (records: may add to either)");
    const std::filesystem::path found = find_template(f, kWords);
    RecordContext ctx{display_path(found), zone.name, std::nullopt, std::nullopt, "zone files"};

    std::vector<ScenarioError> problems;
    std::optional<SoaRead> soa;
    std::vector<ApexNs> ns;
    std::vector<StoredRecord> kept;  // checked once the servers' names are known
    bool soa_written = false, ns_written = false;  // even if wrongly: no "has none" then
    read_zone_text(found, ctx, zone, &problems, [&](const std::vector<Token>& toks, const RecordContext& rc) {
        const RecordHead head = record_head(toks, rc);
        const SourceLoc at{rc.file, head.type_token->line, head.type_token->column};
        if (is_dropped_dnssec_type(head.type)) return head.owner;
        if (head.type == "SOA") {
            soa_written = true;
            if (soa)
                fail(at, fmt::format("a second SOA record (the first is on line {}); a zone has one, remove this one",
                                     soa->loc.line));
            soa = read_soa(head, toks, rc, record_ttl(head, rc, zone), zone.name);
        } else if (head.type == "NS" && head.owner == zone.name) {
            ns_written = true;
            const std::vector<Token> rd(toks.begin() + long(head.rdata), toks.end());
            ns.push_back({render_rdata("NS", rd, *head.type_token, rc).front(), record_ttl(head, rc, zone), at});
        } else {
            kept.push_back({toks, rc});
        }
        return head.owner;
    });
    if (!soa_written)
        problems.emplace_back(ctx.file, 0, 0, fmt::format("the zone file has no SOA record; add the SOA of {} "
                                                          "(RFC 1035 5.2: a zone file starts with it)", zone.name));
    if (!ns.empty() || !ns_written) attempt(&problems, [&] { settle_servers(ns, z, ctx.file, zone); });
    std::set<std::string> glue_owners;  // the file's NS names: their A and AAAA records are glue
    for (const auto& n : ns) glue_owners.insert(n.target);
    for (const auto& record : kept) attempt(&problems, [&] { keep_zone_file_record(record, glue_owners, zone); });
    if (!problems.empty()) {
        // In file order; what concerns the file as a whole, then the scenario's fields, last.
        auto order = [&](const ScenarioError& e) {
            return std::pair(e.file() != ctx.file, e.line() > 0 ? e.line() : std::numeric_limits<int>::max());
        };
        std::stable_sort(problems.begin(), problems.end(),
                         [&](const ScenarioError& a, const ScenarioError& b) { return order(a) < order(b); });
        throw ZoneFileError(std::move(problems));
    }
    zone.soa = soa->values;
    if (!ttl_given(z, "soa")) zone.ttl.soa = soa->ttl;
    if (!ttl_given(z, "negative")) zone.ttl.negative = soa->minimum;
    if (!ttl_given(z, "ns")) zone.ttl.ns = ns.front().ttl;
}

// The lab's servers take the file's apex NS names in order; a name outside the zone (or inside
// a zone the scenario also has) cannot be served with its lab address by the zone itself, so
// that server keeps a name of the lab's, nsN.<zone>.
void Parser::settle_servers(const std::vector<ApexNs>& ns, const Fields& z, const std::string& file,
                            ZoneSpec& zone) const
{
    std::vector<const ApexNs*> unique;
    for (const auto& n : ns)
        if (std::none_of(unique.begin(), unique.end(), [&](const ApexNs* u) { return u->target == n.target; }))
            unique.push_back(&n);
    if (unique.empty())
        fail({file, 0, 0}, fmt::format("the zone file has no NS records at the apex {}; add the zone's name servers",
                                       zone.name));
    if (unique.size() > std::size_t(kMaxServers))
        fail(unique[kMaxServers]->loc, fmt::format("the zone file names {} name servers; the lab runs at most {} "
                                                   "a zone, remove some", unique.size(), kMaxServers));
    std::vector<std::string> names;
    for (const ApexNs* n : unique) names.push_back(n->target);
    if (const Field* s = z.find("servers"); s && zone.servers != int(unique.size()))
        fail(loc(*s), fmt::format("servers: {} but the zone file names {} name servers ({}); remove servers: (the "
                                  "file's NS records set it) or make the two agree", zone.servers, unique.size(),
                                  join_and(names)));
    zone.servers = int(unique.size());
    auto served_here = [&](const std::string& name) {
        if (!dns::is_at_or_below(name, zone.name) || name == zone.name) return false;
        return std::none_of(m_all_zones.begin(), m_all_zones.end(), [&](const std::string& other) {
            return other != zone.name && dns::is_at_or_below(other, zone.name) && dns::is_at_or_below(name, other);
        });
    };
    for (auto& name : names)
        if (!served_here(name)) name.clear();
    for (auto& name : names)
        for (int k = 1; name.empty(); ++k)
            if (const std::string lab = fmt::format("ns{}.{}", k, zone.name);
                std::find(names.begin(), names.end(), lab) == names.end())
                name = lab;
    zone.server_names = names;
}

// A record of the file other than its SOA and apex NS: dropped when the lab makes it, else
// checked and rendered as a template record is.
void Parser::keep_zone_file_record(const StoredRecord& r, const std::set<std::string>& glue_owners,
                                   ZoneSpec& zone) const
{
    const RecordHead head = record_head(r.tokens, r.ctx);
    // At or below a zone the scenario also has: the delegation (NS, DS, glue) is the lab's,
    // made from that zone's servers and keys.
    for (const auto& other : m_all_zones)
        if (other != zone.name && dns::is_at_or_below(other, zone.name) && dns::is_at_or_below(head.owner, other))
            return;
    // The addresses of the zone's own servers: the lab serves their lab addresses instead.
    if ((head.type == "A" || head.type == "AAAA") && glue_owners.count(head.owner)) return;
    std::string owner;
    add_record(zone, render_record(r.tokens, r.ctx, zone, owner), {r.ctx.file, r.tokens.front().line, r.tokens.front().column});
}

}  // namespace rollsim::scenario::detail
