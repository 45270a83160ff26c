// The cold validator: a fresh libunbound context for every probe, validating as of the virtual
// date (val-override-date), from the lab root with the lab's trust anchor.
#pragma once

#include "core/time.hpp"
#include "lab/unbound.hpp"

#include <filesystem>
#include <string>

namespace rollsim::probe {

struct ColdResult {
    std::string validation;  // "secure", "insecure", "bogus"
    int rcode = 0;
    bool havedata = false;
    bool nxdomain = false;
    std::string reason;      // why_bogus, empty unless bogus
};

class ColdValidator {
public:
    // Writes the libunbound config under `dir` (created).
    ColdValidator(const lab::ResolverSetup& setup, std::filesystem::path dir);
    ColdResult resolve(const std::string& qname, const std::string& qtype, TimePoint virtual_now) const;

private:
    std::filesystem::path m_config;
};

}  // namespace rollsim::probe
