// The cold validator: a fresh libunbound context for every probe, validating as of the virtual
// date (val-override-date), from the lab root with the lab's trust anchor, with the options of
// its resolver profile.
#pragma once

#include "core/time.hpp"
#include "dns/outcome.hpp"
#include "lab/unbound.hpp"
#include "scenario/model.hpp"

#include <filesystem>
#include <string>

namespace rollsim::probe {

// What the cold validator says: an answer as every validator gives one (never without an
// rcode, and without EDE: libunbound has none; the reason is why_bogus, empty unless bogus),
// and what libunbound adds.
struct ColdResult : dns::ResolverAnswer {
    bool havedata = false;
    bool nxdomain = false;
};

class ColdValidator {
public:
    // Writes the libunbound config under `dir` (created), with the validation options of
    // `profile` (lab::profile_server_options for ProfileTarget::ColdValidator: skew min/max,
    // harden-algo-downgrade, NSEC3 iterations; serve-expired and val-bogus-ttl act on a cache
    // and have nothing to act on here). profile.clock_offset shifts the validation date.
    ColdValidator(const lab::ResolverSetup& setup, std::filesystem::path dir,
                  const scenario::ResolverSpec& profile);

    // Resolves from scratch and validates as of virtual_now + the profile's clock offset.
    ColdResult resolve(const std::string& qname, const std::string& qtype, TimePoint virtual_now) const;

    Seconds clock_offset() const { return m_clock_offset; }

    // Replaces the trust anchor the next resolve() starts from (zone-file text, as in
    // lab::ResolverSetup): a freshly installed validator ships the anchor current at its
    // instant. Throws LabError when the file cannot be written.
    void set_trust_anchor(const std::string& text);

private:
    std::filesystem::path m_anchor;
    std::string m_anchor_text;
    std::filesystem::path m_config;
    Seconds m_clock_offset{0};
};

}  // namespace rollsim::probe
