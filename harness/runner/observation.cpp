#include "runner/observation.hpp"

namespace rollsim::runner {

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

}  // namespace rollsim::runner
