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

}  // namespace rollsim::report
