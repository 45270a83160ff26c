// A scenario ready to run: the parsed model (scenario/parse.hpp) with every rollover planned
// once (rollover/planner.hpp) and expanded into its keys and timeline events, the plans kept
// for `rollsim plan` and the lint, and the failure windows the lint predicts for the reports.
// The layer above scenario/ and rollover/: callers load a scenario here, once, and pass the
// pieces on.
//
// Preparing makes the checks that need the rollovers planned, with the parser's kind of error
// (file:line:col, ScenarioError): a rolled key that is missing, of the wrong role, not published
// and active at the start, already retiring, or whose successor's name is taken (keys earlier
// rollovers added included); a key rolled twice; a repeating rollover longer than its `every:`
// or ending beyond the duration; a planned step beyond the duration; and the keys timeline
// events name, once the rollovers have added theirs.
#pragma once

#include "rollover/planner.hpp"
#include "scenario/model.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace rollsim::prepare {

struct PreparedScenario {
    scenario::Scenario scenario;  // every rollover expanded (what prepare fills: scenario/model.hpp)
    // One per scenario.rollovers entry, in order, each `spec` pointing at its entry: copies
    // re-point them at the copy's entries; moves keep them (the entries stay where they are).
    std::vector<rollover::RolloverPlan> plans;
    // The lint's predicted windows: rollover::predicted_windows(scenario, plans).
    std::vector<rollover::PredictedWindow> predicted;

    PreparedScenario() = default;
    PreparedScenario(const PreparedScenario& other);
    PreparedScenario& operator=(const PreparedScenario& other);
    PreparedScenario(PreparedScenario&&) = default;
    PreparedScenario& operator=(PreparedScenario&&) = default;
};

// Plans and expands the rollovers of a scenario as scenario/parse.hpp returned it.
PreparedScenario prepare_scenario(scenario::Scenario parsed);

// scenario::parse_scenario (`template_root` as there), then prepare_scenario.
PreparedScenario load_scenario(const std::filesystem::path& file, const std::filesystem::path& template_root = {});

// scenario::parse_scenario_text, then prepare_scenario.
PreparedScenario prepare_scenario_text(const std::string& text, const std::string& file_label,
                                       const std::filesystem::path& base_dir,
                                       const std::filesystem::path& template_root = {});

}  // namespace rollsim::prepare
