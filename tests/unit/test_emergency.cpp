// Emergency rolls after a key compromise (rollover/emergency.hpp, docs/rollovers.md): the
// figures of both choices — when the compromised key is withdrawn, how long validators may still
// trust it, the failure window each implies — and the chain lint predicting, from the planned
// steps alone, the same window as the planner's figure for the choice the scenario picked.
#include "prepare/prepared.hpp"
#include "rollover/chain_lint.hpp"
#include "rollover/emergency.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace rollsim;
using scenario::EmergencyChoice;

namespace {

constexpr long long kMinute = 60, kHour = 3600;

// DNSKEY 30m, DS 2h (the lab's KSK scenarios); `keys` the zone's keys, `rollover` the entry's
// fields after zone:.
prepare::PreparedScenario prepare_roll(const std::string& keys, const std::string& rollover)
{
    const std::string text = R"(name: emergency
start: 2027-03-01T00:00:00Z
duration: 2d
zones:
  example.com.:
    ttl: { default: 300, dnskey: 30m, ds: 2h }
    signing: { validity: 1d, refresh: 18h }
    keys: )" + keys + R"(
probes: { names: [www.example.com. A] }
rollover:
  - { zone: example.com., )" + rollover + " }\n";
    return prepare::prepare_scenario_text(text, "t.yaml", ".");
}

const char* const kKskZsk = "{ ksk: { role: ksk }, zsk: { role: zsk } }";
const char* const kCsk = "{ csk: { role: csk } }";

const rollover::EmergencyOption& option(const prepare::PreparedScenario& p, EmergencyChoice choice)
{
    const auto& options = p.plans.at(0).emergency;
    EXPECT_EQ(options.size(), 2u);
    return options.at(choice == EmergencyChoice::KeepUntilSafe ? 0 : 1);
}

Seconds s(long long n) { return Seconds(n); }

}  // namespace

TEST(Emergency, AZskKeptUntilSafeGoesAfterDprpPlusTtlKeyAndIsTrustedTwiceThatLong)
{
    const auto p = prepare_roll(kKskZsk, "method: emergency-zsk, key: zsk, choice: keep-until-safe, start: +6h");
    const auto& keep = option(p, EmergencyChoice::KeepUntilSafe);
    EXPECT_TRUE(keep.picked);
    EXPECT_EQ(keep.withdrawn, s(6 * kHour + 35 * kMinute));  // Iret = Dprp 5m + TTLkey 30m
    EXPECT_FALSE(keep.ds_withdrawn);
    EXPECT_EQ(keep.exposure.value, s(70 * kMinute));  // Iret + Dprp + TTLkey
    EXPECT_EQ(keep.exposure.formula, "Iret + Dprp + TTLkey");
    EXPECT_TRUE(keep.windows.empty());
    EXPECT_TRUE(rollover::lint_chain(p.scenario, p.plans).empty());
}

TEST(Emergency, AZskPulledNowEndsTheExposureSoonerAndFailsCachesHoldingTheOldDnskeySet)
{
    const auto p = prepare_roll(kKskZsk, "method: emergency-zsk, key: zsk, choice: pull-now, start: +6h");
    const auto& pull = option(p, EmergencyChoice::PullNow);
    EXPECT_TRUE(pull.picked);
    EXPECT_FALSE(option(p, EmergencyChoice::KeepUntilSafe).picked);
    EXPECT_EQ(pull.withdrawn, s(6 * kHour));
    EXPECT_EQ(pull.exposure.value, s(35 * kMinute));
    EXPECT_EQ(pull.exposure.numbers, "5m + 30m = 35m");
    ASSERT_EQ(pull.windows.size(), 1u);
    EXPECT_FALSE(pull.windows[0].cold);
    EXPECT_EQ(pull.windows[0].from, s(6 * kHour));
    EXPECT_EQ(pull.windows[0].until, s(6 * kHour + 35 * kMinute));
    // The chain lint, from the planned steps alone, predicts the same window for warm resolvers.
    const auto chain = rollover::lint_chain(p.scenario, p.plans);
    ASSERT_EQ(chain.size(), 1u);
    ASSERT_TRUE(chain[0].window);
    EXPECT_EQ(chain[0].window->from, pull.windows[0].from);
    EXPECT_EQ(chain[0].window->until, pull.windows[0].until);
    EXPECT_TRUE(chain[0].window->warm);
    EXPECT_FALSE(chain[0].window->cold);
}

TEST(Emergency, AKskKeptUntilSafeWaitsForTheNewDsAndDnskeyInEveryCache)
{
    const auto p = prepare_roll(kKskZsk, "method: emergency-ksk, key: ksk, choice: keep-until-safe, start: +6h, "
                                    "parent: { registration-delay: 1h }, margin: 10m");
    const auto& keep = option(p, EmergencyChoice::KeepUntilSafe);
    // Iret = max(Dreg 1h + DprpP 5m + TTLds 2h, DprpC 5m + TTLkey 30m) = 3h5m, + margin 10m.
    EXPECT_EQ(keep.withdrawn, s(9 * kHour + 15 * kMinute));
    EXPECT_EQ(keep.ds_withdrawn, s(9 * kHour + 15 * kMinute));
    // Trusted until its DS set can no longer be cached: Iret + max(DprpP + TTLds, DprpC + TTLkey).
    EXPECT_EQ(keep.exposure.value, s(3 * kHour + 15 * kMinute + 2 * kHour + 5 * kMinute));
    EXPECT_TRUE(keep.windows.empty());
    EXPECT_TRUE(rollover::lint_chain(p.scenario, p.plans).empty());
    // The margin does not move pull-now's figures: its key goes at once.
    const auto& pull = option(p, EmergencyChoice::PullNow);
    EXPECT_EQ(pull.exposure.value, s(3 * kHour + 5 * kMinute));
}

TEST(Emergency, AKskOrCskPulledNowFailsEveryValidatorUntilTheRegistryActsAndWarmOnesUntilTheOldDsExpires)
{
    for (const auto& [keys, rollover] :
         {std::pair{kKskZsk, "method: emergency-ksk, key: ksk"}, std::pair{kCsk, "method: emergency-csk, key: csk"}}) {
        const auto p = prepare_roll(keys, std::string(rollover) +
                                         ", choice: pull-now, start: +6h, parent: { registration-delay: 1h }");
        const auto& pull = option(p, EmergencyChoice::PullNow);
        EXPECT_EQ(pull.withdrawn, s(6 * kHour)) << rollover;
        EXPECT_EQ(pull.ds_withdrawn, s(7 * kHour)) << rollover;
        EXPECT_EQ(pull.exposure.value, s(3 * kHour + 5 * kMinute)) << rollover;
        ASSERT_EQ(pull.windows.size(), 2u) << rollover;
        const auto& warm = pull.windows[0];
        const auto& cold = pull.windows[1];
        EXPECT_EQ(warm.from, s(6 * kHour));
        EXPECT_EQ(warm.until, s(9 * kHour + 5 * kMinute));  // + Dreg + DprpP + TTLds
        EXPECT_TRUE(cold.cold);
        EXPECT_EQ(cold.from, s(6 * kHour));
        EXPECT_EQ(cold.until, s(7 * kHour));  // + Dreg
        // The chain lint predicts both windows from the planned steps.
        const auto chain = rollover::lint_chain(p.scenario, p.plans);
        ASSERT_EQ(chain.size(), 2u) << rollover;
        for (const auto& f : chain) {
            ASSERT_TRUE(f.window);
            const auto& want = f.window->cold ? cold : warm;
            EXPECT_EQ(f.window->from, want.from) << f.message;
            EXPECT_EQ(f.window->until, want.until) << f.message;
        }
    }
}

TEST(Emergency, KeepUntilSafeWithAnOverrideBelowIretIsAFindingWithTheWindowItImplies)
{
    const auto p = prepare_roll(kKskZsk, "method: emergency-zsk, key: zsk, choice: keep-until-safe, start: +6h, "
                                    "override: { retire-interval: 10m }");
    const auto& keep = option(p, EmergencyChoice::KeepUntilSafe);
    EXPECT_EQ(keep.withdrawn, s(6 * kHour + 10 * kMinute));
    EXPECT_EQ(keep.exposure.value, s(10 * kMinute + 35 * kMinute));
    ASSERT_EQ(keep.windows.size(), 1u);
    EXPECT_EQ(keep.windows[0].from, s(6 * kHour + 10 * kMinute));
    EXPECT_EQ(keep.windows[0].until, s(6 * kHour + 35 * kMinute));
    const auto& findings = p.plans.at(0).findings;
    ASSERT_EQ(findings.size(), 1u);
    ASSERT_TRUE(findings[0].window);
    EXPECT_EQ(findings[0].window->from, keep.windows[0].from);
    EXPECT_EQ(findings[0].window->until, keep.windows[0].until);
    EXPECT_TRUE(rollover::lint_chain(p.scenario, p.plans).empty());  // that finding's window, not repeated
}

TEST(Emergency, TheRolloversSayOpensItsFirstStep)
{
    const auto p = prepare_roll(kKskZsk, "method: emergency-zsk, key: zsk, choice: pull-now, start: +6h, "
                                    "say: 'The key has leaked.'");
    const auto events = p.plans.at(0).events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events[0].say.rfind("The key has leaked. — emergency-zsk rollover: zsk is compromised", 0), 0u)
        << events[0].say;
}
