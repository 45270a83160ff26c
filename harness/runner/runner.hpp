// Plays a scenario against a real lab: NSD servers for every zone, Unbound daemons and the
// cold validator, all inside the namespaces the caller entered. Virtual time advances from
// instant to instant (probe times, timeline events, fault boundaries, signer refreshes); at
// each one the world is updated, changed zones are re-signed and published (serial
// confirmed on every server), resolver clocks are set, and the probes are recorded.
#pragma once

#include "lab/tools.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <filesystem>
#include <functional>

namespace rollsim::runner {

struct Progress {
    Seconds offset{0};
    Seconds duration{0};
    int events = 0;
    int failures = 0;  // failing observations so far
};

struct RunOptions {
    std::filesystem::path lab_dir;                    // exists, empty; the caller owns it
    std::function<bool()> interrupted;                // polled between instants
    std::function<void(const Progress&)> on_progress;  // after every instant
};

// Throws LabError when a lab process cannot start or stops answering, Fatal(Interrupted)
// when `interrupted` says so.
RunRecord run_scenario(const scenario::Scenario& scenario, const lab::Tools& tools, const RunOptions& options);

// Validation as a daemon's answer shows it (RFC 8914 codes 6-12 are DNSSEC failures;
// 1 and 2, unsupported algorithm / digest, make the zone insecure, not bogus).
Validation classify_daemon_answer(const std::optional<std::string>& rcode, bool ad, std::optional<int> ede);

}  // namespace rollsim::runner
