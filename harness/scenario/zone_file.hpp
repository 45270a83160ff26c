// The operator's own zone file in a scenario (`from:` in a zone, docs/scenario-format.md):
// what the lab keeps of it, what it drops, and how it reports a file with several problems.
// The file is read by the same reader as zone templates (scenario/records.cpp), below the same
// template root with the same refusals.
#pragma once

#include "core/error.hpp"
#include "scenario/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace rollsim::scenario {

// Every problem of a zone file at once: what() holds one "FILE:LINE:COL: message" a line, in
// file order; the ScenarioError it is (file(), line(), message()) is the first of them.
class ZoneFileError : public ScenarioError {
public:
    explicit ZoneFileError(std::vector<ScenarioError> problems);
    const char* what() const noexcept override { return m_text.c_str(); }
    const std::vector<ScenarioError>& problems() const { return m_problems; }

private:
    std::vector<ScenarioError> m_problems;
    std::string m_text;
};

// The name the lab's server `index` (0 = ns1) of `zone` answers for: the zone file's NS name
// in that place, else nsN.<zone> (the root's: nsN.root-servers.rollsim.).
std::string server_name(const ZoneSpec& zone, int index);

// Record types a zone file may hold that the lab makes itself when it signs, and so drops:
// DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, CDS, CDNSKEY, and ZONEMD (RFC 8976: its digest
// would not match the lab's version of the zone). `upper_type` is upper case.
bool is_dropped_dnssec_type(std::string_view upper_type);

}  // namespace rollsim::scenario
