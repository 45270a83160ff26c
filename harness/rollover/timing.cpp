#include "rollover/timing.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::rollover {

namespace {

std::string d(Seconds s) { return format_duration(s); }

}  // namespace

Interval make_interval(std::string name, std::string formula, std::string numbers, std::string section,
                       Seconds minimum, const TimingInputs& in)
{
    Interval out{std::move(name), std::move(formula), "", std::move(section), minimum, minimum + in.margin};
    out.numbers = fmt::format("{} = {}", numbers, format_duration(minimum));
    return out;
}

namespace {

// The sums several rules share, each under the name and section of the rule that uses it.
// Dprp + TTLkey: a new DNSKEY RRset on every server of the zone and the old one out of caches.
Interval dnskey_turnover(const char* name, const char* section, const TimingInputs& in)
{
    return make_interval(name, "Dprp + TTLkey", fmt::format("{} + {}", d(in.dprp), d(in.ttl_key)), section,
                         in.dprp + in.ttl_key, in);
}

// DprpC + TTLkey: the same, in the child's terms (RFC 7583 3.3).
Interval child_dnskey_turnover(const char* name, const char* section, const TimingInputs& in)
{
    return make_interval(name, "DprpC + TTLkey", fmt::format("{} + {}", d(in.dprp_child), d(in.ttl_key)), section,
                         in.dprp_child + in.ttl_key, in);
}

// DprpP + TTLds: a new DS RRset on every server of the parent and the old one out of caches.
Interval ds_turnover(const char* name, const char* section, const TimingInputs& in)
{
    return make_interval(name, "DprpP + TTLds", fmt::format("{} + {}", d(in.dprp_parent), d(in.ttl_ds)), section,
                         in.dprp_parent + in.ttl_ds, in);
}

// Dsgn + Dprp + TTLsig: the zone re-signed, the new signatures on every server, the old ones out
// of caches.
Interval signature_turnover(const char* name, const char* section, const TimingInputs& in)
{
    return make_interval(name, "Dsgn + Dprp + TTLsig",
                         fmt::format("{} + {} + {}", d(in.dsgn), d(in.dprp), d(in.ttl_sig)), section,
                         in.dsgn + in.dprp + in.ttl_sig, in);
}

}  // namespace

std::string Interval::describe() const
{
    std::string out = fmt::format("{} = {} = {}", name, formula, numbers);
    if (value != minimum) out += fmt::format(" (+ margin {} = {})", d(value - minimum), d(value));
    return out;
}

// RFC 7583 3.2.1: "Ipub = Dprp + TTLkey" — the new DNSKEY must reach every server and every
// cached copy of the old DNSKEY RRset must have expired before the new key signs.
Interval zsk_prepublish_ipub(const TimingInputs& in) { return dnskey_turnover("Ipub", "RFC 7583 3.2.1", in); }

// RFC 7583 3.2.1: "Iret = Dsgn + Dprp + TTLsig" — the zone is re-signed with the new key, the
// new signatures propagate, and cached signatures by the old key expire, before it is removed.
Interval zsk_prepublish_iret(const TimingInputs& in) { return signature_turnover("Iret", "RFC 7583 3.2.1", in); }

// RFC 7583 3.2.2: "Iret = Dsgn + Dprp + max(TTLkey, TTLsig)" — the old key may go once the
// zone is fully double-signed and no cache holds the old DNSKEY RRset or old-only signatures.
Interval zsk_double_signature_iret(const TimingInputs& in)
{
    return make_interval("Iret", "Dsgn + Dprp + max(TTLkey, TTLsig)",
                fmt::format("{} + {} + max({}, {})", d(in.dsgn), d(in.dprp), d(in.ttl_key), d(in.ttl_sig)),
                "RFC 7583 3.2.2", in.dsgn + in.dprp + std::max(in.ttl_key, in.ttl_sig), in);
}

// RFC 7583 3.3.1: "IpubC = DprpC + TTLkey" — the new KSK is in every cached DNSKEY RRset
// before the DS is swapped at the parent.
Interval ksk_double_ksk_ipub(const TimingInputs& in) { return child_dnskey_turnover("IpubC", "RFC 7583 3.3.1", in); }

// RFC 7583 3.3.1: "Iret = DprpP + TTLds" — the old KSK stays until the new DS set has reached
// the parent's servers and cached old DS sets have expired.
Interval ksk_double_ksk_iret(const TimingInputs& in) { return ds_turnover("Iret", "RFC 7583 3.3.1", in); }

// RFC 7583 3.3.2: "IpubP = DprpP + TTLds" — the new DS is in every cached DS RRset before the
// DNSKEY RRset switches to the new KSK.
Interval ksk_double_ds_ipub(const TimingInputs& in) { return ds_turnover("IpubP", "RFC 7583 3.3.2", in); }

// RFC 7583 3.3.2: "Iret = DprpC + TTLkey" — the old DS stays until cached DNSKEY RRsets
// holding the old KSK have expired.
Interval ksk_double_ds_iret(const TimingInputs& in) { return child_dnskey_turnover("Iret", "RFC 7583 3.3.2", in); }

// RFC 7583 3.3.3: "Ipub = max(Dreg + DprpP + TTLds, DprpC + TTLkey)" — both the new DS (after
// registration) and the new DNSKEY RRset are in caches before the old ones are withdrawn.
Interval ksk_double_rrset_ipub(const TimingInputs& in)
{
    return make_interval("Ipub", "max(Dreg + DprpP + TTLds, DprpC + TTLkey)",
                fmt::format("max({} + {} + {}, {} + {})", d(in.dreg), d(in.dprp_parent), d(in.ttl_ds),
                            d(in.dprp_child), d(in.ttl_key)),
                "RFC 7583 3.3.3", std::max(in.dreg + in.dprp_parent + in.ttl_ds, in.dprp_child + in.ttl_key), in);
}

// CSK, DNSKEY side (RFC 7583 3.2.1 / 3.3.1): the new key is in every cached DNSKEY RRset
// before it signs and before its DS is submitted.
Interval csk_ipub(const TimingInputs& in) { return dnskey_turnover("Ipub", "RFC 7583 3.2.1, 3.3.1", in); }

// CSK, DS side (RFC 7583 3.3.1): after the DS swap the old key keeps signing the DNSKEY
// RRset until cached old DS sets have expired.
Interval csk_iret_ds(const TimingInputs& in) { return ds_turnover("Iret", "RFC 7583 3.3.1", in); }

// CSK, signature side (RFC 7583 3.2.1): once the old key stops signing, its DNSKEY stays until
// its signatures have left caches.
Interval csk_iret_sig(const TimingInputs& in) { return signature_turnover("Iret", "RFC 7583 3.2.1", in); }

// RFC 6781 4.1.4 steps 1-3 with RFC 7583 3.2.1's terms: the new algorithm's signatures
// (Dsgn + Dprp + TTLsig) and its DNSKEYs (Dprp + TTLkey) are in caches before the DS changes.
Interval algorithm_ipub(const TimingInputs& in)
{
    return make_interval("Ipub", "max(Dsgn + Dprp + TTLsig, Dprp + TTLkey)",
                fmt::format("max({} + {} + {}, {} + {})", d(in.dsgn), d(in.dprp), d(in.ttl_sig), d(in.dprp),
                            d(in.ttl_key)),
                "RFC 6781 4.1.4; RFC 7583 3.2.1", std::max(in.dsgn + in.dprp + in.ttl_sig, in.dprp + in.ttl_key), in);
}

// RFC 6781 4.1.4 step 4 with RFC 7583 3.3.1's Iret: the old algorithm's keys stay until cached
// DS sets naming them have expired.
Interval algorithm_iret(const TimingInputs& in) { return ds_turnover("Iret", "RFC 6781 4.1.4; RFC 7583 3.3.1", in); }

// Turning a zone secure: sign first, DS last (the order of RFC 6781 4.1.4). The DS may go to the
// parent once every server serves the signed zone and every answer cached from the unsigned zone
// (TTLsig covers the longest TTL and the negative TTL) and the first DNSKEY RRset have turned
// over: "Ipub = Dprp + max(TTLkey, TTLsig)", RFC 7583 3.2.2's wait applied to a zone's first keys.
Interval turn_secure_ipub(const TimingInputs& in)
{
    return make_interval("Ipub", "Dprp + max(TTLkey, TTLsig)",
                         fmt::format("{} + max({}, {})", format_duration(in.dprp), format_duration(in.ttl_key),
                                     format_duration(in.ttl_sig)),
                         "RFC 6781 4.1.4, RFC 7583 3.2.2", in.dprp + std::max(in.ttl_key, in.ttl_sig), in);
}

// Turning a zone insecure: DS first, signatures last. Once the parent has removed the DS, every
// cached DS RRset must expire before the zone goes unsigned: "Iret = DprpP + TTLds", RFC 7583
// 3.3.1's wait for the last KSK of a zone.
Interval turn_insecure_iret(const TimingInputs& in) { return ds_turnover("Iret", "RFC 6781 4.1.4, RFC 7583 3.3.1", in); }

// RFC 6781 4.2.4 with RFC 7583 3.2.2: the successor signs beside the compromised ZSK at once, and
// the compromised key goes once every cached DNSKEY set holds the successor.
Interval emergency_zsk_iret(const TimingInputs& in)
{
    return dnskey_turnover("Iret", "RFC 6781 4.2.4, RFC 7583 3.2.2", in);
}

// RFC 6781 4.2.4 with RFC 7583 3.3.3: the successor and its DS at once; the compromised key and
// its DS go once every cached DS and DNSKEY set holds the successor.
Interval emergency_ksk_iret(const TimingInputs& in)
{
    Interval out = ksk_double_rrset_ipub(in);
    out.name = "Iret";
    out.section = "RFC 6781 4.2.4, RFC 7583 3.3.3";
    return out;
}

// RFC 5011 2.3: queryInterval = MAX(1 hr, MIN(15 days, 1/2*OrigTTL, 1/2*RRSigExpirationInterval)).
Seconds rfc5011_query_interval(Seconds orig_ttl, Seconds rrsig_expiration_interval)
{
    const Seconds x = std::min({Seconds(15 * 86400), orig_ttl / 2, rrsig_expiration_interval / 2});
    return std::max(Seconds(3600), x);
}

Interval rfc5011_query_interval(const TimingInputs& in)
{
    const Seconds qi = rfc5011_query_interval(in.ttl_key, in.validity);
    return {"queryInterval", "MAX(1h, MIN(15d, TTLkey/2, validity/2))",
            fmt::format("MAX(1h, MIN(15d, {}, {})) = {}", d(in.ttl_key / 2), d(in.validity / 2), d(qi)),
            "RFC 5011 2.3", qi, qi};
}

// RFC 5011 2.2: a new key is accepted once it has been seen, in DNSKEY RRsets validated by a
// trusted key, for the add hold-down time; Unbound (validator/autotrust.c) also needs two
// sightings and moves the key to VALID at the first probe after the hold-down.
Interval rfc5011_ipub(const TimingInputs& in)
{
    const Seconds qi = rfc5011_query_interval(in.ttl_key, in.validity);
    return make_interval("Ipub", "Dprp + queryInterval + add hold-down + queryInterval",
                fmt::format("{} + {} + {} + {}", d(in.dprp), d(qi), d(in.add_holddown), d(qi)), "RFC 5011 2.2, 2.4.1",
                in.dprp + qi + in.add_holddown + qi, in);
}

Interval rfc5011_irevoke(const TimingInputs& in) { return dnskey_turnover("Irevoke", "RFC 5011 2.1", in); }

// The revoked key stays until every RFC 5011 resolver has seen it: one that probes every
// queryInterval, and one whose cached DNSKEY set, fetched just before the revocation, must
// expire first (a resolver that re-primes only then; the lab's daemons do): Dprp + TTLkey +
// queryInterval. Keeping a revoked key published longer harms nobody.
Interval rfc5011_iremove(const TimingInputs& in)
{
    const Seconds qi = rfc5011_query_interval(in.ttl_key, in.validity);
    return make_interval("Iremove", "Dprp + TTLkey + queryInterval",
                         fmt::format("{} + {} + {}", d(in.dprp), d(in.ttl_key), d(qi)), "RFC 5011 2.1, 2.3",
                         in.dprp + in.ttl_key + qi, in);
}

}  // namespace rollsim::rollover
