// The planned rollovers (scenarios/rollovers/, docs/rollovers.md) against real NSD and Unbound,
// through the rollsim binary: each method on RFC 7583 timing fails no resolver; each broken
// variant (an override below an RFC 7583 minimum) fails the warm resolver inside the window the
// lint predicted before the run, and never the cold validator.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600;

// A correct variant: every expectation holds, no failure window at all, nothing predicted.
void expect_clean(const std::string& scenario)
{
    auto report = run_and_report(scenario);
    expect_every_expectation_passed(report);
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    EXPECT_TRUE(report["predicted_windows"].empty()) << report["predicted_windows"].dump();
}

// A broken variant: one predicted window [from, until) on warm; the warm resolver's one failure
// window starts at or after `from` and ends by `until` (+ the 30m probe interval at most); the
// cold validator never fails.
void expect_predicted(const std::string& scenario, long from, long until)
{
    auto report = run_and_report(scenario);
    expect_every_expectation_passed(report);
    ASSERT_EQ(report["predicted_windows"].size(), 1u) << report["predicted_windows"].dump();
    const auto& p = report["predicted_windows"][0];
    EXPECT_EQ(p["from_s"], from);
    EXPECT_EQ(p["until_s"], until);
    EXPECT_EQ(p["resolvers"], nlohmann::json::array({"warm"}));
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    EXPECT_GE(warm[0]["start_s"].get<long>(), from);
    ASSERT_FALSE(warm[0]["end_s"].is_null());
    EXPECT_LE(warm[0]["end_s"].get<long>(), until + 30 * kMinute);
    EXPECT_EQ(warm[0]["rcode"], "SERVFAIL");
    EXPECT_TRUE(windows_of(report, "cold").empty()) << report["failure_windows"].dump();
}

TEST(Rollovers, ZskPrePublicationOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/zsk-prepublish.yaml"); }

TEST(Rollovers, ZskPrePublicationTooShortFailsWarmInThePredictedWindow)
{
    // Activation +6h40m until publication (+6h30m) + Dprp + TTLkey.
    expect_predicted("scenarios/rollovers/zsk-prepublish-too-short.yaml", 6 * kHour + 40 * kMinute,
                     7 * kHour + 35 * kMinute);
}

TEST(Rollovers, ZskDoubleSignatureOnTimeFailsNoResolver)
{
    expect_clean("scenarios/rollovers/zsk-double-signature.yaml");
}

TEST(Rollovers, ZskDoubleSignatureTooShortFailsWarmInThePredictedWindow)
{
    expect_predicted("scenarios/rollovers/zsk-double-signature-too-short.yaml", 6 * kHour + 40 * kMinute,
                     7 * kHour + 35 * kMinute);
}

TEST(Rollovers, KskDoubleDsOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/ksk-double-ds.yaml"); }

TEST(Rollovers, KskDoubleDsSwappedTooEarlyFailsWarmInThePredictedWindow)
{
    // DNSKEY swap +6h20m until DS added (+6h10m) + DprpP + TTLds.
    expect_predicted("scenarios/rollovers/ksk-double-ds-too-short.yaml", 6 * kHour + 20 * kMinute,
                     8 * kHour + 15 * kMinute);
}

TEST(Rollovers, KskDoubleKskOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/ksk-double-ksk.yaml"); }

TEST(Rollovers, KskDoubleKskOldKeyRemovedEarlyFailsWarmInThePredictedWindow)
{
    expect_predicted("scenarios/rollovers/ksk-double-ksk-too-short.yaml", 6 * kHour + 20 * kMinute,
                     8 * kHour + 15 * kMinute);
}

TEST(Rollovers, KskDoubleRrsetOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/ksk-double-rrset.yaml"); }

TEST(Rollovers, KskDoubleRrsetWithdrawnEarlyFailsWarmInThePredictedWindow)
{
    expect_predicted("scenarios/rollovers/ksk-double-rrset-too-short.yaml", 6 * kHour + 40 * kMinute,
                     8 * kHour + 35 * kMinute);
}

TEST(Rollovers, CskOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/csk.yaml"); }

TEST(Rollovers, CskRetiredEarlyFailsWarmInThePredictedWindow)
{
    expect_predicted("scenarios/rollovers/csk-too-short.yaml", 6 * kHour + 20 * kMinute, 8 * kHour + 15 * kMinute);
}

TEST(Rollovers, AlgorithmOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/algorithm.yaml"); }

TEST(Rollovers, AlgorithmOldKeysRemovedEarlyFailsWarmInThePredictedWindow)
{
    expect_predicted("scenarios/rollovers/algorithm-too-short.yaml", 8 * kHour + 20 * kMinute,
                     10 * kHour + 15 * kMinute);
}

// `rollsim plan` prints the schedule with the formulas and the lint before anything runs.
TEST(Rollovers, TurnSecureOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/turn-secure.yaml"); }

TEST(Rollovers, TurnSecureWithTheDsFirstFailsEveryValidatorUntilSigned)
{
    // The DS arrives at +5h, the zone is signed at +6h: predicted +5h .. +6h10m on both.
    auto report = run_and_report("scenarios/rollovers/turn-secure-ds-first.yaml");
    expect_every_expectation_passed(report);
    ASSERT_EQ(report["predicted_windows"].size(), 1u) << report["predicted_windows"].dump();
    EXPECT_EQ(report["predicted_windows"][0]["resolvers"], nlohmann::json::array({"warm", "cold"}));
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(cold[0]["start_s"], 5 * kHour);  // the cold validator fails from the DS on
    EXPECT_EQ(cold[0]["end_s"], 6 * kHour);    // until the zone is signed
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    EXPECT_GE(warm[0]["start_s"].get<long>(), 5 * kHour);
    EXPECT_LE(warm[0]["end_s"].get<long>(), 6 * kHour + 10 * kMinute);
    EXPECT_EQ(warm[0]["rcode"], "SERVFAIL");
}

TEST(Rollovers, TurnInsecureOnTimeFailsNoResolver) { expect_clean("scenarios/rollovers/turn-insecure.yaml"); }

TEST(Rollovers, TurnInsecureTooFastFailsWarmInThePredictedWindow)
{
    // Unsigned at +7h10m; cached DS sets last until DS removal (+7h) + DprpP + TTLds.
    expect_predicted("scenarios/rollovers/turn-insecure-too-short.yaml", 7 * kHour + 10 * kMinute,
                     9 * kHour + 5 * kMinute);
}

TEST(Rollovers, PlanPrintsTheScheduleAndTheLint)
{
    auto r = run_rollsim({"plan", repo_path("scenarios/rollovers/zsk-prepublish-too-short.yaml")});
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("Ipub = Dprp + TTLkey = 5m + 1h = 1h5m, BELOW THE MINIMUM"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("predicted failure window: +6h40m .. +7h35m"), std::string::npos) << r.output;
}

// An operator's mistake the override lint cannot see: the registrar replaced the DS (a
// hand-written ds-remove) where the double-DS method adds it. The chain-of-trust lint predicts a
// window for the cold validator while the sets served disagree (+2d .. +3d5m) and one for warm
// resolvers until the old DNSKEY set has left caches (+3d1h10m); both fail inside them.
TEST(Rollovers, RegistrarReplacingTheDsFailsEveryValidatorInTheWindowsTheTimelineLintPredicts)
{
    auto report = run_and_report("scenarios/rollovers/ksk-double-ds-registrar-replaced.yaml");
    expect_every_expectation_passed(report);
    ASSERT_EQ(report["predicted_windows"].size(), 2u) << report["predicted_windows"].dump();
    EXPECT_EQ(report["predicted_windows"][0]["until_s"], 3 * 86400 + 1 * kHour + 10 * kMinute);
    EXPECT_EQ(report["predicted_windows"][1]["resolvers"], nlohmann::json::array({"cold"}));
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(cold[0]["start_s"], 2 * 86400);
    EXPECT_EQ(cold[0]["outcome"], "bogus");
    EXPECT_EQ(windows_of(report, "warm").size(), 1u) << report["failure_windows"].dump();
}

// The operator's second mistake: the old DS withdrawn 5m after the DNSKEY swap. The lint's worst
// case pairs a DNSKEY set cached from before the swap with a DS set fetched after the withdrawal;
// real Unbound fetches its DS set only with a DNSKEY set and never fails, and the window is
// reported not observable, which `predicted-windows: match` accepts.
TEST(Rollovers, TheOldDsWithdrawnEarlyIsAWorstCaseUnboundDoesNotObserve)
{
    auto report = run_and_report("scenarios/rollovers/ksk-double-ds-old-ds-early.yaml");
    expect_every_expectation_passed(report);
    ASSERT_EQ(report["predicted_windows"].size(), 1u) << report["predicted_windows"].dump();
    EXPECT_EQ(report["predicted_windows"][0]["resolvers"], nlohmann::json::array({"warm"}));
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
    ASSERT_EQ(report["predicted_vs_observed"].size(), 1u) << report["predicted_vs_observed"].dump();
    const auto& pairing = report["predicted_vs_observed"][0];
    EXPECT_EQ(pairing["verdict"], "not observable") << pairing.dump();
    EXPECT_TRUE(pairing["observing_start_s"].is_null()) << pairing.dump();
    EXPECT_TRUE(contains(pairing["note"], "no warm resolver started at another probe instant would see it"))
        << pairing.dump();
}

TEST(Rollovers, PlanJsonGivesTheStepsIntervalsAndFindingsAndStrictFailsOnAFinding)
{
    const std::string file = repo_path("scenarios/rollovers/ksk-double-ds-registrar-replaced.yaml");
    auto r = run_rollsim({"plan", "--json", file});
    ASSERT_EQ(r.status, 0) << r.output;
    const auto doc = nlohmann::json::parse(r.output);
    EXPECT_EQ(doc["format"], "rollsim-plan");
    const auto& plan = doc["scenarios"][0];
    EXPECT_EQ(plan["rollovers"][0]["steps"][2]["interval"]["name"], "IpubP");
    EXPECT_EQ(plan["rollovers"][0]["steps"][2]["interval"]["minimum_s"], 86400 + 5 * kMinute);
    ASSERT_EQ(plan["findings"].size(), 3u) << plan["findings"].dump();
    EXPECT_EQ(plan["findings"][0]["source"], "timeline");
    EXPECT_TRUE(plan["findings"][0]["window"].is_null());
    EXPECT_EQ(plan["predicted_windows"].size(), 2u);

    EXPECT_EQ(run_rollsim({"plan", "--strict", file}).status, 1);
    EXPECT_EQ(run_rollsim({"plan", "--strict", repo_path("scenarios/rollovers/ksk-double-ds.yaml")}).status, 0);
}

// Emergency rolls after a key compromise (docs/rollovers.md, "Emergency rolls"). Kept until safe,
// no resolver fails; pulled now, the resolvers fail inside the windows the chain lint predicts
// from the planned steps.
TEST(Rollovers, CompromisedZskOrKskKeptUntilSafeFailsNoResolver)
{
    expect_clean("scenarios/rollovers/emergency-zsk-keep-until-safe.yaml");
    expect_clean("scenarios/rollovers/emergency-ksk-keep-until-safe.yaml");
}

TEST(Rollovers, CompromisedZskPulledNowFailsWarmUntilItsCachedDnskeySetExpires)
{
    expect_predicted("scenarios/rollovers/emergency-zsk-pull-now.yaml", 6 * kHour + 30 * kMinute,
                     7 * kHour + 35 * kMinute);
}

// The CSK pulled with the registry an hour behind: every validator fails until the parent
// replaces the DS, warm ones until the old DS set they cached expires.
TEST(Rollovers, CompromisedCskPulledNowFailsEveryValidatorUntilTheRegistryActs)
{
    auto report = run_and_report("scenarios/rollovers/emergency-csk-pull-now.yaml");
    expect_every_expectation_passed(report);
    ASSERT_EQ(report["predicted_windows"].size(), 2u) << report["predicted_windows"].dump();
    EXPECT_EQ(report["predicted_windows"][0]["until_s"], 9 * kHour + 35 * kMinute);
    EXPECT_EQ(report["predicted_windows"][1]["until_s"], 7 * kHour + 30 * kMinute);
    EXPECT_EQ(report["predicted_windows"][1]["resolvers"], nlohmann::json::array({"cold"}));
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u) << report["failure_windows"].dump();
    EXPECT_GE(cold[0]["start_s"].get<long>(), 6 * kHour + 30 * kMinute);
    EXPECT_LE(cold[0]["end_s"].get<long>(), 7 * kHour + 30 * kMinute + 30 * kMinute);
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    EXPECT_GE(warm[0]["start_s"].get<long>(), 6 * kHour + 30 * kMinute);
    EXPECT_LE(warm[0]["end_s"].get<long>(), 9 * kHour + 35 * kMinute + 30 * kMinute);
}

TEST(Rollovers, PlanOfAnEmergencyRollShowsBothChoicesWithTheirExposureAndWindow)
{
    const std::string file = repo_path("scenarios/rollovers/emergency-zsk-pull-now.yaml");
    auto r = run_rollsim({"plan", file});
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "keep-until-safe: zsk withdrawn at +7h35m")) << r.output;
    EXPECT_TRUE(contains(r.output, "pull-now (the scenario's choice): zsk withdrawn at +6h30m")) << r.output;
    EXPECT_TRUE(contains(r.output, "exposure 1h5m (until +7h35m): Dprp + TTLkey = 5m + 1h = 1h5m")) << r.output;
    EXPECT_TRUE(contains(r.output, "predicted failure window: +6h30m .. +7h35m")) << r.output;
    auto j = run_rollsim({"plan", "--json", file});
    ASSERT_EQ(j.status, 0) << j.output;
    const auto emergency = nlohmann::json::parse(j.output)["scenarios"][0]["rollovers"][0]["emergency"];
    EXPECT_EQ(emergency["compromised"], "zsk");
    ASSERT_EQ(emergency["options"].size(), 2u) << emergency.dump();
    EXPECT_EQ(emergency["options"][0]["exposure"]["value_s"], 2 * kHour + 10 * kMinute);
    EXPECT_TRUE(emergency["options"][0]["windows"].empty());
    EXPECT_EQ(emergency["options"][1]["picked"], true);
    EXPECT_EQ(emergency["options"][1]["windows"][0]["until_s"], 7 * kHour + 35 * kMinute);
}

}  // namespace
}  // namespace rollsim::test
