// A scenario as `run` and `play` load it: parsed and validated, with the failure windows the
// rollover lint predicts for it, which every report compares with the observed ones.
#pragma once

#include "rollover/planner.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::cli {

struct LoadedScenario {
    scenario::Scenario scenario;
    std::vector<rollover::PredictedWindow> predicted;  // rollover::predicted_windows(scenario)
};

// Throws ScenarioError for an invalid file. `template_root`: see cli::read_scenario.
LoadedScenario load_scenario(const std::string& file, const std::string& template_root = {});

}  // namespace rollsim::cli
