// A population of caches (docs/resolvers.md, "A population of caches") against what the real
// daemons answered: scenarios/populations/zsk-swap-no-prepublish.yaml asks 12 Unbound daemons,
// each from its own phase; the share of members failing that every report format shows is the
// one the observations of the same JSON report give, and only some members fail.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace rollsim::test {
namespace {

bool failed(const nlohmann::json& o)
{
    return o["rcode"].is_null() || o["rcode"] == "SERVFAIL" || o["validation"] == "bogus";
}

TEST(Population, TheShareFailingIsTheMembersAnswers)
{
    TempDir dir;
    const auto r = run_rollsim({"run", repo_path("scenarios/populations/zsk-swap-no-prepublish.yaml"), "--report-json",
                                (dir / "r.json").string(), "--report-markdown", (dir / "r.md").string(),
                                "--report-html", (dir / "r.html").string()});
    ASSERT_EQ(r.status, 0) << r.output;
    const auto report = read_json(dir / "r.json");
    ASSERT_TRUE(report.contains("populations")) << "a population, no section";
    ASSERT_EQ(report["populations"].size(), 1u);
    const auto& p = report["populations"][0];
    EXPECT_EQ(p["population"], "pop");
    EXPECT_EQ(p["size"], 12);
    EXPECT_EQ(p["interval_s"], 1201);

    // Each member's first probe is its phase (i/12 of the DNSKEY TTL), and the members never share
    // a probe instant: no measurement refreshes their caches in step.
    std::map<std::string, std::vector<long>> instants;
    for (const auto& o : report["observations"]) instants[o["resolver"]].push_back(o["offset_s"].get<long>());
    ASSERT_EQ(instants.size(), 12u);
    std::set<long> all;
    std::size_t probes = 0;
    for (const auto& [member, at] : instants) {
        const int i = std::stoi(member.substr(member.find('.') + 1)) - 1;
        EXPECT_EQ(at.front(), 300L * i) << member;
        all.insert(at.begin(), at.end());
        probes += at.size();
    }
    EXPECT_EQ(all.size(), probes);

    // Every span is what the members' last answers say at its start, and between spans the
    // count changes.
    const auto& spans = p["queries"][0]["spans"];
    ASSERT_FALSE(spans.empty());
    int peak = 0;
    for (const auto& s : spans) {
        const long from = s["from_s"].get<long>();
        std::map<std::string, bool> last;
        for (const auto& o : report["observations"])
            if (o["offset_s"].get<long>() <= from) last[o["resolver"]] = failed(o);
        int failing = 0;
        for (const auto& [member, f] : last) failing += f ? 1 : 0;
        EXPECT_EQ(s["failing"], failing) << s.dump();
        EXPECT_EQ(s["members"], static_cast<int>(last.size())) << s.dump();
        peak = std::max(peak, s["percent"].get<int>());
    }
    EXPECT_EQ(p["queries"][0]["peak_percent"], peak);
    // Only some members fail, and not all at once: the phases matter.
    std::set<std::string> failing_members;
    for (const auto& o : report["observations"])
        if (failed(o)) failing_members.insert(o["resolver"]);
    EXPECT_GT(failing_members.size(), 1u);
    EXPECT_GT(peak, 0);
    EXPECT_LT(peak, 100);

    EXPECT_TRUE(contains(r.output, "Population 'pop': 12 unbound daemons")) << r.output;
    EXPECT_TRUE(contains(read_file(dir / "r.md"), "## Population pop"));
    EXPECT_TRUE(contains(read_file(dir / "r.html"), "<section class=\"population\">"));
}

}  // namespace
}  // namespace rollsim::test
