#include "parent/agent.hpp"

#include "dns/ldns_ptr.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace rollsim::parent {

namespace {

using dns::RrListPtr;
using dns::RrPtr;

RrPtr parse(const std::string& text)
{
    ldns_rr* raw = nullptr;
    if (ldns_rr_new_frm_str(&raw, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || !raw)
        throw std::invalid_argument("not a DNS record: '" + text + "'");
    return RrPtr(raw);
}

std::string hex(const ldns_rdf* rdf)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    const std::uint8_t* data = ldns_rdf_data(rdf);
    for (std::size_t i = 0; i < ldns_rdf_size(rdf); ++i) {
        out.push_back(kHex[data[i] >> 4]);
        out.push_back(kHex[data[i] & 0x0f]);
    }
    return out;
}

// "keytag algorithm digest-type DIGEST" of a DS or CDS record.
std::string rdata_of(const ldns_rr* rr)
{
    if (ldns_rr_rd_count(rr) < 4) throw std::invalid_argument("DS record without its four fields");
    return fmt::format("{} {} {} {}", ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)),
                       int(ldns_rdf2native_int8(ldns_rr_rdf(rr, 1))), int(ldns_rdf2native_int8(ldns_rr_rdf(rr, 2))),
                       hex(ldns_rr_rdf(rr, 3)));
}

// The DS RDATA a DNSKEY (or CDNSKEY) gets with a digest type.
std::string ds_of_key(const ldns_rr* key, int digest_type)
{
    RrPtr copy(ldns_rr_clone(key));
    ldns_rr_set_type(copy.get(), LDNS_RR_TYPE_DNSKEY);
    RrPtr ds(ldns_key_rr2ds(copy.get(), static_cast<ldns_hash>(digest_type)));
    if (!ds) return {};
    return rdata_of(ds.get());
}

// One server's answer, parsed: the records of one type and the RRSIGs over them.
struct Rrset {
    std::vector<RrPtr> rrs;
    std::vector<RrPtr> sigs;

    explicit Rrset(const std::vector<std::string>& answer, ldns_rr_type type)
    {
        for (const auto& text : answer) {
            RrPtr rr = parse(text);
            const ldns_rr_type t = ldns_rr_get_type(rr.get());
            if (t == type) rrs.push_back(std::move(rr));
            else if (t == LDNS_RR_TYPE_RRSIG && ldns_rr_rrsig_typecovered(rr.get()) &&
                     ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr.get())) == type)
                sigs.push_back(std::move(rr));
        }
    }
    RrListPtr list() const
    {
        RrListPtr l(ldns_rr_list_new());
        for (const auto& rr : rrs) ldns_rr_list_push_rr(l.get(), rr.get());
        return l;
    }
    // Key tags of the RRSIGs, for messages.
    std::string signer_tags() const
    {
        std::set<int> tags;
        for (const auto& s : sigs) tags.insert(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(s.get())));
        if (tags.empty()) return "no RRSIG";
        std::string out = "signed by tag";
        if (tags.size() > 1) out += "s";
        for (int t : tags) out += " " + std::to_string(t);
        return out;
    }
    // Whether an RRSIG over the set verifies as of `now` with one of `keys`.
    bool verified_by(const ldns_rr_list* keys, std::time_t now) const
    {
        if (rrs.empty()) return false;
        RrListPtr set = list();
        for (const auto& sig : sigs) {
            RrListPtr good(ldns_rr_list_new());  // ldns fills it with the keys that verified
            if (ldns_verify_rrsig_keylist_time(set.get(), sig.get(), keys, now, good.get()) == LDNS_STATUS_OK)
                return true;
        }
        return false;
    }
};

// The RFC 8078 section 4 delete signal: CDS 0 0 0 00 / CDNSKEY 0 3 0 AA== (algorithm 0).
bool is_delete(const ldns_rr* rr)
{
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CDS) return ldns_rdf2native_int8(ldns_rr_rdf(rr, 1)) == 0;
    return ldns_rr_rd_count(rr) >= 3 && ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)) == 0;
}

std::string tags_of(const std::set<std::string>& ds)
{
    if (ds.empty()) return "none";
    std::string out;
    for (const auto& d : ds) out += (out.empty() ? "" : ", ") + d.substr(0, d.find(' '));
    return out;
}

// A server's CDS and CDNSKEY sets as comparable text: "CDS 1234 13 2 AB.. | CDNSKEY 257 3 13 ..".
struct Published {
    std::set<std::string> cds;      // DS RDATA
    std::set<std::string> cdnskey;  // rdata text
    std::string summary() const
    {
        if (cds.empty() && cdnskey.empty()) return "none";
        std::string out = "CDS " + tags_of(cds);
        out += fmt::format(", {} CDNSKEY", cdnskey.size());
        return out;
    }
    bool operator==(const Published&) const = default;
};

std::string rdata_text(const ldns_rr* rr)
{
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        dns::CharPtr t(ldns_rdf2str(ldns_rr_rdf(rr, i)));
        out += (i ? " " : "") + std::string(t ? t.get() : "?");
    }
    return out;
}

std::vector<std::string> sorted(const std::set<std::string>& s) { return {s.begin(), s.end()}; }

}  // namespace

const char* verdict_name(Verdict v)
{
    switch (v) {
    case Verdict::Unchanged: return "unchanged";
    case Verdict::Accepted: return "accepted";
    case Verdict::Refused: return "refused";
    }
    return "?";
}

std::string ds_rdata(const std::string& record)
{
    RrPtr rr = parse(record);
    const auto t = ldns_rr_get_type(rr.get());
    if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_CDS) throw std::invalid_argument("not a DS record: '" + record + "'");
    return rdata_of(rr.get());
}

namespace {

// One server's answer, parsed, with its CDS and CDNSKEY sets as comparable text.
struct Parsed {
    const ServerAnswer* answer;
    Rrset cds, cdnskey, dnskey;
    Published published;
};

// The digest type field of DS RDATA "keytag algorithm digest-type DIGEST".
int digest_type_of(const std::string& ds) { return std::stoi(ds.substr(ds.find(' ', ds.find(' ') + 1) + 1)); }

bool is_delete_set(const Parsed& p)
{
    const auto any_delete = [](const Rrset& set) {
        return std::any_of(set.rrs.begin(), set.rrs.end(), [](const auto& r) { return is_delete(r.get()); });
    };
    return any_delete(p.cds) || any_delete(p.cdnskey);
}

std::set<std::string> current_ds(const std::vector<std::string>& ds)
{
    std::set<std::string> out;
    for (const auto& r : ds) {
        RrPtr rr = parse(r);
        if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_DS) out.insert(rdata_of(rr.get()));
    }
    return out;
}

// RFC 7344 4.1: every server of the child answered and publishes the same CDS/CDNSKEY sets.
// Returns the refusal, or nullopt with `servers` filled.
std::optional<std::string> read_servers(const AgentInput& in, std::vector<Parsed>& servers)
{
    for (const auto& s : in.servers) {
        if (!s.answered) return fmt::format("{} did not answer; every server must be read (RFC 7344 4.1)", s.server);
        Parsed p{&s, Rrset(s.cds, LDNS_RR_TYPE_CDS), Rrset(s.cdnskey, LDNS_RR_TYPE_CDNSKEY),
                 Rrset(s.dnskey, LDNS_RR_TYPE_DNSKEY), {}};
        for (const auto& rr : p.cds.rrs) p.published.cds.insert(rdata_of(rr.get()));
        for (const auto& rr : p.cdnskey.rrs) p.published.cdnskey.insert(rdata_text(rr.get()));
        servers.push_back(std::move(p));
    }
    for (std::size_t i = 1; i < servers.size(); ++i)
        if (!(servers[i].published == servers[0].published))
            return fmt::format("CDS differs between {} ({}) and {} ({}) (RFC 7344 4.1)", servers[0].answer->server,
                               servers[0].published.summary(), servers[i].answer->server,
                               servers[i].published.summary());
    return std::nullopt;
}

// RFC 7344 4.1 / RFC 8078 3: on every server, the CDS and CDNSKEY sets are signed by a key the
// current DS set points to. Returns the refusal, or nullopt.
std::optional<std::string> check_signed_by_ds_keys(const std::vector<Parsed>& servers,
                                                   const std::set<std::string>& current, std::time_t now)
{
    for (const auto& p : servers) {
        RrListPtr ds_keys(ldns_rr_list_new());
        for (const auto& key : p.dnskey.rrs)
            for (const auto& ds : current)
                if (ds_of_key(key.get(), digest_type_of(ds)) == ds) {
                    ldns_rr_list_push_rr(ds_keys.get(), key.get());
                    break;
                }
        for (const auto* set : {&p.cds, &p.cdnskey}) {
            if (set->rrs.empty()) continue;
            const char* type = set == &p.cds ? "CDS" : "CDNSKEY";
            if (ldns_rr_list_rr_count(ds_keys.get()) == 0)
                return fmt::format("no DNSKEY on {} matches the DS set at the parent (tags {}), so the {} cannot be "
                                   "authenticated (RFC 7344 4.1)",
                                   p.answer->server, tags_of(current), type);
            if (!set->verified_by(ds_keys.get(), now))
                return fmt::format("the {} RRset on {} is not signed by a key in the DS set ({}; DS set: tags {}) "
                                   "(RFC 7344 4.1)",
                                   type, p.answer->server, set->signer_tags(), tags_of(current));
        }
    }
    return std::nullopt;
}

// RFC 7344 4.1 / RFC 8078 3: the DS set the child asks for. CDS and CDNSKEY, when both are
// published, must describe the same keys. Returns the refusal, or nullopt with `wanted` set.
std::optional<std::string> wanted_ds(const Parsed& first, std::set<std::string>& wanted)
{
    wanted = first.published.cds;
    if (first.cdnskey.rrs.empty()) return std::nullopt;
    std::set<int> digest_types;
    for (const auto& ds : first.published.cds) digest_types.insert(digest_type_of(ds));
    if (digest_types.empty()) digest_types.insert(2);  // CDNSKEY alone: the parent picks SHA-256
    std::set<std::string> from_keys;
    for (const auto& key : first.cdnskey.rrs)
        for (int dt : digest_types) from_keys.insert(ds_of_key(key.get(), dt));
    if (first.published.cds.empty()) {
        wanted = from_keys;
        return std::nullopt;
    }
    for (const auto& ds : first.published.cds)
        if (!from_keys.count(ds))
            return fmt::format("CDS and CDNSKEY disagree: CDS {} has no CDNSKEY (RFC 7344 4.1)",
                               ds.substr(0, ds.find(' ')));
    for (const auto& ds : from_keys)
        if (!first.published.cds.count(ds))
            return fmt::format("CDS and CDNSKEY disagree: the CDNSKEY of tag {} has no CDS (RFC 7344 4.1)",
                               ds.substr(0, ds.find(' ')));
    return std::nullopt;
}

// RFC 7344 4.1: the new DS set must not break the chain: one of its DS must match a DNSKEY
// that signs the DNSKEY RRset.
bool keeps_the_chain(const Parsed& first, const std::set<std::string>& wanted, std::time_t now)
{
    for (const auto& key : first.dnskey.rrs) {
        RrListPtr one(ldns_rr_list_new());
        ldns_rr_list_push_rr(one.get(), key.get());
        if (!first.dnskey.verified_by(one.get(), now)) continue;
        for (const auto& ds : wanted)
            if (ds_of_key(key.get(), digest_type_of(ds)) == ds) return true;
    }
    return false;
}

// "CDS/CDNSKEY identical on ns1, ns2, ...: DS set tags A -> B (adds B, removes A)"
std::string accepted_reason(const std::vector<Parsed>& servers, const std::set<std::string>& current,
                            const std::set<std::string>& wanted)
{
    std::set<std::string> added, removed;
    for (const auto& ds : wanted)
        if (!current.count(ds)) added.insert(ds);
    for (const auto& ds : current)
        if (!wanted.count(ds)) removed.insert(ds);
    std::string servers_list;
    for (const auto& p : servers) servers_list += (servers_list.empty() ? "" : ", ") + p.answer->server;
    std::string change;
    if (!added.empty()) change += "adds " + tags_of(added);
    if (!removed.empty()) change += (change.empty() ? "" : ", ") + std::string("removes ") + tags_of(removed);
    return fmt::format("CDS/CDNSKEY identical on {}, signed by a key in the DS set: DS set tags {} -> {} ({})",
                       servers_list, tags_of(current), tags_of(wanted), change);
}

}  // namespace

Decision decide(const AgentInput& in)
{
    Decision out;
    const std::set<std::string> current = current_ds(in.ds);
    out.ds = sorted(current);
    const auto refuse = [&](std::string why) {
        out.verdict = Verdict::Refused;
        out.reason = std::move(why);
        return out;
    };
    const auto unchanged = [&](std::string why) {
        out.reason = std::move(why);
        return out;
    };
    if (in.servers.empty()) return refuse("the child has no server to ask");
    std::vector<Parsed> servers;
    if (auto why = read_servers(in, servers)) return refuse(*why);
    const Parsed& first = servers[0];
    if (first.published.cds.empty() && first.published.cdnskey.empty())
        return unchanged("no CDS or CDNSKEY published");
    // RFC 8078 4: a delete signal for a child that has no DS left asks for nothing.
    if (current.empty() && is_delete_set(first))
        return unchanged("delete signal, and no DS at the parent: nothing to remove");
    if (current.empty())
        return refuse("the parent has no DS for the child, so its CDS cannot be authenticated (RFC 8078 "
                      "bootstrapping is not modelled)");
    const std::time_t now = std::chrono::system_clock::to_time_t(in.now);
    if (auto why = check_signed_by_ds_keys(servers, current, now)) return refuse(*why);

    // RFC 8078 4: the delete signal.
    if (is_delete_set(first)) {
        out.delete_signal = true;
        if (in.on_delete == scenario::DeletePolicy::Refuse)
            return refuse("delete signal (RFC 8078 4): refused by the parent's policy (delete: refuse)");
        out.verdict = Verdict::Accepted;
        out.reason = fmt::format("delete signal (RFC 8078 4), signed by a key in the DS set: DS set removed (was tags {})",
                                 tags_of(current));
        out.ds.clear();
        return out;
    }
    std::set<std::string> wanted;
    if (auto why = wanted_ds(first, wanted)) return refuse(*why);
    if (!keeps_the_chain(first, wanted, now))
        return refuse(fmt::format("the new DS set (tags {}) would break the chain: none of it matches a DNSKEY that "
                                  "signs the DNSKEY RRset (RFC 7344 4.1)",
                                  tags_of(wanted)));
    if (wanted == current) return unchanged(fmt::format("CDS matches the DS set at the parent (tags {})", tags_of(current)));
    out.verdict = Verdict::Accepted;
    out.reason = accepted_reason(servers, current, wanted);
    out.ds = sorted(wanted);
    return out;
}

}  // namespace rollsim::parent
