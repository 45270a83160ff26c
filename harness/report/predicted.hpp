// The rollover lint's predicted failure windows beside the failure windows a run observed:
// which observed window belongs to which prediction, and a verdict for each pair. One place
// for the pairing that the `predicted-windows: match` expectation judges and every report
// format shows. Pure functions of the scenario, the predicted windows (given, never computed
// here: rollover::predicted_windows) and the failure windows.
//
// Tolerance: the runner sees a failure only at probe instants, so bounds are compared within
// one probe interval (probes.every).
#pragma once

#include "report/evaluate.hpp"
#include "rollover/planner.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

enum class PredictionMatch {
    Matched,      // an observed window within the predicted one
    Exceeds,      // an observed window overlapping the predicted one but starting or ending outside it
    NotObserved,  // a predicted window in which the affected resolvers did not fail, though their caches could have
    NotObservable,  // ... and whose worst case no cache of theirs, rebuilt from their probes, could straddle
    Unpredicted,  // an observed window no predicted window overlaps
};

// "matched", "exceeds prediction", "not observed", "not observable", "unpredicted failure"
std::string to_string(PredictionMatch match);

struct PredictionRow {
    std::optional<rollover::PredictedWindow> predicted;  // nullopt: an unpredicted failure
    std::size_t index = 0;                               // of `predicted` in PredictionComparison::predicted
    std::vector<std::string> resolvers;                  // the resolvers the prediction applies to
    std::optional<FailureWindow> observed;               // nullopt: nothing observed
    PredictionMatch match = PredictionMatch::Matched;
    // NotObserved, when the probes were known: the first probe inside the window at which an
    // affected resolver's cache fetched with sets that fail (rollover/cache_history.hpp).
    std::optional<Seconds> exposed;
    // NotObservable: the first instant the run probed at which a warm resolver started then
    // (`start:`) and probed with the others would have seen the window; nullopt when none would.
    std::optional<Seconds> observing_start;
};

struct PredictionComparison {
    // The predicted windows that apply to some resolver of the scenario, in order, and those
    // resolvers (rollover::affected_resolvers), one list per window.
    std::vector<rollover::PredictedWindow> predicted;
    std::vector<std::vector<std::string>> affected;
    // Per predicted window, in order: one row per observed window overlapping it, or one
    // NotObserved row; then one Unpredicted row per observed window overlapping none.
    std::vector<PredictionRow> rows;

    // Every row matched or not observable: what `predicted-windows: match` demands.
    bool agree() const;
    // The rows that matched.
    int matched() const;
};

// `predicted`: the rollover lint's windows for the scenario (rollover::predicted_windows). The
// observed windows compared are those of the resolvers the lint speaks for: warm (kind unbound)
// resolvers, and cold ones when a predicted window applies to them.
PredictionComparison compare_predictions(const scenario::Scenario& scenario,
                                         const std::vector<rollover::PredictedWindow>& predicted,
                                         const std::vector<FailureWindow>& windows);

// compare_predictions, then each NotObserved row of a warm window is judged against what the
// resolvers it applies to could see: their cache histories rebuilt from their probes
// (`observations`) and the zone's TTLs (rollover/cache_history.hpp). A row no such history
// straddles becomes NotObservable, with a start that would have seen it; the others keep
// NotObserved, with the instant a cache was exposed. Cold windows and trust-anchor windows are
// left as they are: a fresh validator sees the served sets at every probe.
PredictionComparison compare_predictions(const scenario::Scenario& scenario,
                                         const std::vector<rollover::PredictedWindow>& predicted,
                                         const std::vector<FailureWindow>& windows,
                                         const std::vector<runner::Observation>& observations);

// Why a row that saw no failure passes or fails, and how to see its window; empty for the
// other rows. NotObservable: "a worst case over cache phases that no probe of warm could
// straddle (...); to see it, start a warm resolver at +3d (`start: +3d`), or probe more often";
// NotObserved: "warm's cache fetched with sets that fail at +1d20m, yet no failure was seen".
std::string unobserved_text(const PredictionRow& row);

// "every pairing matched", "1 of 2 pairings matched", "0 of 1 pairings matched, 1 not observable".
std::string tally_text(const PredictionComparison& comparison);

// "The rollover lint's predicted failure windows and the observed failure windows of the
// resolvers they apply to, paired within one probe interval (30m).": what a table of the rows says.
std::string pairing_text(Seconds probe_interval);

// "+6h40m .. +7h35m"; an open end reads "end".
std::string span_text(Seconds from, const std::optional<Seconds>& until);

// "warm, warm-2"; "warm, 20 members of pop" (a population counted from three members on); "no
// resolver" when empty.
std::string resolvers_text(const std::vector<std::string>& resolvers);

// "warm www.example.com. A +6h40m .. +7h10m (SERVFAIL EDE 9)"; "none" without a window.
std::string observed_text(const std::optional<FailureWindow>& observed);

}  // namespace rollsim::report
