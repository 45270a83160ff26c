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
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
};

// The signer's memory of one RRset.
struct RememberedRrset {
    std::string wire;             // its records in canonical wire form (RFC 4034 6.2, 6.3)
    std::uint32_t signers = 0;    // index into SignatureMemory::signer_sets
    TimePoint due;                // when its signatures must be re-made
    std::vector<std::string> rrsigs;  // its RRSIG records, zone-file lines
};

// State shared by IncrementalSigner and the signer proper (signer.cpp reads it while it signs
// on several threads, and writes it only afterwards).
struct SignatureMemory {
    ResignPolicy policy;
    TimePoint now;     // the time of the version being signed
    std::string rule;  // the signature-time rule (inception and expiration relative to now)
    std::vector<std::string> signer_sets;                     // identities of signer sets seen
    std::unordered_map<std::string, RememberedRrset> rrsets;  // by owner (wire) and type
    std::optional<TimePoint> next_due;
    ResignStats stats;

    // The index of a signer set's identity, added when new.
    std::uint32_t signer_set(const std::string& identity);
    // When an RRset signed at `signed_at` falls due.
    TimePoint due(std::string_view id, TimePoint signed_at) const;
};

// Signs as sign_zone(request) would at `now`, keeping from `memory` the RRSIGs of every RRset
// that is unchanged and not due, and leaves in `memory` what this version signed. A request
// with faults that edit signatures (corrupt_rrsig_types, corrupt_rrsigs_by, relabel_algorithm)
// is signed in full and leaves the memory empty. Defined in signer.cpp.
SignedZone sign_zone(const SignRequest& request, SignatureMemory& memory);

class IncrementalSigner {
public:
    explicit IncrementalSigner(ResignPolicy policy);

    // The zone of `request` as of `now` (the request's inception and expiration are those of
    // a full sign at `now`). The first call signs everything.
    SignedZone sign(const SignRequest& request, TimePoint now);

    const ResignStats& last_stats() const { return m_memory.stats; }
    // The earliest time a remembered RRset falls due; nullopt when nothing is remembered.
    std::optional<TimePoint> next_due() const { return m_memory.next_due; }

private:
    SignatureMemory m_memory;
};

}  // namespace rollsim::dnssec
