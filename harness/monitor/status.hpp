// What one run of a monitor said, in the monitoring-plugins convention (the exit status of a
// Nagios/Icinga plugin: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), and the series the reference
// monitor exports (docs/monitoring.md, "Metrics").
#pragma once

#include "core/time.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rollsim::monitor {

enum class Status { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

std::string_view to_string(Status s);  // "OK", "WARNING", "CRITICAL", "UNKNOWN"

// An exit status as the convention reads it: 0..3 as such; anything else (a missing program's
// 127, a signal's 128 + n, a run killed at its deadline) is UNKNOWN.
Status status_of_exit(int exit_status);

// True for WARNING and CRITICAL: what pages someone. UNKNOWN is a broken check, not an alert.
inline bool is_alert(Status s) { return s == Status::Warning || s == Status::Critical; }

// One sample of a Prometheus series: name{labels} value.
struct Sample {
    std::string name;  // "rollsim_rrsig_validity_seconds"
    std::map<std::string, std::string> labels;
    double value = 0;
};

// One run of one monitor at one instant of virtual time.
struct Check {
    Seconds offset{0};
    std::string monitor;        // its name in the scenario
    Status status = Status::Unknown;
    int exit_status = 0;        // as the program exited (-1: killed at its deadline); 0..3 for rollsim-health
    std::string line;           // the first line of its output (the plugin's status line)
    std::string output;         // all of it, for UNKNOWN's diagnosis (at most a few KiB kept)
    double wall_seconds = 0;    // how long the run took on the real clock
    std::vector<Sample> samples;  // rollsim-health: the figures behind the status
};

}  // namespace rollsim::monitor
