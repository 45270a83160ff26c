// What a validating resolver says about one question, as types: the response code (RFC 1035
// 4.1.1, extended by RFC 6891 6.1.3; names from the IANA registry, RFC 6895 2.3), the Extended
// DNS Error (RFC 8914), the validation verdict (RFC 4035 4.3) and the answer that holds them.
// report/ turns them into words; nothing below it compares strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rollsim::dns {

// A response code. 12 bits with EDNS (RFC 6891 6.1.3): any value fits, named or not.
enum class Rcode : std::uint16_t {
    NoError, FormErr, ServFail, NxDomain, NotImp, Refused,  // 0-5, RFC 1035 4.1.1
    YxDomain, YxRrset, NxRrset, NotAuth, NotZone,           // 6-10, RFC 2136 (NotAuth also RFC 8945)
    DsoTypeNi,                                              // 11, RFC 8490
    BadVers = 16,  // RFC 6891 (BADSIG in TSIG, RFC 8945)
    BadKey, BadTime, BadMode, BadName, BadAlg, BadTrunc,    // 17-22, RFC 8945 and RFC 2930
    BadCookie,                                              // 23, RFC 7873
};

// The rcode of a number (12 bits: the header's 4 and the OPT record's 8 extended bits).
constexpr Rcode rcode_from_number(int number) { return static_cast<Rcode>(number); }
constexpr int rcode_number(Rcode rcode) { return static_cast<int>(rcode); }
// "NOERROR", "SERVFAIL", "NXDOMAIN", ...; "RCODE<n>" for a number without a name.
std::string to_string(Rcode rcode);
// The name, or nullopt for no answer: what reports show as null.
std::optional<std::string> rcode_name(const std::optional<Rcode>& rcode);

// An Extended DNS Error INFO-CODE (RFC 8914 4), 16 bits: a code registered after RFC 8914, or
// not at all, keeps its number.
enum class Ede : std::uint16_t {
    Other, UnsupportedDnskeyAlgorithm, UnsupportedDsDigestType, StaleAnswer, ForgedAnswer,    // 0-4
    DnssecIndeterminate, DnssecBogus, SignatureExpired, SignatureNotYetValid, DnskeyMissing,  // 5-9
    RrsigsMissing, NoZoneKeyBitSet, NsecMissing, CachedError, NotReady,                       // 10-14
    Blocked, Censored, Filtered, Prohibited, StaleNxdomainAnswer,                             // 15-19
    NotAuthoritative, NotSupported, NoReachableAuthority, NetworkError, InvalidData,          // 20-24
};

constexpr Ede ede_from_code(int code) { return static_cast<Ede>(code); }
constexpr int ede_code(Ede ede) { return static_cast<int>(ede); }
// The number, or nullopt for no EDE: what reports show, and what a scenario's `ede:` names.
std::optional<int> ede_code(const std::optional<Ede>& ede);
// The RFC 8914 name (section 4.N): "DNSSEC Bogus", "Signature Expired", ...; "EDE <n>" for a
// code RFC 8914 does not define.
std::string ede_name(Ede ede);
// RFC 8914 4.7-4.13: the codes that say DNSSEC validation failed (DNSSEC Bogus .. NSEC Missing).
// 1 and 2 (unsupported DNSKEY algorithm / DS digest type) make a zone insecure (RFC 4035 5.2),
// not bogus.
constexpr bool is_dnssec_failure(Ede ede) { return ede >= Ede::DnssecBogus && ede <= Ede::NsecMissing; }

// A validator's verdict on an answer (RFC 4035 4.3): Indeterminate when nothing was validated
// (no answer, or a failure that is not a validation verdict).
enum class Validation { Secure, Insecure, Bogus, Indeterminate };
// "secure", "insecure", "bogus", "indeterminate"
std::string to_string(Validation validation);

// One answer of a validating resolver to one question.
struct ResolverAnswer {
    std::optional<Rcode> rcode;  // nullopt = no answer
    bool ad = false;
    std::optional<Ede> ede;      // the first EDE option (daemons only: libunbound has no EDE)
    std::string ede_text;        // its EXTRA-TEXT
    Validation validation = Validation::Indeterminate;
    std::string reason;          // the validator's reason: EDE text or why_bogus

    // SERVFAIL, bogus or no answer: what users would experience as an outage.
    bool failed() const;
};

}  // namespace rollsim::dns
