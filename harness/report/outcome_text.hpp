// A probe's answer and a recorded event as the reports print them. Every format reads an
// observation's rcode, EDE and validation (and their copies in a FailureWindow) and an event's
// text through these functions, so the types of those fields matter in this file alone.
#pragma once

#include "runner/observation.hpp"

#include <optional>
#include <string>

namespace rollsim::report {

using Rcode = decltype(runner::Observation::rcode);  // nullopt: no answer
using Ede = decltype(runner::Observation::ede);      // nullopt: none (libunbound has no EDE)

// "SERVFAIL"; "no answer".
std::string rcode_text(const Rcode& rcode);
// "SERVFAIL"; nullopt for no answer (JSON null).
std::optional<std::string> rcode_name(const Rcode& rcode);
// The EDE INFO-CODE (RFC 8914); nullopt without one (JSON null).
std::optional<int> ede_code(const Ede& ede);
// "9 signatures from unknown keys", "9" without a text; "" without an EDE.
std::string ede_label(const Ede& ede, const std::string& text);
// "secure", "insecure", "bogus", "indeterminate".
std::string validation_text(runner::Validation validation);

// "SERVFAIL EDE 9" / "bogus" / "no answer": the short form of one failing observation.
std::string describe(const runner::Observation& obs);
// "secure", "insecure", "NXDOMAIN secure" for answers; describe() for failures
// ("SERVFAIL EDE 9", "bogus", "no answer").
std::string outcome_label(const runner::Observation& obs);
// "SERVFAIL EDE 9 - bogus: validation failure <...>", "NOERROR AD - secure", "bogus: <reason>":
// one answer in full, as a tabletop exercise shows it.
std::string answer_text(const runner::Observation& obs);

// "retire zsk-a (example.com.)", "example.com. re-signed, serial 4".
std::string event_text(const runner::EventRecord& event);

}  // namespace rollsim::report
