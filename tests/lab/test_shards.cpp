// Shards and merges (cli/shard.hpp, cli/merge.hpp) and sweeps (scenario/sweep.hpp) through the
// real rollsim binary with real NSD and Unbound: three shards of a scenario directory, merged,
// give what one machine gives for the whole directory (the same verdicts and the same
// observations, scenario by scenario); a merge refuses missing and duplicated scenarios; a
// sweep of a KSK roll over DS TTL and registration delay, run as two shards and merged, gives
// its table and heat map.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace rollsim::test {
namespace {

namespace fs = std::filesystem;

const std::string kDir = "scenarios/basics";

std::set<std::string> files_of(const nlohmann::json& index)
{
    std::set<std::string> out;
    for (const auto& e : index["scenarios"]) out.insert(e["file"].get<std::string>());
    return out;
}

TEST(Shards, ThreeShardsMergedReproduceOneMachine)
{
    TempDir tmp;
    const auto single = run_rollsim({"run", kDir, "-j", "2", "--quiet", "--report-dir", (tmp / "single").string()});
    ASSERT_TRUE(single.status == 0 || single.status == 1) << single.output;

    std::set<std::string> seen;
    std::vector<std::string> merge_args{"merge"};
    for (int i = 1; i <= 3; ++i) {
        const std::string dir = (tmp / ("shard-" + std::to_string(i))).string();
        const auto shard = run_rollsim({"run", kDir, "-j", "2", "--quiet", "--shard", std::to_string(i) + "/3",
                                        "--report-dir", dir});
        ASSERT_TRUE(shard.status == 0 || shard.status == 1) << shard.output;
        const auto index = read_json(fs::path(dir) / "index.json");
        EXPECT_EQ(index["shard"]["index"], i);
        EXPECT_EQ(index["shard"]["total"], 3);
        EXPECT_EQ(index["listed"], read_json(tmp / "single" / "index.json")["listed"]);
        for (const auto& file : files_of(index)) EXPECT_TRUE(seen.insert(file).second) << file << " in two shards";
        merge_args.push_back(dir);
    }
    merge_args.insert(merge_args.end(), {"-o", (tmp / "merged").string()});
    const auto merged = run_rollsim(merge_args);
    EXPECT_EQ(merged.status, single.status) << merged.output;

    const auto one = read_json(tmp / "single" / "index.json"), all = read_json(tmp / "merged" / "index.json");
    EXPECT_EQ(seen, files_of(one));
    EXPECT_TRUE(all["shard"].is_null());
    ASSERT_EQ(all["scenarios"].size(), one["scenarios"].size());
    for (std::size_t i = 0; i < one["scenarios"].size(); ++i) {
        const auto& a = one["scenarios"][i];
        const auto& b = all["scenarios"][i];
        SCOPED_TRACE(a["file"].get<std::string>());
        EXPECT_EQ(a["file"], b["file"]);
        EXPECT_EQ(a["status"], b["status"]);
        for (const char* field : {"pass", "failure_windows", "first_failure", "expectations", "expectations_passed",
                                  "failed_expectations", "probe_results", "failed_probes", "failure_seconds"})
            EXPECT_EQ(a["result"][field], b["result"][field]) << field;
        const std::string name = a["report"];
        // What a rerun may not change (the golden tests' view): observations, windows, verdicts.
        EXPECT_EQ(golden_text(read_json(tmp / "single" / (name + ".json"))),
                  golden_text(read_json(tmp / "merged" / (name + ".json"))));
        for (const char* ext : {".xml", ".md", ".html", ".log"}) EXPECT_TRUE(fs::exists(tmp / "merged" / (name + ext))) << ext;
    }
    // The joined files hold every scenario.
    const std::string junit = read_file(tmp / "merged" / "junit.xml");
    const std::string summary = read_file(tmp / "merged" / "summary.md");
    const std::string html = read_file(tmp / "merged" / "index.html");
    for (const auto& e : one["scenarios"]) {
        EXPECT_TRUE(contains(junit, "file=\"" + e["file"].get<std::string>() + "\"")) << e["file"];
        EXPECT_TRUE(contains(summary, e["file"].get<std::string>())) << e["file"];
        EXPECT_TRUE(contains(html, e["report"].get<std::string>() + ".html")) << e["file"];
    }

    // A shard not given, and a shard given twice: exit 5 and one line.
    const auto missing = run_rollsim({"merge", merge_args[1], merge_args[3], "-o", (tmp / "m2").string()});
    EXPECT_EQ(missing.status, 5) << missing.output;
    EXPECT_TRUE(contains(missing.output, "listed scenarios missing, first ")) << missing.output;
    EXPECT_TRUE(contains(missing.output, "(shard 2/3 not given)")) << missing.output;
    EXPECT_EQ(std::count(missing.output.begin(), missing.output.end(), '\n'), 1) << missing.output;
    const auto twice = run_rollsim({"merge", merge_args[1], merge_args[1], merge_args[2], merge_args[3], "-o",
                                    (tmp / "m3").string()});
    EXPECT_EQ(twice.status, 5) << twice.output;
    EXPECT_TRUE(contains(twice.output, "ran in two shards")) << twice.output;
    // Not a report directory: exit 2.
    const auto none = run_rollsim({"merge", tmp.path().string(), "-o", (tmp / "m4").string()});
    EXPECT_EQ(none.status, 2) << none.output;
    EXPECT_TRUE(contains(none.output, "no index.json here")) << none.output;
}

// The catalog's sweep, as two shards and a merge: nine variants, the table of failure share and
// longest failure time by DS TTL and registration delay, and its heat map. Pinned to what
// Unbound answered (docs/scale-out.md says why): no failure with a 30m DS TTL, nor with a 20m
// registration delay (the DS change falls before the warm resolver's next DS fetch); otherwise
// the warm resolver fails from the swap until its old DS set expires, longer with the longer TTL.
TEST(Sweeps, KskRollOverDsTtlAndRegistrationDelayAsTwoShardsMerged)
{
    TempDir tmp;
    const std::string sweep = "scenarios/sweeps/ksk-double-ds-timing.yaml";
    for (const char* shard : {"1/2", "2/2"}) {
        const auto r = run_rollsim({"sweep", sweep, "-j", "2", "--quiet", "--shard", shard, "--report-dir",
                                    (tmp / ("s" + std::string(1, shard[0]))).string()});
        ASSERT_EQ(r.status, 0) << r.output;
    }
    const auto merged = run_rollsim({"merge", (tmp / "s1").string(), (tmp / "s2").string(), "-o", (tmp / "m").string()});
    ASSERT_EQ(merged.status, 0) << merged.output;
    const auto index = read_json(tmp / "m" / "index.json");
    ASSERT_EQ(index["scenarios"].size(), 9u);
    std::map<std::pair<std::string, std::string>, nlohmann::json> by;
    for (const auto& e : index["scenarios"]) {
        ASSERT_EQ(e["parameters"].size(), 2u) << e.dump();
        by[{e["parameters"][0]["value"], e["parameters"][1]["value"]}] = e["result"];
    }
    for (const auto& [key, result] : by) {
        SCOPED_TRACE(key.first + " " + key.second);
        const bool fails = key.first != "30m" && key.second != "20m";
        EXPECT_EQ(result["failed_probes"].get<int>() > 0, fails);
        if (fails) {
            EXPECT_EQ(result["failure_seconds"], key.first == "1h" ? 1800 : 5400);
        }
    }
    const std::string expected_rows = "registration-delay          30m           1h           2h\n"
                                      "20m                        0% –         0% –         0% –\n"
                                      "40m                        0% –     4.8% 30m   7.1% 1h30m\n"
                                      "1h                         0% –     4.7% 30m   7.0% 1h30m\n";
    EXPECT_TRUE(contains(merged.output, expected_rows)) << merged.output;
    const std::string summary = read_file(tmp / "m" / "summary.md");
    EXPECT_TRUE(contains(summary, "| 40m | 0% – | 4.8% 30m | 7.1% 1h30m |")) << summary;
    const std::string html = read_file(tmp / "m" / "index.html");
    EXPECT_TRUE(contains(html, "<table class=\"heat\">")) << html;
    EXPECT_TRUE(contains(html, ">7.1% 1h30m</td>")) << html;
}

TEST(Shards, BadShardIsRefusedBeforeAnythingRuns)
{
    const auto r = run_rollsim({"run", kDir, "--shard", "4/3"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.output, "rollsim: --shard 4/3: shard 4 of 3 does not exist; shards count from 1 to 3 (1/3 .. 3/3)\n");
}

}  // namespace
}  // namespace rollsim::test
