// Resolvers of a lab: a warm Unbound daemon whose clock follows the virtual clock (vclock/: the
// preload library shifts its wall clock), and the configuration shared with the cold in-process
// validator.
#pragma once

#include "core/time.hpp"
#include "lab/process.hpp"
#include "lab/tools.hpp"
#include "scenario/model.hpp"
#include "vclock/clock_file.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::lab {

// What every validator of the lab is told about the private DNS world.
struct ResolverSetup {
    std::string root_hints;    // zone-file text: ". NS ns1.x." and the addresses
    std::string trust_anchor;  // zone-file text: the root's DS (or DNSKEY) records
    // Static: `trust-anchor-file`, rewritten with `trust_anchor` whenever a config is written.
    // Rfc5011: `auto-trust-anchor-file`, which Unbound rewrites as it follows the root's key
    // (RFC 5011); it is written with `trust_anchor` only when it does not exist yet, so that a
    // daemon started again keeps the state it had.
    scenario::TrustAnchorMode anchor_mode = scenario::TrustAnchorMode::Static;
    // Names Unbound would answer from built-in local zones (RFC 6761 and friends) that the lab
    // serves for real: each gets `local-zone: NAME nodefault`.
    std::vector<std::string> nodefault_zones;
};

// Writes the `server:` clauses common to the daemon and the cold validator (hints, anchor,
// do-not-query-localhost, EDE, val-log-level 2, nodefault zones) into `dir`, returning the
// text to include in a config. Files referenced are written under `dir`.
std::string common_server_options(const ResolverSetup& setup, const std::filesystem::path& dir);

// Which validator a profile is written for: the daemon takes every profile option; the cold
// validator (a fresh libunbound context per probe, no cache kept between probes) takes the
// validation options only and ignores serve-expired and val-bogus-ttl, which act on a cache.
enum class ProfileTarget { Daemon, ColdValidator };

// The `server:` clauses of a resolver profile (scenario::ResolverSpec), one per option that
// is set; unset options write nothing and keep Unbound's defaults. clock_offset is not a
// config option: the daemon and the cold validator apply it to their clocks. Throws LabError
// for values Unbound cannot take (negative durations, iterations outside 0..65535).
// Formats, checked against Unbound 1.17.1 (unbound.conf(5), validator/val_sigcrypt.c,
// validator/val_nsec3.c, and unbound-checkconf):
//   serve-expired: yes|no
//   val-sig-skew-min: SECONDS, val-sig-skew-max: SECONDS. The skew allowed around inception and
//     expiration is 10% of the signature's lifetime, raised to min, then capped at max (max
//     wins when min > max). Defaults 3600 and 86400.
//   val-bogus-ttl: SECONDS (default 60)
//   harden-algo-downgrade: yes|no (default no)
//   add-holddown: SECONDS, del-holddown: SECONDS (RFC 5011 hold-downs of auto-trust-anchor-file
//     anchors; defaults 2592000, i.e. 30 days). Daemon only.
//   val-nsec3-keysize-iterations: "1024 N 2048 N 4096 N": pairs of key size (ascending) and
//     the most NSEC3 iterations accepted for keys up to that size; keys larger than the last
//     size use its value, so N applies to keys of every size and algorithm. An
//     NSEC3 proof with more iterations is not checked: the answer is insecure, not bogus.
//     Default "1024 150 2048 150 4096 150".
std::string profile_server_options(const scenario::ResolverSpec& profile, ProfileTarget target);

class UnboundDaemon {
public:
    // Writes unbound.conf under `dir` (with the options of `profile`, see
    // profile_server_options), starts `unbound -d` on `address` port 53 on the virtual clock with
    // its clock at `virtual_now` + profile.clock_offset, and returns once it answers a local
    // query. profile.name and profile.kind are not read.
    UnboundDaemon(const Tools& tools, std::filesystem::path dir, std::string address,
                  const ResolverSetup& setup, const scenario::ResolverSpec& profile, TimePoint virtual_now);

    // Moves the daemon's clock to `virtual_now` + the profile's clock offset (one store into the
    // offset file the daemon maps: vclock/clock_file.hpp; it reads it at every clock call). Between
    // calls the clock runs at real speed. Moving it backwards ages nothing: what the daemon
    // cached at a later instant, bogus keys included, stays until its expiry on its clock.
    void set_time(TimePoint virtual_now);

    // Lets the daemon's RFC 5011 state machine run as a real daemon's probes would: asks the
    // root's DNSKEY RRset (RD, DO) and returns once the answer is in. Unbound 1.17.1 runs the
    // state machine (validator/autotrust.c autr_process_prime) each time it primes the root's
    // trust anchor, i.e. whenever the key cache entry of the root has expired (after TTLkey), and
    // before it answers; its own probe timer counts on the real monotonic clock and does not
    // fire within a run. Throws LabError when the daemon does not answer.
    void wake();

    // The RFC 5011 state of the root's anchor as the daemon last wrote it to its
    // auto-trust-anchor-file, e.g. "20326 VALID, 38696 ADDPEND", or "no trust anchor (every key
    // revoked)"; empty for a static anchor or before the file holds DNSKEYs.
    std::string auto_trust_anchor_state() const;

    const std::string& address() const { return m_address; }
    Seconds clock_offset() const { return m_clock_offset; }

private:
    std::filesystem::path m_dir;
    std::string m_address;
    Seconds m_clock_offset{0};
    vclock::VirtualClock m_clock;  // the daemon's wall clock
    std::filesystem::path m_auto_anchor;  // empty for a static anchor
    std::optional<Process> m_process;
};

}  // namespace rollsim::lab
