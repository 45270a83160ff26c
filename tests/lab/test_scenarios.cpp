// The basics catalog against real NSD and Unbound, through the rollsim binary, checking what
// the JSON report says the resolvers answered.
#include "rollsim_cli.hpp"
#include "core/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <future>
#include <optional>
#include <thread>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <signal.h>

namespace rollsim::test {
namespace {

constexpr long kMinute = 60, kHour = 3600, kDay = 86400;

TEST(BasicsCatalog, HealthyChainStaysSecureFor90DaysWhileResigning)
{
    auto report = run_and_report("scenarios/basics/healthy-chain.yaml");
    expect_every_expectation_passed(report);
    auto warm = observations_of(report, "warm", "www.example.com.", "A");
    auto cold = observations_of(report, "cold", "www.example.com.", "A");
    ASSERT_EQ(warm.size(), 91u);  // the start and every day up to +90d
    ASSERT_EQ(cold.size(), 91u);
    for (const auto& o : warm) {
        EXPECT_EQ(o["rcode"], "NOERROR") << o.dump();
        EXPECT_TRUE(o["ad"].get<bool>()) << o.dump();
        EXPECT_EQ(o["validation"], "secure");
    }
    for (const auto& o : cold) EXPECT_EQ(o["validation"], "secure") << o.dump();
    EXPECT_EQ(warm.back()["offset_s"], 90 * kDay);
    // Every level was re-signed on its own schedule, many times over.
    int resigned_root = 0, resigned_com = 0, resigned_example = 0;
    for (const auto& e : report["events"]) {
        const std::string text = e["text"];
        if (text.find("re-signed on schedule") == std::string::npos) continue;
        if (text.rfind(". ", 0) == 0) ++resigned_root;
        if (text.rfind("com. ", 0) == 0) ++resigned_com;
        if (text.rfind("example.com. ", 0) == 0) ++resigned_example;
    }
    EXPECT_GE(resigned_root, 17);     // every 5 days
    EXPECT_GE(resigned_com, 29);      // every 3 days
    EXPECT_GE(resigned_example, 12);  // every 7 days
    EXPECT_TRUE(report["failure_windows"].empty());
}

// ds-digests: the root lists com. by a SHA-256 and a SHA-384 DS, com. lists example.com. by a
// SHA-384 DS alone (RFC 6605). Unbound builds the chain through them: every probe secure.
TEST(BasicsCatalog, ASha384DsAloneOrBesideASha256OneValidates)
{
    auto report = run_and_report("scenarios/basics/ds-sha384.yaml");
    expect_every_expectation_passed(report);
    for (const std::string resolver : {"warm", "cold"}) {
        auto answers = observations_of(report, resolver, "www.example.com.", "A");
        ASSERT_EQ(answers.size(), 13u);  // every 2h from +0 to +1d
        for (const auto& o : answers) EXPECT_EQ(o["validation"], "secure") << o.dump();
    }
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
}

// Record actions: cold sees each change at its instant; warm answers what it cached until its
// TTL ends (the NXDOMAIN of new.example.com., the address of mail.example.com.).
TEST(BasicsCatalog, RecordsAddedAndRemovedReachCachesWhenTheirTtlEnds)
{
    auto report = run_and_report("scenarios/basics/record-changes.yaml");
    expect_every_expectation_passed(report);
    auto rcode_at = [&](const std::string& resolver, const std::string& name, long t) {
        for (const auto& o : observations_of(report, resolver, name, "A"))
            if (o["offset_s"] == t) return o["rcode"].get<std::string>();
        return std::string("no probe");
    };
    EXPECT_EQ(rcode_at("cold", "new.example.com.", kHour), "NOERROR");
    EXPECT_EQ(rcode_at("warm", "new.example.com.", kHour), "NXDOMAIN");  // cached at +59m59s
    EXPECT_EQ(rcode_at("warm", "new.example.com.", kHour + 20 * kMinute), "NOERROR");
    EXPECT_EQ(rcode_at("cold", "mail.example.com.", 4 * kHour), "NXDOMAIN");
    EXPECT_EQ(rcode_at("warm", "mail.example.com.", 4 * kHour), "NOERROR");  // cached at +3h59m59s
    EXPECT_EQ(rcode_at("warm", "mail.example.com.", 4 * kHour + 20 * kMinute), "NXDOMAIN");
    EXPECT_TRUE(report["failure_windows"].empty()) << report["failure_windows"].dump();
}

TEST(BasicsCatalog, SignerOutageFailsAfterExpiryPlusSkew)
{
    auto report = run_and_report("scenarios/basics/signer-outage.yaml");
    expect_every_expectation_passed(report);
    // Signed at 0 with 7d validity and inception 1h back: skew = 10% of 7d1h = 16h54m, so
    // the first failing hourly probe is +7d17h.
    for (const std::string resolver : {"warm", "cold"}) {
        auto windows = windows_of(report, resolver);
        ASSERT_EQ(windows.size(), 1u) << resolver << report["failure_windows"].dump();
        EXPECT_EQ(windows[0]["start_s"], 7 * kDay + 17 * kHour) << resolver;
        EXPECT_TRUE(windows[0]["end_s"].is_null()) << resolver;
    }
    auto warm = windows_of(report, "warm")[0];
    EXPECT_EQ(warm["rcode"], "SERVFAIL");
    EXPECT_EQ(warm["ede"], 7);
    auto cold = windows_of(report, "cold")[0];
    EXPECT_NE(cold["reason"].get<std::string>().find("signature expired"), std::string::npos) << cold.dump();
    // Between expiry and expiry + skew both still answered secure.
    for (const auto& o : observations_of(report, "warm", "www.example.com.", "A")) {
        long t = o["offset_s"];
        if (t > 7 * kDay && t <= 7 * kDay + 16 * kHour) {
            EXPECT_EQ(o["validation"], "secure") << o.dump();
        }
    }
}

void check_zsk_swap(const nlohmann::json& report)
{
    expect_every_expectation_passed(report);
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    // The probe just before the swap refreshed the cached A RRset (TTL 5m): the resolver
    // answers from that cache until it runs out, then fails.
    EXPECT_GE(warm[0]["start_s"].get<long>(), kDay);
    EXPECT_LE(warm[0]["start_s"].get<long>(), kDay + 5 * kMinute + 1);
    ASSERT_FALSE(warm[0]["end_s"].is_null());
    // The cached DNSKEY set (TTL 1h) runs out within the hour; the next probe is secure.
    EXPECT_GT(warm[0]["end_s"].get<long>(), kDay);
    EXPECT_LE(warm[0]["end_s"].get<long>(), kDay + kHour + 25 * kMinute);
    EXPECT_EQ(warm[0]["ede"], 9);
    EXPECT_EQ(warm[0]["rcode"], "SERVFAIL");
    EXPECT_TRUE(windows_of(report, "cold").empty()) << report["failure_windows"].dump();
}

void check_ds_mismatch(const nlohmann::json& report)
{
    expect_every_expectation_passed(report);
    auto cold = windows_of(report, "cold");
    ASSERT_EQ(cold.size(), 1u) << report["failure_windows"].dump();
    EXPECT_EQ(cold[0]["start_s"], kDay);
    EXPECT_TRUE(cold[0]["end_s"].is_null());
    auto warm = windows_of(report, "warm");
    ASSERT_EQ(warm.size(), 1u) << report["failure_windows"].dump();
    // No later than the cached DS and DNSKEY (TTL 1h each) allow, at 10-minute probes.
    EXPECT_GE(warm[0]["start_s"].get<long>(), kDay);
    EXPECT_LE(warm[0]["start_s"].get<long>(), kDay + kHour + 10 * kMinute);
    EXPECT_EQ(warm[0]["ede"], 9);
    EXPECT_TRUE(warm[0]["end_s"].is_null());
}

// Two labs at once: each in its own namespaces, same addresses, no interference. The two
// runs are also the catalog checks of these scenarios.
TEST(BasicsCatalog, ZskSwapAndDsMismatchRunConcurrentlyWithoutInterfering)
{
    auto zsk = std::async(std::launch::async, [] { return run_and_report("scenarios/basics/zsk-swap-no-prepublish.yaml"); });
    auto ds = std::async(std::launch::async, [] { return run_and_report("scenarios/basics/ds-digest-mismatch.yaml"); });
    auto zsk_report = zsk.get();
    auto ds_report = ds.get();
    {
        SCOPED_TRACE("zsk-swap-no-prepublish");
        check_zsk_swap(zsk_report);
    }
    {
        SCOPED_TRACE("ds-digest-mismatch");
        check_ds_mismatch(ds_report);
    }
}

// A ZSK swapped at +400s without pre-publication (DNSKEY TTL 1h, A TTL 300s): the Unbound
// asked only at +0 and +400s fails at +400s, as an independent measurement sees it; the one on
// the dense schedule answers at +400s from the A its +399s probe cached and fails from +701s.
TEST(BasicsCatalog, ZskSwapResolverAskedOnlyAtZeroAnd400sFailsAt400s)
{
    auto report = run_and_report("scenarios/basics/zsk-swap-probed-twice.yaml");
    expect_every_expectation_passed(report);
    const auto user = observations_of(report, "user", "www.example.com.", "A");
    ASSERT_EQ(user.size(), 2u);  // its own instants only: nothing at +399s
    EXPECT_EQ(user[0]["offset_s"], 0);
    EXPECT_EQ(user[0]["validation"], "secure");
    EXPECT_EQ(user[1]["offset_s"], 400);
    EXPECT_EQ(user[1]["rcode"], "SERVFAIL");
    EXPECT_EQ(user[1]["ede"], 9);
    EXPECT_TRUE(contains(user[1]["reason"], "unknown keys")) << user[1].dump();

    std::optional<long> edges_first_failure;
    for (const auto& o : observations_of(report, "edges", "www.example.com.", "A")) {
        if (o["offset_s"] == 399 || o["offset_s"] == 400) EXPECT_EQ(o["validation"], "secure") << o.dump();
        if (o["rcode"] == "SERVFAIL" && !edges_first_failure) edges_first_failure = o["offset_s"].get<long>();
    }
    EXPECT_EQ(edges_first_failure, 701);
    for (const auto& o : observations_of(report, "cold", "www.example.com.", "A"))
        EXPECT_EQ(o["validation"], "secure") << o.dump();
}

// Two zones under com.; shop1.com.'s ZSK is swapped at +1d without pre-publication (as in
// scenarios/basics/zsk-swap-no-prepublish.yaml), shop2.com. does not change.
const char* kTwoShops = R"(name: two shops, probes critical zone
start: 2027-03-01T00:00:00Z
duration: 2d
zones:
  shop1.com.:
    records: ["www A 192.0.2.1"]
    ttl: { default: 300, dnskey: 1h, ds: 1h }
    keys:
      ksk:   { role: ksk }
      zsk-a: { role: zsk }
      zsk-b: { role: zsk, publish: +1d, activate: +1d }
  shop2.com.:
    records: ["www A 192.0.2.2"]
    ttl: { default: 300, dnskey: 1h, ds: 1h }
timeline:
  - { at: +1d, zone: shop1.com., do: remove zsk-a }
probes: { every: 25m, critical: zone, names: [www.shop1.com. A, www.shop2.com. A] }
expect:
  - { failure-window: www.shop1.com. A, resolver: warm, starts-between: [+1d, +1d5m1s], lasts-between: [1m, 1h], ede: 9 }
  - { no-failures: true, query: www.shop2.com. A }
  - { no-failures: true, resolver: cold }
)";

// critical: zone asks only the changed zone's names at its critical instants, and still finds
// the failure window there to the second: the warm Unbound fails once the A it cached at the
// +1d-1s probe runs out (+1d5m1s), as in the catalog's single-zone swap.
TEST(ProbeSchedule, CriticalZoneStillFindsTheFailureWindowOfTheChangedZone)
{
    TempDir dir;
    write_file(dir / "shops.yaml", kTwoShops);
    auto r = run_rollsim({"run", (dir / "shops.yaml").string(), "--report-json", (dir / "shops.json").string()});
    ASSERT_EQ(r.status, 0) << r.output;
    const auto report = read_json(dir / "shops.json");
    expect_every_expectation_passed(report);
    std::optional<long> first_failure;
    bool asked_before_the_swap = false;
    for (const auto& o : observations_of(report, "warm", "www.shop1.com.", "A")) {
        asked_before_the_swap = asked_before_the_swap || o["offset_s"] == 86399;
        if (o["rcode"] == "SERVFAIL" && !first_failure) first_failure = o["offset_s"].get<long>();
    }
    EXPECT_TRUE(asked_before_the_swap);
    EXPECT_EQ(first_failure, 86400 + 301);
    // shop2.com. is asked at the regular instants only (every 25 minutes).
    const auto shop2 = observations_of(report, "warm", "www.shop2.com.", "A");
    EXPECT_EQ(shop2.size(), 2u * 86400 / 1500 + 1);
    for (const auto& o : shop2) EXPECT_EQ(o["offset_s"].get<long>() % 1500, 0) << o.dump();
}

const char* kShortHealthy = R"(name: short healthy chain
start: 2027-03-01T00:00:00Z
duration: 1d
zones:
  example.com.:
    records: ["www A 192.0.2.1"]
probes: { every: 12h, names: [www.example.com. A] }
expect:
  - { otherwise: OUTCOME }
)";

std::string short_healthy(const std::string& outcome)
{
    std::string text = kShortHealthy;
    text.replace(text.find("OUTCOME"), 7, outcome);
    return text;
}

TEST(ExitStatus, ZeroWhenExpectationsHoldOneWhenOneIsFlipped)
{
    TempDir dir;
    write_file(dir / "ok.yaml", short_healthy("secure"));
    write_file(dir / "flipped.yaml", short_healthy("servfail"));
    auto ok = run_rollsim({"run", (dir / "ok.yaml").string(), "--report-json", (dir / "ok.json").string()});
    EXPECT_EQ(ok.status, 0) << ok.output;
    auto flipped =
        run_rollsim({"run", (dir / "flipped.yaml").string(), "--report-json", (dir / "flipped.json").string()});
    EXPECT_EQ(flipped.status, 1) << flipped.output;
    EXPECT_NE(flipped.output.find("FAIL"), std::string::npos) << flipped.output;
    auto report = read_json(dir / "flipped.json");
    EXPECT_EQ(report["result"], "fail");
    EXPECT_EQ(report["expectations"][0]["verdict"], "fail");
    // The same lab answered secure, which is what made the flipped expectation fail.
    for (const auto& o : report["observations"]) EXPECT_EQ(o["validation"], "secure");
}

TEST(ExitStatus, TwoForAnInvalidScenarioWithFileAndLine)
{
    TempDir dir;
    auto file = dir / "bad.yaml";
    std::string text = short_healthy("secure");
    text.replace(text.find("duration: 1d"), 12, "duration: 1x");
    write_file(file, text);
    auto r = run_rollsim({"run", file.string()});
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find(file.string() + ":3:"), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(ExitStatus, ThreeWhenTheLabCannotStartNamingTheProgram)
{
    TempDir dir;
    write_file(dir / "ok.yaml", short_healthy("secure"));
    ::setenv("ROLLSIM_NSD", "/nonexistent/nsd", 1);
    auto r = run_rollsim({"run", (dir / "ok.yaml").string()});
    ::unsetenv("ROLLSIM_NSD");
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("nsd"), std::string::npos) << r.output;
}

// A Boost.Process initializer giving the child TMPDIR=`dir` and this process's other variables,
// without Boost.Process's environment class (whose lookup reads past its entries:
// lab/process.cpp).
struct WithTmpdir : boost::process::extend::handler {
    std::vector<std::string> entries;
    std::vector<char*> envp;
    explicit WithTmpdir(const std::filesystem::path& dir)
    {
        for (char** e = ::environ; *e; ++e)
            if (std::string_view(*e).rfind("TMPDIR=", 0) != 0) entries.emplace_back(*e);
        entries.push_back("TMPDIR=" + dir.string());
        for (auto& entry : entries) envp.push_back(entry.data());
        envp.push_back(nullptr);
    }
    template <class Executor>
    void on_setup(Executor& exec) const
    {
        exec.env = const_cast<char**>(envp.data());
    }
};

void interrupt_and_check_cleanup(int signal, int expected_status)
{
    TempDir dir;
    auto lab = dir / "lab";
    namespace bp = boost::process;
    bp::child runner(ROLLSIM_BIN, "run", repo_path("scenarios/basics/healthy-chain.yaml"), "--lab-dir", lab.string(),
                     "--quiet", bp::std_out > bp::null, bp::std_err > (dir / "stderr").string());
    const std::string needle = lab.string() + "/";
    // Wait until the lab has servers and the resolver running.
    ASSERT_TRUE(wait_for(
        [&] {
            auto procs = processes_mentioning(needle + "unbound-");
            return !procs.empty();
        },
        std::chrono::seconds(60)))
        << read_file(dir / "stderr");
    ASSERT_FALSE(processes_mentioning(needle + "nsd-").empty());
    ::kill(runner.id(), signal);
    runner.wait();
    if (expected_status >= 0) {
        EXPECT_EQ(runner.exit_code(), expected_status) << read_file(dir / "stderr");
    }
    EXPECT_TRUE(wait_for([&] { return processes_mentioning(needle).empty(); }, std::chrono::seconds(10)))
        << "lab processes outlived the runner";
}

TEST(LabLifetime, NoLabProcessOutlivesASigkilledRunner) { interrupt_and_check_cleanup(SIGKILL, -1); }

TEST(LabLifetime, InterruptStopsTheRunCleanlyWithStatus130) { interrupt_and_check_cleanup(SIGINT, 130); }

// SIGTERM to the parent of a batch (a CI cancel, `kill PID`) reaches the running scenarios at
// once: the parent passes it on, stops waiting for them to finish their scenarios, and exits 130
// with no lab process left. (It used to wait for the running scenarios to finish.)
TEST(LabLifetime, SigtermToABatchStopsItsScenariosAtOnce)
{
    TempDir tmp;
    namespace bp = boost::process;
    bp::child batch(bp::exe = ROLLSIM_BIN,
                    bp::args = std::vector<std::string>{"run", repo_path("scenarios/calendars/twelve-months.yaml"),
                                                        repo_path("scenarios/basics/healthy-chain.yaml"), "-j",
                                                        "2", "--quiet"},
                    WithTmpdir(tmp.path()), bp::std_out > (tmp / "stdout").string(),
                    bp::std_err > (tmp / "stderr").string());
    const std::string needle = tmp.path().string() + "/rollsim-";
    // Both scenarios have their labs running.
    ASSERT_TRUE(wait_for([&] { return processes_mentioning("unbound.conf").size() >= 1 &&
                                      processes_mentioning(needle).size() >= 8; },
                         std::chrono::seconds(60)))
        << read_file(tmp / "stderr");
    const auto signalled = std::chrono::steady_clock::now();
    ::kill(batch.id(), SIGTERM);
    ASSERT_TRUE(wait_for([&] { return !batch.running(); }, std::chrono::seconds(10)))
        << "the batch did not stop within 10 s of SIGTERM";
    batch.wait();
    const auto took = std::chrono::steady_clock::now() - signalled;
    EXPECT_EQ(batch.exit_code(), 130) << read_file(tmp / "stdout") << read_file(tmp / "stderr");
    EXPECT_LT(took, std::chrono::seconds(5)) << "stopping took longer than the children's grace period allows";
    EXPECT_NE(read_file(tmp / "stdout").find("ERR 130"), std::string::npos) << read_file(tmp / "stdout");
    EXPECT_TRUE(wait_for([&] { return processes_mentioning(needle).empty(); }, std::chrono::seconds(10)))
        << "lab processes outlived the batch";
}

TEST(LabLifetime, TheNextRunRemovesTheDirectoryOfASigkilledRun)
{
    // A run with a temporary lab directory (no --lab-dir) under its own TMPDIR, SIGKILLed while
    // its lab runs: it cannot remove its directory, so the next run does.
    TempDir tmp;
    namespace bp = boost::process;
    bp::child killed(bp::exe = ROLLSIM_BIN,
                     bp::args = std::vector<std::string>{"run", repo_path("scenarios/basics/healthy-chain.yaml"),
                                                         "--quiet"},
                     WithTmpdir(tmp.path()), bp::std_out > bp::null, bp::std_err > bp::null);
    const std::string needle = tmp.path().string() + "/rollsim-";
    ASSERT_TRUE(wait_for([&] { return !processes_mentioning(needle).empty(); }, std::chrono::seconds(60)));
    ::kill(killed.id(), SIGKILL);
    killed.wait();
    ASSERT_TRUE(wait_for([&] { return processes_mentioning(needle).empty(); }, std::chrono::seconds(10)));
    auto left = [&] {
        int n = 0;
        for (const auto& e : std::filesystem::directory_iterator(tmp.path()))
            n += e.path().filename().string().rfind("rollsim-", 0) == 0;
        return n;
    };
    ASSERT_EQ(left(), 1) << "the killed run left no directory: nothing to check";

    TempDir work;
    write_file(work / "ok.yaml", short_healthy("secure"));
    bp::child next(bp::exe = ROLLSIM_BIN,
                   bp::args = std::vector<std::string>{"run", (work / "ok.yaml").string(), "--quiet"},
                   WithTmpdir(tmp.path()), bp::std_out > bp::null, bp::std_err > bp::null);
    next.wait();
    EXPECT_EQ(next.exit_code(), 0);
    EXPECT_EQ(left(), 0) << "the killed run's lab directory is still there";
}

// Two PID namespaces sharing one TMPDIR, as two containers or CI jobs sharing /tmp: a run in
// one is not taken for dead by the cleanup of a run in the other (whose PIDs say nothing about
// it), because the owner proves itself by the lock it holds on its directory's owner file. Once
// that owner is SIGKILLed, the other namespace's next run does remove the directory.
TEST(LabLifetime, ARunInAnotherPidNamespaceKeepsItsDirectoryUntilKilled)
{
    TempDir tmp;
    TempDir work;
    write_file(work / "ok.yaml", short_healthy("secure"));
    namespace bp = boost::process;
    // unshare(1) forks rollsim as PID 1 of a new PID namespace with its own /proc: exactly the
    // PID the other namespace's rollsim has too. --kill-child: a SIGKILL to unshare reaches it.
    auto in_own_pid_namespace = [&](std::vector<std::string> args) {
        std::vector<std::string> all = {"TMPDIR=" + tmp.path().string(), "unshare", "--pid", "--fork",
                                        "--mount-proc", "--kill-child", ROLLSIM_BIN};
        all.insert(all.end(), args.begin(), args.end());
        return all;
    };
    bp::opstream commands;
    bp::child owner(bp::exe = "/usr/bin/env", bp::args = in_own_pid_namespace({"play", (work / "ok.yaml").string(),
                                                                               "--transcript",
                                                                               (work / "T.md").string()}),
                    bp::std_in < commands, bp::std_out > bp::null, bp::std_err > (work / "owner.err").string());
    const std::string needle = tmp.path().string() + "/rollsim-";
    // The played lab runs (its resolver's configuration is under the lab directory) and waits
    // for a command.
    ASSERT_TRUE(wait_for([&] { return !processes_mentioning(needle).empty(); }, std::chrono::seconds(60)))
        << read_file(work / "owner.err");
    std::vector<std::filesystem::path> labs;
    for (const auto& e : std::filesystem::directory_iterator(tmp.path()))
        if (e.path().filename().string().rfind("rollsim-", 0) == 0) labs.push_back(e.path());
    ASSERT_EQ(labs.size(), 1u);

    auto other = run_program_in(work.path(), "/usr/bin/env", in_own_pid_namespace({"run", "ok.yaml", "--quiet"}));
    EXPECT_EQ(other.status, 0) << other.output;
    EXPECT_TRUE(std::filesystem::exists(labs[0] / kOwnerFile)) << "a live run's lab directory was removed";

    ::kill(owner.id(), SIGKILL);  // unshare, then the kernel takes its namespace with it
    owner.wait();
    ASSERT_TRUE(wait_for([&] { return processes_mentioning(needle).empty(); }, std::chrono::seconds(10)));
    ASSERT_TRUE(std::filesystem::exists(labs[0])) << "nothing left to clean: the test proves nothing";
    auto next = run_program_in(work.path(), "/usr/bin/env", in_own_pid_namespace({"run", "ok.yaml", "--quiet"}));
    EXPECT_EQ(next.status, 0) << next.output;
    EXPECT_FALSE(std::filesystem::exists(labs[0])) << "the killed run's lab directory is still there";
}

}  // namespace
}  // namespace rollsim::test
