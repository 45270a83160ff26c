// Failure windows grouped by cause: one cause (a DS replaced too early) often fails several
// queries at several resolvers, and a reader wants it once, with how long it lasted and whom it
// hit. Pure functions of the scenario, the run's events and its failure windows; summarize()
// (report/summary.hpp) groups once, and the formats render the groups.
//
// A window belongs to the zone of its query (the closest zone of the scenario at or above the
// name) and to the cause that opened it: the latest of the timeline's actions and faults, and
// of the key state changes, at or before the window's start that happened to that zone or an
// ancestor of it — every such event of that instant. A window with none has no cause ("no
// event"). Windows of the same zone and cause form one group.
#pragma once

#include "report/evaluate.hpp"
#include "runner/event.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

// What opened a group's windows: the events of one instant.
struct FailureCause {
    Seconds at{0};
    std::vector<runner::EventRecord> events;  // timeline actions and faults first, as recorded
};

// One resolver's share of a group.
struct ResolverFailures {
    std::string resolver;
    std::vector<scenario::Query> queries;  // in order of first failure
    std::vector<std::string> outcomes;     // distinct FailureWindow::what, in order of appearance
};

struct FailureGroup {
    std::string zone;
    std::optional<FailureCause> cause;        // nullopt: no event at or before the first window
    Seconds start{0};                         // the earliest window's start
    std::optional<Seconds> end;               // the latest window's end; nullopt: one still open at the end
    std::vector<ResolverFailures> resolvers;  // in the scenario's order of resolvers
    std::vector<FailureWindow> windows;       // by start
};

// `windows` ordered by start (report::failure_windows); the groups come ordered by start too.
std::vector<FailureGroup> group_failures(const scenario::Scenario& scenario, const std::vector<runner::EventRecord>& events,
                                         const std::vector<FailureWindow>& windows);

// The zone of the scenario a name belongs to: the closest at or above it ("." when none).
std::string zone_of(const scenario::Scenario& scenario, const std::string& name);

// "DS removed at +2d (ds-remove ksk)"; "DNSKEY removed, zsk-b signing at +1d (remove zsk-a)";
// "4 events at +6h20m (publish ksk-next; activate ksk-next; retire ksk; remove ksk)"; the zone
// is named when the event happened to an ancestor ("(server ns1 until +2d at com.)"); "no
// event" without a cause.
std::string cause_text(const FailureGroup& group);

// "SERVFAIL EDE 9, 6", "bogus", "SERVFAIL EDE 9, no answer": outcomes with one rcode and several
// EDE codes folded together.
std::string outcomes_text(const std::vector<std::string>& outcomes);

// "warm: 5 queries SERVFAIL EDE 9, 6; cold: www.example.com. A bogus": whom the group hit (a
// resolver's single query named, several counted).
std::string coverage_text(const FailureGroup& group);

}  // namespace rollsim::report
