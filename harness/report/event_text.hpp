// Events of a run in the words every report uses: "retire zsk-a (example.com.)",
// "example.com. zsk-a (tag 4242) DNSKEY removed", "example.com. re-signed on schedule, serial 4".
#pragma once

#include "runner/event.hpp"
#include "scenario/model.hpp"

#include <string>

namespace rollsim::report {

std::string event_text(const runner::EventRecord& event);

// "remove zsk-a (example.com.)", "fault ds-digest-mismatch at example.com. until +2d": a
// timeline event as reports show it.
std::string describe_event(const scenario::Event& event);

// An event as the cause of failures (report/failure_groups.hpp): what happened in a few words
// ("DS removed", "ds-digest-mismatch fault", "zsk-b signing"), the scenario's own words for it
// when they add something ("ds-remove ksk", "server ns1 until +2d"; may be empty), and the zone
// it happened to. Only timeline actions and faults and key state changes have one; other events
// give an empty `what`.
struct EventHeadline {
    std::string what;
    std::string detail;
    std::string zone;
};
EventHeadline event_headline(const runner::EventRecord& event);

}  // namespace rollsim::report
