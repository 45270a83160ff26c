#include "prepare/prepared.hpp"

#include "core/error.hpp"
#include "prepare/rollovers.hpp"
#include "rollover/chain_lint.hpp"
#include "scenario/names.hpp"
#include "scenario/parse.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace rollsim::prepare {

using scenario::Event;
using scenario::Scenario;

namespace {

constexpr Seconds kDay{86400};

bool before_in_file(const scenario::SourceLoc& a, const scenario::SourceLoc& b)
{
    return a.line < b.line || (a.line == b.line && a.column < b.column);
}

// The planned steps join the timeline before the file's events at the same instant, as the
// parser had them when it planned the rollovers itself.
void merge_timeline(Scenario& sc, std::vector<Event> planned)
{
    planned.insert(planned.end(), std::make_move_iterator(sc.timeline.begin()),
                   std::make_move_iterator(sc.timeline.end()));
    std::stable_sort(planned.begin(), planned.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
    sc.timeline = std::move(planned);
}

// The keys timeline events name that the parser left for now, checked in file order against
// the keys the rollovers added; an event without zone: looks in the zones the file lists, in
// file order.
void resolve_key_references(Scenario& sc)
{
    std::vector<const scenario::ZoneSpec*> listed_zones;
    for (const auto& z : sc.zones)
        if (!z.implicit) listed_zones.push_back(&z);
    std::stable_sort(listed_zones.begin(), listed_zones.end(),
                     [](const auto* a, const auto* b) { return before_in_file(a->loc, b->loc); });
    std::vector<std::string> listed;
    for (const auto* z : listed_zones) listed.push_back(z->name);

    std::vector<Event*> pending;
    for (auto& ev : sc.timeline)
        if (ev.unresolved_key) pending.push_back(&ev);
    std::stable_sort(pending.begin(), pending.end(),
                     [](const Event* a, const Event* b) { return before_in_file(a->loc, b->loc); });
    for (Event* ev : pending) scenario::resolve_key_reference(sc, listed, *ev);
}

// The keys a signature fault's scope picks (its key, or the keys of its algorithm) among
// `signers`; an unscoped fault picks them all.
bool scope_picks_a_signer(const scenario::ZoneSpec& zone, const Event& ev, const std::set<std::string>& signers)
{
    for (const auto& k : zone.keys)
        if (signers.count(k.name) && (ev.key.empty() || k.name == ev.key) &&
            (!ev.key_algorithm || k.algorithm == *ev.key_algorithm))
            return true;
    return false;
}

// A signature fault narrowed to one key or one algorithm must find RRSIGs to break: some key it
// picks signs RRsets of its type at some instant while it lasts, as the keys' times, the
// rollovers and the timeline have the zone's signers (rollover::play_chain). The apex key sets
// are signed by the DNSKEY signers, every other RRset by the data signers.
void check_fault_scopes(const Scenario& sc)
{
    for (const auto& ev : sc.timeline) {
        if (!ev.fault || !(row_of(*ev.fault).takes & scenario::kParamKeyAlgorithm)) continue;
        if (ev.key.empty() && !ev.key_algorithm) continue;
        const scenario::ZoneSpec& zone = *sc.find_zone(ev.zone);
        const auto phases = rollover::play_chain(sc, zone).phases;
        const Seconds end = ev.until.value_or(sc.duration);
        const bool key_set = scenario::signed_by_key_signers(ev.type);
        bool signs = false;
        for (std::size_t i = 0; i < phases.size() && !signs; ++i) {
            const Seconds next = i + 1 < phases.size() ? phases[i + 1].from : sc.duration;
            if (next <= ev.at || phases[i].from >= end) continue;
            const auto& state = phases[i].state;
            signs = scope_picks_a_signer(zone, ev, key_set ? state.dnskey_signers : state.data_signers);
        }
        if (signs) continue;
        const std::string who =
            ev.key.empty() ? fmt::format("no key of {} with algorithm {} signs", ev.zone, to_string(*ev.key_algorithm))
                           : fmt::format("key '{}' of {} signs no", ev.key, ev.zone);
        throw ScenarioError(ev.loc.file, ev.loc.line, ev.loc.column,
                            fmt::format("fault {}: {} {} RRsets from {} to {}, so the fault has no RRSIG to break; "
                                        "narrow it to a key that signs then, or move it",
                                        to_string(*ev.fault), who, ev.type, format_offset(ev.at), format_offset(end)));
    }
}

// The planned steps within the duration the file gives; without one, the duration covers them
// (the last time + 2d, as the parser does for the times the file names).
void settle_planned_times(Scenario& sc, const std::vector<PlannedTime>& times)
{
    if (!sc.duration_given) {
        for (const auto& t : times) sc.duration = std::max(sc.duration, t.at + 2 * kDay);
        return;
    }
    for (const auto& t : times)
        if (t.at > sc.duration)
            throw ScenarioError(t.loc.file, t.loc.line, t.loc.column,
                                fmt::format("{} ({}) is beyond the end of the scenario (duration {}); raise duration "
                                            "or move it earlier",
                                            t.what, format_offset(t.at), format_duration(sc.duration)));
}

// Each plan's spec is the scenario's rollover at the same index.
void point_plans_at_rollovers(PreparedScenario& p)
{
    for (std::size_t i = 0; i < p.plans.size(); ++i) p.plans[i].spec = &p.scenario.rollovers[i];
}

}  // namespace

PreparedScenario::PreparedScenario(const PreparedScenario& other)
    : scenario(other.scenario), plans(other.plans), predicted(other.predicted)
{
    point_plans_at_rollovers(*this);
}

PreparedScenario& PreparedScenario::operator=(const PreparedScenario& other)
{
    if (this == &other) return *this;
    scenario = other.scenario;
    plans = other.plans;
    predicted = other.predicted;
    point_plans_at_rollovers(*this);
    return *this;
}

PreparedScenario prepare_scenario(Scenario parsed)
{
    PreparedScenario out;
    std::vector<scenario::RolloverSpec> entries = std::move(parsed.rollovers);
    out.scenario = std::move(parsed);
    out.scenario.rollovers.clear();
    Expansion expansion;
    for (const auto& entry : entries) expand_rollover(out.scenario, entry, expansion);
    merge_timeline(out.scenario, std::move(expansion.events));
    resolve_key_references(out.scenario);
    settle_planned_times(out.scenario, expansion.times);
    check_fault_scopes(out.scenario);
    out.plans = std::move(expansion.plans);
    point_plans_at_rollovers(out);
    out.predicted = rollover::predicted_windows(out.scenario, out.plans);
    return out;
}

PreparedScenario load_scenario(const std::filesystem::path& file, const std::filesystem::path& template_root)
{
    return prepare_scenario(scenario::parse_scenario(file, template_root));
}

PreparedScenario prepare_scenario_text(const std::string& text, const std::string& file_label,
                                       const std::filesystem::path& base_dir,
                                       const std::filesystem::path& template_root)
{
    return prepare_scenario(scenario::parse_scenario_text(text, file_label, base_dir, template_root));
}

}  // namespace rollsim::prepare
