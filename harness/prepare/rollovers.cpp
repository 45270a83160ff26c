#include "prepare/rollovers.hpp"

#include "core/error.hpp"
#include "scenario/names.hpp"
#include "scenario/parse.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace rollsim::prepare {

using scenario::KeyRole;
using scenario::KeySpec;
using scenario::RolloverMethod;
using scenario::RolloverSpec;
using scenario::Scenario;
using scenario::SourceLoc;
using scenario::ZoneSpec;

namespace {

[[noreturn]] void fail(const SourceLoc& where, const std::string& message)
{
    throw ScenarioError(where.file, where.line, where.column, message);
}

const KeySpec* find_key(const ZoneSpec& zone, const std::string& key)
{
    for (const auto& k : zone.keys)
        if (k.name == key) return &k;
    return nullptr;
}

ZoneSpec& zone_of(Scenario& sc, const std::string& name)
{
    return *std::find_if(sc.zones.begin(), sc.zones.end(), [&](const ZoneSpec& z) { return z.name == name; });
}

bool is_turn(RolloverMethod m) { return m == RolloverMethod::TurnSecure || m == RolloverMethod::TurnInsecure; }

// The key a method rolls exists and suits it: the method's role, and for an algorithm
// rollover a ksk or csk whose algorithm the rollover changes.
const KeySpec& check_key_role(const ZoneSpec& z, const RolloverSpec& r)
{
    const KeySpec* old = find_key(z, r.key);
    if (!old) {
        std::vector<std::string> names;
        for (const auto& k : z.keys) names.push_back(k.name);
        fail(r.key_loc, fmt::format("zone {} has no key '{}'{}", r.zone, r.key, scenario::did_you_mean(r.key, names)));
    }
    const bool ksk_method = r.method == RolloverMethod::KskDoubleKsk || r.method == RolloverMethod::KskDoubleDs ||
                            r.method == RolloverMethod::KskDoubleRrset || r.method == RolloverMethod::EmergencyKsk;
    const KeyRole want = scenario::rolls_zsk(r.method) ? KeyRole::Zsk : ksk_method ? KeyRole::Ksk : KeyRole::Csk;
    const bool emergency = scenario::is_emergency(r.method);
    if (r.method != RolloverMethod::Algorithm && old->role != want)
        fail(r.key_loc, fmt::format("method {} rolls a {}; key '{}' in {} is a {} (use {})", to_string(r.method),
                                    to_string(want), r.key, r.zone, to_string(old->role),
                                    emergency                   ? "emergency-" + std::string(to_string(old->role))
                                    : old->role == KeyRole::Zsk ? "zsk-prepublish or zsk-double-signature"
                                    : old->role == KeyRole::Ksk ? "ksk-double-ksk, ksk-double-ds or ksk-double-rrset"
                                                                : "csk"));
    return *old;
}

// The checks of a rollover against the keys its zone has when it starts (earlier rollovers'
// successors included), in the order the file's fields come.
void check_rolled_key(const ZoneSpec& z, const RolloverSpec& r)
{
    const KeySpec& old = check_key_role(z, r);
    if (!old.publish || *old.publish > r.start || (old.activate && *old.activate > r.start) || !old.activate)
        fail(r.start_loc, fmt::format("key '{}' is not published and active at the rollover's start ({}); start the "
                                      "rollover once it is", r.key, format_offset(r.start)));
    for (const auto& [field, when] : {std::pair<const char*, const std::optional<Seconds>*>{"retire", &old.retire},
                                      {"remove", &old.remove}, {"ds-remove", &old.ds_remove}})
        if (*when)
            fail(r.key_loc, fmt::format("key '{}' already has {}: {}; the rollover retires and removes it (remove "
                                        "{}: from the key)", r.key, field, format_offset(**when), field));
    for (const KeySpec* k : rollover::replaced_keys(z, r))
        if (find_key(z, rollover::next_key_name(k->name)))
            fail(r.key_loc, fmt::format("zone {} already has a key '{}', the name the rollover gives {}'s successor; "
                                        "rename that key", r.zone, rollover::next_key_name(k->name), k->name));
    if (r.algorithm && *r.algorithm == old.algorithm)
        fail(r.algorithm_loc, fmt::format("key '{}' already uses {}; an algorithm rollover needs another algorithm",
                                          r.key, to_string(old.algorithm)));
    if (r.method == RolloverMethod::Algorithm && old.role == KeyRole::Zsk)
        fail(r.key_loc, fmt::format("an algorithm rollover names the zone's ksk or csk as key (every key with its "
                                    "algorithm is rolled); '{}' is a zsk", r.key));
}

// A key is rolled by one rollover (a repeating one rolls each generation once); a turn-secure
// or turn-insecure rollover is its zone's only one.
void check_not_rolled_twice(const Scenario& sc, const std::vector<std::size_t>& earlier, const RolloverSpec& r)
{
    for (const std::size_t i : earlier) {
        const RolloverSpec& other = sc.rollovers[i];
        const bool turn = r.key.empty() || other.key.empty();
        if (other.zone == r.zone && (turn || other.key == r.key))
            fail(r.loc, turn ? fmt::format("zone {} is already changed by the rollover at line {}; a turn-secure or "
                                           "turn-insecure rollover must be the zone's only one: split them into two "
                                           "scenarios", r.zone, other.loc.line)
                             : fmt::format("key '{}' of {} is already rolled by the rollover at line {}; roll it "
                                           "again with every: (repeating key lifetimes), or remove one",
                                           r.key, r.zone, other.loc.line));
    }
}

// Adds a planned rollover to the scenario: its spec, its successors to its zone (at once, so
// that the next rollover, or the next generation, finds the key it rolls), its steps to `out`.
void add_plan(Scenario& sc, ZoneSpec& zone, rollover::RolloverPlan plan, Expansion& out)
{
    sc.rollovers.push_back(*plan.spec);
    plan.spec = &sc.rollovers.back();
    const RolloverSpec& r = *plan.spec;
    out.rollovers_of_zone[r.zone].push_back(sc.rollovers.size() - 1);
    zone.keys.insert(zone.keys.end(), plan.new_keys.begin(), plan.new_keys.end());
    for (auto& ev : plan.events()) {
        out.times.push_back({ev.at, r.loc, fmt::format("a step of the {} rollover", to_string(r.method))});
        out.events.push_back(std::move(ev));
    }
    out.plans.push_back(std::move(plan));
}

// Repeating key lifetimes: generation g rolls the key generation g-1 introduced (base, base-2,
// base-3, ...). Without count:, as many generations as end within the scenario's duration.
void expand_generations(Scenario& sc, const RolloverSpec& entry, Expansion& out)
{
    const int generations = entry.count.value_or(1000);
    const std::string& base = entry.key;
    const Seconds every = *entry.every;
    ZoneSpec& zone = zone_of(sc, entry.zone);  // sc.zones does not grow while rollovers expand
    for (int g = 1; g <= generations; ++g) {
        RolloverSpec gen = entry;
        gen.generation = g;
        gen.start = entry.start + (g - 1) * every;
        gen.key = g == 1 ? base : fmt::format("{}-{}", base, g);
        gen.new_key = fmt::format("{}-{}", base, g + 1);
        if (find_key(zone, gen.new_key))
            fail(entry.loc, fmt::format("zone {} already has a key '{}', the name every: gives generation {} of "
                                        "'{}'; rename that key", gen.zone, gen.new_key, g + 1, base));
        rollover::RolloverPlan plan = rollover::plan_rollover(zone, gen);
        Seconds end = gen.start;
        for (const auto& step : plan.steps) end = std::max(end, step.at);
        if (end - gen.start >= every)
            fail(entry.every_loc, fmt::format("every: {} is shorter than one {} rollover, whose last step comes {} "
                                              "after its start; use every: of more than {}",
                                              format_duration(every), to_string(entry.method),
                                              format_duration(end - gen.start), format_duration(end - gen.start)));
        if (!entry.count && end > sc.duration) {
            if (g == 1)
                fail(entry.every_loc, fmt::format("the first rollover ends at {}, beyond the scenario's duration "
                                                  "({}); raise duration or start it earlier", format_offset(end),
                                                  format_duration(sc.duration)));
            break;
        }
        add_plan(sc, zone, std::move(plan), out);
    }
}

}  // namespace

void expand_rollover(Scenario& sc, const RolloverSpec& entry, Expansion& out)
{
    ZoneSpec& zone = zone_of(sc, entry.zone);
    if (!is_turn(entry.method)) check_rolled_key(zone, entry);
    check_not_rolled_twice(sc, out.rollovers_of_zone[entry.zone], entry);
    if (entry.every) return expand_generations(sc, entry, out);
    if (entry.method == RolloverMethod::TurnSecure) {
        // Unsigned until the rollover signs it: the planned events publish, activate, add the DS.
        for (auto& k : zone.keys) {
            k.publish.reset();
            k.activate.reset();
            k.ds_add.reset();
        }
    }
    add_plan(sc, zone, rollover::plan_rollover(zone, entry), out);
}

}  // namespace rollsim::prepare
