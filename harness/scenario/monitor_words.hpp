// The words of `monitors:` (docs/monitoring.md) that both the parser and the monitors
// themselves (monitor/command.hpp) read: the kinds and the placeholders a command may use.
#pragma once

#include <string_view>

namespace rollsim::scenario {

inline constexpr std::string_view kMonitorKindCommand = "command";
inline constexpr std::string_view kMonitorKindHealth = "rollsim-health";

// {zone} the monitor's zone; {servers} its servers' addresses, space-separated, {server} the
// first; {parent-servers} its parent's servers; {resolvers} the running daemon resolvers'
// addresses, {resolver} the first; {trust-anchor} a file holding the root's trust anchor (DS,
// zone-file format); {root-hints} a root hints file; {time} the virtual time (ISO 8601 UTC);
// {epoch} the same in seconds since 1970; {workdir} the monitor's own work directory;
// {scenario-dir} the directory of the scenario file (for scripts kept beside it).
inline constexpr std::string_view kMonitorPlaceholders[] = {
    "zone",         "servers",    "server", "parent-servers", "resolvers", "resolver",
    "trust-anchor", "root-hints", "time",   "epoch",          "workdir",   "scenario-dir",
};

}  // namespace rollsim::scenario
