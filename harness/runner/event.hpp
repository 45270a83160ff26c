// What happened during a run, as data: the timeline's actions and faults, key state changes,
// servers and resolvers going down and up, the signer's new versions. report/event_text.hpp
// words them; the runner only records them.
#pragma once

#include "core/time.hpp"
#include "scenario/model.hpp"

#include <cstdint>
#include <string>
#include <variant>

namespace rollsim::runner {

// An action or fault of the timeline, as applied (a parent agent's DS change included).
struct TimelineEvent {
    scenario::Event event;
};

// A fault of the timeline ends: its `until`, or a repair (`rollsim play`).
struct FaultRepaired {
    scenario::FaultKind fault = scenario::FaultKind::DsDigestMismatch;
    std::string zone;
    bool operator==(const FaultRepaired&) const = default;
};

// How a key's state changed. For the root, the DS "at the parent" is the trust anchor its
// operator publishes (the root has no parent).
enum class KeyTransition {
    DnskeyPublished,
    DnskeyRemoved,
    Signing,
    NoLongerSigning,
    DsAdded,
    DsRemoved,
    Revoked,  // published with the REVOKE bit, self-signed (RFC 5011 2.1)
};

// A key's state changed, whatever caused it: its own times, an action, or a fault.
struct KeyStateChanged {
    std::string zone;
    std::string key;  // name in the scenario
    int keytag = 0;   // the key's own tag (not the revoked twin's)
    KeyTransition what = KeyTransition::DnskeyPublished;
};

// An RFC 5011 daemon's root trust anchor changed state, as the daemon wrote it
// (lab::UnboundDaemon::auto_trust_anchor_state).
struct AnchorStateChanged {
    std::string resolver;
    std::string state;
};

// A resolver daemon started late, stopped, or started again (ResolverSpec start / offline), or
// died (its process ended by itself: its probes record no answer from then on, the others go on).
enum class ResolverRun { Started, StartedAgain, Stopped, Died };
struct ResolverRunChanged {
    std::string resolver;
    ResolverRun what = ResolverRun::Started;
    std::string log_tail = {};  // Died: the last lines of its output
};

// A name server stopped answering or answers again (server-down).
struct ServerAnswering {
    std::string server;  // its name, e.g. "ns2.example.com."
    bool answering = false;
};

// The signer made a new version of a zone: for a change of its inputs, or on schedule when
// the signatures reached refresh age.
struct ZoneSigned {
    std::string zone;
    std::uint32_t serial = 0;
    bool on_schedule = false;
};

// The operator's signer of a zone died during the run (its process ended): the run stops at this
// instant and reports what it observed until then (docs/scenario-format.md, "signer").
struct SignerDied {
    std::string zone;
    std::string signer;    // its kind, as the scenario names it: "bind", "knot", ...
    std::string log_tail;  // the last lines of its log
};

using EventContent = std::variant<TimelineEvent, FaultRepaired, KeyStateChanged, AnchorStateChanged,
                                  ResolverRunChanged, ServerAnswering, ZoneSigned, SignerDied>;

struct EventRecord {
    enum class Source {
        Timeline,  // an action or fault of the scenario's timeline (or its repair)
        Key,       // a key changed state (its own times, an action, or a fault)
        Server,    // a server or resolver stopped or resumed answering
        Signer,    // the signer's own work: signing, scheduled re-signing
    };

    // `say` and `source` follow from `what`.
    EventRecord(Seconds offset, EventContent what);

    Seconds offset{0};
    EventContent what;
    std::string say;  // the timeline event's narrative from the scenario, if any
    Source source = Source::Timeline;
};
// "timeline", "key", "server", "signer"
std::string to_string(EventRecord::Source source);

}  // namespace rollsim::runner
