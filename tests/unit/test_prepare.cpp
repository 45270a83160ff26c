// Preparing a scenario (prepare/prepared.hpp): the parser gives the rollovers as written, the
// preparation plans each once and expands it into keys, events and generations, checks the
// keys timeline events name against what the rollovers added, and keeps the plans pointing
// at the scenario's rollovers through copies and moves.
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "scenario/parse.hpp"

#include <gtest/gtest.h>

#include <utility>

using namespace rollsim;

namespace {

constexpr long long kDay = 86400;

const char* kRepeating = R"(name: repeating
start: 2027-03-01T00:00:00Z
zones:
  example.com.: {}
  example.net.: {}
probes: { names: [www.example.com. A] }
rollover:
  - { zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, every: 10d, count: 3 }
timeline:
  - { at: +1d, fault: ds-missing, zone: example.net. }
  - { at: +30d, do: retire zsk-4 }
)";

bool has_key(const scenario::Scenario& sc, const std::string& zone, const std::string& key)
{
    for (const auto& k : sc.find_zone(zone)->keys)
        if (k.name == key) return true;
    return false;
}

void expect_plans_point_at_rollovers(const prepare::PreparedScenario& p)
{
    ASSERT_EQ(p.plans.size(), p.scenario.rollovers.size());
    for (std::size_t i = 0; i < p.plans.size(); ++i) EXPECT_EQ(p.plans[i].spec, &p.scenario.rollovers[i]);
}

}  // namespace

TEST(Prepare, TheParserGivesTheRolloverAsWrittenAndPrepareExpandsIt)
{
    const scenario::Scenario parsed = scenario::parse_scenario_text(kRepeating, "t.yaml", ".");
    ASSERT_EQ(parsed.rollovers.size(), 1u);
    EXPECT_EQ(parsed.rollovers[0].count, 3);
    EXPECT_FALSE(has_key(parsed, "example.com.", "zsk-2"));
    ASSERT_EQ(parsed.timeline.size(), 2u);
    EXPECT_TRUE(parsed.timeline[1].unresolved_key);  // zsk-4 is a key the rollover adds
    EXPECT_TRUE(parsed.timeline[1].zone.empty());

    const prepare::PreparedScenario p = prepare::prepare_scenario(parsed);
    ASSERT_EQ(p.scenario.rollovers.size(), 3u);
    EXPECT_EQ(p.scenario.rollovers[2].key, "zsk-3");
    EXPECT_TRUE(has_key(p.scenario, "example.com.", "zsk-4"));
    expect_plans_point_at_rollovers(p);
    // The event names zsk-4 without a zone: the one listed zone that has it, once planned.
    const auto& retire = p.scenario.timeline.back();
    EXPECT_EQ(retire.key, "zsk-4");
    EXPECT_EQ(retire.zone, "example.com.");
    EXPECT_FALSE(retire.unresolved_key);
    // The planned steps come before the file's events at the same instant.
    EXPECT_EQ(p.scenario.timeline.front().at, Seconds(kDay));
    EXPECT_TRUE(p.scenario.timeline.front().action);
    // No duration: the last planned step + 2d.
    Seconds last{0};
    for (const auto& ev : p.scenario.timeline) last = std::max(last, ev.at);
    EXPECT_EQ(p.scenario.duration, last + Seconds(2 * kDay));
}

TEST(Prepare, PlansFollowTheRolloversThroughCopiesAndMoves)
{
    prepare::PreparedScenario p = prepare::prepare_scenario_text(kRepeating, "t.yaml", ".");
    const prepare::PreparedScenario copy = p;
    expect_plans_point_at_rollovers(copy);
    prepare::PreparedScenario assigned;
    assigned = copy;
    expect_plans_point_at_rollovers(assigned);
    const prepare::PreparedScenario moved = std::move(p);
    expect_plans_point_at_rollovers(moved);
}

TEST(Prepare, AKeyNoRolloverAddsIsRefusedWithTheKeysTheRolloversAddedAsHints)
{
    const std::string text = std::string(kRepeating) + "  - { at: +2d, do: activate zsk-5, zone: example.com. }\n";
    try {
        prepare::prepare_scenario_text(text, "t.yaml", ".");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(std::string(e.what()), "t.yaml:12:20: zone example.com. has no key 'zsk-5' (did you mean 'zsk-2'?)");
    }
}
