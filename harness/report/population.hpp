// The share of a population's members failing over time (docs/report-format.md, "Populations"):
// per population (scenario/population.hpp) and per probed query, the spans of virtual time in
// which some members' last answer failed, with how many of the members asked so far. A member
// counts from its first probe (its cache is filled then) and is failing from a probe that failed
// until its next probe: between its own probes a member's state is the one it last showed.
// "35% of knot-resolver resolvers fail (7 of 20) from +1d23h5m to +1d23h50m" is one such span.
#pragma once

#include "core/time.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

// A span in which the same number of members failed, of the same number asked so far.
struct ShareSpan {
    Seconds from{0};
    std::optional<Seconds> until;  // nullopt: to the end of the run
    int failing = 0;
    int members = 0;  // members asked at least once by `from`
    int percent() const;  // failing / members, rounded to the nearest whole percent
};

struct PopulationQuery {
    scenario::Query query;
    std::vector<ShareSpan> spans;  // the spans with failing > 0, in time order
    int peak_percent() const;      // the largest share of `spans` (0 when none)
};

struct PopulationShares {
    std::string population;  // its name in the scenario
    scenario::ResolverKind kind = scenario::ResolverKind::Unbound;
    int size = 0;
    Seconds last_phase{0};  // the last member's first probe (the first member's is at its start)
    Seconds interval{0};    // each member is asked this often (0: once)
    std::vector<PopulationQuery> queries;  // in the order of the scenario's probe names
};

// The scenario's populations (its members' `population`), each with the shares of its members'
// observations among `observations`.
std::vector<PopulationShares> population_shares(const scenario::Scenario& sc,
                                                const std::vector<runner::Observation>& observations);

// The largest share of `q`'s spans that overlaps [from, until) (nullopt: unbounded).
int peak_percent_within(const PopulationQuery& q, std::optional<Seconds> from, std::optional<Seconds> until);

// "35% (7 of 20) fail from +1d23h5m to +1d23h50m" (".. to the end" for an open span).
std::string share_text(const ShareSpan& span);
// "Population 'pop': 20 knot-resolver daemons, caches filled from +0 to +22h48m, each asked every 30m1s".
std::string population_heading(const PopulationShares& p);

// The sections of the reports: terminal, Markdown, HTML, and JSON "populations" (null when the
// scenario has none, and the key is then left out).
std::string populations_terminal(const std::vector<PopulationShares>& populations);
std::string populations_markdown(const std::vector<PopulationShares>& populations);
std::string populations_html(const std::vector<PopulationShares>& populations);
nlohmann::json populations_json(const std::vector<PopulationShares>& populations);

}  // namespace rollsim::report
