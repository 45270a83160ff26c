// One DNS query over UDP (TCP on truncation) to a lab address, with the DO bit set,
// decoding what the server says: rcode, AA, AD, Extended DNS Error (RFC 8914), the answer
// section. The lab asks its own servers with it (NSD serials, Unbound's readiness); probe/
// asks validators.
#pragma once

#include "dns/outcome.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rollsim::dns {

// What a server sent back, or that nothing came.
struct Response {
    bool timed_out = false;
    Rcode rcode = Rcode::NoError;
    bool ad = false;
    bool aa = false;
    std::optional<Ede> ede;   // INFO-CODE of the first EDE option
    std::string ede_text;     // its EXTRA-TEXT
    std::vector<std::string> answer;  // answer section, presentation format
    std::optional<std::uint32_t> soa_serial;  // from an SOA in the answer section
};

struct QueryOptions {
    bool recursion_desired = true;
    bool dnssec_ok = true;
    std::string qclass = "IN";  // "CH" for id.server / version.server
    std::chrono::milliseconds timeout{3000};
    int attempts = 2;
};

// Never throws for network trouble (timed_out is set); throws std::invalid_argument for a
// malformed name or type.
Response query(const std::string& server, const std::string& qname, const std::string& qtype,
                const QueryOptions& options = {});

// The first Extended DNS Error (RFC 8914, option code 15) in raw EDNS option bytes (the OPT
// record's RDATA: code u16, length u16, data...): its INFO-CODE and EXTRA-TEXT. Stops at the
// first malformed (truncated) option; nullopt when there is no well-formed EDE before it.
std::optional<std::pair<int, std::string>> parse_ede(const std::uint8_t* data, std::size_t size);

}  // namespace rollsim::dns
