// Monitors without a lab: the `monitors:` section parsed, placeholders and environment, the
// monitoring-plugins statuses, RRSIG times and DS matching, a command run on the virtual clock,
// lead times and false alarms, monitor expectations and the Prometheus text.
#include "dnssec/key.hpp"
#include "core/error.hpp"
#include "lab/process.hpp"
#include "lab/tools.hpp"
#include "monitor/command.hpp"
#include "monitor/health.hpp"
#include "monitor/monitors.hpp"
#include "report/monitor_leads.hpp"
#include "scenario/parse.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace rollsim;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kHead = R"(name: monitors
start: 2027-03-01T00:00:00Z
zones:
  example.com.: {}
probes: { names: [www.example.com. A] }
)";

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

scenario::Scenario parse(const std::string& tail) { return scenario::parse_scenario_text(kHead + tail, "t.yaml", "."); }

monitor::Check check(long long at, monitor::Status s, const std::string& name = "m")
{
    monitor::Check c;
    c.offset = Seconds(at);
    c.monitor = name;
    c.status = s;
    c.line = std::string(monitor::to_string(s));
    return c;
}

report::FailureGroup group(long long start, std::optional<long long> end)
{
    report::FailureGroup g;
    g.zone = "example.com.";
    g.start = Seconds(start);
    if (end) g.end = Seconds(*end);
    return g;
}

}  // namespace

TEST(MonitorParse, DefaultsAndKinds)
{
    const auto sc = parse(R"(monitors:
  health: { kind: rollsim-health }
  resolves: { command: "dig @{resolver} {zone} SOA", every: 6h, timeout: 5s, zone: example.com. }
expect:
  - { monitor: health, warns-before: 2d, crit-before: 1d }
  - { monitor: resolves, misses: true, id: misses }
)");
    ASSERT_EQ(sc.monitors.size(), 2u);
    const auto& h = sc.monitors[0];
    EXPECT_EQ(h.kind, scenario::MonitorKind::Health);
    EXPECT_EQ(h.every, Seconds(3600));
    EXPECT_EQ(h.timeout, Seconds(30));
    EXPECT_EQ(h.warn, Seconds(3 * 86400));
    EXPECT_EQ(h.critical, Seconds(86400));
    EXPECT_EQ(h.horizon, Seconds(7 * 86400));
    EXPECT_EQ(h.zones, std::vector<std::string>{"example.com."});
    const auto& r = sc.monitors[1];
    EXPECT_EQ(r.kind, scenario::MonitorKind::Command);
    EXPECT_EQ(r.command, "dig @{resolver} {zone} SOA");
    EXPECT_EQ(r.every, Seconds(6 * 3600));
    EXPECT_EQ(r.timeout, Seconds(5));
    ASSERT_EQ(sc.expectations.size(), 2u);
    EXPECT_EQ(sc.expectations[0].kind, scenario::Expectation::Kind::Monitor);
    EXPECT_EQ(sc.expectations[0].text, "monitor health warns at least 2d and goes critical at least 1d before every failure");
    EXPECT_TRUE(sc.expectations[1].misses);
    EXPECT_EQ(sc.expectations[1].text, "monitor resolves raises no alert before any failure");
}

TEST(MonitorCommand, PlaceholdersAndEnvironment)
{
    const monitor::Placeholders v{{"zone", "example.com."}, {"trust-anchor", "/x/ta"}, {"resolver", "127.54.0.1"}};
    EXPECT_EQ(monitor::fill_placeholders("dig @{resolver} {zone} -k {trust-anchor} {", v),
              "dig @127.54.0.1 example.com. -k /x/ta {");
    const auto env = monitor::placeholder_environment("health", v);
    EXPECT_EQ(env.at("ROLLSIM_TRUST_ANCHOR"), "/x/ta");
    EXPECT_EQ(env.at("ROLLSIM_ZONE"), "example.com.");
    EXPECT_EQ(env.at("ROLLSIM_MONITOR"), "health");
}

TEST(MonitorStatus, PluginConvention)
{
    EXPECT_EQ(monitor::status_of_exit(0), monitor::Status::Ok);
    EXPECT_EQ(monitor::status_of_exit(1), monitor::Status::Warning);
    EXPECT_EQ(monitor::status_of_exit(2), monitor::Status::Critical);
    EXPECT_EQ(monitor::status_of_exit(3), monitor::Status::Unknown);
    EXPECT_EQ(monitor::status_of_exit(127), monitor::Status::Unknown);
    EXPECT_EQ(monitor::status_of_exit(-1), monitor::Status::Unknown);
    EXPECT_EQ(monitor::first_line("\n\nDNS OK - 0.1s\nmore\n"), "DNS OK - 0.1s");
}

TEST(MonitorHealth, RrsigTimesAndDsMatching)
{
    EXPECT_EQ(monitor::parse_rrsig_time("20270315120000"), *parse_time("2027-03-15T12:00:00Z"));
    EXPECT_FALSE(monitor::parse_rrsig_time("2027031512000"));
    EXPECT_FALSE(monitor::parse_rrsig_time("20271315120000"));
    auto key = dnssec::Key::generate("example.com.", scenario::Algorithm::ECDSAP256SHA256, 257);
    auto other = dnssec::Key::generate("example.com.", scenario::Algorithm::ECDSAP256SHA256, 257);
    const std::string ds = key.ds().to_rr("example.com.", 3600);
    EXPECT_TRUE(monitor::ds_matches_dnskey(ds, key.dnskey_rr(3600)));
    EXPECT_FALSE(monitor::ds_matches_dnskey(ds, other.dnskey_rr(3600)));
    std::string garbled = ds;
    garbled.back() = garbled.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(monitor::ds_matches_dnskey(garbled, key.dnskey_rr(3600)));
}

// A command run through /bin/sh on the virtual clock: `date` reads the virtual instant; a
// missing program, a crash and a hang are UNKNOWN with the reason in the status line.
TEST(MonitorCommand, RunsOnTheVirtualClockAndNeverThrows)
{
    const fs::path dir = fs::temp_directory_path() / ("rollsim-monitor-test-" + std::to_string(std::random_device{}()));
    const lab::Tools tools{"", "", "", lab::locate_vclock_library()};
    auto run = [&](const std::string& command, Seconds timeout = Seconds(10)) {
        scenario::MonitorSpec spec;
        spec.name = "m";
        spec.command = command;
        spec.timeout = timeout;
        monitor::CommandMonitor m(spec, tools, dir / std::to_string(std::random_device{}()));
        return m.run(Seconds(60), *parse_time("2031-05-06T07:08:09Z"), {{"workdir", m.dir().string()}, {"zone", "example.com."}});
    };
    auto c = run("date -u +%Y-%m-%dT%H:%M; echo second line; exit 1");
    EXPECT_EQ(c.status, monitor::Status::Warning);
    EXPECT_EQ(c.line, "2031-05-06T07:08");
    c = run("echo \"$ROLLSIM_ZONE in $(pwd)\"; test \"$(pwd)\" = \"$ROLLSIM_WORKDIR\" && exit 2");
    EXPECT_EQ(c.status, monitor::Status::Critical);
    EXPECT_EQ(c.line.substr(0, 16), "example.com. in ");
    c = run("/nonexistent/check_thing -H {zone}");
    EXPECT_EQ(c.status, monitor::Status::Unknown);
    EXPECT_EQ(c.line.substr(0, 36), "command not found (exit status 127):");
    c = run("kill -SEGV $$");
    EXPECT_EQ(c.status, monitor::Status::Unknown);
    EXPECT_EQ(c.line, "killed by signal 11");
    c = run("echo started; sleep 60", Seconds(1));
    EXPECT_EQ(c.status, monitor::Status::Unknown);
    EXPECT_EQ(c.line, "no verdict within 1s: started");
    EXPECT_LT(c.wall_seconds, 30);
    fs::remove_all(dir);
}

TEST(MonitorLeads, AheadLateMissedAndFalseAlarms)
{
    using monitor::Status;
    const auto sc = parse(R"(duration: 20d
monitors:
  m: { kind: rollsim-health, horizon: 2d }
)");
    // Failure groups at +10d (until +11d) and +15d (open at the end).
    const std::vector<report::FailureGroup> groups{group(10 * 86400, 11 * 86400), group(15 * 86400, std::nullopt)};
    const std::vector<monitor::Check> checks{
        check(2 * 86400, Status::Warning),   // false alarm: nothing fails within 2d
        check(3 * 86400, Status::Ok),
        check(9 * 86400, Status::Warning),   // 1d ahead of +10d
        check(10 * 86400, Status::Critical), // at once
        check(11 * 86400, Status::Ok),
        check(12 * 86400, Status::Unknown),  // not an alert
        check(16 * 86400, Status::Critical), // 1d late for +15d
    };
    const auto m = report::summarize_monitors(sc, checks, groups);
    ASSERT_EQ(m.size(), 1u);
    ASSERT_EQ(m[0].leads.size(), 2u);
    EXPECT_EQ(report::lead_text(m[0].leads[0].warned, m[0].leads[0].failure_start), "1d ahead");
    EXPECT_EQ(report::lead_text(m[0].leads[0].critical, m[0].leads[0].failure_start), "at once");
    EXPECT_EQ(report::lead_text(m[0].leads[1].warned, m[0].leads[1].failure_start), "1d late");
    EXPECT_EQ(report::lead_text(std::nullopt, Seconds(0)), "missed");
    ASSERT_EQ(m[0].false_alarms.size(), 1u);
    EXPECT_EQ(m[0].false_alarms[0].start, Seconds(2 * 86400));
    EXPECT_EQ(m[0].counts[static_cast<int>(Status::Unknown)], 1);
    ASSERT_EQ(m[0].states.size(), 7u);

    scenario::Expectation e;
    e.kind = scenario::Expectation::Kind::Monitor;
    e.monitor = "m";
    e.crit_before = Seconds(0);
    auto v = report::judge_monitor(e, m);
    EXPECT_FALSE(v.pass);  // late for the second group
    EXPECT_EQ(v.detail, "needed a critical alert 0s before the failure at +15d: 1d late");
    e.crit_before.reset();
    e.misses = true;
    v = report::judge_monitor(e, m);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.matched, 2);
    // No failure: nothing to be warned of, so the expectation cannot pass.
    EXPECT_FALSE(report::judge_monitor(e, report::summarize_monitors(sc, checks, {})).pass);
}

TEST(MonitorMetrics, PrometheusText)
{
    auto c = check(3600, monitor::Status::Warning, "health");
    c.samples.push_back({"rollsim_rrsig_validity_seconds", {{"zone", "example.com."}, {"server", "ns1"}}, 259200});
    const std::string text = monitor::prometheus_text({c}, *parse_time("2027-03-01T00:00:00Z"));
    EXPECT_EQ(text,
              "# HELP rollsim_monitor_status Status of the monitor's run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
              "# TYPE rollsim_monitor_status gauge\n"
              "rollsim_monitor_status{monitor=\"health\"} 1 1803862800000\n"
              "# HELP rollsim_rrsig_validity_seconds Seconds until the earliest-expiring RRSIG the server serves "
              "expires (negative once expired).\n"
              "# TYPE rollsim_rrsig_validity_seconds gauge\n"
              "rollsim_rrsig_validity_seconds{monitor=\"health\",server=\"ns1\",zone=\"example.com.\"} 259200 "
              "1803862800000\n");
}

// A monitor writes only in its own work directory (lab/sandbox.hpp): the lab directory around
// it and the host's /tmp are read-only to it and keep nothing it tried; its own directory,
// /dev/null and the virtual clock work as before.
TEST(MonitorCommand, WritesOnlyInItsWorkDirectory)
{
    const test::Scratch scratch;
    const fs::path lab = scratch.path / "lab";
    const fs::path host_tmp = fs::path("/tmp") / ("rollsim-escape-" + std::to_string(std::random_device{}()));
    const lab::Tools tools{"", "", "", lab::locate_vclock_library()};
    scenario::MonitorSpec spec;
    spec.name = "m";
    spec.timeout = Seconds(10);
    spec.command = "touch ../../outside 2>lab.err; echo \"lab $?\" >result\n"
                   "touch " + host_tmp.string() + " 2>tmp.err; echo \"tmp $?\" >>result\n"
                   "echo kept >own && echo \"own $?\" >>result\n"
                   "echo discarded >/dev/null && echo \"null $?\" >>result\n"
                   "date -u +%Y-%m-%dT%H:%M >>result; echo OK - confined";
    monitor::CommandMonitor m(spec, tools, lab / "monitors" / "m");
    const auto c = m.run(Seconds(60), *parse_time("2031-05-06T07:08:09Z"), {{"workdir", m.dir().string()}});
    EXPECT_EQ(c.status, monitor::Status::Ok) << c.line << "\n" << c.output;
    EXPECT_EQ(c.line, "OK - confined");
    EXPECT_EQ(read_file(m.dir() / "result"), "lab 1\ntmp 1\nown 0\nnull 0\n2031-05-06T07:08\n");
    for (const auto* err : {"lab.err", "tmp.err"})
        EXPECT_NE(read_file(m.dir() / err).find("Read-only file system"), std::string::npos) << read_file(m.dir() / err);
    EXPECT_EQ(read_file(m.dir() / "own"), "kept\n");
    EXPECT_FALSE(fs::exists(lab / "outside"));
    EXPECT_FALSE(fs::exists(host_tmp));
}

// When the confinement cannot be set up, the command does not run at all (never unconfined),
// and the error says what failed and what it needs.
TEST(MonitorCommand, NotRunWhenItCannotBeConfined)
{
    const test::Scratch scratch;
    lab::ProcessSpec spec;
    spec.program = "/bin/sh";
    spec.args = {"-c", "touch " + (scratch.path / "ran").string()};
    spec.writable_only = scratch.path / "no-such-directory";
    std::string output;
    try {
        lab::run_command(spec, output);
        ADD_FAILURE() << "ran: " << output;
    } catch (const LabError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("cannot confine /bin/sh to writing in " + spec.writable_only.string() + ": ", 0), 0u)
            << what;
        EXPECT_NE(what.find("needs CAP_SYS_ADMIN"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(scratch.path / "ran"));
}
