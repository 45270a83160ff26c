// The verdict on the operator's monitoring (docs/monitoring.md, "Lead times"): for every
// failure group (report/failure_groups.hpp, whose start is the first resolver failure), when
// each monitor first went WARNING and CRITICAL relative to it, or that it missed it; and its
// false alarms. Pure functions of the scenario, the monitors' checks and the failure groups.
//
// Rules. A monitor's alert counts for a group starting at S and ending at E (the end of the run
// when still open) when it is raised in [S - horizon, E): the first such check at WARNING or
// worse gives the warning lead S - t, the first at CRITICAL the critical lead (positive: ahead,
// zero: at once, negative: late). No alerting check in that span: missed. An alert episode
// (consecutive alerting checks; OK or UNKNOWN ends it) that neither overlaps a group nor is
// followed by a group's start within the horizon is a false alarm.
#pragma once

#include "monitor/status.hpp"
#include "report/failure_groups.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

// One monitor against one failure group.
struct MonitorLead {
    std::size_t group = 0;            // index into the failure groups
    Seconds failure_start{0};         // the group's first resolver failure
    std::optional<Seconds> warned;    // first check at WARNING or worse that counts
    std::optional<Seconds> critical;  // first check at CRITICAL that counts
    std::string line;                 // the status line of the first alert
};

struct FalseAlarm {
    Seconds start{0};
    Seconds last{0};  // the episode's last alerting check
    monitor::Status worst = monitor::Status::Warning;
    std::string line;  // the first alert's status line
};

// A status change: the monitor's state from `offset` on (for timelines and play).
struct MonitorState {
    Seconds offset{0};
    monitor::Status status = monitor::Status::Ok;
    std::string line;
};

struct MonitorSummary {
    std::string name;
    std::string kind;  // "command", "rollsim-health"
    Seconds horizon{0};
    std::vector<MonitorLead> leads;  // one per failure group, in the groups' order
    std::vector<FalseAlarm> false_alarms;
    std::vector<MonitorState> states;  // the first check, then each change of status
    int checks = 0;
    int counts[4] = {0, 0, 0, 0};  // by monitor::Status
};

std::vector<MonitorSummary> summarize_monitors(const scenario::Scenario& scenario,
                                               const std::vector<monitor::Check>& checks,
                                               const std::vector<FailureGroup>& groups);

// "2d3h ahead", "at once", "45m late", "missed": an alert's lead over a failure start.
std::string lead_text(std::optional<Seconds> alert, Seconds failure_start);

// A monitor expectation ({ monitor: health, warns-before: 2d }) against the summaries: pass,
// and the first group that breaks it.
struct MonitorVerdict {
    bool pass = false;
    int matched = 0;  // failure groups judged
    std::string detail;
};
// "warning 2d ahead, critical 23h ahead of +1d3h": a monitor's leads, as an expectation's
// `observed`.
std::string monitor_observed(const std::string& monitor, const std::vector<MonitorSummary>& monitors);
MonitorVerdict judge_monitor(const scenario::Expectation& e, const std::vector<MonitorSummary>& monitors);

}  // namespace rollsim::report
