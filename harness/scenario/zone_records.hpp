// A zone's data as the timeline changes it: the records a scenario lists (records:, template:)
// and the record actions (record-add, record-change, record-remove) applied in time order, the
// way an operator edits a zone during a run (a renumbering, a TTL lowered before a migration).
// Pure: the world serves zone_records at each instant; the parser refuses an action that
// changes nothing.
#pragma once

#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::scenario {

// Applies one record action to `records` (each "owner ttl IN TYPE data", as the parser renders
// them). Returns why it changes nothing, e.g. "zone example.com. has no record www.example.com.
// A 192.0.2.9 to remove at +1d (its www.example.com. A records: 192.0.2.1)"; nullopt when it did.
std::optional<std::string> apply_record_action(std::vector<std::string>& records, const Event& action);

// The data records of `zone` at `t`: its listed records, changed by the timeline's record
// actions at or before `t`.
std::vector<std::string> zone_records(const Scenario& scenario, const ZoneSpec& zone, Seconds t);

}  // namespace rollsim::scenario
