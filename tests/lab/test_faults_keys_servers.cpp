// The fault catalog, part 2 (keys, denial of existence, servers, time, multi-signer), against
// real NSD and Unbound through the rollsim binary: each scenario under scenarios/faults/ must
// pass, and the JSON report must show what docs/faults.md says the resolvers answered.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600, kDay = 86400;

long offset(const nlohmann::json& o) { return o["offset_s"].get<long>(); }
// Every observation of the report for `resolver` (any query) was secure or NXDOMAIN-secure.
void expect_no_failure(const nlohmann::json& report)
{
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    EXPECT_TRUE(report["first_failure_s"].is_null());
    for (const auto& o : report["observations"]) EXPECT_EQ(o["validation"], "secure") << o.dump();
}

TEST(FaultCatalog2, DnskeyRemovedKskIsDsMismatchAndZskLeavesDataUnsigned)
{
    auto report = run_and_report("scenarios/faults/dnskey-removed.yaml");
    expect_every_expectation_passed(report);
    for (const auto& o : observations_of(report, "cold", "www.example.com.", "A"))
        if (offset(o) >= kDay) {
            EXPECT_EQ(o["validation"], "bogus") << o.dump();
            EXPECT_TRUE(contains(o["reason"], "no keys have a DS with algorithm ECDSAP256SHA256")) << o.dump();
        }
    for (const auto& o : observations_of(report, "cold", "www.example.net.", "A"))
        if (offset(o) >= kDay) {
            EXPECT_TRUE(contains(o["reason"], "no signatures over NSECs")) << o.dump();
        }
    for (const auto& o : observations_of(report, "warm", "www.example.com.", "A"))
        if (offset(o) >= kDay + 2 * kHour) {
            EXPECT_EQ(o["rcode"], "SERVFAIL");
            EXPECT_EQ(o["ede"], 9) << o.dump();
        }
    for (const auto& o : observations_of(report, "warm", "www.example.net.", "A"))
        if (offset(o) >= kDay + 2 * kHour) {
            EXPECT_EQ(o["ede"], 12) << o.dump();
        }
    // Both zones fail at the warm resolver to the end, never earlier than the fault.
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 2u) << report["failure_windows"].dump();
    for (const auto& w : warm) {
        EXPECT_GE(w["start_s"].get<long>(), kDay);
        EXPECT_TRUE(w["end_s"].is_null());
    }
}

TEST(FaultCatalog2, RevokedKskBreaksTheChainRevokedZskStillValidates)
{
    auto report = run_and_report("scenarios/faults/revoked-key.yaml");
    expect_every_expectation_passed(report);
    for (const auto& o : observations_of(report, "cold", "www.example.com.", "A"))
        if (offset(o) >= kDay) {
            EXPECT_TRUE(contains(o["reason"], "no keys have a DS")) << o.dump();
        }
    // Unbound ignores the REVOKE bit outside trust anchors: the cold validator stays secure.
    for (const auto& o : observations_of(report, "cold", "www.example.net.", "A"))
        EXPECT_EQ(o["validation"], "secure") << o.dump();
    for (const auto& o : observations_of(report, "warm", "www.example.net.", "A"))
        if (offset(o) >= kDay + 2 * kHour) {
            EXPECT_EQ(o["validation"], "secure") << o.dump();
        }
    auto warm = observations_of(report, "warm", "www.example.com.", "A");
    ASSERT_FALSE(warm.empty());
    EXPECT_EQ(warm.back()["ede"], 9);
    EXPECT_EQ(warm.back()["rcode"], "SERVFAIL");
}

TEST(FaultCatalog2, UnsupportedAlgorithmMakesTheZoneInsecureNotBogus)
{
    auto report = run_and_report("scenarios/faults/unsupported-algorithm.yaml");
    expect_every_expectation_passed(report);
    for (const std::string resolver : {"warm", "cold"})
        for (const std::string qtype : {"A", "DNSKEY"}) {
            const std::string qname = qtype == "A" ? "www.example.com." : "example.com.";
            for (const auto& o : observations_of(report, resolver, qname, qtype)) {
                if (offset(o) < kDay) {
                    EXPECT_EQ(o["validation"], "secure") << o.dump();
                }
                if (offset(o) >= kDay + 2 * kHour) {
                    EXPECT_EQ(o["validation"], "insecure") << o.dump();
                    EXPECT_EQ(o["rcode"], "NOERROR");
                    EXPECT_FALSE(o["ad"].get<bool>());
                }
            }
        }
    EXPECT_TRUE(windows_of(report, "cold").empty()) << report["failure_windows"].dump();
    // The warm resolver may fail for at most the hour its cached DNSKEY set lives (EDE 1).
    for (const auto& w : windows_of(report, "warm")) {
        ASSERT_FALSE(w["end_s"].is_null());
        EXPECT_LE(w["end_s"].get<long>(), kDay + kHour + 30 * kMinute);
        EXPECT_EQ(w["ede"], 1);
    }
}

TEST(FaultCatalog2, NsecMissingFailsTheNameErrorProofWithEde6)
{
    auto report = run_and_report("scenarios/faults/nsec-missing.yaml");
    expect_every_expectation_passed(report);
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(warm[0]["qname"], "nosuch.example.com.");
    EXPECT_EQ(warm[0]["start_s"], kDay + 5 * kMinute + 1);
    EXPECT_EQ(warm[0]["ede"], 6);
    EXPECT_TRUE(contains(warm[0]["reason"], "nameerror proof failed"));
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u);
    EXPECT_EQ(cold[0]["start_s"], kDay);
    EXPECT_TRUE(contains(cold[0]["reason"], "nameerror proof failed"));
    for (const auto& o : observations_of(report, "warm", "nosuch.example.com.", "A"))
        if (offset(o) < kDay) {
            EXPECT_EQ(o["rcode"], "NXDOMAIN");
            EXPECT_TRUE(o["ad"].get<bool>());
        }
}

TEST(FaultCatalog2, BrokenNsecChainMakesTheWarmResolverDenyAnExistingName)
{
    auto report = run_and_report("scenarios/faults/nsec-chain-broken.yaml");
    expect_every_expectation_passed(report);
    int denied = 0;
    for (const auto& o : observations_of(report, "warm", "b.example.com.", "A")) {
        if (offset(o) >= kDay + 5 * kMinute + 1) {
            EXPECT_EQ(o["rcode"], "NXDOMAIN") << o.dump();
            EXPECT_TRUE(o["ad"].get<bool>()) << o.dump();
            ++denied;
        } else {
            EXPECT_EQ(o["rcode"], "NOERROR") << o.dump();
        }
    }
    EXPECT_GE(denied, 40);
    for (const auto& o : observations_of(report, "cold", "b.example.com.", "A")) {
        EXPECT_EQ(o["rcode"], "NOERROR") << o.dump();
        EXPECT_EQ(o["validation"], "secure");
    }
    for (const std::string resolver : {"warm", "cold"})
        for (const auto& o : observations_of(report, resolver, "ab.example.com.", "A")) {
            EXPECT_EQ(o["rcode"], "NXDOMAIN");
            EXPECT_EQ(o["validation"], "secure");
        }
    EXPECT_TRUE(report["failure_windows"].empty());
}

TEST(FaultCatalog2, Nsec3IterationsAboveTheLimitMakeDenialsInsecure)
{
    auto report = run_and_report("scenarios/faults/nsec3-iterations.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(report["failure_windows"].empty());
    for (const std::string resolver : {"warm", "cold"}) {
        for (const auto& o : observations_of(report, resolver, "nosuch.example.com.", "A")) {
            EXPECT_EQ(o["rcode"], "NXDOMAIN");
            if (offset(o) < kDay) {
                EXPECT_EQ(o["validation"], "secure") << o.dump();
            }
            if (offset(o) >= kDay + 5 * kMinute + 1) {
                EXPECT_EQ(o["validation"], "insecure") << o.dump();
            }
        }
        for (const auto& o : observations_of(report, resolver, "www.example.com.", "A"))
            EXPECT_EQ(o["validation"], "secure");
    }
}

TEST(FaultCatalog2, Nsec3paramMismatchMakesNsdServeDenialsWithoutNsec3)
{
    auto report = run_and_report("scenarios/faults/nsec3param-mismatch.yaml");
    expect_every_expectation_passed(report);
    for (const auto& [qname, qtype] : {std::pair{"nosuch.example.com.", "A"}, std::pair{"www.example.com.", "TXT"}}) {
        for (const auto& o : observations_of(report, "cold", qname, qtype))
            if (offset(o) >= kDay) {
                EXPECT_TRUE(contains(o["reason"], "no DNSSEC records")) << o.dump();
            }
        for (const auto& o : observations_of(report, "warm", qname, qtype))
            if (offset(o) >= kDay + 5 * kMinute + 1) {
                EXPECT_EQ(o["rcode"], "SERVFAIL") << o.dump();
                EXPECT_TRUE(o["ede"] == 12 || o["ede"] == 6) << o.dump();
            }
    }
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 2u) << report["failure_windows"].dump();
    for (const auto& w : warm) {
        EXPECT_EQ(w["start_s"], kDay + 5 * kMinute + 1);
        EXPECT_EQ(w["ede"], 12);
        EXPECT_TRUE(w["end_s"].is_null());
    }
}

TEST(FaultCatalog2, LaggingSecondaryIsMaskedByTheCurrentServer)
{
    auto report = run_and_report("scenarios/faults/lagging-secondary.yaml");
    expect_every_expectation_passed(report);
    expect_no_failure(report);
    int resigned = 0;
    for (const auto& e : report["events"])
        if (contains(e["text"], "example.com. re-signed on schedule")) ++resigned;
    EXPECT_EQ(resigned, 6);  // every 12h for 3 days: ns2 missed all of them
    // The stale copy's signatures (validity 1d) were long expired by the end.
    EXPECT_EQ(observations_of(report, "warm", "www.example.com.", "A").back()["offset_s"], 3 * kDay);
}

TEST(FaultCatalog2, ServerUnsignedIsMaskedByTheSignedServer)
{
    auto report = run_and_report("scenarios/faults/server-unsigned.yaml");
    expect_every_expectation_passed(report);
    expect_no_failure(report);
}

TEST(FaultCatalog2, ServerDownIsMaskedByTheOtherServer)
{
    auto report = run_and_report("scenarios/faults/server-down.yaml");
    expect_every_expectation_passed(report);
    expect_no_failure(report);
    bool stopped = false, again = false;
    for (const auto& e : report["events"]) {
        if (e["text"] == "ns2.example.com. stopped answering") stopped = e["offset_s"] == kDay;
        if (e["text"] == "ns2.example.com. answering again") again = e["offset_s"] == kDay + 3 * kHour;
    }
    EXPECT_TRUE(stopped);
    EXPECT_TRUE(again);
}

TEST(FaultCatalog2, ValidatorClockSkewGivesNotYetValidAndExpired)
{
    auto report = run_and_report("scenarios/faults/validator-clock-skew.yaml");
    expect_every_expectation_passed(report);
    EXPECT_TRUE(windows_of(report, "warm").empty());
    for (const std::string r : {"warm-behind", "cold-behind"}) {
        auto w = windows_of(report, r);
        ASSERT_EQ(w.size(), 1u) << r << report["failure_windows"].dump();
        EXPECT_EQ(w[0]["start_s"], 0);
        EXPECT_EQ(w[0]["end_s"], kDay + 23 * kHour);  // inception -1h, skew 1d, clock -3d
        EXPECT_TRUE(contains(w[0]["reason"], "signature before inception date")) << w[0].dump();
    }
    EXPECT_EQ(windows_of(report, "warm-behind")[0]["ede"], 8);
    for (const std::string r : {"warm-ahead", "cold-ahead"}) {
        auto w = windows_of(report, r);
        ASSERT_EQ(w.size(), 1u) << r << report["failure_windows"].dump();
        EXPECT_EQ(w[0]["start_s"], kDay + kHour);  // expiration 14d + skew 1d, clock +14d
        EXPECT_TRUE(w[0]["end_s"].is_null());
        EXPECT_TRUE(contains(w[0]["reason"], "signature expired")) << w[0].dump();
    }
    EXPECT_EQ(windows_of(report, "warm-ahead")[0]["ede"], 7);
}

TEST(FaultCatalog2, MultiSignerMissingZskIsMaskedByRetries)
{
    auto report = run_and_report("scenarios/faults/multi-signer-missing-zsk.yaml");
    expect_every_expectation_passed(report);
    expect_no_failure(report);
    bool injected = false;
    for (const auto& e : report["events"])
        if (e["text"] == "fault multi-signer-missing-zsk at example.com. key zsk-b server ns1") injected = e["offset_s"] == kDay;
    EXPECT_TRUE(injected) << report["events"].dump();
}

}  // namespace
}  // namespace rollsim::test
