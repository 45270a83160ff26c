// Differences between resolver kinds from hand-built observations: which kinds fail, from when
// to when and saying what; the instants at which the daemon kinds disagree; nothing for a run
// with one daemon kind; and the section in each report format.
#include "report/kind_differences.hpp"
#include "report/kind_report.hpp"

#include <gtest/gtest.h>

using namespace rollsim;
using scenario::ResolverKind;

namespace {

const scenario::Query kA{"www.example.com.", "A"};
const scenario::Query kMx{"example.com.", "MX"};

runner::Observation secure(long long at, const std::string& resolver, ResolverKind kind,
                           const scenario::Query& q = kA)
{
    runner::Observation o;
    o.offset = Seconds(at);
    o.resolver = resolver;
    o.kind = kind;
    o.query = q;
    o.rcode = dns::Rcode::NoError;
    o.ad = true;
    o.validation = dns::Validation::Secure;
    return o;
}

runner::Observation servfail(long long at, const std::string& resolver, ResolverKind kind, std::optional<int> ede,
                             const std::string& reason, const scenario::Query& q = kA)
{
    auto o = secure(at, resolver, kind, q);
    o.rcode = dns::Rcode::ServFail;
    o.ad = false;
    if (ede) o.ede = dns::ede_from_code(*ede);
    o.validation = ede && dns::is_dnssec_failure(*o.ede) ? dns::Validation::Bogus : dns::Validation::Indeterminate;
    o.reason = reason;
    return o;
}

// Probes at 0, 100, 200, 300: unbound fails at 100 and 200 (EDE 9), named at 200 only and then
// for good, kresd never; the cold validator fails at 300.
std::vector<runner::Observation> three_kinds()
{
    using K = ResolverKind;
    return {secure(0, "unbound", K::Unbound),   secure(0, "named", K::Bind),
            secure(0, "kresd", K::KnotResolver), secure(0, "cold", K::Libunbound),
            servfail(100, "unbound", K::Unbound, 9, "signatures from unknown keys"),
            secure(100, "named", K::Bind),       secure(100, "kresd", K::KnotResolver),
            secure(100, "cold", K::Libunbound),
            servfail(200, "unbound", K::Unbound, 9, "signatures from unknown keys"),
            servfail(200, "named", K::Bind, std::nullopt, "no valid signature found"),
            secure(200, "kresd", K::KnotResolver), secure(200, "cold", K::Libunbound),
            secure(300, "unbound", K::Unbound),
            servfail(300, "named", K::Bind, std::nullopt, "RRSIG has expired"),
            secure(300, "kresd", K::KnotResolver),
            servfail(300, "cold", K::Libunbound, std::nullopt, "signature crypto failed")};
}

}  // namespace

TEST(KindDifferences, OneDaemonKindHasNoSection)
{
    using K = ResolverKind;
    const std::vector<runner::Observation> obs = {
        secure(0, "warm", K::Unbound), servfail(0, "cold", K::Libunbound, std::nullopt, "bogus"),
        servfail(100, "warm", K::Unbound, 9, "x"), secure(100, "cold", K::Libunbound)};
    const auto d = report::kind_differences(obs);
    EXPECT_TRUE(d.empty());
    EXPECT_TRUE(d.queries.empty());
    EXPECT_EQ(report::kinds_terminal(d), "");
    EXPECT_EQ(report::kinds_markdown(d), "");
    EXPECT_EQ(report::kinds_html(d), "");
    EXPECT_TRUE(report::kinds_json(d).is_null());
}

TEST(KindDifferences, FailingKindsWindowsAndSayings)
{
    const auto d = report::kind_differences(three_kinds());
    ASSERT_FALSE(d.empty());
    EXPECT_EQ(d.kinds, (std::vector{ResolverKind::Unbound, ResolverKind::Bind, ResolverKind::KnotResolver,
                                    ResolverKind::Libunbound}));
    ASSERT_EQ(d.queries.size(), 1u);
    const auto& q = d.queries[0];
    EXPECT_EQ(q.failing, (std::vector{ResolverKind::Unbound, ResolverKind::Bind, ResolverKind::Libunbound}));
    EXPECT_EQ(q.never, (std::vector{ResolverKind::KnotResolver}));
    ASSERT_EQ(q.failures.size(), 3u);
    EXPECT_EQ(q.failures[0].resolver, "unbound");
    EXPECT_EQ(q.failures[0].start, Seconds(100));
    EXPECT_EQ(q.failures[0].end, Seconds(300));
    EXPECT_EQ(q.failures[0].probes, 2);
    ASSERT_EQ(q.failures[0].sayings.size(), 1u);  // the same answer twice is said once
    EXPECT_EQ(report::saying_text(q.failures[0].sayings[0]),
              "SERVFAIL EDE 9 (DNSKEY Missing): signatures from unknown keys");
    EXPECT_EQ(q.failures[1].resolver, "named");
    EXPECT_EQ(q.failures[1].start, Seconds(200));
    EXPECT_FALSE(q.failures[1].end);  // still failing at the end
    ASSERT_EQ(q.failures[1].sayings.size(), 2u);  // its reason changed within the window
    EXPECT_EQ(q.failures[1].sayings[1].first, Seconds(300));
    EXPECT_EQ(q.failures[1].sayings[1].reason, "RRSIG has expired");
    EXPECT_EQ(q.failures[2].kind, ResolverKind::Libunbound);
    EXPECT_EQ(report::failing_text(q), "fails: unbound, bind, libunbound (cold); never fails: knot-resolver");
}

TEST(KindDifferences, DisagreementsAmongDaemonKindsOnly)
{
    const auto d = report::kind_differences(three_kinds());
    const auto& q = d.queries.at(0);
    // 100: unbound alone fails; 200: unbound and named; 300: named alone (the cold validator
    // fails too, but takes no side). 0: all agree.
    ASSERT_EQ(q.disagreements.size(), 3u);
    EXPECT_EQ(q.disagreements[0].first, Seconds(100));
    EXPECT_EQ(report::disagreement_text(q.disagreements[0]), "+1m40s: fails: unbound; secure: bind, knot-resolver");
    EXPECT_EQ(report::disagreement_text(q.disagreements[1]), "+3m20s: fails: unbound, bind; secure: knot-resolver");
    EXPECT_EQ(report::disagreement_text(q.disagreements[2]), "+5m: fails: bind; secure: unbound, knot-resolver");
}

TEST(KindDifferences, ConsecutiveInstantsWithOneSplitFoldTogether)
{
    using K = ResolverKind;
    std::vector<runner::Observation> obs;
    for (long long t = 0; t <= 400; t += 100) {
        const bool broken = t >= 100 && t <= 300;
        obs.push_back(broken ? servfail(t, "named", K::Bind, std::nullopt, "expired") : secure(t, "named", K::Bind));
        obs.push_back(secure(t, "pdns", K::PdnsRecursor));
        obs.push_back(secure(t, "pdns", K::PdnsRecursor, kMx));
        obs.push_back(secure(t, "named", K::Bind, kMx));
    }
    const auto d = report::kind_differences(obs);
    ASSERT_EQ(d.queries.size(), 2u);
    ASSERT_EQ(d.queries[0].disagreements.size(), 1u);
    const auto& x = d.queries[0].disagreements[0];
    EXPECT_EQ(x.first, Seconds(100));
    EXPECT_EQ(x.last, Seconds(300));
    EXPECT_EQ(x.instants, 3);
    EXPECT_EQ(report::disagreement_text(x), "+1m40s .. +5m (3 instants): fails: bind; secure: pdns-recursor");
    // The MX: nobody failed, nobody disagreed.
    EXPECT_TRUE(d.queries[1].failures.empty());
    EXPECT_TRUE(d.queries[1].disagreements.empty());
    EXPECT_EQ(report::failing_text(d.queries[1]), "no kind failed");
}

TEST(KindDifferences, SecureAndInsecureDisagree)
{
    using K = ResolverKind;
    auto insecure = secure(0, "kresd", K::KnotResolver);
    insecure.ad = false;
    insecure.validation = dns::Validation::Insecure;
    const auto d = report::kind_differences({secure(0, "unbound", K::Unbound), insecure});
    ASSERT_EQ(d.queries.at(0).disagreements.size(), 1u);
    EXPECT_EQ(report::sides_text(d.queries[0].disagreements[0]), "secure: unbound; insecure: knot-resolver");
    EXPECT_TRUE(d.queries[0].failing.empty());
}

TEST(KindDifferences, EveryFormatShowsTheSection)
{
    const auto d = report::kind_differences(three_kinds());
    const std::string terminal = report::kinds_terminal(d);
    EXPECT_NE(terminal.find("Differences between resolver kinds (unbound, bind, knot-resolver, libunbound (cold))"),
              std::string::npos);
    EXPECT_NE(terminal.find("www.example.com. A: fails: unbound, bind, libunbound (cold); never fails: knot-resolver"),
              std::string::npos);
    EXPECT_NE(terminal.find("kinds disagree at +1m40s: fails: unbound; secure: bind, knot-resolver"),
              std::string::npos);
    EXPECT_NE(terminal.find("from +5m: SERVFAIL: RRSIG has expired"), std::string::npos);
    const std::string md = report::kinds_markdown(d);
    EXPECT_NE(md.find("## Differences between resolver kinds"), std::string::npos);
    EXPECT_NE(md.find("| unbound | unbound | +1m40s .. +5m | 2 probes | SERVFAIL EDE 9 (DNSKEY Missing): "
                      "signatures from unknown keys |"),
              std::string::npos);
    const std::string html = report::kinds_html(d);
    EXPECT_NE(html.find("<td>bind</td><td>named</td><td class=\"span\">+3m20s .. end</td><td>2 probes</td>"
                        "<td class=\"reason\">SERVFAIL: no valid signature found<br>from +5m: SERVFAIL: RRSIG has "
                        "expired</td>"), std::string::npos);
    EXPECT_NE(html.find("<li>+3m20s: fails: unbound, bind; secure: knot-resolver</li>"), std::string::npos);
    const auto j = report::kinds_json(d);
    EXPECT_EQ(j["kinds"].size(), 4u);
    const auto& q = j["queries"][0];
    EXPECT_EQ(q["failing"], nlohmann::json({"unbound", "bind", "libunbound"}));
    EXPECT_EQ(q["failures"][1]["end_s"], nullptr);
    EXPECT_EQ(q["failures"][0]["said"][0]["ede"], 9);
    EXPECT_EQ(q["disagreements"][0]["sides"]["fails"], nlohmann::json({"unbound"}));
}
