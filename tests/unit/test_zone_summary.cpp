// The per-zone summary of a large run (report/zone_summary.hpp) and the failing-zones
// expectation, from a scenario of 30 zones and hand-made runs in which some of them fail.
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/html_report.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"
#include "report/zone_summary.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <fmt/format.h>

namespace rollsim::report {
namespace {

constexpr long kDay = 86400;

// `zones` zones zz1.com. .. under com., www. of each probed, and the expectations given.
std::string portfolio(int zones, const std::string& expect)
{
    std::string text = "name: portfolio\nstart: 2027-03-01T00:00:00Z\nduration: 10d\nzones:\n  com.:\n";
    for (int z = 1; z <= zones; ++z) text += fmt::format("  zz{}.com.: {{}}\n", z);
    text += "resolvers: { warm: { kind: unbound }, other: { kind: unbound } }\nprobes:\n  every: 1d\n  names:\n";
    for (int z = 1; z <= zones; ++z) text += fmt::format("    - www.zz{}.com. A\n", z);
    return text + "expect:\n" + expect;
}

scenario::Scenario load(const std::string& text)
{
    return prepare::prepare_scenario_text(text, "t.yaml", std::filesystem::temp_directory_path()).scenario;
}

std::string error_of(const std::string& text)
{
    try {
        load(text);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

// Every zone probed daily at both resolvers; `failing(zone, day)` says which probes fail at warm.
template <typename Failing>
runner::RunRecord run(int zones, int days, Failing failing)
{
    runner::RunRecord r;
    for (int d = 0; d < days; ++d)
        for (const char* resolver : {"warm", "other"})
            for (int z = 1; z <= zones; ++z) {
                runner::Observation o;
                o.offset = Seconds(d * kDay);
                o.resolver = resolver;
                o.query = {fmt::format("www.zz{}.com.", z), "A"};
                const bool fails = std::string(resolver) == "warm" && failing(z, d);
                o.rcode = fails ? dns::Rcode::ServFail : dns::Rcode::NoError;
                o.ad = !fails;
                o.validation = fails ? dns::Validation::Bogus : dns::Validation::Secure;
                if (fails) {
                    o.ede = dns::Ede::DnskeyMissing;
                    o.reason = "validation failure";
                }
                r.observations.push_back(o);
            }
    return r;
}

TEST(ZoneSummary, LargeRunListsFailingZonesWithSpansAndCountsTheRest)
{
    const auto sc = load(portfolio(30, "  - { failing-zones: [zz3.com., \"zz{7..8}.com.\"], resolver: warm }\n"));
    // zz3 fails on days 2-3, zz7 on day 5 and from day 8 to the end, zz8 on day 1.
    const auto record = run(30, 10, [](int z, int d) {
        return (z == 3 && (d == 2 || d == 3)) || (z == 7 && (d == 5 || d >= 8)) || (z == 8 && d == 1);
    });
    const auto summary = summarize(sc, {}, record);
    const ZoneSummary& zones = summary.zones;
    EXPECT_TRUE(zones.large);
    EXPECT_EQ(zones.probe_names, 30u);
    EXPECT_EQ(zones.probed_zones, 30u);
    EXPECT_EQ(zones.healthy_zones(), 27u);
    ASSERT_EQ(zones.failing.size(), 3u);
    EXPECT_EQ(zones.failing[0].zone, "zz8.com.");  // by first failure
    EXPECT_EQ(zones.failing[1].zone, "zz3.com.");
    EXPECT_EQ(zones.failing[2].zone, "zz7.com.");
    const auto& zz7 = zones.failing[2];
    EXPECT_EQ(zz7.failing_probes, 3);
    ASSERT_EQ(zz7.resolvers.size(), 1u);
    EXPECT_EQ(zz7.resolvers[0].resolver, "warm");
    EXPECT_EQ(spans_text(zz7.resolvers[0].spans), "+5d .. +6d, +8d .. end");
    EXPECT_EQ(zz7.resolvers[0].what, "SERVFAIL EDE 9");
    EXPECT_EQ(zz7.resolvers[0].reason, "validation failure");
    ASSERT_EQ(summary.expectations.size(), 1u);
    EXPECT_TRUE(summary.expectations[0].verdict.pass) << summary.expectations[0].verdict.detail;
    EXPECT_EQ(summary.expectations[0].verdict.matched, 300);

    // Each format names the three zones and not the names' windows.
    std::ostringstream terminal;
    print_summary(terminal, sc, record, summary, {});
    EXPECT_NE(terminal.str().find("Failing zones (3 of 30 probed zones failed, 27 without failure; 30 probe names)"),
              std::string::npos)
        << terminal.str();
    EXPECT_NE(terminal.str().find("zz7.com.  from +5d, 3 failing probes  warm: 3 failing probes SERVFAIL EDE 9 "
                                  "(+5d .. +6d, +8d .. end)"),
              std::string::npos)
        << terminal.str();
    EXPECT_EQ(terminal.str().find("Failure windows"), std::string::npos);
    const auto json = json_report(sc, record, summary);
    ASSERT_EQ(json["zones"]["failing"].size(), 3u);
    EXPECT_EQ(json["zones"]["without_failure"], 27);
    EXPECT_EQ(json["zones"]["failing"][2]["resolvers"][0]["spans"][1]["until_s"], nullptr);
    // Only the failing probe results stay in a large run's JSON.
    EXPECT_EQ(json["observations"].size(), 6u);
    EXPECT_EQ(json["observations_left_out"], 594);
    const std::string md = markdown_report(sc, record, summary);
    EXPECT_NE(md.find("### Failing zones"), std::string::npos);
    EXPECT_NE(md.find("| zz3.com. | warm | +2d .. +4d | 2 | SERVFAIL EDE 9 | validation failure |"), std::string::npos)
        << md;
    EXPECT_EQ(md.find("### Failure windows"), std::string::npos);
    const std::string html = html_report(sc, record, summary);
    EXPECT_NE(html.find("<h2>Failing zones</h2>"), std::string::npos);
    EXPECT_EQ(html.find("Each failure window"), std::string::npos);
    EXPECT_NE(junit_report(sc, record, summary).find("zz8.com.  from +1d"), std::string::npos);
}

TEST(ZoneSummary, TerminalCapsTheListAndJsonKeepsEveryZone)
{
    const auto sc = load(portfolio(40, "  - { failing-zones: \"zz{1..40}.com.\" }\n"));
    const auto record = run(40, 3, [](int, int d) { return d == 1; });
    const auto summary = summarize(sc, {}, record);
    std::ostringstream terminal;
    print_summary(terminal, sc, record, summary, {});
    EXPECT_NE(terminal.str().find("  and 10 more zones failed; see the JSON report\n"), std::string::npos);
    EXPECT_EQ(json_report(sc, record, summary)["zones"]["failing"].size(), 40u);
    EXPECT_TRUE(summary.expectations[0].verdict.pass) << summary.expectations[0].verdict.detail;
    EXPECT_EQ(summary.expectations[0].verdict.expectation->text,
              "exactly 40 zones fail: zz1.com., zz10.com., zz11.com. and 37 more");
}

TEST(ZoneSummary, SmallRunShowsNoZoneSection)
{
    const auto sc = load(portfolio(10, "  - { failing-zones: none }\n"));
    const auto record = run(10, 3, [](int, int) { return false; });
    const auto summary = summarize(sc, {}, record);
    EXPECT_FALSE(summary.zones.large);
    EXPECT_FALSE(json_report(sc, record, summary).contains("zones"));
    std::ostringstream terminal;
    print_summary(terminal, sc, record, summary, {});
    EXPECT_EQ(terminal.str().find("Failing zones"), std::string::npos);
    EXPECT_NE(terminal.str().find("Failure windows"), std::string::npos);
    EXPECT_TRUE(summary.expectations[0].verdict.pass);
}

TEST(ZoneSummary, FailingZonesFailureNamesMissingAndUnexpectedZones)
{
    const auto sc = load(portfolio(30, "  - { failing-zones: \"zz{1..3}.com.\" }\n  - { failing-zones: none, resolver: other }\n"
                                       "  - { failing-zones: none }\n"));
    const auto record = run(30, 3, [](int z, int d) { return d == 1 && (z == 2 || z == 3 || z >= 20); });
    const auto summary = summarize(sc, {}, record);
    ASSERT_EQ(summary.expectations.size(), 3u);
    const auto& pinned = summary.expectations[0].verdict;
    EXPECT_FALSE(pinned.pass);
    EXPECT_EQ(pinned.detail, "13 zones failed; 1 zone did not fail: zz1.com.; 11 other zones failed: zz20.com., "
                             "zz21.com., zz22.com., zz23.com., zz24.com. and 6 more");
    EXPECT_TRUE(summary.expectations[1].verdict.pass) << summary.expectations[1].verdict.detail;
    EXPECT_FALSE(summary.expectations[2].verdict.pass);
    EXPECT_EQ(summary.expectations[0].verdict.expectation->text, "exactly 3 zones fail: zz1.com., zz2.com., zz3.com.");
    EXPECT_EQ(summary.expectations[1].verdict.expectation->text, "no zone fails on other");
}

TEST(ZoneSummary, ZoneIndexFindsTheDeepestZone)
{
    const auto sc = load(portfolio(3, "  - { failing-zones: none }\n"));
    const ZoneIndex index(sc);
    EXPECT_EQ(index.zone_of("www.zz1.com."), "zz1.com.");
    EXPECT_EQ(index.zone_of("a.b.zz2.com."), "zz2.com.");
    EXPECT_EQ(index.zone_of("zz1.com."), "zz1.com.");
    EXPECT_EQ(index.zone_of("www.other.com."), "com.");
    EXPECT_EQ(index.zone_of("www.example.net."), ".");
}

TEST(ZoneSummary, FailingZonesErrors)
{
    EXPECT_EQ(error_of(portfolio(3, "  - { failing-zones: [] }\n")),
              "t.yaml:17:22: failing-zones is an empty list; write 'failing-zones: none' to expect that no zone fails");
    EXPECT_EQ(error_of(portfolio(3, "  - { failing-zones: zz4.com. }\n")),
              "t.yaml:17:22: zone zz4.com. is not in the scenario (did you mean 'zz1.com.'?)");
    EXPECT_EQ(error_of(portfolio(3, "  - { failing-zones: com. }\n")),
              "t.yaml:17:22: zone com. holds no probed name, so it cannot fail; probe a name in it (probes.names) or "
              "leave it out of failing-zones");
    EXPECT_EQ(error_of(portfolio(3, "  - { failing-zones: [\"zz{1..2}.com.\", zz2.com.] }\n")),
              "t.yaml:17:40: zone zz2.com. is named twice in failing-zones; name each zone once");
    EXPECT_EQ(error_of(portfolio(3, "  - { failing-zones: \"zz{2..1}.com.\" }\n")).substr(0, 35),
              "t.yaml:17:22: failing-zones: the ra");
    EXPECT_EQ(error_of(portfolio(3, "  - { failing-zones: none, outcome: bogus }\n")).substr(0, 13), "t.yaml:17:28:");
}

}  // namespace
}  // namespace rollsim::report
