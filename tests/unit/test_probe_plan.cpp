// Probe schedules (runner/probe_plan.hpp): resolvers on the scenario's schedule are asked at
// its interval, its chosen instants and the critical instants of every change; a resolver with
// probes: of its own only at its instants. A scenario without either is asked exactly as before.
#include "prepare/prepared.hpp"
#include "runner/probe_plan.hpp"
#include "runner/schedule.hpp"
#include "world/world.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace rollsim;

namespace {

// The ZSK swap of scenarios/basics/zsk-swap-probed-twice.yaml, with `resolvers` and `probes`.
prepare::PreparedScenario swap(const std::string& resolvers, const std::string& probes)
{
    const std::string text = "name: swap\nstart: 2027-03-01T00:00:00Z\nduration: 1d\n"
                             "zones:\n  example.com.:\n    ttl: { default: 300, dnskey: 1h, ds: 1h }\n"
                             "    keys:\n      ksk: { role: ksk }\n      zsk-a: { role: zsk }\n"
                             "      zsk-b: { role: zsk, publish: +400s, activate: +400s }\n"
                             "timeline:\n  - { at: +400s, do: remove zsk-a }\n" +
                             resolvers + "probes: " + probes + "\n";
    return prepare::prepare_scenario_text(text, "t.yaml", std::filesystem::temp_directory_path());
}

const scenario::ResolverSpec& resolver(const scenario::Scenario& sc, const std::string& name)
{
    for (const auto& r : sc.resolvers)
        if (r.name == name) return r;
    throw std::runtime_error("no resolver " + name);
}

}  // namespace

TEST(ProbePlan, WithoutSchedulesOfTheirOwnEveryResolverIsAskedAtTheScenariosInstants)
{
    const auto p = swap("", "{ every: 25m, names: [www.example.com. A] }");
    const world::World world(p.scenario);
    const runner::ProbePlan plan(p.scenario, world);
    EXPECT_EQ(plan.instants(), runner::probe_instants(p.scenario, world));
    for (const auto& r : p.scenario.resolvers)
        for (const Seconds t : plan.instants()) EXPECT_TRUE(plan.asks(r, t)) << r.name << " " << t.count();
    EXPECT_TRUE(plan.instants().count(Seconds(399)));  // one second before the swap
    EXPECT_TRUE(plan.instants().count(Seconds(701)));  // the A's TTL after it
}

TEST(ProbePlan, ChosenInstantsAreAddedToTheScenariosSchedule)
{
    const auto p = swap("", "{ every: 25m, at: [+100s, +2h], names: [www.example.com. A] }");
    ASSERT_EQ(p.scenario.probes.at, (std::vector<Seconds>{Seconds(100), Seconds(7200)}));
    const world::World world(p.scenario);
    const runner::ProbePlan plan(p.scenario, world);
    auto expected = runner::probe_instants(p.scenario, world);
    expected.insert({Seconds(100), Seconds(7200)});
    EXPECT_EQ(plan.instants(), expected);
}

TEST(ProbePlan, AResolverWithItsOwnScheduleIsAskedOnlyThen)
{
    const auto p = swap("resolvers:\n  user: { kind: unbound, probes: { at: [+0, +400s] } }\n"
                        "  often: { kind: unbound, probes: { every: 10m, at: [+401s] } }\n"
                        "  edges: { kind: unbound }\n",
                        "{ every: 25m, names: [www.example.com. A] }");
    const auto& sc = p.scenario;
    ASSERT_TRUE(resolver(sc, "user").probes);
    EXPECT_EQ(resolver(sc, "user").probes->at, (std::vector<Seconds>{Seconds(0), Seconds(400)}));
    EXPECT_FALSE(resolver(sc, "user").probes->every);
    EXPECT_EQ(resolver(sc, "often").probes->every, Seconds(600));
    EXPECT_FALSE(resolver(sc, "edges").probes);

    const world::World world(sc);
    const runner::ProbePlan plan(sc, world);
    const auto& user = resolver(sc, "user");
    const auto& often = resolver(sc, "often");
    const auto& edges = resolver(sc, "edges");
    for (const Seconds t : plan.instants())
        EXPECT_EQ(plan.asks(user, t), t == Seconds(0) || t == Seconds(400)) << t.count();
    EXPECT_TRUE(plan.asks(edges, Seconds(399)));
    EXPECT_FALSE(plan.asks(often, Seconds(399)));
    EXPECT_TRUE(plan.asks(often, Seconds(401)));
    EXPECT_TRUE(plan.asks(often, Seconds(1200)));
    EXPECT_FALSE(plan.asks(edges, Seconds(1200)));
    EXPECT_EQ(runner::own_probe_instants(*often.probes, sc.duration).size(), 24u * 6 + 1 + 1);
}

TEST(ProbePlan, WhenNoResolverFollowsTheScenariosScheduleItsCriticalInstantsAreNotStops)
{
    const auto p = swap("resolvers:\n  user: { kind: unbound, probes: { at: [+0, +400s] } }\n",
                        "{ names: [www.example.com. A] }");
    const world::World world(p.scenario);
    const runner::ProbePlan plan(p.scenario, world);
    EXPECT_EQ(plan.instants(), (std::set<Seconds>{Seconds(0), Seconds(400)}));
}

namespace {

// Two zones under com., each probed; the timeline changes only shop1.com. (`timeline`).
const char* kPortfolio = R"(name: portfolio
start: 2027-03-01T00:00:00Z
duration: 1d
zones:
  com.: { ttl: { default: 1h, dnskey: 1h, ds: 1h } }
  shop1.com.:
    ttl: { default: 300, dnskey: 1h, ds: 1h }
    keys: { ksk: { role: ksk }, zsk-a: { role: zsk }, zsk-b: { role: zsk, publish: +400s, activate: +400s } }
  shop2.com.: { ttl: { default: 300, dnskey: 1h, ds: 1h } }
probes: { every: 6h, names: [www.shop1.com. A, www.shop2.com. A, com. DNSKEY] CRITICAL }
timeline:
)";

prepare::PreparedScenario portfolio(const std::string& critical, const std::string& timeline)
{
    std::string text = kPortfolio;
    text.replace(text.find(" CRITICAL"), 9, critical);
    return prepare::prepare_scenario_text(text + timeline, "t.yaml", std::filesystem::temp_directory_path());
}

const scenario::Query kShop1{"www.shop1.com.", "A"};
const scenario::Query kShop2{"www.shop2.com.", "A"};
const scenario::Query kCom{"com.", "DNSKEY"};

// The plan of `p` (the plan keeps nothing of the world it was made from).
runner::ProbePlan plan_of(const prepare::PreparedScenario& p)
{
    const world::World world(p.scenario);
    return runner::ProbePlan(p.scenario, world);
}

}  // namespace

TEST(ProbePlan, CriticalAllIsTheDefaultAndAsksEveryNameAtEveryCriticalInstant)
{
    const auto p = portfolio("", "  - { at: +2h, zone: shop1.com., do: remove zsk-a }\n");
    EXPECT_EQ(p.scenario.probes.critical, scenario::CriticalProbes::All);
    const runner::ProbePlan plan = plan_of(p);
    const auto& r = p.scenario.resolvers.front();
    for (const Seconds t : plan.instants())
        for (const auto& q : {kShop1, kShop2, kCom}) EXPECT_TRUE(plan.asks(r, q, t)) << q.text() << " " << t.count();
    EXPECT_TRUE(plan.instants().count(Seconds(7199)));
}

TEST(ProbePlan, CriticalZoneAsksOnlyTheChangedZonesNamesAtItsCriticalInstants)
{
    const auto p = portfolio(", critical: zone", "  - { at: +2h, zone: shop1.com., do: remove zsk-a }\n");
    EXPECT_EQ(p.scenario.probes.critical, scenario::CriticalProbes::Zone);
    const runner::ProbePlan plan = plan_of(p);
    const auto& r = p.scenario.resolvers.front();
    // zsk-b's publication at +400s and the removal at +2h: before, at, and after each TTL.
    for (const Seconds t : {Seconds(399), Seconds(400), Seconds(701), Seconds(4001), Seconds(7199), Seconds(7200),
                            Seconds(7501), Seconds(10801)}) {
        ASSERT_TRUE(plan.instants().count(t)) << t.count();
        EXPECT_TRUE(plan.asks(r, t));
        EXPECT_TRUE(plan.asks(r, kShop1, t)) << t.count();
        EXPECT_FALSE(plan.asks(r, kShop2, t)) << t.count();
        EXPECT_FALSE(plan.asks(r, kCom, t)) << t.count();
    }
    // The regular instants still ask every name.
    for (const Seconds t : {Seconds(0), Seconds(6 * 3600), Seconds(86400)})
        for (const auto& q : {kShop1, kShop2, kCom}) EXPECT_TRUE(plan.asks(r, q, t)) << q.text() << " " << t.count();
    EXPECT_EQ(plan.instants(), runner::probe_instants(p.scenario, world::World(p.scenario)));
}

TEST(ProbePlan, CriticalZoneCountsADsChangeForTheChildsNamesAndAParentsChangeForAllBelowIt)
{
    const auto p = portfolio(", critical: zone",
                             "  - { at: +2h, zone: shop1.com., do: ds-remove ksk }\n"
                             "  - { at: +3h, zone: com., do: record-add, record: 'x A 192.0.2.1' }\n");
    const runner::ProbePlan plan = plan_of(p);
    const auto& r = p.scenario.resolvers.front();
    EXPECT_TRUE(plan.asks(r, kShop1, Seconds(7200)));
    EXPECT_FALSE(plan.asks(r, kShop2, Seconds(7200)));
    for (const auto& q : {kShop1, kShop2, kCom}) EXPECT_TRUE(plan.asks(r, q, Seconds(10800))) << q.text();
}

TEST(ProbePlan, CriticalNoneStopsOnlyAtTheRegularInstants)
{
    const auto p = portfolio(", critical: none", "  - { at: +2h, zone: shop1.com., do: remove zsk-a }\n");
    const runner::ProbePlan plan = plan_of(p);
    EXPECT_EQ(plan.instants(), (std::set<Seconds>{Seconds(0), Seconds(21600), Seconds(43200), Seconds(64800),
                                                  Seconds(86400)}));
}
