// The rollover lint's predicted failure windows beside the failure windows a run observed:
// which observed window belongs to which prediction, and a verdict for each pair. One place
// for the pairing that the `predicted-windows: match` expectation judges and every report
// format shows. Pure functions of the scenario and the failure windows.
//
// Tolerance: the runner sees a failure only at probe instants, so bounds are compared within
// one probe interval (probes.every).
#pragma once

#include "report/evaluate.hpp"
#include "rollover/planner.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

enum class PredictionMatch {
    Matched,      // an observed window within the predicted one
    Exceeds,      // an observed window overlapping the predicted one but starting or ending outside it
    NotObserved,  // a predicted window in which the affected resolvers did not fail
    Unpredicted,  // an observed window no predicted window overlaps
};

// "matched", "exceeds prediction", "not observed", "unpredicted failure"
std::string to_string(PredictionMatch match);

struct PredictionRow {
    std::optional<rollover::PredictedWindow> predicted;  // nullopt: an unpredicted failure
    std::size_t index = 0;                               // of `predicted` in PredictionComparison::predicted
    std::vector<std::string> resolvers;                  // the resolvers the prediction applies to
    std::optional<FailureWindow> observed;               // nullopt: nothing observed
    PredictionMatch match = PredictionMatch::Matched;
};

struct PredictionComparison {
    std::vector<rollover::PredictedWindow> predicted;  // those that apply to a resolver of the scenario
    // Per predicted window, in order: one row per observed window overlapping it, or one
    // NotObserved row; then one Unpredicted row per observed window overlapping none.
    std::vector<PredictionRow> rows;

    // Every row matched: what `predicted-windows: match` demands.
    bool agree() const;
};

// The observed windows compared are those of the resolvers the lint speaks for: warm
// (kind unbound) resolvers, and cold ones when a predicted window applies to them. `predicted`:
// the scenario's predicted windows (prepare::PreparedScenario::predicted).
PredictionComparison compare_predictions(const scenario::Scenario& scenario,
                                         const std::vector<rollover::PredictedWindow>& predicted,
                                         const std::vector<FailureWindow>& windows);

// "+6h40m .. +7h35m"; an open end reads "end".
std::string span_text(Seconds from, const std::optional<Seconds>& until);

// "warm, warm-2"; "no resolver" when empty.
std::string resolvers_text(const std::vector<std::string>& resolvers);

// "warm www.example.com. A +6h40m .. +7h10m (SERVFAIL EDE 9)"; "none" without a window.
std::string observed_text(const std::optional<FailureWindow>& observed);

}  // namespace rollsim::report
