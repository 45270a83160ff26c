// The parental agent's decision (RFC 7344 section 4, RFC 8078): from what every server of a
// child zone answered for CDS, CDNSKEY and DNSKEY (with their RRSIGs), the parent's current
// DS set for the child, the delete policy and `now`, whether the parent changes the DS set,
// to what, and why. Pure: no I/O, no clock; ldns verifies the signatures as of `now`.
#pragma once

#include "core/time.hpp"
#include "scenario/model.hpp"

#include <string>
#include <vector>

namespace rollsim::parent {

// What one server of the child answered (records in presentation format, RRSIGs included, as
// the answer section holds them). `answered` false: the server did not answer at all.
struct ServerAnswer {
    std::string server;  // "ns1", ...
    bool answered = true;
    std::vector<std::string> cds;      // the CDS query's answer section
    std::vector<std::string> cdnskey;  // the CDNSKEY query's answer section
    std::vector<std::string> dnskey;   // the DNSKEY query's answer section
};

struct AgentInput {
    std::string zone;                  // the child, absolute
    std::vector<ServerAnswer> servers; // every server of the child
    std::vector<std::string> ds;       // the parent's DS RRset for the child (presentation format)
    scenario::DeletePolicy on_delete = scenario::DeletePolicy::Accept;
    TimePoint now;                     // signature validity is checked as of this instant
};

enum class Verdict {
    Unchanged,  // nothing to do: no CDS/CDNSKEY, or they match the DS set already
    Accepted,   // the DS set becomes `ds`
    Refused,    // the CDS/CDNSKEY fail a rule; the DS set stays
};
const char* verdict_name(Verdict v);  // "unchanged", "accepted", "refused"

struct Decision {
    Verdict verdict = Verdict::Unchanged;
    std::string reason;           // one line
    // The DS set after the decision, as DS RDATA "keytag algorithm digest-type DIGEST" (hex in
    // upper case), sorted: the new set when accepted, the current one otherwise.
    std::vector<std::string> ds;
    bool delete_signal = false;   // the decision is about the RFC 8078 delete signal
};

Decision decide(const AgentInput& input);

// "12345 13 2 ABCD..." for a DS (or CDS) record in presentation format; throws
// std::invalid_argument if the text is not a DS/CDS record.
std::string ds_rdata(const std::string& record);

}  // namespace rollsim::parent
