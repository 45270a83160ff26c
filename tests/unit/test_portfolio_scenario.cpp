// Portfolio scenarios (docs/scenario-format.md, "Portfolios"): name patterns in zone keys,
// rollover and event zones, probe names and expectation queries, and a rollover's stagger.
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "scenario/parse.hpp"
#include "scenario/portfolio.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

using namespace rollsim;
using namespace rollsim::scenario;

namespace {

constexpr long long kHour = 3600;
constexpr long long kDay = 86400;

const char* kHead = R"(name: portfolio
start: 2027-03-01T00:00:00Z
duration: 60d
)";

Scenario parse(const std::string& body) { return parse_scenario_text(kHead + body, "p.yaml", "."); }

// The message of the scenario error `body` makes, as "LINE:COL: message".
std::string error_of(const std::string& body)
{
    try {
        parse(body);
    } catch (const ScenarioError& e) {
        const std::string what = e.what();
        return what.substr(what.find(':') + 1);
    }
    return "no error";
}

std::vector<std::string> listed(const Scenario& sc)
{
    std::vector<std::string> out;
    for (const auto& z : sc.zones)
        if (!z.implicit) out.push_back(z.name);
    return out;
}

}  // namespace

TEST(PortfolioScenario, APatternKeyListsOneZoneForEachName)
{
    const Scenario sc = parse(R"(zones:
  shop{1..3}.com.:
    records: [www A 192.0.2.1]
    signing: { validity: 10d, refresh: 5d }
  other.com.: {}
probes: { names: [www.shop1.com. A] }
)");
    EXPECT_EQ(listed(sc), (std::vector<std::string>{"other.com.", "shop1.com.", "shop2.com.", "shop3.com."}));
    for (const char* name : {"shop1.com.", "shop2.com.", "shop3.com."}) {
        const ZoneSpec& z = *sc.find_zone(name);
        EXPECT_EQ(z.pattern, "shop{1..3}.com.");
        EXPECT_EQ(z.signing.validity, Seconds{10 * kDay});
        ASSERT_EQ(z.records.size(), 1u);
        EXPECT_EQ(z.records[0].substr(0, z.records[0].find(' ')), std::string("www.") + name);
        EXPECT_EQ(z.loc.line, 5);
    }
    EXPECT_EQ(sc.find_zone("other.com.")->pattern, "");
    ASSERT_NE(sc.find_zone("com."), nullptr);
    EXPECT_TRUE(sc.find_zone("com.")->implicit);
}

TEST(PortfolioScenario, RolloversAndEventsExpandToOnePerZone)
{
    const Scenario sc = parse(R"(zones:
  shop{1..4}.com.: {}
probes: { names: [www.shop1.com. A] }
rollover:
  - { zone: "shop{1..4}.com.", method: zsk-prepublish, key: zsk, start: +1d }
timeline:
  - { at: +2d, fault: ds-missing, zone: "shop{2..3}.com.", until: +3d }
)");
    ASSERT_EQ(sc.rollovers.size(), 4u);
    for (std::size_t k = 0; k < 4; ++k) {
        EXPECT_EQ(sc.rollovers[k].zone, "shop" + std::to_string(k + 1) + ".com.");
        EXPECT_EQ(sc.rollovers[k].start, Seconds{kDay});
        EXPECT_EQ(sc.rollovers[k].stagger_offset, Seconds{0});
    }
    ASSERT_EQ(sc.timeline.size(), 2u);
    EXPECT_EQ(sc.timeline[0].zone, "shop2.com.");
    EXPECT_EQ(sc.timeline[1].zone, "shop3.com.");
    EXPECT_EQ(sc.timeline[1].fault, FaultKind::DsMissing);
    EXPECT_EQ(sc.timeline[1].until, Seconds{3 * kDay});
}

TEST(PortfolioScenario, ProbeNamesAndExpectationQueriesExpand)
{
    const Scenario sc = parse(R"(zones:
  shop{01..12}.com.: {}
probes: { names: ["www.shop{01..12}.com. A", shop01.com. DNSKEY] }
expect:
  - { query: "www.shop{01..03}.com. A", from: +1d, until: +2d, outcome: servfail, id: outage }
  - { otherwise: secure }
)");
    ASSERT_EQ(sc.probes.queries.size(), 13u);
    EXPECT_EQ(sc.probes.queries[0].text(), "www.shop01.com. A");
    EXPECT_EQ(sc.probes.queries[11].text(), "www.shop12.com. A");
    EXPECT_EQ(sc.probes.queries[12].text(), "shop01.com. DNSKEY");
    ASSERT_EQ(sc.expectations.size(), 4u);
    for (int k = 0; k < 3; ++k) {
        const std::string name = "www.shop0" + std::to_string(k + 1) + ".com.";
        EXPECT_EQ(sc.expectations[k].query->qname, name);
        EXPECT_EQ(sc.expectations[k].id, "outage " + name);
        EXPECT_EQ(sc.expectations[k].text.find(name), 0u) << sc.expectations[k].text;
    }
}

TEST(PortfolioScenario, StaggerOffsetsAreWholeHoursSpreadInPatternOrder)
{
    // 1000 zones over 30d: zone k starts floor(k * 720h / 1000) rounded down to the hour.
    const Seconds stagger{30 * kDay};
    EXPECT_EQ(stagger_offset(0, 1000, stagger), Seconds{0});
    EXPECT_EQ(stagger_offset(1, 1000, stagger), Seconds{0});        // 43m12s -> 0h
    EXPECT_EQ(stagger_offset(2, 1000, stagger), Seconds{kHour});    // 1h26m24s -> 1h
    EXPECT_EQ(stagger_offset(999, 1000, stagger), Seconds{719 * kHour});
    std::set<long long> instants;
    for (std::size_t k = 0; k < 1000; ++k) instants.insert(stagger_offset(k, 1000, stagger).count());
    EXPECT_EQ(instants.size(), 720u);
    // Four zones over 2d: 0, 12h, 24h, 36h.
    EXPECT_EQ(stagger_offset(3, 4, Seconds{2 * kDay}), Seconds{36 * kHour});
    // stagger-step: 1d: a thirtieth of 1000 zones a day.
    std::set<long long> days;
    for (std::size_t k = 0; k < 1000; ++k) days.insert(stagger_offset(k, 1000, Seconds{30 * kDay}, Seconds{kDay}).count());
    EXPECT_EQ(days.size(), 30u);
    EXPECT_EQ(stagger_offset(999, 1000, Seconds{30 * kDay}, Seconds{kDay}), Seconds{29 * kDay});
}

TEST(PortfolioScenario, StaggeredRollsStartAtTheirOffsetsAndRepeatWithEvery)
{
    const auto prepared = prepare::prepare_scenario(parse(R"(zones:
  shop{1..4}.com.: {}
probes: { names: [www.shop1.com. A] }
rollover:
  - { zone: "shop{1..4}.com.", method: zsk-prepublish, key: zsk, start: +1d, every: 20d, count: 2, stagger: 2d }
)"));
    const Scenario& sc = prepared.scenario;
    ASSERT_EQ(sc.rollovers.size(), 8u);
    for (const auto& r : sc.rollovers) {
        const long long k = r.zone[4] - '1';
        EXPECT_EQ(r.stagger_offset, Seconds{k * 12 * kHour}) << r.zone;
        EXPECT_EQ(r.start, Seconds{kDay + k * 12 * kHour + (r.generation - 1) * 20 * kDay}) << r.zone;
    }
}

TEST(PortfolioScenario, PatternErrorsNameTheKeyOrValue)
{
    EXPECT_EQ(error_of("zones:\n  shop{5..1}.com.: {}\nprobes: { names: [www.shop1.com. A] }\n"),
              "5:3: the range {5..1} in 'shop{5..1}.com.' has no names; write the smaller number first, e.g. {1..5}");
    EXPECT_EQ(error_of("zones:\n  shop3.com.: {}\n  shop{1..4}.com.: {}\nprobes: { names: [www.shop1.com. A] }\n"),
              "6:3: zone shop3.com. is listed twice (first at line 5); merge the two");
    EXPECT_EQ(error_of("zones:\n  shop{1..4}.com.: {}\nprobes: { names: [www.shop1.com. A] }\ntimeline:\n"
                       "  - { at: +1d, fault: ds-missing, zone: \"shop{3..6}.com.\" }\n"),
              "8:41: zone shop5.com. is not in the scenario (did you mean 'shop1.com.'?)");
    EXPECT_EQ(error_of("zones:\n  shop{1..2}.com.: { records: [www.shop1.com. A 192.0.2.1] }\n"
                       "probes: { names: [www.shop1.com. A] }\n"),
              "5:32: owner www.shop1.com. is outside zone shop2.com.: the records of shop{1..2}.com. are written once "
              "for each of its zones, so write owners relative to the zone, e.g. 'www' or '@'");
    EXPECT_EQ(error_of("zones:\n  example.com.: {}\nprobes: { names: [www.example.com. A] }\nrollover:\n"
                       "  - { zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, stagger: 1d }\n"),
              "8:73: stagger spreads the starts of the zones a pattern names, and zone: example.com. is one zone; "
              "write zone: as a pattern such as shop{1..100}.com., or remove stagger");
    EXPECT_EQ(error_of("zones:\n  s{1..2}.com.: {}\nprobes: { names: [www.s1.com. A] }\nrollover:\n"
                       "  - { zone: \"s{1..2}.com.\", method: zsk-prepublish, key: zsk, start: +1d, every: 10d, "
                       "stagger: 11d }\n"),
              "8:96: stagger (11d) is longer than every (10d): the last zones would start after the first ones roll "
              "again; make stagger at most every");
    EXPECT_EQ(error_of("zones:\n  s{1..2}.com.: {}\nprobes: { names: [\"www.s{1..2.com. A\"] }\n"),
              "6:19: 'www.s{1..2.com. A' has an unmatched brace; a pattern holds one range such as {1..100}, e.g. "
              "shop{1..100}.example.");
}

TEST(PortfolioScenario, MonitorZonesAndEventsOnSomeZonesOfAPattern)
{
    const Scenario sc = parse(R"(zones:
  shop{1..5}.com.: {}
probes: { names: [www.shop1.com. A] }
monitors:
  health: { kind: rollsim-health, zones: ["shop{2..3}.com.", com.] }
timeline:
  - at: +1d
    do: stop-signer
    zone: shop{4..5}.com.
)");
    ASSERT_EQ(sc.monitors.size(), 1u);
    EXPECT_EQ(sc.monitors[0].zones, (std::vector<std::string>{"shop2.com.", "shop3.com.", "com."}));
    ASSERT_EQ(sc.timeline.size(), 2u);
    EXPECT_EQ(sc.timeline[0].zone, "shop4.com.");
    EXPECT_EQ(sc.timeline[1].zone, "shop5.com.");
    EXPECT_EQ(sc.timeline[1].action, ActionKind::StopSigner);
}
