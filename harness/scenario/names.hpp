// The words scenario files use for the model's enums (scenario/model.hpp): one table per enum,
// each row an enum value and its name, in the order the docs and the schema list them. Also the
// facts that belong to a value's row: which parameters a fault takes and requires, which
// intervals a rollover method lets a scenario override. The parser, the planner, the runner and
// the tests read these tables; nothing else spells the names out.
//
// to_string(value) gives a value's name, from_string<E>(name) the value (exact match: callers
// fold case first where the format allows any case), names_of<E>() every name in table order.
#pragma once

#include "scenario/model.hpp"

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rollsim::scenario {

template <typename E>
struct Named {
    E value;
    std::string_view name;
};

// timeline `do:` verbs
inline constexpr Named<ActionKind> kActionNames[] = {
    {ActionKind::Publish, "publish"},          {ActionKind::Activate, "activate"},
    {ActionKind::Retire, "retire"},            {ActionKind::Remove, "remove"},
    {ActionKind::DsAdd, "ds-add"},             {ActionKind::DsRemove, "ds-remove"},
    {ActionKind::StopSigner, "stop-signer"},   {ActionKind::StartSigner, "start-signer"},
    {ActionKind::Revoke, "revoke"},            {ActionKind::CdsPublish, "cds-publish"},
    {ActionKind::CdsRemove, "cds-remove"},     {ActionKind::CdsDelete, "cds-delete"},
    {ActionKind::RecordAdd, "record-add"},     {ActionKind::RecordChange, "record-change"},
    {ActionKind::RecordRemove, "record-remove"}, {ActionKind::SignerPolicy, "signer-policy"},
};

// The actions on a zone's data, which take `record:` and no key.
constexpr bool is_record_action(ActionKind a)
{
    return a == ActionKind::RecordAdd || a == ActionKind::RecordChange || a == ActionKind::RecordRemove;
}

// expectation outcomes
inline constexpr Named<Outcome> kOutcomeNames[] = {
    {Outcome::Secure, "secure"},     {Outcome::Insecure, "insecure"}, {Outcome::Servfail, "servfail"},
    {Outcome::Bogus, "bogus"},       {Outcome::Nxdomain, "nxdomain"}, {Outcome::Any, "any"},
};

inline constexpr Named<KeyRole> kKeyRoleNames[] = {
    {KeyRole::Ksk, "ksk"}, {KeyRole::Zsk, "zsk"}, {KeyRole::Csk, "csk"}};

// Canonical (upper-case) names; files may write any case, or the number.
inline constexpr Named<Algorithm> kAlgorithmNames[] = {
    {Algorithm::RSASHA256, "RSASHA256"},             {Algorithm::RSASHA512, "RSASHA512"},
    {Algorithm::ECDSAP256SHA256, "ECDSAP256SHA256"}, {Algorithm::ECDSAP384SHA384, "ECDSAP384SHA384"},
    {Algorithm::ED25519, "ED25519"},
};

inline constexpr Named<Denial> kDenialNames[] = {{Denial::Nsec, "nsec"}, {Denial::Nsec3, "nsec3"}};
inline constexpr Named<Resign> kResignNames[] = {{Resign::Full, "full"}, {Resign::Incremental, "incremental"}};

// A signer kind (docs/scenario-format.md, "signer"): its name, the program it runs and the Debian
// package that has it, and whether the lab runs it yet (lab/signer.hpp has one file per kind
// that runs).
struct SignerKindRow {
    SignerKind value;
    std::string_view name;
    std::string_view program;  // empty: in process
    std::string_view package;
    bool runs = true;
};

inline constexpr SignerKindRow kSignerKindNames[] = {
    {SignerKind::Rollsim, "rollsim", "", "", true},
    {SignerKind::Bind, "bind", "named", "bind9", true},
    {SignerKind::Knot, "knot", "knotd", "knot", true},
    {SignerKind::LdnsSignzone, "ldns-signzone", "ldns-signzone", "ldnsutils", true},
    {SignerKind::DnssecSignzone, "dnssec-signzone", "dnssec-signzone", "bind9-utils", true},
};

// A resolver's profile options (docs/scenario-format.md, "resolvers"), one bit each: which a kind
// takes. Unbound takes them all; a daemon kind takes those that map onto a setting of its own.
enum ResolverOption : unsigned {
    kOptClockOffset = 1u << 0,
    kOptServeExpired = 1u << 1,
    kOptValSigSkewMin = 1u << 2,
    kOptValSigSkewMax = 1u << 3,
    kOptValBogusTtl = 1u << 4,
    kOptHardenAlgoDowngrade = 1u << 5,
    kOptMaxNsec3Iterations = 1u << 6,
    kOptTrustAnchor = 1u << 7,
    kOptAddHolddown = 1u << 8,
    kOptDelHolddown = 1u << 9,
    kOptStart = 1u << 10,
    kOptOffline = 1u << 11,
};

inline constexpr Named<ResolverOption> kResolverOptionNames[] = {
    {kOptClockOffset, "clock-offset"},     {kOptServeExpired, "serve-expired"},
    {kOptValSigSkewMin, "val-sig-skew-min"}, {kOptValSigSkewMax, "val-sig-skew-max"},
    {kOptValBogusTtl, "val-bogus-ttl"},    {kOptHardenAlgoDowngrade, "harden-algo-downgrade"},
    {kOptMaxNsec3Iterations, "max-nsec3-iterations"}, {kOptTrustAnchor, "trust-anchor"},
    {kOptAddHolddown, "add-holddown"},     {kOptDelHolddown, "del-holddown"},
    {kOptStart, "start"},                  {kOptOffline, "offline"},
};

// Every daemon runs when told (start, offline), on the lab's clock (clock-offset), with the static
// anchor of the scenario start (trust-anchor: static).
inline constexpr unsigned kDaemonOptions = kOptClockOffset | kOptTrustAnchor | kOptStart | kOptOffline;

// A resolver kind (docs/resolvers.md): its name, the program it runs, whether it is a warm
// daemon of the lab (lab/resolver.hpp starts one per kind) or the cold in-process validator,
// the options it takes (ResolverOption bits; docs/scenario-format.md says which setting of the
// program each becomes), whether its SERVFAIL carries a DNSSEC Extended DNS Error (RFC 8914;
// named 9.18 has none and says why only in its log) and whether it follows the root's key by
// RFC 5011 (trust-anchor: rfc5011, add-holddown, del-holddown).
struct ResolverKindRow {
    ResolverKind value;
    std::string_view name;
    std::string_view program;
    bool daemon = true;
    unsigned takes = kDaemonOptions;
    bool dnssec_ede = true;
    bool rfc5011 = false;
};

inline constexpr ResolverKindRow kResolverKindNames[] = {
    {ResolverKind::Unbound, "unbound", "Unbound", true, ~0u, true, true},
    {ResolverKind::Libunbound, "libunbound", "libunbound", false,
     kOptClockOffset | kOptValSigSkewMin | kOptValSigSkewMax | kOptHardenAlgoDowngrade | kOptMaxNsec3Iterations,
     false},
    // named.conf: stale-answer-enable and stale-cache-enable, servfail-ttl.
    {ResolverKind::Bind, "bind", "BIND named", true, kDaemonOptions | kOptServeExpired | kOptValBogusTtl, false},
    // kresd: the serve_stale module.
    {ResolverKind::KnotResolver, "knot-resolver", "Knot Resolver kresd", true, kDaemonOptions | kOptServeExpired},
    // recursor.conf: serve-stale-extensions, max-cache-bogus-ttl, nsec3-max-iterations.
    {ResolverKind::PdnsRecursor, "pdns-recursor", "PowerDNS Recursor", true,
     kDaemonOptions | kOptServeExpired | kOptValBogusTtl | kOptMaxNsec3Iterations},
};

// The most a kind's own setting takes, where it is less than any duration a scenario can write.
struct ResolverOptionLimit {
    ResolverKind kind;
    ResolverOption option;
    Seconds most;
    std::string_view setting;  // the program's setting, for the error
};

inline constexpr ResolverOptionLimit kResolverOptionLimits[] = {
    // BIND 9.18 caps servfail-ttl at 30 seconds (named.conf(5), the ARM's servfail-ttl).
    {ResolverKind::Bind, kOptValBogusTtl, Seconds(30), "named's servfail-ttl"},
};

inline constexpr Named<ResolverCache> kResolverCacheNames[] = {
    {ResolverCache::Warm, "warm"}, {ResolverCache::Cold, "cold"}};

inline constexpr Named<CriticalProbes> kCriticalProbesNames[] = {
    {CriticalProbes::All, "all"}, {CriticalProbes::Zone, "zone"}, {CriticalProbes::None, "none"}};

inline constexpr Named<TrustAnchorMode> kTrustAnchorModeNames[] = {
    {TrustAnchorMode::Static, "static"}, {TrustAnchorMode::Rfc5011, "rfc5011"}};

// parent-agent `delete:`
inline constexpr Named<DeletePolicy> kDeletePolicyNames[] = {
    {DeletePolicy::Accept, "accept"}, {DeletePolicy::Refuse, "refuse"}};

// zone `ds-digests:`
inline constexpr Named<DsDigest> kDsDigestNames[] = {{DsDigest::Sha256, "sha256"}, {DsDigest::Sha384, "sha384"}};

// The event fields that narrow or tune a fault (every fault also takes zone, until and say).
enum FaultParam : unsigned {
    kParamKey = 1u << 0,
    kParamServer = 1u << 1,
    kParamType = 1u << 2,
    kParamName = 1u << 3,
    kParamOffset = 1u << 4,
    kParamValidity = 1u << 5,
    kParamIterations = 1u << 6,
    kParamAlgorithm = 1u << 7,
    // Narrows a signature fault to the RRSIGs of the keys of one algorithm (an algorithm the
    // lab signs with), as `key` narrows it to one key's. Not `algorithm`, which is the number
    // unsupported-algorithm relabels to.
    kParamKeyAlgorithm = 1u << 8,
};

inline constexpr Named<FaultParam> kFaultParamNames[] = {
    {kParamKey, "key"},       {kParamServer, "server"},     {kParamType, "type"},
    {kParamName, "name"},     {kParamOffset, "offset"},     {kParamValidity, "validity"},
    {kParamIterations, "iterations"}, {kParamAlgorithm, "algorithm"}, {kParamKeyAlgorithm, "key-algorithm"},
};

// A fault of the catalog (docs/faults.md) and the parameters it takes and cannot do without
// (FaultParam bits; server is also required when the zone has more than one server).
// kScopedRrsigs: the RRSIGs over one type, all of them or, with key or key-algorithm, those of
// one key or of the keys of one algorithm.
inline constexpr unsigned kScopedRrsigs = kParamType | kParamKey | kParamKeyAlgorithm;

struct FaultRow {
    FaultKind value;
    std::string_view name;
    unsigned takes = 0;
    unsigned required = 0;
    std::string_view key_is = "";  // a fault that requires key: what the key is, for the error that asks for it
};

// In catalog order, which is FaultKind's.
inline constexpr FaultRow kFaultNames[] = {
    {FaultKind::DsDigestMismatch, "ds-digest-mismatch", kParamKey},
    {FaultKind::DsUnknownKeytag, "ds-unknown-keytag", kParamKey},
    {FaultKind::DsWrongAlgorithm, "ds-wrong-algorithm", kParamKey},
    {FaultKind::DsUnsupportedDigest, "ds-unsupported-digest", kParamKey},
    {FaultKind::DsMissing, "ds-missing", kParamKey},
    {FaultKind::OrphanDs, "orphan-ds"},
    {FaultKind::StaleDs, "stale-ds"},
    {FaultKind::SignerOutage, "signer-outage"},
    {FaultKind::ExpiredRrsig, "expired-rrsig", kParamOffset},
    {FaultKind::NotYetValidRrsig, "not-yet-valid-rrsig", kParamOffset},
    {FaultKind::RrsigMissing, "rrsig-missing", kScopedRrsigs},
    {FaultKind::RrsigUnknownKey, "rrsig-unknown-key", kParamType},
    {FaultKind::CorruptedSignature, "corrupted-signature", kScopedRrsigs},
    {FaultKind::ShortValidity, "short-validity", kParamValidity, kParamValidity},
    {FaultKind::DnskeyRemoved, "dnskey-removed", kParamKey, kParamKey, "the key whose DNSKEY is removed"},
    {FaultKind::RevokedKey, "revoked-key", kParamKey, kParamKey, "the key published with the REVOKE bit"},
    {FaultKind::UnsupportedAlgorithm, "unsupported-algorithm", kParamAlgorithm},
    {FaultKind::NsecMissing, "nsec-missing", kParamName, kParamName},
    {FaultKind::NsecChainBroken, "nsec-chain-broken"},
    {FaultKind::Nsec3Iterations, "nsec3-iterations", kParamIterations},
    {FaultKind::Nsec3paramMismatch, "nsec3param-mismatch"},
    {FaultKind::LaggingSecondary, "lagging-secondary", kParamServer},
    {FaultKind::ServerUnsigned, "server-unsigned", kParamServer},
    {FaultKind::ServerDown, "server-down", kParamServer},
    {FaultKind::MultiSignerMissingZsk, "multi-signer-missing-zsk", kParamKey | kParamServer, kParamKey,
     "the ZSK missing from the server's DNSKEY set"},
    {FaultKind::CdsInconsistent, "cds-inconsistent", kParamServer},
    {FaultKind::CdsNotSignedByDsKey, "cds-not-signed-by-ds-key"},
    {FaultKind::CdsPrematureDelete, "cds-premature-delete"},
};

// A rollover method (docs/rollovers.md) and the intervals a scenario may override for it
// (`override:`), in step order; unused slots are empty.
struct RolloverMethodRow {
    RolloverMethod value;
    std::string_view name;
    std::array<std::string_view, 3> overrides{};
};

inline constexpr RolloverMethodRow kRolloverMethodNames[] = {
    {RolloverMethod::ZskPrepublish, "zsk-prepublish", {"publish-interval", "retire-interval"}},
    {RolloverMethod::ZskDoubleSignature, "zsk-double-signature", {"retire-interval"}},
    {RolloverMethod::KskDoubleKsk, "ksk-double-ksk", {"publish-interval", "retire-interval"}},
    {RolloverMethod::KskDoubleDs, "ksk-double-ds", {"publish-interval", "retire-interval"}},
    {RolloverMethod::KskDoubleRrset, "ksk-double-rrset", {"publish-interval"}},
    {RolloverMethod::Csk, "csk", {"publish-interval", "retire-interval", "remove-interval"}},
    {RolloverMethod::Algorithm, "algorithm", {"publish-interval", "retire-interval"}},
    {RolloverMethod::TurnSecure, "turn-secure", {"publish-interval"}},
    {RolloverMethod::TurnInsecure, "turn-insecure", {"retire-interval"}},
    {RolloverMethod::EmergencyZsk, "emergency-zsk", {"retire-interval"}},
    {RolloverMethod::EmergencyKsk, "emergency-ksk", {"retire-interval"}},
    {RolloverMethod::EmergencyCsk, "emergency-csk", {"retire-interval"}},
};

inline constexpr Named<EmergencyChoice> kEmergencyChoiceNames[] = {
    {EmergencyChoice::KeepUntilSafe, "keep-until-safe"},
    {EmergencyChoice::PullNow, "pull-now"},
};

// Each enum's table, found by the type of its argument (the value is not read).
constexpr std::span<const Named<ActionKind>> name_table(ActionKind) { return kActionNames; }
constexpr std::span<const Named<Outcome>> name_table(Outcome) { return kOutcomeNames; }
constexpr std::span<const Named<KeyRole>> name_table(KeyRole) { return kKeyRoleNames; }
constexpr std::span<const Named<Algorithm>> name_table(Algorithm) { return kAlgorithmNames; }
constexpr std::span<const Named<Denial>> name_table(Denial) { return kDenialNames; }
constexpr std::span<const Named<Resign>> name_table(Resign) { return kResignNames; }
constexpr std::span<const ResolverKindRow> name_table(ResolverKind) { return kResolverKindNames; }
constexpr std::span<const Named<ResolverOption>> name_table(ResolverOption) { return kResolverOptionNames; }
constexpr std::span<const Named<TrustAnchorMode>> name_table(TrustAnchorMode) { return kTrustAnchorModeNames; }
constexpr std::span<const Named<ResolverCache>> name_table(ResolverCache) { return kResolverCacheNames; }
constexpr std::span<const Named<CriticalProbes>> name_table(CriticalProbes) { return kCriticalProbesNames; }
constexpr std::span<const Named<DeletePolicy>> name_table(DeletePolicy) { return kDeletePolicyNames; }
constexpr std::span<const SignerKindRow> name_table(SignerKind) { return kSignerKindNames; }
constexpr std::span<const Named<DsDigest>> name_table(DsDigest) { return kDsDigestNames; }
constexpr std::span<const Named<FaultParam>> name_table(FaultParam) { return kFaultParamNames; }
constexpr std::span<const FaultRow> name_table(FaultKind) { return kFaultNames; }
constexpr std::span<const RolloverMethodRow> name_table(RolloverMethod) { return kRolloverMethodNames; }
constexpr std::span<const Named<EmergencyChoice>> name_table(EmergencyChoice) { return kEmergencyChoiceNames; }

template <typename E>
concept NamedEnum = requires(E e) { name_table(e); };

// The row of `value` in its table.
template <NamedEnum E>
constexpr const auto& row_of(E value)
{
    for (const auto& row : name_table(value))
        if (row.value == value) return row;
    return name_table(value).front();  // unreachable: every value has its row
}

template <NamedEnum E>
constexpr std::string_view to_string(E value)
{
    return row_of(value).name;
}

template <NamedEnum E>
constexpr std::optional<E> from_string(std::string_view name)
{
    for (const auto& row : name_table(E{}))
        if (row.name == name) return row.value;
    return std::nullopt;
}

template <NamedEnum E>
std::vector<std::string> names_of()
{
    std::vector<std::string> out;
    for (const auto& row : name_table(E{})) out.emplace_back(row.name);
    return out;
}

// Whether `kind` is a warm daemon of the lab (every kind but libunbound).
constexpr bool is_daemon(ResolverKind kind) { return row_of(kind).daemon; }

// Whether `method` replaces a key after its compromise (emergency-zsk, -ksk, -csk).
constexpr bool is_emergency(RolloverMethod method)
{
    return method == RolloverMethod::EmergencyZsk || method == RolloverMethod::EmergencyKsk ||
           method == RolloverMethod::EmergencyCsk;
}
// Whether `method` rolls a ZSK (and leaves the DS alone).
constexpr bool rolls_zsk(RolloverMethod method)
{
    return method == RolloverMethod::ZskPrepublish || method == RolloverMethod::ZskDoubleSignature ||
           method == RolloverMethod::EmergencyZsk;
}

// Whether `r` keeps a cache across probes: a daemon whose cache is not emptied before each one.
constexpr bool is_warm(const ResolverSpec& r) { return is_daemon(r.kind) && r.cache == ResolverCache::Warm; }

// The intervals `method` lets a scenario override, in step order.
inline std::vector<std::string> override_names(RolloverMethod method)
{
    std::vector<std::string> out;
    for (auto name : row_of(method).overrides)
        if (!name.empty()) out.emplace_back(name);
    return out;
}

}  // namespace rollsim::scenario
