// A probe of a validating daemon over DNS: the question with RD and DO set, and the daemon's
// verdict read from its answer (rcode, AD bit, Extended DNS Error), for every daemon kind of the
// lab (docs/resolvers.md says what each kind's answers carry).
#pragma once

#include "dns/outcome.hpp"
#include "lab/resolver.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rollsim::probe {

// Asks the daemon at `address`. Never throws for network trouble: no answer is an answer
// without rcode (reason "no answer from the resolver"). Throws std::invalid_argument for a
// malformed name or type.
dns::ResolverAnswer ask_daemon(const std::string& address, const std::string& qname, const std::string& qtype);

// Asks the daemon at `address` every question of `questions` (name, type) as ask_daemon() does,
// up to `in_flight` at once (core/parallel.hpp: on the threads the process keeps, or one after
// another where no thread can run them), and returns the answers in the questions' order. A daemon
// answers many questions at once, and a question whose answer is not cached waits mostly for
// the daemon's own queries to the lab's servers.
std::vector<dns::ResolverAnswer> ask_daemon_at_once(const std::string& address,
                                                    const std::vector<std::pair<std::string, std::string>>& questions,
                                                    unsigned in_flight);

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
