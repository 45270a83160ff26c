#include "report/kind_differences.hpp"

#include "core/text.hpp"
#include "report/outcome_text.hpp"
#include "scenario/names.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace rollsim::report {

using runner::Observation;
using scenario::ResolverKind;

namespace {

template <typename T>
std::size_t index_of(const std::vector<T>& items, const T& item)
{
    return static_cast<std::size_t>(std::find(items.begin(), items.end(), item) - items.begin());
}

template <typename T>
void add_once(std::vector<T>& items, const T& item)
{
    if (index_of(items, item) == items.size()) items.push_back(item);
}

// One resolver's probes of one query, in time order.
struct Series {
    std::string resolver;
    ResolverKind kind;
    std::vector<const Observation*> observations;
};

void add_saying(KindFailure& f, const Observation& o)
{
    KindSaying s{describe(o), o.ede, o.ede_text, o.reason, o.offset};
    const bool seen = std::any_of(f.sayings.begin(), f.sayings.end(), [&](const KindSaying& k) {
        return k.what == s.what && k.ede == s.ede && k.ede_text == s.ede_text && k.reason == s.reason;
    });
    if (!seen) f.sayings.push_back(std::move(s));
}

// The runs of consecutive failing probes of one series.
std::vector<KindFailure> failures_of(const Series& s)
{
    std::vector<KindFailure> out;
    bool open = false;
    for (const auto* o : s.observations) {
        if (!o->failed()) {
            if (open) out.back().end = o->offset;
            open = false;
            continue;
        }
        if (!open) out.push_back({s.kind, s.resolver, o->offset, std::nullopt, 0, {}});
        open = true;
        ++out.back().probes;
        add_saying(out.back(), *o);
    }
    return out;
}

const char* outcome_class(const Observation& o)
{
    if (o.failed()) return "fails";
    return o.validation == dns::Validation::Secure ? "secure" : "insecure";
}

// How the daemon kinds split at one instant: one side per outcome, in a fixed order.
std::vector<Disagreement::Side> split(const std::vector<const Observation*>& at, const std::vector<ResolverKind>& kinds)
{
    std::vector<Disagreement::Side> sides;
    for (const char* outcome : {"fails", "secure", "insecure"}) {
        Disagreement::Side side{outcome, {}};
        for (ResolverKind k : kinds)
            for (const auto* o : at)
                if (o->kind == k && outcome_class(*o) == side.outcome) add_once(side.kinds, k);
        if (!side.kinds.empty()) sides.push_back(std::move(side));
    }
    return sides;
}

// Instants of one query at which two daemon kinds or more answered differently; consecutive
// instants with the same split become one entry.
std::vector<Disagreement> disagreements_of(const std::vector<Series>& series, const std::vector<ResolverKind>& kinds)
{
    std::map<Seconds, std::vector<const Observation*>> instants;
    for (const auto& s : series)
        if (scenario::is_daemon(s.kind))
            for (const auto* o : s.observations) instants[o->offset].push_back(o);
    std::vector<Disagreement> out;
    bool previous = false;  // the instant before disagreed
    for (const auto& [at, obs] : instants) {
        auto sides = split(obs, kinds);
        if (sides.size() < 2) {
            previous = false;
            continue;
        }
        if (previous && out.back().sides == sides) {
            out.back().last = at;
            ++out.back().instants;
        } else {
            out.push_back({at, at, 1, std::move(sides)});
        }
        previous = true;
    }
    return out;
}

QueryDifferences differences_of(const scenario::Query& query, const std::vector<Series>& series,
                                const std::vector<ResolverKind>& kinds)
{
    QueryDifferences q{query, {}, {}, {}, disagreements_of(series, kinds)};
    for (const auto& s : series)
        for (auto& f : failures_of(s)) q.failures.push_back(std::move(f));
    std::stable_sort(q.failures.begin(), q.failures.end(), [&](const KindFailure& a, const KindFailure& b) {
        return index_of(kinds, a.kind) < index_of(kinds, b.kind);
    });
    for (ResolverKind k : kinds) {
        const bool asked = std::any_of(series.begin(), series.end(), [&](const Series& s) { return s.kind == k; });
        const bool failed =
            std::any_of(q.failures.begin(), q.failures.end(), [&](const KindFailure& f) { return f.kind == k; });
        if (failed) q.failing.push_back(k);
        else if (asked) q.never.push_back(k);
    }
    return q;
}

}  // namespace

KindDifferences kind_differences(const std::vector<Observation>& observations)
{
    KindDifferences out;
    std::vector<scenario::Query> queries;
    std::vector<std::vector<Series>> series;  // per query, per resolver in order of first observation
    for (const auto& o : observations) {
        // Kinds are compared as users meet them, warm; a cold daemon answers as a cold view.
        if (scenario::is_daemon(o.kind) && !o.warm()) continue;
        add_once(out.kinds, o.kind);
        const std::size_t qi = index_of(queries, o.query);
        if (qi == queries.size()) queries.push_back(o.query), series.emplace_back();
        auto& of_query = series[qi];
        auto it = std::find_if(of_query.begin(), of_query.end(), [&](const Series& s) { return s.resolver == o.resolver; });
        if (it == of_query.end()) it = of_query.insert(of_query.end(), Series{o.resolver, o.kind, {}});
        it->observations.push_back(&o);
    }
    const auto daemons = std::count_if(out.kinds.begin(), out.kinds.end(), scenario::is_daemon);
    if (daemons < 2) return {};
    for (auto& s : series)
        for (auto& r : s)
            std::stable_sort(r.observations.begin(), r.observations.end(),
                             [](const Observation* a, const Observation* b) { return a->offset < b->offset; });
    for (std::size_t i = 0; i < queries.size(); ++i) out.queries.push_back(differences_of(queries[i], series[i], out.kinds));
    return out;
}

std::string kind_label(ResolverKind kind)
{
    const std::string name(scenario::to_string(kind));
    return scenario::is_daemon(kind) ? name : name + " (cold)";
}

std::string kinds_text(const std::vector<ResolverKind>& kinds)
{
    std::vector<std::string> names;
    for (ResolverKind k : kinds) names.push_back(kind_label(k));
    return names.empty() ? "none" : join(names, ", ");
}

std::string saying_text(const KindSaying& s)
{
    std::string out = s.what;
    if (s.ede) out += fmt::format(" ({})", dns::ede_name(*s.ede));
    return out + ": " + (s.reason.empty() ? "no reason given" : s.reason);
}

std::string sides_text(const Disagreement& d)
{
    std::vector<std::string> parts;
    for (const auto& side : d.sides) parts.push_back(side.outcome + ": " + kinds_text(side.kinds));
    return join(parts, "; ");
}

}  // namespace rollsim::report
