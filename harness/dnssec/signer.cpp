#include "dnssec/signer.hpp"

#include "dns/ldns_ptr.hpp"
#include "dnssec/incremental.hpp"
#include "core/parallel.hpp"
#include "dnssec/rrsig.hpp"
#include "dnssec/zone_parts.hpp"

#include <ldns/ldns.h>
#include <malloc.h>

#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace rollsim::dnssec {

namespace {

// Owners for ldns objects come from dns/ldns_ptr.hpp; the signing pieces shared with the
// incremental signer from dnssec/zone_parts.hpp.

using dns::RdfPtr;
using dns::rr_to_string;
using dns::RrPtr;
using namespace parts;

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

struct Rrset {
    std::vector<ldns_rr*> rrs;         // owned by its Owner or by the arena in sign_zone
    const SignerSet* signers = nullptr;  // who signs it; null or empty for nobody
    // Its RRSIGs, made after all are planned: ldns records when faults edit them, otherwise
    // zone-file lines, made as the zone is written (and with a SignatureMemory, the lines of
    // the previous version when `reused`).
    std::vector<ldns_rr*> signatures;
    std::string rrsig_text;
    bool reused = false;
    // With a SignatureMemory: its records as zone-file lines and the request lines they
    // came from (indices into SignRequest::records).
    std::string text;
    std::vector<std::uint32_t> sources;

    bool will_be_signed() const { return signers && !signers->empty() && !rrs.empty(); }
};

struct Owner {
    const ldns_rdf* name = nullptr;  // the owner of one of its records
    OwnerKind kind = OwnerKind::Authoritative;
    bool apex = false;
    std::map<RrsetKey, Rrset> rrsets;  // by type: a stable, deterministic order in the output
    // Its records parsed from the request and its NSEC: freed as soon as the owner is written
    // when nothing needs them afterwards, so the zone is not held as records and as text.
    std::vector<RrPtr> records;

    bool has(ldns_rr_type type) const
    {
        return std::any_of(rrsets.begin(), rrsets.end(),
                           [type](const auto& entry) { return entry.first.type == type; });
    }
    // Whether an RRSIG will exist at this owner (as planned so far).
    bool has_signatures() const
    {
        return std::any_of(rrsets.begin(), rrsets.end(),
                           [](const auto& entry) { return entry.second.will_be_signed(); });
    }
};

using OwnerMap = std::map<const ldns_rdf*, Owner, CanonicalNameLess>;

bool signed_by_dnskey_signers(const Owner& owner, std::uint16_t type)
{
    return parts::signed_by_dnskey_signers(owner.apex, type);
}

bool is_signed(const Owner& owner, std::uint16_t type)
{
    return parts::is_signed(owner.kind, type);
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

// The types present at an owner for its NSEC/NSEC3 bitmap. At a zone cut only NS and DS (and
// the RRSIGs the parent holds there) are listed: "bits corresponding to any non-NS RRset for
// which the parent is not authoritative MUST be clear" (RFC 4034 4.1.2, RFC 5155 3.2.1).
std::set<std::uint16_t> owner_types(const Owner& owner)
{
    std::set<std::uint16_t> types;
    for (const auto& [key, rrset] : owner.rrsets) {
        if (owner.kind == OwnerKind::Delegation && key.type != LDNS_RR_TYPE_NS && key.type != LDNS_RR_TYPE_DS)
            continue;
        if (key.type == LDNS_RR_TYPE_NSEC || key.type == LDNS_RR_TYPE_NSEC3) continue;
        types.insert(key.type);
    }
    return types;
}

// An RR type mnemonic ("A", "DNSKEY", "TYPE65534") as its number.
std::uint16_t parse_type(const std::string& name, const char* what)
{
    const ldns_rr_type type = ldns_get_rr_type_by_name(name.c_str());
    if (type == 0) throw std::invalid_argument(std::string(what) + ": unknown RR type '" + name + "'");
    return static_cast<std::uint16_t>(type);
}

// An NSEC3 salt in hexadecimal (RFC 5155 3.3); empty or "-" for none.
std::vector<std::uint8_t> parse_salt(const std::string& hex, const char* what)
{
    std::vector<std::uint8_t> salt;
    if (hex.empty() || hex == "-") return salt;
    const auto nibble = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::invalid_argument(std::string(what) + " '" + hex + "' is not hexadecimal");
    };
    if (hex.size() % 2 != 0)
        throw std::invalid_argument(std::string(what) + " '" + hex + "' has an odd number of hex digits");
    if (hex.size() > 2 * 255)
        throw std::invalid_argument(std::string(what) + " is longer than 255 octets (RFC 5155 3.1.5)");
    for (std::size_t i = 0; i < hex.size(); i += 2)
        salt.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    return salt;
}

// NSEC3 hash algorithm 1, SHA-1 (RFC 5155 11), the only one defined.
inline constexpr std::uint8_t kNsec3Sha1 = 1;

// The NSEC3 parameters (RFC 5155 3.1): SHA-1, the iterations and the salt.
struct Nsec3Params {
    std::uint16_t iterations = 0;
    std::vector<std::uint8_t> salt;

    // "<base32hex of H(name)>." as a one-label name (RFC 5155 5).
    RdfPtr hash_label(const ldns_rdf* name) const
    {
        static const std::uint8_t kNoSalt = 0;  // never read: ldns copies salt_length (0) octets
        RdfPtr label(ldns_nsec3_hash_name(name, kNsec3Sha1, iterations, static_cast<std::uint8_t>(salt.size()),
                                          salt.empty() ? &kNoSalt : salt.data()));
        if (!label) throw std::runtime_error("ldns could not hash " + rdf_to_string(name));
        return label;
    }
};

RdfPtr int8_rdf(std::uint8_t value)
{
    RdfPtr rdf(ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, value));
    if (!rdf) throw std::bad_alloc();
    return rdf;
}

RdfPtr int16_rdf(std::uint16_t value)
{
    RdfPtr rdf(ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, value));
    if (!rdf) throw std::bad_alloc();
    return rdf;
}

RdfPtr salt_rdf(const std::vector<std::uint8_t>& salt)
{
    // RFC 5155 3.2: one length octet, then the salt.
    std::vector<std::uint8_t> data;
    data.reserve(salt.size() + 1);
    data.push_back(static_cast<std::uint8_t>(salt.size()));
    data.insert(data.end(), salt.begin(), salt.end());
    RdfPtr rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_NSEC3_SALT, data.size(), data.data()));
    if (!rdf) throw std::bad_alloc();
    return rdf;
}

// NSEC3PARAM (RFC 5155 4): hash 1, flags 0, the iterations and salt. TTL 0, as BIND and
// other signers publish it (only authoritative servers use it).
RrPtr make_nsec3param(const ldns_rdf* origin, std::uint16_t iterations, const std::vector<std::uint8_t>& salt)
{
    RrPtr rr = new_record(LDNS_RR_TYPE_NSEC3PARAM, origin, 0);
    push_rdf(rr.get(), int8_rdf(kNsec3Sha1));
    push_rdf(rr.get(), int8_rdf(0));
    push_rdf(rr.get(), int16_rdf(iterations));
    push_rdf(rr.get(), salt_rdf(salt));
    return rr;
}

inline constexpr std::size_t kNoRecord = static_cast<std::size_t>(-1);

// The index of the denial record that matches `target` or, when none does, covers it: the
// last owner (in chain order) at or before it, wrapping around to the last record.
std::size_t matching_or_covering(const std::vector<const ldns_rdf*>& sorted_owners, const ldns_rdf* target)
{
    std::size_t index = sorted_owners.size() - 1;
    for (std::size_t i = 0; i < sorted_owners.size(); ++i)
        if (ldns_dname_compare(sorted_owners[i], target) <= 0) index = i;
    return index;
}

// The record whose next-owner field the break_denial_chain fault bends: the one after the
// apex's in chain order. Its successor is skipped.
std::size_t broken_link(std::size_t apex_index, std::size_t count)
{
    if (count < 3)
        throw std::invalid_argument("break_denial_chain needs at least three NSEC/NSEC3 records, the zone has " +
                                    std::to_string(count));
    return (apex_index + 1) % count;
}

// Flips bytes of an RRSIG's signature field (RFC 4034 3.1.8) so it no longer verifies.
void corrupt_signature(ldns_rr* sig)
{
    ldns_rdf* field = ldns_rr_rrsig_sig(sig);
    if (!field || ldns_rdf_size(field) == 0) throw std::runtime_error("an RRSIG without a signature field");
    std::uint8_t* data = ldns_rdf_data(field);
    const std::size_t size = ldns_rdf_size(field);
    data[size / 2] ^= 0xff;
    data[size - 1] ^= 0xff;
}

void set_int8(ldns_rdf* rdf, std::uint8_t value)
{
    if (!rdf || ldns_rdf_size(rdf) != 1) throw std::runtime_error("unexpected 8-bit field");
    ldns_rdf_data(rdf)[0] = value;
}

void set_int16(ldns_rdf* rdf, std::uint16_t value)
{
    if (!rdf || ldns_rdf_size(rdf) != 2) throw std::runtime_error("unexpected 16-bit field");
    ldns_rdf_data(rdf)[0] = static_cast<std::uint8_t>(value >> 8);
    ldns_rdf_data(rdf)[1] = static_cast<std::uint8_t>(value & 0xff);
}

// The keys among `keys` that none of `scopes` over `type` picks.
std::vector<const Key*> keys_out_of_scope(const std::vector<const Key*>& keys,
                                          const std::vector<SignFaults::KeyScope>& scopes, std::uint16_t type)
{
    std::vector<const Key*> out;
    for (const Key* key : keys) {
        const bool picked = std::any_of(scopes.begin(), scopes.end(), [&](const SignFaults::KeyScope& scope) {
            return parse_type(scope.type, "omit_rrsigs_by") == type &&
                   scope.picks(static_cast<int>(key->algorithm()), key->keytag());
        });
        if (!picked) out.push_back(key);
    }
    return out;
}

// The defects of SignFaults, resolved against the request.
class FaultPlan {
public:
    FaultPlan(const SignRequest& request, std::uint32_t inception, std::uint32_t expiration)
    {
        const SignFaults& faults = request.faults;
        for (const std::string& name : faults.omit_rrsig_types)
            m_omit.insert(parse_type(name, "omit_rrsig_types"));
        for (const std::string& name : faults.corrupt_rrsig_types)
            m_corrupt.insert(parse_type(name, "corrupt_rrsig_types"));
        for (const SignFaults::KeyScope& scope : faults.corrupt_rrsigs_by)
            m_corrupt_by[parse_type(scope.type, "corrupt_rrsigs_by")].push_back(scope);
        std::map<std::uint16_t, std::vector<const Key*>> foreign;
        for (const SignFaults::ForeignSigner& signer : faults.foreign_signers) {
            if (!signer.key) throw std::invalid_argument("foreign_signers: no key for type '" + signer.type + "'");
            foreign[parse_type(signer.type, "foreign_signers")].push_back(signer.key);
        }
        for (const auto& [type, keys] : foreign) m_foreign.try_emplace(type, keys, inception, expiration);
        for (const SignFaults::KeyScope& scope : faults.omit_rrsigs_by) {
            const std::uint16_t type = parse_type(scope.type, "omit_rrsigs_by");
            if (m_narrowed.count(type)) continue;
            m_narrowed.try_emplace(
                type,
                SignerSet(keys_out_of_scope(request.zone_signers, faults.omit_rrsigs_by, type), inception, expiration),
                SignerSet(keys_out_of_scope(request.dnskey_signers, faults.omit_rrsigs_by, type), inception,
                          expiration));
        }
    }

    // Whether `sig`, an RRSIG over `type`, gets flipped signature bytes.
    bool corrupts(std::uint16_t type, const ldns_rr* sig) const
    {
        if (m_corrupt.count(type)) return true;
        const auto it = m_corrupt_by.find(type);
        if (it == m_corrupt_by.end()) return false;
        const int algorithm = ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig));
        const std::uint16_t keytag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));
        return std::any_of(it->second.begin(), it->second.end(),
                           [&](const SignFaults::KeyScope& scope) { return scope.picks(algorithm, keytag); });
    }

    // Who signs RRsets of `type` at `owner`: nobody (omitted), the foreign keys, the request's
    // signers less the keys a scoped omission picks, or the request's signers.
    const SignerSet* signers(const Owner& owner, std::uint16_t type, const SignerSet& zone_signers,
                             const SignerSet& dnskey_signers) const
    {
        if (m_omit.count(type)) return nullptr;
        if (auto it = m_foreign.find(type); it != m_foreign.end()) return &it->second;
        const bool key_sets = signed_by_dnskey_signers(owner, type);
        if (auto it = m_narrowed.find(type); it != m_narrowed.end())
            return key_sets ? &it->second.second : &it->second.first;
        return key_sets ? &dnskey_signers : &zone_signers;
    }

private:
    std::set<std::uint16_t> m_omit;
    std::set<std::uint16_t> m_corrupt;
    std::map<std::uint16_t, std::vector<SignFaults::KeyScope>> m_corrupt_by;
    std::map<std::uint16_t, SignerSet> m_foreign;
    std::map<std::uint16_t, std::pair<SignerSet, SignerSet>> m_narrowed;  // zone signers, DNSKEY signers
};

// Plans who signs each RRset as the request and its faults say; every record made goes to the
// arena. The signatures themselves are made afterwards, as the zone is written (sign_and_render).
struct Signing {
    const FaultPlan& plan;
    const SignerSet& zone_signers;
    const SignerSet& dnskey_signers;
    std::vector<RrPtr>& arena;

    const SignerSet* signers(const Owner& owner, std::uint16_t type) const
    {
        if (!is_signed(owner, type)) return nullptr;
        return plan.signers(owner, type, zone_signers, dnskey_signers);
    }

    bool will_sign(const Owner& owner, std::uint16_t type) const
    {
        const SignerSet* set = signers(owner, type);
        return set && !set->empty();
    }

    void sign(const Owner& owner, const RrsetKey& key, Rrset& rrset) const { rrset.signers = signers(owner, key.type); }
};

// One planned RRset to sign.
struct SignJob {
    const ldns_rdf* owner;
    std::uint16_t type;
    Rrset* rrset;
};

std::vector<SignJob> planned_jobs(OwnerMap& owners)
{
    std::vector<SignJob> jobs;
    for (auto& [name, owner] : owners)
        for (auto& [key, rrset] : owner.rrsets)
            if (rrset.will_be_signed()) jobs.push_back(SignJob{name, key.type, &rrset});
    return jobs;
}

// An owner's name in wire form (lower case since parsing): its key in a SignatureMemory.
std::string owner_wire(const ldns_rdf* name)
{
    return std::string(reinterpret_cast<const char*>(ldns_rdf_data(name)), ldns_rdf_size(name));
}

// What one signing pass needs beyond the zone: the remembered signatures (null for a full
// sign) and whether faults will edit the RRSIGs afterwards, in which case they stay ldns
// records rather than lines.
struct PassOptions {
    unsigned threads = 0;
    bool edit_signatures = false;
    SignatureMemory* memory = nullptr;
};

// The RRSIG lines `memory` holds for this RRset if they can stand: same records, same signers,
// not due. Only reads the memory, so threads may call it together.
const std::string* reusable(const SignatureMemory& memory, const SignJob& job, const SignerSet& signers)
{
    const auto it = memory.owners.find(owner_wire(job.owner));
    if (it == memory.owners.end()) return nullptr;
    for (const RememberedRrset& old : it->second.rrsets) {
        if (old.type != job.type || !old.has_rrsigs) continue;
        if (memory.now >= old.due || old.text != job.rrset->text || memory.signer_sets[old.signers] != signers.identity())
            return nullptr;
        return &old.rrsigs;
    }
    return nullptr;
}

// The memory of one RRset of this pass; `old` is the owner's memory from the last version.
RememberedRrset remember_rrset(SignatureMemory& memory, const SignRequest& request, const std::string& owner,
                               const RrsetKey& key, Rrset& rrset, const RememberedOwner* old)
{
    RememberedRrset entry{key.type, key.rr_class, {}, std::move(rrset.text), rrset.will_be_signed(), 0, {}, {}};
    entry.sources.reserve(rrset.sources.size());
    for (const std::uint32_t i : rrset.sources) entry.sources.push_back(request.records[i]);
    if (!entry.has_rrsigs) return entry;
    ++memory.stats.rrsets;
    if (rrset.reused && old) {
        for (const RememberedRrset& kept : old->rrsets)
            if (kept.type == key.type && kept.has_rrsigs) {
                entry.signers = kept.signers;
                entry.due = kept.due;
            }
        ++memory.stats.kept_rrsets;
    } else {
        entry.signers = memory.signer_set(rrset.signers->identity());
        entry.due = memory.due(rrset_id(owner, key.type), memory.now);
        ++memory.stats.signed_rrsets;
    }
    entry.rrsigs = std::move(rrset.rrsig_text);
    if (!memory.next_due || entry.due < *memory.next_due) memory.next_due = entry.due;
    return entry;
}

// Leaves in `memory` the zone this pass wrote, piece by piece, and the stats.
void remember(SignatureMemory& memory, const SignRequest& request, OwnerMap& owners)
{
    std::map<std::string, RememberedOwner, CanonicalWireLess> next;
    memory.next_due.reset();
    memory.stats = ResignStats{};
    for (auto& [name, owner] : owners) {
        std::string wire = owner_wire(name);
        const auto old = memory.owners.find(wire);
        RememberedOwner entry{owner.kind, owner.apex, {}};
        entry.rrsets.reserve(owner.rrsets.size());
        for (auto& [key, rrset] : owner.rrsets)
            entry.rrsets.push_back(remember_rrset(memory, request, wire, key, rrset,
                                                  old == memory.owners.end() ? nullptr : &old->second));
        next.emplace_hint(next.end(), std::move(wire), std::move(entry));
    }
    memory.owners = std::move(next);
    memory.stats.parsed_lines = request.records.size();
    memory.lines = request.records;
    memory.line_index.clear();
    memory.line_index.reserve(request.records.size());
    for (std::uint32_t i = 0; i < request.records.size(); ++i)
        memory.line_index.emplace_back(line_hash(request.records[i]), i);
    std::sort(memory.line_index.begin(), memory.line_index.end());
}

// Makes every planned RRSIG as an ldns record, on every core, for faults that edit them
// before the zone is written. Each RRset's signatures land in its own slot, so the zone comes
// out the same whatever the number of threads.
void sign_into_records(OwnerMap& owners, std::vector<RrPtr>& arena, unsigned threads)
{
    const std::vector<SignJob> jobs = planned_jobs(owners);
    std::vector<std::vector<RrPtr>> made(jobs.size());
    std::vector<RrsigMaker> makers(thread_count(threads));
    parallel_for(jobs.size(), threads, 64, [&](std::size_t i, unsigned worker) {
        made[i] = sign_rrset(jobs[i].rrset->rrs, *jobs[i].rrset->signers, makers[worker]);
    });
    for (std::size_t i = 0; i < jobs.size(); ++i)
        for (RrPtr& sig : made[i]) {
            jobs[i].rrset->signatures.push_back(sig.get());
            arena.push_back(std::move(sig));
        }
}

// The RRSIG lines of a planned RRset, as the zone is written: those `memory` holds when they
// can stand, otherwise new ones. Only reads the memory, so threads may call it together.
void make_rrsig_lines(const SignJob& job, const SignatureMemory* memory, RrsigMaker& maker)
{
    Rrset& rrset = *job.rrset;
    if (memory) {
        if (const std::string* lines = reusable(*memory, job, *rrset.signers)) {
            rrset.rrsig_text = *lines;
            rrset.reused = true;
            return;
        }
    }
    for (const RrPtr& sig : sign_rrset(rrset.rrs, *rrset.signers, maker))
        (rrset.rrsig_text += rr_to_string(sig.get())) += '\n';
}

// Which record of a chain of `count` points where: next[i] is the index of the record after i,
// bent by the break_denial_chain fault.
std::vector<std::size_t> chain_links(std::size_t count, std::size_t apex_index, bool broken)
{
    std::vector<std::size_t> next(count);
    for (std::size_t i = 0; i < count; ++i) next[i] = (i + 1) % count;
    if (broken) {
        const std::size_t link = broken_link(apex_index, count);
        next[link] = (link + 2) % count;  // skips the record that followed
    }
    return next;
}

// NSEC chain (RFC 4034 4, RFC 4035 2.3): one NSEC per authoritative owner, the apex, data
// owners and zone cuts, in canonical order; the last one points back to the apex. Names below
// a cut are not part of the zone's chain, and empty non-terminals own no records.
void add_nsec_chain(OwnerMap& owners, const SignRequest& request, const ldns_rdf* drop_target,
                    const Signing& signing)
{
    std::vector<Owner*> chain;
    std::vector<const ldns_rdf*> names;
    std::size_t apex_index = 0;
    for (auto& [name, owner] : owners) {
        if (owner.kind == OwnerKind::Occluded) continue;
        if (owner.apex) apex_index = chain.size();
        chain.push_back(&owner);
        names.push_back(owner.name);
    }
    if (chain.empty()) return;
    const std::vector<std::size_t> next = chain_links(chain.size(), apex_index, request.faults.break_denial_chain);
    const std::size_t dropped = drop_target ? matching_or_covering(names, drop_target) : kNoRecord;

    for (std::size_t i = 0; i < chain.size(); ++i) {
        if (dropped == i) continue;
        Owner& owner = *chain[i];
        // RFC 4034 4.1.2: the bitmap lists the types at the owner, the NSEC itself and RRSIG
        // when any RRset there (the NSEC included) is signed.
        std::set<std::uint16_t> types = owner_types(owner);
        types.insert(LDNS_RR_TYPE_NSEC);
        if (owner.has_signatures() || signing.will_sign(owner, LDNS_RR_TYPE_NSEC)) types.insert(LDNS_RR_TYPE_RRSIG);
        // RFC 9077 / RFC 4035 2.3: the NSEC TTL is the negative-caching TTL, given by the caller.
        RrPtr nsec = new_record(LDNS_RR_TYPE_NSEC, owner.name, request.nsec_ttl);
        RdfPtr next_name(ldns_rdf_clone(chain[next[i]]->name));
        if (!next_name) throw std::bad_alloc();
        push_rdf(nsec.get(), std::move(next_name));
        push_rdf(nsec.get(), type_bitmap(types, LDNS_RR_TYPE_NSEC));

        const RrsetKey key{LDNS_RR_TYPE_NSEC, LDNS_RR_CLASS_IN};
        Rrset& rrset = owner.rrsets[key];
        rrset.rrs.push_back(nsec.get());
        owner.records.push_back(std::move(nsec));
        signing.sign(owner, key, rrset);
    }
}

// The names that get an NSEC3 (RFC 5155 7.1): every authoritative owner (the apex, data
// owners and zone cuts, not what lies below a cut) and every empty non-terminal between the
// apex and them. ENT names are kept in `storage`.
std::vector<std::pair<const ldns_rdf*, const Owner*>> nsec3_names(const OwnerMap& owners, const ldns_rdf* origin,
                                                                   std::vector<RdfPtr>& storage)
{
    std::vector<std::pair<const ldns_rdf*, const Owner*>> out;
    std::set<const ldns_rdf*, CanonicalNameLess> ents;
    const std::size_t origin_labels = ldns_dname_label_count(origin);
    for (const auto& [name, owner] : owners) {
        if (owner.kind == OwnerKind::Occluded) continue;
        out.emplace_back(name, &owner);
        RdfPtr ancestor(ldns_dname_left_chop(name));
        // Up to the first ancestor that owns records or is known already: the rest of the
        // way is walked from there.
        while (ancestor && ldns_dname_label_count(ancestor.get()) > origin_labels &&
               owners.count(ancestor.get()) == 0 && ents.count(ancestor.get()) == 0) {
            ents.insert(ancestor.get());
            out.emplace_back(ancestor.get(), nullptr);
            RdfPtr parent(ldns_dname_left_chop(ancestor.get()));
            storage.push_back(std::move(ancestor));
            ancestor = std::move(parent);
        }
    }
    return out;
}

// NSEC3 chain (RFC 5155 7.1): one NSEC3 per name of nsec3_names(), owned by the base32hex of
// its hash under the apex, in hash order, each pointing to the next hash and the last back to
// the first. Flags 0 (no opt-out). The bitmap lists the types at the original owner (RFC 5155
// 3.2.1), RRSIG when one of them is signed; it is empty for an empty non-terminal.
void add_nsec3_chain(OwnerMap& owners, const ldns_rdf* origin, const SignRequest& request,
                     const Nsec3Params& params, const ldns_rdf* drop_target, const Signing& signing)
{
    struct Hashed {
        RdfPtr owner;        // <hash>.<zone>
        std::string label;   // <hash>
        const Owner* source; // nullptr for an empty non-terminal
    };
    std::vector<RdfPtr> ent_storage;
    std::vector<Hashed> hashed;
    for (const auto& [name, source] : nsec3_names(owners, origin, ent_storage)) {
        RdfPtr owner = params.hash_label(name);
        std::string label = rdf_to_string(owner.get());
        if (!label.empty() && label.back() == '.') label.pop_back();
        if (ldns_dname_cat(owner.get(), origin) != LDNS_STATUS_OK)
            throw std::runtime_error("ldns could not make the NSEC3 owner for " + rdf_to_string(name));
        ldns_dname2canonical(owner.get());
        hashed.push_back(Hashed{std::move(owner), std::move(label), source});
    }
    if (hashed.empty()) return;
    std::sort(hashed.begin(), hashed.end(), [](const Hashed& a, const Hashed& b) {
        return ldns_dname_compare(a.owner.get(), b.owner.get()) < 0;
    });
    std::vector<const ldns_rdf*> names;
    std::size_t apex_index = 0;
    for (std::size_t i = 0; i < hashed.size(); ++i) {
        if (i > 0 && ldns_dname_compare(hashed[i - 1].owner.get(), hashed[i].owner.get()) == 0)
            throw std::runtime_error("NSEC3 hash collision at " + rdf_to_string(hashed[i].owner.get()));
        if (hashed[i].source && hashed[i].source->apex) apex_index = i;
        names.push_back(hashed[i].owner.get());
    }
    const std::vector<std::size_t> next = chain_links(hashed.size(), apex_index, request.faults.break_denial_chain);
    std::size_t dropped = kNoRecord;
    if (drop_target) {
        RdfPtr target = params.hash_label(drop_target);
        if (ldns_dname_cat(target.get(), origin) != LDNS_STATUS_OK)
            throw std::runtime_error("ldns could not hash " + rdf_to_string(drop_target));
        ldns_dname2canonical(target.get());
        dropped = matching_or_covering(names, target.get());
    }

    // All records first, from the owners as they are; then into the zone and signed.
    std::vector<RrPtr> records;
    for (std::size_t i = 0; i < hashed.size(); ++i) {
        if (dropped == i) continue;
        RrPtr nsec3 = new_record(LDNS_RR_TYPE_NSEC3, hashed[i].owner.get(), request.nsec_ttl);
        push_rdf(nsec3.get(), int8_rdf(kNsec3Sha1));
        push_rdf(nsec3.get(), int8_rdf(0));
        push_rdf(nsec3.get(), int16_rdf(params.iterations));
        push_rdf(nsec3.get(), salt_rdf(params.salt));
        RdfPtr next_hash(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_NSEC3_NEXT_OWNER, hashed[next[i]].label.c_str()));
        if (!next_hash) throw std::runtime_error("ldns could not encode the NSEC3 next hash " + hashed[next[i]].label);
        push_rdf(nsec3.get(), std::move(next_hash));
        std::set<std::uint16_t> types;
        if (const Owner* source = hashed[i].source) {
            types = owner_types(*source);
            if (source->has_signatures()) types.insert(LDNS_RR_TYPE_RRSIG);
        }
        push_rdf(nsec3.get(), type_bitmap(types, LDNS_RR_TYPE_NSEC3));
        records.push_back(std::move(nsec3));
    }
    for (RrPtr& nsec3 : records) {
        const ldns_rdf* name = ldns_rr_owner(nsec3.get());
        auto [it, inserted] = owners.try_emplace(name);
        if (inserted) it->second.name = name;
        const RrsetKey key{LDNS_RR_TYPE_NSEC3, LDNS_RR_CLASS_IN};
        Rrset& rrset = it->second.rrsets[key];
        rrset.rrs.push_back(nsec3.get());
        signing.arena.push_back(std::move(nsec3));
        signing.sign(it->second, key, rrset);
    }
}

// The unsupported-algorithm fault: every DNSKEY and RRSIG algorithm field rewritten, the
// signatures left as made. The key tag covers the DNSKEY RDATA, algorithm included (RFC 4034
// appendix B), so the relabelled apex keys have new tags; RRSIGs by them carry the new tags
// too, as a signer with that algorithm would have written them.
void relabel_algorithm(OwnerMap& owners, const ldns_rdf* origin, std::uint8_t algorithm)
{
    std::map<std::uint16_t, std::uint16_t> tags;  // apex DNSKEY tags: before -> after
    for (auto& [name, owner] : owners) {
        for (auto& [key, rrset] : owner.rrsets) {
            if (key.type != LDNS_RR_TYPE_DNSKEY) continue;
            for (ldns_rr* dnskey : rrset.rrs) {
                const std::uint16_t before = ldns_calc_keytag(dnskey);
                set_int8(ldns_rr_dnskey_algorithm(dnskey), algorithm);
                if (owner.apex) tags.try_emplace(before, ldns_calc_keytag(dnskey));
            }
        }
    }
    for (auto& [name, owner] : owners) {
        for (auto& [key, rrset] : owner.rrsets) {
            for (ldns_rr* sig : rrset.signatures) {
                set_int8(ldns_rr_rrsig_algorithm(sig), algorithm);
                if (ldns_dname_compare(ldns_rr_rrsig_signame(sig), origin) != 0) continue;
                const auto it = tags.find(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)));
                if (it != tags.end()) set_int16(ldns_rr_rrsig_keytag(sig), it->second);
            }
        }
    }
}

}  // namespace

std::vector<std::string> SignedZone::records() const
{
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < m_text.size();) {
        const std::size_t end = m_text.find('\n', at);
        lines.push_back(m_text.substr(at, end - at));
        at = end == std::string::npos ? m_text.size() : end + 1;
    }
    return lines;
}

namespace {

// The NSEC3 parameters of the chain (RFC 5155 3.1.3: a 16-bit iterations field; RFC 9276
// recommends 0 and validators cap it); default ones for an NSEC zone. Also checks the
// unsupported-algorithm fault's number, which must fit the algorithm field.
Nsec3Params nsec3_params(const SignRequest& request)
{
    Nsec3Params params;
    if (request.denial == scenario::Denial::Nsec3) {
        if (request.nsec3_iterations < 0 || request.nsec3_iterations > 65535)
            throw std::invalid_argument("NSEC3 iterations " + std::to_string(request.nsec3_iterations) +
                                        " outside 0..65535");
        params.iterations = static_cast<std::uint16_t>(request.nsec3_iterations);
        params.salt = parse_salt(request.nsec3_salt, "NSEC3 salt");
    } else if (request.faults.nsec3param_salt) {
        throw std::invalid_argument("the nsec3param_salt fault needs an NSEC3 zone");
    }
    const auto& relabel = request.faults.relabel_algorithm;
    if (relabel && (*relabel < 0 || *relabel > 255))
        throw std::invalid_argument("relabel_algorithm " + std::to_string(*relabel) + " outside 0..255");
    return params;
}

// The name whose denial record the nsec-missing fault drops; null without that fault.
RdfPtr drop_target_of(const SignRequest& request, const ldns_rdf* origin)
{
    const std::string& name = request.faults.drop_denial_for;
    if (name.empty()) return RdfPtr();
    if (!ldns_dname_str_absolute(name.c_str()))
        throw std::invalid_argument("drop_denial_for '" + name + "' must be absolute");
    RdfPtr target(ldns_dname_new_frm_str(name.c_str()));
    if (!target) throw std::invalid_argument("drop_denial_for '" + name + "' is not a name");
    ldns_dname2canonical(target.get());
    if (ldns_dname_compare(target.get(), origin) != 0 && !ldns_dname_is_subdomain(target.get(), origin))
        throw std::invalid_argument("drop_denial_for '" + name + "' lies outside the zone " + request.origin);
    return target;
}

// Every record of the zone being signed: each owner owns its records from the request and its
// NSEC, `arena` the others (NSEC3, NSEC3PARAM, RRSIGs that faults edit).
struct ZoneRecords {
    std::vector<RrPtr> arena;
    OwnerMap owners;

    // `source`: the record's index in the request, kept when a SignatureMemory needs it.
    void add(RrPtr rr, bool apex, std::optional<std::uint32_t> source = std::nullopt)
    {
        const ldns_rdf* name = ldns_rr_owner(rr.get());
        auto [it, inserted] = owners.try_emplace(name);
        if (inserted) {
            it->second.name = name;
            it->second.apex = apex;
        }
        const RrsetKey key{static_cast<std::uint16_t>(ldns_rr_get_type(rr.get())),
                           static_cast<std::uint16_t>(ldns_rr_get_class(rr.get()))};
        Rrset& rrset = it->second.rrsets[key];
        rrset.rrs.push_back(rr.get());
        if (source) rrset.sources.push_back(*source);
        it->second.records.push_back(std::move(rr));
    }
};

// The request's records (and, for NSEC3, the NSEC3PARAM), in RRsets per owner, classified.
// The request's records parsed on every core, each into its own slot; a bad record throws
// the error of the first one in the request's order, whatever the threads.
std::vector<RrPtr> parse_records(const SignRequest& request, const ldns_rdf* origin)
{
    const std::vector<std::string>& texts = request.records;
    std::vector<RrPtr> parsed(texts.size());
    std::vector<std::exception_ptr> errors(texts.size());
    parallel_for(texts.size(), request.threads, 256, [&](std::size_t i, unsigned) {
        try {
            parsed[i] = parse_record(texts[i]);
            const ldns_rdf* name = ldns_rr_owner(parsed[i].get());
            if (ldns_dname_compare(name, origin) != 0 && !ldns_dname_is_subdomain(name, origin))
                throw std::invalid_argument("record '" + texts[i] + "' lies outside the zone " + request.origin);
        } catch (...) {
            errors[i] = std::current_exception();
        }
    });
    for (const std::exception_ptr& error : errors)
        if (error) std::rethrow_exception(error);
    return parsed;
}

void load_records(ZoneRecords& zone, const SignRequest& request, const ldns_rdf* origin, const Nsec3Params& params,
                  bool keep_sources)
{

    std::uint32_t index = 0;
    for (RrPtr& rr : parse_records(request, origin)) {
        const bool apex = ldns_dname_compare(ldns_rr_owner(rr.get()), origin) == 0;
        zone.add(std::move(rr), apex, keep_sources ? std::optional(index) : std::nullopt);
        ++index;
    }
    if (request.denial == scenario::Denial::Nsec3) {
        const std::vector<std::uint8_t> announced_salt =
            request.faults.nsec3param_salt ? parse_salt(*request.faults.nsec3param_salt, "nsec3param_salt")
                                           : params.salt;
        zone.add(make_nsec3param(origin, params.iterations, announced_salt), true);
    }
    for (auto& [name, owner] : zone.owners)
        for (auto& [key, rrset] : owner.rrsets) normalize_rrset(rrset.rrs);
    classify(zone.owners, origin);
}

// One owner's records as zone-file lines: each RRset followed by its RRSIGs.
// RRsets whose RRSIGs are still to be made get them here, so a signature is written out as
// soon as it is made and the zone is not held once more as a list of signatures.
void render_owner(const ldns_rdf* name, Owner& owner, const PassOptions& options, RrsigMaker& maker, std::string& out)
{
    for (auto& [key, rrset] : owner.rrsets) {
        // With a memory the RRset's text is kept apart (and compared with the last version's).
        std::string& records = options.memory ? rrset.text : out;
        for (const ldns_rr* rr : rrset.rrs) (records += rr_to_string(rr)) += '\n';
        if (options.memory) out += rrset.text;
        for (const ldns_rr* sig : rrset.signatures) (out += rr_to_string(sig)) += '\n';
        if (rrset.signatures.empty() && rrset.will_be_signed())
            make_rrsig_lines(SignJob{name, key.type, &rrset}, options.memory, maker);
        out += rrset.rrsig_text;
        // Only the memory needs the lines afterwards.
        if (!options.memory) std::string().swap(rrset.rrsig_text);
    }
    // Nothing reads the owner's RRsets and records once it is written, unless the memory keeps
    // the zone (its name, in one of the records, stays the owner's key; the map is not searched
    // from here on).
    if (options.memory) return;
    owner.rrsets.clear();
    std::vector<RrPtr>().swap(owner.records);
}

// The zone file, owners in canonical order (RFC 4034 6.1), signed as it is written. Blocks of
// owners are signed and written on every core, each into its own text, a few blocks per thread
// at a time; each such wave is appended in order to the zone's text and its blocks freed
// before the next, so the zone comes out the same whatever the number of threads and is held
// once, not once in blocks and once joined. The text is reserved from the first wave's size
// per owner, so it rarely grows (and is copied) as it fills.
SignedZone sign_and_render(ZoneRecords& zone, const PassOptions& options)
{
    constexpr std::size_t kBlock = 512;  // owners
    std::vector<OwnerMap::value_type*> owners;
    owners.reserve(zone.owners.size());
    for (auto& entry : zone.owners) owners.push_back(&entry);
    const std::size_t threads = thread_count(options.threads);
    const std::size_t wave = kBlock * threads * 4;
    std::vector<RrsigMaker> makers(threads);
    std::string text;
    for (std::size_t first = 0; first < owners.size(); first += wave) {
        const std::size_t last = std::min(owners.size(), first + wave);
        std::vector<std::string> blocks((last - first + kBlock - 1) / kBlock);
        parallel_for(blocks.size(), options.threads, 1, [&](std::size_t b, unsigned worker) {
            const std::size_t end = std::min(last, first + (b + 1) * kBlock);
            for (std::size_t i = first + b * kBlock; i < end; ++i)
                render_owner(owners[i]->first, owners[i]->second, options, makers[worker], blocks[b]);
        });
        std::size_t size = 0;
        for (const std::string& block : blocks) size += block.size();
        if (first == 0) text.reserve(size + size / (last - first) * (owners.size() - last) * 21 / 20);
        for (std::string& block : blocks) {
            text += block;
            std::string().swap(block);
        }
        // The records of the owners just written were freed in small pieces all over the
        // heap, where free() leaves them; glibc gives such pages back only when asked. A zone
        // of one wave is small: not worth the walk over the heap.
        if (owners.size() > wave) ::malloc_trim(0);
    }
    return SignedZone(std::move(text));
}

SignedZone sign_pass(const SignRequest& request, PassOptions options)
{
    const RdfPtr origin = zone_origin(request.origin);
    const std::uint32_t inception = rrsig_time(request.inception);
    const std::uint32_t expiration = rrsig_time(request.expiration);
    if (request.expiration <= request.inception)
        throw std::invalid_argument("signature expiration must come after the inception");
    const SignerSet zone_signers(request.zone_signers, inception, expiration);
    const SignerSet dnskey_signers(request.dnskey_signers, inception, expiration);
    const FaultPlan plan(request, inception, expiration);
    const Nsec3Params params = nsec3_params(request);
    const RdfPtr drop_target = drop_target_of(request, origin.get());

    ZoneRecords zone;
    load_records(zone, request, origin.get(), params, options.memory != nullptr);

    // RRSIGs over every authoritative RRset (RFC 4035 2.2): the apex key sets by the DNSKEY
    // signers, everything else, DS and the denial records included, by the zone signers.
    // Delegation NS RRsets and glue are not signed. The denial records come last, as their
    // bitmaps say whether an owner has RRSIGs.
    const Signing signing{plan, zone_signers, dnskey_signers, zone.arena};
    for (auto& [name, owner] : zone.owners) {
        if (owner.kind == OwnerKind::Occluded) continue;
        for (auto& [key, rrset] : owner.rrsets) signing.sign(owner, key, rrset);
    }
    if (request.denial == scenario::Denial::Nsec3)
        add_nsec3_chain(zone.owners, origin.get(), request, params, drop_target.get(), signing);
    else
        add_nsec_chain(zone.owners, request, drop_target.get(), signing);
    if (options.edit_signatures) sign_into_records(zone.owners, zone.arena, options.threads);

    for (auto& [name, owner] : zone.owners)
        for (auto& [key, rrset] : owner.rrsets)
            for (ldns_rr* sig : rrset.signatures)
                if (plan.corrupts(key.type, sig)) corrupt_signature(sig);
    if (const auto& relabel = request.faults.relabel_algorithm)
        relabel_algorithm(zone.owners, origin.get(), static_cast<std::uint8_t>(*relabel));
    SignedZone out = sign_and_render(zone, options);
    if (options.memory) {
        remember(*options.memory, request, zone.owners);
        options.memory->shape = !has_faults(request.faults) && request.denial == scenario::Denial::Nsec
                                    ? signing_shape(request, zone_signers, dnskey_signers)
                                    : std::string();
    }
    return out;
}

bool edits_signatures(const SignFaults& faults)
{
    return !faults.corrupt_rrsig_types.empty() || !faults.corrupt_rrsigs_by.empty() ||
           faults.relabel_algorithm.has_value();
}

}  // namespace

bool SignFaults::KeyScope::picks(int algorithm_number, std::uint16_t keytag) const
{
    if (key) return static_cast<int>(key->algorithm()) == algorithm_number && key->keytag() == keytag;
    return algorithm && static_cast<int>(*algorithm) == algorithm_number;
}

SignedZone sign_zone(const SignRequest& request)
{
    return sign_pass(request, PassOptions{request.threads, edits_signatures(request.faults), nullptr});
}

SignedZone sign_zone(const SignRequest& request, SignatureMemory& memory)
{
    // Signatures that faults edit are not worth keeping, and a new signature-time rule (a time
    // fault starting or ending) makes every kept signature wrong: both start from nothing.
    const std::string rule = signature_rule(request, memory.now);
    if (edits_signatures(request.faults) || rule != memory.rule) {
        memory.forget();
        memory.rule = rule;
    }
    if (edits_signatures(request.faults)) {
        SignedZone zone = sign_pass(request, PassOptions{request.threads, true, nullptr});
        memory.rule.clear();
        memory.forget();
        memory.next_due.reset();
        memory.stats = ResignStats{};
        return zone;
    }
    return sign_pass(request, PassOptions{request.threads, false, &memory});
}

}  // namespace rollsim::dnssec
