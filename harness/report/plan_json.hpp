// `rollsim plan --json` (docs/report-format.md, "The plan in JSON"): per scenario, each
// rollover's inputs, steps and the RFC 7583 intervals with their numbers, the lint's findings
// (the rollovers' and the chain-of-trust lint's of the whole timeline) and the failure windows
// predicted, under a versioned schema.
#pragma once

#include "rollover/planner.hpp"
#include "scenario/model.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace rollsim::report {

inline constexpr int kPlanJsonVersion = 1;

// One scenario's plan: {"name", "file", "start", "duration_s", "rollovers", "findings",
// "predicted_windows"}.
nlohmann::json plan_json(const scenario::Scenario& scenario, const std::vector<rollover::RolloverPlan>& plans);

// The document: {"format": "rollsim-plan", "version", "scenarios": [plan_json...]}.
nlohmann::json plan_document(std::vector<nlohmann::json> scenarios);

// Whether the plan of `scenario` has a finding (what `rollsim plan --strict` refuses).
bool has_findings(const scenario::Scenario& scenario, const std::vector<rollover::RolloverPlan>& plans);

}  // namespace rollsim::report
