// The validated scenario: what scenario/parse.hpp reads from a file, what prepare/ completes,
// and what everything downstream reads. All times are offsets from `start` (virtual time);
// names are absolute, lower-case, with the trailing dot.
//
// Two stages fill it. parse_scenario() gives the file as written, checked: every zone and
// resolver it names exists, ancestors of every zone are present (created with default policy
// when the file did not list them, flagged `implicit`), and each `rollover:` entry is one
// RolloverSpec, not yet planned. prepare/prepared.hpp then plans the rollovers and fills in what
// they add: the successor keys, the timeline events of their steps, one spec per generation of a
// repeating rollover, a duration that covers the steps, and the keys of timeline events that
// name a key a rollover adds. A prepared model is internally consistent: every key, zone and
// resolver it names exists. The fields prepare fills say so.
#pragma once

#include "core/time.hpp"
#include "dns/names.hpp"

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

enum class Denial { Nsec, Nsec3 };

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
    // RFC 5011 2.1: from here the DNSKEY carries the REVOKE bit (a new key tag) and the key signs
    // the DNSKEY RRset only (its self-signature makes the revocation valid), nothing else.
    std::optional<Seconds> revoke;
    // Multi-signer (RFC 8901): the servers ("ns1", "ns2", ...) whose copy of the zone this key
    // signs. Empty = every server. The DNSKEY is published on every server regardless.
    std::vector<std::string> servers;
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

// How a new version of a signed zone gets its RRSIGs: all made anew (full), or only those of
// RRsets that changed or fell due, the rest kept (incremental, dnssec/incremental.hpp).
enum class Resign { Full, Incremental };

struct SigningPolicy {
    Seconds validity{14 * 86400};  // expiration = signing time + validity
    Seconds refresh{7 * 86400};    // re-sign when the last signatures are this old
    Seconds inception_offset{3600};  // inception = signing time - this (clock-skew margin)
    Denial denial = Denial::Nsec;
    int nsec3_iterations = 0;  // RFC 9276: 0 additional iterations
    std::string nsec3_salt;    // hex; empty = no salt (RFC 9276)
    Resign resign = Resign::Full;
    Seconds jitter{0};  // incremental only: RRsets fall due up to this much before refresh
};

// The parent's automated DS maintenance for a child zone (RFC 7344, RFC 8078): a parental
// agent that reads the child's CDS/CDNSKEY every `scan_every` and changes the DS
// `registration_delay` after accepting them (docs/parent-agent.md).
enum class DeletePolicy { Accept, Refuse };  // the RFC 8078 delete signal
struct ParentAgent {
    Seconds scan_every{3600};
    Seconds registration_delay{3600};
    DeletePolicy on_delete = DeletePolicy::Accept;
    SourceLoc loc;
};

// The operator's SOA as their zone file (from:) writes it (RFC 1035 3.3.13). Its TTL becomes
// ttl.soa and its MINIMUM ttl.negative (RFC 2308), unless the scenario's ttl: sets them.
struct SoaValues {
    std::string mname;  // primary master, absolute
    std::string rname;  // mailbox of the person responsible, absolute
    std::uint32_t serial = 0;  // the lab's first version is served with it, each next one adds 1
    std::uint32_t refresh = 3600;
    std::uint32_t retry = 900;
    std::uint32_t expire = 1209600;
};

// Who signs a zone (docs/scenario-format.md, "signer"). rollsim's own in-process signer follows
// the scenario's keys and timeline; every other kind is the operator's signer run in the lab as
// a hidden primary on the virtual clock, deciding its own keys and events (lab/signer.hpp).
enum class SignerKind { Rollsim, Bind, Knot, LdnsSignzone, DnssecSignzone };
struct SignerSpec {
    SignerKind kind = SignerKind::Rollsim;
    std::string policy;  // bind: the operator's file with its dnssec-policy block (absolute)
    std::string keys;    // bind: a directory of existing key files (absolute); empty = none
    SourceLoc loc;       // the signer: field
    SourceLoc policy_loc;  // where policy: is written, for errors about the file
    // ldns-signzone, dnssec-signzone: the operator's cron job (lab/batch_signer.cpp).
    std::vector<std::string> flags;             // the operator's command-line options, as written
    std::string algorithm = "ECDSAP256SHA256";  // of the keys generated at start (no keys:)
    Seconds every{86400};                       // a run at start and at each multiple of this
    std::optional<Seconds> stops_at;            // no run from this offset on: the cron job stopped
    SourceLoc flags_loc;                        // where flags: (or else signer:) is written
};

// The digest type of a DS record the parent publishes (RFC 4034 5.1.3): SHA-256 (RFC 4509) or
// SHA-384 (RFC 6605); the value is the IANA code.
enum class DsDigest : std::uint8_t { Sha256 = 2, Sha384 = 4 };

// `server-pools:`: a provider's shared name servers. Each server of a pool is one NSD serving
// every zone of the pool; the zones keep their own NS names (ns1.<zone>), with glue to the
// pool's addresses.
struct ServerPool {
    std::string name;
    int servers = 1;  // 1..8: ns1..nsN of each zone of the pool
    SourceLoc loc;    // the pool's key under server-pools:
};

struct ZoneSpec {
    std::string name;  // "example.com.", "." for the root
    bool implicit = false;  // an ancestor the lab created with default policy
    int servers = 1;        // ns1..nsN, each its own NSD instance and address (or the pool's)
    // `servers: <pool>`: the zone is served by the shared servers of that server pool (its
    // `servers` is then the pool's count); empty: the zone has servers of its own.
    std::string pool;
    // From a zone file (from:): the names the lab's servers ns1..nsN answer for, in order (the
    // file's apex NS names); empty: nsN.<zone> (scenario/zone_file.hpp server_name).
    std::vector<std::string> server_names;
    std::optional<SoaValues> soa;  // from a zone file; nullopt: the lab's own SOA values
    std::vector<std::string> records;  // template records, absolute owners, TTL filled in
    Ttls ttl;
    SigningPolicy signing;
    // The keys the file lists (or the default ksk and zsk); prepare adds each rollover's
    // successors after them, in rollover order, and clears the times of the keys a turn-secure
    // rollover publishes.
    std::vector<KeySpec> keys;
    std::optional<ParentAgent> parent_agent;  // nullopt: the DS follows the keys' schedule only
    SignerSpec signer;  // rollsim's own unless the file says otherwise
    // `ds-digests:`: one DS per digest type for each KSK/CSK the parent lists, in this order.
    std::vector<DsDigest> ds_digests{DsDigest::Sha256};
    // The zone key as written when it is a name pattern ("shop{1..1000}.com.", scenario/pattern.hpp)
    // that stands for this zone among others with the same settings; empty for a zone listed by name.
    std::string pattern;
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
    Revoke,       // key: publish it with the REVOKE bit, self-signing the DNSKEY RRset (RFC 5011 2.1)
    CdsPublish,   // key: the child lists it in its CDS/CDNSKEY RRsets (RFC 7344)
    CdsRemove,    // key: the child withdraws it from its CDS/CDNSKEY RRsets
    CdsDelete,    // zone: the child publishes the delete signal (RFC 8078 4) instead of its CDS set
    RecordAdd,    // zone: `record` is added to the zone's data
    RecordChange, // zone: `record` replaces the zone's records of its owner and type (new data or TTL)
    RecordRemove, // zone: the zone's records equal to `record` (owner, type, data) are removed
    SignerPolicy, // zone signed by bind: the operator's signer takes the policy file `policy`
};

// The fault catalog (docs/faults.md). `key`, `server`, `type`, `name` and the numeric
// parameters of Event narrow or tune a fault; which ones apply is noted per kind, and the
// parser reads them from the fault's row in scenario/names.hpp (with its name).
enum class FaultKind {
    // DS at the parent (zone = the child whose DS is broken; key narrows to one key's DS)
    DsDigestMismatch,     // digest bytes garbled
    DsUnknownKeytag,      // the DS names a key tag no DNSKEY has
    DsWrongAlgorithm,     // the DS algorithm field differs from the key's
    DsUnsupportedDigest,  // digest type unknown to validators (RFC 4509 / IANA)
    DsMissing,            // no DS at all: the zone becomes insecure
    OrphanDs,             // DS stays, the zone is served unsigned
    StaleDs,              // the parent's DS set freezes as it is at `at` (later DS changes ignored)
    // Signatures (zone = the signed zone; type narrows to one RR type where noted)
    SignerOutage,         // the signer stops at `at`, restarts at `until`
    ExpiredRrsig,         // signatures made with expiration `offset` (default 2d) in the past
    NotYetValidRrsig,     // signatures made with inception `offset` (default 2d) in the future
    RrsigMissing,         // no RRSIG over `type` (default A); with `key` or `key_algorithm`,
                          // none by that key or by the keys of that algorithm
    RrsigUnknownKey,      // `type` (default A) signed by a key that is not in the DNSKEY set
    CorruptedSignature,   // the signature bytes of RRSIGs over `type` (default A) flipped
                          // (only those by `key` or of `key_algorithm` when given)
    ShortValidity,        // the signer uses `validity` (shorter than its refresh) from `at`
    // Keys
    DnskeyRemoved,        // `key`'s DNSKEY removed (and it stops signing) while still needed
    RevokedKey,           // `key` published with the REVOKE bit (RFC 5011), signing as such
    UnsupportedAlgorithm, // the zone's keys and signatures relabelled to an algorithm number
                          // validators do not implement (`iterations` unused; number 253 unless `algorithm`)
    // Denial of existence
    NsecMissing,          // the NSEC (or NSEC3) record covering `name` removed
    NsecChainBroken,      // one NSEC's next-owner field skips names
    Nsec3Iterations,      // NSEC3 with `iterations` (default 200) additional iterations
    Nsec3paramMismatch,   // NSEC3PARAM announces another salt than the chain uses
    // Servers (server = "ns2" etc.; default ns1 for server faults when the zone has one server)
    LaggingSecondary,     // `server` keeps serving the version it had at `at`
    ServerUnsigned,       // `server` serves the zone unsigned
    ServerDown,           // `server` stops answering (its NSD is stopped) until `until`
    // Multi-signer (RFC 8901)
    MultiSignerMissingZsk,  // `server`'s DNSKEY set lacks `key` (the other provider's ZSK)
    // Parent automation (RFC 7344, RFC 8078; docs/parent-agent.md)
    CdsInconsistent,        // `server` keeps serving the CDS/CDNSKEY set it had at `at`
    CdsNotSignedByDsKey,    // CDS/CDNSKEY signed by the zone signers (ZSKs) only, no key of the DS set
    CdsPrematureDelete,     // the delete signal published and the zone's data left unsigned at `at`
};

// A key a timeline event names, as written, until it is checked against the keys of the zones.
// The parser checks it at once in a scenario without rollovers; with a `rollover:` block, which
// may add the key, prepare/ checks it once the rollovers are planned.
struct KeyReference {
    SourceLoc loc;     // where the key is written
    std::string verb;  // the action as written, e.g. "DS-Add", for the error that names it
};

struct Event {
    Seconds at{0};
    std::string zone;               // always set once prepared; empty from the parser for an
                                    // action whose key is not resolved yet (unresolved_key)
    std::optional<ActionKind> action;  // exactly one of action / fault
    std::optional<FaultKind> fault;
    std::string key;                // actions on keys; optional fault target
    std::optional<KeyReference> unresolved_key;  // set by the parser until `key` is checked; prepare clears it
    std::optional<Seconds> until;   // faults: repaired at this offset
    std::string server;             // faults on one server: "ns1", "ns2", ...
    std::string type;               // RR type mnemonic, upper-case (rrsig-missing, ...)
    std::string name;               // absolute owner name (nsec-missing)
    std::optional<Seconds> offset;  // expired-rrsig / not-yet-valid-rrsig distance
    std::optional<Seconds> validity;  // short-validity
    std::optional<int> iterations;  // nsec3-iterations
    std::optional<int> algorithm;   // unsupported-algorithm: the number used instead
    std::optional<Algorithm> key_algorithm;  // rrsig-missing, corrupted-signature: only the
                                             // RRSIGs of the keys of this algorithm
    std::string record;             // record actions: "www.example.com. 300 IN A 192.0.2.9"
    std::string policy;             // signer-policy: the operator's new policy file (absolute)
    std::string say;                // narrative text, shown in reports
    SourceLoc loc;
};

// A key rollover the planner (rollover/planner.hpp) turns into new keys and timeline events;
// prepare/ runs it and the checks that depend on the keys earlier rollovers added.
enum class RolloverMethod {
    ZskPrepublish,        // RFC 7583 3.2.1
    ZskDoubleSignature,   // RFC 7583 3.2.2
    KskDoubleKsk,         // RFC 7583 3.3.1
    KskDoubleDs,          // RFC 7583 3.3.2
    KskDoubleRrset,       // RFC 7583 3.3.3
    Csk,                  // RFC 7583 3.2.1 with 3.3.1
    Algorithm,            // RFC 6781 4.1.4
    TurnSecure,           // an unsigned zone signed, its DS added last
    TurnInsecure,         // the DS removed, the zone unsigned once no cached DS is left
    EmergencyZsk,         // a compromised ZSK replaced at once (RFC 6781 4.2.4, RFC 7583 timing)
    EmergencyKsk,         // a compromised KSK and its DS replaced at once
    EmergencyCsk,         // a compromised CSK and its DS replaced at once
};
// What an emergency rollover does with the compromised key (docs/rollovers.md, "Emergency rolls").
enum class EmergencyChoice {
    KeepUntilSafe,  // it stays published (and its DS) until its successor is in every cache: no outage
    PullNow,        // it (and its DS) goes at once: exposure ends sooner, caches holding it fail a while
};
struct RolloverSpec {
    std::string zone;
    RolloverMethod method = RolloverMethod::ZskPrepublish;
    std::string key;                     // the existing key being replaced; empty for turn-secure/insecure
    std::string new_key;                 // its successor's name; empty = "<key>-next"
    // Repeating key lifetimes: the rollover written once with `every:` becomes one RolloverSpec
    // per generation (1, 2, ...), each rolling the previous generation's successor. The parser
    // gives the entry as written (generation 1); prepare makes the generations, setting
    // `generation`, `key`, `new_key` and `start` of each.
    std::optional<Seconds> every;
    std::optional<int> count;  // generations; nullopt = as many as end within the duration
    int generation = 1;
    Seconds start{0};                    // offset of the rollover's first step
    std::optional<Algorithm> algorithm;  // method algorithm: the new algorithm
    Seconds registration_delay{0};       // Dreg
    Seconds parent_propagation{300};     // DprpP
    Seconds propagation{300};            // Dprp (and DprpC)
    Seconds margin{0};                   // added to every computed interval
    // "publish-interval" / "retire-interval" / "remove-interval" -> the interval used instead
    std::map<std::string, Seconds> overrides;
    std::optional<EmergencyChoice> choice;  // emergency methods only (required there)
    std::string say;                     // narrative of the first step (a tabletop's announcement)
    // An entry whose zone: is a pattern becomes one RolloverSpec per zone; with `stagger:`, zone
    // k of N starts at start + floor(k * stagger / N) rounded down to a whole hour. This is that
    // offset, already added to `start` (0 without stagger:).
    Seconds stagger_offset{0};
    SourceLoc loc;  // the entry
    // Where the values of key:, start:, algorithm: and every: are written (when they are), for
    // the checks prepare makes as it plans the rollover.
    SourceLoc key_loc, start_loc, algorithm_loc, every_loc, choice_loc;
};

struct Query {
    std::string qname;  // absolute
    std::string qtype;  // upper-case mnemonic, e.g. "A", "DNSKEY"
    std::string text() const { return qname + " " + qtype; }
    bool operator==(const Query&) const = default;
    auto operator<=>(const Query&) const = default;
};

// Which names are asked at the critical instants of a change (`probes: { critical: }`):
// every probe name (All, the default), only the names at or below the changed zone (Zone), or
// none, the run then stopping only at the regular instants (None).
enum class CriticalProbes { All, Zone, None };

// The scenario's probe schedule, which every resolver without one of its own follows: the
// regular interval, the chosen instants `at`, and the critical instants of every change
// (runner/schedule.hpp).
struct ProbeSpec {
    Seconds every{3600};
    std::vector<Seconds> at;  // chosen instants, in file order
    std::vector<Query> queries;
    CriticalProbes critical = CriticalProbes::All;
};

// A resolver's own probe schedule (its `probes:`): it is asked at these instants only, never at
// the critical instants, so that no probe refreshes its cache just before a change
// (runner/probe_plan.hpp).
struct ResolverProbes {
    std::optional<Seconds> every;  // from +0
    std::vector<Seconds> at;
};

// Which validator a resolver is (docs/resolvers.md). Every kind but Libunbound is a warm daemon
// of the lab queried over DNS, which keeps its cache (lab/resolver.hpp); the table of kinds,
// with the options each takes, is kResolverKindNames (scenario/names.hpp).
enum class ResolverKind {
    Unbound,       // a warm Unbound daemon queried over DNS; keeps its cache
    Libunbound,    // a cold in-process validator, fresh at every probe
    Bind,          // a warm BIND named as a validating resolver
    KnotResolver,  // a warm Knot Resolver kresd
    PdnsRecursor,  // a warm PowerDNS Recursor
};

// What a daemon keeps between probes (`cache:`, docs/resolvers.md#cold-daemons).
enum class ResolverCache {
    Warm,  // its cache, as a resolver users sit behind keeps it
    Cold,  // emptied through its control channel before every question: the answer of an empty cache
};

// How a daemon learns the root's key (RFC 5011 for `Rfc5011`).
enum class TrustAnchorMode {
    Static,   // the anchor it was installed with, never updated (every daemon kind)
    Rfc5011,  // auto-trust-anchor-file: Unbound follows the root's KSK rolls by RFC 5011 probing (unbound only)
};

// The kinds a scenario's resolvers are asked as (`--resolvers`, `resolvers: all`, docs/resolvers.md):
// each daemon resolver as a daemon of each kind, and with `cold` each cold libunbound validator
// as a cold daemon (ResolverCache::Cold) of each kind too.
struct ResolverMatrix {
    std::vector<ResolverKind> kinds;  // daemon kinds, in the order named
    bool cold = false;
};

// A stretch of virtual time during which a daemon is stopped (and then started again with its
// files, the RFC 5011 anchor state among them): [from, until).
struct OfflineSpan {
    Seconds from{0};
    Seconds until{0};
};

// A resolver profile. Options left unset keep the kind's own defaults; which options a kind
// takes, and the setting each becomes, is in kResolverKindNames and docs/scenario-format.md.
struct ResolverSpec {
    std::string name;  // "warm", "cold", ...
    ResolverKind kind = ResolverKind::Unbound;
    ResolverCache cache = ResolverCache::Warm;  // daemons only; libunbound is cold by nature
    SourceLoc loc;
    Seconds clock_offset{0};  // the resolver's clock runs this far from virtual time (may be < 0)
    std::optional<bool> serve_expired;          // daemons only
    std::optional<Seconds> val_sig_skew_min;
    std::optional<Seconds> val_sig_skew_max;
    std::optional<Seconds> val_bogus_ttl;       // daemons only
    std::optional<bool> harden_algo_downgrade;
    std::optional<int> max_nsec3_iterations;    // val-nsec3-keysize-iterations for every key size
    // Trust anchor and lifecycle (daemons only). The anchor a daemon is installed with is the one
    // the root's operator publishes at the scenario start, even when the daemon starts later.
    TrustAnchorMode trust_anchor = TrustAnchorMode::Static;
    std::optional<Seconds> add_holddown;  // RFC 5011 add hold-down (Unbound default 30 days)
    std::optional<Seconds> del_holddown;  // RFC 5011 remove hold-down (Unbound default 30 days)
    Seconds start{0};                     // the daemon is started here (not probed before)
    std::vector<OfflineSpan> offline;     // stopped during these spans (not probed), sorted
    std::optional<ResolverProbes> probes;  // nullopt: the scenario's schedule (ProbeSpec)
    // A population of caches (scenario/population.hpp): `population: N` as written (0: none);
    // once the parser has expanded it, each member names its population and its phase.
    int population_size = 0;
    std::string population;    // a member: the population's name ("" for any other resolver)
    Seconds population_phase{0};  // a member: when it first fills its cache
    // True while the daemon runs: started and not in an offline span.
    bool online_at(Seconds t) const
    {
        if (t < start) return false;
        for (const auto& span : offline)
            if (t >= span.from && t < span.until) return false;
        return true;
    }
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
    // Window: every covered observation has `outcome` (and `ede`).
    // Otherwise: every observation no Window covers has `outcome`.
    // NoFailures: no covered observation failed (SERVFAIL, bogus or no answer).
    // FailureWindow: among the failure windows of the covered query/resolver, at least one
    //   starts within [start_min, start_max] and lasts within [length_min, length_max]
    //   (a window still open at the end lasts until the end), with `ede` if given.
    // PredictedWindows: every warm failure window lies within a window the rollover lint
    //   predicted, and every predicted window saw a warm failure (within probe granularity).
    // Monitor: the monitor's lead over every failure group (report/monitor_leads.hpp).
    // ShareFailing: the largest share of a population's members failing at once
    //   (report/population.hpp) is at least share_at_least, or at most share_at_most, percent.
    // FailingZones: the zones with a failing probe result at the resolver (every resolver when
    //   unnamed) are exactly failing_zones (report/zone_summary.hpp).
    enum class Kind { Window, Otherwise, NoFailures, FailureWindow, PredictedWindows, Monitor, ShareFailing, FailingZones };
    Kind kind = Kind::Window;
    std::optional<Query> query;            // nullopt = every probed query
    std::string resolver;                  // empty = every resolver
    // `kind:` empty = resolvers of every kind; else only those of these kinds: the run keeps
    // the expectation for them alone (scenario/resolver_matrix.hpp, apply_expectation_kinds).
    std::vector<ResolverKind> kinds;
    std::optional<Seconds> from;           // inclusive; nullopt = start
    std::optional<Seconds> until;          // exclusive; nullopt = end
    Outcome outcome = Outcome::Secure;
    std::optional<int> ede;                // required EDE code (daemon resolvers only)
    std::optional<Seconds> start_min, start_max, length_min, length_max;  // FailureWindow
    // Monitor: `monitor` warned (warns_before) or went critical (crit_before) at least this long
    // before every failure group started (0s: at the same instant), or (misses) raised nothing
    // before any of them.
    std::string monitor;
    std::optional<Seconds> warns_before, crit_before;
    bool misses = false;
    std::optional<int> share_at_least, share_at_most;  // ShareFailing: percent, 0..100
    std::vector<std::string> failing_zones;  // FailingZones: sorted; empty = none
    SourceLoc loc;
    std::string text;  // the expectation as written, for reports
    // The author's name for it (`id:`), unique in the file; empty = named by its text. What CI
    // test views follow from run to run (report/expectation_id.hpp).
    std::string id;
};

// The operator's monitoring (`monitors:`, docs/monitoring.md): checks run inside the lab on the
// virtual clock at every multiple of their interval, each giving a monitoring-plugins status
// (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). A command monitor runs the operator's own program;
// `kind: rollsim-health` is the reference monitor built in (monitor/health.hpp).
enum class MonitorKind {
    Command,  // a program run through /bin/sh with the placeholders filled in
    Health,   // rollsim-health: RRSIG validity, DS alignment, DNSKEY and CDS consistency, chain
};

struct MonitorSpec {
    std::string name;  // unique; what reports and expectations call it
    MonitorKind kind = MonitorKind::Command;
    std::string command;              // Command: as written, {placeholders} not yet filled in
    Seconds every{3600};              // runs at +0, +every, +2*every, ... of virtual time
    Seconds timeout{30};              // wall-clock deadline of one run; then killed, UNKNOWN
    std::vector<std::string> zones;   // Health: zones checked; Command: the first is {zone}
    Seconds warn{3 * 86400};          // Health: WARNING at this much RRSIG validity left or less
    Seconds critical{86400};          // Health: CRITICAL at this much or less
    // An alert with no failure starting within this long after it is a false alarm.
    Seconds horizon{7 * 86400};
    SourceLoc loc;
};

struct Scenario {
    std::string file;  // path as given
    std::string name;
    std::string description;
    TimePoint start;
    // As written; without duration:, the last time the file names + 2d (at least 1d), which
    // prepare raises to the last planned step + 2d.
    Seconds duration{7 * 86400};
    bool duration_given = false;  // the file sets duration:
    std::vector<ZoneSpec> zones;  // parents before children; the root first
    std::vector<ServerPool> pools;  // `server-pools:`, in file order
    // Sorted by `at` (stable). The parser gives the file's events; prepare adds the planned
    // steps of the rollovers, before the file's events at the same instant.
    std::vector<Event> timeline;
    ProbeSpec probes;
    std::vector<ResolverSpec> resolvers;
    // `resolvers: all` or a list of kinds: the default resolvers were asked as these kinds
    // (scenario/resolver_matrix.hpp); no kinds when the file lists its resolvers or none.
    ResolverMatrix resolvers_as;
    std::vector<Expectation> expectations;
    // The parser: one per `rollover:` entry, as written. prepare: one per rollover planned (a
    // repeating one, one per generation), in the order they were planned.
    std::vector<RolloverSpec> rollovers;
    std::vector<MonitorSpec> monitors;  // in file order

    const ServerPool* find_pool(const std::string& name) const
    {
        for (const auto& p : pools)
            if (p.name == name) return &p;
        return nullptr;
    }

    const ZoneSpec* find_zone(const std::string& name) const
    {
        for (const auto& z : zones)
            if (z.name == name) return &z;
        return nullptr;
    }

    // The zone of the scenario that holds `qname`: the closest enclosing one; null when none does.
    const ZoneSpec* zone_holding(const std::string& qname) const
    {
        const ZoneSpec* best = nullptr;
        for (const auto& z : zones)
            if (dns::is_at_or_below(qname, z.name) && (!best || z.name.size() > best->name.size())) best = &z;
        return best;
    }
};

}  // namespace rollsim::scenario
