// Failure windows grouped by zone and cause, the expectations' stable ids, and the terminal
// summary fitted to a width: from hand-made runs, without a lab.
#include "core/text.hpp"
#include "probe/daemon_probe.hpp"
#include "report/expectation_id.hpp"
#include "report/failure_groups.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <regex>
#include <set>
#include <sstream>

namespace rollsim::report {
namespace {

using runner::EventRecord;
using runner::Observation;
using scenario::ResolverKind;

constexpr long kHour = 3600, kDay = 86400;

scenario::Query query(const std::string& name, const std::string& type = "A") { return {name, type}; }

FailureWindow window(const std::string& resolver, const scenario::Query& q, long start, std::optional<long> end,
                     const std::string& what)
{
    FailureWindow w;
    w.resolver = resolver;
    w.query = q;
    w.start = Seconds(start);
    if (end) w.end = Seconds(*end);
    w.last_failure = Seconds(start);
    w.probes = 1;
    w.what = what;
    return w;
}

EventRecord action(long at, const std::string& zone, scenario::ActionKind kind, const std::string& key)
{
    scenario::Event e;
    e.at = Seconds(at);
    e.zone = zone;
    e.action = kind;
    e.key = key;
    return {Seconds(at), runner::TimelineEvent{e}};
}

EventRecord fault(long at, const std::string& zone, scenario::FaultKind kind, const std::string& server, long until)
{
    scenario::Event e;
    e.at = Seconds(at);
    e.zone = zone;
    e.fault = kind;
    e.server = server;
    e.until = Seconds(until);
    return {Seconds(at), runner::TimelineEvent{e}};
}

// ., com. (implicit) and example.com., other.example. ; resolvers warm and cold.
scenario::Scenario world()
{
    scenario::Scenario sc;
    sc.file = "t.yaml";
    sc.name = "t";
    sc.duration = Seconds(7 * kDay);
    for (auto [name, implicit] : {std::pair{".", true}, {"com.", true}, {"example.com.", false}, {"example.", true},
                                  {"other.example.", false}}) {
        scenario::ZoneSpec z;
        z.name = name;
        z.implicit = implicit;
        sc.zones.push_back(z);
    }
    for (auto [name, kind] : {std::pair{"warm", ResolverKind::Unbound}, {"cold", ResolverKind::Libunbound}}) {
        scenario::ResolverSpec r;
        r.name = name;
        r.kind = kind;
        sc.resolvers.push_back(r);
    }
    return sc;
}

TEST(FailureGroups, OneCauseOneLineForEveryQueryAndResolverItHit)
{
    const auto sc = world();
    const std::vector<EventRecord> events = {
        action(kDay, "example.com.", scenario::ActionKind::Publish, "ksk-b"),
        action(2 * kDay, "example.com.", scenario::ActionKind::DsRemove, "ksk"),
        {Seconds(2 * kDay), runner::KeyStateChanged{"example.com.", "ksk", 1, runner::KeyTransition::DsRemoved}},
        action(3 * kDay, "other.example.", scenario::ActionKind::Retire, "zsk")};
    std::vector<FailureWindow> windows;
    const long start = 2 * kDay + 2 * kHour + 30 * 60;
    for (const char* name : {"www.example.com.", "a.example.com.", "b.example.com.", "c.example.com.", "example.com."}) {
        windows.push_back(window("cold", query(name), start, start + kDay, "bogus"));
        windows.push_back(window("warm", query(name), start + 60, start + kDay - 600,
                                 std::string(name) == "example.com." ? "SERVFAIL EDE 6" : "SERVFAIL EDE 9"));
    }
    const auto groups = group_failures(sc, events, windows);
    ASSERT_EQ(groups.size(), 1u);
    const auto& g = groups[0];
    EXPECT_EQ(g.zone, "example.com.");
    ASSERT_TRUE(g.cause);
    EXPECT_EQ(g.cause->at, Seconds(2 * kDay));
    EXPECT_EQ(g.cause->events.size(), 1u);  // the action, not the key change it made
    EXPECT_EQ(cause_text(g), "DS removed at +2d (ds-remove ksk)");
    EXPECT_EQ(g.start, Seconds(start));
    ASSERT_TRUE(g.end);
    EXPECT_EQ(*g.end, Seconds(start + kDay));
    EXPECT_EQ(g.windows.size(), 10u);
    ASSERT_EQ(g.resolvers.size(), 2u);
    EXPECT_EQ(g.resolvers[0].resolver, "warm");  // the scenario's order
    EXPECT_EQ(coverage_text(g), "warm: 5 queries SERVFAIL EDE 9, 6; cold: 5 queries bogus");
}

TEST(FailureGroups, ZonesCausesAndWindowsWithoutAnEventGroupApart)
{
    const auto sc = world();
    const std::vector<EventRecord> events = {
        fault(kDay, "com.", scenario::FaultKind::ServerDown, "ns1", 2 * kDay),
        action(3 * kDay, "other.example.", scenario::ActionKind::Remove, "zsk-a"),
        action(3 * kDay, "other.example.", scenario::ActionKind::Activate, "zsk-b")};
    const std::vector<FailureWindow> windows = {
        window("warm", query("www.example.com."), 600, 1200, "no answer"),               // before any event
        window("warm", query("www.example.com."), kDay + 60, 2 * kDay, "no answer"),     // com.'s fault
        window("cold", query("www.other.example."), 3 * kDay + 60, std::nullopt, "bogus"),  // still failing
        window("warm", query("www.other.example.", "AAAA"), 3 * kDay + 120, 4 * kDay, "SERVFAIL EDE 9"),
        window("warm", query("www.example.com.", "AAAA"), 4 * kDay, 4 * kDay + 60, "SERVFAIL"),  // com.'s fault still
    };
    const auto groups = group_failures(sc, events, windows);
    ASSERT_EQ(groups.size(), 3u);
    EXPECT_EQ(cause_text(groups[0]), "no event");
    EXPECT_FALSE(groups[0].cause);
    EXPECT_EQ(groups[1].zone, "example.com.");
    EXPECT_EQ(cause_text(groups[1]), "server-down fault at +1d (server ns1 until +2d at com.)");
    EXPECT_EQ(groups[1].windows.size(), 2u);
    EXPECT_EQ(coverage_text(groups[1]), "warm: 2 queries no answer or SERVFAIL");
    EXPECT_EQ(groups[2].zone, "other.example.");
    EXPECT_EQ(cause_text(groups[2]), "DNSKEY removed, key activated at +3d (remove zsk-a; activate zsk-b)");
    EXPECT_FALSE(groups[2].end);  // one of its windows is still open at the end
    EXPECT_EQ(coverage_text(groups[2]), "warm: www.other.example. AAAA SERVFAIL EDE 9; cold: www.other.example. A bogus");

    // More than two events at the instant: counted, the scenario's words listed.
    auto events_at_3d = events;
    events_at_3d.push_back(action(3 * kDay, "example.", scenario::ActionKind::DsAdd, "ksk-b"));
    EXPECT_EQ(cause_text(group_failures(sc, events_at_3d, {windows[2]})[0]),
              "3 events at +3d (remove zsk-a; activate zsk-b; ds-add ksk-b at example.)");
}

TEST(FailureGroups, AKeyChangeOnItsOwnScheduleIsACauseToo)
{
    const auto sc = world();
    const std::vector<EventRecord> events = {
        {Seconds(kDay), runner::KeyStateChanged{"example.com.", "zsk-b", 2, runner::KeyTransition::DnskeyPublished}},
        {Seconds(kDay), runner::KeyStateChanged{"example.com.", "zsk-b", 2, runner::KeyTransition::Signing}},
        {Seconds(kDay), runner::KeyStateChanged{"other.example.", "zsk", 3, runner::KeyTransition::Signing}}};
    const auto groups = group_failures(sc, events, {window("warm", query("www.example.com."), kDay + 300, kDay + 3600,
                                                           "SERVFAIL EDE 9")});
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(cause_text(groups[0]), "zsk-b DNSKEY published, zsk-b signing at +1d");
}

TEST(FailureGroups, ZoneOfANameIsTheClosestZoneAtOrAboveIt)
{
    const auto sc = world();
    EXPECT_EQ(zone_of(sc, "www.example.com."), "example.com.");
    EXPECT_EQ(zone_of(sc, "example.com."), "example.com.");
    EXPECT_EQ(zone_of(sc, "www.com."), "com.");
    EXPECT_EQ(zone_of(sc, "org."), ".");
    EXPECT_EQ(outcomes_text({"SERVFAIL EDE 9", "bogus", "SERVFAIL EDE 6", "SERVFAIL EDE 9", "SERVFAIL"}),
              "SERVFAIL EDE 9, 6 or bogus or SERVFAIL");
}

TEST(FailureGroups, QuietImplicitAncestorsAreThoseNothingHappenedTo)
{
    auto sc = world();
    runner::RunRecord record;
    record.events = {fault(kDay, "com.", scenario::FaultKind::ServerDown, "ns1", 2 * kDay)};
    record.key_changes = {{Seconds(0), ".", "ksk", "ksk", 1, 13, true, true, true},
                          {Seconds(0), "example.", "ksk", "ksk", 2, 13, true, true, true},
                          {Seconds(kDay), "example.", "ksk", "ksk", 2, 13, true, false, true}};
    EXPECT_EQ(summarize(sc, {}, record).quiet_ancestors, std::vector<std::string>{"."});
}

// ---- ids ----------------------------------------------------------------------------------

scenario::Expectation expectation(const std::string& text, int line)
{
    scenario::Expectation e;
    e.kind = scenario::Expectation::Kind::NoFailures;
    e.text = text;
    e.loc.line = line;
    return e;
}

TEST(ExpectationIds, AreTheTextAndStayWhenLinesMove)
{
    const auto ids = expectation_ids({expectation("every query on cold: no failures", 20),
                                      expectation("otherwise: secure", 21)});
    EXPECT_EQ(ids, (std::vector<std::string>{"every query on cold: no failures", "otherwise: secure"}));
    // The same expectations further down the file, after a new one: the same ids.
    const auto moved = expectation_ids({expectation("www.example.com. A on warm: servfail", 20),
                                        expectation("every query on cold: no failures", 31),
                                        expectation("otherwise: secure", 32)});
    EXPECT_EQ(moved[1], ids[0]);
    EXPECT_EQ(moved[2], ids[1]);
}

TEST(ExpectationIds, ExpectationsThatReadTheSameAreToldApartByAShortHash)
{
    const auto ids = expectation_ids({expectation("a", 1), expectation("b", 2), expectation("a", 3),
                                      expectation("a", 4)});
    EXPECT_EQ(ids[0], "a");
    EXPECT_EQ(ids[1], "b");
    EXPECT_TRUE(std::regex_match(ids[2], std::regex("a #[0-9a-f]{6}"))) << ids[2];
    EXPECT_TRUE(std::regex_match(ids[3], std::regex("a #[0-9a-f]{6}"))) << ids[3];
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 4u);
    // The same in every run and on every platform.
    EXPECT_EQ(expectation_ids({expectation("a", 9), expectation("a", 10)})[1], ids[2]);
}

// An author's `id:` is the id whatever the text; a text equal to an author's id is told apart.
TEST(ExpectationIds, AnAuthorsIdComesFirst)
{
    auto named = expectation("www.example.com. A on warm: servfail", 20);
    named.id = "ds-removed-too-early";
    auto same_as_id = expectation("ds-removed-too-early", 21);
    const auto ids = expectation_ids({named, same_as_id, expectation("otherwise: secure", 22)});
    EXPECT_EQ(ids[0], "ds-removed-too-early");
    EXPECT_TRUE(std::regex_match(ids[1], std::regex("ds-removed-too-early #[0-9a-f]{6}"))) << ids[1];
    EXPECT_EQ(ids[2], "otherwise: secure");
}

// ---- the terminal -------------------------------------------------------------------------

TEST(TerminalWidth, LongLinesAreCutInTheMiddle)
{
    EXPECT_EQ(display_width("secure ×117 …"), 13u);
    EXPECT_EQ(display_width("\x1b[31mFAIL\x1b[0m"), 4u);
    EXPECT_EQ(fit_width("short", 10), "short");
    EXPECT_EQ(fit_width("0123456789abcdefghijklmnopqrstuvwxyz", 20), "0123456789abc…uvwxyz");
    EXPECT_EQ(display_width(fit_width("××××××××××××××××××××××××", 7)), 7u);  // by character, not byte
    // Between words when a space is near: the beginning ends with one, the end starts with one.
    EXPECT_EQ(fit_width("0123456789abcdefghij; and 522 more", 20), "0123456789abc… more");
    EXPECT_EQ(fit_width("a failure window starting between +1d and +1d5m1s, lasting between 1m and 1h (EDE 9)", 40),
              "a failure window starting … 1h (EDE 9)");
}

struct FakeRun {
    scenario::Scenario sc;
    runner::RunRecord record;
    RunSummary summary;
};

Observation probe(long t, const std::string& resolver, const scenario::Query& q, bool fail)
{
    Observation o;
    o.offset = Seconds(t);
    o.resolver = resolver;
    o.kind = resolver == "cold" ? ResolverKind::Libunbound : ResolverKind::Unbound;
    o.query = q;
    o.rcode = fail ? dns::Rcode::ServFail : dns::Rcode::NoError;
    o.ad = !fail;
    if (fail) {
        o.ede = dns::Ede::DnskeyMissing;
        o.reason = "validation failure <" + q.qname + " A IN>: signatures from unknown keys";
    }
    o.validation = probe::classify_daemon_answer(o.rcode, o.ad, o.ede);
    return o;
}

// A DS removed at +2d; warm fails on five names for a day; a long expectation that fails on 48
// probes.
FakeRun failing_run()
{
    FakeRun r;
    r.sc = world();
    r.sc.resolvers.pop_back();
    const std::vector<std::string> names = {"www.example.com.", "a.example.com.", "b.example.com.", "c.example.com.",
                                            "d.example.com."};
    for (const auto& n : names) r.sc.probes.queries.push_back(query(n));
    auto e = expectation("every query on every resolver from +1d until +7d with a long text that goes on and on: no "
                         "failures at all, not one, whatever happens to the DS record at the parent",
                         40);
    e.from = Seconds(kDay);
    r.sc.expectations.push_back(e);
    r.record.events = {action(2 * kDay, "example.com.", scenario::ActionKind::DsRemove, "ksk")};
    for (long t = 0; t <= 4 * kDay; t += kHour)
        for (const auto& n : names)
            r.record.observations.push_back(probe(t, "warm", query(n), t > 2 * kDay && t <= 3 * kDay));
    r.record.wall_seconds = 3;
    r.summary = summarize(r.sc, {}, r.record);
    return r;
}

std::string printed(const FakeRun& r, const TerminalStyle& style)
{
    std::ostringstream out;
    print_summary(out, r.sc, r.record, r.summary, style);
    return out.str();
}

TEST(TerminalSummary, OneLinePerCauseAndEveryLineWithinTheWidth)
{
    const FakeRun r = failing_run();
    const std::string out = printed(r, {.colour = false, .verbose = false, .width = 100});
    EXPECT_NE(out.find("  example.com.  DS removed at +2d (ds-remove ksk)  +2d1h .. +3d1h (1d)\n"
                       "      warm: 5 queries SERVFAIL EDE 9\n"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("probe(s)"), std::string::npos) << out;  // the windows themselves only with --verbose
    // The failure groups and the expectations, their details included, fit.
    std::istringstream lines(out.substr(out.find("Failure windows")));
    for (std::string line; std::getline(lines, line) && line.rfind("Result", 0) != 0;) {
        EXPECT_LE(display_width(line), 100u) << line;
    }
    EXPECT_NE(out.find("…"), std::string::npos) << out;
    EXPECT_NE(out.find("; and 117 more"), std::string::npos) << out;

    // Wide enough: the group on one line.
    const std::string wide = printed(r, {.colour = false, .verbose = false, .width = 200});
    EXPECT_NE(wide.find("(ds-remove ksk)  +2d1h .. +3d1h (1d)  warm: 5 queries SERVFAIL EDE 9\n"), std::string::npos)
        << wide;

    // --verbose: every window under its group, with the validator's reason.
    const std::string verbose = printed(r, {.colour = false, .verbose = true, .width = 100});
    EXPECT_NE(verbose.find("    warm   www.example.com. A"), std::string::npos) << verbose;
    EXPECT_NE(verbose.find("24 probe(s)  SERVFAIL EDE 9"), std::string::npos) << verbose;
    EXPECT_NE(verbose.find("signatures from unknown keys"), std::string::npos) << verbose;
}

TEST(ExpectationIds, NameJunitTestcasesJsonAndMarkdownAndJunitTimesAddUpToTheRun)
{
    FakeRun r = failing_run();
    r.sc.expectations.push_back(r.sc.expectations.back());
    r.sc.expectations.back().loc.line = 41;
    r.summary = summarize(r.sc, {}, r.record);
    const auto ids = expectation_ids(r.sc.expectations);

    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(junit_report(r.sc, r.record, r.summary).c_str()));
    auto suite = doc.child("testsuites").child("testsuite");
    EXPECT_DOUBLE_EQ(suite.attribute("time").as_double(), 3.0);
    std::vector<std::string> names;
    double total = 0;
    for (auto tc : suite.children("testcase")) {
        names.push_back(tc.attribute("name").value());
        EXPECT_DOUBLE_EQ(tc.attribute("time").as_double(), 1.5);
        total += tc.attribute("time").as_double();
    }
    EXPECT_EQ(names, ids);
    EXPECT_DOUBLE_EQ(total, 3.0);

    const auto json = json_report(r.sc, r.record, r.summary);
    EXPECT_EQ(json.at("expectations")[0].at("id"), ids[0]);
    EXPECT_EQ(json.at("expectations")[1].at("id"), ids[1]);
    EXPECT_EQ(json.at("expectations")[1].at("text"), r.sc.expectations[1].text);

    // Markdown: the id; when it is not the text, the id in code and the text beneath.
    const std::string md = markdown_report(r.sc, r.record, r.summary);
    EXPECT_NE(md.find("| ❌ FAIL | 41 | `" + ids[1] + "`<br>every query"), std::string::npos) << md;
}

}  // namespace
}  // namespace rollsim::report
