// A population of caches (scenario/population.hpp, report/population.hpp): members' phases spread
// over the longest TTL the probes depend on, their own schedules, the errors of the file, and
// the share of members failing over time.
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "report/evaluate.hpp"
#include "report/population.hpp"
#include "runner/probe_plan.hpp"
#include "scenario/resolver_matrix.hpp"
#include "scenario/population.hpp"
#include "world/world.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace rollsim;

namespace {

// example.com. with DNSKEY 1h, DS 1d, the A at 300 s (the zone default), and `resolvers`.
prepare::PreparedScenario with(const std::string& resolvers, const std::string& expect = "")
{
    const std::string text = "name: pop\nstart: 2027-03-01T00:00:00Z\nduration: 4d\n"
                             "zones:\n  example.com.:\n    ttl: { default: 300, dnskey: 1h, ds: 1d }\n"
                             "resolvers:\n" + resolvers + "probes: { every: 30m, names: [www.example.com. A] }\n" +
                             expect;
    return prepare::prepare_scenario_text(text, "t.yaml", std::filesystem::temp_directory_path());
}

runner::Observation observed(const std::string& member, long long at, bool failing)
{
    runner::Observation o;
    o.rcode = failing ? dns::Rcode::ServFail : dns::Rcode::NoError;
    o.ad = !failing;
    o.validation = failing ? dns::Validation::Indeterminate : dns::Validation::Secure;
    o.offset = Seconds(at);
    o.resolver = member;
    o.query = {"www.example.com.", "A"};
    return o;
}

}  // namespace

TEST(Population, RelevantTtlsAreTheChainsAndTheProbedRrsets)
{
    const auto p = with("  pop: { kind: unbound, population: 4 }\n");
    const auto ttls = scenario::relevant_ttls(p.scenario);
    ASSERT_FALSE(ttls.empty());
    EXPECT_EQ(ttls.back(), Seconds(86400));  // the DS of example.com.
    EXPECT_NE(std::find(ttls.begin(), ttls.end(), Seconds(300)), ttls.end());   // the A
    EXPECT_NE(std::find(ttls.begin(), ttls.end(), Seconds(3600)), ttls.end());  // the DNSKEY set
}

TEST(Population, ThePeriodDividesNoTtl)
{
    EXPECT_EQ(scenario::member_period(Seconds(1800), {Seconds(300), Seconds(3600), Seconds(86400)}), Seconds(1801));
    // 601 divides none of them; 600 + 1 would divide 1202.
    EXPECT_EQ(scenario::member_period(Seconds(600), {Seconds(1202)}), Seconds(602));
}

TEST(Population, PhasesSpreadOverTheLongestTtl)
{
    EXPECT_EQ(scenario::member_phase(0, 20, Seconds(0), Seconds(86400)), Seconds(0));
    EXPECT_EQ(scenario::member_phase(1, 20, Seconds(0), Seconds(86400)), Seconds(4320));
    EXPECT_EQ(scenario::member_phase(19, 20, Seconds(3600), Seconds(86400)), Seconds(3600 + 82080));
}

TEST(Population, NamesAndMembership)
{
    EXPECT_EQ(scenario::member_name("pop", 0, 20), "pop.01");
    EXPECT_EQ(scenario::member_name("pop", 2, 3), "pop.3");
    EXPECT_EQ(scenario::population_of("pop.01"), "pop");
    EXPECT_EQ(scenario::population_of("warm"), "");
    EXPECT_TRUE(scenario::resolver_named("pop", "pop.07"));
    EXPECT_TRUE(scenario::resolver_named("", "pop.07"));
    EXPECT_TRUE(scenario::resolver_named("warm", "warm"));
    EXPECT_FALSE(scenario::resolver_named("po", "pop.07"));
}

TEST(Population, TheParserExpandsAPopulationIntoMembersOnSchedulesOfTheirOwn)
{
    const auto p = with("  warm: { kind: unbound }\n  pop: { kind: knot-resolver, population: 4 }\n",
                        "expect:\n  - { no-failures: true, resolver: pop }\n");
    const auto& rs = p.scenario.resolvers;
    ASSERT_EQ(rs.size(), 5u);
    EXPECT_EQ(rs[0].name, "warm");
    EXPECT_FALSE(rs[0].probes);
    for (int i = 0; i < 4; ++i) {
        const auto& m = rs[1 + i];
        EXPECT_EQ(m.name, "pop." + std::to_string(i + 1));
        EXPECT_EQ(m.kind, scenario::ResolverKind::KnotResolver);
        EXPECT_EQ(m.population, "pop");
        EXPECT_EQ(m.population_phase, Seconds(21600 * i));
        ASSERT_TRUE(m.probes);
        EXPECT_EQ(m.probes->at.front(), m.population_phase);
        EXPECT_EQ(m.probes->at[1] - m.probes->at[0], Seconds(1801));
        EXPECT_LE(m.probes->at.back(), p.scenario.duration);
    }
    // Members are asked only at their own instants: not at the critical instants of a change.
    const world::World world(p.scenario);
    const runner::ProbePlan plan(p.scenario, world);
    EXPECT_TRUE(plan.asks(rs[2], Seconds(21600)));
    EXPECT_FALSE(plan.asks(rs[2], Seconds(0)));
    EXPECT_FALSE(plan.asks(rs[1], Seconds(1800)));
    EXPECT_EQ(p.scenario.expectations.front().resolver, "pop");
}

TEST(Population, AnExpectationNamingThePopulationCoversItsMembers)
{
    const auto p = with("  pop: { kind: unbound, population: 2 }\n", "expect:\n  - { no-failures: true, resolver: pop }\n");
    const auto& e = p.scenario.expectations.front();
    EXPECT_TRUE(report::covers(e, observed("pop.2", 0, false)));
    EXPECT_FALSE(report::covers(e, observed("popular", 0, false)));
}

TEST(Population, TheShareFailingIsEachMembersLastAnswer)
{
    const auto p = with("  pop: { kind: unbound, population: 4 }\n");
    // pop.1 fails at +100 and is secure again at +400; pop.2 fails at +200 and stays failing;
    // pop.3 is asked first at +300 (a member counts from its first probe); pop.4 never.
    const std::vector<runner::Observation> obs = {
        observed("pop.1", 0, false),   observed("pop.2", 0, false), observed("pop.1", 100, true),
        observed("pop.2", 200, true),  observed("pop.3", 300, false), observed("pop.1", 400, false),
        observed("pop.2", 500, true)};
    const auto shares = report::population_shares(p.scenario, obs);
    ASSERT_EQ(shares.size(), 1u);
    EXPECT_EQ(shares[0].population, "pop");
    EXPECT_EQ(shares[0].size, 4);
    ASSERT_EQ(shares[0].queries.size(), 1u);
    const auto& spans = shares[0].queries[0].spans;
    ASSERT_EQ(spans.size(), 4u);
    EXPECT_EQ(report::share_text(spans[0]), "50% (1 of 2) fail from +1m40s to +3m20s");
    EXPECT_EQ(report::share_text(spans[1]), "100% (2 of 2) fail from +3m20s to +5m");
    EXPECT_EQ(report::share_text(spans[2]), "67% (2 of 3) fail from +5m to +6m40s");
    EXPECT_EQ(report::share_text(spans[3]), "33% (1 of 3) fail from +6m40s to the end");
    EXPECT_EQ(shares[0].queries[0].peak_percent(), 100);
    EXPECT_EQ(report::peak_percent_within(shares[0].queries[0], Seconds(400), std::nullopt), 33);  // [300, 400) ends there
    EXPECT_EQ(report::peak_percent_within(shares[0].queries[0], std::nullopt, Seconds(200)), 50);
}

TEST(Population, ResolversAcrossKindsRefuseAPopulation)
{
    const auto p = with("  pop: { kind: unbound, population: 2 }\n");
    EXPECT_THROW(scenario::across_resolver_kinds(p.scenario, {scenario::ResolverKind::Bind}), ScenarioError);
}
