// Unbound in the lab: the warm Unbound daemon (a lab::ResolverDaemon, lab/resolver.hpp) whose
// clock follows the virtual clock (vclock/: the preload library shifts its wall clock), and the
// configuration shared with the cold in-process validator (probe/cold_validator.hpp).
#pragma once

#include "core/time.hpp"
#include "lab/resolver.hpp"
#include "lab/tools.hpp"
#include "scenario/model.hpp"

#include <filesystem>
#include <string>

namespace rollsim::lab {

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

class UnboundDaemon : public ResolverDaemon {
public:
    // Writes unbound.conf under `dir` (with the options of `profile`, see
    // profile_server_options), starts `unbound -d` on `address` port 53 on the virtual clock with
    // its clock at `virtual_now` + profile.clock_offset, and returns once it answers a local
    // query. profile.name and profile.kind are not read.
    UnboundDaemon(const Tools& tools, std::filesystem::path dir, std::string address,
                  const ResolverSetup& setup, const scenario::ResolverSpec& profile, TimePoint virtual_now);

    // Lets the daemon's RFC 5011 state machine run as a real daemon's probes would: asks the
    // root's DNSKEY RRset (RD, DO) and returns once the answer is in. Unbound 1.17.1 runs the
    // state machine (validator/autotrust.c autr_process_prime) each time it primes the root's
    // trust anchor, i.e. whenever the key cache entry of the root has expired (after TTLkey), and
    // before it answers; its own probe timer counts on the real monotonic clock and does not
    // fire within a run. Throws LabError when the daemon does not answer.
    void wake() override;

    // The RFC 5011 state of the root's anchor as the daemon last wrote it to its
    // auto-trust-anchor-file, e.g. "20326 VALID, 38696 ADDPEND", or "no trust anchor (every key
    // revoked)"; empty for a static anchor or before the file holds DNSKEYs.
    std::string auto_trust_anchor_state() const override;

    // unbound-control flush_zone . (the message, RRset and key caches, bogus entries among
    // them), flush_negative (the aggressive-NSEC negative cache, RFC 8198), flush_infra all (each
    // server's round-trip time, EDNS and lameness), each confirmed by its "ok".
    void empty_cache() override;

private:
    std::filesystem::path m_auto_anchor;  // empty for a static anchor
    std::string m_control;                // unbound-control
    std::filesystem::path m_conf;
};

}  // namespace rollsim::lab
