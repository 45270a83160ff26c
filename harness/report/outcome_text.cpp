#include "report/outcome_text.hpp"

#include "scenario/names.hpp"

#include <fmt/format.h>

namespace rollsim::report {

using runner::Observation;

std::string rcode_text(const Rcode& rcode) { return rcode ? dns::to_string(*rcode) : std::string("no answer"); }

std::string ede_label(const Ede& ede, const std::string& text)
{
    if (!ede) return {};
    return text.empty() ? std::to_string(dns::ede_code(*ede)) : fmt::format("{} {}", dns::ede_code(*ede), text);
}

std::string validation_text(runner::Validation validation) { return dns::to_string(validation); }

std::string describe(const Observation& obs)
{
    if (!obs.rcode) return "no answer";
    if (!scenario::is_daemon(obs.kind)) return validation_text(obs.validation);
    std::string out = rcode_text(obs.rcode);
    if (obs.ad) out += " AD";
    if (obs.ede) out += " EDE " + ede_label(obs.ede, "");
    return out;
}

std::string outcome_label(const Observation& obs)
{
    if (obs.failed()) return describe(obs);
    const std::string v = validation_text(obs.validation);
    if (obs.rcode && *obs.rcode != dns::Rcode::NoError) return rcode_text(obs.rcode) + " " + v;
    return v;
}

std::string answer_text(const Observation& obs)
{
    if (!obs.rcode) return "no answer" + (obs.reason.empty() ? "" : ": " + obs.reason);
    std::string out;
    if (scenario::is_daemon(obs.kind)) {
        out = describe(obs) + " - " + validation_text(obs.validation);
    } else {
        out = validation_text(obs.validation);
        if (*obs.rcode != dns::Rcode::NoError) out += " (" + rcode_text(obs.rcode) + ")";
    }
    if (!obs.reason.empty()) out += ": " + obs.reason;
    return out;
}

}  // namespace rollsim::report
