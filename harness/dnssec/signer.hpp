// Signs a zone in process with ldns: RRSIGs over every authoritative RRset and an NSEC chain
// (RFC 4034/4035). Pure: the signing times come in, nothing reads the clock.
#pragma once

#include "core/time.hpp"
#include "dnssec/key.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace rollsim::dnssec {

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
};

struct SignedZone {
    // Every record of the signed zone in canonical order (RFC 4034 6.1), grouped by owner, in
    // presentation format: ready to be written as a zone file.
    std::vector<std::string> records;
    std::string text() const;  // records joined with '\n', trailing newline
};

// Throws std::invalid_argument naming the record when an input record does not parse or
// lies outside the zone.
SignedZone sign_zone(const SignRequest& request);

}  // namespace rollsim::dnssec
