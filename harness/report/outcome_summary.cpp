#include "report/outcome_summary.hpp"

#include "report/evaluate.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

using runner::Observation;
using scenario::Expectation;

std::vector<const Observation*> applicable_observations(const scenario::Scenario& sc, const Expectation& exp,
                                                        const std::vector<Observation>& observations)
{
    std::vector<const Observation*> out;
    for (const auto& o : observations) {
        if (exp.kind != Expectation::Kind::Otherwise) {
            if (covers(exp, o)) out.push_back(&o);
            continue;
        }
        bool claimed = false;
        for (const auto& other : sc.expectations)
            if (other.kind == Expectation::Kind::Window && covers(other, o)) claimed = true;
        if (!claimed) out.push_back(&o);
    }
    return out;
}

std::string tally_outcomes(const std::vector<const Observation*>& observations)
{
    std::vector<std::pair<std::string, int>> counts;
    for (const auto* o : observations) {
        std::string label = outcome_label(*o);
        auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == label; });
        if (it == counts.end()) counts.emplace_back(label, 1);
        else ++it->second;
    }
    if (counts.empty()) return "none";
    std::string out;
    for (const auto& [label, n] : counts) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{} ×{}", label, n);
    }
    return out;
}

std::string window_length(const scenario::Scenario& sc, Seconds start, const std::optional<Seconds>& end)
{
    return format_duration((end ? *end : sc.duration) - start);
}

std::string ede_beside_reason(const FailureWindow& w)
{
    return ede_label(w.ede, w.ede_text != w.reason ? w.ede_text : "");
}

std::string zone_names(const scenario::Scenario& sc)
{
    std::string out;
    for (const auto& z : sc.zones) out += (out.empty() ? "" : ", ") + z.name;
    return out;
}

}  // namespace rollsim::report
