// Incremental re-signing: a signer that remembers the RRsets it signed and, for the next
// version of the zone, makes new RRSIGs only over the RRsets that are due (their signatures
// reached refresh age, less a per-RRset jitter) or whose records, signing keys or signature
// rule changed (RFC 6781 4.4.1.1 on spreading re-signing; RFC 7583 Dsgn). Everything else
// keeps the RRSIGs it had, byte for byte.
#pragma once

#include "core/time.hpp"
#include "dnssec/signer.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollsim::dnssec {

struct ResignPolicy {
    Seconds refresh{7 * 86400};  // an RRset's signatures are re-made when this old
    // Each RRset falls due up to this much earlier than the refresh, by whole hours chosen by a
    // hash of its owner and type: the same name always gets the same offset, and the zone's
    // re-signing is spread over the jitter window instead of falling due all at once.
    Seconds jitter{0};
};

// What the last sign() did.
struct ResignStats {
    std::size_t rrsets = 0;         // RRsets that carry RRSIGs
    std::size_t signed_rrsets = 0;  // of which signed anew
    std::size_t kept_rrsets = 0;    // of which kept their RRSIGs
    // Request lines parsed: all of them for a version signed from the whole request, the
    // changed ones for a version made from the differences (sign_delta).
    std::size_t parsed_lines = 0;
};

// The kind of an owner name (RFC 4035 2.2).
enum class OwnerKind {
    Authoritative,  // the apex and ordinary data owners
    Delegation,     // a zone cut below the apex (RFC 4034 4.1.2, RFC 4035 2.2)
    Occluded,       // strictly below a zone cut: glue or occluded data (RFC 4035 2.2)
};

// Canonical DNS name order (RFC 4034 6.1) over names in wire form, already in lower case:
// label by label from the right, a label that is a prefix of another first.
struct CanonicalWireLess {
    bool operator()(const std::string& a, const std::string& b) const;
};

// The signer's memory of one RRset: what it came from and what it was written as.
struct RememberedRrset {
    std::uint16_t type = 0;
    std::uint16_t rr_class = 0;
    std::vector<std::string> sources;  // the request's lines it came from (none for NSEC/NSEC3)
    std::string text;                  // its records as zone-file lines, each ending in a newline
    bool has_rrsigs = false;           // whether it is signed
    std::uint32_t signers = 0;         // index into SignatureMemory::signer_sets
    TimePoint due;                     // when its signatures must be re-made
    std::string rrsigs;                // its RRSIG records, zone-file lines each ending in a newline
};

// The signer's memory of one owner name: its RRsets in the order the zone file lists them
// (the SOA first, then by type), its NSEC or NSEC3 among them.
struct RememberedOwner {
    OwnerKind kind = OwnerKind::Authoritative;
    bool apex = false;
    std::vector<RememberedRrset> rrsets;
};

// State shared by IncrementalSigner and the signer proper (signer.cpp reads it while it signs
// on several threads, and writes it only afterwards). After a version it holds the whole zone
// as it was written, piece by piece, so that the next version can be made from the differences
// of its request alone.
struct SignatureMemory {
    ResignPolicy policy;
    TimePoint now;     // the time of the version being signed
    std::string rule;  // the signature-time rule (inception and expiration relative to now)
    // What else every RRSIG and NSEC depends on (origin, denial, NSEC TTL, the signing keys);
    // empty when the last version was signed with faults.
    std::string shape;
    std::vector<std::string> signer_sets;  // identities of signer sets seen
    std::map<std::string, RememberedOwner, CanonicalWireLess> owners;  // by owner (wire form)
    std::vector<std::string> lines;        // the last request's records
    // A hash of each of `lines` and its index there, sorted: the next request is compared
    // with it line by line without parsing.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> line_index;
    std::optional<TimePoint> next_due;
    ResignStats stats;

    // The index of a signer set's identity, added when new.
    std::uint32_t signer_set(const std::string& identity);
    // When an RRset signed at `signed_at` falls due.
    TimePoint due(std::string_view id, TimePoint signed_at) const;
    // Forgets the zone: the next version is signed in full.
    void forget();
};

// The hash of a request line that SignatureMemory::line_index holds (FNV-1a, 64 bits).
std::uint64_t line_hash(std::string_view line);

// An RRset's identity in a SignatureMemory (the owner in wire form, then the type): what the
// jitter of its due time is a hash of.
std::string rrset_id(const std::string& owner_wire, std::uint16_t type);

// Signs as sign_zone(request) would at `now`, keeping from `memory` the RRSIGs of every RRset
// that is unchanged and not due, and leaves in `memory` what this version signed. A request
// with faults that edit signatures (corrupt_rrsig_types, corrupt_rrsigs_by, relabel_algorithm)
// is signed in full and leaves the memory empty. Parses the whole request. Defined in
// signer.cpp.
SignedZone sign_zone(const SignRequest& request, SignatureMemory& memory);

// The next version made from `memory` and the differences between `request` and the last
// request alone: only the changed lines are parsed, only the RRsets they touch, the NSEC
// records next to them and the RRsets due are signed, and the zone text is joined from the
// pieces kept. nullopt (the memory untouched) where that does not apply: nothing remembered,
// faults, NSEC3, other keys, origin or signature-time rule, a delegation added or removed, or
// more than an eighth of the lines changed. Defined in delta.cpp.
std::optional<SignedZone> sign_delta(const SignRequest& request, SignatureMemory& memory);

class IncrementalSigner {
public:
    explicit IncrementalSigner(ResignPolicy policy);

    // The zone of `request` as of `now` (the request's inception and expiration are those of
    // a full sign at `now`). The first call signs everything; later ones apply the request's
    // differences (sign_delta) where they can, else parse the whole request again.
    SignedZone sign(const SignRequest& request, TimePoint now);

    const ResignStats& last_stats() const { return m_memory.stats; }
    // The earliest time a remembered RRset falls due; nullopt when nothing is remembered.
    std::optional<TimePoint> next_due() const { return m_memory.next_due; }

private:
    SignatureMemory m_memory;
};

}  // namespace rollsim::dnssec
