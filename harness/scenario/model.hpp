// The validated scenario: what scenario/parse.hpp produces and everything downstream reads.
// All times are offsets from `start` (virtual time); names are absolute, lower-case, with the
// trailing dot. A model that parse_scenario() returned is internally consistent: every key,
// zone and resolver it names exists, and ancestors of every zone are present (created with
// default policy when the file did not list them, flagged `implicit`).
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::scenario {

struct SourceLoc {
    std::string file;
    int line = 0;  // 1-based, 0 = unknown
    int column = 0;
};

enum class KeyRole { Ksk, Zsk, Csk };

// DNSSEC algorithm numbers (IANA registry, RFC 8624).
enum class Algorithm : std::uint8_t {
    RSASHA256 = 8,
    RSASHA512 = 10,
    ECDSAP256SHA256 = 13,
    ECDSAP384SHA384 = 14,
    ED25519 = 15,
};

enum class Denial { Nsec };

// A key's life in offsets from the scenario start; nullopt = never (within the run).
// Defaults (applied by the parser): a key listed with no times is published and active from
// the start and, for KSK/CSK, has its DS at the parent from the start. A key given `publish:`
// but no `activate:` is only pre-published; the timeline activates it.
struct KeySpec {
    std::string name;  // unique within its zone
    KeyRole role = KeyRole::Zsk;
    Algorithm algorithm = Algorithm::ECDSAP256SHA256;
    int bits = 0;  // RSA modulus size; 0 = algorithm default (2048)
    std::optional<Seconds> publish;   // DNSKEY in the zone from here
    std::optional<Seconds> activate;  // signs from here
    std::optional<Seconds> retire;    // stops signing from here (still published)
    std::optional<Seconds> remove;    // DNSKEY gone from here (and no longer signs)
    std::optional<Seconds> ds_add;     // KSK/CSK: DS in the parent's zone from here
    std::optional<Seconds> ds_remove;  // KSK/CSK: DS gone from the parent from here
    SourceLoc loc;
};

struct Ttls {
    std::uint32_t default_ttl = 300;
    std::uint32_t dnskey = 3600;
    std::uint32_t ds = 3600;       // TTL of this zone's DS RRset at its parent
    std::uint32_t soa = 300;
    std::uint32_t ns = 3600;       // NS RRset, here and at the parent (with glue)
    std::uint32_t negative = 300;  // SOA MINIMUM, the NSEC TTL (RFC 9077)
    std::map<std::string, std::uint32_t> by_type;  // upper-case type -> TTL, e.g. "A" -> 60
};

struct SigningPolicy {
    Seconds validity{14 * 86400};  // expiration = signing time + validity
    Seconds refresh{7 * 86400};    // re-sign when the last signatures are this old
    Seconds inception_offset{3600};  // inception = signing time - this (clock-skew margin)
    Denial denial = Denial::Nsec;
};

struct ZoneSpec {
    std::string name;  // "example.com.", "." for the root
    bool implicit = false;  // an ancestor the lab created with default policy
    int servers = 1;        // ns1..nsN, each its own NSD instance and address
    std::vector<std::string> records;  // template records, absolute owners, TTL filled in
    Ttls ttl;
    SigningPolicy signing;
    std::vector<KeySpec> keys;
    SourceLoc loc;
};

enum class ActionKind {
    Publish,      // key: put the DNSKEY in the zone
    Activate,     // key: start signing with it
    Retire,       // key: stop signing with it
    Remove,       // key: remove the DNSKEY (implies stop signing)
    DsAdd,        // key: the parent adds a DS for it
    DsRemove,     // key: the parent removes its DS
    StopSigner,   // zone: signer stops; the last signed zone stays served
    StartSigner,  // zone: signer resumes and re-signs at once
};

enum class FaultKind {
    DsDigestMismatch,  // the parent's DS for `key` (every DS of the zone if none) has a wrong digest
};

struct Event {
    Seconds at{0};
    std::string zone;               // always set
    std::optional<ActionKind> action;  // exactly one of action / fault
    std::optional<FaultKind> fault;
    std::string key;                // actions on keys; optional fault target
    std::optional<Seconds> until;   // faults: repaired at this offset
    std::string say;                // narrative text, shown in reports
    SourceLoc loc;
};

struct Query {
    std::string qname;  // absolute
    std::string qtype;  // upper-case mnemonic, e.g. "A", "DNSKEY"
    std::string text() const { return qname + " " + qtype; }
    bool operator==(const Query&) const = default;
    auto operator<=>(const Query&) const = default;
};

struct ProbeSpec {
    Seconds every{3600};
    std::vector<Query> queries;
};

enum class ResolverKind {
    Unbound,     // a warm Unbound daemon queried over DNS; keeps its cache
    Libunbound,  // a cold in-process validator, fresh at every probe
};

struct ResolverSpec {
    std::string name;  // "warm", "cold", ...
    ResolverKind kind = ResolverKind::Unbound;
    SourceLoc loc;
};

enum class Outcome {
    Secure,    // answered, validated (AD set / secure)
    Insecure,  // answered, not validated (no AD / insecure)
    Servfail,  // SERVFAIL from a daemon; bogus from the cold validator
    Bogus,     // failed validation: SERVFAIL with a DNSSEC EDE, or bogus from the validator
    Nxdomain,  // name does not exist
    Any,       // no constraint (a window where either outcome is acceptable)
};

struct Expectation {
    enum class Kind { Window, Otherwise };
    Kind kind = Kind::Window;
    std::optional<Query> query;            // nullopt = every probed query
    std::string resolver;                  // empty = every resolver
    std::optional<Seconds> from;           // inclusive; nullopt = start
    std::optional<Seconds> until;          // exclusive; nullopt = end
    Outcome outcome = Outcome::Secure;
    std::optional<int> ede;                // required EDE code (daemon resolvers only)
    SourceLoc loc;
    std::string text;  // the expectation as written, for reports
};

struct Scenario {
    std::string file;  // path as given
    std::string name;
    std::string description;
    TimePoint start;
    Seconds duration{7 * 86400};
    std::vector<ZoneSpec> zones;  // parents before children; the root first
    std::vector<Event> timeline;  // sorted by `at` (stable)
    ProbeSpec probes;
    std::vector<ResolverSpec> resolvers;
    std::vector<Expectation> expectations;

    const ZoneSpec* find_zone(const std::string& name) const
    {
        for (const auto& z : zones)
            if (z.name == name) return &z;
        return nullptr;
    }
};

}  // namespace rollsim::scenario
