#include "scenario/resolver_matrix.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "scenario/names.hpp"
#include "scenario/parse.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rollsim::scenario {

namespace {

// The options a profile sets (ResolverOption bits); trust-anchor counts only as rfc5011, every
// daemon taking the static anchor.
unsigned options_set(const ResolverSpec& r)
{
    unsigned set = 0;
    auto mark = [&set](bool on, ResolverOption option) { set |= on ? unsigned(option) : 0u; };
    mark(r.clock_offset != Seconds(0), kOptClockOffset);
    mark(r.serve_expired.has_value(), kOptServeExpired);
    mark(r.val_sig_skew_min.has_value(), kOptValSigSkewMin);
    mark(r.val_sig_skew_max.has_value(), kOptValSigSkewMax);
    mark(r.val_bogus_ttl.has_value(), kOptValBogusTtl);
    mark(r.harden_algo_downgrade.has_value(), kOptHardenAlgoDowngrade);
    mark(r.max_nsec3_iterations.has_value(), kOptMaxNsec3Iterations);
    mark(r.add_holddown.has_value(), kOptAddHolddown);
    mark(r.del_holddown.has_value(), kOptDelHolddown);
    mark(r.start != Seconds(0), kOptStart);
    mark(!r.offline.empty(), kOptOffline);
    return set;
}

// What the parser would refuse in a file that gave `r` the kind `kind`.
void check_profile_as(const Scenario& sc, const ResolverSpec& r, ResolverKind kind)
{
    const ResolverKindRow& row = row_of(kind);
    const std::string ask = fmt::format("--resolvers cannot ask it as {}; leave {} out of --resolvers", row.name,
                                        row.name);
    auto fail = [&](const std::string& what) {
        throw ScenarioError(sc.file, r.loc.line, r.loc.column, fmt::format("resolver '{}' {}: {}", r.name, what, ask));
    };
    if (r.trust_anchor == TrustAnchorMode::Rfc5011 && !row.rfc5011)
        fail(fmt::format("follows the root's key by RFC 5011 (trust-anchor: rfc5011), which {} ({}) does not",
                         row.name, row.program));
    const unsigned refused = options_set(r) & ~row.takes;
    for (const auto& option : kResolverOptionNames)
        if (refused & option.value)
            fail(fmt::format("sets {}, which {} resolvers do not take ({} has no such setting)", option.name, row.name,
                             row.program));
    for (const auto& limit : kResolverOptionLimits)
        if (limit.kind == kind && limit.option == kOptValBogusTtl && r.val_bogus_ttl && *r.val_bogus_ttl > limit.most)
            fail(fmt::format("sets {} {}, more than {} resolvers take ({} is at most {})", to_string(limit.option),
                             format_duration(*r.val_bogus_ttl), row.name, limit.setting, format_duration(limit.most)));
}

std::string copy_name(const ResolverSpec& r, ResolverKind kind)
{
    return kind == r.kind ? r.name : r.name + "-" + std::string(to_string(kind));
}

// `expectations` with each that names `resolver` repeated for every name of `copies`.
std::vector<Expectation> repeated_for(const std::vector<Expectation>& expectations, const std::string& resolver,
                                      const std::vector<std::string>& copies)
{
    std::vector<Expectation> out;
    for (const auto& e : expectations) {
        if (e.resolver != resolver) {
            out.push_back(e);
            continue;
        }
        for (const auto& name : copies) {
            Expectation copy = e;
            copy.resolver = name;
            copy.text = expectation_text(copy);
            out.push_back(std::move(copy));
        }
    }
    return out;
}

}  // namespace

std::vector<ResolverKind> resolver_kinds_from(const std::string& text, const std::string& option)
{
    std::vector<ResolverKind> kinds;
    std::vector<std::string> daemons;
    for (const auto& row : kResolverKindNames)
        if (row.daemon) daemons.emplace_back(row.name);
    if (text == "all") {
        for (const auto& row : kResolverKindNames)
            if (row.daemon) kinds.push_back(row.value);
        return kinds;
    }
    std::size_t pos = 0;
    for (;;) {
        const std::size_t comma = text.find(',', pos);
        const std::string name = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        const auto kind = from_string<ResolverKind>(name);
        if (!kind || !is_daemon(*kind))
            throw ScenarioError(option, 0, 0, fmt::format("'{}' is not a resolver daemon kind{}; write all or a list "
                                                          "such as unbound,bind", name, did_you_mean(name, daemons)));
        if (std::find(kinds.begin(), kinds.end(), *kind) != kinds.end())
            throw ScenarioError(option, 0, 0, fmt::format("'{}' is named twice", name));
        kinds.push_back(*kind);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return kinds;
}

ResolverMatrix resolver_matrix_from(const std::string& text, const std::string& option)
{
    ResolverMatrix matrix;
    std::string kinds;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t comma = text.find(',', pos);
        const std::string name = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (name == "cold" && matrix.cold) throw ScenarioError(option, 0, 0, "'cold' is named twice");
        if (name == "cold") matrix.cold = true;
        else kinds += (kinds.empty() ? "" : ",") + name;
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    if (kinds.empty())
        throw ScenarioError(option, 0, 0, "cold asks the cold validator as cold daemons of the kinds named; name "
                                          "them too, e.g. all,cold");
    matrix.kinds = resolver_kinds_from(kinds, option);
    return matrix;
}

Scenario across_resolver_kinds(Scenario sc, const std::vector<ResolverKind>& kinds)
{
    return across_resolver_kinds(std::move(sc), ResolverMatrix{kinds, false});
}

Scenario across_resolver_kinds(Scenario sc, const ResolverMatrix& matrix)
{
    std::vector<ResolverSpec> resolvers;
    std::vector<Expectation> expectations = sc.expectations;
    for (const auto& r : sc.resolvers) {
        const bool daemon = is_daemon(r.kind);
        if (!daemon && !matrix.cold) {
            resolvers.push_back(r);
            continue;
        }
        if (!r.population.empty())
            throw ScenarioError(sc.file, r.loc.line, r.loc.column,
                                fmt::format("resolver '{}' is a population; --resolvers cannot ask its members as "
                                            "other kinds (give each kind a population of its own in the file)",
                                            r.population));
        std::vector<std::string> copies;
        if (!daemon) {  // the cold validator stays beside its cold daemons
            copies.push_back(r.name);
            resolvers.push_back(r);
        }
        for (const ResolverKind kind : matrix.kinds) {
            check_profile_as(sc, r, kind);
            ResolverSpec copy = r;
            copy.kind = kind;
            if (!daemon) copy.cache = ResolverCache::Cold;
            copy.name = copy_name(r, kind);
            for (const auto& other : sc.resolvers)
                if (other.name == copy.name && &other != &r)
                    throw ScenarioError(sc.file, r.loc.line, r.loc.column,
                                        fmt::format("resolver '{}' asked as {} would be named '{}', which another "
                                                    "resolver of the file has; rename one",
                                                    r.name, to_string(kind), copy.name));
            copies.push_back(copy.name);
            resolvers.push_back(std::move(copy));
        }
        expectations = repeated_for(expectations, r.name, copies);
    }
    sc.resolvers = std::move(resolvers);
    sc.expectations = std::move(expectations);
    return sc;
}

void apply_expectation_kinds(Scenario& sc)
{
    auto of_its_kinds = [](const Expectation& e, const ResolverSpec& r) {
        return std::find(e.kinds.begin(), e.kinds.end(), r.kind) != e.kinds.end();
    };
    std::vector<Expectation> applied;
    for (auto& e : sc.expectations) {
        // Naming no resolver and of every kind asked, it stays one, as the file has it.
        const bool every = std::all_of(sc.resolvers.begin(), sc.resolvers.end(),
                                       [&](const ResolverSpec& r) { return of_its_kinds(e, r); });
        if (e.kinds.empty() || (e.resolver.empty() && every)) {
            applied.push_back(std::move(e));
            continue;
        }
        for (const auto& r : sc.resolvers) {
            if (!of_its_kinds(e, r) || (!e.resolver.empty() && e.resolver != r.name)) continue;
            Expectation copy = e;
            copy.resolver = r.name;
            copy.text = expectation_text(copy);
            applied.push_back(std::move(copy));
        }
    }
    sc.expectations = std::move(applied);
}

}  // namespace rollsim::scenario
