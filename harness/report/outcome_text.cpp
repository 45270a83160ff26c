#include "report/outcome_text.hpp"

#include <fmt/format.h>

namespace rollsim::report {

using runner::Observation;

std::string rcode_text(const Rcode& rcode) { return rcode ? *rcode : std::string("no answer"); }

std::optional<std::string> rcode_name(const Rcode& rcode) { return rcode; }

std::optional<int> ede_code(const Ede& ede) { return ede; }

std::string ede_label(const Ede& ede, const std::string& text)
{
    if (!ede) return {};
    return text.empty() ? std::to_string(*ede) : fmt::format("{} {}", *ede, text);
}

std::string validation_text(runner::Validation validation) { return runner::to_string(validation); }

std::string describe(const Observation& obs)
{
    if (!rcode_name(obs.rcode)) return "no answer";
    if (obs.kind == scenario::ResolverKind::Libunbound) return validation_text(obs.validation);
    std::string out = rcode_text(obs.rcode);
    if (obs.ad) out += " AD";
    if (ede_code(obs.ede)) out += " EDE " + ede_label(obs.ede, "");
    return out;
}

std::string outcome_label(const Observation& obs)
{
    if (obs.failed()) return describe(obs);
    const std::string v = validation_text(obs.validation);
    const auto rcode = rcode_name(obs.rcode);
    if (rcode && *rcode != "NOERROR") return *rcode + " " + v;
    return v;
}

std::string answer_text(const Observation& obs)
{
    const auto rcode = rcode_name(obs.rcode);
    if (!rcode) return "no answer" + (obs.reason.empty() ? "" : ": " + obs.reason);
    std::string out;
    if (obs.kind == scenario::ResolverKind::Unbound) {
        out = describe(obs) + " - " + validation_text(obs.validation);
    } else {
        out = validation_text(obs.validation);
        if (*rcode != "NOERROR") out += " (" + *rcode + ")";
    }
    if (!obs.reason.empty()) out += ": " + obs.reason;
    return out;
}

std::string event_text(const runner::EventRecord& event) { return event.text; }

}  // namespace rollsim::report
