// A portfolio's reports (report/zone_summary.hpp, docs/report-format.md "Large runs"): thirty
// zones under com., www. of each probed, a DS with a wrong digest for three of them
// (scenarios/portfolios/three-of-thirty-ds-broken.yaml), against real NSD and Unbound. Every
// format names exactly the three zones that real validators failed, failing-zones holds, and
// the same expectation pinned to the wrong zones fails the run.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rollsim::test {
namespace {

const std::set<std::string> kBroken = {"zz5.com.", "zz17.com.", "zz29.com."};

TEST(Portfolio, ReportsNameTheFailingZonesAndFailingZonesJudgesThem)
{
    TempDir dir;
    // The catalog's scenario, with one more expectation pinned to the wrong zones.
    std::string text = read_file(repo_path("scenarios/portfolios/three-of-thirty-ds-broken.yaml"));
    text += "  - { id: pinned-wrong, failing-zones: \"zz{4..5}.com.\" }\n";
    write_file(dir / "portfolio.yaml", text);
    const auto r = run_rollsim({"run", (dir / "portfolio.yaml").string(), "--report-json", (dir / "r.json").string(),
                                "--report-markdown", (dir / "r.md").string(), "--report-html",
                                (dir / "r.html").string(), "--report-junit", (dir / "r.xml").string()});
    // A failed expectation: exit status 1.
    ASSERT_EQ(r.status, 1) << r.output;
    const auto report = read_json(dir / "r.json");

    for (const auto& e : report["expectations"]) {
        if (e["id"] == "pinned-wrong") {
            EXPECT_EQ(e["verdict"], "fail");
            EXPECT_EQ(e["detail"], "3 zones failed; 1 zone did not fail: zz4.com.; 2 other zones failed: zz17.com., "
                                   "zz29.com.");
        } else {
            EXPECT_EQ(e["verdict"], "pass") << e.dump();
        }
    }
    // The JSON report: exactly the three zones, at both resolvers; 27 without failure.
    const auto& zones = report["zones"];
    EXPECT_EQ(zones["probe_names"], 30);
    EXPECT_EQ(zones["probed"], 30);
    EXPECT_EQ(zones["without_failure"], 27);
    std::set<std::string> failing;
    for (const auto& z : zones["failing"]) {
        failing.insert(z["zone"].get<std::string>());
        std::set<std::string> resolvers;
        for (const auto& res : z["resolvers"]) resolvers.insert(res["resolver"].get<std::string>());
        EXPECT_EQ(resolvers, (std::set<std::string>{"warm", "cold"})) << z.dump();
        for (const auto& res : z["resolvers"]) {
            if (res["resolver"] == "warm") {
                EXPECT_EQ(res["ede"], 9) << z.dump();  // DS hash mismatches key
            }
        }
        EXPECT_GE(z["first_failure_s"].get<long>(), 86400) << z.dump();
    }
    EXPECT_EQ(failing, kBroken);
    // Only failing probe results stay in a large run's JSON.
    for (const auto& o : report["observations"]) EXPECT_TRUE(kBroken.count(o["qname"].get<std::string>().substr(4)));
    EXPECT_GT(report["observations_left_out"].get<long>(), 0);

    // The terminal, Markdown, HTML and JUnit reports list the same three zones, and no other.
    const std::string md = read_file(dir / "r.md"), html = read_file(dir / "r.html"), xml = read_file(dir / "r.xml");
    EXPECT_TRUE(contains(r.output, "Failing zones (3 of 30 probed zones failed, 27 without failure; 30 probe names)"))
        << r.output;
    EXPECT_TRUE(contains(md, "### Failing zones")) << md;
    EXPECT_TRUE(contains(html, "<h2>Failing zones</h2>"));
    for (int n = 1; n <= 30; ++n) {
        const std::string zone = "zz" + std::to_string(n) + ".com.";
        const bool broken = kBroken.count(zone) > 0;
        EXPECT_EQ(contains(r.output, "  " + zone + "  from +1d"), broken) << zone << "\n" << r.output;
        EXPECT_EQ(contains(md, "| " + zone + " | warm |"), broken) << zone;
        EXPECT_EQ(contains(html, "<tr><td>" + zone + "</td><td>warm</td>"), broken) << zone;
        EXPECT_EQ(contains(xml, "  " + zone + "  from +1d"), broken) << zone;
    }
}

}  // namespace
}  // namespace rollsim::test
