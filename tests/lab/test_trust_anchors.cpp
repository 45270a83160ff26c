// RFC 5011 rolls of the lab root's KSK (scenarios/trust-anchors/, docs/rollovers.md) against real
// NSD and Unbound through the rollsim binary: what RFC 5011 daemons, static anchors and the cold
// validator answer when the root's KSK is rolled on time, too early, while a daemon starts late
// or is offline. Every outcome asserted here is what the real Unbound answered.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600, kDay = 86400;

bool has_event(const nlohmann::json& report, const std::string& needle)
{
    for (const auto& e : report["events"])
        if (e["text"].get<std::string>().find(needle) != std::string::npos) return true;
    return false;
}

TEST(TrustAnchors, Rfc5011RollOnTimeFailsNoResolver)
{
    auto report = run_and_report("scenarios/trust-anchors/root-ksk-rfc5011.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    // The daemon's own RFC 5011 state, read from its auto-trust-anchor file.
    EXPECT_TRUE(has_event(report, "ADDPEND"));
    EXPECT_TRUE(has_event(report, "REVOKED"));
    EXPECT_TRUE(has_event(report, "revoked (REVOKE bit, self-signed)"));
}

TEST(TrustAnchors, StaticAnchorFailsFromTheSwitchAsPredicted)
{
    auto report = run_and_report("scenarios/trust-anchors/root-ksk-static-anchor.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(windows_of(report, "auto").empty());
    auto fixed = windows_of(report, "static");
    ASSERT_EQ(fixed.size(), 1u) << report["failure_windows"].dump();
    const long tact = 32 * kDay + 5 * kMinute;
    EXPECT_GE(fixed[0]["start_s"].get<long>(), tact);
    EXPECT_LE(fixed[0]["start_s"].get<long>(), tact + kDay + kHour);
    EXPECT_TRUE(fixed[0]["end_s"].is_null());  // until someone installs the new anchor
    bool predicted = false;
    for (const auto& p : report["predicted_windows"])
        predicted = predicted || p["resolvers"] == nlohmann::json::array({"static"});
    EXPECT_TRUE(predicted) << report["predicted_windows"].dump();
}

TEST(TrustAnchors, SkippedHoldDownFailsRfc5011ResolverThenDropsItsAnchor)
{
    auto report = run_and_report("scenarios/trust-anchors/root-ksk-holddown-skipped.yaml");
    expect_every_expectation_passed(report);
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    EXPECT_GE(warm[0]["start_s"].get<long>(), 11 * kDay);
    EXPECT_EQ(warm[0]["rcode"], "SERVFAIL");
    EXPECT_TRUE(windows_of(report, "cold").empty());
    EXPECT_TRUE(has_event(report, "no trust anchor (every key revoked)"));
    // After the revocation: answers, but unvalidated.
    auto late = observations_of(report, "warm", "www.example.com.", "A");
    ASSERT_FALSE(late.empty());
    EXPECT_EQ(late.back()["validation"], "insecure");
}

TEST(TrustAnchors, LateStartedResolverIsNotProbedBeforeItsStart)
{
    auto report = run_and_report("scenarios/trust-anchors/root-ksk-late-start.yaml");
    expect_every_expectation_passed(report);
    for (const auto& o : observations_of(report, "late", "www.example.com.", "A"))
        EXPECT_GE(o["offset_s"].get<long>(), 20 * kDay);
    EXPECT_TRUE(has_event(report, "resolver late started"));
}

TEST(TrustAnchors, OfflineResolverIsNotProbedAndFollowsAfterItsRestart)
{
    auto report = run_and_report("scenarios/trust-anchors/root-ksk-offline.yaml");
    expect_every_expectation_passed(report);
    for (const auto& o : observations_of(report, "away", "www.example.com.", "A")) {
        const long t = o["offset_s"].get<long>();
        EXPECT_TRUE(t < 5 * kDay || t >= 40 * kDay) << t;
        EXPECT_EQ(o["validation"], "secure") << t;
    }
    EXPECT_TRUE(has_event(report, "resolver away stopped (offline)"));
    EXPECT_TRUE(has_event(report, "resolver away started again"));
}

}  // namespace
}  // namespace rollsim::test
