// Expanding a scenario's rollovers (internal to prepare/): each `rollover:` entry, in file order,
// checked against the keys its zone has by then, planned once, and added to the scenario: its
// spec (one per generation of a repeating rollover), its successor keys, and its steps as
// timeline events, whose times are kept to be checked against the duration.
#pragma once

#include "rollover/planner.hpp"
#include "scenario/model.hpp"

#include <map>
#include <string>
#include <vector>

namespace rollsim::prepare {

// A planned step's time, with what a duration error says about it.
struct PlannedTime {
    Seconds at;
    scenario::SourceLoc loc;  // the rollover entry
    std::string what;         // "a step of the zsk-prepublish rollover"
};

// What the rollovers add, in the order they were planned.
struct Expansion {
    std::vector<rollover::RolloverPlan> plans;  // spec: the entry in Scenario::rollovers (until it grows)
    std::vector<scenario::Event> events;        // the steps' actions
    std::vector<PlannedTime> times;             // each event's time
    // Zone -> the indices in Scenario::rollovers of its rollovers so far: the checks against a
    // zone's earlier rollovers look at that zone's alone (a portfolio has thousands).
    std::map<std::string, std::vector<std::size_t>> rollovers_of_zone;
};

// Checks, plans and adds one `rollover:` entry as the parser gave it: to `sc` its specs and
// successor keys (turn-secure: its keys' times cleared), to `out` its plans, events and times.
void expand_rollover(scenario::Scenario& sc, const scenario::RolloverSpec& entry, Expansion& out);

}  // namespace rollsim::prepare
