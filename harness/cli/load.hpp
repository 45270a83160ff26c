// A scenario as every subcommand loads it: read at the command line's edge (cli::read_scenario:
// the zone-file hint, long quotes cut, the installed catalog's template root), then prepared
// once (prepare/: its rollovers planned, the lint's predicted windows).
#pragma once

#include "prepare/prepared.hpp"

#include <string>

namespace rollsim::cli {

// Throws ScenarioError (exit 2) for an invalid file. `template_root`: see cli::read_scenario.
prepare::PreparedScenario load_scenario(const std::string& file, const std::string& template_root = {});

}  // namespace rollsim::cli
