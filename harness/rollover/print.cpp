// `rollsim plan` and the lint before a run: a plan's schedule with the interval behind each
// step, and the findings with the failure windows they predict, as text (planner.hpp).
#include "rollover/chain_lint.hpp"
#include "rollover/planner.hpp"

#include "scenario/names.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::rollover {

using scenario::RolloverSpec;

std::vector<std::string> affected_resolvers(const scenario::Scenario& sc, const PredictedWindow& w)
{
    std::vector<std::string> out;
    for (const auto& r : sc.resolvers) {
        const bool warm = scenario::is_warm(r);
        if (warm && w.anchor && r.trust_anchor != *w.anchor) continue;
        if ((warm && w.warm) || (!warm && w.cold)) out.push_back(r.name);
    }
    return out;
}

namespace {

std::string d(Seconds s) { return format_duration(s); }
std::string o(Seconds s) { return format_offset(s); }

// "zsk-prepublish of zsk", "turn-secure"
std::string what_is_rolled(const RolloverSpec& spec)
{
    std::string out(to_string(spec.method));
    if (!spec.key.empty()) out += " of " + spec.key;
    if (spec.choice) out += fmt::format(" ({})", to_string(*spec.choice));
    if (spec.every) out += fmt::format(" (generation {}, every {})", spec.generation, d(*spec.every));
    return out;
}

std::string actions_text(const Step& s)
{
    std::string out;
    for (const auto& a : s.actions)
        out += fmt::format("{}{}{}{}", out.empty() ? "" : ", ", to_string(a.kind), a.key.empty() ? "" : " ", a.key);
    if (out.empty() && s.by_parent_agent) return "(the parent agent changes the DS when it accepts the CDS)";
    return out.empty() ? "(at the parent's registry; no change in the lab)" : out;
}

// "    <message>" and the window it predicts, or `without` when none.
void print_finding(std::ostream& out, const scenario::Scenario& sc, const std::string& message,
                   const std::optional<PredictedWindow>& window, std::string_view without)
{
    out << fmt::format("    {}\n", message);
    if (!window) {
        out << fmt::format("    {}\n", without);
        return;
    }
    std::string who;
    for (const auto& r : affected_resolvers(sc, *window)) who += (who.empty() ? "" : ", ") + r;
    const Seconds until = std::min(window->until, sc.duration);
    out << fmt::format("    predicted failure window: {} .. {} ({} .. {}) on {}\n", o(window->from), o(until),
                       format_time(sc.start + window->from), format_time(sc.start + until),
                       who.empty() ? "no resolver" : who);
}

// An emergency roll's two choices side by side (emergency.hpp), the scenario's marked.
void print_emergency(std::ostream& out, const RolloverPlan& p)
{
    out << fmt::format("  the choices after the compromise of {} (known at {}; RFC 6781 4.2.4):\n", p.spec->key,
                       o(p.spec->start));
    for (const auto& opt : p.emergency) {
        out << fmt::format("    {}{}: {} withdrawn at {}{}\n", to_string(opt.choice),
                           opt.picked ? " (the scenario's choice)" : "", p.spec->key, o(opt.withdrawn),
                           opt.ds_withdrawn ? fmt::format(", its DS at {}", o(*opt.ds_withdrawn)) : "");
        out << fmt::format("      exposure {} (until {}): {} = {}\n", d(opt.exposure.value),
                           o(p.spec->start + opt.exposure.value), opt.exposure.formula, opt.exposure.numbers);
        if (opt.windows.empty()) out << "      failure window: none\n";
        for (const auto& w : opt.windows)
            out << fmt::format("      failure window: {} .. {} on {}: {}\n", o(w.from), o(w.until),
                               w.cold ? "every validator" : "warm", w.why);
    }
}

}  // namespace

void print_lint(std::ostream& out, const scenario::Scenario& sc, const std::vector<RolloverPlan>& plans)
{
    bool any = false;
    auto heading = [&](int line, const std::string& what, const std::string& zone) {
        if (!any) out << "Rollover lint\n";
        any = true;
        out << fmt::format("  line {}: {} in {}\n", line, what, zone);
    };
    for (const auto& p : plans)
        for (const auto& f : p.findings) {
            heading(f.loc.line, what_is_rolled(*p.spec), p.spec->zone);
            print_finding(out, sc, f.message, f.window, "no failure window predicted for Unbound");
        }
    for (const auto& f : lint_chain(sc, plans)) {
        heading(f.loc.line, "the timeline", f.zone);
        print_finding(out, sc, f.message, f.window, "an action that does nothing: no failure window predicted");
    }
}

void print_plan(std::ostream& out, const scenario::Scenario& sc, const std::vector<RolloverPlan>& plans)
{
    out << fmt::format("{} ({})\n", sc.name, sc.file);
    if (plans.empty()) out << "  no rollover: block in this scenario\n";
    int n = 0;
    for (const auto& p : plans) {
        const auto& in = p.inputs;
        out << fmt::format("\nRollover {}: {} {} from {} (line {})\n", ++n, p.spec->zone, what_is_rolled(*p.spec),
                           o(p.spec->start), p.spec->loc.line);
        out << fmt::format("  inputs: TTLkey {}, TTLds {}, TTLsig {}, Dprp {}, DprpC {}, DprpP {}, Dreg {}, Dsgn {} "
                           "(validity - refresh), margin {}\n",
                           d(in.ttl_key), d(in.ttl_ds), d(in.ttl_sig), d(in.dprp), d(in.dprp_child), d(in.dprp_parent),
                           d(in.dreg), d(in.dsgn), d(in.margin));
        std::string keys;
        for (const auto& k : p.new_keys) keys += (keys.empty() ? "" : ", ") + k.name;
        out << fmt::format("  new keys: {}\n", keys.empty() ? "none (the zone's own keys)" : keys);
        out << fmt::format("  {:<4} {:<12} {:<21} {}\n", "step", "offset", "date", "action");
        int i = 0;
        for (const auto& s : p.steps) {
            ++i;
            out << fmt::format("  {:<4} {:<12} {:<21} {}\n", i, o(s.at), format_time(sc.start + s.at), s.text);
            out << fmt::format("  {:<4} {:<12} {:<21}   = {}\n", "", "", "", actions_text(s));
            if (s.interval) {
                const std::string after = fmt::format("after step {}", s.counts_from ? s.counts_from : i - 1);
                if (s.override_value)
                    out << fmt::format("  {:<39}   {}: override {} = {} (computed {}{})\n", "", after, s.override_name,
                                       d(*s.override_value), s.interval->describe(),
                                       *s.override_value < s.interval->minimum ? ", BELOW THE MINIMUM" : "");
                else
                    out << fmt::format("  {:<39}   {}: {}\n", "", after, s.interval->describe());
                out << fmt::format("  {:<39}   [{}]\n", "", s.interval->section);
            }
        }
        if (!p.emergency.empty()) print_emergency(out, p);
    }
    bool findings = !lint_chain(sc, plans).empty();
    for (const auto& p : plans) findings = findings || !p.findings.empty();
    if (!findings) {
        if (!plans.empty()) out << "\nRollover lint\n  no findings: every interval meets its RFC 7583 minimum\n";
        return;
    }
    out << "\n";
    print_lint(out, sc, plans);
}

}  // namespace rollsim::rollover
