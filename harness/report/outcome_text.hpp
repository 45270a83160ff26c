// A probe's answer as the reports print it. Every format reads an observation's rcode, EDE and
// validation (and their copies in a FailureWindow) through these functions; an event's words
// come from report/event_text.hpp.
#pragma once

#include "runner/observation.hpp"

#include <optional>
#include <string>

namespace rollsim::report {

using Rcode = decltype(runner::Observation::rcode);  // nullopt: no answer
using Ede = decltype(runner::Observation::ede);      // nullopt: none (libunbound has no EDE)

// "SERVFAIL"; "no answer".
std::string rcode_text(const Rcode& rcode);
// (The JSON's null-or-value forms are dns::rcode_name and dns::ede_code.)
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

}  // namespace rollsim::report
