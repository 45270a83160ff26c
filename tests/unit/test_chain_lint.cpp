// The chain-of-trust lint of the whole timeline (rollover/chain_lint.hpp): hand-written actions
// and planned steps played as the DS and DNSKEY sets, the windows in which a cache can hold a
// pair that does not validate, and the actions that do nothing.
#include "prepare/prepared.hpp"
#include "rollover/chain_lint.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace rollsim;

namespace {

constexpr long long kHour = 3600, kDay = 86400;

// Production TTLs (DNSKEY 1h, DS 1d); `rest` adds the rollover and timeline.
std::string scenario_text(const std::string& rest, const std::string& keys)
{
    return R"(name: chain
start: 2027-03-01T00:00:00Z
duration: 4d
zones:
  example.com.:
    ttl: { default: 300, dnskey: 1h, ds: 1d }
    signing: { validity: 7d, refresh: 5d }
    keys:
      ksk: { role: ksk }
      zsk: { role: zsk }
)" + keys + "probes: { names: [www.example.com. A] }\n" + rest;
}

prepare::PreparedScenario prepare_text(const std::string& rest, const std::string& keys = "")
{
    return prepare::prepare_scenario_text(scenario_text(rest, keys), "t.yaml", ".");
}

std::vector<rollover::ChainFinding> lint(const prepare::PreparedScenario& p)
{
    return rollover::lint_chain(p.scenario, p.plans);
}

const char* kRegistrarReplaced = R"(rollover:
  - { zone: example.com., method: ksk-double-ds, key: ksk, start: +1d23h,
      parent: { registration-delay: 1h, propagation-delay: 5m } }
timeline:
  - { at: +2d, do: ds-remove ksk, zone: example.com. }
)";

}  // namespace

TEST(ChainLint, ARolloverOnRfc7583TimingHasNoFinding)
{
    const auto p = prepare_text(R"(rollover:
  - { zone: example.com., method: ksk-double-ds, key: ksk, start: +1d23h,
      parent: { registration-delay: 1h, propagation-delay: 5m } }
)");
    EXPECT_TRUE(lint(p).empty());
}

TEST(ChainLint, TheRegistrarReplacingTheDsIsAWindowForWarmAndColdResolvers)
{
    const auto findings = lint(prepare_text(kRegistrarReplaced));
    std::vector<rollover::PredictedWindow> windows;
    for (const auto& f : findings)
        if (f.window) windows.push_back(*f.window);
    ASSERT_EQ(windows.size(), 2u);
    // Warm: from the DS replacement until the DNSKEY set without ksk-next has left caches:
    // the swap (+2d + IpubP = 1d5m) + DprpC + TTLkey.
    EXPECT_TRUE(windows[0].warm);
    EXPECT_EQ(windows[0].from.count(), 2 * kDay);
    EXPECT_EQ(windows[0].until.count(), 3 * kDay + 1 * kHour + 10 * 60);
    EXPECT_NE(windows[0].cause.find("ds-remove ksk"), std::string::npos) << windows[0].cause;
    // Cold: the sets as served do not validate, from +2d until the swap.
    EXPECT_TRUE(windows[1].cold);
    EXPECT_FALSE(windows[1].warm);
    EXPECT_EQ(windows[1].from.count(), 2 * kDay);
    EXPECT_EQ(windows[1].until.count(), 3 * kDay + 5 * 60);
}

TEST(ChainLint, TheRolloversOwnDsRemovalOfADsAlreadyGoneIsAWarning)
{
    const auto findings = lint(prepare_text(kRegistrarReplaced));
    int warnings = 0;
    for (const auto& f : findings)
        if (!f.window) {
            ++warnings;
            EXPECT_NE(f.message.find("ds-remove ksk at +3d1h10m does nothing: the DS of ksk is already gone"),
                      std::string::npos)
                << f.message;
        }
    EXPECT_EQ(warnings, 1);
}

TEST(ChainLint, ActivatingAnActiveKeyAndRemovingARemovedOneAreWarnings)
{
    const auto findings = lint(prepare_text(R"(timeline:
  - { at: +1h, do: activate zsk, zone: example.com. }
  - { at: +4h, do: remove zsk-b, zone: example.com. }
)",
                                            "      zsk-b: { role: zsk, publish: +2h, remove: +3h }\n"));
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_NE(findings[0].message.find("activate zsk at +1h does nothing: zsk already signs"), std::string::npos)
        << findings[0].message;
    EXPECT_EQ(findings[0].loc.line, 14);  // the timeline entry
    EXPECT_NE(findings[1].message.find("remove zsk-b at +4h does nothing: zsk-b is not published"),
              std::string::npos)
        << findings[1].message;
}

TEST(ChainLint, TheOverrideTheRolloverLintReportsIsNotReportedTwice)
{
    // The rollover lint predicts the window of a retire-interval override below Iret; the
    // chain lint finds the same break and leaves it to that finding.
    const auto p = prepare_text(R"(rollover:
  - { zone: example.com., method: ksk-double-ds, key: ksk, start: +1d23h,
      parent: { registration-delay: 1h, propagation-delay: 5m }, override: { retire-interval: 5m } }
)");
    ASSERT_EQ(p.plans.size(), 1u);
    ASSERT_EQ(p.plans[0].findings.size(), 1u);
    EXPECT_TRUE(lint(p).empty());
    EXPECT_EQ(p.predicted.size(), 1u);
}

TEST(ChainLint, ANewZskSigningBeforeCachesHoldItIsAWindow)
{
    // Hand-written: zsk-b published and made to sign 10 minutes later, zsk retired; caches
    // holding the DNSKEY set from before +1d keep it until +1d + 5m + 1h.
    const auto findings = lint(prepare_text(R"(timeline:
  - { at: +1d10m, do: activate zsk-b, zone: example.com. }
  - { at: +1d10m, do: retire zsk, zone: example.com. }
)",
                                            "      zsk-b: { role: zsk, publish: +1d }\n"));
    ASSERT_EQ(findings.size(), 1u);
    ASSERT_TRUE(findings[0].window);
    EXPECT_EQ(findings[0].window->from.count(), kDay + 10 * 60);
    EXPECT_EQ(findings[0].window->until.count(), kDay + kHour + 5 * 60);
    EXPECT_TRUE(findings[0].window->warm);
}
