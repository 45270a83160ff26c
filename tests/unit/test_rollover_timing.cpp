// The rollover planner without a lab: RFC 7583's formulas against hand-computed numbers, the
// steps and lint of each method, the rollover: block in the parser, and the predicted-windows
// verdict from hand-made observations.
#include "core/error.hpp"
#include "probe/daemon_probe.hpp"
#include "report/evaluate.hpp"
#include "rollover/planner.hpp"
#include "rollover/timing.hpp"
#include "runner/runner.hpp"
#include "prepare/prepared.hpp"
#include "scenario/parse.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace rollsim::rollover {
namespace {

using namespace std::chrono_literals;
using scenario::ActionKind;

constexpr Seconds kMin{60}, kHour{3600}, kDay{86400};

// TTLkey 1h, TTLds 2h, TTLsig 30m, Dprp 5m, DprpC 7m, DprpP 10m, Dreg 1d, Dsgn 3d, no margin.
TimingInputs inputs()
{
    TimingInputs in;
    in.ttl_key = kHour;
    in.ttl_ds = 2 * kHour;
    in.ttl_sig = 30 * kMin;
    in.dprp = 5 * kMin;
    in.dprp_child = 7 * kMin;
    in.dprp_parent = 10 * kMin;
    in.dreg = kDay;
    in.dsgn = 3 * kDay;
    in.margin = 0s;
    return in;
}

TEST(RolloverTiming, ZskPrePublication)
{
    // Ipub = Dprp + TTLkey = 5m + 1h; Iret = Dsgn + Dprp + TTLsig = 3d + 5m + 30m.
    const Interval ipub = zsk_prepublish_ipub(inputs());
    EXPECT_EQ(ipub.minimum, 3900s);
    EXPECT_EQ(ipub.value, 3900s);
    EXPECT_EQ(ipub.section, "RFC 7583 3.2.1");
    EXPECT_EQ(ipub.describe(), "Ipub = Dprp + TTLkey = 5m + 1h = 1h5m");
    EXPECT_EQ(zsk_prepublish_iret(inputs()).minimum, Seconds(3 * 86400 + 300 + 1800));
}

TEST(RolloverTiming, ZskDoubleSignatureTakesTheLongerTtl)
{
    // Iret = Dsgn + Dprp + max(TTLkey, TTLsig) = 3d + 5m + 1h.
    TimingInputs in = inputs();
    EXPECT_EQ(zsk_double_signature_iret(in).minimum, Seconds(3 * 86400 + 300 + 3600));
    in.ttl_sig = 2 * kHour;  // now TTLsig is the longer one
    EXPECT_EQ(zsk_double_signature_iret(in).minimum, Seconds(3 * 86400 + 300 + 7200));
    EXPECT_EQ(zsk_double_signature_iret(in).section, "RFC 7583 3.2.2");
}

TEST(RolloverTiming, KskDoubleKskAndDoubleDs)
{
    const TimingInputs in = inputs();
    EXPECT_EQ(ksk_double_ksk_ipub(in).minimum, 7 * kMin + kHour);       // DprpC + TTLkey = 1h7m
    EXPECT_EQ(ksk_double_ksk_iret(in).minimum, 10 * kMin + 2 * kHour);  // DprpP + TTLds = 2h10m
    EXPECT_EQ(ksk_double_ksk_ipub(in).section, "RFC 7583 3.3.1");
    EXPECT_EQ(ksk_double_ds_ipub(in).minimum, 10 * kMin + 2 * kHour);   // DprpP + TTLds = 2h10m
    EXPECT_EQ(ksk_double_ds_iret(in).minimum, 7 * kMin + kHour);        // DprpC + TTLkey = 1h7m
    EXPECT_EQ(ksk_double_ds_ipub(in).section, "RFC 7583 3.3.2");
    EXPECT_EQ(ksk_double_ds_ipub(in).describe(), "IpubP = DprpP + TTLds = 10m + 2h = 2h10m");
}

TEST(RolloverTiming, KskDoubleRrsetTakesTheLongerPath)
{
    TimingInputs in = inputs();
    // max(Dreg + DprpP + TTLds, DprpC + TTLkey) = max(1d + 10m + 2h, 7m + 1h) = 1d2h10m
    EXPECT_EQ(ksk_double_rrset_ipub(in).minimum, kDay + 2 * kHour + 10 * kMin);
    in.dreg = 0s;
    in.ttl_key = 5 * kHour;  // max(0 + 10m + 2h, 7m + 5h) = 5h7m
    EXPECT_EQ(ksk_double_rrset_ipub(in).minimum, 5 * kHour + 7 * kMin);
    EXPECT_EQ(ksk_double_rrset_ipub(in).section, "RFC 7583 3.3.3");
}

TEST(RolloverTiming, CskAndAlgorithmCombineTheRules)
{
    const TimingInputs in = inputs();
    EXPECT_EQ(csk_ipub(in).minimum, 5 * kMin + kHour);               // Dprp + TTLkey
    EXPECT_EQ(csk_iret_ds(in).minimum, 10 * kMin + 2 * kHour);       // DprpP + TTLds
    EXPECT_EQ(csk_iret_sig(in).minimum, 3 * kDay + 35 * kMin);       // Dsgn + Dprp + TTLsig
    EXPECT_EQ(algorithm_ipub(in).minimum, 3 * kDay + 35 * kMin);     // max(3d + 5m + 30m, 5m + 1h)
    EXPECT_EQ(algorithm_iret(in).minimum, 10 * kMin + 2 * kHour);    // DprpP + TTLds
    EXPECT_NE(algorithm_ipub(in).section.find("RFC 6781 4.1.4"), std::string::npos);
}

TEST(RolloverTiming, MarginIsAddedToTheValueNotTheMinimum)
{
    TimingInputs in = inputs();
    in.margin = kHour;
    const Interval i = zsk_prepublish_ipub(in);
    EXPECT_EQ(i.minimum, 3900s);
    EXPECT_EQ(i.value, 3900s + kHour);
    EXPECT_EQ(i.describe(), "Ipub = Dprp + TTLkey = 5m + 1h = 1h5m (+ margin 1h = 2h5m)");
}

TEST(RolloverTiming, TurningSecureWaitsForTheLongerTtl)
{
    // Ipub = Dprp + max(TTLkey, TTLsig) = 5m + max(1h, 30m).
    const Interval i = turn_secure_ipub(inputs());
    EXPECT_EQ(i.minimum, 3900s);
    EXPECT_EQ(i.describe(), "Ipub = Dprp + max(TTLkey, TTLsig) = 5m + max(1h, 30m) = 1h5m");
}

TEST(RolloverTiming, TurningInsecureWaitsForCachedDsSets)
{
    // Iret = DprpP + TTLds = 10m + 2h.
    EXPECT_EQ(turn_insecure_iret(inputs()).minimum, 2 * kHour + 10 * kMin);
}

// ---------------------------------------------------------------------------------------------
// The parser and the planner together.

prepare::PreparedScenario parse(const std::string& rollover, const std::string& ttl = "{ default: 300, dnskey: 1h, ds: 2h }",
                         const std::string& expect = "")
{
    const std::string text = "name: t\nstart: 2027-03-01T00:00:00Z\nzones:\n  example.com.:\n    ttl: " + ttl +
                             "\n    signing: { validity: 1d, refresh: 18h }\nprobes: { every: 30m, names: [www.example.com. A] }\n"
                             "rollover:\n  - " + rollover + "\n" + expect;
    return prepare::prepare_scenario_text(text, "t.yaml", ".");
}

const scenario::KeySpec* key(const scenario::Scenario& sc, const std::string& name)
{
    for (const auto& k : sc.find_zone("example.com.")->keys)
        if (k.name == name) return &k;
    return nullptr;
}

std::vector<std::string> events(const scenario::Scenario& sc)
{
    std::vector<std::string> out;
    for (const auto& e : sc.timeline)
        out.push_back(format_offset(e.at) + " " + std::to_string(static_cast<int>(*e.action)) + " " + e.key);
    return out;
}

TEST(RolloverPlanner, ZskPrePublicationAddsTheKeyAndTheEvents)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d }");
    const auto& sc = prepared.scenario;
    const auto* next = key(sc, "zsk-next");
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(next->role, scenario::KeyRole::Zsk);
    EXPECT_FALSE(next->publish);  // the events publish it
    // Ipub = 5m + 1h; Iret = Dsgn (6h) + 5m + TTLsig (ns 1h) = 7h5m.
    const auto P = std::to_string(int(ActionKind::Publish)), A = std::to_string(int(ActionKind::Activate)),
               R = std::to_string(int(ActionKind::Retire)), X = std::to_string(int(ActionKind::Remove));
    EXPECT_EQ(events(sc), (std::vector<std::string>{"+1d " + P + " zsk-next", "+1d1h5m " + A + " zsk-next",
                                                    "+1d1h5m " + R + " zsk", "+1d8h10m " + X + " zsk"}));
    auto plans = prepared.plans;
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_TRUE(plans[0].findings.empty());
    EXPECT_TRUE(prepared.predicted.empty());
}

TEST(RolloverPlanner, OverrideBelowTheMinimumIsKeptAndPredictsAWindow)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, override: { publish-interval: 10m } }");
    const auto& sc = prepared.scenario;
    EXPECT_EQ(sc.timeline[1].at, kDay + 10 * kMin);  // the override is used as written
    auto w = prepared.predicted;
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].from, kDay + 10 * kMin);           // activation
    EXPECT_EQ(w[0].until, kDay + kHour + 5 * kMin);   // publication + Dprp + TTLkey
    EXPECT_TRUE(w[0].warm);
    EXPECT_FALSE(w[0].cold);
    EXPECT_EQ(affected_resolvers(sc, w[0]), std::vector<std::string>{"warm"});
}

TEST(RolloverPlanner, OverrideAboveTheMinimumIsNotFlagged)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, override: { publish-interval: 2h } }");
    EXPECT_TRUE(prepared.plans[0].findings.empty());
}

TEST(RolloverPlanner, KskDoubleDsStepsAndLint)
{
    const auto prepared = parse("{ zone: example.com., method: ksk-double-ds, key: ksk, start: +1d, parent: { registration-delay: 1h },"
                    " override: { retire-interval: 0s } }");
    auto plan = prepared.plans[0];
    ASSERT_EQ(plan.steps.size(), 4u);
    EXPECT_EQ(plan.steps[0].at, kDay);                                   // DS submitted
    EXPECT_EQ(plan.steps[1].at, kDay + kHour);                           // + Dreg: DS added
    EXPECT_EQ(plan.steps[2].at, kDay + kHour + 2 * kHour + 5 * kMin);    // + IpubP = 5m + 2h: DNSKEY swap
    EXPECT_EQ(plan.steps[3].at, plan.steps[2].at);                       // + 0s (override): old DS removed
    ASSERT_EQ(plan.findings.size(), 1u);
    ASSERT_TRUE(plan.findings[0].window);
    EXPECT_EQ(plan.findings[0].window->from, plan.steps[3].at);
    EXPECT_EQ(plan.findings[0].window->until, plan.steps[2].at + kHour + 5 * kMin);  // swap + DprpC + TTLkey
    EXPECT_TRUE(plan.steps[0].actions.empty());
}

// With a parent agent the DS steps become CDS changes at the submission, and Dreg is the
// latest the agent can change the DS: scan-every + registration-delay.
TEST(RolloverPlanner, ParentAgentTurnsDsStepsIntoCds)
{
    const std::string text = "name: t\nstart: 2027-03-01T00:00:00Z\nzones:\n  example.com.:\n"
                              "    ttl: { default: 300, dnskey: 1h, ds: 2h }\n"
                              "    signing: { validity: 1d, refresh: 18h }\n"
                              "    parent-agent: { scan-every: 30m, registration-delay: 1h }\n"
                              "probes: { every: 30m, names: [www.example.com. A] }\n"
                              "rollover:\n  - { zone: example.com., method: ksk-double-ds, key: ksk, start: +1d }\n";
    const auto prepared = prepare::prepare_scenario_text(text, "t.yaml", ".");
    const auto& sc = prepared.scenario;
    auto plan = prepared.plans[0];
    EXPECT_EQ(plan.inputs.dreg, 90 * kMin);
    ASSERT_EQ(plan.steps.size(), 4u);
    using A = ActionKind;
    auto kinds = [](const Step& s) {
        std::vector<std::pair<A, std::string>> out;
        for (const auto& a : s.actions) out.emplace_back(a.kind, a.key);
        return out;
    };
    EXPECT_EQ(kinds(plan.steps[0]),
              (std::vector<std::pair<A, std::string>>{{A::CdsPublish, "ksk"}, {A::CdsPublish, "ksk-next"}}));
    EXPECT_TRUE(plan.steps[1].actions.empty());  // the agent adds the DS
    EXPECT_TRUE(plan.steps[1].by_parent_agent);
    EXPECT_EQ(plan.steps[1].at, kDay + 90 * kMin);
    EXPECT_EQ(plan.steps[1].interval->formula, "scan-every + registration-delay (parent agent, from the CDS)");
    EXPECT_EQ(plan.steps[2].at, kDay + 90 * kMin + 2 * kHour + 5 * kMin);  // + IpubP
    EXPECT_EQ(kinds(plan.steps[3]), (std::vector<std::pair<A, std::string>>{{A::CdsRemove, "ksk"}}));
    for (const auto& ev : sc.timeline)
        EXPECT_TRUE(*ev.action != A::DsAdd && *ev.action != A::DsRemove) << format_offset(ev.at) << " " << ev.key;
}

TEST(RolloverPlanner, AlgorithmRollsEveryKeyOfTheAlgorithm)
{
    const auto prepared = parse("{ zone: example.com., method: algorithm, key: ksk, algorithm: ED25519, start: +1d }");
    const auto& sc = prepared.scenario;
    ASSERT_NE(key(sc, "ksk-next"), nullptr);
    ASSERT_NE(key(sc, "zsk-next"), nullptr);
    EXPECT_EQ(key(sc, "zsk-next")->algorithm, scenario::Algorithm::ED25519);
    EXPECT_EQ(key(sc, "ksk-next")->role, scenario::KeyRole::Ksk);
}

TEST(RolloverPlanner, PlanPrintsFormulasWithNumbers)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, override: { publish-interval: 10m } }");
    const auto& sc = prepared.scenario;
    std::ostringstream out;
    print_plan(out, sc, prepared.plans);
    EXPECT_NE(out.str().find("Ipub = Dprp + TTLkey = 5m + 1h = 1h5m, BELOW THE MINIMUM"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("predicted failure window: +1d10m .. +1d1h5m"), std::string::npos) << out.str();
}

TEST(RolloverParse, PlannedTimesCountTowardsTheDuration)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d }");
    const auto& sc = prepared.scenario;
    EXPECT_EQ(sc.duration, kDay + 8 * kHour + 10 * kMin + 2 * kDay);  // last step + 2d
}

TEST(RolloverParse, ErrorsPointAtTheField)
{
    try {
        parse("{ zone: example.com., method: csk, key: ksk, start: +1d }");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(std::string(e.what()), "t.yaml:9:45: method csk rolls a csk; key 'ksk' in example.com. is a ksk (use "
                                         "ksk-double-ksk, ksk-double-ds or ksk-double-rrset)");
    }
}

TEST(RolloverPlanner, TurnSecureSignsFirstAndAddsTheDsLast)
{
    const auto prepared = parse("{ zone: example.com., method: turn-secure, start: +1d, parent: { registration-delay: 1h } }");
    const auto& sc = prepared.scenario;
    // The zone's keys start with no times: unsigned until the rollover signs it.
    EXPECT_FALSE(key(sc, "ksk")->publish);
    EXPECT_FALSE(key(sc, "ksk")->ds_add);
    auto plan = prepared.plans[0];
    ASSERT_EQ(plan.steps.size(), 3u);
    EXPECT_EQ(plan.steps[0].at, kDay);                          // sign
    EXPECT_EQ(plan.steps[1].at, kDay + kHour + 5 * kMin);       // + Dprp + max(TTLkey 1h, TTLsig)
    EXPECT_EQ(plan.steps[2].at, kDay + 2 * kHour + 5 * kMin);   // + Dreg: DS at the parent
    EXPECT_EQ(plan.steps[2].actions.size(), 1u);
    EXPECT_TRUE(plan.findings.empty());
}

TEST(RolloverPlanner, TurnSecureWithTheDsFirstPredictsAWindowForEveryValidator)
{
    const auto prepared = parse("{ zone: example.com., method: turn-secure, start: +1d, parent: { registration-delay: 1h }, "
                    "override: { publish-interval: -2h } }");
    auto w = prepared.predicted;
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].from, kDay - kHour);                  // DS submitted at -2h, published after Dreg
    EXPECT_EQ(w[0].until, kDay + 5 * kMin + 5 * kMin);   // signed + negative TTL (300) + Dprp
    EXPECT_TRUE(w[0].warm);
    EXPECT_TRUE(w[0].cold);
}

TEST(RolloverPlanner, TurnInsecureRemovesTheDsThenTheKeys)
{
    const auto prepared = parse("{ zone: example.com., method: turn-insecure, start: +1d, parent: { registration-delay: 1h }, "
                    "override: { retire-interval: 10m } }");
    auto plan = prepared.plans[0];
    ASSERT_EQ(plan.steps.size(), 3u);
    EXPECT_EQ(plan.steps[1].at, kDay + kHour);            // DS removed
    EXPECT_EQ(plan.steps[2].at, kDay + kHour + 10 * kMin);  // unsigned (override)
    auto w = prepared.predicted;
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].from, kDay + kHour + 10 * kMin);
    EXPECT_EQ(w[0].until, kDay + kHour + 5 * kMin + 2 * kHour);  // DS removed + DprpP + TTLds
    EXPECT_FALSE(w[0].cold);
}

TEST(RolloverPlanner, EveryRepeatsTheRolloverWithNumberedGenerations)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, every: 10d, count: 3 }");
    const auto& sc = prepared.scenario;
    ASSERT_EQ(sc.rollovers.size(), 3u);
    EXPECT_EQ(sc.rollovers[1].key, "zsk-2");
    EXPECT_EQ(sc.rollovers[1].start, 11 * kDay);
    EXPECT_EQ(sc.rollovers[2].new_key, "zsk-4");
    ASSERT_NE(key(sc, "zsk-4"), nullptr);
    EXPECT_EQ(key(sc, "zsk-next"), nullptr);
    // Generation 3 publishes zsk-4 at +21d and removes zsk-3 after Ipub + Iret.
    bool removed = false;
    for (const auto& e : sc.timeline)
        removed = removed || (e.key == "zsk-3" && *e.action == ActionKind::Remove && e.at == 21 * kDay + 8 * kHour + 10 * kMin);
    EXPECT_TRUE(removed) << ::testing::PrintToString(events(sc));
}

TEST(RolloverPlanner, EveryWithoutCountFillsTheDuration)
{
    const std::string text = "name: t\nstart: 2027-03-01T00:00:00Z\nduration: 40d\nzones:\n  example.com.: {}\n"
                             "probes: { every: 1d, names: [www.example.com. A] }\n"
                             "rollover:\n  - { zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, every: 10d }\n";
    const auto prepared = prepare::prepare_scenario_text(text, "t.yaml", ".");
    const auto& sc = prepared.scenario;
    EXPECT_EQ(sc.rollovers.size(), 4u);  // starts at +1d, +11d, +21d, +31d; +41d is past the end
}

TEST(RolloverParse, EveryShorterThanOneRolloverIsRefused)
{
    try {
        parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, every: 2h, count: 2 }");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("every: 2h is shorter than one zsk-prepublish rollover"), std::string::npos)
            << e.what();
    }
}

// ---------------------------------------------------------------------------------------------
// predicted-windows: match

runner::Observation warm_obs(Seconds t, bool fail)
{
    runner::Observation o;
    o.offset = t;
    o.resolver = "warm";
    o.kind = scenario::ResolverKind::Unbound;
    o.query = {"www.example.com.", "A"};
    o.rcode = fail ? dns::Rcode::ServFail : dns::Rcode::NoError;
    o.ad = !fail;
    o.ede = fail ? std::optional<dns::Ede>(dns::Ede::DnskeyMissing) : std::nullopt;
    o.validation = probe::classify_daemon_answer(o.rcode, o.ad, o.ede);
    return o;
}

TEST(PredictedWindows, MatchWhenObservedLiesWithinPredicted)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, override: { publish-interval: 10m } }",
                    "{ default: 300, dnskey: 1h, ds: 2h }", "expect:\n  - { predicted-windows: match }\n");
    const auto& sc = prepared.scenario;
    // Predicted +1d10m .. +1d1h5m.
    std::vector<runner::Observation> obs{warm_obs(kDay, false), warm_obs(kDay + 15 * kMin, true),
                                         warm_obs(kDay + 45 * kMin, true), warm_obs(kDay + kHour, false)};
    auto v = report::evaluate(sc, prepared.predicted, obs);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].pass) << v[0].detail;

    // A failure far outside the prediction does not match.
    obs.push_back(warm_obs(kDay + 10 * kHour, true));
    obs.push_back(warm_obs(kDay + 11 * kHour, false));
    v = report::evaluate(sc, prepared.predicted, obs);
    EXPECT_FALSE(v[0].pass);
    EXPECT_NE(v[0].detail.find("outside every predicted window"), std::string::npos) << v[0].detail;
}

TEST(PredictedWindows, APredictedWindowWithoutFailureDoesNotMatch)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, override: { publish-interval: 10m } }",
                    "{ default: 300, dnskey: 1h, ds: 2h }", "expect:\n  - { predicted-windows: match }\n");
    const auto& sc = prepared.scenario;
    // Predicted +1d10m .. +1d1h5m. The DNSKEY set fetched at +23h30m (old ZSK only) is still
    // cached at +1d20m, when the answer is fetched again signed by the new ZSK: this cache could
    // have failed inside the window, so seeing no failure there fails the expectation.
    std::vector<runner::Observation> obs{warm_obs(kDay - 30 * kMin, false), warm_obs(kDay + 20 * kMin, false)};
    auto v = report::evaluate(sc, prepared.predicted, obs);
    EXPECT_FALSE(v[0].pass);
    EXPECT_NE(v[0].detail.find("no warm failure then"), std::string::npos) << v[0].detail;
    EXPECT_NE(v[0].detail.find("a cache of warm fetched with sets that fail at +1d20m"), std::string::npos)
        << v[0].detail;
}

TEST(PredictedWindows, AWorstCaseNoCacheCouldStraddleIsNotObservableAndPasses)
{
    const auto prepared = parse("{ zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, override: { publish-interval: 10m } }",
                    "{ default: 300, dnskey: 1h, ds: 2h }", "expect:\n  - { predicted-windows: match }\n");
    const auto& sc = prepared.scenario;
    // The DNSKEY set is fetched at +1d with the new ZSK in it, and kept until +1d1h30m: no fetch
    // inside +1d10m .. +1d1h5m pairs the old DNSKEY set with the new ZSK's signatures.
    std::vector<runner::Observation> obs{warm_obs(kDay, false), warm_obs(kDay + 30 * kMin, false),
                                         warm_obs(kDay + kHour, false)};
    auto v = report::evaluate(sc, prepared.predicted, obs);
    EXPECT_TRUE(v[0].pass) << v[0].detail;
    EXPECT_NE(v[0].detail.find("predicted +1d10m .. +1d1h5m (example.com.), not observable (a worst case over cache "
                               "phases that no probe of warm could straddle"),
              std::string::npos)
        << v[0].detail;
    // Nor would a resolver started at another of these three instants.
    EXPECT_NE(v[0].detail.find("no warm resolver started at another probe instant would see it either"),
              std::string::npos)
        << v[0].detail;

    // A failure outside the window still fails the expectation beside a not observable window.
    obs.push_back(warm_obs(kDay + 10 * kHour, true));
    obs.push_back(warm_obs(kDay + 11 * kHour, false));
    v = report::evaluate(sc, prepared.predicted, obs);
    EXPECT_FALSE(v[0].pass);
}


// ---------------------------------------------------------------------------------------------
// RFC 5011: the root's KSK.

namespace rfc5011 {

TEST(Rfc5011Timing, QueryIntervalIsClampedBetweenAnHourAndFifteenDays)
{
    // MAX(1 hr, MIN(15 days, 1/2*OrigTTL, 1/2*RRSigExpirationInterval)), RFC 5011 2.3.
    EXPECT_EQ(rfc5011_query_interval(kDay, 14 * kDay), 12 * kHour);
    EXPECT_EQ(rfc5011_query_interval(kDay, 10 * kHour), 5 * kHour);   // signatures closer to expiry
    EXPECT_EQ(rfc5011_query_interval(kHour, 14 * kDay), kHour);       // 30m raised to 1h
    EXPECT_EQ(rfc5011_query_interval(60 * kDay, 60 * kDay), 15 * kDay);
}

TEST(Rfc5011Timing, AddHoldDownRevokeAndRemoveIntervals)
{
    TimingInputs in = inputs();  // TTLkey 1h, Dprp 5m
    in.ttl_key = kDay;
    in.validity = 14 * kDay;
    // queryInterval 12h: Ipub = 5m + 12h + 30d + 12h.
    const Interval ipub = rfc5011_ipub(in);
    EXPECT_EQ(ipub.minimum, 5 * kMin + 12 * kHour + 30 * kDay + 12 * kHour);
    EXPECT_EQ(ipub.describe(), "Ipub = Dprp + queryInterval + add hold-down + queryInterval = 5m + 12h + 30d + 12h = "
                               "31d5m");
    EXPECT_EQ(ipub.section, "RFC 5011 2.2, 2.4.1");
    EXPECT_EQ(rfc5011_irevoke(in).minimum, 5 * kMin + kDay);
    EXPECT_EQ(rfc5011_iremove(in).minimum, 5 * kMin + kDay + 12 * kHour);  // Dprp + TTLkey + queryInterval
    in.add_holddown = 10 * kDay;
    EXPECT_EQ(rfc5011_ipub(in).minimum, 5 * kMin + kDay + 10 * kDay);
}

prepare::PreparedScenario parse_root(const std::string& rollover, const std::string& resolvers)
{
    const std::string text = "name: t\nstart: 2027-03-01T00:00:00Z\nduration: 40d\nzones:\n  .:\n    ttl: { dnskey: 1d }\n"
                             "    signing: { validity: 14d, refresh: 7d }\n    keys:\n      ksk: { role: ksk }\n"
                             "      zsk: { role: zsk }\n  example.com.: {}\n"
                             "probes: { every: 12h, names: [www.example.com. A] }\nrollover:\n  - " + rollover +
                             "\nresolvers:\n" + resolvers;
    return prepare::prepare_scenario_text(text, "t.yaml", ".");
}

TEST(Rfc5011Planner, RootKskRollWaitsForTheAddHoldDownThenRevokes)
{
    const auto prepared = parse_root("{ zone: ., method: ksk-double-ksk, key: ksk, start: +1d }",
                         "  warm: { kind: unbound, trust-anchor: rfc5011 }\n  cold: { kind: libunbound }\n");
    const auto& sc = prepared.scenario;
    auto plan = prepared.plans[0];
    ASSERT_EQ(plan.steps.size(), 4u);
    const Seconds tact = kDay + 31 * kDay + 5 * kMin;
    EXPECT_EQ(plan.steps[0].at, kDay);                                  // publish ksk-next
    EXPECT_EQ(plan.steps[1].at, tact);                                  // activate, new anchor
    EXPECT_EQ(plan.steps[2].at, tact + kDay + 5 * kMin);                // revoke ksk
    EXPECT_EQ(plan.steps[3].at, tact + 2 * kDay + 10 * kMin + 12 * kHour);  // remove ksk: + Dprp + TTLkey + queryInterval
    ASSERT_EQ(plan.steps[2].actions.size(), 1u);
    EXPECT_EQ(plan.steps[2].actions[0].kind, ActionKind::Revoke);
    // Only the static-anchor prediction, which applies to no resolver here.
    auto w = prepared.predicted;
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].anchor, scenario::TrustAnchorMode::Static);
    EXPECT_EQ(w[0].from, tact);
    EXPECT_EQ(w[0].until, sc.duration);
    EXPECT_TRUE(affected_resolvers(sc, w[0]).empty());
}

TEST(Rfc5011Planner, SkippedHoldDownPredictsAWindowForRfc5011ResolversOnly)
{
    const auto prepared = parse_root("{ zone: ., method: ksk-double-ksk, key: ksk, start: +1d, override: { publish-interval: 10d } }",
                         "  auto: { kind: unbound, trust-anchor: rfc5011 }\n  fixed: { kind: unbound }\n"
                         "  cold: { kind: libunbound }\n");
    const auto& sc = prepared.scenario;
    auto w = prepared.predicted;
    ASSERT_EQ(w.size(), 2u);
    EXPECT_EQ(w[0].anchor, scenario::TrustAnchorMode::Rfc5011);
    EXPECT_EQ(w[0].from, 11 * kDay);
    EXPECT_EQ(w[0].until, kDay + 31 * kDay + 5 * kMin);
    EXPECT_EQ(affected_resolvers(sc, w[0]), std::vector<std::string>{"auto"});
    EXPECT_EQ(affected_resolvers(sc, w[1]), std::vector<std::string>{"fixed"});
}

TEST(Rfc5011Parse, RootRefusesMethodsThatCannotReachRfc5011Resolvers)
{
    try {
        parse_root("{ zone: ., method: ksk-double-ds, key: ksk, start: +1d }", "  warm: { kind: unbound }\n");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("use ksk-double-ksk"), std::string::npos) << e.what();
    }
}

TEST(Rfc5011Parse, ResolverLifecycle)
{
    const auto prepared = parse_root("{ zone: ., method: ksk-double-ksk, key: ksk, start: +1d }",
                         "  warm: { kind: unbound, trust-anchor: rfc5011, start: +2d, add-holddown: 10d,\n"
                         "          offline: [{ from: +5d, until: +9d }] }\n");
    const auto& sc = prepared.scenario;
    const auto& r = sc.resolvers[0];
    EXPECT_EQ(r.trust_anchor, scenario::TrustAnchorMode::Rfc5011);
    EXPECT_EQ(r.add_holddown, 10 * kDay);
    EXPECT_FALSE(r.online_at(kDay));
    EXPECT_TRUE(r.online_at(2 * kDay));
    EXPECT_FALSE(r.online_at(5 * kDay));
    EXPECT_FALSE(r.online_at(9 * kDay - 1s));
    EXPECT_TRUE(r.online_at(9 * kDay));
}

}  // namespace rfc5011

}  // namespace
}  // namespace rollsim::rollover
