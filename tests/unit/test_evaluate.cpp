// Verdicts and failure windows from hand-made observations: the arithmetic of reports,
// separate from the lab that produces real observations.
#include "probe/daemon_probe.hpp"
#include "report/evaluate.hpp"
#include "runner/runner.hpp"

#include <gtest/gtest.h>

namespace rollsim::report {
namespace {

using dns::Ede;
using dns::Rcode;
using runner::Observation;
using runner::Validation;
using scenario::Expectation;
using scenario::Outcome;
using scenario::ResolverKind;

const scenario::Query kWww{"www.example.com.", "A"};
// The scenarios here have no rollover: the lint predicts nothing.
const std::vector<rollover::PredictedWindow> kNoPredictions;

Observation warm(long t, Rcode rcode, bool ad, std::optional<int> ede = std::nullopt)
{
    Observation o;
    o.offset = Seconds(t);
    o.resolver = "warm";
    o.kind = ResolverKind::Unbound;
    o.query = kWww;
    o.rcode = rcode;
    o.ad = ad;
    if (ede) o.ede = dns::ede_from_code(*ede);
    o.validation = probe::classify_daemon_answer(o.rcode, ad, o.ede);
    return o;
}

Observation cold(long t, Validation v)
{
    Observation o;
    o.offset = Seconds(t);
    o.resolver = "cold";
    o.kind = ResolverKind::Libunbound;
    o.query = kWww;
    o.rcode = Rcode::NoError;
    o.validation = v;
    o.ad = v == Validation::Secure;
    return o;
}

Expectation window(std::optional<long> from, std::optional<long> until, Outcome outcome, std::string resolver = "",
                   std::optional<int> ede = std::nullopt)
{
    Expectation e;
    e.query = kWww;
    e.resolver = std::move(resolver);
    if (from) e.from = Seconds(*from);
    if (until) e.until = Seconds(*until);
    e.outcome = outcome;
    e.ede = ede;
    return e;
}

TEST(ClassifyDaemonAnswer, MapsRcodeAdAndEde)
{
    using probe::classify_daemon_answer;
    EXPECT_EQ(classify_daemon_answer(Rcode::NoError, true, std::nullopt), Validation::Secure);
    EXPECT_EQ(classify_daemon_answer(Rcode::NoError, false, std::nullopt), Validation::Insecure);
    EXPECT_EQ(classify_daemon_answer(Rcode::ServFail, false, Ede::DnskeyMissing), Validation::Bogus);
    EXPECT_EQ(classify_daemon_answer(Rcode::ServFail, false, Ede::NoReachableAuthority), Validation::Indeterminate);
    EXPECT_EQ(classify_daemon_answer(Rcode::ServFail, false, std::nullopt), Validation::Indeterminate);
    EXPECT_EQ(classify_daemon_answer(std::nullopt, false, std::nullopt), Validation::Indeterminate);
}

TEST(OutcomeMatches, ServfailMeansBogusForTheColdValidatorAndEdeBindsDaemonsOnly)
{
    auto e = window(0, std::nullopt, Outcome::Servfail, "", 9);
    EXPECT_TRUE(outcome_matches(e, warm(0, Rcode::ServFail, false, 9)));
    EXPECT_FALSE(outcome_matches(e, warm(0, Rcode::ServFail, false, 7)));
    EXPECT_TRUE(outcome_matches(e, cold(0, Validation::Bogus)));
    EXPECT_FALSE(outcome_matches(e, cold(0, Validation::Secure)));
}

TEST(Evaluate, WindowsAndOtherwise)
{
    scenario::Scenario sc;
    sc.expectations.push_back(window(100, 200, Outcome::Servfail, "warm", 9));
    Expectation otherwise;
    otherwise.kind = Expectation::Kind::Otherwise;
    otherwise.outcome = Outcome::Secure;
    sc.expectations.push_back(otherwise);

    std::vector<Observation> obs = {warm(0, Rcode::NoError, true), cold(0, Validation::Secure),
                                    warm(100, Rcode::ServFail, false, 9), cold(100, Validation::Secure),
                                    warm(200, Rcode::NoError, true), cold(200, Validation::Secure)};
    auto verdicts = evaluate(sc, kNoPredictions, obs);
    ASSERT_EQ(verdicts.size(), 2u);
    EXPECT_TRUE(verdicts[0].pass) << verdicts[0].detail;
    EXPECT_EQ(verdicts[0].matched, 1);
    EXPECT_TRUE(verdicts[1].pass) << verdicts[1].detail;
    EXPECT_EQ(verdicts[1].matched, 5);

    obs[4] = warm(200, Rcode::ServFail, false, 9);  // the failure outlasts the window
    verdicts = evaluate(sc, kNoPredictions, obs);
    EXPECT_FALSE(verdicts[1].pass);
    EXPECT_NE(verdicts[1].detail.find("+3m20s warm www.example.com. A: SERVFAIL EDE 9"), std::string::npos)
        << verdicts[1].detail;
}

TEST(Evaluate, AnExpectationNoProbeFallsUnderFails)
{
    scenario::Scenario sc;
    sc.expectations.push_back(window(1000, 2000, Outcome::Secure));
    auto verdicts = evaluate(sc, kNoPredictions, {warm(0, Rcode::NoError, true)});
    ASSERT_EQ(verdicts.size(), 1u);
    EXPECT_FALSE(verdicts[0].pass);
}

TEST(FailureWindows, GroupsConsecutiveFailuresPerResolverAndQuery)
{
    std::vector<Observation> obs = {warm(0, Rcode::NoError, true),      cold(0, Validation::Secure),
                                    warm(10, Rcode::ServFail, false, 9), cold(10, Validation::Bogus),
                                    warm(20, Rcode::ServFail, false, 9), cold(20, Validation::Bogus),
                                    warm(30, Rcode::NoError, true),      cold(30, Validation::Bogus)};
    auto windows = failure_windows(obs);
    ASSERT_EQ(windows.size(), 2u);
    const auto& c = windows[0].resolver == "cold" ? windows[0] : windows[1];
    const auto& w = windows[0].resolver == "warm" ? windows[0] : windows[1];
    EXPECT_EQ(w.start, Seconds(10));
    EXPECT_EQ(w.end, Seconds(30));
    EXPECT_EQ(w.last_failure, Seconds(20));
    EXPECT_EQ(w.probes, 2);
    EXPECT_EQ(dns::ede_code(w.ede), 9);
    EXPECT_EQ(c.start, Seconds(10));
    EXPECT_FALSE(c.end.has_value());
    EXPECT_EQ(c.probes, 3);
}

TEST(Evaluate, NoFailuresAndFailureWindowBounds)
{
    scenario::Scenario sc;
    sc.duration = Seconds(100);
    Expectation none;
    none.kind = Expectation::Kind::NoFailures;
    none.resolver = "cold";
    Expectation bounded;
    bounded.kind = Expectation::Kind::FailureWindow;
    bounded.query = kWww;
    bounded.resolver = "warm";
    bounded.start_min = Seconds(5);
    bounded.start_max = Seconds(15);
    bounded.length_max = Seconds(20);
    bounded.ede = 9;
    sc.expectations = {none, bounded};
    std::vector<Observation> obs = {warm(0, Rcode::NoError, true), cold(0, Validation::Secure),
                                    warm(10, Rcode::ServFail, false, 9), cold(10, Validation::Secure),
                                    warm(30, Rcode::NoError, true), cold(30, Validation::Secure)};
    auto v = evaluate(sc, kNoPredictions, obs);
    EXPECT_TRUE(v[0].pass) << v[0].detail;
    EXPECT_TRUE(v[1].pass) << v[1].detail;

    obs[4] = warm(30, Rcode::ServFail, false, 9);  // now open until the end: lasts 90 s
    v = evaluate(sc, kNoPredictions, obs);
    EXPECT_FALSE(v[1].pass);
    EXPECT_NE(v[1].detail.find("failed from +10s for 1m30s"), std::string::npos) << v[1].detail;

    obs[3] = cold(10, Validation::Bogus);
    v = evaluate(sc, kNoPredictions, obs);
    EXPECT_FALSE(v[0].pass);
}

}  // namespace
}  // namespace rollsim::report
