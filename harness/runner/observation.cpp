#include "runner/observation.hpp"

namespace rollsim::runner {

std::string to_string(Validation v)
{
    switch (v) {
    case Validation::Secure: return "secure";
    case Validation::Insecure: return "insecure";
    case Validation::Bogus: return "bogus";
    case Validation::Indeterminate: return "indeterminate";
    }
    return "indeterminate";
}

std::string to_string(EventRecord::Source source)
{
    switch (source) {
    case EventRecord::Source::Timeline: return "timeline";
    case EventRecord::Source::Key: return "key";
    case EventRecord::Source::Server: return "server";
    case EventRecord::Source::Signer: return "signer";
    }
    return "timeline";
}

bool Observation::failed() const
{
    if (validation == Validation::Bogus) return true;
    if (!rcode) return true;
    return *rcode == "SERVFAIL";
}

}  // namespace rollsim::runner
