// The differences between resolver kinds (docs/report-format.md, "Differences between resolver
// kinds") against what the real daemons answered: scenarios/resolvers/expired-rrsig.yaml asks
// Unbound, named, kresd, pdns_recursor and the cold libunbound validator, and each report format
// carries the section; its failing kinds, windows and disagreeing instants are those of the
// observations in the same JSON report.
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

std::string outcome_class(const nlohmann::json& o)
{
    if (failed(o)) return "fails";
    return o["validation"] == "secure" ? "secure" : "insecure";
}

bool is_daemon(const std::string& kind) { return kind != "libunbound"; }

// The instants of `qname qtype` at which the daemon kinds' answers split, from the observations.
std::set<long> disagreeing_instants(const nlohmann::json& report, const std::string& qname, const std::string& qtype)
{
    std::map<long, std::set<std::string>> classes;  // instant -> outcomes of the daemon kinds
    for (const auto& o : report["observations"])
        if (o["qname"] == qname && o["qtype"] == qtype && is_daemon(o["resolver_kind"]))
            classes[o["offset_s"].get<long>()].insert(outcome_class(o));
    std::set<long> out;
    for (const auto& [at, seen] : classes)
        if (seen.size() > 1) out.insert(at);
    return out;
}

TEST(KindDifferences, EveryFormatAgreesWithTheDaemonsAnswers)
{
    TempDir dir;
    const auto r = run_rollsim({"run", repo_path("scenarios/resolvers/expired-rrsig.yaml"), "--report-json",
                                (dir / "r.json").string(), "--report-markdown", (dir / "r.md").string(),
                                "--report-html", (dir / "r.html").string()});
    ASSERT_EQ(r.status, 0) << r.output;
    const auto report = read_json(dir / "r.json");
    ASSERT_TRUE(report.contains("kind_differences")) << "five resolvers of five kinds, no section";
    const auto& d = report["kind_differences"];

    std::set<std::string> kinds, failing_kinds;
    for (const auto& o : report["observations"]) {
        kinds.insert(o["resolver_kind"]);
        if (failed(o)) failing_kinds.insert(o["resolver_kind"]);
    }
    EXPECT_EQ(d["kinds"].get<std::set<std::string>>(), kinds);
    // Unbound's skew allowance covers the 30 minutes, the others' does not (docs/resolvers.md):
    // the section must not merely agree with itself.
    EXPECT_EQ(failing_kinds, (std::set<std::string>{"bind", "knot-resolver", "pdns-recursor"}));

    ASSERT_EQ(d["queries"].size(), 1u) << d.dump();
    const auto& q = d["queries"][0];
    EXPECT_EQ(q["query"], "www.example.com. A");
    EXPECT_EQ(q["failing"].get<std::set<std::string>>(), failing_kinds);
    EXPECT_EQ(q["never_failing"], (nlohmann::json{"unbound", "libunbound"}));

    // Each failure is one of the report's failure windows, with the EDE its first probe carried.
    ASSERT_EQ(q["failures"].size(), report["failure_windows"].size());
    for (const auto& f : q["failures"]) {
        const auto windows = windows_of(report, f["resolver"]);
        ASSERT_EQ(windows.size(), 1u) << f.dump();
        EXPECT_EQ(f["start_s"], windows[0]["start_s"]) << f.dump();
        EXPECT_EQ(f["end_s"], windows[0]["end_s"]) << f.dump();
        EXPECT_EQ(f["probes"], windows[0]["probes"]) << f.dump();
        EXPECT_EQ(f["said"][0]["ede"], windows[0]["ede"]) << f.dump();
        EXPECT_EQ(f["said"][0]["reason"], windows[0]["reason"]) << f.dump();
    }

    // The disagreements cover exactly the instants at which the daemon kinds' answers split.
    const auto want = disagreeing_instants(report, "www.example.com.", "A");
    ASSERT_FALSE(want.empty());
    std::set<long> listed;
    int counted = 0;
    for (const auto& x : q["disagreements"]) {
        listed.insert(x["first_s"].get<long>());
        listed.insert(x["last_s"].get<long>());
        counted += x["instants"].get<int>();
        EXPECT_TRUE(x["sides"].contains("fails")) << x.dump();
    }
    EXPECT_EQ(counted, static_cast<int>(want.size())) << q["disagreements"].dump();
    for (long t : listed) EXPECT_TRUE(want.count(t)) << t << " listed but the kinds agreed";

    EXPECT_TRUE(contains(r.output, "Differences between resolver kinds")) << r.output;
    EXPECT_TRUE(contains(r.output, "kinds disagree at +1d5m1s")) << r.output;
    const std::string md = read_file(dir / "r.md");
    EXPECT_TRUE(contains(md, "## Differences between resolver kinds")) << md;
    EXPECT_TRUE(contains(md, "fails: bind, knot-resolver, pdns-recursor")) << md;
    const std::string html = read_file(dir / "r.html");
    EXPECT_TRUE(contains(html, "<h2>Differences between resolver kinds</h2>"));
    for (const char* kind : {"unbound", "bind", "knot-resolver", "pdns-recursor", "libunbound"})
        EXPECT_TRUE(contains(html, std::string("<g class=\"kind-group\" data-kind=\"") + kind + "\">")) << kind;
}

}  // namespace
}  // namespace rollsim::test
