// A probe of a validating daemon over DNS: the question with RD and DO set, and the daemon's
// verdict read from its answer (rcode, AD bit, Extended DNS Error), for every daemon kind of the
// lab (docs/resolvers.md says what each kind's answers carry).
#pragma once

#include "dns/outcome.hpp"
#include "lab/resolver.hpp"

#include <optional>
#include <string>

namespace rollsim::probe {

// Asks the daemon at `address`. Never throws for network trouble: no answer is an answer
// without rcode (reason "no answer from the resolver"). Throws std::invalid_argument for a
// malformed name or type.
dns::ResolverAnswer ask_daemon(const std::string& address, const std::string& qname, const std::string& qtype);

// Asks the lab's daemon `daemon` as ask_daemon() does, then lets it add what only its log says
// (lab::ResolverDaemon::explain: named's reason for a failure).
dns::ResolverAnswer ask_resolver(lab::ResolverDaemon& daemon, const std::string& qname, const std::string& qtype);

// What a daemon that has died answers: nothing, as ask_daemon's no answer, with the reason
// "no answer: the resolver died".
dns::ResolverAnswer dead_daemon_answer();

// Validation as a daemon's answer shows it: AD on NOERROR / NXDOMAIN is secure (RFC 4035
// 3.2.3), no AD insecure; a SERVFAIL is bogus when its EDE says DNSSEC failed (RFC 8914 codes
// 6-12; 1 and 2, unsupported algorithm / digest, make the zone insecure, not bogus), and
// indeterminate otherwise, as is no answer.
dns::Validation classify_daemon_answer(const std::optional<dns::Rcode>& rcode, bool ad,
                                       const std::optional<dns::Ede>& ede);

}  // namespace rollsim::probe
