// The scenario file as a whole (scenario/parse.hpp): YAML in, the sections read in the order
// their checks need (zones before what names them, rollovers before the timeline), times
// checked against the duration; and the parser's public words (vocabulary()).
#include "scenario/parse.hpp"
#include "scenario/sweep.hpp"

#include "core/files.hpp"
#include "scenario/parser.hpp"
#include "scenario/resolver_matrix.hpp"
#include "scenario/population.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

namespace rollsim::scenario {

namespace fs = std::filesystem;

namespace detail {

namespace {

constexpr Seconds kDay{86400};

// What a run can play (docs/scenario-format.md, "start" and "duration"): RRSIG times are 32-bit
// seconds since 1970 (RFC 4034 3.1.5), so the run stays within 1971 .. 2100 with room for a
// signature's validity either side; a run of at most ten years, and a bounded number of probe
// instants, so that a typo cannot make a run that never ends.
constexpr TimePoint kEarliestStart{std::chrono::sys_days{std::chrono::year{1971} / 1 / 1}};
constexpr TimePoint kLatestEnd{std::chrono::sys_days{std::chrono::year{2100} / 1 / 1}};
constexpr Seconds kLongestDuration{3650 * 86400};
constexpr long long kMostProbeInstants = 200000;

// Whether line `line` (0-based) of `text` holds a name pattern's range ("{1..100}"): YAML reads
// its braces as a flow map's when the pattern stands unquoted inside { } or [ ].
bool pattern_in_flow(const std::string& text, int line)
{
    std::size_t begin = 0;
    for (int n = 0; n < line && begin != std::string::npos; ++n) {
        begin = text.find('\n', begin);
        if (begin != std::string::npos) ++begin;
    }
    if (begin == std::string::npos || line < 0) return false;
    const std::string row = text.substr(begin, text.find('\n', begin) - begin);
    for (std::size_t open = row.find('{'); open != std::string::npos; open = row.find('{', open + 1)) {
        const std::size_t dots = row.find("..", open);
        if (dots != std::string::npos && dots > open + 1 && std::isdigit(static_cast<unsigned char>(row[open + 1])))
            return true;
    }
    return false;
}

}  // namespace

Scenario Parser::run(const std::string& text)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        // yaml-cpp's "unknown token" is most often a record such as '- @ A 192.0.2.1', and "illegal block
        // entry" a lone '-' such as 'salt: -'.
        const std::string hint =
            e.msg == "unknown token"         ? " (quote values that start with @ or `, e.g. \"@ A 192.0.2.1\")"
            : e.msg == "illegal block entry" ? " (quote a value that is a lone '-', e.g. salt: \"-\")"
            : pattern_in_flow(text, e.mark.line)
                ? " (inside { } or [ ], quote a name pattern, e.g. zone: \"shop{1..100}.com.\")"
                : "";
        fail({m_file, e.mark.line + 1, e.mark.column + 1}, fmt::format("YAML syntax error: {}{}", e.msg, hint));
    }
    m_scenario.file = m_file;
    if (root.IsNull())
        fail({m_file, 0, 0}, "the file holds no scenario (a scenario needs name, start, zones and probes)");
    const SourceLoc top = loc(root);
    if (!root.IsMap())
        fail(top, fmt::format("a scenario must be a map of fields (name, start, zones, ...), not {}", describe(root)));
    Fields f = fields(root, "the scenario", top, kTopFields);

    const Field* name = f.find("name");
    if (!name) missing(top, "name", "", "name: ZSK pre-publication too short");
    m_scenario.name = scalar(*name);
    if (m_scenario.name.empty()) fail(loc(*name), "name is empty; give the scenario a short title");
    if (const Field* d = f.find("description")) m_scenario.description = d->value.IsNull() ? "" : scalar(*d);

    const Field* start = f.find("start");
    if (!start) missing(top, "start", "", "start: 2027-03-01T00:00:00Z");
    {
        const std::string t = scalar(*start);
        auto tp = parse_time(t);
        if (!tp)
            fail(loc(*start), fmt::format("bad time '{}' for start (write an ISO 8601 UTC time such as "
                                          "2027-03-01T00:00:00Z)", t));
        m_scenario.start = *tp;
        // RFC 4034 3.1.5: RRSIG times are 32-bit seconds since 1970 (serial arithmetic); the lab
        // signs from up to a signature's validity before the start until as long after the end.
        if (*tp < kEarliestStart || *tp >= kLatestEnd)
            fail(loc(*start), fmt::format("start {} is outside the years RRSIG times can express here ({} .. {}, "
                                          "RFC 4034 3.1.5); pick a start in that range",
                                          t, format_time(kEarliestStart), format_time(kLatestEnd)));
    }

    const Field* zones = f.find("zones");
    if (!zones) missing(top, "zones", "", "zones: { example.com.: {} }");
    parse_pools(f.find("server-pools"));  // before the zones that name them
    parse_zones(*zones);
    check_pools();

    parse_resolvers(f.find("resolvers"));

    const Field* probes = f.find("probes");
    if (!probes) missing(top, "probes", "", "probes: { every: 1h, names: [www.example.com. A] }");
    parse_probes(*probes);

    if (const Field* d = f.find("duration")) m_declared_duration = duration(*d);
    if (const Field* r = f.find("rollover")) parse_rollovers(*r);
    m_defer_keys = !m_scenario.rollovers.empty();
    if (const Field* t = f.find("timeline")) parse_timeline(*t);
    if (const Field* m = f.find("monitors")) parse_monitors(*m);
    if (const Field* e = f.find("expect")) parse_expectations(*e);
    if (!m_scenario.resolvers_as.kinds.empty()) {
        // resolvers: all: the expectations naming warm or cold hold for each kind it is asked as.
        Scenario across = across_resolver_kinds(m_scenario, m_scenario.resolvers_as);
        m_scenario.resolvers = std::move(across.resolvers);
        m_scenario.expectations = std::move(across.expectations);
    }

    settle_duration(f.find("duration"));
    expand_populations(m_scenario);
    return std::move(m_scenario);
}

void Parser::settle_duration(const Field* f)
{
    m_scenario.duration_given = f != nullptr;
    if (!f) {
        Seconds last{0};
        for (const auto& t : m_times) last = std::max(last, t.value);
        m_scenario.duration = std::max(last + 2 * kDay, kDay);
        SourceLoc at{m_file, 0, 0};
        for (const auto& t : m_times)
            if (t.value == last) at = t.loc;
        check_run_bounds(at);
        return;
    }
    m_scenario.duration = duration(*f);
    if (m_scenario.duration < kDay)
        fail(loc(*f), fmt::format("duration ({}) is too short; a scenario runs at least 1d",
                                  format_duration(m_scenario.duration)));
    check_run_bounds(loc(*f));
    for (const auto& t : m_times)
        if (t.value > m_scenario.duration)
            fail(t.loc, fmt::format("{} ({}) is beyond the end of the scenario (duration {}); raise duration or "
                                    "move it earlier", t.what, format_offset(t.value),
                                    format_duration(m_scenario.duration)));
}

// The run's length and its probe instants within what rollsim plays (kLongestDuration,
// kLatestEnd, kMostProbeInstants); `at` is what set the duration.
void Parser::check_run_bounds(const SourceLoc& at) const
{
    const Seconds d = m_scenario.duration;
    if (d > kLongestDuration)
        fail(at, fmt::format("duration ({}) is longer than a scenario may run (at most {}); shorten it",
                             format_duration(d), format_duration(kLongestDuration)));
    if (m_scenario.start + d >= kLatestEnd)
        fail(at, fmt::format("the scenario would end after {}, beyond the years RRSIG times can express here (RFC "
                             "4034 3.1.5); shorten duration or start earlier",
                             format_time(kLatestEnd)));
    // The densest interval, the scenario's or a resolver's own (its probes: every).
    Seconds every = m_scenario.probes.every;
    for (const auto& r : m_scenario.resolvers)
        if (r.probes && r.probes->every) every = std::min(every, *r.probes->every);
    const long long instants = d.count() / every.count();
    if (instants > kMostProbeInstants)
        fail(at, fmt::format("probes every {} over {} make {} probe instants, more than {}; probe less often or "
                             "shorten duration",
                             format_duration(every), format_duration(d), instants, kMostProbeInstants));
}

Event Parser::run_event(const Scenario& scenario, const YAML::Node& node)
{
    m_scenario = scenario;
    for (const auto& z : scenario.zones) {
        m_all_zones.insert(z.name);
        if (!z.implicit) m_listed.push_back(z.name);
    }
    Event ev = parse_event(node);
    for (const auto& t : m_times)
        if (t.value > scenario.duration)
            fail(t.loc, fmt::format("{} ({}) is beyond the end of the scenario (duration {})", t.what,
                                    format_offset(t.value), format_duration(scenario.duration)));
    return ev;
}

}  // namespace detail

const Vocabulary& vocabulary()
{
    static const Vocabulary v = [] {
        Vocabulary out;
        using detail::to_strings;
        out.fields = {
            {"scenario", to_strings(detail::kTopFields)},
            {"zone", to_strings(detail::kZoneFields)},
            {"ttl", to_strings(detail::kTtlFields)},
            {"signing", to_strings(detail::kSigningFields)},
            {"nsec3", to_strings(detail::kNsec3Fields)},
            {"key", to_strings(detail::kKeyFields)},
            {"event", to_strings(detail::kEventFields)},
            {"probes", to_strings(detail::kProbeFields)},
            {"resolver", to_strings(detail::kResolverFields)},
            {"expect", to_strings(detail::kExpectFields)},
            {"rollover", to_strings(detail::kRolloverFields)},
            {"rollover-parent", to_strings(detail::kRolloverParentFields)},
            {"rollover-override", to_strings(detail::kRolloverOverrideFields)},
            {"parent-agent", to_strings(detail::kParentAgentFields)},
            {"monitor", to_strings(detail::kMonitorFields)},
            {"signer", to_strings(detail::kSignerFields)},
            {"server-pool", to_strings(detail::kPoolFields)},
        };
        out.rollover_methods = names_of<RolloverMethod>();
        out.faults = names_of<FaultKind>();
        for (const auto& fault : kFaultNames) {
            auto& takes = out.fault_parameters[std::string(fault.name)];
            auto& needs = out.fault_required[std::string(fault.name)];
            for (const auto& [bit, param] : kFaultParamNames) {
                if (fault.takes & bit) takes.emplace_back(param);
                if (fault.required & bit) needs.emplace_back(param);
            }
        }
        out.actions = names_of<ActionKind>();
        out.outcomes = names_of<Outcome>();
        out.algorithms = names_of<Algorithm>();
        for (const auto& row : kAlgorithmNames) out.algorithm_numbers.push_back(int(row.value));
        out.key_roles = names_of<KeyRole>();
        out.resolver_kinds = names_of<ResolverKind>();
        out.denials = names_of<Denial>();
        out.record_types = detail::record_types();
        return out;
    }();
    return v;
}

Event parse_event_fields(const Scenario& scenario, const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::string& label)
{
    YAML::Node node(YAML::NodeType::Map);
    for (const auto& [name, value] : fields) {
        if (static_cast<const YAML::Node&>(node)[name])
            throw ScenarioError(label, 0, 0, fmt::format("'{}' is given twice; keep one", name));
        node[name] = value;
    }
    return detail::Parser(label, ".").run_event(scenario, node);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates)
{
    return detail::suggest(word, candidates);
}

namespace {

// The template root (parse.hpp says which directory it is).
fs::path template_root_for(const fs::path& base_dir, const fs::path& given)
{
    std::error_code ec;
    if (!given.empty()) return fs::absolute(given, ec).lexically_normal();
    fs::path dir = fs::absolute(base_dir.empty() ? fs::path(".") : base_dir, ec).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) dir = dir.parent_path();
    for (fs::path d = dir;; d = d.parent_path()) {
        if (fs::exists(d / ".git", ec)) return d;
        if (d == d.root_path() || d.parent_path() == d || d.empty()) break;
    }
    // No repository (a release tarball, a package): the working directory when the scenario
    // lies below it, as in `rollsim run scenarios/...` from the top of the tree.
    const fs::path cwd = fs::current_path(ec);
    if (!ec && cwd != cwd.root_path() && is_within(dir, cwd)) return cwd;
    return dir;
}

}  // namespace

Scenario parse_scenario_text(const std::string& text, const std::string& file_label, const fs::path& base_dir,
                             const fs::path& template_root)
{
    const fs::path base = base_dir.empty() ? fs::path(".") : base_dir;
    return detail::Parser(file_label, base, template_root_for(base, template_root)).run(text);
}

Scenario parse_scenario(const fs::path& file, const fs::path& template_root)
{
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        throw ScenarioError(file.string(), 0, 0, "no such scenario file; check the path");
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) throw ScenarioError(file.string(), 0, 0, "cannot read the scenario file; check its permissions");
    std::ostringstream text;
    text << in.rdbuf();
    // A sweep (scenario/sweep.hpp): every variant is checked; the first stands for the file.
    if (const auto variants = expand_sweep(text.str(), file.string())) {
        for (std::size_t i = 1; i < variants->size(); ++i) parse_sweep_variant((*variants)[i], file, template_root);
        return parse_sweep_variant(variants->front(), file, template_root);
    }
    return parse_scenario_text(text.str(), file.string(), file.parent_path(), template_root);
}

}  // namespace rollsim::scenario
