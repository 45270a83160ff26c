// Sweeps (scenario/sweep.hpp): lists, ranges and seeded draws expanded into variants, each the
// file's text with its values in place and read by the parser like any scenario; the tables a
// report directory shows of them (report/sweep_table.hpp). Malformed sweeps are fixtures in
// fixtures/scenarios/invalid/sweep-*.yaml.
#include "report/sweep_table.hpp"
#include "scenario/parse.hpp"
#include "scenario/sweep.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace rollsim::scenario {
namespace {

const std::string kBase = R"(name: sweep fixture
start: 2027-03-01T00:00:00Z
zones:
  example.com.:
    ttl: { dnskey: 30m, ds: ${ds-ttl} }
probes: { every: ${every}, names: [www.example.com. A] }
)";

std::vector<SweepVariant> expand(const std::string& sweep)
{
    auto v = expand_sweep(kBase + sweep, "f.yaml");
    EXPECT_TRUE(v.has_value());
    return v ? *v : std::vector<SweepVariant>{};
}

TEST(Sweep, PlainScenarioHasNone)
{
    EXPECT_FALSE(expand_sweep("name: x\nstart: 2027-03-01T00:00:00Z\n", "f.yaml"));
    EXPECT_FALSE(expand_sweep("{ unclosed", "f.yaml"));  // the parser reports YAML errors
}

TEST(Sweep, ProductOfListsAndRangesLastFastest)
{
    const auto v = expand("sweep:\n  ds-ttl: [30m, 2h]\n  every: { from: 10m, to: 30m, step: 10m }\n");
    ASSERT_EQ(v.size(), 6u);
    EXPECT_EQ(v[0].label, "f.yaml[ds-ttl=30m,every=10m]");
    EXPECT_EQ(v[1].label, "f.yaml[ds-ttl=30m,every=20m]");
    EXPECT_EQ(v[5].label, "f.yaml[ds-ttl=2h,every=30m]");
    EXPECT_EQ(values_text(v[5].values), "ds-ttl=2h, every=30m");
    // The values stand where the placeholders stood, on the same lines.
    EXPECT_NE(v[5].text.find("ttl: { dnskey: 30m, ds: 2h }\n"), std::string::npos);
    EXPECT_NE(v[5].text.find("probes: { every: 30m, names"), std::string::npos);
    EXPECT_EQ(std::count(v[5].text.begin(), v[5].text.end(), '\n'), std::count(kBase.begin(), kBase.end(), '\n') + 3);
    // Each variant is a scenario the parser reads.
    const Scenario sc = parse_sweep_variant(v[5], "f.yaml");
    EXPECT_EQ(sc.file, "f.yaml[ds-ttl=2h,every=30m]");
    const auto zone = std::find_if(sc.zones.begin(), sc.zones.end(), [](const ZoneSpec& z) { return z.name == "example.com."; });
    ASSERT_NE(zone, sc.zones.end());
    EXPECT_EQ(zone->ttl.ds, 7200u);
}

TEST(Sweep, RandomDrawsAreSeededDistinctAndOnTheStepsGrid)
{
    const std::string sweep = "sweep:\n  ds-ttl: { from: 1h, to: 5h, step: 30m, random: 4, seed: 7 }\n  every: [1h]\n";
    const auto a = expand(sweep), b = expand(sweep);
    ASSERT_EQ(a.size(), 4u);
    std::set<std::string> values;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].label, b[i].label);  // the same draw every time
        values.insert(a[i].values[0].second);
        const auto d = parse_duration(a[i].values[0].second);
        ASSERT_TRUE(d);
        EXPECT_GE(*d, Seconds(3600));
        EXPECT_LE(*d, Seconds(5 * 3600));
        EXPECT_EQ(d->count() % 1800, 0);
    }
    EXPECT_EQ(values.size(), 4u);
    const auto other = expand("sweep:\n  ds-ttl: { from: 1h, to: 5h, step: 30m, random: 4, seed: 8 }\n  every: [1h]\n");
    std::set<std::string> other_values;
    for (const auto& v : other) other_values.insert(v.values[0].second);
    EXPECT_NE(values, other_values);
}

TEST(Sweep, CatalogSweepHasItsVariants)
{
    // The file that stands for a sweep in the catalog parses as its first variant.
    const auto sc = parse_scenario(std::string(ROLLSIM_FIXTURES) + "/../scenarios/sweeps/ksk-double-ds-timing.yaml");
    EXPECT_NE(sc.file.find("ksk-double-ds-timing.yaml[ds-ttl="), std::string::npos) << sc.file;
}

report::BatchEntry entry(const std::string& ttl, const std::string& delay, long long failed, long long seconds, int status = 1)
{
    report::RunResult r;
    r.failure_windows = failed ? 1 : 0;
    r.probe_results = 100;
    r.failed_probes = failed;
    r.failure_seconds = Seconds(seconds);
    return {"s.yaml[ds-ttl=" + ttl + ",delay=" + delay + "]", {{"ds-ttl", ttl}, {"delay", delay}}, status, "", r, ""};
}

TEST(SweepTable, FailureShareAndLongestWindowByTheFirstTwoParameters)
{
    std::vector<report::BatchEntry> entries{entry("1h", "0s", 0, 0, 0), entry("2h", "0s", 10, 3600),
                                            entry("1h", "1h", 0, 0, 0), entry("2h", "1h", 25, 7800)};
    entries.push_back({"plain.yaml", {}, 0, "", std::nullopt, ""});
    const auto tables = report::sweep_tables(entries);
    ASSERT_EQ(tables.size(), 1u);
    const auto& t = tables[0];
    EXPECT_EQ(t.file, "s.yaml");
    EXPECT_EQ(t.xs, (std::vector<std::string>{"1h", "2h"}));
    EXPECT_EQ(t.ys, (std::vector<std::string>{"0s", "1h"}));
    EXPECT_EQ(report::cell_text(t.cells[0][0]), "0% –");
    EXPECT_EQ(report::cell_text(t.cells[0][1]), "10.0% 1h");
    EXPECT_EQ(report::cell_text(t.cells[1][1]), "25.0% 2h10m");
    const std::string md = report::sweep_markdown(t);
    EXPECT_NE(md.find("| delay | 1h | 2h |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 1h | 0% – | 25.0% 2h10m |"), std::string::npos) << md;
    const std::string html = report::sweep_heat_map(t);
    EXPECT_NE(html.find("rgba(213,94,0,0.00)"), std::string::npos);  // no failure: untinted
    EXPECT_NE(html.find("rgba(213,94,0,1.00)"), std::string::npos);  // 25% and more: full tint
    EXPECT_NE(html.find(">25.0% 2h10m</td>"), std::string::npos);
}

}  // namespace
}  // namespace rollsim::scenario
