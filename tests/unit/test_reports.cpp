// The JUnit, Markdown and HTML reports from a hand-made run: a ZSK swapped at +1d, a warm
// resolver failing for an hour (with a reason holding '<' and '&'), a cold one secure, and one
// expectation that does not hold. Then a planned rollover whose lint predicts a failure window,
// with hand-made runs that match it, miss it, or fail outside it.
#include "probe/daemon_probe.hpp"
#include "report/evaluate.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/predicted.hpp"
#include "report/run_result.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"
#include "runner/runner.hpp"
#include "prepare/prepared.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <regex>
#include <sstream>

namespace rollsim::report {
namespace {

using runner::Observation;
using runner::Validation;
using scenario::Expectation;
using scenario::Outcome;
using scenario::ResolverKind;

constexpr long kHour = 3600, kDay = 86400;
const scenario::Query kWww{"www.example.com.", "A"};
const char* kReason = "validation failure <www.example.com. A IN>: signatures from unknown keys & more";

struct Fixture {
    scenario::Scenario sc;
    runner::RunRecord record;
    RunSummary summary;
    std::vector<Verdict> verdicts;
    std::vector<FailureWindow> windows;
    std::vector<rollover::PredictedWindow> predicted;  // the rollover lint's, as prepare/ gives them
};

// The run summarised as `rollsim run` does, with the lint's predicted windows for the scenario.
void analyse(Fixture& f)
{
    f.summary = summarize(f.sc, f.predicted, f.record);
    f.verdicts.clear();
    for (const auto& e : f.summary.expectations) f.verdicts.push_back(e.verdict);
    f.windows = f.summary.windows;
}

Observation probe(long t, const std::string& resolver, bool fail)
{
    Observation o;
    o.offset = Seconds(t);
    o.resolver = resolver;
    o.kind = resolver == "cold" ? ResolverKind::Libunbound : ResolverKind::Unbound;
    o.query = kWww;
    if (fail) {
        o.rcode = dns::Rcode::ServFail;
        o.ede = dns::Ede::DnskeyMissing;
        o.ede_text = kReason;
        o.reason = kReason;
        o.validation = probe::classify_daemon_answer(o.rcode, false, o.ede);
    } else {
        o.rcode = dns::Rcode::NoError;
        o.ad = true;
        o.validation = Validation::Secure;
    }
    return o;
}

runner::KeyChange key(long t, const std::string& name, const std::string& role, int tag, bool published, bool active,
                      bool ds = false)
{
    return {Seconds(t), "example.com.", name, role, tag, 13, published, active, ds};
}

Expectation expectation(int line, std::string text, std::string resolver, Outcome outcome,
                        std::optional<long> from = std::nullopt, std::optional<long> until = std::nullopt)
{
    Expectation e;
    e.query = kWww;
    e.resolver = std::move(resolver);
    e.outcome = outcome;
    if (from) e.from = Seconds(*from);
    if (until) e.until = Seconds(*until);
    e.loc.line = line;
    e.text = std::move(text);
    return e;
}

Fixture make_fixture()
{
    Fixture f;
    f.sc.file = "scenarios/test/zsk-swap.yaml";
    f.sc.name = "ZSK swap <test> & friends";
    f.sc.start = *parse_time("2027-03-01T00:00:00Z");
    f.sc.duration = Seconds(2 * kDay);
    scenario::ZoneSpec zone;
    zone.name = "example.com.";
    f.sc.zones.push_back(zone);
    for (auto [name, kind] : {std::pair{"warm", ResolverKind::Unbound}, {"cold", ResolverKind::Libunbound}}) {
        scenario::ResolverSpec r;
        r.name = name;
        r.kind = kind;
        f.sc.resolvers.push_back(r);
    }
    f.sc.probes.queries.push_back(kWww);
    f.sc.expectations.push_back(expectation(20, "www.example.com. A on cold: secure", "cold", Outcome::Secure));
    f.sc.expectations.push_back(
        expectation(21, "www.example.com. A on warm from +1d until +1d2h: any", "warm", Outcome::Any, kDay, kDay + 2 * kHour));
    f.sc.expectations.push_back(expectation(22, "otherwise: secure", "", Outcome::Secure));
    f.sc.expectations.back().kind = Expectation::Kind::Otherwise;
    f.sc.expectations.back().query.reset();
    // Fails: the warm resolver recovers at +1d1h30m, and this demands SERVFAIL from +1d2h on.
    f.sc.expectations.push_back(
        expectation(23, "www.example.com. A on warm from +1d2h: servfail", "warm", Outcome::Servfail, kDay + 2 * kHour));

    for (long t = 0; t <= 2 * kDay; t += 30 * 60) {
        f.record.observations.push_back(probe(t, "warm", t > kDay && t <= kDay + kHour));
        f.record.observations.push_back(probe(t, "cold", false));
    }
    f.record.key_changes = {key(0, "ksk", "ksk", 111, true, true, true), key(0, "zsk-a", "zsk", 222, true, true),
                            key(0, "zsk-b", "zsk", 333, false, false), key(kDay, "zsk-a", "zsk", 222, false, false),
                            key(kDay, "zsk-b", "zsk", 333, true, true)};
    scenario::Event remove;
    remove.at = Seconds(kDay);
    remove.zone = "example.com.";
    remove.action = scenario::ActionKind::Remove;
    remove.key = "zsk-a";
    remove.say = "The old ZSK <goes> now.";
    f.record.events = {
        {Seconds(kDay), runner::TimelineEvent{remove}},
        {Seconds(kDay), runner::KeyStateChanged{"example.com.", "zsk-a", 222, runner::KeyTransition::DnskeyRemoved}},
        {Seconds(3 * kDay / 2), runner::ZoneSigned{"example.com.", 4, true}}};
    f.record.instants = 97;
    f.record.publications = 3;
    f.record.servers = 3;
    f.record.wall_seconds = 2.5;
    analyse(f);
    return f;
}

TEST(Reports, FixtureHasOneFailingExpectationAndOneWindow)
{
    auto f = make_fixture();
    ASSERT_EQ(f.verdicts.size(), 4u);
    EXPECT_TRUE(f.verdicts[0].pass);
    EXPECT_TRUE(f.verdicts[1].pass);
    EXPECT_TRUE(f.verdicts[2].pass);
    EXPECT_FALSE(f.verdicts[3].pass);
    ASSERT_EQ(f.windows.size(), 1u);
}

TEST(JunitReport, ParsesWithCountsFailureTextAndWindows)
{
    auto f = make_fixture();
    const std::string xml = junit_report(f.sc, f.record, f.summary);
    pugi::xml_document doc;
    auto parsed = doc.load_string(xml.c_str());
    ASSERT_TRUE(parsed) << parsed.description() << "\n" << xml;
    auto suites = doc.child("testsuites");
    ASSERT_TRUE(suites);
    EXPECT_EQ(suites.attribute("tests").as_int(), 4);
    EXPECT_EQ(suites.attribute("failures").as_int(), 1);
    auto suite = suites.child("testsuite");
    EXPECT_STREQ(suite.attribute("name").value(), "ZSK swap <test> & friends");
    EXPECT_STREQ(suite.attribute("file").value(), "scenarios/test/zsk-swap.yaml");
    EXPECT_EQ(suite.attribute("tests").as_int(), 4);
    EXPECT_EQ(suite.attribute("failures").as_int(), 1);
    EXPECT_EQ(suite.attribute("errors").as_int(), 0);
    EXPECT_EQ(suite.attribute("skipped").as_int(), 0);
    EXPECT_DOUBLE_EQ(suite.attribute("time").as_double(), 2.5);

    int cases = 0, failures = 0;
    for (auto tc : suite.children("testcase")) {
        ++cases;
        EXPECT_STREQ(tc.attribute("classname").value(), "scenarios/test/zsk-swap.yaml");
        auto failure = tc.child("failure");
        if (!failure) continue;
        ++failures;
        // Named by the expectation's content (its id), not its line: stable across edits.
        EXPECT_STREQ(tc.attribute("name").value(), "www.example.com. A on warm from +1d2h: servfail");
        const std::string message = failure.attribute("message").value();
        EXPECT_NE(message.find("+1d2h warm www.example.com. A: NOERROR AD"), std::string::npos) << message;
        EXPECT_NE(message.find("observed: secure ×45"), std::string::npos) << message;
        EXPECT_NE(std::string(failure.text().get()).find("zsk-swap.yaml:23"), std::string::npos);
    }
    EXPECT_EQ(cases, 4);
    EXPECT_EQ(failures, 1);
    const std::string out = suite.child("system-out").text().get();
    EXPECT_NE(out.find("warm www.example.com. A: +1d30m .. +1d1h30m"), std::string::npos) << out;
    EXPECT_NE(out.find(kReason), std::string::npos) << out;  // unescaped once parsed
}

TEST(JunitReport, CombinesScenariosAndTurnsMissingReportsIntoErrors)
{
    auto f = make_fixture();
    const std::string one = junit_report(f.sc, f.record, f.summary);
    const std::string combined = junit_combine({{"a.yaml", one, "", 2.5}, {"b.yaml", one, "", 2.5},
                                                {"c.yaml", "", "exit status 3: nsd not found", 0.1}});
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(combined.c_str())) << combined;
    auto suites = doc.child("testsuites");
    EXPECT_EQ(suites.attribute("tests").as_int(), 9);
    EXPECT_EQ(suites.attribute("failures").as_int(), 2);
    EXPECT_EQ(suites.attribute("errors").as_int(), 1);
    int n = 0;
    for (auto s : suites.children("testsuite")) {
        (void)s;
        ++n;
    }
    EXPECT_EQ(n, 3);
    auto error = suites.find_child_by_attribute("testsuite", "file", "c.yaml").child("testcase").child("error");
    ASSERT_TRUE(error);
    EXPECT_STREQ(error.attribute("message").value(), "exit status 3: nsd not found");
}

TEST(MarkdownReport, HasTitleFactsAndBothTables)
{
    auto f = make_fixture();
    const std::string md = markdown_report(f.sc, f.record, f.summary);
    EXPECT_NE(md.find("## ❌ FAIL: ZSK swap &lt;test&gt; &amp; friends"), std::string::npos) << md;
    EXPECT_NE(md.find("| resolver | query | from | until | outcome | EDE | reason |"), std::string::npos) << md;
    EXPECT_NE(md.find("| warm | www.example.com. A | +1d30m | +1d1h30m | SERVFAIL EDE 9 (2 probes) | 9 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("validation failure &lt;www.example.com. A IN&gt;"), std::string::npos) << md;
    EXPECT_EQ(md.find("<www."), std::string::npos) << md;  // would vanish as an HTML tag on GitHub
    EXPECT_NE(md.find("| ✅ pass | 20 | www.example.com. A on cold: secure | 97 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| ❌ FAIL | 23 |"), std::string::npos) << md;
    EXPECT_NE(md.find("observed: secure ×45"), std::string::npos) << md;
    EXPECT_NE(md.find("| virtual span | 2027-03-01T00:00:00Z → 2027-03-03T00:00:00Z (2d) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| servers | 3 NSD |"), std::string::npos) << md;
    EXPECT_NE(md.find("| wall clock | 2.5 s |"), std::string::npos) << md;
}

TEST(MarkdownReport, BatchSummaryHasOneRowPerScenario)
{
    RunResult result;
    result.name = "A | B";
    result.failure_windows = 1;
    result.first_failure = Seconds(86400);
    result.wall_seconds = 1.5;
    result.expectations = 2;
    result.expectations_passed = 1;
    result.failed_expectations = {"line 4: y — bad"};
    auto a = markdown_batch_row("a.yaml", 1, result);
    auto b = markdown_batch_row("b.yaml", 3, std::nullopt, "exit status 3: no nsd");
    const std::string md = markdown_batch_summary({a, b}, 4.0, 2);
    EXPECT_NE(md.find("0 passed, 2 failed"), std::string::npos) << md;
    EXPECT_NE(md.find("| ❌ FAIL | A \\| B | `a.yaml` | 1/2 | 1 | +1d | 1.5 |"), std::string::npos) << md;
    EXPECT_NE(md.find("⚠️ error 3"), std::string::npos) << md;
    EXPECT_NE(md.find("line 4: y — bad"), std::string::npos) << md;
}

TEST(HtmlReport, IsSelfContainedEscapedAndHasLanes)
{
    auto f = make_fixture();
    const std::string html = html_report(f.sc, f.record, f.summary);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_EQ(html.find("url(http"), std::string::npos);
    // Text from the scenario and the resolvers is escaped wherever it appears.
    EXPECT_EQ(html.find("<www.example.com. A IN>"), std::string::npos);
    EXPECT_NE(html.find("&lt;www.example.com. A IN&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<test>"), std::string::npos);
    EXPECT_EQ(html.find("<goes>"), std::string::npos);
    EXPECT_NE(html.find("ZSK swap &lt;test&gt; &amp; friends"), std::string::npos);

    const auto svg_start = html.find("<svg id=\"timeline\"");
    ASSERT_NE(svg_start, std::string::npos);
    const std::string svg = html.substr(svg_start, html.find("</svg>", svg_start) - svg_start);
    for (const char* lane : {"example.com. ksk", "example.com. zsk-a", "example.com. zsk-b"})
        EXPECT_NE(svg.find(std::string("class=\"lane key-lane\" data-lane=\"") + lane + "\""), std::string::npos)
            << lane;
    EXPECT_NE(svg.find("class=\"lane ds-lane\" data-lane=\"example.com. ksk DS\""), std::string::npos);
    EXPECT_EQ(svg.find("data-lane=\"example.com. zsk-a DS\""), std::string::npos);  // a ZSK has no DS
    for (const char* lane : {"warm www.example.com. A", "cold www.example.com. A"})
        EXPECT_NE(svg.find(std::string("class=\"lane resolver-lane\" data-lane=\"") + lane + "\""), std::string::npos)
            << lane;
    // Key states, probe results, the failure window and the event marker.
    for (const char* cls : {"k-active", "k-removed", "obs r-secure", "obs r-fail", "failure-window", "window-band",
                            "event-marker"})
        EXPECT_NE(svg.find(cls), std::string::npos) << cls;
    // Details for hover and click: rcode, AD, EDE and reason of the failing probes.
    EXPECT_NE(svg.find("rcode: SERVFAIL\nAD: not set\nEDE: 9 validation failure &lt;www.example.com. A IN&gt;"),
              std::string::npos);
    EXPECT_NE(html.find("id=\"details\""), std::string::npos);
    // Tables below.
    EXPECT_NE(html.find("<table class=\"windows\">"), std::string::npos);
    EXPECT_NE(html.find("<table class=\"expectations\">"), std::string::npos);
    EXPECT_NE(html.find("<svg class=\"icon fail\""), std::string::npos);  // drawn, not an emoji
    EXPECT_NE(html.find("</svg>FAIL</td>"), std::string::npos);
}

// Every character beyond ASCII the report writes itself is in DejaVu Sans, the only face Debian's
// Chromium has (checked with fc-list ':charset=HEX'); pass and fail marks are drawn (SVG), not
// emoji that render as empty boxes.
Fixture make_rollover_fixture(bool fail_in_window, bool fail_later, long first_probe = 0);  // below

TEST(HtmlReport, WritesOnlyGlyphsOfDejaVuSansAndDrawsItsMarks)
{
    auto f = make_fixture();
    f.record.parent_agent = {{Seconds(2 * kHour), "example.com.", "refused", "no", {}, std::nullopt}};
    const auto rollover = make_rollover_fixture(true, true);
    for (const std::string& html :
         {html_report(f.sc, f.record, f.summary), html_report(rollover.sc, rollover.record, rollover.summary)}) {
        const std::u32string allowed = U"→·–—“”×…";
        for (std::size_t i = 0; i < html.size();) {
            const auto c = static_cast<unsigned char>(html[i]);
            const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            char32_t cp = n == 1 ? c : c & (0x7F >> n);
            for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(html[i + k]) & 0x3F);
            if (n > 1) {
                EXPECT_NE(allowed.find(cp), std::u32string::npos)
                    << "U+" << std::hex << static_cast<unsigned long>(cp) << " in " << html.substr(i > 40 ? i - 40 : 0, 80);
            }
            i += n;
        }
        EXPECT_NE(html.find("<svg class=\"icon "), std::string::npos);
    }
}

// The failure windows: a band under the lanes (it does not tint the keys), an outline over the
// resolver's lane, one row per cause, every window folded away with its EDE beside the reason
// said once.
TEST(HtmlReport, FailureWindowsLieUnderTheLanesAndTheirTableHasOneRowPerCause)
{
    auto f = make_fixture();
    const std::string html = html_report(f.sc, f.record, f.summary);
    const auto svg_start = html.find("<svg id=\"timeline\"");
    const std::string svg = html.substr(svg_start, html.find("</svg>", svg_start) - svg_start);
    ASSERT_NE(svg.find("class=\"window-band\""), std::string::npos);
    EXPECT_LT(svg.find("class=\"window-band\""), svg.find("<g class=\"lane "));
    EXPECT_GT(svg.find("class=\"hit failure-window\""), svg.rfind("<g class=\"lane "));
    // The cause in the header and in the table.
    EXPECT_NE(html.find("<ul class=\"causes-summary\""), std::string::npos);
    EXPECT_NE(html.find("<b>example.com.</b> DNSKEY removed at +1d (remove zsk-a) · "), std::string::npos);
    EXPECT_NE(html.find("<table class=\"causes\">"), std::string::npos);
    EXPECT_NE(html.find("<tr><td>example.com.</td><td>DNSKEY removed at +1d (remove zsk-a)</td>"), std::string::npos);
    EXPECT_NE(html.find("warm: www.example.com. A SERVFAIL EDE 9</td>"), std::string::npos);
    // Each window, with the EDE's code only: its text is the reason, in the next column.
    EXPECT_NE(html.find("<summary>Each failure window (1)</summary>"), std::string::npos);
    EXPECT_NE(html.find("<td>SERVFAIL EDE 9 (2 probes)</td><td>9</td><td class=\"reason\">validation failure"),
              std::string::npos);
}

// Zones the lab added above the scenario's, to which nothing happened, share one lane; the
// scenario's own zones' lanes are marked for the layout check.
TEST(HtmlReport, QuietAncestorsShareOneLane)
{
    auto f = make_fixture();
    for (const char* name : {".", "com."}) {
        scenario::ZoneSpec z;
        z.name = name;
        z.implicit = true;
        f.sc.zones.insert(f.sc.zones.end() - 1, z);
        f.record.key_changes.push_back({Seconds(0), name, "ksk", "ksk", 7, 13, true, true, true});
    }
    analyse(f);
    EXPECT_EQ(f.summary.quiet_ancestors, (std::vector<std::string>{".", "com."}));
    const std::string html = html_report(f.sc, f.record, f.summary);
    EXPECT_NE(html.find("<g class=\"lane quiet-lane\" data-lane=\"quiet ancestors\">"), std::string::npos);
    EXPECT_NE(html.find(">., com.<tspan class=\"lane-sub\"> added by rollsim</tspan>"), std::string::npos) << html;
    EXPECT_NE(html.find("2 keys signing, unchanged"), std::string::npos);
    EXPECT_EQ(html.find("data-lane=\". ksk\""), std::string::npos);
    EXPECT_NE(html.find("data-lane=\"example.com. ksk\" data-operator=\"true\""), std::string::npos);
}

TEST(HtmlReport, ThousandsOfObservationsStaySmall)
{
    auto f = make_fixture();
    f.record.observations.clear();
    f.sc.duration = Seconds(90 * kDay);
    for (long t = 0; t <= 90 * kDay; t += 600) {  // 12961 instants, two resolvers
        f.record.observations.push_back(probe(t, "warm", t % (7 * kDay) < kHour));
        f.record.observations.push_back(probe(t, "cold", false));
    }
    analyse(f);
    const std::string html = html_report(f.sc, f.record, f.summary);
    EXPECT_LT(html.size(), 1'000'000u) << "bytes per observation: " << html.size() / f.record.observations.size();
}

TEST(HtmlReport, EscapesEveryMarkupCharacter)
{
    EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

// ---------------------------------------------------------------------------------------------
// Predicted vs observed: a ZSK pre-publication 10m long where 1h5m is needed. The lint predicts
// warm failures from +1d10m until +1d1h5m.

// Probed every 30m from `first_probe`: from +0, the DNSKEY set is fetched at +1d with the new
// ZSK in it and kept until +1d1h30m, so no cache of warm can straddle the window (not
// observable); from +50m, the DNSKEY set fetched at +23h20m is still cached at +1d20m, when the
// answer signed by the new ZSK is fetched again (a failure warm could have seen).
Fixture make_rollover_fixture(bool fail_in_window, bool fail_later, long first_probe)
{
    Fixture f;
    const auto prepared = prepare::prepare_scenario_text(
        "name: ZSK pre-publication too short\nstart: 2027-03-01T00:00:00Z\nzones:\n  example.com.:\n"
        "    ttl: { default: 300, dnskey: 1h, ds: 2h }\n    signing: { validity: 1d, refresh: 18h }\n"
        "probes: { every: 30m, names: [www.example.com. A] }\n"
        "resolvers: { warm: { kind: unbound }, cold: { kind: libunbound } }\n"
        "rollover:\n  - { zone: example.com., method: zsk-prepublish, key: zsk, start: +1d, "
        "override: { publish-interval: 10m } }\n"
        "expect:\n"
        "  - { predicted-windows: match }\n"
        "  - { failure-window: www.example.com. A, resolver: warm, starts-between: [+1d, +1d1h], "
        "lasts-between: [1m, 2h] }\n"
        "  - { query: www.example.com. A, resolver: warm, from: +1d10m, until: +1d1h30m, outcome: any }\n"
        "  - { no-failures: true, resolver: cold }\n"
        "  - { otherwise: secure }\n",
        "t.yaml", ".");
    f.sc = prepared.scenario;
    f.predicted = prepared.predicted;
    for (long t = first_probe; t <= f.sc.duration.count(); t += 30 * 60) {
        const bool in_window = t > kDay && t <= kDay + kHour;
        const bool later = t > kDay + 10 * kHour && t <= kDay + 11 * kHour;
        f.record.observations.push_back(probe(t, "warm", (fail_in_window && in_window) || (fail_later && later)));
        f.record.observations.push_back(probe(t, "cold", false));
    }
    f.record.wall_seconds = 1.5;
    analyse(f);
    return f;
}

TEST(PredictedVsObserved, PairsEachObservedWindowWithThePredictionOrCallsItUnpredicted)
{
    auto f = make_rollover_fixture(true, true);
    const auto c = compare_predictions(f.sc, f.predicted, f.windows);
    ASSERT_EQ(c.predicted.size(), 1u);
    EXPECT_EQ(c.predicted[0].from, Seconds(kDay + 10 * 60));
    EXPECT_EQ(c.predicted[0].until, Seconds(kDay + kHour + 5 * 60));
    ASSERT_EQ(c.rows.size(), 2u);
    EXPECT_EQ(c.rows[0].match, PredictionMatch::Matched);
    ASSERT_TRUE(c.rows[0].observed);
    EXPECT_EQ(c.rows[0].observed->start, Seconds(kDay + 30 * 60));
    EXPECT_EQ(c.rows[0].resolvers, std::vector<std::string>{"warm"});
    EXPECT_EQ(c.rows[1].match, PredictionMatch::Unpredicted);
    EXPECT_FALSE(c.rows[1].predicted);
    EXPECT_FALSE(c.agree());
    EXPECT_FALSE(f.verdicts[0].pass);  // predicted-windows: match judges the same pairing

    f = make_rollover_fixture(false, false);
    const auto none = compare_predictions(f.sc, f.predicted, f.windows);
    ASSERT_EQ(none.rows.size(), 1u);
    EXPECT_EQ(none.rows[0].match, PredictionMatch::NotObserved);
    EXPECT_FALSE(none.rows[0].observed);

    f = make_rollover_fixture(true, false);
    EXPECT_TRUE(compare_predictions(f.sc, f.predicted, f.windows).agree());
    EXPECT_TRUE(f.verdicts[0].pass) << f.verdicts[0].detail;
}

TEST(PredictedVsObserved, AWindowReachingBeyondThePredictionExceedsIt)
{
    auto f = make_rollover_fixture(false, false);
    // Warm fails from +1d30m for three hours: it starts inside the prediction but ends long after.
    for (auto& o : f.record.observations)
        if (o.resolver == "warm" && o.offset > Seconds(kDay) && o.offset <= Seconds(kDay + 3 * kHour))
            o = probe(o.offset.count(), "warm", true);
    f.windows = failure_windows(f.record.observations);
    const auto c = compare_predictions(f.sc, f.predicted, f.windows);
    ASSERT_EQ(c.rows.size(), 1u);
    EXPECT_EQ(c.rows[0].match, PredictionMatch::Exceeds);
    EXPECT_EQ(to_string(c.rows[0].match), "exceeds prediction");
    const auto v = evaluate(f.sc, f.predicted, f.record.observations);
    EXPECT_FALSE(v[0].pass);
    EXPECT_NE(v[0].detail.find("outside every predicted window"), std::string::npos) << v[0].detail;
}

TEST(PredictedVsObserved, MarkdownHasOneRowPerPairingWithAVerdict)
{
    auto f = make_rollover_fixture(true, true);
    const std::string md = markdown_report(f.sc, f.record, f.summary);
    EXPECT_NE(md.find("### Predicted vs observed"), std::string::npos) << md;
    EXPECT_NE(md.find("paired within one probe interval (30m)"), std::string::npos) << md;
    EXPECT_NE(md.find("| verdict | zone | resolvers | from | until | observed | cause |"), std::string::npos) << md;
    EXPECT_NE(md.find("| ✅ matched | example.com. | warm | +1d10m | +1d1h5m | warm www.example.com. A +1d30m .. "
                      "+1d1h30m (SERVFAIL EDE 9) |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| ⚠️ unpredicted failure | – | – | – | – | warm www.example.com. A +1d10h30m .. +1d11h30m "
                      "(SERVFAIL EDE 9) | – |"),
              std::string::npos)
        << md;

    f = make_rollover_fixture(false, false, 50 * 60);
    const std::string missed = markdown_report(f.sc, f.record, f.summary);
    EXPECT_NE(missed.find("| ⚠️ not observed | example.com. | warm | +1d10m | +1d1h5m | none |"), std::string::npos)
        << missed;
    EXPECT_NE(missed.find("- a cache of warm fetched with sets that fail at +1d20m, yet no failure was seen\n"),
              std::string::npos)
        << missed;

    // Without a prediction there is no such section.
    auto plain = make_fixture();
    EXPECT_EQ(markdown_report(plain.sc, plain.record, plain.summary).find("Predicted vs observed"),
              std::string::npos);
}

TEST(PredictedVsObserved, JunitShowsThePairingAndFailsTheExpectation)
{
    auto f = make_rollover_fixture(false, false, 50 * 60);
    const std::string xml = junit_report(f.sc, f.record, f.summary);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
    auto suite = doc.child("testsuites").child("testsuite");
    const std::string out = suite.child("system-out").text().get();
    EXPECT_NE(out.find("Predicted vs observed (rollover lint; paired within 30m):\n"
                       "  predicted example.com. +1d10m .. +1d1h5m on warm: not observed\n    observed: none\n"
                       "    cause: "),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("    why: a cache of warm fetched with sets that fail at +1d20m, yet no failure was seen\n"),
              std::string::npos)
        << out;
    auto tc = suite.find_child_by_attribute("testcase", "name",
                                            "failure windows match the rollover lint's predicted windows");
    ASSERT_TRUE(tc) << xml;
    auto failure = tc.child("failure");
    ASSERT_TRUE(failure) << xml;
    EXPECT_NE(std::string(failure.attribute("message").value()).find("predicted +1d10m .. +1d1h5m (example.com.), "
                                                                     "but no warm failure then"),
              std::string::npos)
        << failure.attribute("message").value();
    EXPECT_NE(std::string(tc.child("system-out").text().get()).find("on warm: not observed"), std::string::npos);

    f = make_rollover_fixture(true, true);
    doc.reset();
    ASSERT_TRUE(doc.load_string(junit_report(f.sc, f.record, f.summary).c_str()));
    const std::string both = doc.child("testsuites").child("testsuite").child("system-out").text().get();
    EXPECT_NE(both.find("on warm: matched\n    observed: warm www.example.com. A +1d30m .. +1d1h30m (SERVFAIL EDE 9)"),
              std::string::npos)
        << both;
    EXPECT_NE(both.find("  unpredicted failure: warm www.example.com. A +1d10h30m .. +1d11h30m"), std::string::npos)
        << both;
}

TEST(PredictedVsObserved, HtmlDrawsAHatchedBandWithATooltipAndATable)
{
    auto f = make_rollover_fixture(true, true);
    const std::string html = html_report(f.sc, f.record, f.summary);
    const auto svg_start = html.find("<svg id=\"timeline\"");
    ASSERT_NE(svg_start, std::string::npos);
    const std::string svg = html.substr(svg_start, html.find("</svg>", svg_start) - svg_start);
    EXPECT_NE(svg.find("<pattern id=\"hatch-predicted\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"lane predicted-lane\""), std::string::npos);
    EXPECT_NE(svg.find("<g class=\"hit predicted-window\" tabindex=\"0\"><title>Predicted failure window: "
                       "example.com.\nfrom: +1d10m (2027-03-02T00:10:00Z)\nuntil: +1d1h5m (2027-03-02T01:05:00Z)\n"
                       "observed: warm www.example.com. A +1d30m .. +1d1h30m (SERVFAIL EDE 9) — matched\n"
                       "resolvers: warm\ncause: "),
              std::string::npos)
        << svg;
    EXPECT_NE(svg.find("class=\"predicted-band\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"predicted-outline\""), std::string::npos);
    EXPECT_NE(html.find("predicted failure window (rollover lint"), std::string::npos);  // legend
    EXPECT_NE(html.find("<table class=\"predicted\">"), std::string::npos);
    EXPECT_NE(html.find("</svg>matched</td><td>example.com.</td><td>warm</td>"), std::string::npos);
    EXPECT_NE(html.find("</svg>unpredicted failure</td><td>–</td>"), std::string::npos);
    EXPECT_NE(html.find("<b>Predicted windows</b> 1 (1 of 2 pairings matched)"), std::string::npos);

    auto plain = make_fixture();
    const std::string none = html_report(plain.sc, plain.record, plain.summary);
    EXPECT_EQ(none.find("predicted-window"), std::string::npos);
    EXPECT_EQ(none.find("<table class=\"predicted\">"), std::string::npos);
}

TEST(JsonReport, NamesEachExpectationKindAndReadsBackIntoTheBatchSummary)
{
    auto f = make_rollover_fixture(true, true);
    const auto report = json_report(f.sc, f.record, f.summary);
    std::vector<std::string> kinds;
    for (const auto& e : report.at("expectations")) kinds.push_back(e.at("kind").get<std::string>());
    EXPECT_EQ(kinds, (std::vector<std::string>{"predicted-windows", "failure-window", "window", "no-failures",
                                               "otherwise"}));
    EXPECT_TRUE(report.at("expectations")[0].at("outcome").is_null());  // predicted-windows names no outcome
    EXPECT_EQ(report.at("expectations")[2].at("outcome"), "any");
    ASSERT_EQ(report.at("predicted_windows").size(), 1u);
    EXPECT_EQ(report.at("predicted_windows")[0].at("from_s"), kDay + 600);

    // The batch summary reads the run's result back (through its text, as from a file).
    const auto row = markdown_batch_row("t.yaml", 1, parse_run_result(to_text(run_result(f.sc, f.summary))));
    EXPECT_EQ(row.name, "ZSK pre-publication too short");
    EXPECT_EQ(row.expectations, 5);
    EXPECT_EQ(row.windows, 2);
    ASSERT_TRUE(row.first_failure);
    EXPECT_EQ(*row.first_failure, Seconds(kDay + 30 * 60));
    ASSERT_EQ(row.failed_expectations.size(), static_cast<std::size_t>(5 - row.expectations_passed));
    EXPECT_NE(row.failed_expectations[0].find("line 12: failure windows match"), std::string::npos)
        << row.failed_expectations[0];
}

TEST(ParentAgentReports, MarkdownJunitAndHtmlShowEveryDecisionAndWhy)
{
    auto f = make_fixture();
    f.record.parent_agent = {
        {Seconds(2 * kHour), "example.com.", "refused", "CDS differs between ns1 (1 CDS) and ns2 (none) <RFC 7344 4.1>",
         {}, std::nullopt},
        {Seconds(6 * kHour), "example.com.", "accepted", "identical on ns1, ns2", {"59899 13 2 AB"},
         Seconds(7 * kHour)}};
    const std::string md = markdown_report(f.sc, f.record, f.summary);
    EXPECT_NE(md.find("### Parent agent"), std::string::npos) << md;
    EXPECT_NE(md.find("| +2h | example.com. | ⛔ refused | CDS differs between ns1 (1 CDS) and ns2 (none) &lt;RFC 7344 "
                      "4.1&gt; | – |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| +6h | example.com. | ✅ accepted | identical on ns1, ns2 | +7h |"), std::string::npos) << md;

    const std::string xml = junit_report(f.sc, f.record, f.summary);
    EXPECT_NE(xml.find("+2h example.com. refused: CDS differs"), std::string::npos) << xml;
    EXPECT_NE(xml.find("+6h example.com. accepted: identical on ns1, ns2; DS change at +7h"), std::string::npos) << xml;

    const std::string html = html_report(f.sc, f.record, f.summary);
    EXPECT_NE(html.find("<h2>Parent agent</h2>"), std::string::npos);
    EXPECT_NE(html.find("&lt;RFC 7344 4.1&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<RFC 7344"), std::string::npos);

    // No decisions: no section.
    f.record.parent_agent.clear();
    EXPECT_EQ(markdown_report(f.sc, f.record, f.summary).find("Parent agent"), std::string::npos);
}

// The same rollover probed from +0: no cache of warm straddles the window. Every format says the
// verdict, that it is a worst case, and at which start a warm resolver would have seen it.
TEST(PredictedVsObserved, AWindowNoCacheCouldStraddleIsNotObservableInEveryFormat)
{
    auto f = make_rollover_fixture(false, false);
    ASSERT_EQ(f.summary.comparison.rows.size(), 1u);
    const auto& row = f.summary.comparison.rows[0];
    EXPECT_EQ(row.match, PredictionMatch::NotObservable);
    EXPECT_FALSE(row.exposed);
    // Started at +22h: DNSKEY set fetched at +23h30m, the answer again at +1d30m, signed by the new ZSK.
    EXPECT_EQ(row.observing_start, Seconds(22 * kHour));
    EXPECT_TRUE(f.summary.comparison.agree());
    EXPECT_TRUE(f.verdicts[0].pass) << f.verdicts[0].detail;
    const std::string why = "a worst case over cache phases that no probe of warm could straddle: none fetched "
                            "inside it with cached sets that fail; to see it, start a warm resolver at +22h "
                            "(`start: +22h`) beside the others, ask a population of caches (`population: 20`), or "
                            "probe more often";
    EXPECT_NE(f.verdicts[0].detail.find("predicted +1d10m .. +1d1h5m (example.com.), not observable (" + why + ")"),
              std::string::npos)
        << f.verdicts[0].detail;

    const std::string md = markdown_report(f.sc, f.record, f.summary);
    EXPECT_NE(md.find("| ➖ not observable | example.com. | warm | +1d10m | +1d1h5m | none |"), std::string::npos) << md;
    // (Markdown escapes the backquotes of `start: +22h`.)
    EXPECT_NE(md.find("\n\n- a worst case over cache phases that no probe of warm could straddle: none fetched inside "
                      "it with cached sets that fail; to see it, start a warm resolver at +22h (\\`start: +22h\\`)"),
              std::string::npos)
        << md;

    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(junit_report(f.sc, f.record, f.summary).c_str()));
    const std::string out = doc.child("testsuites").child("testsuite").child("system-out").text().get();
    EXPECT_NE(out.find("on warm: not observable\n"), std::string::npos) << out;
    EXPECT_NE(out.find("    why: " + why + "\n"), std::string::npos) << out;

    const std::string html = html_report(f.sc, f.record, f.summary);
    EXPECT_NE(html.find("</svg>not observable</td><td>example.com.</td>"), std::string::npos);
    EXPECT_NE(html.find("<b>Predicted windows</b> 1 (0 of 1 pairings matched, 1 not observable)"), std::string::npos);
    EXPECT_NE(html.find("<ul class=\"predicted-notes\">\n<li>a worst case over cache phases"), std::string::npos);

    const auto json = json_report(f.sc, f.record, f.summary);
    ASSERT_EQ(json["predicted_vs_observed"].size(), 1u) << json["predicted_vs_observed"].dump();
    const auto& pairing = json["predicted_vs_observed"][0];
    EXPECT_EQ(pairing["verdict"], "not observable");
    EXPECT_EQ(pairing["from_s"], kDay + 10 * 60);
    EXPECT_TRUE(pairing["observed"].is_null());
    EXPECT_TRUE(pairing["exposed_s"].is_null());
    EXPECT_EQ(pairing["observing_start_s"], 22 * kHour);
    EXPECT_EQ(pairing["note"], why);

    std::ostringstream terminal;
    print_summary(terminal, f.sc, f.record, f.summary, TerminalStyle{});
    EXPECT_NE(terminal.str().find("not observable\n    " + why + "\n"), std::string::npos) << terminal.str();
}

// A population's members are counted in the predicted windows' resolver lists, from three on.
TEST(PredictedVsObserved, ResolverListsCountAPopulationsMembers)
{
    EXPECT_EQ(resolvers_text({}), "no resolver");
    EXPECT_EQ(resolvers_text({"warm", "warm-2"}), "warm, warm-2");
    EXPECT_EQ(resolvers_text({"warm", "pop.01", "pop.02", "pop.03", "kresd.1", "kresd.2"}),
              "warm, 3 members of pop, kresd.1, kresd.2");
}

}  // namespace
}  // namespace rollsim::report

