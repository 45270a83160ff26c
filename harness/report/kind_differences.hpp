// Where resolver kinds differ (docs/report-format.md, "Differences between resolver kinds"): a
// run that asks several daemon kinds (a scenario naming several, or `--resolvers all`,
// docs/resolvers.md) shows, for every query, which kinds failed, from when to when and with
// which EDE and reason, and the instants at which the kinds disagreed. A pure function of the
// observations; summarize() (report/summary.hpp) computes it once and every format renders it.
//
// Disagreement compares the daemon kinds only: they keep caches filled by the same probes, so
// a difference at one instant is a difference of implementation. The cold validator
// (libunbound) starts empty at every probe; it differs from a warm daemon by cache phase as
// much as by implementation, so its failures are listed but it takes no side in a
// disagreement.
#pragma once

#include "core/time.hpp"
#include "dns/outcome.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

// What a kind's failing probes said, once per distinct (rcode, EDE, reason), in order.
struct KindSaying {
    std::string what;  // describe(): "SERVFAIL EDE 9", "bogus", "no answer"
    std::optional<dns::Ede> ede;
    std::string ede_text;
    std::string reason;  // the validator's reason, from the answer or the daemon's log
    Seconds first{0};    // the first probe that said it
};

// One failure window of one resolver (report::FailureWindow), with its kind.
struct KindFailure {
    scenario::ResolverKind kind = scenario::ResolverKind::Unbound;
    std::string resolver;
    Seconds start{0};            // first failing probe
    std::optional<Seconds> end;  // first probe answering again; nullopt = failing at the end
    int probes = 0;
    std::vector<KindSaying> sayings;
};

// Consecutive instants of a query at which the daemon kinds split the same way.
struct Disagreement {
    Seconds first{0}, last{0};
    int instants = 0;
    // Each side: an outcome ("fails", "secure", "insecure") and the kinds that had it, in the
    // order of `KindDifferences::kinds`. A kind whose resolvers had several outcomes is on each.
    struct Side {
        std::string outcome;
        std::vector<scenario::ResolverKind> kinds;
        bool operator==(const Side&) const = default;
    };
    std::vector<Side> sides;
};

struct QueryDifferences {
    scenario::Query query;
    std::vector<scenario::ResolverKind> failing;  // kinds with a failure window, in `kinds` order
    std::vector<scenario::ResolverKind> never;    // kinds asked that never failed
    std::vector<KindFailure> failures;            // by kind, then resolver, then start
    std::vector<Disagreement> disagreements;      // by time
};

struct KindDifferences {
    std::vector<scenario::ResolverKind> kinds;  // asked, in order of first observation; empty: one daemon kind
    std::vector<QueryDifferences> queries;      // in order of first observation

    // A run with one daemon kind has no section, so its reports stay as they were.
    bool empty() const { return kinds.empty(); }
};

// Empty unless the observations hold more than one daemon kind.
KindDifferences kind_differences(const std::vector<runner::Observation>& observations);

// "unbound", "bind", "knot-resolver", "pdns-recursor", "libunbound (cold)".
std::string kind_label(scenario::ResolverKind kind);
// "unbound, bind"; "none" for no kind.
std::string kinds_text(const std::vector<scenario::ResolverKind>& kinds);
// "SERVFAIL EDE 9 (DNSKEY Missing): signatures from unknown keys"; "SERVFAIL: no reason given".
std::string saying_text(const KindSaying& saying);
// "fails: unbound, bind; secure: knot-resolver".
std::string sides_text(const Disagreement& d);

}  // namespace rollsim::report
