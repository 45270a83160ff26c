// RFC 7583 ("DNSSEC Key Rollover Timing Considerations") as pure functions: one per timing
// rule, every input explicit. Each returns the interval with its formula, the numbers that
// went into it and the section it comes from, so that a plan can show why a step is where it is.
// Algorithm rollovers follow RFC 6781 section 4.1.4 and combine these rules.
#pragma once

#include "core/time.hpp"

#include <string>

namespace rollsim::rollover {

// The parameters of RFC 7583 section 3.1 (names as in the RFC).
struct TimingInputs {
    Seconds ttl_key{3600};      // TTLkey: TTL of the DNSKEY RRset
    Seconds ttl_ds{3600};       // TTLds: TTL of the DS RRset at the parent
    Seconds ttl_sig{3600};      // TTLsig: the largest TTL of the RRsets the ZSK signs
    Seconds dprp{300};          // Dprp: propagation delay to all servers of the zone
    Seconds dprp_parent{300};   // DprpP: propagation delay of the parent's zone
    Seconds dprp_child{300};    // DprpC: propagation delay of the child's zone (usually = Dprp)
    Seconds dreg{0};            // Dreg: registration delay, submission to DS published at the parent
    Seconds dsgn{0};            // Dsgn: signing delay; rollsim takes signature validity - refresh
    Seconds margin{0};          // safety margin added to every computed interval
    // RFC 5011 trust-anchor rolls (the root's KSK):
    Seconds validity{14 * 86400};      // signature validity: bounds the RRSIG expiration interval
    Seconds add_holddown{30 * 86400};  // RFC 5011 2.4.1 add hold-down
};

struct Interval {
    std::string name;     // "Ipub", "IpubC", "Iret", ...
    std::string formula;  // "Dprp + TTLkey"
    std::string numbers;  // "5m + 1h = 1h5m"
    std::string section;  // "RFC 7583 3.2.1"
    Seconds minimum{0};   // the formula's value
    Seconds value{0};     // minimum + margin: what a plan uses unless overridden

    // "Ipub = Dprp + TTLkey = 5m + 1h = 1h5m (+ margin 1h = 2h5m)"
    std::string describe() const;
};

// ZSK pre-publication (RFC 7583 3.2.1): the new DNSKEY is in caches before it signs,
// the old one stays until the signatures it made have left caches.
Interval zsk_prepublish_ipub(const TimingInputs& in);  // Ipub = Dprp + TTLkey
Interval zsk_prepublish_iret(const TimingInputs& in);  // Iret = Dsgn + Dprp + TTLsig

// ZSK double-signature (RFC 7583 3.2.2): both keys sign until the old DNSKEY set and the
// signatures made by the old key alone have expired.
Interval zsk_double_signature_iret(const TimingInputs& in);  // Iret = Dsgn + Dprp + max(TTLkey, TTLsig)

// KSK double-KSK (RFC 7583 3.3.1): new KSK in the DNSKEY set first, DS swapped afterwards.
Interval ksk_double_ksk_ipub(const TimingInputs& in);  // IpubC = DprpC + TTLkey
Interval ksk_double_ksk_iret(const TimingInputs& in);  // Iret = DprpP + TTLds

// KSK double-DS (RFC 7583 3.3.2): new DS at the parent first, DNSKEY swapped afterwards.
Interval ksk_double_ds_ipub(const TimingInputs& in);  // IpubP = DprpP + TTLds
Interval ksk_double_ds_iret(const TimingInputs& in);  // Iret = DprpC + TTLkey

// KSK double-RRset (RFC 7583 3.3.3): new DNSKEY and new DS at once, old ones removed together.
Interval ksk_double_rrset_ipub(const TimingInputs& in);  // Ipub = max(Dreg + DprpP + TTLds, DprpC + TTLkey)

// CSK (RFC 7583 3.2.1 with 3.3.1): pre-publish the DNSKEY, double-sign, swap the DS, then
// retire and remove the old key.
Interval csk_ipub(const TimingInputs& in);        // Ipub = Dprp + TTLkey
Interval csk_iret_ds(const TimingInputs& in);     // Iret = DprpP + TTLds (DS swap -> old key stops signing)
Interval csk_iret_sig(const TimingInputs& in);    // Iret = Dsgn + Dprp + TTLsig (stops signing -> removed)

// Algorithm rollover (RFC 6781 4.1.4, with RFC 7583 rules): the new algorithm's signatures and
// DNSKEYs in caches before the DS changes; the old DS out of caches before the old keys go.
Interval algorithm_ipub(const TimingInputs& in);  // max(Dsgn + Dprp + TTLsig, Dprp + TTLkey)
Interval algorithm_iret(const TimingInputs& in);  // DprpP + TTLds

// Turning a zone secure (sign, then DS last) and insecure (DS removed, wait, then unsign).
Interval turn_secure_ipub(const TimingInputs& in);    // Ipub = Dprp + max(TTLkey, TTLsig)
Interval turn_insecure_iret(const TimingInputs& in);  // Iret = DprpP + TTLds

// Emergency rolls after a key compromise (RFC 6781 4.2.4; emergency.hpp): with choice
// keep-until-safe, the compromised key is withdrawn once its successor is in every cache.
// ZSK: RFC 7583 3.2.2's double signature with the zone re-signed by both keys at once (Dsgn = 0),
// and the compromised key's own signatures not waited for (their being trusted is the exposure).
Interval emergency_zsk_iret(const TimingInputs& in);  // Iret = Dprp + TTLkey
// KSK, CSK: RFC 7583 3.3.3's double-RRset: the new DNSKEY and the new DS in every cache first.
Interval emergency_ksk_iret(const TimingInputs& in);  // Iret = max(Dreg + DprpP + TTLds, DprpC + TTLkey)

// An interval from its parts: value = minimum + in.margin, numbers = "<numbers> = <minimum>".
Interval make_interval(std::string name, std::string formula, std::string numbers, std::string section,
                       Seconds minimum, const TimingInputs& in);
// RFC 5011 ("Automated Updates of DNSSEC Trust Anchors"), for a KSK that resolvers hold as a
// trust anchor (the root's): section 2.3, "queryInterval = MAX(1 hr, MIN(15 days, 1/2*OrigTTL,
// 1/2*RRSigExpirationInterval))" — how often an RFC 5011 resolver re-fetches the DNSKEY RRset.
// RRSigExpirationInterval is the time left until the DNSKEY RRset's signatures expire when the
// resolver fetches it: `validity` just after signing, `validity - refresh` just before re-signing.
Seconds rfc5011_query_interval(Seconds orig_ttl, Seconds rrsig_expiration_interval);
// The longest a resolver waits between probes of this zone: queryInterval with the
// signatures freshly made (RRSigExpirationInterval = validity).
Interval rfc5011_query_interval(const TimingInputs& in);
// Add hold-down (RFC 5011 2.2, 2.4.1): the new KSK must be published, signed by a key the
// resolvers trust, until every RFC 5011 resolver has accepted it:
// Dprp + queryInterval (first seen) + add hold-down + queryInterval (the probe after the hold-down,
// at which Unbound accepts a key it has seen in at least 2 probes).
Interval rfc5011_ipub(const TimingInputs& in);
// From the new KSK's activation to the old one's revocation: Dprp + TTLkey, so that every cached
// DNSKEY RRset carries the new key's signature first.
Interval rfc5011_irevoke(const TimingInputs& in);
// From the revocation to the old key's removal: Dprp + TTLkey + queryInterval, so that every
// RFC 5011 resolver that runs sees the self-signed revocation (RFC 5011 2.1) in a probe, also
// one whose cached DNSKEY set must expire before it fetches the set again.
Interval rfc5011_iremove(const TimingInputs& in);

}  // namespace rollsim::rollover
