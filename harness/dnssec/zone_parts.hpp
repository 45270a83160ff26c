// The pieces of signing that the full signer (signer.cpp) and the incremental one
// (incremental.cpp) share: parsing and normalising records, the keys of a signing role, type
// bitmaps, RRSIGs over one RRset. Internal to dnssec/.
#pragma once

#include "core/time.hpp"
#include "dns/ldns_ptr.hpp"
#include "dnssec/incremental.hpp"
#include "dnssec/key.hpp"
#include "dnssec/rrsig.hpp"
#include "dnssec/signer.hpp"

#include <ldns/ldns.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace rollsim::dnssec::parts {

using dns::RdfPtr;
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

// The keys of one signing role as an ldns key list. Each entry is a view on a caller's Key
// carrying this request's inception and expiration, so the caller's keys are never modified
// and several zones may be signed with the same Key at once.
class SignerSet {
public:
    SignerSet(const std::vector<const Key*>& keys, std::uint32_t inception, std::uint32_t expiration);

    bool empty() const { return m_views.empty(); }
    // The keys' DNSKEY records: two sets with the same identity make the same signatures.
    const std::string& identity() const { return m_identity; }
    std::size_t size() const { return m_views.size(); }
    ldns_key_list* list() const { return m_list.get(); }

private:
    std::vector<ViewKeyPtr> m_views;  // declared first: destroyed after the list that holds them
    KeyListPtr m_list;
    std::string m_identity;
};

// RRsets signed by the DNSKEY signers (the KSKs/CSKs): the apex DNSKEY RRset (RFC 4035 2.1)
// and CDS/CDNSKEY, which must be signed by a key the parent's DS points to (RFC 7344 4.1).
bool signed_by_dnskey_signers(bool apex, std::uint16_t type);

// Whether an RRset is authoritative data that gets RRSIGs (RFC 4035 2.2): everything at the
// apex and at ordinary owners; at a zone cut only DS and NSEC; nothing below a cut.
bool is_signed(OwnerKind kind, std::uint16_t type);

// An ldns name or other field as text ("?" when ldns cannot print it).
std::string rdf_to_string(const ldns_rdf* rdf);

// A time as an RRSIG inception or expiration field (RFC 4034 3.1.5).
std::uint32_t rrsig_time(TimePoint t);

// One record of a SignRequest, parsed, its owner in lower case; throws
// std::invalid_argument naming the record when it does not parse, has a relative owner or is
// of a type the signer makes (RRSIG, NSEC, NSEC3, NSEC3PARAM).
RrPtr parse_record(const std::string& text);

// An RRset in canonical RR order without duplicates, every member with the lowest TTL.
void normalize_rrset(std::vector<ldns_rr*>& rrs);

// A type bitmap for an NSEC (`denial_type` LDNS_RR_TYPE_NSEC) or NSEC3 record; null when empty.
RdfPtr type_bitmap(const std::set<std::uint16_t>& types, ldns_rr_type denial_type);

// RRSIGs over one RRset by every key of `signers`; none when there are no keys.
std::vector<RrPtr> sign_rrset(const std::vector<ldns_rr*>& rrs, const SignerSet& signers, RrsigMaker& maker);

// Appends a field to a record, which owns it from then on; nothing for a null field.
void push_rdf(ldns_rr* rr, RdfPtr rdf);

// A record of `type` at `owner` with the given TTL and no RDATA yet.
RrPtr new_record(ldns_rr_type type, const ldns_rdf* owner, std::uint32_t ttl);

// A zone's origin as a name in lower case; throws std::invalid_argument when it is not an
// absolute name.
RdfPtr zone_origin(const std::string& text);

// The signature-time rule of a request: its inception and expiration relative to `now`.
std::string signature_rule(const SignRequest& request, TimePoint now);

// Whether a request asks for any deliberate defect.
bool has_faults(const SignFaults& faults);

// What every RRSIG and NSEC of a zone depends on apart from the records and the time: the
// origin, the denial and its TTL, and the keys of both signing roles.
std::string signing_shape(const SignRequest& request, const SignerSet& zone_signers,
                          const SignerSet& dnskey_signers);

}  // namespace rollsim::dnssec::parts
