// Expectations (scenario/parser.hpp): outcome windows, otherwise, no-failures, failure-window
// with its bounds, predicted-windows, each with the query, resolver and span it covers, and the
// text reports show for it.
#include "dns/names.hpp"
#include "scenario/parse.hpp"
#include "scenario/parser.hpp"
#include "scenario/pattern.hpp"
#include "scenario/text.hpp"

namespace rollsim::scenario {

std::string expectation_text(const Expectation& e)
{
    using Kind = Expectation::Kind;
    const std::string outcome(to_string(e.outcome));
    if (e.kind == Kind::Otherwise) return "otherwise: " + outcome;
    if (e.kind == Kind::PredictedWindows) return "failure windows match the rollover lint's predicted windows";
    if (e.kind == Kind::Monitor) return detail::monitor_expectation_text(e);
    if (e.kind == Kind::FailingZones) {
        const std::string where = e.resolver.empty() ? "" : " on " + e.resolver;
        if (e.failing_zones.empty()) return "no zone fails" + where;
        // The zones themselves while few, else the first three and a count.
        const std::size_t n = e.failing_zones.size(), shown = n > 4 ? 3 : n;
        const std::vector<std::string> first(e.failing_zones.begin(), e.failing_zones.begin() + shown);
        return fmt::format("exactly {} zone{} fail{}{}: {}{}", n, n == 1 ? "" : "s", n == 1 ? "s" : "", where,
                           join(first, ", "), n > shown ? fmt::format(" and {} more", n - shown) : "");
    }
    std::string out = e.query ? e.query->text() : "every query";
    out += e.resolver.empty() ? " on every resolver" : " on " + e.resolver;
    if (e.from) out += " from " + format_offset(*e.from);
    if (e.until) out += " until " + format_offset(*e.until);
    if (e.kind == Kind::NoFailures) return out + ": no failures";
    if (e.kind == Kind::ShareFailing)
        return out + fmt::format(": {} {}% of the members failing at once", e.share_at_least ? "at least" : "at most",
                                 e.share_at_least ? *e.share_at_least : e.share_at_most.value_or(0));
    if (e.kind == Kind::FailureWindow) {
        out += ": a failure window";
        if (e.start_min && e.start_max)
            out += fmt::format(" starting between {} and {}", format_offset(*e.start_min), format_offset(*e.start_max));
        if (e.start_min && e.length_min) out += ",";
        if (e.length_min && e.length_max)
            out += fmt::format(" lasting between {} and {}", format_duration(*e.length_min),
                               format_duration(*e.length_max));
    } else {
        out += ": " + outcome;
    }
    if (e.ede) out += fmt::format(" (EDE {})", *e.ede);
    return out;
}

namespace detail {

void Parser::parse_expectations(const Field& f)
{
    if (f.value.IsNull()) return;
    std::optional<SourceLoc> otherwise_seen;
    std::map<std::string, int> id_lines;
    for (const auto& item : items(f, "a list such as '- { otherwise: secure }'")) {
        for (auto& e : per_query(parse_expectation(item, otherwise_seen), item)) {
            if (!e.id.empty() && !id_lines.emplace(e.id, e.loc.line).second)
                fail(e.loc, fmt::format("id '{}' is already the id of the expectation at line {}; give each its own",
                                        e.id, id_lines.at(e.id)));
            m_scenario.expectations.push_back(std::move(e));
        }
    }
}

// An expectation whose query is a pattern ("www.shop{1..100}.com. A") holds for each query it
// names: one expectation per query, each named by its text, its id (if any) followed by the
// query's name so that each stays unique.
std::vector<Expectation> Parser::per_query(Expectation e, const YAML::Node& node) const
{
    std::optional<Field> q = pattern_field(node, "query");
    if (!q) q = pattern_field(node, "failure-window");
    if (!q) return {std::move(e)};
    std::vector<Expectation> out;
    for (const auto& text : expand(scalar(*q), loc(*q))) {
        Expectation one = e;
        one.query = probed_query(*q, text);
        if (!e.id.empty()) one.id = fmt::format("{} {}", e.id, one.query->qname);
        one.text = expectation_text(one);
        out.push_back(std::move(one));
    }
    return out;
}

const ResolverSpec* Parser::resolver_ref(const Field& f) const
{
    const std::string name = scalar(f);
    std::vector<std::string> names;
    for (const auto& spec : m_scenario.resolvers) {
        if (spec.name == name) return &spec;
        names.push_back(spec.name);
    }
    fail(loc(f), fmt::format("resolver '{}' is not defined{}", name, suggest(name, names)));
}

std::optional<Query> Parser::probed_query(const Field& f, const std::string& text) const
{
    // A pattern: its first query here; per_query() makes one expectation for each.
    Query q = query(is_pattern(text) ? expand(text, loc(f)).front() : text, loc(f));
    const auto& probed = m_scenario.probes.queries;
    if (std::find(probed.begin(), probed.end(), q) == probed.end())
        fail(loc(f), fmt::format("query '{}' is not probed; add it to probes.names", q.text()));
    return q;
}

void Parser::parse_ede(const Field& x, Expectation& e, const ResolverSpec* resolver) const
{
    e.ede = int(integer(x, 0, 65535));
    if (e.kind == Expectation::Kind::Window && e.outcome != Outcome::Servfail && e.outcome != Outcome::Bogus)
        fail(key_loc(x), fmt::format("ede applies only to servfail and bogus outcomes (resolvers attach EDE to "
                                     "SERVFAIL); remove ede or change the outcome"));
    if (resolver && resolver->kind == ResolverKind::Libunbound)
        fail(key_loc(x), fmt::format("resolver '{}' is libunbound, which reports no EDE; remove ede or use a "
                                     "daemon resolver", resolver->name));
    const bool some_kind_sends_ede = std::any_of(e.kinds.begin(), e.kinds.end(),
                                                 [](ResolverKind k) { return row_of(k).dnssec_ede; });
    if (!e.kinds.empty() && !some_kind_sends_ede)
        fail(key_loc(x), fmt::format("kind {} ({}) sends no DNSSEC EDE with its SERVFAIL (the reason is read from its "
                                     "log); remove ede", to_string(e.kinds[0]), row_of(e.kinds[0]).program));
    if (e.kinds.empty() && resolver && !row_of(resolver->kind).dnssec_ede)
        fail(key_loc(x), fmt::format("resolver '{}' is {} ({}), whose SERVFAIL carries no DNSSEC EDE (the reason is "
                                     "read from its log); remove ede", resolver->name, to_string(resolver->kind),
                                     row_of(resolver->kind).program));
}

// `kind:` one resolver kind or a list of them. Each must be a kind the resolver named (if any)
// can be asked as: a daemon as any daemon kind (--resolvers), libunbound only as itself.
std::vector<ResolverKind> Parser::expectation_kinds(const Field& f, const ResolverSpec* resolver) const
{
    std::vector<ResolverKind> kinds;
    auto add = [&](const Field& item) {
        const ResolverKind kind = choice<ResolverKind>(item, "resolver kind");
        if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end())
            fail(loc(item), fmt::format("kind '{}' is named twice; name it once", to_string(kind)));
        kinds.push_back(kind);
    };
    if (!f.value.IsSequence()) {
        add(f);
    } else {
        if (f.value.size() == 0)
            fail(loc(f), "kind is an empty list; name the kinds it holds for, e.g. 'kind: [bind, knot-resolver]', or "
                         "remove kind");
        for (std::size_t i = 0; i < f.value.size(); ++i) add(Field{f.name, f.key, f.value[i]});
    }
    if (!resolver) return kinds;
    const bool daemon = is_daemon(resolver->kind);
    for (const ResolverKind kind : kinds)
        if (is_daemon(kind) == daemon && (daemon || kind == resolver->kind)) return kinds;
    std::vector<std::string> daemons;
    for (const auto& row : kResolverKindNames)
        if (row.daemon) daemons.emplace_back(row.name);
    fail(key_loc(f), fmt::format("resolver '{}' is {}, which no run asks as {}; {}", resolver->name,
                                 to_string(resolver->kind),
                                 kinds.size() == 1 ? std::string(to_string(kinds[0])) : "any of these kinds",
                                 daemon ? fmt::format("name a daemon kind ({})", join(daemons, ", "))
                                        : std::string("remove kind (a libunbound resolver stays libunbound under "
                                                      "--resolvers)")));
}

// [a, b] with a <= b: times (starts-between) or durations (lasts-between).
std::pair<Seconds, Seconds> Parser::bounds(const Field& f, bool times, std::string_view example)
{
    const std::string_view what = times ? "times" : "durations";
    if (!f.value.IsSequence() || f.value.size() != 2)
        fail(loc(f), fmt::format("{} must be a list of two {}, [{}], not {}", f.name, what, example,
                                 f.value.IsSequence() ? fmt::format("{} item{}", f.value.size(),
                                                                    f.value.size() == 1 ? "" : "s")
                                                      : describe(f.value)));
    Seconds v[2];
    for (size_t i = 0; i < 2; ++i) {
        const Field item{fmt::format("the {} value of {}", i == 0 ? "first" : "second", f.name), f.key, f.value[i]};
        v[i] = times ? time(item) : duration(item);
    }
    if (v[0] > v[1]) {
        auto show = [&](Seconds s) { return times ? format_offset(s) : format_duration(s); };
        fail(loc(f.value[1]), fmt::format("{} [{}, {}]: the second bound is {} the first; write [{}, {}]", f.name,
                                          show(v[0]), show(v[1]), times ? "before" : "shorter than", show(v[1]),
                                          show(v[0])));
    }
    return {v[0], v[1]};
}

Expectation Parser::parse_expectation(const YAML::Node& node, std::optional<SourceLoc>& otherwise_seen)
{
    Expectation e;
    e.loc = loc(node);
    Fields f = item_fields(node, e.loc, "expectation",
                           "'{ otherwise: secure }' or '{ from: +1d, until: +2d, outcome: servfail }'", kExpectFields);
    if (const Field* id = f.find("id")) {
        e.id = scalar(*id);
        if (e.id.empty()) fail(loc(*id), "id is empty; name the expectation, e.g. 'id: ds-removed-too-early'");
    }
    if (!parse_standalone(e, f, otherwise_seen) && !parse_monitor_expectation(e, f) && !parse_share_failing(e, f) &&
        !parse_failing_zones(e, f)) {
        parse_kind(e, f);
        parse_scope(e, f);
    }
    e.text = expectation_text(e);
    return e;
}

// otherwise: and predicted-windows:, which take no other field. False for any other kind.
bool Parser::parse_standalone(Expectation& e, const Fields& f, std::optional<SourceLoc>& otherwise_seen)
{
    if (const Field* o = f.find("otherwise")) {
        for (const auto& other : f.all())
            if (other.name != "otherwise" && other.name != "id")
                fail(key_loc(other), fmt::format("'otherwise' stands alone; move '{}' to an expectation of its own",
                                                 other.name));
        if (otherwise_seen)
            fail(key_loc(*o), fmt::format("only one 'otherwise' is allowed (the first is at line {}); remove this one",
                                          otherwise_seen->line));
        otherwise_seen = key_loc(*o);
        e.kind = Expectation::Kind::Otherwise;
        e.outcome = choice<Outcome>(*o, "outcome");
        return true;
    }
    const Field* p = f.find("predicted-windows");
    if (!p) return false;
    for (const auto& other : f.all())
        if (other.name != "predicted-windows" && other.name != "id")
            fail(key_loc(other), fmt::format("'predicted-windows' stands alone; move '{}' to an expectation of "
                                             "its own", other.name));
    if (scalar(*p) != "match") fail(loc(*p), fmt::format("predicted-windows takes 'match', not '{}'", scalar(*p)));
    if (m_scenario.rollovers.empty())
        fail(key_loc(*p), "predicted-windows compares failures with the rollover lint's predictions; this "
                          "scenario has no rollover: block");
    e.kind = Expectation::Kind::PredictedWindows;
    return true;
}

// share-failing: ">= 30%" or "<= 10%" of a population's members failing at once, over the query
// (every probed one when unnamed) and the span it covers. False for any other kind.
bool Parser::parse_share_failing(Expectation& e, const Fields& f)
{
    const Field* s = f.find("share-failing");
    if (!s) return false;
    only_fields(f, "share-failing", kShareFailingFields);
    const Field* r = f.find("resolver");
    if (!r) missing(e.loc, "resolver", "a share-failing expectation", "resolver: pop");
    const std::string text = scalar(*s);
    const bool at_least = text.starts_with(">="), at_most = text.starts_with("<=");
    std::string number = text.size() > 2 ? text.substr(2) : "";
    while (!number.empty() && number.front() == ' ') number.erase(0, 1);
    const auto percent = number.ends_with("%") ? parse_integer(number.substr(0, number.size() - 1)) : std::nullopt;
    if ((!at_least && !at_most) || !percent || *percent < 0 || *percent > 100)
        fail(loc(*s), fmt::format("share-failing takes \">= N%\" or \"<= N%\" with N from 0 to 100, not '{}' (write "
                                  "e.g. share-failing: \">= 30%\")", text));
    (at_least ? e.share_at_least : e.share_at_most) = static_cast<int>(*percent);
    e.kind = Expectation::Kind::ShareFailing;
    parse_scope(e, f);
    for (const auto& spec : m_scenario.resolvers)
        if (spec.name == e.resolver && spec.population_size == 0)
            fail(loc(*r), fmt::format("share-failing applies to a population; '{}' is one resolver (give it "
                                      "population: N, or use no-failures or failure-window)", e.resolver));
    return true;
}

// failing-zones: none, one name or pattern, or a list of them ("shop{1..40}.com."), optionally at
// one resolver: the zones that must fail, and no other. False for any other kind.
bool Parser::parse_failing_zones(Expectation& e, const Fields& f)
{
    const Field* z = f.find("failing-zones");
    if (!z) return false;
    only_fields(f, "failing-zones", kFailingZonesFields);
    e.kind = Expectation::Kind::FailingZones;
    if (const Field* r = f.find("resolver")) e.resolver = resolver_ref(*r)->name;
    if (!z->value.IsSequence() && scalar(*z) == "none") return true;
    e.failing_zones = failing_zone_list(*z);
    return true;
}

// The zones a failing-zones: value names, each a zone of the scenario that holds a probed name
// (a zone holding none cannot fail), none named twice; sorted.
std::vector<std::string> Parser::failing_zone_list(const Field& f) const
{
    std::vector<Field> items;
    if (!f.value.IsSequence()) items.push_back(f);
    for (std::size_t i = 0; f.value.IsSequence() && i < f.value.size(); ++i) items.push_back({f.name, f.key, f.value[i]});
    if (items.empty())
        fail(loc(f), "failing-zones is an empty list; write 'failing-zones: none' to expect that no zone fails");
    std::set<std::string> probed;
    for (const auto& q : m_scenario.probes.queries)
        if (const ZoneSpec* holder = m_scenario.zone_holding(q.qname)) probed.insert(holder->name);
    std::set<std::string> zones;
    for (const auto& item : items) {
        const std::string text = scalar(item);
        PatternExpansion names = expand_pattern(text);
        if (!names.error.empty()) fail(loc(item), fmt::format("failing-zones: {}", names.error));
        for (const auto& name : names.names) {
            const auto n = dns::normalise_name(name, "", false);
            if (!n.error.empty()) fail(loc(item), fmt::format("bad zone name '{}' in failing-zones: {}", name, n.error));
            if (!m_all_zones.count(n.name))
                fail(loc(item), fmt::format("zone {} is not in the scenario{}", n.name,
                                            suggest(n.name, std::vector<std::string>(m_all_zones.begin(), m_all_zones.end()), false)));
            if (!probed.count(n.name))
                fail(loc(item), fmt::format("zone {} holds no probed name, so it cannot fail; probe a name in it "
                                            "(probes.names) or leave it out of failing-zones", n.name));
            if (!zones.insert(n.name).second)
                fail(loc(item), fmt::format("zone {} is named twice in failing-zones; name each zone once", n.name));
        }
    }
    return {zones.begin(), zones.end()};
}

// The kind: outcome (a window), no-failures or failure-window; one per expectation.
void Parser::parse_kind(Expectation& e, const Fields& f)
{
    const Field* outcome = f.find("outcome");
    const Field* no_failures = f.find("no-failures");
    const Field* failure_window = f.find("failure-window");
    std::vector<const Field*> kinds;
    for (const Field* k : {outcome, no_failures, failure_window})
        if (k) kinds.push_back(k);
    if (kinds.size() > 1) {
        std::sort(kinds.begin(), kinds.end(), [&](const Field* a, const Field* b) {
            return key_loc(*a).line < key_loc(*b).line ||
                   (key_loc(*a).line == key_loc(*b).line && key_loc(*a).column < key_loc(*b).column);
        });
        fail(key_loc(*kinds[1]), fmt::format("'{}' cannot be combined with '{}': an expectation has one of "
                                             "outcome:, no-failures: and failure-window: (split it into two "
                                             "expectations)", kinds[1]->name, kinds[0]->name));
    }
    if (no_failures) {
        e.kind = Expectation::Kind::NoFailures;
        only_fields(f, "no-failures", kNoFailuresFields);
        if (!boolean(*no_failures))
            fail(loc(*no_failures), "no-failures: false expects nothing; write no-failures: true, or remove the "
                                    "expectation");
    } else if (failure_window) {
        e.kind = Expectation::Kind::FailureWindow;
        only_fields(f, "failure-window", kFailureWindowFields);
        e.query = probed_query(*failure_window, scalar(*failure_window));
        if (!f.find("starts-between") && !f.find("lasts-between"))
            fail(key_loc(*failure_window),
                 "a failure-window expectation needs starts-between: [earliest, latest], lasts-between: [shortest, "
                 "longest], or both");
    } else {
        if (!outcome) missing(e.loc, "outcome", "expectation", "outcome: secure");
        for (std::string_view only : {"starts-between", "lasts-between"})
            if (const Field* x = f.find(only))
                fail(key_loc(*x), fmt::format("{} applies only to failure-window expectations; remove it, or write "
                                              "failure-window: \"<qname> <TYPE>\"", only));
        e.outcome = choice<Outcome>(*outcome, "outcome");
    }
}

// What the expectation covers (query, resolver, from, until), the failure window's bounds and
// the EDE code.
void Parser::parse_scope(Expectation& e, const Fields& f)
{
    const ResolverSpec* resolver = nullptr;
    if (const Field* q = f.find("query")) e.query = probed_query(*q, scalar(*q));
    if (const Field* r = f.find("resolver")) {
        resolver = resolver_ref(*r);
        e.resolver = resolver->name;
    }
    if (const Field* t = f.find("from")) e.from = time(*t);
    if (const Field* t = f.find("until")) {
        e.until = time(*t);
        if (e.from && *e.until <= *e.from)
            fail(loc(*t), fmt::format("until ({}) must be after from ({})", format_offset(*e.until),
                                      format_offset(*e.from)));
    }
    if (const Field* s = f.find("starts-between")) {
        auto [lo, hi] = bounds(*s, true, "+1d, +1d1h");
        e.start_min = lo;
        e.start_max = hi;
    }
    if (const Field* l = f.find("lasts-between")) {
        auto [lo, hi] = bounds(*l, false, "30m, 2h");
        e.length_min = lo;
        e.length_max = hi;
    }
    if (const Field* k = f.find("kind")) e.kinds = expectation_kinds(*k, resolver);
    if (const Field* x = f.find("ede")) parse_ede(*x, e, resolver);
}

}  // namespace detail
}  // namespace rollsim::scenario
