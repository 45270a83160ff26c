// Resolvers and probes (scenario/parser.hpp): each resolver's kind, Unbound profile options,
// trust anchor and lifecycle (start, offline spans), with the defaults (a warm Unbound and a
// cold libunbound validator) when the file lists none; the probed queries and their interval.
#include "scenario/parser.hpp"

#include "core/text.hpp"
#include "scenario/population.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace rollsim::scenario::detail {

namespace {

// Daemons of one kind a lab runs at most (their addresses are 127.54.0.N).
constexpr int kMaxDaemonsOfAKind = 4;
// Unbound's default for the signature-skew window's upper end (val-sig-skew-max).
constexpr Seconds kUnboundSkewMax{86400};

}  // namespace

void Parser::parse_resolvers(const Field* f)
{
    if (!f || f->value.IsScalar() || f->value.IsSequence()) {
        if (f) m_scenario.resolvers_as = parse_resolver_matrix(*f);
        for (auto [name, kind] : {std::pair{"warm", ResolverKind::Unbound}, std::pair{"cold", ResolverKind::Libunbound}}) {
            ResolverSpec spec;
            spec.name = name;
            spec.kind = kind;
            spec.loc = {m_file, 0, 0};
            m_scenario.resolvers.push_back(spec);
        }
        return;
    }
    auto list = entries(f->value, "resolvers", loc(*f));
    if (list.empty()) fail(loc(*f), "resolvers is empty; list at least one, e.g. 'warm: { kind: unbound }'");
    std::map<ResolverKind, int> daemons;
    int daemon_count = 0;  // the lab's daemon resolvers so far, members of populations included
    for (const auto& r : list) {
        ResolverSpec spec;
        spec.name = r.name;
        spec.loc = key_loc(r);
        bool ok = !r.name.empty() && r.name.size() <= 32;
        for (char c : r.name)
            ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                        c == '-' || c == '_');
        if (!ok)
            fail(spec.loc, fmt::format("bad resolver name '{}': use up to 32 lower-case letters, digits, '-' and '_'",
                                       r.name));
        const std::string context = fmt::format("resolver '{}'", r.name);
        Fields rf = fields(r.value, context, spec.loc, kResolverFields);
        const Field* kind = rf.find("kind");
        if (!kind) missing(r.value.IsNull() ? spec.loc : loc(r.value), "kind", context, "kind: unbound");
        spec.kind = choice<ResolverKind>(*kind, "resolver kind");
        if (is_daemon(spec.kind) && ++daemons[spec.kind] > kMaxDaemonsOfAKind)
            fail(spec.loc, fmt::format("at most {} {} resolvers are supported; remove '{}'", kMaxDaemonsOfAKind,
                                       to_string(spec.kind), r.name));
        if (is_daemon(spec.kind)) refuse_options_of_other_kinds(rf, spec);

        // Profile options. serve-expired and val-bogus-ttl are about a cache across probes, which only
        // the daemon keeps.
        for (std::string_view daemon_only : {"serve-expired", "val-bogus-ttl"})
            if (const Field* o = rf.find(daemon_only); o && spec.kind == ResolverKind::Libunbound)
                fail(key_loc(*o), fmt::format("{} applies only to unbound resolvers; '{}' is libunbound, a fresh "
                                              "validator at every probe with no cache to keep (remove {}, or make "
                                              "it kind: unbound)", daemon_only, r.name, daemon_only));
        if (const Field* o = rf.find("clock-offset")) spec.clock_offset = signed_duration(*o);
        if (const Field* o = rf.find("serve-expired")) spec.serve_expired = boolean(*o);
        if (const Field* o = rf.find("val-sig-skew-min")) spec.val_sig_skew_min = duration(*o);
        if (const Field* o = rf.find("val-sig-skew-max")) spec.val_sig_skew_max = duration(*o);
        if (const Field* o = rf.find("val-bogus-ttl")) spec.val_bogus_ttl = duration(*o);
        if (const Field* o = rf.find("harden-algo-downgrade")) spec.harden_algo_downgrade = boolean(*o);
        if (const Field* o = rf.find("max-nsec3-iterations")) spec.max_nsec3_iterations = int(integer(*o, 0, 65535));
        check_option_limits(rf, spec);
        parse_resolver_lifecycle(rf, spec);
        parse_resolver_cache(rf, spec);
        if (const Field* o = rf.find("probes")) spec.probes = parse_resolver_probes(*o, spec.name);
        if (const Field* o = rf.find("population")) parse_population(*o, rf, spec, daemon_count);
        if (is_daemon(spec.kind)) daemon_count += std::max(spec.population_size, 1);
        // Unbound clamps the allowance to min, then to max: a min above the max would be ignored.
        if (spec.val_sig_skew_min) {
            const Seconds hi = spec.val_sig_skew_max.value_or(kUnboundSkewMax);
            if (*spec.val_sig_skew_min > hi) {
                const Field* at = spec.val_sig_skew_max ? rf.find("val-sig-skew-max") : rf.find("val-sig-skew-min");
                fail(loc(*at), fmt::format("val-sig-skew-min ({}) must not be longer than val-sig-skew-max ({}{}): "
                                           "Unbound would cap the allowance at {}{}",
                                           format_duration(*spec.val_sig_skew_min), format_duration(hi),
                                           spec.val_sig_skew_max ? "" : ", Unbound's default", format_duration(hi),
                                           spec.val_sig_skew_max ? "" : "; raise val-sig-skew-max too"));
            }
        }
        m_scenario.resolvers.push_back(spec);
    }
}

// `resolvers: all`, or a list of daemon kinds with perhaps `all` and `cold`: the default resolvers
// asked as each kind (scenario/resolver_matrix.hpp), as `--resolvers` would.
ResolverMatrix Parser::parse_resolver_matrix(const Field& f) const
{
    std::vector<std::string> words{"all", "cold"};
    for (const auto& row : kResolverKindNames)
        if (row.daemon) words.emplace_back(row.name);
    const std::string shape = "all, or a list of kinds such as [unbound, bind] (add cold to ask the cold validator as "
                              "cold daemons too)";
    std::vector<YAML::Node> list;
    if (f.value.IsScalar()) list.push_back(f.value);
    else for (const auto& item : f.value) list.push_back(item);
    if (list.empty()) fail(loc(f), "resolvers is empty; write " + shape);
    ResolverMatrix matrix;
    bool all = false;
    auto add = [&](ResolverKind kind, const YAML::Node& at) {
        if (std::find(matrix.kinds.begin(), matrix.kinds.end(), kind) != matrix.kinds.end())
            fail(loc(at), fmt::format("{} is named twice in resolvers ({}); name each kind once", to_string(kind),
                                      all ? "all names every daemon kind" : "remove one"));
        matrix.kinds.push_back(kind);
    };
    for (const auto& item : list) {
        if (!item.IsScalar()) fail(loc(item), fmt::format("resolvers must be {}, not {}", shape, describe(item)));
        const std::string word = to_lower(item.Scalar());
        const auto kind = from_string<ResolverKind>(word);
        if (word == "all") {
            all = true;
            for (const auto& row : kResolverKindNames)
                if (row.daemon) add(row.value, item);
        } else if (word == "cold") {
            if (matrix.cold) fail(loc(item), "cold is named twice in resolvers; remove one");
            matrix.cold = true;
        } else if (kind && !is_daemon(*kind)) {
            fail(loc(item), fmt::format("{} in resolvers: the cold validator is among the default resolvers "
                                        "already; write cold to ask it as cold daemons of each kind too", word));
        } else if (!kind) {
            fail(loc(item), fmt::format("unknown resolver kind '{}' in resolvers{}; write {}", item.Scalar(),
                                        suggest(item.Scalar(), words), shape));
        } else {
            add(*kind, item);
        }
    }
    if (matrix.kinds.empty())
        fail(loc(f), "resolvers names cold but no kind to ask it as; add the kinds, e.g. [all, cold]");
    return matrix;
}

// population: N (scenario/population.hpp): on a daemon resolver, 2 to kMostPopulationMembers
// members, the lab's daemons in all at most kMostDaemonResolvers, and no probes: at, which would
// ask every member at the same instants.
void Parser::parse_population(const Field& f, const Fields& rf, ResolverSpec& spec, int daemons) const
{
    if (!is_daemon(spec.kind))
        fail(key_loc(f), fmt::format("population applies only to daemon resolvers; '{}' is {}, a fresh validator at "
                                     "every probe, with no cache to fill at a moment of its own (remove population, "
                                     "or make it kind: unbound)", spec.name, to_string(spec.kind)));
    if (spec.cache == ResolverCache::Cold)
        fail(key_loc(f), fmt::format("population applies to warm daemons; '{}' has cache: cold, emptied before every "
                                     "question, so no member would keep what it cached at its own moment (remove "
                                     "population, or cache: cold)", spec.name));
    const std::string text = scalar(f);
    const auto parsed = parse_integer(text);
    if (!parsed) fail(loc(f), fmt::format("population must be a whole number of members such as 20, not '{}'", text));
    const long long n = *parsed;
    if (n < 2 || n > kMostPopulationMembers)
        fail(loc(f), fmt::format("population {} is {}: a population has 2 to {} members, each a daemon of its own "
                                 "(write population: 20{})", n, n < 2 ? "too small" : "too many",
                                 kMostPopulationMembers, n < 2 ? ", or remove population for one resolver" : ""));
    if (daemons + n > kMostDaemonResolvers)
        fail(loc(f), fmt::format("population {} makes {} daemon resolvers in the lab, more than {}; lower it to {} "
                                 "or fewer", n, daemons + n, kMostDaemonResolvers, kMostDaemonResolvers - daemons));
    if (spec.probes && !spec.probes->at.empty())
        fail(key_loc(*rf.find("probes")),
             fmt::format("the members of population '{}' are asked each from its own phase, every interval; probes: "
                         "at would ask them all at the same instants (remove at; probes: {{ every: 10m }} sets the "
                         "interval)", spec.name));
    spec.population_size = static_cast<int>(n);
}

// A daemon kind takes the options that map onto a setting of its own program (the kind's row
// in kResolverKindNames); any other is refused, naming the kind and the kinds that take it.
void Parser::refuse_options_of_other_kinds(const Fields& rf, const ResolverSpec& spec) const
{
    const ResolverKindRow& kind = row_of(spec.kind);
    for (const auto& option : kResolverOptionNames) {
        const Field* o = rf.find(option.name);
        if (!o || (kind.takes & option.value)) continue;
        std::vector<std::string> takers;
        for (const auto& other : kResolverKindNames)
            if (other.takes & option.value) takers.emplace_back(other.name);
        fail(key_loc(*o), fmt::format("{} does not apply to {} resolvers: {} has no such setting (remove {} from "
                                      "'{}'; the kinds that take it: {})",
                                      option.name, kind.name, kind.program, option.name, spec.name, join(takers, ", ")));
    }
}

// An option whose setting in the kind's program takes less than a scenario may write.
void Parser::check_option_limits(const Fields& rf, const ResolverSpec& spec) const
{
    for (const auto& limit : kResolverOptionLimits) {
        if (limit.kind != spec.kind) continue;
        const std::string_view name = to_string(limit.option);
        const Field* o = rf.find(name);
        if (o && duration(*o) > limit.most)
            fail(loc(*o), fmt::format("{} {} is more than {} resolvers take: {} is at most {} (write {} or less)", name,
                                      format_duration(duration(*o)), to_string(spec.kind), limit.setting,
                                      format_duration(limit.most), format_duration(limit.most)));
    }
}

// trust-anchor, add-holddown, del-holddown, start, offline: a daemon's anchor and when it runs.
void Parser::parse_resolver_lifecycle(const Fields& rf, ResolverSpec& spec)
{
    const std::string& name = spec.name;
    for (std::string_view daemon_only : {"trust-anchor", "add-holddown", "del-holddown", "start", "offline"})
        if (const Field* o = rf.find(daemon_only); o && spec.kind == ResolverKind::Libunbound)
            fail(key_loc(*o), fmt::format("{} applies only to unbound resolvers; '{}' is libunbound, a fresh "
                                          "validator at every probe that uses the anchor published at that instant "
                                          "(remove {}, or make it kind: unbound)", daemon_only, name, daemon_only));
    if (const Field* o = rf.find("trust-anchor")) {
        spec.trust_anchor = choice<TrustAnchorMode>(*o, "trust-anchor");
        if (spec.trust_anchor == TrustAnchorMode::Rfc5011 && !row_of(spec.kind).rfc5011) {
            std::vector<std::string> followers;
            for (const auto& kind : kResolverKindNames)
                if (kind.rfc5011) followers.emplace_back(kind.name);
            fail(loc(*o), fmt::format("trust-anchor: rfc5011 applies only to {} resolvers; '{}' is {} ({}), which "
                                      "keeps the static anchor it was installed with (write trust-anchor: static, or "
                                      "make it kind: {})",
                                      join(followers, ", "), name, to_string(spec.kind), row_of(spec.kind).program,
                                      followers.front()));
        }
    }
    for (std::string_view holddown : {"add-holddown", "del-holddown"}) {
        const Field* o = rf.find(holddown);
        if (!o) continue;
        if (spec.trust_anchor != TrustAnchorMode::Rfc5011)
            fail(key_loc(*o), fmt::format("{} applies to RFC 5011 anchors; resolver '{}' has a static anchor (add "
                                          "'trust-anchor: rfc5011', or remove {})", holddown, name, holddown));
        (holddown == "add-holddown" ? spec.add_holddown : spec.del_holddown) = duration(*o);
    }
    if (const Field* o = rf.find("start")) spec.start = time(*o);
    if (const Field* o = rf.find("offline")) {
        for (const auto& item : items(*o, "a list such as '[{ from: +5d, until: +45d }]'")) {
            const SourceLoc at = loc(item);
            Fields sf = item_fields(item, at, "offline span", "'{ from: +5d, until: +45d }'", kOfflineFields);
            const Field* from = sf.find("from");
            if (!from) missing(at, "from", "offline span", "from: +5d");
            const Field* until = sf.find("until");
            if (!until) missing(at, "until", "offline span", "until: +45d");
            OfflineSpan span{time(*from), time(*until)};
            if (span.until <= span.from)
                fail(loc(*until), fmt::format("until ({}) must be after from ({})", format_offset(span.until),
                                              format_offset(span.from)));
            if (span.from <= spec.start)
                fail(loc(*from), fmt::format("offline span from {} is not after the resolver's start ({}); a daemon "
                                             "goes offline only once it runs (use start: instead)",
                                             format_offset(span.from), format_offset(spec.start)));
            if (!spec.offline.empty() && span.from <= spec.offline.back().until)
                fail(loc(*from), fmt::format("offline span from {} overlaps or touches the previous one (until {}); "
                                             "list spans in order and merge touching ones",
                                             format_offset(span.from), format_offset(spec.offline.back().until)));
            spec.offline.push_back(span);
        }
    }
}

// cache: warm | cold (daemons). A cold daemon's cache is emptied before every question, so the
// options that act on what a cache keeps between probes have nothing to act on.
void Parser::parse_resolver_cache(const Fields& rf, ResolverSpec& spec) const
{
    const Field* o = rf.find("cache");
    if (!o) return;
    if (!is_daemon(spec.kind))
        fail(key_loc(*o), fmt::format("cache applies to daemon resolvers; '{}' is {}, a fresh validator at every "
                                      "probe, cold already (remove cache, or make it a daemon such as kind: unbound)",
                                      spec.name, to_string(spec.kind)));
    spec.cache = choice<ResolverCache>(*o, "cache");
    if (spec.cache != ResolverCache::Cold) return;
    for (std::string_view kept : {"serve-expired", "val-bogus-ttl", "trust-anchor"}) {
        const Field* k = rf.find(kept);
        if (!k || (kept == "trust-anchor" && spec.trust_anchor != TrustAnchorMode::Rfc5011)) continue;
        const std::string what = kept == "trust-anchor" ? "trust-anchor: rfc5011" : std::string(kept);
        fail(key_loc(*k), fmt::format("{} acts on what a daemon keeps between probes; '{}' has cache: cold, emptied "
                                      "before every question (remove {}, or make it cache: warm)",
                                      what, spec.name, what));
    }
}

void Parser::parse_probes(const Field& f)
{
    if (!f.value.IsMap())
        fail(loc(f), fmt::format("probes must be a map such as '{{ every: 1h, names: [www.example.com. A] }}', not {}",
                                 describe(f.value)));
    Fields p = fields(f.value, "probes", loc(f), kProbeFields);
    if (const Field* e = p.find("every")) m_scenario.probes.every = probe_every(*e);
    if (const Field* a = p.find("at")) m_scenario.probes.at = probe_times(*a);
    if (const Field* c = p.find("critical")) m_scenario.probes.critical = choice<CriticalProbes>(*c, "critical");
    const Field* names = p.find("names");
    if (!names) missing(loc(f.value), "names", "probes", "names: [www.example.com. A]");
    std::set<Query> seen;
    for (const auto& item : items(*names, "a list of queries such as [www.example.com. A]")) {
        const SourceLoc at = loc(item);
        if (!item.IsScalar())
            fail(at,
                 fmt::format("each probe name must be a query such as 'www.example.com. A', not {}", describe(item)));
        // A pattern ("www.shop{1..1000}.com. A") stands for one query per name.
        for (const auto& text : expand(item.Scalar(), at)) {
            Query q = query(text, at);
            if (!seen.insert(q).second) fail(at, fmt::format("query '{}' is listed twice; remove one", q.text()));
            m_scenario.probes.queries.push_back(std::move(q));
        }
    }
    if (m_scenario.probes.queries.empty())
        fail(loc(*names), "names is empty; list at least one query, e.g. 'www.example.com. A'");
}

Seconds Parser::probe_every(const Field& f) const
{
    const Seconds every = duration(f);
    if (every.count() <= 0) fail(loc(f), "every must be longer than 0s");
    return every;
}

// A list of instants (times, checked against the duration like every other time of the file).
std::vector<Seconds> Parser::probe_times(const Field& f)
{
    std::vector<Seconds> out;
    for (const auto& item : items(f, "a list of times such as [+0, +400s]")) {
        if (!item.IsScalar())
            fail(loc(item), fmt::format("each instant of at must be a time such as +400s, not {}", describe(item)));
        out.push_back(time(Field{"at", f.key, item}));
    }
    if (out.empty()) fail(loc(f), "at is empty; list the instants to probe at, e.g. [+0, +400s]");
    return out;
}

// A resolver's own schedule: `every`, `at`, or both; it is then asked at those instants only.
ResolverProbes Parser::parse_resolver_probes(const Field& f, const std::string& resolver)
{
    const std::string context = fmt::format("the probes of resolver '{}'", resolver);
    if (!f.value.IsMap())
        fail(loc(f), fmt::format("{} must be a map such as '{{ at: [+0, +400s] }}' or '{{ every: 10m }}', not {}",
                                 context, describe(f.value)));
    Fields p = fields(f.value, context, loc(f), kResolverProbeFields);
    ResolverProbes out;
    if (const Field* e = p.find("every")) out.every = probe_every(*e);
    if (const Field* a = p.find("at")) out.at = probe_times(*a);
    if (!out.every && out.at.empty())
        fail(loc(f), fmt::format("{} is empty; give at: [...] or every: (e.g. 'probes: {{ at: [+0, +400s] }}')",
                                 context));
    return out;
}

}  // namespace rollsim::scenario::detail
