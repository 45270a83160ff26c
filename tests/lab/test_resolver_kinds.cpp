// The four validating daemons side by side (docs/resolvers.md): each scenario of
// scenarios/resolvers/ runs Unbound, BIND named, Knot Resolver kresd and PowerDNS Recursor
// (and the cold libunbound validator) through the rollsim binary against the same lab; the
// JSON report says what each answered, when and why. Plus a lab whose runner is SIGKILLed while
// all four run, and a kind whose program cannot be found.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <boost/process.hpp>

#include <csignal>
#include <cstdlib>
#include <future>
#include <set>
#include <string>
#include <vector>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600, kDay = 86400;

std::string scenario(const std::string& name) { return "scenarios/resolvers/" + name + ".yaml"; }

// One failure window: its resolver, its span [start, end) (end -1: open at the end of the run),
// the rcode and EDE it opened with (ede -1: none) and a piece of the reason.
struct Window {
    std::string resolver;
    long start;
    long end;
    int ede;
    std::string reason;
};

void expect_window(const nlohmann::json& report, const Window& want)
{
    SCOPED_TRACE(want.resolver);
    const auto windows = windows_of(report, want.resolver);
    ASSERT_EQ(windows.size(), 1u) << report["failure_windows"].dump();
    const auto& w = windows[0];
    EXPECT_EQ(w["start_s"], want.start) << w.dump();
    if (want.end < 0) EXPECT_TRUE(w["end_s"].is_null()) << w.dump();
    else EXPECT_EQ(w["end_s"], want.end) << w.dump();
    EXPECT_EQ(w["rcode"], "SERVFAIL") << w.dump();
    if (want.ede < 0) EXPECT_TRUE(w["ede"].is_null()) << w.dump();
    else EXPECT_EQ(w["ede"], want.ede) << w.dump();
    EXPECT_TRUE(contains(w["reason"], want.reason)) << "reason should hold '" << want.reason << "': " << w.dump();
}

void expect_no_window(const nlohmann::json& report, const std::string& resolver)
{
    EXPECT_TRUE(windows_of(report, resolver).empty()) << resolver << ": " << report["failure_windows"].dump();
}

// Every answer of `resolver` in [from, until) has `validation` (named's SERVFAIL without EDE is a
// failure whose validation is indeterminate; a SERVFAIL is bogus only when a DNSSEC EDE says so).
void expect_validation(const nlohmann::json& report, const std::string& resolver, long from, long until,
                       const std::string& validation)
{
    int seen = 0;
    for (const auto& o : observations_of(report, resolver, "www.example.com.", "A")) {
        const long t = o["offset_s"];
        if (t < from || t >= until) continue;
        ++seen;
        EXPECT_EQ(o["validation"], validation) << resolver << " " << o.dump();
    }
    EXPECT_GT(seen, 0) << resolver << " was not probed in [" << from << ", " << until << ")";
}

TEST(ResolverKinds, EveryKindReportsItsOwnKind)
{
    const auto report = run_and_report(scenario("zsk-swap-no-prepublish"));
    expect_every_expectation_passed(report);
    const std::vector<std::pair<std::string, std::string>> kinds = {
        {"unbound", "unbound"}, {"named", "bind"}, {"kresd", "knot-resolver"}, {"pdns", "pdns-recursor"},
        {"cold", "libunbound"}};
    for (const auto& [resolver, kind] : kinds) {
        const auto observations = observations_of(report, resolver, "www.example.com.", "A");
        ASSERT_FALSE(observations.empty()) << resolver;
        EXPECT_EQ(observations[0]["resolver_kind"], kind) << observations[0].dump();
        EXPECT_EQ(observations[0]["validation"], "secure") << observations[0].dump();
    }
}

// Every daemon fails from +1d5m1s until its cached DNSKEY set runs out; they say it differently.
TEST(ResolverKinds, ZskSwapFailsEveryDaemonEachWithItsOwnWords)
{
    const auto report = run_and_report(scenario("zsk-swap-no-prepublish"));
    expect_every_expectation_passed(report);
    const long start = kDay + 5 * kMinute + 1, end = kDay + kHour;
    expect_window(report, {"unbound", start, end, 9, "signatures from unknown keys"});
    expect_window(report, {"named", start, end, -1, "validating www.example.com/A: no valid signature found"});
    expect_window(report, {"kresd", start, end, 6, "bogus signatures: www.example.com. A"});
    expect_window(report, {"pdns", start, end, -1, ""});
    expect_no_window(report, "cold");
    expect_validation(report, "named", start, end, "indeterminate");
    expect_validation(report, "pdns", start, end, "indeterminate");
    expect_validation(report, "kresd", start, end, "bogus");
}

TEST(ResolverKinds, DsDigestMismatchFailsEveryDaemonOnceItsDnskeySetRunsOut)
{
    const auto report = run_and_report(scenario("ds-digest-mismatch"));
    expect_every_expectation_passed(report);
    const long start = kDay + kHour + 1;
    expect_window(report, {"unbound", start, -1, 9, "DS hash mismatches key"});
    expect_window(report, {"named", start, -1, -1, "validating example.com/DNSKEY: no valid signature found (DS)"});
    expect_window(report, {"kresd", start, -1, 6, "bogus key: example.com. DNSKEY"});
    expect_window(report, {"pdns", start, -1, 9, "Bogus - No valid DNSKEY"});
    const auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u);
    EXPECT_EQ(cold[0]["start_s"], kDay);
}

// 30 minutes past expiry: inside Unbound's skew allowance, outside everyone else's.
TEST(ResolverKinds, ExpiredRrsigFailsAllButUnboundEachRecoveringInItsOwnTime)
{
    const auto report = run_and_report(scenario("expired-rrsig"));
    expect_every_expectation_passed(report);
    const long start = kDay + 5 * kMinute + 1;
    expect_no_window(report, "unbound");
    expect_no_window(report, "cold");
    expect_window(report, {"named", start, kDay + 12 * kHour + 5 * kMinute + 1, -1, "RRSIG has expired"});
    expect_window(report, {"kresd", start, kDay + 12 * kHour, 7, "2 expired"});
    // pdns: no EDE for the A's own signature, EDE 7 once its DNSKEY set is fetched again, and
    // the bogus DNSKEY set kept for its TTL after the zone is fixed.
    expect_window(report, {"pdns", start, kDay + 12 * kHour + 45 * kMinute, -1, ""});
    for (const auto& o : observations_of(report, "pdns", "www.example.com.", "A")) {
        const long t = o["offset_s"];
        if (t >= kDay + kHour + 1 && t < kDay + 12 * kHour + 45 * kMinute) {
            EXPECT_EQ(o["ede"], 7) << o.dump();
        }
    }
}

// 5 minutes before inception: inside Unbound's skew allowance, outside pdns's (60 s), and named
// and kresd allow none.
TEST(ResolverKinds, NotYetValidRrsigFailsAllButUnboundForOneProbe)
{
    const auto report = run_and_report(scenario("not-yet-valid-rrsig"));
    expect_every_expectation_passed(report);
    const long start = kDay + kMinute + 1, end = kDay + 45 * kMinute;
    expect_no_window(report, "unbound");
    expect_no_window(report, "cold");
    expect_window(report, {"named", start, end, -1, "RRSIG validity period has not begun"});
    expect_window(report, {"kresd", start, end, 8, "2 not yet valid"});
    expect_window(report, {"pdns", start, end, -1, ""});
}

// Unbound and named keep the DS they cached; kresd and pdns take the new one from the referral.
TEST(ResolverKinds, KskAndDsSwappedTogetherFailOnlyUnboundAndNamed)
{
    const auto report = run_and_report(scenario("ksk-and-ds-swapped-together"));
    expect_every_expectation_passed(report);
    const long start = kDay + kHour + 1, end = kDay + 3 * kHour;
    expect_window(report, {"unbound", start, end, 9, "no keys have a DS"});
    expect_window(report, {"named", start, end, -1, "no valid signature found (DS)"});
    expect_no_window(report, "kresd");
    expect_no_window(report, "pdns");
    expect_no_window(report, "cold");
}

// Each kind's options as its own settings, accepted by the daemon: named's stale-answer-enable
// and servfail-ttl, kresd's serve_stale module, pdns's serve-stale-extensions,
// max-cache-bogus-ttl and nsec3-max-iterations, which makes a denial with more NSEC3
// iterations insecure (pdns's default, 150, validates it).
TEST(ResolverKinds, OptionsBecomeEachKindsOwnSettings)
{
    TempDir dir;
    write_file(dir / "options.yaml", R"(name: options
start: 2027-03-01T00:00:00Z
duration: 1d
zones:
  example.com.:
    signing: { denial: nsec3, nsec3: { iterations: 10 } }
resolvers:
  named:  { kind: bind, serve-expired: true, val-bogus-ttl: 30s }
  kresd:  { kind: knot-resolver, serve-expired: true }
  pdns:   { kind: pdns-recursor, serve-expired: true, val-bogus-ttl: 10m, max-nsec3-iterations: 5 }
  pdns-default: { kind: pdns-recursor }
probes: { every: 6h, names: [nope.example.com. A] }
expect:
  - { query: nope.example.com. A, resolver: pdns, outcome: insecure }
  - { query: nope.example.com. A, resolver: pdns-default, outcome: secure }
  - { query: nope.example.com. A, outcome: nxdomain }
)");
    const auto lab = dir / "lab";
    const auto r = run_rollsim({"run", (dir / "options.yaml").string(), "--quiet", "--lab-dir", lab.string(),
                                "--report-json", (dir / "report.json").string()});
    ASSERT_EQ(r.status, 0) << r.output;
    expect_every_expectation_passed(read_json(dir / "report.json"));
    const std::string named = read_file(lab / "bind-named" / "named.conf");
    EXPECT_NE(named.find("stale-answer-enable yes;"), std::string::npos) << named;
    EXPECT_NE(named.find("stale-cache-enable yes;"), std::string::npos) << named;
    EXPECT_NE(named.find("servfail-ttl 30;"), std::string::npos) << named;
    const std::string kresd = read_file(lab / "knot-resolver-kresd" / "kresd.conf");
    EXPECT_NE(kresd.find("modules.load('serve_stale < cache')"), std::string::npos) << kresd;
    const std::string pdns = read_file(lab / "pdns-recursor-pdns" / "recursor.conf");
    for (const char* line : {"serve-stale-extensions=2880", "max-cache-bogus-ttl=600", "nsec3-max-iterations=5"})
        EXPECT_NE(pdns.find(line), std::string::npos) << line << " in\n" << pdns;
}

// `--resolvers all` asks the catalog's unedited ZSK swap of every daemon kind: the warm resolver
// as warm, warm-bind, warm-knot-resolver and warm-pdns-recursor, each failing from +1d5m1s. The
// file's failure-window expectation with EDE 9 names the kinds it holds for (unbound, bind: named
// sends no EDE), and the file pins what kresd (EDE 6) and pdns (no EDE) answered with
// expectations naming their kinds: each is judged for its kind alone, and the run passes.
TEST(ResolverKinds, ResolversAllAsksAnUneditedScenarioOfEveryKind)
{
    TempDir dir;
    const auto r = run_rollsim({"run", repo_path("scenarios/basics/zsk-swap-no-prepublish.yaml"), "--resolvers", "all",
                                "--quiet", "--report-json", (dir / "report.json").string()});
    EXPECT_EQ(r.status, 0) << r.output;
    const auto report = read_json(dir / "report.json");
    const std::vector<std::pair<std::string, std::string>> kinds = {{"warm", "unbound"},
                                                                    {"warm-bind", "bind"},
                                                                    {"warm-knot-resolver", "knot-resolver"},
                                                                    {"warm-pdns-recursor", "pdns-recursor"},
                                                                    {"cold", "libunbound"}};
    for (const auto& [resolver, kind] : kinds) {
        const auto observations = observations_of(report, resolver, "www.example.com.", "A");
        ASSERT_FALSE(observations.empty()) << resolver;
        EXPECT_EQ(observations[0]["resolver_kind"], kind);
        if (kind == "libunbound") continue;
        const auto windows = windows_of(report, resolver);
        ASSERT_EQ(windows.size(), 1u) << resolver << ": " << report["failure_windows"].dump();
        EXPECT_EQ(windows[0]["start_s"], kDay + 5 * kMinute + 1) << windows[0].dump();
    }
    // Every expectation passes; the failure window (EDE 9) is judged for unbound and bind only,
    // and kresd's and pdns's own windows say what they answered.
    std::set<std::string> failure_windows;
    std::set<std::string> texts;
    for (const auto& e : report["expectations"]) {
        const std::string text = e["text"];
        EXPECT_EQ(e["verdict"], "pass") << text << ": " << e["detail"];
        texts.insert(text);
        if (e["kind"] == "failure-window") failure_windows.insert(text.substr(0, text.find(':')));
    }
    EXPECT_EQ(failure_windows, (std::set<std::string>{"www.example.com. A on warm", "www.example.com. A on warm-bind"}));
    EXPECT_TRUE(texts.count("www.example.com. A on warm-knot-resolver from +1d5m1s until +1d1h: bogus (EDE 6)"))
        << report["expectations"].dump();
    EXPECT_TRUE(texts.count("www.example.com. A on warm-pdns-recursor from +1d5m1s until +1d1h: servfail"))
        << report["expectations"].dump();
}

// A kind whose program is not where the override says: exit status 3, the program named.
TEST(ResolverKinds, AMissingProgramStopsTheRunWithStatusThree)
{
    ::setenv("ROLLSIM_KRESD", "/nonexistent/kresd", 1);
    const auto r = run_rollsim({"run", repo_path(scenario("not-yet-valid-rrsig")), "--quiet"});
    ::unsetenv("ROLLSIM_KRESD");
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("ROLLSIM_KRESD=/nonexistent/kresd"), std::string::npos) << r.output;
}

// SIGKILL to a runner whose lab runs all four kinds: the kernel takes the lab down with it, no
// named, kresd or pdns_recursor left behind.
TEST(LabLifetime, NoDaemonOfAnyKindOutlivesASigkilledRunner)
{
    TempDir dir;
    const auto lab = dir / "lab";
    namespace bp = boost::process;
    bp::child runner(ROLLSIM_BIN, "run", repo_path(scenario("zsk-swap-no-prepublish")), "--lab-dir", lab.string(),
                     "--quiet", bp::std_out > bp::null, bp::std_err > (dir / "stderr").string());
    const std::string needle = lab.string() + "/";
    const std::vector<std::string> daemons = {"unbound-unbound", "bind-named", "knot-resolver-kresd",
                                              "pdns-recursor-pdns"};
    ASSERT_TRUE(wait_for(
        [&] {
            for (const auto& d : daemons)
                if (processes_mentioning(needle + d).empty()) return false;
            return true;
        },
        std::chrono::seconds(60)))
        << read_file(dir / "stderr");
    ::kill(runner.id(), SIGKILL);
    runner.wait();
    EXPECT_TRUE(wait_for([&] { return processes_mentioning(needle).empty(); }, std::chrono::seconds(10)))
        << "lab processes outlived the runner";
}

// Cold daemons (cache: cold): emptied before every question, each kind answers the swapped ZSK
// as an empty cache does, secure throughout, where the warm daemons of every kind fail from
// +1d5m1s to +1d1h (zsk-swap-no-prepublish above, and warm here).
TEST(ResolverKinds, ColdDaemonsOfEveryKindAnswerAsAnEmptyCache)
{
    const auto report = run_and_report(scenario("cold-daemons"));
    expect_every_expectation_passed(report);
    expect_window(report, {"warm", kDay + 5 * kMinute + 1, kDay + kHour, 9, "signatures from unknown keys"});
    for (const std::string resolver : {"cold-unbound", "cold-named", "cold-kresd", "cold-pdns", "cold"}) {
        expect_no_window(report, resolver);
        const auto observations = observations_of(report, resolver, "www.example.com.", "A");
        ASSERT_FALSE(observations.empty()) << resolver;
        EXPECT_EQ(observations[0].value("cache", ""), resolver == "cold" ? "" : "cold") << observations[0].dump();
    }
}

// The cold Unbound daemon says what an empty-cache Unbound daemon (OpenSSL) says, not what
// libunbound (nettle) says; each cold kind in its own words.
TEST(ResolverKinds, ColdDaemonsGiveTheirOwnReasons)
{
    const auto report = run_and_report(scenario("cold-daemon-reasons"));
    expect_every_expectation_passed(report);
    const long end = kDay + 12 * kHour;
    expect_window(report, {"unbound", kDay, end, 6, "signature crypto failed"});
    expect_window(report, {"named", kDay, end, -1, "validating www.example.com/A: no valid signature found"});
    expect_window(report, {"kresd", kDay, end, 6, "bogus signatures: www.example.com. A"});
    expect_window(report, {"pdns", kDay, end, 6, "Bogus - No valid RRSIG"});
    const auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u);
    EXPECT_TRUE(contains(cold[0]["reason"], "ECDSA signature verification failed")) << cold[0].dump();
    EXPECT_FALSE(contains(cold[0]["reason"], "signature crypto failed")) << cold[0].dump();
    EXPECT_FALSE(contains(windows_of(report, "unbound")[0]["reason"], "ECDSA signature verification failed"));
}

// resolvers: [all, cold] in the file: warm asked as each kind, cold as each cold daemon too.
TEST(ResolverKinds, TheFileNamesAllKindsWarmAndCold)
{
    const auto report = run_and_report(scenario("all-kinds-in-the-file"));
    expect_every_expectation_passed(report);
    for (const std::string resolver : {"warm", "warm-bind", "warm-knot-resolver", "warm-pdns-recursor"}) {
        SCOPED_TRACE(resolver);
        const auto windows = windows_of(report, resolver);
        ASSERT_EQ(windows.size(), 1u) << report["failure_windows"].dump();
        EXPECT_EQ(windows[0]["start_s"], kDay + 5 * kMinute + 1);
        EXPECT_EQ(windows[0]["end_s"], kDay + kHour);
    }
    for (const std::string resolver :
         {"cold", "cold-unbound", "cold-bind", "cold-knot-resolver", "cold-pdns-recursor"}) {
        expect_no_window(report, resolver);
        EXPECT_FALSE(observations_of(report, resolver, "www.example.com.", "A").empty()) << resolver;
    }
}

// A resolver daemon killed mid-run (SIGKILL by its PID, once the run holds at +1d: a monitor's
// run there waits for the kill): from its next question on, its probes record no answer, the
// death is an event with its log's tail, and the other resolvers go on to the end.
TEST(ResolverKinds, AResolverThatDiesRecordsNoAnswerAndTheOthersGoOn)
{
    TempDir dir;
    const auto lab = dir / "lab";
    const CliResult r = run_killing_when_held(
        dir.path(),
        "name: a resolver dies\nstart: 2027-03-01T00:00:00Z\nduration: 2d\n"
        "zones: { example.com.: {} }\n"
        "resolvers:\n  stays: { kind: unbound }\n  dies: { kind: knot-resolver }\n"
        "probes: { every: 6h, names: [example.com. SOA] }\n"
        "expect:\n  - { no-failures: true, resolver: stays }\n",
        "2027-03-02T00:00:00Z", {"--lab-dir", lab.string(), "--report-json", (dir / "r.json").string()},
        (lab / "knot-resolver-dies").string() + "/", 0, std::chrono::minutes(3));

    // The dead resolver's "no answer" probes fail; the expectation is about the other one.
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(processes_mentioning(lab.string() + "/").empty());
    const auto report = read_json(dir / "r.json");
    bool noted = false;
    for (const auto& e : report["events"])
        if (e["text"] == "resolver dies died; its probes record no answer from here on") {
            noted = true;
            EXPECT_EQ(e["offset_s"], 86400 + 6 * 3600) << e.dump();
            EXPECT_TRUE(e.contains("log_tail")) << e.dump();
        }
    EXPECT_TRUE(noted) << report["events"].dump();
    const auto stays = observations_of(report, "stays", "example.com.", "SOA");
    ASSERT_EQ(stays.size(), 9u);  // +0 .. +2d every 6h
    for (const auto& o : stays) EXPECT_EQ(o["validation"], "secure") << o.dump();
    const auto dies = observations_of(report, "dies", "example.com.", "SOA");
    ASSERT_EQ(dies.size(), 9u);
    for (const auto& o : dies) {
        const bool after = o["offset_s"].get<long>() > 86400;
        EXPECT_EQ(o["validation"], after ? "indeterminate" : "secure") << o.dump();
        if (after) {
            EXPECT_EQ(o["reason"], "no answer: the resolver died") << o.dump();
        }
    }
}

}  // namespace
}  // namespace rollsim::test
