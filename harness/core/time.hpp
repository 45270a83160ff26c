// Virtual time. Every piece of logic takes `now` as an argument; only lab/clock code
// touches the real clock, to translate virtual instants for the daemons' clock (vclock/).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rollsim {

using Seconds = std::chrono::seconds;
using TimePoint = std::chrono::sys_seconds;

// "300", "45s", "10m", "1h30m", "1d10m", "2w", optionally with a leading '+'.
// Units: s, m, h, d, w. Returns nullopt for anything else (negative values included).
std::optional<Seconds> parse_duration(std::string_view text);

// Compact form with the largest units first, e.g. 90000 s -> "1d1h", 0 -> "0s".
std::string format_duration(Seconds d);

// Signed offset from the scenario start: "+1d10m", "-30m", "+0s".
std::string format_offset(Seconds d);

// "2027-03-01T00:00:00Z" (also accepts a trailing "+00:00"). Only UTC is accepted.
std::optional<TimePoint> parse_time(std::string_view text);
std::string format_time(TimePoint t);  // "2027-03-01T00:00:00Z"

// RRSIG-style "YYYYMMDDHHMMSS" (RFC 4034 section 3.2), as Unbound's val-override-date takes.
std::string format_rrsig_time(TimePoint t);

}  // namespace rollsim
