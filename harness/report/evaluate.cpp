#include "report/evaluate.hpp"

#include "report/expectation_id.hpp"
#include "report/outcome_summary.hpp"
#include "report/population.hpp"
#include "report/predicted.hpp"
#include "report/zone_summary.hpp"
#include "scenario/names.hpp"
#include "scenario/population.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace rollsim::report {

using runner::Observation;
using runner::Validation;
using scenario::Expectation;
using scenario::Outcome;
using scenario::ResolverKind;

namespace {

// The name an enum value has in the scenario format.
template <typename Enum, std::size_t N>
std::string name_of(const std::pair<Enum, const char*> (&names)[N], Enum value)
{
    for (const auto& [v, name] : names)
        if (v == value) return name;
    return "?";
}

}  // namespace

std::string to_string(Outcome outcome)
{
    static constexpr std::pair<Outcome, const char*> kNames[] = {
        {Outcome::Secure, "secure"}, {Outcome::Insecure, "insecure"}, {Outcome::Servfail, "servfail"},
        {Outcome::Bogus, "bogus"},   {Outcome::Nxdomain, "nxdomain"}, {Outcome::Any, "any"}};
    return name_of(kNames, outcome);
}

std::string to_string(Expectation::Kind kind)
{
    using Kind = Expectation::Kind;
    static constexpr std::pair<Kind, const char*> kNames[] = {{Kind::Window, "window"},
                                                              {Kind::Otherwise, "otherwise"},
                                                              {Kind::NoFailures, "no-failures"},
                                                              {Kind::FailureWindow, "failure-window"},
                                                              {Kind::PredictedWindows, "predicted-windows"},
                                                              {Kind::Monitor, "monitor"},
                                                              {Kind::ShareFailing, "share-failing"},
                                                              {Kind::FailingZones, "failing-zones"}};
    return name_of(kNames, kind);
}

bool outcome_matches(const Expectation& exp, const Observation& obs)
{
    if (exp.kind == Expectation::Kind::NoFailures) return !obs.failed();
    const bool daemon = scenario::is_daemon(obs.kind);
    bool ok = false;
    switch (exp.outcome) {
    case Outcome::Secure: ok = obs.validation == Validation::Secure; break;
    case Outcome::Insecure: ok = obs.validation == Validation::Insecure; break;
    case Outcome::Servfail:
        ok = daemon ? obs.rcode == dns::Rcode::ServFail : obs.validation == Validation::Bogus;
        break;
    case Outcome::Bogus: ok = obs.validation == Validation::Bogus; break;
    case Outcome::Nxdomain: ok = obs.rcode == dns::Rcode::NxDomain; break;
    case Outcome::Any: ok = true; break;
    }
    // EDE exists only in a daemon's answers (RFC 8914), and not in every daemon's: the cold
    // validator reports a reason, and named 9.18 says why only in its log.
    if (ok && exp.ede && scenario::row_of(obs.kind).dnssec_ede) ok = dns::ede_code(obs.ede) == exp.ede;
    return ok;
}

bool covers(const Expectation& exp, const Observation& obs)
{
    if (exp.query && !(*exp.query == obs.query)) return false;
    if (!scenario::resolver_named(exp.resolver, obs.resolver)) return false;
    if (exp.from && obs.offset < *exp.from) return false;
    if (exp.until && obs.offset >= *exp.until) return false;
    return true;
}

namespace {

Verdict judge(const Expectation& exp, const std::vector<const Observation*>& applicable)
{
    Verdict v{&exp, true, static_cast<int>(applicable.size()), "", ""};
    if (applicable.empty()) {
        v.pass = false;
        v.detail = "no probe fell under this expectation";
        return v;
    }
    int shown = 0, bad = 0;
    for (const auto* o : applicable) {
        if (outcome_matches(exp, *o)) continue;
        v.pass = false;
        ++bad;
        if (shown < 3) {
            if (!v.detail.empty()) v.detail += "; ";
            v.detail += fmt::format("{} {} {}: {}", format_offset(o->offset), o->resolver, o->query.text(), describe(*o));
            if (!o->reason.empty()) v.detail += fmt::format(" ({})", o->reason);
            ++shown;
        }
    }
    if (bad > shown) v.detail += fmt::format("; and {} more", bad - shown);
    return v;
}

bool within(Seconds v, const std::optional<Seconds>& lo, const std::optional<Seconds>& hi)
{
    return (!lo || v >= *lo) && (!hi || v <= *hi);
}

// FailureWindow: at least one failure window of the covered series fits the bounds.
Verdict judge_failure_window(const scenario::Scenario& sc, const Expectation& exp,
                             const std::vector<Observation>& observations)
{
    std::vector<Observation> covered;
    for (const auto& o : observations)
        if (covers(exp, o)) covered.push_back(o);
    Verdict v{&exp, false, static_cast<int>(covered.size()), "", ""};
    auto windows = failure_windows(covered);
    for (const auto& w : windows) {
        const Seconds length = (w.end ? *w.end : sc.duration) - w.start;
        // The cold validator has no EDE (RFC 8914 is a wire feature), nor does named 9.18: only
        // the windows of daemons that report DNSSEC EDEs must carry the expected code.
        bool reports_ede = false;
        for (const auto& o : covered)
            if (o.resolver == w.resolver) reports_ede = scenario::row_of(o.kind).dnssec_ede;
        const bool ede_ok = !exp.ede || !reports_ede || dns::ede_code(w.ede) == exp.ede;
        const bool fits = within(w.start, exp.start_min, exp.start_max) &&
                          within(length, exp.length_min, exp.length_max) && ede_ok;
        if (fits) {
            v.pass = true;
            return v;
        }
        if (!v.detail.empty()) v.detail += "; ";
        v.detail += fmt::format("{} {} failed from {} for {} ({})", w.resolver, w.query.text(), format_offset(w.start),
                                format_duration(length), w.what);
    }
    if (windows.empty()) v.detail = "no failure window";
    return v;
}

// PredictedWindows: the rollover lint's predicted windows and the failure windows of the
// resolvers each applies to agree (report/predicted.hpp): every observed one lies within a
// predicted one, and every predicted one saw a failure or could not have (its worst case no
// cache of these resolvers straddled), both within the probe interval.
Verdict judge_predicted_windows(const Expectation& exp, const PredictionComparison& comparison,
                                const std::vector<Observation>& observations)
{
    int warm = 0;
    for (const auto& o : observations) warm += o.warm() ? 1 : 0;
    Verdict v{&exp, true, warm, "", ""};
    if (warm == 0) {
        v.pass = false;
        v.detail = "no warm (unbound) resolver was probed";
        return v;
    }
    v.pass = comparison.agree();
    auto note = [&](const std::string& text) {
        if (v.detail.find(text) == std::string::npos) v.detail += (v.detail.empty() ? "" : "; ") + text;
    };
    for (const auto& r : comparison.rows)
        if (r.observed && r.match != PredictionMatch::Matched)
            note(fmt::format("{} {} failed {}, outside every predicted window", r.observed->resolver,
                             r.observed->query.text(), span_text(r.observed->start, r.observed->end)));
    // A window that could have been observed but was not fails; one that no cache of these
    // resolvers could straddle passes, said as the worst case it is.
    for (const auto& r : comparison.rows) {
        if (r.match != PredictionMatch::NotObserved && r.match != PredictionMatch::NotObservable) continue;
        const std::string why = unobserved_text(r);
        note(fmt::format("predicted {} ({}), {}{}", span_text(r.predicted->from, r.predicted->until), r.predicted->zone,
                         r.match == PredictionMatch::NotObserved ? "but no warm failure then" : "not observable",
                         why.empty() ? "" : " (" + why + ")"));
    }
    return v;
}

// ShareFailing: the largest share of the population's members failing at once, over each query
// covered, against the bound (report/population.hpp).
Verdict judge_share_failing(const scenario::Scenario& sc, const Expectation& exp,
                            const std::vector<Observation>& observations)
{
    int covered = 0;
    for (const auto& o : observations) covered += covers(exp, o) ? 1 : 0;
    Verdict v{&exp, covered > 0, covered, covered ? "" : "no probe fell under this expectation", ""};
    for (const auto& p : population_shares(sc, observations)) {
        if (p.population != exp.resolver) continue;
        for (const auto& q : p.queries) {
            if (exp.query && !(*exp.query == q.query)) continue;
            const int peak = peak_percent_within(q, exp.from, exp.until);
            const bool ok = exp.share_at_least ? peak >= *exp.share_at_least : peak <= exp.share_at_most.value_or(100);
            v.pass = v.pass && ok;
            if (!v.detail.empty()) v.detail += "; ";
            v.detail += fmt::format("{}: at most {}% of {} failing at once", q.query.text(), peak, p.population);
        }
    }
    return v;
}

}  // namespace

std::vector<Verdict> evaluate(const scenario::Scenario& sc, const PredictionComparison& comparison,
                              const std::vector<Observation>& observations)
{
    std::vector<Verdict> out;
    for (const auto& exp : sc.expectations) {
        if (exp.kind == Expectation::Kind::FailureWindow)
            out.push_back(judge_failure_window(sc, exp, observations));
        else if (exp.kind == Expectation::Kind::PredictedWindows)
            out.push_back(judge_predicted_windows(exp, comparison, observations));
        else if (exp.kind == Expectation::Kind::ShareFailing)
            out.push_back(judge_share_failing(sc, exp, observations));
        else if (exp.kind == Expectation::Kind::FailingZones)
            out.push_back(judge_failing_zones(sc, exp, observations));
        else if (exp.kind == Expectation::Kind::Monitor)
            out.push_back({&exp, false, 0, "judged by the monitors' lead times (report/monitor_leads.hpp)", ""});
        else
            out.push_back(judge(exp, applicable_observations(sc, exp, observations)));
    }
    const auto ids = expectation_ids(sc.expectations);
    for (std::size_t i = 0; i < out.size(); ++i) out[i].id = ids[i];
    return out;
}

std::vector<Verdict> evaluate(const scenario::Scenario& sc, const std::vector<rollover::PredictedWindow>& predicted,
                              const std::vector<Observation>& observations)
{
    return evaluate(sc, compare_predictions(sc, predicted, failure_windows(observations), observations), observations);
}

std::vector<FailureWindow> failure_windows(const std::vector<Observation>& observations)
{
    // Observations arrive in time order; group them per resolver and query.
    std::map<std::pair<std::string, scenario::Query>, std::vector<const Observation*>> series;
    for (const auto& o : observations) series[{o.resolver, o.query}].push_back(&o);
    std::vector<FailureWindow> out;
    for (const auto& [key, list] : series) {
        std::optional<FailureWindow> open;
        for (const auto* o : list) {
            if (o->failed()) {
                if (!open) {
                    open = FailureWindow{key.first, key.second, o->offset, std::nullopt, o->offset, 0,
                                         describe(*o), o->rcode,  o->ede,      o->ede_text, o->reason};
                }
                open->last_failure = o->offset;
                ++open->probes;
            } else if (open) {
                open->end = o->offset;
                out.push_back(*open);
                open.reset();
            }
        }
        if (open) out.push_back(*open);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    return out;
}

}  // namespace rollsim::report
