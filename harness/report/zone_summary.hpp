// The run per zone: which zones failed, at which resolver, when, and how often. A portfolio of a
// thousand zones probed daily for a year gives hundreds of thousands of probe results; a
// reader wants the few zones that failed, and only a count of those that did not. summarize()
// (report/summary.hpp) builds it once from the failure windows, and every format shows it
// instead of its per-name tables when the run is large (is_large_run, docs/report-format.md).
//
// A probe name belongs to the deepest zone of the scenario at or above it (the zone that holds
// it). A failure is what every other part of the report counts as one (failed(): SERVFAIL,
// bogus, no answer).
#pragma once

#include "report/evaluate.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

// A run is large, and its reports show zones rather than names, when it probes more than this
// many names or names in more than this many zones.
constexpr std::size_t kLargeRunNames = 20;
constexpr std::size_t kLargeRunZones = 10;

// One span during which some probe name of the zone failed at the resolver: the union of the
// failure windows of the zone's names there.
struct ZoneSpan {
    Seconds from{0};             // first failing probe
    std::optional<Seconds> until;  // first succeeding probe after the last overlapping window; nullopt = still failing
};

struct ZoneResolverFailures {
    std::string resolver;
    std::vector<ZoneSpan> spans;  // by start, disjoint
    long long failing_probes = 0;
    // The first failing probe's: "SERVFAIL EDE 9", its EDE and the validator's reason.
    std::string what;
    Ede ede;
    std::string ede_text;
    std::string reason;
};

struct FailingZone {
    std::string zone;
    Seconds first{0};                             // the earliest failing probe at any resolver
    long long failing_probes = 0;                 // at every resolver
    std::vector<ZoneResolverFailures> resolvers;  // in the scenario's order of resolvers
};

struct ZoneSummary {
    bool large = false;          // is_large_run(): the formats show this summary
    std::size_t probe_names = 0;  // distinct probed names
    std::size_t probed_zones = 0;  // zones holding a probed name
    std::vector<FailingZone> failing;  // by first failure, then by name
    std::size_t healthy_zones() const { return probed_zones - failing.size(); }
};

// The deepest zone of the scenario at or above `name` ("." when none), by walking up its labels:
// cheap for a scenario of thousands of zones.
class ZoneIndex {
public:
    explicit ZoneIndex(const scenario::Scenario& scenario);
    std::string zone_of(const std::string& name) const;

private:
    std::vector<std::string> m_zones;  // sorted, for binary search
};

// More than kLargeRunNames distinct probe names, or probe names in more than kLargeRunZones zones.
bool is_large_run(std::size_t probe_names, std::size_t probed_zones);

// `windows`: the run's failure windows (report::failure_windows), ordered by start.
ZoneSummary zone_summary(const scenario::Scenario& scenario, const std::vector<FailureWindow>& windows);

// The zones with a failure window of a probe name they hold, at `resolver` (every resolver when
// empty), sorted by name: what `failing-zones:` compares.
std::vector<std::string> failing_zone_names(const scenario::Scenario& scenario, const std::vector<FailureWindow>& windows,
                                            const std::string& resolver);

// failing-zones: the zones failing_zone_names() gives for the expectation's resolver equal its
// zones; `matched` counts the probe results at that resolver. The detail of a failure names the
// first few zones missing and unexpected.
Verdict judge_failing_zones(const scenario::Scenario& scenario, const scenario::Expectation& expectation,
                            const std::vector<runner::Observation>& observations);

// "+1d5m .. +1d1h, +3d .. end": a resolver's spans, `open_end` for one still failing.
std::string spans_text(const std::vector<ZoneSpan>& spans, const std::string& open_end = "end");

// "unbound: 3 probes SERVFAIL EDE 9 (+1d .. +2d); cold: ...": whom a zone's failures hit.
std::string zone_failures_text(const FailingZone& zone);

}  // namespace rollsim::report
