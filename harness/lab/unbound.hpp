// Resolvers of a lab: a warm Unbound daemon whose clock follows the virtual clock through
// libfaketime, and the configuration shared with the cold in-process validator.
#pragma once

#include "core/time.hpp"
#include "lab/process.hpp"
#include "lab/tools.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::lab {

// What every validator of the lab is told about the private DNS world.
struct ResolverSetup {
    std::string root_hints;    // zone-file text: ". NS ns1.x." and the addresses
    std::string trust_anchor;  // zone-file text: the root's DS (or DNSKEY) records
    // Names Unbound would answer from built-in local zones (RFC 6761 and friends) that the lab
    // serves for real: each gets `local-zone: NAME nodefault`.
    std::vector<std::string> nodefault_zones;
};

// Writes the `server:` clauses common to the daemon and the cold validator (hints, anchor,
// do-not-query-localhost, EDE, val-log-level 2, nodefault zones) into `dir`, returning the
// text to include in a config. Files referenced are written under `dir`.
std::string common_server_options(const ResolverSetup& setup, const std::filesystem::path& dir);

class UnboundDaemon {
public:
    // Writes unbound.conf under `dir`, starts `unbound -d` on `address` port 53 under
    // libfaketime with its clock at `virtual_now`, and returns once it answers a local query.
    UnboundDaemon(const Tools& tools, std::filesystem::path dir, std::string address,
                  const ResolverSetup& setup, TimePoint virtual_now);

    // Moves the daemon's clock to `virtual_now` (rewrites the libfaketime timestamp file
    // atomically; the daemon reads it at every clock call). Between calls the clock runs at
    // real speed. Moving it backwards ages nothing: what the daemon cached at a later instant,
    // bogus keys included, stays until its expiry on the daemon's clock.
    void set_time(TimePoint virtual_now);

    const std::string& address() const { return m_address; }

private:
    std::filesystem::path m_dir;
    std::string m_address;
    std::filesystem::path m_faketime_file;
    std::optional<Process> m_process;
};

}  // namespace rollsim::lab
