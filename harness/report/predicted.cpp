#include "report/predicted.hpp"

#include "scenario/names.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::report {

std::string to_string(PredictionMatch match)
{
    switch (match) {
    case PredictionMatch::Matched: return "matched";
    case PredictionMatch::Exceeds: return "exceeds prediction";
    case PredictionMatch::NotObserved: return "not observed";
    case PredictionMatch::Unpredicted: return "unpredicted failure";
    }
    return "?";
}

bool PredictionComparison::agree() const
{
    return std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.match == PredictionMatch::Matched; });
}

int PredictionComparison::matched() const
{
    return static_cast<int>(
        std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.match == PredictionMatch::Matched; }));
}

PredictionComparison compare_predictions(const scenario::Scenario& sc,
                                         const std::vector<rollover::PredictedWindow>& predicted,
                                         const std::vector<FailureWindow>& windows)
{
    PredictionComparison out;
    // A window that applies to no resolver of the scenario (a root KSK roll predicts one for
    // static anchors and one for RFC 5011 resolvers) has nothing to be compared with.
    for (const auto& p : predicted) {
        auto resolvers = rollover::affected_resolvers(sc, p);
        if (resolvers.empty()) continue;
        out.predicted.push_back(p);
        out.affected.push_back(std::move(resolvers));
    }
    const Seconds g = sc.probes.every;
    const bool cold = std::any_of(out.predicted.begin(), out.predicted.end(), [](const auto& p) { return p.cold; });

    std::vector<const FailureWindow*> compared;
    for (const auto& w : windows)
        for (const auto& r : sc.resolvers)
            if (r.name == w.resolver && (scenario::is_daemon(r.kind) || cold)) compared.push_back(&w);

    auto end_of = [&](const FailureWindow& w) { return w.end ? *w.end : sc.duration; };
    auto applies = [](const std::vector<std::string>& resolvers, const FailureWindow& w) {
        return std::find(resolvers.begin(), resolvers.end(), w.resolver) != resolvers.end();
    };
    const auto& affected = out.affected;
    auto overlaps = [&](std::size_t i, const FailureWindow& w) {
        const auto& p = out.predicted[i];
        return applies(affected[i], w) && w.start < p.until + g && end_of(w) > p.from - g;
    };
    auto inside_any = [&](const FailureWindow& w) {
        for (std::size_t i = 0; i < out.predicted.size(); ++i) {
            const auto& p = out.predicted[i];
            if (applies(affected[i], w) && w.start >= p.from - g && end_of(w) <= p.until + g) return true;
        }
        return false;
    };

    for (std::size_t i = 0; i < out.predicted.size(); ++i) {
        bool seen = false;
        for (const auto* w : compared) {
            if (!overlaps(i, *w)) continue;
            seen = true;
            out.rows.push_back({out.predicted[i], i, affected[i], *w,
                                inside_any(*w) ? PredictionMatch::Matched : PredictionMatch::Exceeds});
        }
        if (!seen) out.rows.push_back({out.predicted[i], i, affected[i], std::nullopt, PredictionMatch::NotObserved});
    }
    for (const auto* w : compared) {
        bool any = false;
        for (std::size_t i = 0; i < out.predicted.size(); ++i) any = any || overlaps(i, *w);
        if (!any) out.rows.push_back({std::nullopt, 0, {}, *w, PredictionMatch::Unpredicted});
    }
    return out;
}

std::string pairing_text(Seconds probe_interval)
{
    return fmt::format("The rollover lint's predicted failure windows and the observed failure windows of the "
                       "resolvers they apply to, paired within one probe interval ({}).",
                       format_duration(probe_interval));
}

std::string span_text(Seconds from, const std::optional<Seconds>& until)
{
    return fmt::format("{} .. {}", format_offset(from), until ? format_offset(*until) : std::string("end"));
}

std::string resolvers_text(const std::vector<std::string>& resolvers)
{
    std::string out;
    for (const auto& name : resolvers) out += (out.empty() ? "" : ", ") + name;
    return out.empty() ? "no resolver" : out;
}

std::string observed_text(const std::optional<FailureWindow>& w)
{
    if (!w) return "none";
    return fmt::format("{} {} {} ({})", w->resolver, w->query.text(), span_text(w->start, w->end), w->what);
}

}  // namespace rollsim::report
