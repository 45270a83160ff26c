// The chain-of-trust lint of the whole timeline (rollover/chain_lint.hpp): hand-written actions
// and planned steps played as the DS and DNSKEY sets, the windows in which a cache can hold a
// pair that does not validate, and the actions that do nothing.
#include "prepare/prepared.hpp"
#include "rollover/cache_history.hpp"
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

// A KSK double-DS rollover whose old DS goes 5m after the DNSKEY swap (retire-interval below Iret).
const char* const kOldDsEarly = R"(rollover:
  - { zone: example.com., method: ksk-double-ds, key: ksk, start: +1d23h,
      parent: { registration-delay: 1h, propagation-delay: 5m }, override: { retire-interval: 5m } }
)";

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
    const auto p = prepare_text(kOldDsEarly);
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

// ---------------------------------------------------------------------------------------------
// A resolver's cache history (rollover/cache_history.hpp): whether its probes could show a window.

namespace {

// Probes of www.example.com. A (TTL 5m) every `every` seconds from `from` until `until`.
std::vector<rollover::CacheProbe> probes_every(long long every, long long from, long long until)
{
    std::vector<rollover::CacheProbe> out;
    for (long long t = from; t <= until; t += every) out.push_back({Seconds(t), "www.example.com. A", Seconds(300)});
    return out;
}

rollover::ChainState state(std::set<std::string> ds, std::set<std::string> dnskey, std::set<std::string> signers)
{
    return {std::move(ds), std::move(dnskey), std::move(signers), {"zsk"}};
}

}  // namespace

TEST(CacheHistory, TheOldDsRemovedEarlyIsAWorstCaseNoCacheOfAnUnboundStraddles)
{
    // An operator's mistake: the old DS removed 5m after the DNSKEY swap. The worst case
    // pairs a DS set fetched after the removal with a DNSKEY set cached from before the swap;
    // a cache fetches the DS set only beside a DNSKEY set, never after it.
    const auto p = prepare_text(kOldDsEarly);
    ASSERT_EQ(p.predicted.size(), 1u);
    const auto& w = p.predicted[0];
    const auto& zone = *p.scenario.find_zone("example.com.");
    const auto phases = rollover::play_chain(p.scenario, zone).phases;
    const rollover::CacheSpans ttls{Seconds(kDay), Seconds(kHour), Seconds(300)};
    EXPECT_FALSE(rollover::first_failing_fetch(phases, ttls, probes_every(1800, 0, 4 * kDay), w, true));
    std::vector<Seconds> grid;
    for (long long t = 0; t < 4 * kDay; t += 1800) grid.push_back(Seconds(t));
    EXPECT_FALSE(rollover::first_observing_start(phases, ttls, probes_every(1800, 0, 0), grid, w, true));
}

TEST(CacheHistory, ADsSetCachedFromBeforeTheSwapFailsTheNewDnskeySetFetchedInTheWindow)
{
    // From +10h the DNSKEY set is signed by ksk-2 only, while the parent still lists ksk's DS.
    std::vector<rollover::ChainPhase> phases{{Seconds(0), state({"ksk"}, {"ksk", "zsk"}, {"ksk"}), "", {}},
                                             {Seconds(10 * kHour), state({"ksk"}, {"ksk-2", "zsk"}, {"ksk-2"}), "", {}}};
    const rollover::CacheSpans ttls{Seconds(kDay), Seconds(kHour), Seconds(300)};
    rollover::PredictedWindow w;
    w.zone = "example.com.";
    w.from = Seconds(10 * kHour);
    w.until = Seconds(20 * kHour);
    // Every 30m: the DNSKEY set is fetched again at +10h30m, the DS set (+0) still cached.
    EXPECT_EQ(rollover::first_failing_fetch(phases, ttls, probes_every(1800, 0, kDay), w, true),
              Seconds(10 * kHour + 30 * 60));
    // The DS set not checked (the root, a parent agent): nothing fails.
    EXPECT_FALSE(rollover::first_failing_fetch(phases, ttls, probes_every(1800, 0, kDay), w, false));
    // Probed only before and after the window: the cache never fetched inside it.
    EXPECT_FALSE(rollover::first_failing_fetch(
        phases, ttls, {{Seconds(0), "www.example.com. A", Seconds(300)}, {Seconds(21 * kHour), "www.example.com. A", Seconds(300)}},
        w, true));
}

TEST(CacheHistory, AnAnswerStillCachedIsNotFetchedAndAnEntryLastsToTheSecondItsTtlEnds)
{
    // The new ZSK signs from +1h; the DNSKEY set without it was fetched at +0.
    std::vector<rollover::ChainPhase> phases{
        {Seconds(0), {{"ksk"}, {"ksk", "zsk"}, {"ksk"}, {"zsk"}}, "", {}},
        {Seconds(kHour), {{"ksk"}, {"ksk", "zsk", "zsk-2"}, {"ksk"}, {"zsk-2"}}, "", {}}};
    const rollover::CacheSpans ttls{Seconds(kDay), Seconds(kHour), Seconds(300)};
    rollover::PredictedWindow w;
    w.from = Seconds(kHour);
    w.until = Seconds(2 * kHour);
    // The DNSKEY set (TTL 1h) is still cached at +1h exactly; the answer (TTL 5m) is fetched again.
    EXPECT_EQ(rollover::first_failing_fetch(phases, ttls, probes_every(kHour, 0, 2 * kHour), w, true), Seconds(kHour));
    // An answer with a 2h TTL is not fetched again inside the window: nothing validated there.
    std::vector<rollover::CacheProbe> long_ttl{{Seconds(0), "www.example.com. A", Seconds(2 * kHour)},
                                               {Seconds(kHour), "www.example.com. A", Seconds(2 * kHour)}};
    EXPECT_FALSE(rollover::first_failing_fetch(phases, ttls, long_ttl, w, true));
    // A second name, fetched first at +1h, shares the DNSKEY set cached at +0.
    long_ttl.push_back({Seconds(kHour), "mail.example.com. A", Seconds(300)});
    EXPECT_EQ(rollover::first_failing_fetch(phases, ttls, long_ttl, w, true), Seconds(kHour));
}
