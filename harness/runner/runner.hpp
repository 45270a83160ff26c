// Plays a scenario against a real lab: NSD servers for every zone, Unbound daemons and the
// cold validator, all inside the namespaces the caller entered. Virtual time advances from
// instant to instant (probe times, timeline events, fault boundaries, signer refreshes); at
// each one the world is updated, changed zones are re-signed and published (serial
// confirmed on every server), resolver clocks are set, and the probes are recorded.
#pragma once

#include "lab/tools.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"
#include "world/world.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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

// A scenario being played in a lab, instant by instant: what run_scenario() loops over and
// what `rollsim play` (cli/play.cpp) drives from a facilitator's commands. The session owns a
// copy of the scenario; the world references that copy, whose timeline takes injected faults.
// Every call that talks to the lab throws LabError when a lab process cannot start or stops
// answering, and Fatal(Interrupted) when `options.interrupted` says so (polled per instant).
// One session per lab, in the process that entered the lab's namespaces.
class Session {
public:
    Session(const scenario::Scenario& scenario, const lab::Tools& tools, const RunOptions& options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Applies the events at +0, signs and publishes every zone, starts every NSD server,
    // Unbound daemon and cold validator, and makes the probes of +0. now() is then +0.
    void start();

    // Moves virtual time from now() to `t` (at most the scenario's duration), stopping at every
    // instant that matters on the way, as a run does: timeline events, fault boundaries, signer
    // refreshes and scheduled probe instants. At each the world advances, changed zones are
    // published (serial confirmed) and, at probe instants, every probe name is asked of every
    // resolver. With `probe_at_end`, `t` itself is probed even when no probe is scheduled
    // there. Returns the observations made at `t` (none when `t` was not probed).
    std::vector<Observation> advance_to(Seconds t, bool probe_at_end = false);

    // The next instant after now() that advance_to() would stop at on its way (a scheduled
    // probe, a timeline event or fault boundary, a signer refresh, a parent agent's scan, an
    // RFC 5011 wake-up), or the scenario's duration when none comes before it. What lets a
    // caller play instant by instant and stop on what it sees (rollsim play's advance failure).
    Seconds next_stop() const;

    // Asks every probe name of every resolver now; the answers join the record.
    std::vector<Observation> probe();

    // Asks one question now of one resolver (by name) or, when `resolver` is empty, of every
    // resolver. Not recorded: expectations and failure windows see the probes only. Throws
    // std::invalid_argument for an unknown resolver.
    std::vector<Observation> query(const std::string& qname, const std::string& qtype,
                                   const std::string& resolver = "");

    // Adds a fault to the timeline now (its `at` is set to now()), applies it and publishes
    // what it changes. `fault` is a validated fault event (scenario::parse_event_fields).
    void inject(scenario::Event fault);

    // Ends now every fault of `kind` in `zone` that is in force, injected or scheduled (its
    // `until` becomes now()), and publishes what that changes. Returns how many were ended.
    int repair(scenario::FaultKind kind, const std::string& zone);

    Seconds now() const;
    const scenario::Scenario& scenario() const;  // the session's copy, injected faults included
    const world::World& world() const;
    const RunRecord& record() const;             // everything recorded so far
    RunRecord take_record();                     // the record, moved out (the session is done)

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

// Plays the whole scenario: Session::start(), then Session::advance_to(duration).
// Throws LabError when a lab process cannot start or stops answering, Fatal(Interrupted)
// when `interrupted` says so. A zone's signer that dies during the run does not throw: the run
// stops at that instant and the record says so (RunRecord::stopped, a SignerDied event), with
// every observation made before it.
RunRecord run_scenario(const scenario::Scenario& scenario, const lab::Tools& tools, const RunOptions& options);

}  // namespace rollsim::runner
