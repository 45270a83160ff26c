// The incident reproductions (scenarios/incidents/, docs/incidents.md) against real NSD and
// Unbound, through the rollsim binary: each must show the failure the incident's users saw,
// with the Extended DNS Error Unbound really gives, and when it starts.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600, kDay = 86400;

// The one failure window of `resolver`, or a test failure.
nlohmann::json only_window(const nlohmann::json& report, const std::string& resolver)
{
    auto windows = windows_of(report, resolver);
    EXPECT_EQ(windows.size(), 1u) << resolver << ": " << report["failure_windows"].dump();
    return windows.empty() ? nlohmann::json::object() : windows[0];
}

long start_of(const nlohmann::json& w) { return w.value("start_s", -1L); }

bool reason_mentions(const nlohmann::json& w, const std::string& text)
{
    return w.contains("reason") && w["reason"].get<std::string>().find(text) != std::string::npos;
}

// HBO NOW (2015): a DS in .com for a key hbonow.com does not publish. Both resolvers fail from
// the first probe; the warm daemon says DNSKEY Missing (EDE 9).
TEST(Incidents, HboNow2015DsWithoutMatchingDnskeyFailsEveryResolverAtOnce)
{
    auto report = run_and_report("scenarios/incidents/hbo-now-2015.yaml");
    expect_every_expectation_passed(report);
    auto warm = only_window(report, "warm");
    EXPECT_EQ(start_of(warm), 0);
    EXPECT_EQ(warm["rcode"], "SERVFAIL");
    EXPECT_EQ(warm["ede"], 9);
    EXPECT_TRUE(reason_mentions(warm, "no keys have a DS")) << warm.dump();
    // Repaired at +1d: the bogus chain was not kept for the DS TTL (1d).
    ASSERT_FALSE(warm["end_s"].is_null());
    EXPECT_LE(warm["end_s"].get<long>(), kDay + 10 * kMinute);
    auto cold = only_window(report, "cold");
    EXPECT_EQ(start_of(cold), 0);
    EXPECT_EQ(cold["end_s"], kDay);
}

// .fj (2022): the TLD's DNSKEY set signed by a key not in it. The cold validator fails at once;
// the warm daemon once its cached fj. DNSKEY set (TTL 1h) runs out, with RRSIGs Missing (EDE 10).
TEST(Incidents, Fiji2022DnskeySetSignedByUnpublishedKeyTakesDownTheTld)
{
    auto report = run_and_report("scenarios/incidents/fiji-fj-2022.yaml");
    expect_every_expectation_passed(report);
    auto cold = only_window(report, "cold");
    EXPECT_EQ(start_of(cold), kDay);
    EXPECT_EQ(cold["end_s"], kDay + 14 * kHour);
    EXPECT_TRUE(reason_mentions(cold, "for key fj.")) << cold.dump();
    auto warm = only_window(report, "warm");
    EXPECT_GT(start_of(warm), kDay);
    EXPECT_LE(start_of(warm), kDay + kHour + 5 * kMinute + 1);
    EXPECT_EQ(warm["rcode"], "SERVFAIL");
    EXPECT_EQ(warm["ede"], 10);
    ASSERT_FALSE(warm["end_s"].is_null());
    EXPECT_LE(warm["end_s"].get<long>(), kDay + 14 * kHour + 10 * kMinute);
}

// Slack (2021): DS withdrawn, then the zone unsigned before the DS left caches. Only the warm
// daemon, which cached the DS, fails: NSEC Missing (EDE 12) first, until its DS expires.
TEST(Incidents, Slack2021UnsigningBeforeCachedDsExpiresFailsOnlyTheWarmResolver)
{
    auto report = run_and_report("scenarios/incidents/slack-2021.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(windows_of(report, "cold").empty()) << report["failure_windows"].dump();
    auto warm = only_window(report, "warm");
    EXPECT_GT(start_of(warm), 9 * kHour);  // unsigned at +9h; the cached A (TTL 5m) held until then
    EXPECT_LE(start_of(warm), 9 * kHour + 5 * kMinute + 1);
    EXPECT_EQ(warm["rcode"], "SERVFAIL");
    EXPECT_EQ(warm["ede"], 12);
    ASSERT_FALSE(warm["end_s"].is_null());
    EXPECT_GE(warm["end_s"].get<long>(), kDay);  // the DS fetched at the start, TTL 1d
    EXPECT_LE(warm["end_s"].get<long>(), kDay + kHour);
    // Later failures, once the cached DNSKEY set expired, say DNSKEY Missing.
    bool saw_dnskey_missing = false;
    for (const auto& o : observations_of(report, "warm", "app.slack.com.", "A"))
        if (o["ede"] == 9) saw_dnskey_missing = true;
    EXPECT_TRUE(saw_dnskey_missing);
    for (const auto& o : observations_of(report, "cold", "app.slack.com.", "A"))
        EXPECT_EQ(o["validation"], o["offset_s"].get<long>() < 6 * kHour ? "secure" : "insecure") << o.dump();
}

// xfinity.com: the provider serves a stale copy. Both resolvers fail once the 2-day signatures
// are past Unbound's skew (4h54m): Signature Expired (EDE 7).
TEST(Incidents, XfinityStaleZoneFailsAfterExpiryPlusSkew)
{
    auto report = run_and_report("scenarios/incidents/xfinity-stale-zone.yaml");
    expect_every_expectation_passed(report);
    for (const std::string resolver : {"warm", "cold"}) {
        auto w = only_window(report, resolver);
        EXPECT_EQ(start_of(w), 2 * kDay + 5 * kHour) << resolver;
        EXPECT_TRUE(w["end_s"].is_null()) << resolver;
        EXPECT_TRUE(reason_mentions(w, "signature expired")) << w.dump();
    }
    auto warm = only_window(report, "warm");
    EXPECT_EQ(warm["rcode"], "SERVFAIL");
    EXPECT_EQ(warm["ede"], 7);
}

// APNIC (2012): a standby signer with another ZSK. Fresh data is consistent (cold secure); the
// warm daemon's cached DNSKEY set (TTL 1d) does not know the new ZSK: EDE 9 for most of a day.
TEST(Incidents, Apnic2012StandbySignerZskFailsCachesForUpToADay)
{
    auto report = run_and_report("scenarios/incidents/apnic-2012.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(windows_of(report, "cold").empty()) << report["failure_windows"].dump();
    auto warm = only_window(report, "warm");
    EXPECT_GT(start_of(warm), kDay + 6 * kHour);
    EXPECT_LE(start_of(warm), kDay + 7 * kHour);  // the cached PTR (TTL 1h) runs out first
    EXPECT_EQ(warm["rcode"], "SERVFAIL");
    EXPECT_EQ(warm["ede"], 9);
    EXPECT_TRUE(reason_mentions(warm, "signatures from unknown keys")) << warm.dump();
    ASSERT_FALSE(warm["end_s"].is_null());
    long length = warm["end_s"].get<long>() - start_of(warm);
    EXPECT_GE(length, 18 * kHour);
    EXPECT_LE(length, kDay);
}

// .nz (2023): the old KSK removed while caches still hold a DS set naming only it. Cold secure;
// the warm daemon fails with DNSKEY Missing (EDE 9) until its cached DS set expires.
TEST(Incidents, Nz2023OldKskRemovedWhileCachedDsStillNamesItFailsWarmResolver)
{
    auto report = run_and_report("scenarios/incidents/nz-2023.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(windows_of(report, "cold").empty()) << report["failure_windows"].dump();
    auto warm = only_window(report, "warm");
    EXPECT_GT(start_of(warm), kDay + 14 * kHour);
    EXPECT_LE(start_of(warm), kDay + 15 * kHour + 5 * kMinute);  // cached DNSKEY set (TTL 1h)
    EXPECT_EQ(warm["rcode"], "SERVFAIL");
    EXPECT_EQ(warm["ede"], 9);
    EXPECT_TRUE(reason_mentions(warm, "for key co.nz.")) << warm.dump();
    ASSERT_FALSE(warm["end_s"].is_null());
    EXPECT_LE(warm["end_s"].get<long>(), 2 * kDay + 3 * kHour);
}

}  // namespace
}  // namespace rollsim::test
