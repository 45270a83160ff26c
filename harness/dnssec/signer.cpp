#include "dnssec/signer.hpp"

#include "dns/ldns_ptr.hpp"

#include <ldns/ldns.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

namespace rollsim::dnssec {

namespace {

// ---------------------------------------------------------------------------------------------
// Owners for ldns objects; each is released with its own ldns function. The common ones come
// from dns/ldns_ptr.hpp (RrListPtr is shallow: the list never owns the records pushed into it
// here); the key owners below are particular to signing.

using dns::CharPtr;
using dns::RdfPtr;
using dns::rr_to_string;
using dns::RrListPtr;
using dns::RrPtr;

// A view key shares the EVP key and owner name of a rollsim Key, so only the struct is freed.
struct ViewKeyFree {
    void operator()(ldns_key* key) const { ldns_key_free(key); }
};
// ldns_key_list_free() deep-frees the keys it holds; ours are views freed separately, so the
// list is emptied first and only its own storage goes.
struct KeyListFree {
    void operator()(ldns_key_list* list) const
    {
        ldns_key_list_set_key_count(list, 0);
        ldns_key_list_free(list);
    }
};

using ViewKeyPtr = std::unique_ptr<ldns_key, ViewKeyFree>;
using KeyListPtr = std::unique_ptr<ldns_key_list, KeyListFree>;

std::string rdf_to_string(const ldns_rdf* rdf)
{
    CharPtr text(ldns_rdf2str(rdf));
    return text ? std::string(text.get()) : std::string("?");
}

std::uint32_t rrsig_time(TimePoint t)
{
    // RFC 4034 3.1.5: seconds since 1 January 1970 00:00:00 UTC, modulo 2^32 (serial arithmetic).
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(t.time_since_epoch().count()));
}

// ---------------------------------------------------------------------------------------------
// Signing keys

// The keys of one signing role as an ldns key list. Each entry is a view on a caller's Key
// carrying this request's inception and expiration, so the caller's keys are never modified
// and several zones may be signed with the same Key at once.
class SignerSet {
public:
    SignerSet(const std::vector<const Key*>& keys, std::uint32_t inception, std::uint32_t expiration)
        : m_list(ldns_key_list_new())
    {
        if (!m_list) throw std::bad_alloc();
        for (const Key* key : keys) {
            if (!key || !key->ldns()) throw std::invalid_argument("sign_zone: null signing key");
            // RFC 4034 2.1.1: only a key with the Zone Key flag may verify RRSIGs; ldns would
            // silently skip any other.
            if (!(key->flags() & kFlagZone))
                throw std::invalid_argument("key " + std::to_string(key->keytag()) + " of " +
                                            key->owner() +
                                            " lacks the Zone Key flag and cannot sign (RFC 4034 2.1.1)");
            const ldns_key* source = key->ldns();
            ViewKeyPtr view(ldns_key_new());
            if (!view) throw std::bad_alloc();
            ldns_key_set_algorithm(view.get(), ldns_key_algorithm(source));
            ldns_key_set_evp_key(view.get(), ldns_key_evp_key(source));
            ldns_key_set_pubkey_owner(view.get(), ldns_key_pubkey_owner(source));
            ldns_key_set_flags(view.get(), ldns_key_flags(source));
            ldns_key_set_keytag(view.get(), key->keytag());
            ldns_key_set_inception(view.get(), inception);
            ldns_key_set_expiration(view.get(), expiration);
            ldns_key_set_use(view.get(), true);
            if (!ldns_key_list_push_key(m_list.get(), view.get())) throw std::bad_alloc();
            m_views.push_back(std::move(view));
        }
    }

    bool empty() const { return m_views.empty(); }
    std::size_t size() const { return m_views.size(); }
    ldns_key_list* list() const { return m_list.get(); }

private:
    std::vector<ViewKeyPtr> m_views;  // declared first: destroyed after the list that holds them
    KeyListPtr m_list;
};

// ---------------------------------------------------------------------------------------------
// The zone as a tree of owners

// Canonical DNS name order (RFC 4034 6.1); ldns_dname_compare ignores case.
struct CanonicalNameLess {
    bool operator()(const ldns_rdf* a, const ldns_rdf* b) const { return ldns_dname_compare(a, b) < 0; }
};

struct RrsetKey {
    std::uint16_t type = 0;
    std::uint16_t rr_class = 0;
    // Within an owner: the SOA first (zone files conventionally start with it), then by type.
    auto operator<=>(const RrsetKey& other) const
    {
        const auto rank = [](const RrsetKey& k) {
            return std::tuple(k.type != LDNS_RR_TYPE_SOA, k.type, k.rr_class);
        };
        return rank(*this) <=> rank(other);
    }
    bool operator==(const RrsetKey&) const = default;
};

enum class OwnerKind {
    Authoritative,  // the apex and ordinary data owners
    Delegation,     // a zone cut below the apex (RFC 4034 4.1.2, RFC 4035 2.2)
    Occluded,       // strictly below a zone cut: glue or occluded data (RFC 4035 2.2)
};

struct Rrset {
    std::vector<ldns_rr*> rrs;         // owned by the arena in sign_zone
    std::vector<ldns_rr*> signatures;  // RRSIGs covering this set
};

struct Owner {
    const ldns_rdf* name = nullptr;  // the owner of one of its records
    OwnerKind kind = OwnerKind::Authoritative;
    bool apex = false;
    std::map<RrsetKey, Rrset> rrsets;  // by type: a stable, deterministic order in the output

    bool has(ldns_rr_type type) const
    {
        return std::any_of(rrsets.begin(), rrsets.end(),
                           [type](const auto& entry) { return entry.first.type == type; });
    }
};

using OwnerMap = std::map<const ldns_rdf*, Owner, CanonicalNameLess>;

// RRsets signed by the DNSKEY signers (the KSKs/CSKs): the apex DNSKEY RRset (RFC 4035 2.1)
// and CDS/CDNSKEY, which must be signed by a key the parent's DS points to (RFC 7344 4.1).
bool signed_by_dnskey_signers(const Owner& owner, std::uint16_t type)
{
    return owner.apex && (type == LDNS_RR_TYPE_DNSKEY || type == LDNS_RR_TYPE_CDS ||
                          type == LDNS_RR_TYPE_CDNSKEY);
}

// Whether an RRset is authoritative data that gets RRSIGs (RFC 4035 2.2): everything at the
// apex and at ordinary owners; at a zone cut only DS and NSEC; nothing below a cut.
bool is_signed(const Owner& owner, std::uint16_t type)
{
    switch (owner.kind) {
    case OwnerKind::Authoritative: return true;
    case OwnerKind::Delegation: return type == LDNS_RR_TYPE_DS || type == LDNS_RR_TYPE_NSEC;
    case OwnerKind::Occluded: return false;
    }
    return false;
}

// Parses one record; the text must name its owner absolutely, since ldns would otherwise
// append the root silently and the owner would fall outside the zone without saying why.
RrPtr parse_record(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos || first != 0)
        throw std::invalid_argument("invalid record '" + text + "': it must start with an absolute owner name");
    const auto end = text.find_first_of(" \t", first);
    const std::string owner_text = text.substr(0, end);
    if (!ldns_dname_str_absolute(owner_text.c_str()))
        throw std::invalid_argument("invalid record '" + text + "': owner '" + owner_text +
                                    "' is not absolute (it must end with '.')");

    ldns_rr* raw = nullptr;
    const ldns_status status = ldns_rr_new_frm_str(&raw, text.c_str(), 0, nullptr, nullptr);
    RrPtr rr(raw);
    if (status != LDNS_STATUS_OK || !rr)
        throw std::invalid_argument("invalid record '" + text + "': " + ldns_get_errorstr_by_id(status));
    switch (ldns_rr_get_type(rr.get())) {
    case LDNS_RR_TYPE_RRSIG:
    case LDNS_RR_TYPE_NSEC:
    case LDNS_RR_TYPE_NSEC3:
    case LDNS_RR_TYPE_NSEC3PARAM:
        throw std::invalid_argument("invalid record '" + text +
                                    "': RRSIG and NSEC records are made by the signer");
    default: break;
    }
    // Owner names compare and print in lower case (RFC 4034 6.2).
    ldns_dname2canonical(ldns_rr_owner(rr.get()));
    return rr;
}

// Sorts an RRset into canonical RR order (RFC 4034 6.3), drops duplicate RRs (RFC 2181 5)
// and gives every member the lowest TTL found, since an RRset has one TTL (RFC 2181 5.2).
void normalize_rrset(std::vector<ldns_rr*>& rrs)
{
    std::sort(rrs.begin(), rrs.end(),
              [](const ldns_rr* a, const ldns_rr* b) { return ldns_rr_compare(a, b) < 0; });
    rrs.erase(std::unique(rrs.begin(), rrs.end(),
                          [](const ldns_rr* a, const ldns_rr* b) { return ldns_rr_compare(a, b) == 0; }),
              rrs.end());
    std::uint32_t ttl = ldns_rr_ttl(rrs.front());
    for (const ldns_rr* rr : rrs) ttl = std::min(ttl, ldns_rr_ttl(rr));
    for (ldns_rr* rr : rrs) ldns_rr_set_ttl(rr, ttl);
}

// Marks zone cuts and what lies beneath them (RFC 4035 2.2: NS RRsets at owners other than
// the apex are delegations; names below a cut belong to the child zone).
void classify(OwnerMap& owners, const ldns_rdf* origin)
{
    for (auto& [name, owner] : owners)
        if (!owner.apex && owner.has(LDNS_RR_TYPE_NS)) owner.kind = OwnerKind::Delegation;

    const std::size_t origin_labels = ldns_dname_label_count(origin);
    std::vector<Owner*> occluded;
    for (auto& [name, owner] : owners) {
        if (owner.apex) continue;
        RdfPtr ancestor(ldns_dname_left_chop(name));
        while (ancestor && ldns_dname_label_count(ancestor.get()) > origin_labels) {
            auto it = owners.find(ancestor.get());
            if (it != owners.end() && it->second.kind == OwnerKind::Delegation) {
                occluded.push_back(&owner);
                break;
            }
            ancestor.reset(ldns_dname_left_chop(ancestor.get()));
        }
    }
    // Applied afterwards so that a cut below another cut still occludes its own subtree.
    for (Owner* owner : occluded) owner->kind = OwnerKind::Occluded;
}

// The NSEC type bitmap of one owner (RFC 4034 4.1.2). At a zone cut only NS, DS and the
// parent's own NSEC/RRSIG are listed: "bits corresponding to any non-NS RRset for which the
// parent is not authoritative MUST be clear".
RdfPtr nsec_bitmap(const Owner& owner, bool has_rrsig)
{
    std::set<std::uint16_t> types;
    for (const auto& [key, rrset] : owner.rrsets) {
        if (owner.kind == OwnerKind::Delegation && key.type != LDNS_RR_TYPE_NS && key.type != LDNS_RR_TYPE_DS)
            continue;
        types.insert(key.type);
    }
    types.insert(LDNS_RR_TYPE_NSEC);
    if (has_rrsig) types.insert(LDNS_RR_TYPE_RRSIG);
    std::vector<ldns_rr_type> list;
    list.reserve(types.size());
    for (std::uint16_t t : types) list.push_back(static_cast<ldns_rr_type>(t));
    RdfPtr bitmap(ldns_dnssec_create_nsec_bitmap(list.data(), list.size(), LDNS_RR_TYPE_NSEC));
    if (!bitmap) throw std::runtime_error("ldns could not build an NSEC type bitmap");
    return bitmap;
}

// Whether any RRSIG will exist at this owner: the NSEC itself is signed by the zone signers,
// the apex key sets by the DNSKEY signers (RFC 4034 4.1.2: the bitmap lists what exists).
bool owner_has_rrsig(const Owner& owner, const SignerSet& zone_signers, const SignerSet& dnskey_signers)
{
    if (!zone_signers.empty()) return true;
    if (dnskey_signers.empty()) return false;
    return std::any_of(owner.rrsets.begin(), owner.rrsets.end(), [&owner](const auto& entry) {
        return signed_by_dnskey_signers(owner, entry.first.type);
    });
}

// RRSIGs over one RRset with every key of the set (RFC 4034 3, RFC 4035 2.2).
std::vector<RrPtr> sign_rrset(const std::vector<ldns_rr*>& rrs, const SignerSet& signers)
{
    std::vector<RrPtr> out;
    if (signers.empty() || rrs.empty()) return out;
    RrListPtr rrset(ldns_rr_list_new());
    if (!rrset) throw std::bad_alloc();
    for (ldns_rr* rr : rrs)
        if (!ldns_rr_list_push_rr(rrset.get(), rr)) throw std::bad_alloc();

    RrListPtr signatures(ldns_sign_public(rrset.get(), signers.list()));
    if (!signatures)
        throw std::runtime_error("ldns could not sign the " + rdf_to_string(ldns_rr_owner(rrs.front())) +
                                 " RRset of type " + std::to_string(ldns_rr_get_type(rrs.front())));
    const std::size_t count = ldns_rr_list_rr_count(signatures.get());
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) out.emplace_back(ldns_rr_list_rr(signatures.get(), i));
    if (count != signers.size())
        throw std::runtime_error("ldns made " + std::to_string(count) + " signatures for " +
                                 std::to_string(signers.size()) + " keys");
    return out;
}

}  // namespace

std::string SignedZone::text() const
{
    std::size_t size = 0;
    for (const auto& line : records) size += line.size() + 1;
    std::string out;
    out.reserve(size);
    for (const auto& line : records) {
        out += line;
        out += '\n';
    }
    return out;
}

SignedZone sign_zone(const SignRequest& request)
{
    if (!ldns_dname_str_absolute(request.origin.c_str()))
        throw std::invalid_argument("zone origin '" + request.origin + "' must be absolute");
    RdfPtr origin(ldns_dname_new_frm_str(request.origin.c_str()));
    if (!origin) throw std::invalid_argument("invalid zone origin '" + request.origin + "'");
    ldns_dname2canonical(origin.get());

    const std::uint32_t inception = rrsig_time(request.inception);
    const std::uint32_t expiration = rrsig_time(request.expiration);
    if (request.expiration <= request.inception)
        throw std::invalid_argument("signature expiration must come after the inception");
    const SignerSet zone_signers(request.zone_signers, inception, expiration);
    const SignerSet dnskey_signers(request.dnskey_signers, inception, expiration);

    // Every record of the signed zone lives here; the owner tree holds plain pointers.
    std::vector<RrPtr> arena;
    arena.reserve(request.records.size() * 3 + 8);

    OwnerMap owners;
    for (const std::string& text : request.records) {
        RrPtr rr = parse_record(text);
        const ldns_rdf* name = ldns_rr_owner(rr.get());
        const bool apex = ldns_dname_compare(name, origin.get()) == 0;
        if (!apex && !ldns_dname_is_subdomain(name, origin.get()))
            throw std::invalid_argument("record '" + text + "' lies outside the zone " + request.origin);
        auto [it, inserted] = owners.try_emplace(name);
        if (inserted) {
            it->second.name = name;
            it->second.apex = apex;
        }
        const RrsetKey key{static_cast<std::uint16_t>(ldns_rr_get_type(rr.get())),
                           static_cast<std::uint16_t>(ldns_rr_get_class(rr.get()))};
        it->second.rrsets[key].rrs.push_back(rr.get());
        arena.push_back(std::move(rr));
    }
    for (auto& [name, owner] : owners)
        for (auto& [key, rrset] : owner.rrsets) normalize_rrset(rrset.rrs);
    classify(owners, origin.get());

    // NSEC chain (RFC 4034 4, RFC 4035 2.3): one NSEC per authoritative owner, the apex, data
    // owners and zone cuts, in canonical order; the last one points back to the apex. Names
    // below a cut are not part of the zone's chain, and empty non-terminals own no records.
    std::vector<Owner*> chain;
    for (auto& [name, owner] : owners)
        if (owner.kind != OwnerKind::Occluded) chain.push_back(&owner);
    for (std::size_t i = 0; i < chain.size(); ++i) {
        Owner& owner = *chain[i];
        const Owner& next = *chain[(i + 1) % chain.size()];
        RrPtr nsec(ldns_rr_new());
        if (!nsec) throw std::bad_alloc();
        ldns_rr_set_type(nsec.get(), LDNS_RR_TYPE_NSEC);
        ldns_rr_set_class(nsec.get(), LDNS_RR_CLASS_IN);
        // RFC 9077 / RFC 4035 2.3: the NSEC TTL is the negative-caching TTL, given by the caller.
        ldns_rr_set_ttl(nsec.get(), request.nsec_ttl);
        ldns_rr_set_owner(nsec.get(), ldns_rdf_clone(owner.name));
        RdfPtr next_name(ldns_rdf_clone(next.name));
        RdfPtr bitmap = nsec_bitmap(owner, owner_has_rrsig(owner, zone_signers, dnskey_signers));
        if (!next_name || !ldns_rr_push_rdf(nsec.get(), next_name.get())) throw std::bad_alloc();
        next_name.release();
        if (!ldns_rr_push_rdf(nsec.get(), bitmap.get())) throw std::bad_alloc();
        bitmap.release();
        owner.rrsets[RrsetKey{LDNS_RR_TYPE_NSEC, LDNS_RR_CLASS_IN}].rrs.push_back(nsec.get());
        arena.push_back(std::move(nsec));
    }

    // RRSIGs over every authoritative RRset (RFC 4035 2.2): the apex key sets by the DNSKEY
    // signers, everything else, NSEC and DS included, by the zone signers. Delegation NS
    // RRsets and glue are not signed.
    for (Owner* owner : chain) {
        for (auto& [key, rrset] : owner->rrsets) {
            if (!is_signed(*owner, key.type)) continue;
            const SignerSet& signers = signed_by_dnskey_signers(*owner, key.type) ? dnskey_signers : zone_signers;
            for (RrPtr& sig : sign_rrset(rrset.rrs, signers)) {
                rrset.signatures.push_back(sig.get());
                arena.push_back(std::move(sig));
            }
        }
    }

    // Canonical order (RFC 4034 6.1) grouped by owner; each RRset followed by its RRSIGs.
    SignedZone zone;
    zone.records.reserve(arena.size());
    for (const auto& [name, owner] : owners) {
        for (const auto& [key, rrset] : owner.rrsets) {
            for (const ldns_rr* rr : rrset.rrs) zone.records.push_back(rr_to_string(rr));
            for (const ldns_rr* sig : rrset.signatures) zone.records.push_back(rr_to_string(sig));
        }
    }
    return zone;
}

}  // namespace rollsim::dnssec
