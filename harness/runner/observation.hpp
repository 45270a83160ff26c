// What a run records: one Observation per probe of one resolver, and what happened when.
#pragma once

#include "core/time.hpp"
#include "dns/outcome.hpp"
#include "monitor/status.hpp"
#include "runner/event.hpp"
#include "scenario/model.hpp"
#include "scenario/names.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::runner {

// The validator's verdict and its words ("secure", ...), as a run record speaks of them.
using dns::Validation;
using dns::to_string;

// One probe of one resolver: its answer (rcode, AD, EDE, verdict, reason; failed() says
// whether users would see an outage), when, which resolver and what was asked.
struct Observation : dns::ResolverAnswer {
    Seconds offset{0};
    std::string resolver;              // resolver name from the scenario
    scenario::ResolverKind kind = scenario::ResolverKind::Unbound;
    scenario::ResolverCache cache = scenario::ResolverCache::Warm;  // a daemon's; libunbound's is cold
    scenario::Query query;

    // A daemon that kept its cache across probes (not a cold daemon, not libunbound).
    bool warm() const { return scenario::is_daemon(kind) && cache == scenario::ResolverCache::Warm; }
};

// A key's state from `offset` on (recorded at the start and at every change), for timelines.
struct KeyChange {
    Seconds offset{0};
    std::string zone;
    std::string key;   // name in the scenario
    std::string role;  // "ksk", "zsk", "csk"
    int keytag = 0;
    int algorithm = 0;
    bool published = false;     // DNSKEY in the zone
    bool active = false;        // signing
    bool ds_at_parent = false;  // DS in the parent zone (KSK/CSK)
    bool revoked = false;       // published with the REVOKE bit (RFC 5011); keytag is then the revoked one
};

// A decision of a zone's parent agent (docs/parent-agent.md) that was not "unchanged": recorded
// when its verdict or reason differs from the zone's previous recorded decision, so a refusal
// repeated at every scan appears once.
struct AgentDecision {
    Seconds offset{0};             // the scan
    std::string zone;              // the child
    std::string verdict;           // "accepted", "refused"
    std::string reason;            // one line
    std::vector<std::string> ds;   // the DS set after the decision (DS RDATA), the new one when accepted
    std::optional<Seconds> ds_change_at;  // accepted: when the DS changes (scan + registration delay)
};

// A run that stopped before the scenario's end because a lab process it cannot go on without
// died (a zone's signer): when, and the lab's error, the process's log tail included.
struct RunStopped {
    Seconds offset{0};
    std::string reason;
};

struct RunRecord {
    std::vector<Observation> observations;
    std::vector<EventRecord> events;
    std::vector<KeyChange> key_changes;
    int instants = 0;          // instants of virtual time the runner stopped at
    int publications = 0;      // zone versions published (and confirmed) on all servers
    int servers = 0;           // NSD instances
    double wall_seconds = 0;
    std::vector<AgentDecision> parent_agent;  // parent agents' decisions, in order
    std::vector<monitor::Check> monitor_checks;  // every run of every monitor, in order (docs/monitoring.md)
    std::optional<RunStopped> stopped;  // set when the run ended before the scenario's duration
};

}  // namespace rollsim::runner
