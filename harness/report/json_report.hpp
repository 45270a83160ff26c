// The machine-readable report (docs/report-format.md): every observation, event, failure
// window and expectation verdict of a run, under a versioned schema.
#pragma once

#include "report/evaluate.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <nlohmann/json.hpp>

namespace rollsim::report {

inline constexpr int kJsonReportVersion = 1;

nlohmann::json json_report(const scenario::Scenario& scenario, const runner::RunRecord& record,
                           const std::vector<Verdict>& verdicts, const std::vector<FailureWindow>& windows,
                           const std::vector<rollover::PredictedWindow>& predicted);

}  // namespace rollsim::report
