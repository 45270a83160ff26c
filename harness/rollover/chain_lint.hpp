// The chain-of-trust lint: the whole timeline of a scenario (the keys' own times, the steps of
// its rollovers and the hand-written actions alike) played per zone, instant by instant, as the
// parent's DS set, the DNSKEY set, the keys that sign it and the keys that sign the zone's data.
// A validator may hold, at one instant, a DS set and a DNSKEY set fetched at different times
// (each cached for its TTL plus the propagation delay); the lint pairs every DS set with every
// DNSKEY set a cache can hold beside it and every DNSKEY set with the signatures served then,
// and predicts a failure window wherever a pair does not validate (worst case over where a
// resolver's cache refreshes fall: a given resolver may escape it). It also warns on actions
// that change nothing (a DS removed that is already gone, an active key activated again).
// Pure: no clock, no I/O.
#pragma once

#include "rollover/planner.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rollsim::rollover {

// What a zone publishes, and its parent for it, from one instant on.
struct ChainState {
    std::set<std::string> ds;            // keys whose DS the parent publishes
    std::set<std::string> dnskey;        // keys in the DNSKEY set
    std::set<std::string> dnskey_signers;  // sign the DNSKEY set with their own key tag (KSK, CSK; not revoked)
    std::set<std::string> data_signers;  // sign the zone's other RRsets (ZSK, CSK)
    bool operator==(const ChainState&) const = default;
};

// A state and the instant it starts; it lasts until the next phase's `from` (the last one, to
// the end of the run). `change`: the actions that made it, e.g. "ds-remove ksk (line 31)".
struct ChainPhase {
    Seconds from{0};
    ChainState state;
    std::string change;
    scenario::SourceLoc loc;  // the last of those actions (a hand-written one follows the planned ones)
};

struct ChainFinding {
    scenario::SourceLoc loc;  // the action behind it
    std::string zone;
    std::string message;
    std::optional<PredictedWindow> window;  // nullopt: a warning, no failure predicted
};

// How long a validator may hold what a zone served: TTL + propagation delay, for the parent's
// DS set, the DNSKEY set, and the zone's answer that it has no DNSKEY (negative TTL).
struct CacheSpans {
    Seconds ds{3900};
    Seconds dnskey{3900};
    Seconds no_dnskey{600};
};

struct ZoneChain {
    std::vector<ChainPhase> phases;     // in time order, each state different from the one before
    std::vector<ChainFinding> no_ops;   // actions of the timeline that changed nothing
};

// The phases of `zone` under the scenario's timeline (its keys' own times first, then the
// timeline's actions at their instants, in order).
ZoneChain play_chain(const scenario::Scenario& scenario, const scenario::ZoneSpec& zone);

// The failure windows of one zone's phases (`check_ds` false: the DS set is not checked, as for
// the root, whose DS is the validators' trust anchor, or a zone whose parent agent changes the
// DS when it accepts a CDS), merged, `until` at most `duration`.
std::vector<PredictedWindow> chain_windows(const std::string& zone, const std::vector<ChainPhase>& phases,
                                           const CacheSpans& spans, bool check_ds, Seconds duration);

// The spans of `zone`: its TTLs and the propagation delays of its rollover, if it has one.
CacheSpans cache_spans(const scenario::ZoneSpec& zone, const std::vector<RolloverPlan>& plans);

// Whether the lint checks the DS set of `zone`: not the root, a zone with a parent agent or one
// with a stale-ds fault (see lint_chain).
bool checks_ds(const scenario::Scenario& scenario, const scenario::ZoneSpec& zone);

// Every zone's findings: the no-op warnings, and the windows that no finding of the rollover
// lint (`plans`) already predicts (a window overlapping one of those, in the same zone, is that
// finding's). The DS set is not checked for the root, a zone with a parent agent or one with a
// stale-ds fault; faults are not played.
std::vector<ChainFinding> lint_chain(const scenario::Scenario& scenario, const std::vector<RolloverPlan>& plans);

}  // namespace rollsim::rollover
