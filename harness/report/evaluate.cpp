#include "report/evaluate.hpp"

#include "report/predicted.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace rollsim::report {

using runner::Observation;
using runner::Validation;
using scenario::Expectation;
using scenario::Outcome;
using scenario::ResolverKind;

std::string to_string(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Secure: return "secure";
    case Outcome::Insecure: return "insecure";
    case Outcome::Servfail: return "servfail";
    case Outcome::Bogus: return "bogus";
    case Outcome::Nxdomain: return "nxdomain";
    case Outcome::Any: return "any";
    }
    return "?";
}

std::string to_string(Expectation::Kind kind)
{
    switch (kind) {
    case Expectation::Kind::Window: return "window";
    case Expectation::Kind::Otherwise: return "otherwise";
    case Expectation::Kind::NoFailures: return "no-failures";
    case Expectation::Kind::FailureWindow: return "failure-window";
    case Expectation::Kind::PredictedWindows: return "predicted-windows";
    }
    return "?";
}

bool outcome_matches(const Expectation& exp, const Observation& obs)
{
    if (exp.kind == Expectation::Kind::NoFailures) return !obs.failed();
    const bool daemon = obs.kind == ResolverKind::Unbound;
    bool ok = false;
    switch (exp.outcome) {
    case Outcome::Secure: ok = obs.validation == Validation::Secure; break;
    case Outcome::Insecure: ok = obs.validation == Validation::Insecure; break;
    case Outcome::Servfail:
        ok = daemon ? obs.rcode && *obs.rcode == "SERVFAIL" : obs.validation == Validation::Bogus;
        break;
    case Outcome::Bogus: ok = obs.validation == Validation::Bogus; break;
    case Outcome::Nxdomain: ok = obs.rcode && *obs.rcode == "NXDOMAIN"; break;
    case Outcome::Any: ok = true; break;
    }
    // EDE exists only in a daemon's answers (RFC 8914); the cold validator reports a reason.
    if (ok && exp.ede && daemon) ok = obs.ede == exp.ede;
    return ok;
}

bool covers(const Expectation& exp, const Observation& obs)
{
    if (exp.query && !(*exp.query == obs.query)) return false;
    if (!exp.resolver.empty() && exp.resolver != obs.resolver) return false;
    if (exp.from && obs.offset < *exp.from) return false;
    if (exp.until && obs.offset >= *exp.until) return false;
    return true;
}

std::string describe(const Observation& obs)
{
    if (!obs.rcode) return "no answer";
    if (obs.kind == ResolverKind::Libunbound) return runner::to_string(obs.validation);
    std::string out = *obs.rcode;
    if (obs.ad) out += " AD";
    if (obs.ede) out += fmt::format(" EDE {}", *obs.ede);
    return out;
}

namespace {

Verdict judge(const Expectation& exp, const std::vector<const Observation*>& applicable)
{
    Verdict v{&exp, true, static_cast<int>(applicable.size()), ""};
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

}  // namespace

namespace {

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
    Verdict v{&exp, false, static_cast<int>(covered.size()), ""};
    auto windows = failure_windows(covered);
    for (const auto& w : windows) {
        const Seconds length = (w.end ? *w.end : sc.duration) - w.start;
        // The cold validator has no EDE (RFC 8914 is a wire feature): only daemons' windows
        // must carry the expected code.
        bool daemon = false;
        for (const auto& o : covered)
            if (o.resolver == w.resolver) daemon = o.kind == ResolverKind::Unbound;
        const bool ede_ok = !exp.ede || !daemon || w.ede == exp.ede;
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
// predicted one, and every predicted one saw a failure, both within the probe interval.
Verdict judge_predicted_windows(const scenario::Scenario& sc, const Expectation& exp,
                                const std::vector<Observation>& observations,
                                const std::vector<rollover::PredictedWindow>& predicted)
{
    int warm = 0;
    for (const auto& o : observations) warm += o.kind == ResolverKind::Unbound ? 1 : 0;
    Verdict v{&exp, true, warm, ""};
    if (warm == 0) {
        v.pass = false;
        v.detail = "no warm (unbound) resolver was probed";
        return v;
    }
    const auto comparison = compare_predictions(sc, predicted, failure_windows(observations));
    v.pass = comparison.agree();
    auto note = [&](const std::string& text) {
        if (v.detail.find(text) == std::string::npos) v.detail += (v.detail.empty() ? "" : "; ") + text;
    };
    for (const auto& r : comparison.rows)
        if (r.observed && r.match != PredictionMatch::Matched)
            note(fmt::format("{} {} failed {}, outside every predicted window", r.observed->resolver,
                             r.observed->query.text(), span_text(r.observed->start, r.observed->end)));
    for (const auto& r : comparison.rows)
        if (r.match == PredictionMatch::NotObserved)
            note(fmt::format("predicted {} ({}), but no warm failure then",
                             span_text(r.predicted->from, r.predicted->until), r.predicted->zone));
    return v;
}

}  // namespace

std::vector<Verdict> evaluate(const scenario::Scenario& sc, const std::vector<Observation>& observations,
                              const std::vector<rollover::PredictedWindow>& predicted)
{
    std::vector<Verdict> out;
    for (const auto& exp : sc.expectations) {
        if (exp.kind == Expectation::Kind::FailureWindow) {
            out.push_back(judge_failure_window(sc, exp, observations));
            continue;
        }
        if (exp.kind == Expectation::Kind::PredictedWindows) {
            out.push_back(judge_predicted_windows(sc, exp, observations, predicted));
            continue;
        }
        std::vector<const Observation*> applicable;
        for (const auto& o : observations) {
            if (exp.kind == Expectation::Kind::Window || exp.kind == Expectation::Kind::NoFailures) {
                if (covers(exp, o)) applicable.push_back(&o);
                continue;
            }
            bool claimed = false;  // `otherwise`: what no window expectation speaks about
            for (const auto& other : sc.expectations)
                if (other.kind == Expectation::Kind::Window && covers(other, o)) claimed = true;
            if (!claimed) applicable.push_back(&o);
        }
        out.push_back(judge(exp, applicable));
    }
    return out;
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
