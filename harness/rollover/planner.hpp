// The rollover planner: a scenario's `rollover:` entries in, the steps of each rollover out —
// new keys (`<key>-next`), the timeline events that publish, activate, retire and remove keys
// and add and remove DS records, each step's time with the RFC 7583 interval that justifies it,
// and the lint: overrides below a computed minimum, with the failure window they predict.
// Pure: no clock, no I/O except the printers, which take a stream.
#pragma once

#include "rollover/emergency.hpp"
#include "rollover/timing.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace rollsim::rollover {

struct Action {
    scenario::ActionKind kind;
    std::string key;
};

struct Step {
    Seconds at{0};                 // offset from the scenario start
    std::vector<Action> actions;   // empty: a step outside the zone (e.g. DS submitted to the parent)
    std::string text;              // what happens, e.g. "publish zsk-next"
    std::optional<Interval> interval;  // what separates this step from the previous one
    std::string override_name;     // "publish-interval", ... when the interval may be overridden
    std::optional<Seconds> override_value;  // the value used instead of interval->value
    int counts_from = 0;           // 1-based step the interval counts from; 0 = the previous one
    bool by_parent_agent = false;  // a DS change the zone's parent agent makes from the CDS (no action)
};

// A window of failures the lint predicts, before anything runs.
struct PredictedWindow {
    std::string zone;
    Seconds from{0};   // inclusive
    Seconds until{0};  // exclusive
    bool warm = true;  // daemons that cached the old DNSKEY / DS sets (kind unbound)
    bool cold = false; // a fresh validator (kind libunbound)
    std::string cause;
    // Warm resolvers narrowed by their trust anchor (root KSK rolls): nullopt = every warm one.
    std::optional<scenario::TrustAnchorMode> anchor;
};

// A predicted window's `until` when the failure lasts as long as the run (predicted_windows
// clamps it to the scenario's duration).
inline constexpr Seconds kUntilTheEnd = Seconds::max();

struct Finding {
    scenario::SourceLoc loc;  // the override
    std::string message;
    std::optional<PredictedWindow> window;  // nullopt: a risk, but no failure predicted for Unbound
};

struct RolloverPlan {
    const scenario::RolloverSpec* spec = nullptr;
    TimingInputs inputs;
    std::vector<scenario::KeySpec> new_keys;
    std::vector<Step> steps;
    std::vector<Finding> findings;
    // Emergency methods: both choices with their exposure and failure windows (the picked one
    // is what the steps do); empty for the other methods.
    std::vector<EmergencyOption> emergency;

    // The steps' actions as timeline events (zone, key, `at`, say = step text).
    std::vector<scenario::Event> events() const;
};

// "zsk" -> "zsk-next"
std::string next_key_name(const std::string& key);
// The name a rollover gives `key`'s successor: spec.new_key for spec.key when set (repeating
// rollovers number their generations), else next_key_name(key).
std::string successor_name(const scenario::RolloverSpec& spec, const std::string& key);

// RFC 7583's inputs for one rollover of `zone`: TTLs from the zone, delays and margin from the
// rollover, Dsgn = signature validity - refresh.
TimingInputs timing_inputs(const scenario::ZoneSpec& zone, const scenario::RolloverSpec& spec);

// The keys a rollover replaces: `key`, or for method algorithm every key of the zone with the
// key's algorithm.
std::vector<const scenario::KeySpec*> replaced_keys(const scenario::ZoneSpec& zone, const scenario::RolloverSpec& spec);

// Plans one rollover against the keys `zone` has when it starts (earlier rollovers' successors
// included). `zone` must hold spec.key (prepare/ checks, then plans each rollover once:
// prepare/prepared.hpp).
RolloverPlan plan_rollover(const scenario::ZoneSpec& zone, const scenario::RolloverSpec& spec);

// Every window the lint of `plans` predicts, then those of the chain-of-trust lint of the whole
// timeline (chain_lint.hpp) that no finding of `plans` covers (`until` at most the duration).
std::vector<PredictedWindow> predicted_windows(const scenario::Scenario& scenario,
                                               const std::vector<RolloverPlan>& plans);

// `rollsim plan`: per rollover, the schedule; then the lint.
void print_plan(std::ostream& out, const scenario::Scenario& scenario, const std::vector<RolloverPlan>& plans);
// The lint findings alone, the chain-of-trust lint's after the plans' ("Rollover lint" section;
// nothing when there are none).
void print_lint(std::ostream& out, const scenario::Scenario& scenario, const std::vector<RolloverPlan>& plans);

// The resolvers of the scenario a predicted window applies to, e.g. "warm" (by kind, and by
// trust anchor for windows that name one).
std::vector<std::string> affected_resolvers(const scenario::Scenario& scenario, const PredictedWindow& window);

}  // namespace rollsim::rollover
