// The parent agent (docs/parent-agent.md) against real NSD and Unbound through the rollsim
// binary: the agent reads the real servers' CDS/CDNSKEY, and the JSON report must show what it
// accepted or refused and why, the DS changes it made, and what the resolvers answered.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

namespace rollsim::test {
namespace {

constexpr long kHour = 3600;

// The "ds-add"/"ds-remove" events the agent scheduled, as "<offset> <text>".
std::vector<std::string> agent_ds_events(const nlohmann::json& report)
{
    std::vector<std::string> out;
    for (const auto& e : report["events"])
        if (e["source"] == "timeline" && e["say"].get<std::string>().rfind("parent agent:", 0) == 0)
            out.push_back(std::to_string(e["offset_s"].get<long>()) + " " + e["text"].get<std::string>());
    return out;
}

TEST(ParentAgentLab, KskDoubleDsDrivenByCdsAddsThenRemovesTheDsWithoutFailures)
{
    auto report = run_and_report("scenarios/parent-agent/ksk-double-ds-cds.yaml");
    expect_every_expectation_passed(report);
    const auto& decisions = report["parent_agent"];
    ASSERT_EQ(decisions.size(), 2u) << decisions.dump();
    // CDS published at +6h30m: the +7h scan accepts both KSKs, the DS is added at +8h.
    EXPECT_EQ(decisions[0]["offset_s"], 7 * kHour);
    EXPECT_EQ(decisions[0]["verdict"], "accepted");
    EXPECT_TRUE(contains(decisions[0]["reason"], "identical on ns1, ns2")) << decisions[0].dump();
    EXPECT_EQ(decisions[0]["ds"].size(), 2u);
    EXPECT_EQ(decisions[0]["ds_change_s"], 8 * kHour);
    // The old CDS withdrawn at +11h10m: the +12h scan accepts ksk-next alone, DS removed at +13h.
    EXPECT_EQ(decisions[1]["offset_s"], 12 * kHour);
    EXPECT_EQ(decisions[1]["verdict"], "accepted");
    EXPECT_TRUE(contains(decisions[1]["reason"], "removes")) << decisions[1].dump();
    EXPECT_EQ(decisions[1]["ds"].size(), 1u);
    EXPECT_EQ(agent_ds_events(report),
              (std::vector<std::string>{std::to_string(8 * kHour) + " ds-add ksk-next (example.com.)",
                                        std::to_string(13 * kHour) + " ds-remove ksk (example.com.)"}));
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    for (const auto& o : report["observations"]) EXPECT_EQ(o["validation"], "secure") << o.dump();
}

// The other planned methods in a zone with a parent agent: the agent makes the DS changes
// (the ones the plan expects, at scan + 1h), and nobody fails.
TEST(ParentAgentLab, EveryDsChangingMethodRollsThroughCds)
{
    const struct {
        const char* scenario;
        std::vector<std::string> ds_events;
    } cases[] = {
        {"scenarios/parent-agent/ksk-double-ksk-cds.yaml",
         {std::to_string(9 * kHour) + " ds-add ksk-next (example.com.)",
          std::to_string(9 * kHour) + " ds-remove ksk (example.com.)"}},
        {"scenarios/parent-agent/ksk-double-rrset-cds.yaml",
         {std::to_string(8 * kHour) + " ds-add ksk-next (example.com.)",
          std::to_string(12 * kHour) + " ds-remove ksk (example.com.)"}},
        {"scenarios/parent-agent/csk-cds.yaml",
         {std::to_string(9 * kHour) + " ds-add csk-next (example.com.)",
          std::to_string(9 * kHour) + " ds-remove csk (example.com.)"}},
        {"scenarios/parent-agent/algorithm-cds.yaml",
         {std::to_string(15 * kHour) + " ds-add ksk-next (example.com.)",
          std::to_string(15 * kHour) + " ds-remove ksk (example.com.)"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        auto report = run_and_report(c.scenario);
        expect_every_expectation_passed(report);
        for (const auto& d : report["parent_agent"]) EXPECT_EQ(d["verdict"], "accepted") << d.dump();
        EXPECT_EQ(agent_ds_events(report), c.ds_events);
        EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    }
}

// The roll goes on while the agent refuses: the swap breaks the chain, after which the agent
// cannot authenticate the CDS any more; a manual DS at the registrar repairs it.
TEST(ParentAgentLab, RefusedCdsAndAPlanThatGoesOnBreakTheChain)
{
    auto report = run_and_report("scenarios/parent-agent/ksk-double-ds-cds-refused.yaml");
    expect_every_expectation_passed(report);
    const auto& decisions = report["parent_agent"];
    ASSERT_EQ(decisions.size(), 3u) << decisions.dump();
    EXPECT_EQ(decisions[0]["offset_s"], 7 * kHour);
    EXPECT_EQ(decisions[0]["verdict"], "refused");
    EXPECT_TRUE(contains(decisions[0]["reason"], "CDS differs between ns1")) << decisions[0].dump();
    EXPECT_EQ(decisions[1]["offset_s"], 12 * kHour);
    EXPECT_EQ(decisions[1]["verdict"], "refused");
    EXPECT_TRUE(contains(decisions[1]["reason"], "no DNSKEY on ns1 matches the DS set at the parent")) << decisions[1].dump();
    EXPECT_EQ(decisions[2]["offset_s"], 14 * kHour);
    EXPECT_EQ(decisions[2]["verdict"], "accepted");
    EXPECT_EQ(agent_ds_events(report), std::vector<std::string>{std::to_string(15 * kHour) + " ds-remove ksk (example.com.)"});
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(cold[0]["start_s"], 10 * kHour + 35 * 60);
    EXPECT_EQ(cold[0]["end_s"], 14 * kHour);
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(warm[0]["ede"], 9);
}

// A refusal that lasts several scans is reported once; the repair lets the next scan accept.
void expect_refused_then_accepted(const nlohmann::json& report, const std::string& refusal)
{
    const auto& decisions = report["parent_agent"];
    ASSERT_EQ(decisions.size(), 2u) << decisions.dump();
    EXPECT_EQ(decisions[0]["offset_s"], 2 * kHour);
    EXPECT_EQ(decisions[0]["verdict"], "refused");
    EXPECT_TRUE(contains(decisions[0]["reason"], refusal)) << decisions[0].dump();
    EXPECT_EQ(decisions[0]["ds"].size(), 1u);  // unchanged: ksk's DS only
    EXPECT_TRUE(decisions[0]["ds_change_s"].is_null());
    EXPECT_EQ(decisions[1]["offset_s"], 6 * kHour);
    EXPECT_EQ(decisions[1]["verdict"], "accepted");
    EXPECT_EQ(decisions[1]["ds"].size(), 2u);
    EXPECT_EQ(agent_ds_events(report),
              std::vector<std::string>{std::to_string(7 * kHour) + " ds-add ksk-b (example.com.)"});
    // A refused CDS leaves the DS alone: no resolver fails.
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
}

TEST(ParentAgentLab, CdsInconsistentAcrossServersIsRefused)
{
    auto report = run_and_report("scenarios/faults/cds-inconsistent.yaml");
    expect_every_expectation_passed(report);
    expect_refused_then_accepted(report, "CDS differs between ns1 (CDS ");
    EXPECT_TRUE(contains(report["parent_agent"][0]["reason"], "and ns2 (none)")) << report["parent_agent"].dump();
}

TEST(ParentAgentLab, CdsNotSignedByADsKeyIsRefused)
{
    auto report = run_and_report("scenarios/faults/cds-not-signed-by-ds-key.yaml");
    expect_every_expectation_passed(report);
    expect_refused_then_accepted(report, "the CDS RRset on ns1 is not signed by a key in the DS set (signed by tag ");
}

TEST(ParentAgentLab, PrematureDeleteAcceptedFailsUntilTheCachedDsExpires)
{
    auto report = run_and_report("scenarios/faults/cds-premature-delete.yaml");
    expect_every_expectation_passed(report);
    const auto& decisions = report["parent_agent"];
    ASSERT_EQ(decisions.size(), 1u) << decisions.dump();
    EXPECT_EQ(decisions[0]["verdict"], "accepted");
    EXPECT_TRUE(contains(decisions[0]["reason"], "delete signal (RFC 8078 4)")) << decisions[0].dump();
    EXPECT_TRUE(decisions[0]["ds"].empty());
    EXPECT_EQ(agent_ds_events(report), std::vector<std::string>{std::to_string(3 * kHour) + " ds-remove ksk (example.com.)"});
    // Cold: bogus while the DS is at the parent (+2h .. +3h); warm: until its cached DS expired.
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(cold[0]["start_s"], 2 * kHour);
    EXPECT_EQ(cold[0]["end_s"], 3 * kHour);
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(warm[0]["ede"], 12);
    EXPECT_EQ(warm[0]["end_s"], 4 * kHour);
    for (const auto& o : observations_of(report, "warm", "www.example.com.", "A"))
        if (o["offset_s"].get<long>() >= 4 * kHour) {
            EXPECT_EQ(o["validation"], "insecure") << o.dump();
        }
}

TEST(ParentAgentLab, PrematureDeleteRefusedFailsUntilRepaired)
{
    auto report = run_and_report("scenarios/faults/cds-premature-delete-refused.yaml");
    expect_every_expectation_passed(report);
    const auto& decisions = report["parent_agent"];
    ASSERT_EQ(decisions.size(), 1u) << decisions.dump();
    EXPECT_EQ(decisions[0]["verdict"], "refused");
    EXPECT_EQ(decisions[0]["reason"], "delete signal (RFC 8078 4): refused by the parent's policy (delete: refuse)");
    EXPECT_TRUE(agent_ds_events(report).empty());
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(cold[0]["start_s"], 2 * kHour);
    EXPECT_EQ(cold[0]["end_s"], 5 * kHour);
    for (const auto& o : observations_of(report, "cold", "www.example.com.", "A"))
        if (o["offset_s"].get<long>() >= 5 * kHour) {
            EXPECT_EQ(o["validation"], "secure") << o.dump();
        }
}

TEST(ParentAgentLab, TurnInsecureByTheDeleteSignalRemovesTheDsBeforeUnsigning)
{
    auto report = run_and_report("scenarios/parent-agent/turn-insecure-cds.yaml");
    expect_every_expectation_passed(report);
    const auto& decisions = report["parent_agent"];
    ASSERT_EQ(decisions.size(), 1u) << decisions.dump();
    // The delete signal appears at +6h; that scan accepts it and the DS goes at +7h.
    EXPECT_EQ(decisions[0]["offset_s"], 6 * kHour);
    EXPECT_EQ(decisions[0]["verdict"], "accepted");
    EXPECT_TRUE(contains(decisions[0]["reason"], "delete signal")) << decisions[0].dump();
    EXPECT_TRUE(decisions[0]["ds"].empty());
    EXPECT_EQ(agent_ds_events(report),
              (std::vector<std::string>{std::to_string(7 * kHour) + " ds-remove ksk (example.com.)"}));
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    // Secure before, insecure at the end.
    EXPECT_EQ(report["observations"].front()["validation"], "secure");
    EXPECT_EQ(report["observations"].back()["validation"], "insecure");
}

}  // namespace
}  // namespace rollsim::test
