// The figures of an emergency roll's two choices (emergency.hpp). Both follow from one interval,
// the keep-until-safe Iret: its minimum is the instant from which no cache can still need the
// compromised key (every cached DNSKEY set, and DS set, holds the successor). A key withdrawn
// earlier fails the caches that still need it until then; a key withdrawn at any time stays
// trusted while a cache can hold it (its DNSKEY set: Dprp + TTLkey; its DS: DprpP + TTLds).
#include "rollover/emergency.hpp"

#include "scenario/names.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::rollover {

using scenario::EmergencyChoice;
using scenario::RolloverMethod;

namespace {

std::string d(Seconds s) { return format_duration(s); }
std::string o(Seconds s) { return format_offset(s); }

Interval figure(std::string formula, std::string numbers, Seconds value, const char* section)
{
    return {"exposure", std::move(formula), fmt::format("{} = {}", numbers, d(value)), section, value, value};
}

// How long after its withdrawal a cache may still hold the compromised key: its DNSKEY set, and
// for a KSK or CSK withdrawn with its DS, its DS set.
struct Tail {
    std::string formula, numbers;
    Seconds value{0};
};

Tail tail(bool zsk, const TimingInputs& in)
{
    if (zsk) return {"Dprp + TTLkey", fmt::format("{} + {}", d(in.dprp), d(in.ttl_key)), in.dprp + in.ttl_key};
    return {"max(DprpP + TTLds, DprpC + TTLkey)",
            fmt::format("max({} + {}, {} + {})", d(in.dprp_parent), d(in.ttl_ds), d(in.dprp_child), d(in.ttl_key)),
            std::max(in.dprp_parent + in.ttl_ds, in.dprp_child + in.ttl_key)};
}

// The window of caches that still need the key withdrawn at `withdrawn`, until start + the
// safe interval's minimum.
void add_warm_window(EmergencyOption& opt, bool zsk, Seconds start, const Interval& safe)
{
    const Seconds until = start + safe.minimum;
    if (opt.withdrawn >= until) return;
    opt.windows.push_back({opt.withdrawn, until, false,
                           fmt::format("caches holding the {} from before {} fail until {} (compromise + {})",
                                       zsk ? "DNSKEY set" : "DS set or DNSKEY set", o(opt.withdrawn), o(until),
                                       safe.formula)});
}

}  // namespace

std::vector<EmergencyOption> emergency_options(const scenario::RolloverSpec& spec, const TimingInputs& in)
{
    const bool zsk = spec.method == RolloverMethod::EmergencyZsk;
    const Interval safe = zsk ? emergency_zsk_iret(in) : emergency_ksk_iret(in);
    const Tail t = tail(zsk, in);
    const Seconds t0 = spec.start;

    EmergencyOption keep;
    const auto ov = spec.overrides.find("retire-interval");
    const bool overridden = ov != spec.overrides.end() && spec.choice == EmergencyChoice::KeepUntilSafe;
    const Seconds iret = overridden ? ov->second : safe.value;
    keep.withdrawn = t0 + iret;
    if (!zsk) keep.ds_withdrawn = keep.withdrawn;
    keep.exposure = figure(fmt::format("Iret + {}", t.formula), fmt::format("{} + {}", d(iret), t.numbers),
                           iret + t.value, safe.section.c_str());
    add_warm_window(keep, zsk, t0, safe);

    // Pulled now: the key goes at once, its DS once the registry has acted (Dreg). Caches holding
    // what was served before are the window; the exposure ends when the last of them expires,
    // i.e. at the same instant: the safe interval's minimum.
    EmergencyOption pull;
    pull.choice = EmergencyChoice::PullNow;
    pull.withdrawn = t0;
    if (!zsk) pull.ds_withdrawn = t0 + in.dreg;
    pull.exposure = figure(safe.formula, safe.numbers.substr(0, safe.numbers.rfind(" = ")), safe.minimum,
                           safe.section.c_str());
    add_warm_window(pull, zsk, t0, safe);
    if (!zsk && in.dreg > Seconds(0))
        pull.windows.push_back({t0, t0 + in.dreg, true,
                                fmt::format("the parent serves only {}'s DS until {} (compromise + Dreg) while the "
                                            "zone's DNSKEY set no longer holds it: every validator fails",
                                            spec.key, o(t0 + in.dreg))});
    keep.picked = spec.choice == EmergencyChoice::KeepUntilSafe;
    pull.picked = spec.choice == EmergencyChoice::PullNow;
    return {keep, pull};
}

}  // namespace rollsim::rollover
