// Shards (cli/shard.hpp): --shard I/N and --shard auto read and refused as documented; the
// partition puts every scenario in exactly one shard, the same one in every run, and balances
// counts (without durations) and wall clocks (with them). The index a shard writes
// (report/batch_index.hpp) reads back as written.
#include "cli/shard.hpp"
#include "core/error.hpp"
#include "report/batch_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

namespace rollsim::cli {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars)
{
    return [vars](const std::string& name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

std::string refusal(const std::string& text, std::map<std::string, std::string> vars = {})
{
    try {
        parse_shard(text, env_of(vars));
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.code(), ExitCode::InvalidScenario);
        return e.what();
    }
    return "accepted";
}

std::vector<std::string> catalog(int n)
{
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) keys.push_back("scenarios/dir" + std::to_string(i % 7) + "/s" + std::to_string(i) + ".yaml");
    return keys;
}

TEST(Shard, ReadsIOverN)
{
    const ShardSpec s = parse_shard("2/3", env_of({}));
    EXPECT_EQ(s.index, 2);
    EXPECT_EQ(s.total, 3);
    EXPECT_EQ(parse_shard("1/1", env_of({})).total, 1);
}

TEST(Shard, RefusesBadValuesWithOneLine)
{
    EXPECT_EQ(refusal("0/3"), "--shard 0/3: shard 0 of 3 does not exist; shards count from 1 to 3 (1/3 .. 3/3)");
    EXPECT_EQ(refusal("4/3"), "--shard 4/3: shard 4 of 3 does not exist; shards count from 1 to 3 (1/3 .. 3/3)");
    EXPECT_EQ(refusal("1/0"), "--shard 1/0: the number of shards must be 1 to 10000, not 0");
    EXPECT_EQ(refusal("-1/3"), "--shard -1/3: shard -1 of 3 does not exist; shards count from 1 to 3 (1/3 .. 3/3)");
    for (const char* bad : {"2", "a/3", "2/", "/3", "2/3x", "2 /3", "1/3/4", "+1/3"})
        EXPECT_EQ(refusal(bad), std::string("--shard ") + bad +
                                    ": write the shard as I/N (this machine's part, counted from 1, of N), e.g. "
                                    "--shard 2/3, or --shard auto")
            << bad;
}

TEST(Shard, AutoReadsGitLabOneBased)
{
    const ShardSpec s = parse_shard("auto", env_of({{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "4"}}));
    EXPECT_EQ(s.index, 3);
    EXPECT_EQ(s.total, 4);
    EXPECT_EQ(refusal("auto", {{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "4"}}),
              "--shard auto (CI_NODE_INDEX=0, CI_NODE_TOTAL=4): shard 0 of 4 does not exist; shards count from 1 to 4 "
              "(1/4 .. 4/4)");
    EXPECT_EQ(refusal("auto", {{"CI_NODE_INDEX", "1"}}),
              "--shard auto: CI_NODE_TOTAL is not set; GitLab sets it with CI_NODE_INDEX under parallel:");
    EXPECT_EQ(refusal("auto", {{"CI_NODE_INDEX", "x"}, {"CI_NODE_TOTAL", "2"}}),
              "--shard auto: CI_NODE_INDEX='x' is not a whole number");
}

TEST(Shard, AutoReadsKubernetesZeroBasedWithTheTotalGiven)
{
    const ShardSpec s = parse_shard("auto", env_of({{"JOB_COMPLETION_INDEX", "0"}, {"ROLLSIM_SHARD_TOTAL", "3"}}));
    EXPECT_EQ(s.index, 1);
    EXPECT_EQ(s.total, 3);
    EXPECT_EQ(parse_shard("auto", env_of({{"JOB_COMPLETION_INDEX", "2"}, {"ROLLSIM_SHARD_TOTAL", "3"}})).index, 3);
    EXPECT_EQ(refusal("auto", {{"JOB_COMPLETION_INDEX", "3"}, {"ROLLSIM_SHARD_TOTAL", "3"}}),
              "--shard auto (JOB_COMPLETION_INDEX=3, ROLLSIM_SHARD_TOTAL=3): shard 4 of 3 does not exist; shards "
              "count from 1 to 3 (1/3 .. 3/3)");
    EXPECT_EQ(refusal("auto", {{"JOB_COMPLETION_INDEX", "1"}}),
              "--shard auto: ROLLSIM_SHARD_TOTAL is not set; set it to the Job's completions (deploy/kubernetes/, "
              "docs/scale-out.md)");
    EXPECT_EQ(refusal("auto"), "--shard auto: none of CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel:) or "
                               "JOB_COMPLETION_INDEX with ROLLSIM_SHARD_TOTAL (Kubernetes Indexed Job) is set; give "
                               "the shard as --shard I/N");
}

TEST(Shard, HashIsFnv1a64)
{
    // Published FNV-1a test vectors: the hash must not depend on the platform or the build.
    EXPECT_EQ(shard_hash(""), 0xcbf29ce484222325ull);
    EXPECT_EQ(shard_hash("a"), 0xaf63dc4c8601ec8cull);
    EXPECT_EQ(shard_hash("foobar"), 0x85944171f73967e8ull);
}

TEST(Shard, EveryScenarioInExactlyOneShardAndCountsBalanced)
{
    for (const int n : {0, 1, 5, 67, 200}) {
        const auto keys = catalog(n);
        for (const int total : {1, 2, 3, 7, 10}) {
            const auto part = partition(keys, total);
            ASSERT_EQ(part.size(), keys.size());
            std::vector<int> count(static_cast<std::size_t>(total) + 1, 0);
            for (const int p : part) {
                ASSERT_GE(p, 1);
                ASSERT_LE(p, total);
                ++count[static_cast<std::size_t>(p)];
            }
            const auto [lo, hi] = std::minmax_element(count.begin() + 1, count.end());
            EXPECT_LE(*hi - *lo, 1) << n << " scenarios in " << total << " shards";
        }
    }
}

TEST(Shard, StableAcrossRunsAndListOrder)
{
    const auto keys = catalog(67);
    EXPECT_EQ(partition(keys, 3), partition(keys, 3));
    // The partition follows the keys, not where they stand in the list.
    auto reversed = keys;
    std::reverse(reversed.begin(), reversed.end());
    auto back = partition(reversed, 3);
    std::reverse(back.begin(), back.end());
    EXPECT_EQ(back, partition(keys, 3));
    // Pinned: a change of the algorithm moves scenarios between CI machines; say so when it does.
    EXPECT_EQ(partition({"scenarios/a.yaml", "scenarios/b.yaml", "scenarios/c.yaml", "scenarios/d.yaml"}, 2),
              (std::vector<int>{2, 2, 1, 1}));
}

TEST(Shard, BalancesByDurations)
{
    const auto keys = catalog(30);
    std::map<std::string, double> seconds;
    for (std::size_t i = 0; i < keys.size(); ++i) seconds[keys[i]] = i < 3 ? 100.0 : 5.0;  // three long ones
    const auto part = partition(keys, 3, seconds);
    std::vector<double> load(4, 0);
    std::vector<int> long_in(4, 0);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        load[static_cast<std::size_t>(part[i])] += seconds[keys[i]];
        if (i < 3) ++long_in[static_cast<std::size_t>(part[i])];
    }
    EXPECT_EQ(long_in, (std::vector<int>{0, 1, 1, 1}));  // one long scenario per shard
    EXPECT_EQ(load[1], 100 + 45.0);                      // and the short ones spread evenly
    EXPECT_EQ(load[2], load[1]);
    EXPECT_EQ(load[3], load[1]);
    // A scenario the report does not know weighs the mean of those it does.
    auto more = keys;
    more.push_back("scenarios/new.yaml");
    const auto with_new = partition(more, 3, seconds);
    EXPECT_EQ(std::count_if(with_new.begin(), with_new.end(), [](int p) { return p >= 1 && p <= 3; }), 31);
}

TEST(BatchIndex, ReadsBackAsWritten)
{
    report::BatchIndex index;
    index.listed = {"a.yaml", "s.yaml[ttl=1h]"};
    index.shard = report::ShardOfList{2, 3};
    index.jobs = 2;
    index.wall_seconds = 12.5;
    report::RunResult r;
    r.name = "A";
    r.pass = true;
    r.probe_results = 40;
    r.failed_probes = 3;
    r.failure_seconds = Seconds(5400);
    r.first_failure = Seconds(60);
    index.entries.push_back({"s.yaml[ttl=1h]", {{"ttl", "1h"}}, 1, "", r, "s-ttl-1h"});
    index.entries.push_back({"a.yaml", {}, 3, "lab error", std::nullopt, "a"});
    const auto back = report::parse_batch_index(report::to_text(index));
    EXPECT_EQ(back.listed, index.listed);
    ASSERT_TRUE(back.shard);
    EXPECT_EQ(back.shard->index, 2);
    EXPECT_EQ(back.shard->total, 3);
    ASSERT_EQ(back.entries.size(), 2u);
    EXPECT_EQ(back.entries[0].parameters, index.entries[0].parameters);
    ASSERT_TRUE(back.entries[0].result);
    EXPECT_EQ(back.entries[0].result->failure_seconds, Seconds(5400));
    EXPECT_EQ(back.entries[0].result->failed_probes, 3);
    EXPECT_EQ(back.entries[1].error, "lab error");
    EXPECT_FALSE(back.entries[1].result);
    EXPECT_THROW(report::parse_batch_index("{}"), std::runtime_error);
    EXPECT_THROW(report::parse_batch_index("not json"), std::runtime_error);
}

}  // namespace
}  // namespace rollsim::cli
