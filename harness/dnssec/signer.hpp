// Signs a zone in process with ldns: RRSIGs over every authoritative RRset and an NSEC chain
// (RFC 4034/4035). Pure: the signing times come in, nothing reads the clock.
#pragma once

#include "core/time.hpp"
#include "dnssec/key.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::dnssec {

// Deliberate defects, for the fault catalog (docs/faults.md). Each leaves the rest of the
// zone correctly signed.
struct SignFaults {
    std::vector<std::string> omit_rrsig_types;     // no RRSIG over RRsets of these types
    std::vector<std::string> corrupt_rrsig_types;  // RRSIGs over these types get flipped signature bytes
    // The RRSIGs over `type` made by some of the signing keys only: `key` (one of the
    // request's signers) when set, else every signer of `algorithm`. The other keys' RRSIGs
    // over the type stay right, as in an algorithm rollover whose new signer skips some RRsets.
    struct KeyScope {
        std::string type;
        const Key* key = nullptr;
        std::optional<scenario::Algorithm> algorithm;
        // Whether the RRSIG of algorithm `algorithm_number` and key tag `keytag` is in scope.
        bool picks(int algorithm_number, std::uint16_t keytag) const;
    };
    std::vector<KeyScope> omit_rrsigs_by;     // no RRSIG over `type` by the keys in scope
    std::vector<KeyScope> corrupt_rrsigs_by;  // RRSIGs over `type` by the keys in scope get flipped bytes
    // RRsets of `type` are signed by `key` (which the caller does not publish) instead of the
    // zone signers.
    struct ForeignSigner {
        std::string type;
        const Key* key = nullptr;
    };
    std::vector<ForeignSigner> foreign_signers;
    std::string drop_denial_for;     // absolute name: the NSEC/NSEC3 record at (NSEC) or matching
                                     // (NSEC3) that owner is removed, with its RRSIG
    bool break_denial_chain = false; // one NSEC/NSEC3 next-owner field skips the following owner
    std::optional<std::string> nsec3param_salt;  // NSEC3PARAM announces this salt (hex) instead
    // DNSKEY and RRSIG algorithm fields rewritten to this number after signing (signatures
    // left as made): models an algorithm the validator does not implement.
    std::optional<int> relabel_algorithm;
};

struct SignRequest {
    std::string origin;  // absolute zone name, "." for the root
    // Unsigned content in presentation format, one RR per string, absolute owner names and
    // explicit TTLs: SOA, apex NS, the DNSKEYs to publish, delegations (NS + glue + DS) and
    // data. Order does not matter.
    std::vector<std::string> records;
    // Keys that sign the apex DNSKEY RRset (and CDS/CDNSKEY).
    std::vector<const Key*> dnskey_signers;
    // Keys that sign every other authoritative RRset (not delegation NS, not glue).
    std::vector<const Key*> zone_signers;
    TimePoint inception;
    TimePoint expiration;
    std::uint32_t nsec_ttl = 300;  // RFC 9077: min(SOA MINIMUM, SOA TTL)
    scenario::Denial denial = scenario::Denial::Nsec;
    int nsec3_iterations = 0;   // RFC 5155 / RFC 9276
    std::string nsec3_salt;     // hex, empty = none
    SignFaults faults;
    // Threads that make the RRSIGs; 0 = one per core. The zone does not depend on it (an
    // ECDSA signature differs at every signing whatever the threads, RFC 6605 6).
    unsigned threads = 0;
};

// Every record of the signed zone in canonical order (RFC 4034 6.1), grouped by owner, in
// presentation format, one a line: ready to be written as a zone file. Held as one text, the
// size of the zone file and no more.
class SignedZone {
public:
    explicit SignedZone(std::string text) : m_text(std::move(text)) {}

    const std::string& text() const& { return m_text; }
    std::string text() && { return std::move(m_text); }
    // The records one by one, without their newlines (a copy).
    std::vector<std::string> records() const;

private:
    std::string m_text;
};

// Throws std::invalid_argument naming the record when an input record does not parse or
// lies outside the zone.
SignedZone sign_zone(const SignRequest& request);

}  // namespace rollsim::dnssec
