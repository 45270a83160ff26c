#include "dnssec/zone_parts.hpp"

#include <algorithm>
#include <stdexcept>

namespace rollsim::dnssec::parts {

using dns::CharPtr;

SignerSet::SignerSet(const std::vector<const Key*>& keys, std::uint32_t inception, std::uint32_t expiration)
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
        m_identity += key->dnskey_rr(0) + "\n";
    }
}

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

// A type bitmap (RFC 4034 4.1.2, RFC 5155 3.2.1) listing `types`; nullptr when there are none
// (an NSEC3 for an empty non-terminal has an empty bitmap, which ldns represents by leaving
// the field out, as it does when it parses such a record).
RdfPtr type_bitmap(const std::set<std::uint16_t>& types, ldns_rr_type denial_type)
{
    if (types.empty()) return nullptr;
    std::vector<ldns_rr_type> list;
    list.reserve(types.size());
    for (std::uint16_t t : types) list.push_back(static_cast<ldns_rr_type>(t));
    RdfPtr bitmap(ldns_dnssec_create_nsec_bitmap(list.data(), list.size(), denial_type));
    if (!bitmap) throw std::runtime_error("ldns could not build a type bitmap");
    return bitmap;
}

// RRSIGs over one RRset with every key of the set (RFC 4034 3, RFC 4035 2.2).
std::vector<RrPtr> sign_rrset(const std::vector<ldns_rr*>& rrs, const SignerSet& signers, RrsigMaker& maker)
{
    if (signers.empty() || rrs.empty()) return {};
    try {
        return maker.sign(rrs, signers.list());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string(e.what()) + " (the " + rdf_to_string(ldns_rr_owner(rrs.front())) +
                                 " RRset of type " + std::to_string(ldns_rr_get_type(rrs.front())) + ")");
    }
}

void push_rdf(ldns_rr* rr, RdfPtr rdf)
{
    if (!rdf) return;
    if (!ldns_rr_push_rdf(rr, rdf.get())) throw std::bad_alloc();
    rdf.release();  // the record owns it from here
}

// A record of `type` at `owner` with the given TTL and no RDATA yet.
RrPtr new_record(ldns_rr_type type, const ldns_rdf* owner, std::uint32_t ttl)
{
    RrPtr rr(ldns_rr_new());
    if (!rr) throw std::bad_alloc();
    ldns_rr_set_type(rr.get(), type);
    ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
    ldns_rr_set_ttl(rr.get(), ttl);
    ldns_rdf* name = ldns_rdf_clone(owner);
    if (!name) throw std::bad_alloc();
    ldns_rr_set_owner(rr.get(), name);
    return rr;
}

bool signed_by_dnskey_signers(bool apex, std::uint16_t type)
{
    return apex && (type == LDNS_RR_TYPE_DNSKEY || type == LDNS_RR_TYPE_CDS || type == LDNS_RR_TYPE_CDNSKEY);
}

bool is_signed(OwnerKind kind, std::uint16_t type)
{
    switch (kind) {
    case OwnerKind::Authoritative: return true;
    case OwnerKind::Delegation: return type == LDNS_RR_TYPE_DS || type == LDNS_RR_TYPE_NSEC;
    case OwnerKind::Occluded: return false;
    }
    return false;
}

RdfPtr zone_origin(const std::string& text)
{
    if (!ldns_dname_str_absolute(text.c_str())) throw std::invalid_argument("zone origin '" + text + "' must be absolute");
    RdfPtr origin(ldns_dname_new_frm_str(text.c_str()));
    if (!origin) throw std::invalid_argument("invalid zone origin '" + text + "'");
    ldns_dname2canonical(origin.get());
    return origin;
}

std::string signature_rule(const SignRequest& request, TimePoint now)
{
    return std::to_string((now - request.inception).count()) + " " + std::to_string((request.expiration - now).count());
}

bool has_faults(const SignFaults& faults)
{
    return !faults.omit_rrsig_types.empty() || !faults.corrupt_rrsig_types.empty() || !faults.omit_rrsigs_by.empty() ||
           !faults.corrupt_rrsigs_by.empty() || !faults.foreign_signers.empty() || !faults.drop_denial_for.empty() ||
           faults.break_denial_chain || faults.nsec3param_salt.has_value() || faults.relabel_algorithm.has_value();
}

std::string signing_shape(const SignRequest& request, const SignerSet& zone_signers, const SignerSet& dnskey_signers)
{
    return request.origin + " " + std::to_string(static_cast<int>(request.denial)) + " " +
           std::to_string(request.nsec_ttl) + " " + std::to_string(request.nsec3_iterations) + " " +
           request.nsec3_salt + "\n" + zone_signers.identity() + "--\n" + dnskey_signers.identity();
}

}  // namespace rollsim::dnssec::parts
