// Monitors (scenario/parser.hpp, docs/monitoring.md): `monitors:` as a map of names to checks,
// each a command or the reference monitor, with its interval, deadline, zones and thresholds;
// and the expectations that name a monitor ({ monitor: health, warns-before: 2d }).
#include "scenario/monitor_words.hpp"
#include "scenario/parser.hpp"

#include <cctype>

namespace rollsim::scenario::detail {

namespace {

// One run of a command may take at most this long on the wall clock.
constexpr Seconds kLongestTimeout{600};

bool good_monitor_name(const std::string& name)
{
    bool ok = !name.empty() && name.size() <= 32;
    for (char c : name)
        ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                    c == '-' || c == '_');
    return ok;
}

}  // namespace

std::string monitor_expectation_text(const Expectation& e)
{
    if (e.misses) return fmt::format("monitor {} raises no alert before any failure", e.monitor);
    std::string out = "monitor " + e.monitor;
    if (e.warns_before) out += fmt::format(" warns at least {}", format_duration(*e.warns_before));
    if (e.warns_before && e.crit_before) out += " and";
    if (e.crit_before) out += fmt::format(" goes critical at least {}", format_duration(*e.crit_before));
    return out + " before every failure";
}

void Parser::parse_monitors(const Field& f)
{
    if (f.value.IsNull()) return;
    if (!f.value.IsMap())
        fail(loc(f), fmt::format("monitors must be a map of names to checks such as 'health: {{ kind: rollsim-health "
                                 "}}', not {}", describe(f.value)));
    for (const auto& entry : entries(f.value, "monitors", loc(f)))
        m_scenario.monitors.push_back(parse_monitor(entry));
}

MonitorSpec Parser::parse_monitor(const Field& entry)
{
    MonitorSpec m;
    m.name = entry.name;
    m.loc = key_loc(entry);
    if (!good_monitor_name(m.name))
        fail(m.loc, fmt::format("bad monitor name '{}': use up to 32 lower-case letters, digits, '-' and '_'", m.name));
    const std::string context = fmt::format("monitor '{}'", m.name);
    Fields mf = fields(entry.value, context, m.loc, kMonitorFields);
    const std::vector<std::string> kinds{std::string(kMonitorKindCommand), std::string(kMonitorKindHealth)};
    if (const Field* k = mf.find("kind")) {
        const std::string kind = to_lower(scalar(*k));
        if (kind == kMonitorKindHealth) m.kind = MonitorKind::Health;
        else if (kind != kMonitorKindCommand)
            fail(loc(*k), fmt::format("unknown monitor kind '{}'{}", scalar(*k), suggest(kind, kinds)));
    }
    const Field* command = mf.find("command");
    if (m.kind == MonitorKind::Command) {
        if (!command) missing(entry.value.IsNull() ? m.loc : loc(entry.value), "command", context,
                              "command: \"dig @{resolver} {zone} SOA\"");
        m.command = scalar(*command);
        if (m.command.empty()) fail(loc(*command), "command is empty; give the program and its arguments");
        check_placeholders(*command);
    } else if (command) {
        fail(key_loc(*command), "command does not apply to a rollsim-health monitor, which is built in; remove it");
    }
    for (std::string_view only : {"warn", "critical"})
        if (const Field* x = mf.find(only); x && m.kind == MonitorKind::Command)
            fail(key_loc(*x), fmt::format("{} applies only to rollsim-health monitors (a command's exit status is its "
                                          "verdict); remove it", only));
    if (const Field* e = mf.find("every")) m.every = positive_duration(*e);
    if (const Field* t = mf.find("timeout")) {
        m.timeout = positive_duration(*t);
        if (m.timeout > kLongestTimeout)
            fail(loc(*t), fmt::format("timeout {} is longer than one run may take ({}); shorten it",
                                      format_duration(m.timeout), format_duration(kLongestTimeout)));
    }
    if (const Field* w = mf.find("warn")) m.warn = duration(*w);
    if (const Field* c = mf.find("critical")) m.critical = duration(*c);
    if (m.critical > m.warn)
        fail(loc(*(mf.find("critical") ? mf.find("critical") : mf.find("warn"))),
             fmt::format("critical ({}) must not be more than warn ({}): a monitor warns before it goes critical",
                         format_duration(m.critical), format_duration(m.warn)));
    if (const Field* h = mf.find("horizon")) m.horizon = positive_duration(*h);
    parse_monitor_zones(mf, m);
    return m;
}

// zone: (one) or zones: (a list); default every zone the file lists.
void Parser::parse_monitor_zones(const Fields& mf, MonitorSpec& m) const
{
    const Field* zone = mf.find("zone");
    const Field* zones = mf.find("zones");
    if (zone && zones) fail(key_loc(*zones), "give zone: or zones:, not both");
    if (zone) m.zones.push_back(zone_ref(*zone));
    if (zones)
        for (const auto& item : items(*zones, "a list of zones such as [example.com.]"))
            for (auto& name : zone_refs(Field{"a zone of zones", zones->key, item})) m.zones.push_back(std::move(name));
    if (!zone && !zones) m.zones = m_listed;
}

// Every {word} of a command is a placeholder rollsim fills in; a brace with no such word is a
// mistake caught here rather than a literal passed to the program.
void Parser::check_placeholders(const Field& command) const
{
    const std::string text = scalar(command);
    const std::vector<std::string> known = to_strings(kMonitorPlaceholders);
    for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
        const std::size_t close = text.find_first_of("{}", open + 1);
        if (close == std::string::npos || text[close] == '{')
            fail(loc(command), fmt::format("'{{' at character {} of the command is not closed; write a placeholder "
                                           "such as {{zone}}", open + 1));
        const std::string word = text.substr(open + 1, close - open - 1);
        if (std::find(known.begin(), known.end(), word) == known.end())
            fail(loc(command), fmt::format("unknown placeholder '{{{}}}' in the command{}", word, suggest(word, known)));
    }
}

// { monitor: NAME, warns-before: D } and its kin; false for an expectation without monitor:.
bool Parser::parse_monitor_expectation(Expectation& e, const Fields& f) const
{
    const Field* m = f.find("monitor");
    if (!m) {
        for (std::string_view only : {"warns-before", "crit-before", "misses"})
            if (const Field* x = f.find(only))
                fail(key_loc(*x), fmt::format("{} applies only to monitor expectations; add 'monitor: <name>'", only));
        return false;
    }
    only_fields(f, "monitor", kMonitorExpectFields);
    e.kind = Expectation::Kind::Monitor;
    e.monitor = scalar(*m);
    std::vector<std::string> names;
    for (const auto& spec : m_scenario.monitors) names.push_back(spec.name);
    if (std::find(names.begin(), names.end(), e.monitor) == names.end())
        fail(loc(*m), fmt::format("monitor '{}' is not defined under monitors:{}", e.monitor, suggest(e.monitor, names)));
    if (const Field* w = f.find("warns-before")) e.warns_before = duration(*w);
    if (const Field* c = f.find("crit-before")) e.crit_before = duration(*c);
    if (const Field* x = f.find("misses")) {
        e.misses = boolean(*x);
        if (!e.misses) fail(loc(*x), "misses: false expects nothing; write misses: true, or remove it");
        if (e.warns_before || e.crit_before)
            fail(key_loc(*x), "misses cannot be combined with warns-before or crit-before; split the expectation");
    }
    if (!e.misses && !e.warns_before && !e.crit_before)
        fail(key_loc(*m), "a monitor expectation needs warns-before: <duration>, crit-before: <duration> or misses: "
                          "true");
    return true;
}

}  // namespace rollsim::scenario::detail
