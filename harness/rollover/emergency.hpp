// Emergency rolls after a key compromise (RFC 6781 4.2.4, with RFC 7583's timing): the figures
// of both choices an operator has — keep the compromised key published (and its DS) until its
// successor is in every cache, or pull it at once — so that `rollsim plan` can show them side by
// side: how long validators may still accept the compromised key (the exposure) and the failure
// window each choice implies. Pure: no clock, no I/O.
#pragma once

#include "rollover/timing.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::rollover {

// Validators fail from `from` until `until` (offsets from the scenario start).
struct EmergencyWindow {
    Seconds from{0};
    Seconds until{0};
    bool cold = false;  // every validator (the DS set as served matches no key), not only warm caches
    std::string why;    // "caches holding the DNSKEY set from before +6h30m (without zsk-next)"
};

struct EmergencyOption {
    scenario::EmergencyChoice choice = scenario::EmergencyChoice::KeepUntilSafe;
    bool picked = false;                   // the scenario's choice
    Seconds withdrawn{0};                  // the compromised key leaves the DNSKEY set
    std::optional<Seconds> ds_withdrawn;   // its DS leaves the parent (KSK, CSK)
    // From the compromise being known until no cache can hold a DNSKEY set with the compromised
    // key nor (KSK, CSK) a DS set with its DS: validators may accept its signatures until then.
    Interval exposure;
    std::vector<EmergencyWindow> windows;  // none: no validator is expected to fail
};

// Both choices of the emergency rollover `spec` (keep-until-safe, then pull-now), the scenario's
// marked `picked`. keep-until-safe withdraws the key at start + Iret (emergency_*_iret, or the
// retire-interval override); pull-now at start, its DS Dreg later.
std::vector<EmergencyOption> emergency_options(const scenario::RolloverSpec& spec, const TimingInputs& in);

}  // namespace rollsim::rollover
