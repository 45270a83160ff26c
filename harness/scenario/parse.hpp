// Reads a scenario file (YAML, see docs/scenario-format.md) into the validated model.
// Every problem is reported as a rollsim::ScenarioError "FILE:LINE:COL: what is wrong (hint)";
// nothing downstream has to re-check what the model promises (see scenario/model.hpp).
#pragma once

#include "scenario/model.hpp"

#include <filesystem>
#include <string>

namespace rollsim::scenario {

// Reads and validates `file`. Relative template paths are resolved from the file's directory,
// then from each parent directory upward. Errors name `file` as given.
Scenario parse_scenario(const std::filesystem::path& file);

// The same for text already in memory: `file_label` is used in errors and as Scenario::file,
// `base_dir` is where the search for template files starts.
Scenario parse_scenario_text(const std::string& text, const std::string& file_label,
                             const std::filesystem::path& base_dir);

}  // namespace rollsim::scenario
