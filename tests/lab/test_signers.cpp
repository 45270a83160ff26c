// The operator's signer in the lab (scenarios/signers/, docs/scenario-format.md "signer"): real
// named with the scenario's dnssec-policy as the zone's hidden primary on the virtual clock, NSD
// as its secondaries, Unbound and libunbound validating. Each test checks the key events named
// made and what the resolvers answered. Plus a runner SIGKILLed while named or knotd signs: the
// daemon goes with it.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <boost/process.hpp>

#include <csignal>
#include <future>
#include <map>
#include <set>

using namespace rollsim::test;
using nlohmann::json;

namespace {

// The key changes of `zone` in the report, by key name, in order.
std::map<std::string, std::vector<json>> key_changes_of(const json& report, const std::string& zone)
{
    std::map<std::string, std::vector<json>> out;
    for (const auto& k : report["key_changes"])
        if (k["zone"] == zone) out[k["key"].get<std::string>()].push_back(k);
    return out;
}

// Keys of `role` that were published at some time.
std::set<std::string> published_keys(const std::map<std::string, std::vector<json>>& keys, const std::string& role)
{
    std::set<std::string> out;
    for (const auto& [name, changes] : keys)
        for (const auto& k : changes)
            if (k["role"] == role && k["published"] == true) out.insert(name);
    return out;
}

// Whether each key of `names` had its DS at the parent at some time.
void expect_each_had_ds(const std::map<std::string, std::vector<json>>& keys, const std::set<std::string>& names)
{
    for (const auto& name : names) {
        bool had_ds = false;
        for (const auto& k : keys.at(name)) had_ds = had_ds || k["ds_at_parent"] == true;
        EXPECT_TRUE(had_ds) << name;
    }
}

// The parent agent's scans that changed the DS set.
std::size_t accepted_scans(const json& report)
{
    std::size_t accepted = 0;
    for (const auto& d : report["parent_agent"]) accepted += d["verdict"] == "accepted" ? 1 : 0;
    return accepted;
}

std::size_t events_mentioning(const json& report, const std::string& part)
{
    std::size_t n = 0;
    for (const auto& e : report["events"]) n += contains(e["text"], part) ? 1 : 0;
    return n;
}

// Every answer of both validators for www.example.com. A was secure.
void expect_secure_throughout(const json& report)
{
    for (const char* resolver : {"warm", "cold"})
        for (const auto& o : observations_of(report, resolver, "www.example.com.", "A"))
            EXPECT_EQ(o["validation"], "secure") << resolver << " " << o.dump();
}

}  // namespace

// BIND's default policy: one CSK, published, signing and its DS at com. from the start, never
// rolled; a year without a failure.
TEST(Signers, BindDefaultPolicyForAYear)
{
    const json report = run_and_report("scenarios/signers/bind-default-policy-year.yaml");
    expect_every_expectation_passed(report);
    const auto keys = key_changes_of(report, "example.com.");
    ASSERT_EQ(keys.size(), 1u) << report["key_changes"].dump();
    const auto& csk = keys.begin()->second;
    EXPECT_EQ(csk.front()["role"], "csk");
    EXPECT_EQ(csk.front()["algorithm"], 13);
    EXPECT_EQ(csk.front()["published"], true);
    EXPECT_EQ(csk.front()["active"], true);
    EXPECT_EQ(csk.front()["ds_at_parent"], true);
    EXPECT_GE(events_mentioning(report, keys.begin()->first), 3u);
    // The validators' last answers, a year on: secure.
    for (const char* resolver : {"warm", "cold"}) {
        const auto seen = observations_of(report, resolver, "www.example.com.", "A");
        ASSERT_FALSE(seen.empty());
        EXPECT_EQ(seen.back()["validation"], "secure") << resolver;
    }
}

// A 30-day ZSK and a 180-day KSK: a new ZSK about every 30 days, a second KSK whose DS the parent
// agent put at com. after reading named's CDS, the first KSK's DS gone; no failure.
TEST(Signers, BindZsk30Ksk180WithCds)
{
    const json report = run_and_report("scenarios/signers/bind-zsk30-ksk180.yaml");
    expect_every_expectation_passed(report);
    const auto keys = key_changes_of(report, "example.com.");
    EXPECT_GE(published_keys(keys, "zsk").size(), 12u);
    const auto ksks = published_keys(keys, "ksk");
    ASSERT_GE(ksks.size(), 2u);
    expect_each_had_ds(keys, ksks);
    EXPECT_GE(accepted_scans(report), 2u);  // the new KSK's DS added, the old one's removed
}

// parent-ds-ttl of one minute against com.'s DS TTL of a day: named removes the old KSK while the
// warm resolver still holds the old DS, which then matches no key: a failure window after the
// first KSK roll, for the warm resolver only.
TEST(Signers, BindParentDsTtlBelowTheParentsOpensAFailureWindow)
{
    const json report = run_and_report("scenarios/signers/bind-short-parent-ds-ttl.yaml");
    expect_every_expectation_passed(report);
    const auto warm = windows_of(report, "warm");
    ASSERT_FALSE(warm.empty()) << report["failure_windows"].dump();
    EXPECT_GE(warm.front()["start_s"].get<long>(), 30L * 86400);  // after the KSK's 30-day lifetime
    EXPECT_TRUE(windows_of(report, "cold").empty());
    EXPECT_GE(published_keys(key_changes_of(report, "example.com."), "ksk").size(), 2u);
}

// Server faults with named as hidden primary: ns2 stops and answers again, ns1 lags and follows
// again, ns2 serves unsigned and follows again; the validators are secure throughout.
TEST(Signers, ServerFaultsWorkWithBindAsHiddenPrimary)
{
    const json report = run_and_report("scenarios/signers/bind-server-faults.yaml");
    expect_every_expectation_passed(report);
    EXPECT_EQ(events_mentioning(report, "ns2.example.com. stopped answering"), 1u);
    EXPECT_EQ(events_mentioning(report, "ns2.example.com. answering again"), 1u);
    EXPECT_EQ(events_mentioning(report, "repaired:"), 3u);
    expect_secure_throughout(report);
}

// A policy named-checkconf refuses: exit 2, named's words at the operator's file and line.
TEST(Signers, PolicyNamedRefusesIsAScenarioErrorAtTheOperatorsLine)
{
    TempDir dir;
    write_file(dir / "policy.conf", "dnssec-policy \"typo\" {\n    keys { csk lifetime unlimited algorithm 13; };\n"
                                    "    dnskey-tll 3600;\n};\n");
    write_file(dir / "s.yaml", "name: typo\nstart: 2027-03-01T00:00:00Z\nduration: 1d\nzones:\n"
                               "  example.com.:\n    signer: { kind: bind, policy: policy.conf }\n"
                               "probes: { names: [example.com. SOA] }\n");
    const auto r = run_rollsim({"run", (dir / "s.yaml").string()});
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, (dir / "policy.conf").string() +
                                       ":3: named-checkconf refuses the policy: unknown option 'dnskey-tll'"))
        << r.output;
}

// Knot DNS with a 30-day ZSK and a 90-day KSK and ksk-submission: knotd pre-publishes new ZSKs,
// publishes a second KSK and its CDS; the parent agent swaps the DS at com., knotd's DS check
// sees it and the first KSK goes; no failure.
TEST(Signers, KnotZskAndKskRollWithKskSubmission)
{
    const json report = run_and_report("scenarios/signers/knot-zsk-ksk-roll.yaml");
    expect_every_expectation_passed(report);
    const auto keys = key_changes_of(report, "example.com.");
    EXPECT_GE(published_keys(keys, "zsk").size(), 4u);
    const auto ksks = published_keys(keys, "ksk");
    ASSERT_GE(ksks.size(), 2u) << report["key_changes"].dump();
    expect_each_had_ds(keys, ksks);
    // One KSK's DNSKEY removed: the old one, once the new one's DS was confirmed.
    std::size_t ksks_removed = 0;
    for (const auto& name : ksks) ksks_removed += keys.at(name).back()["published"] == false ? 1 : 0;
    EXPECT_GE(ksks_removed, 1u);
    // knotd's CDS names only the new KSK: one accepted scan swaps the DS set (adds the new KSK's
    // DS and removes the old one's in the same change).
    EXPECT_EQ(accepted_scans(report), 1u);
    expect_secure_throughout(report);
}

// A policy knotc conf-check refuses: exit 2, Knot's words at the operator's file and line.
TEST(Signers, PolicyKnotRefusesIsAScenarioErrorAtTheOperatorsLine)
{
    TempDir dir;
    write_file(dir / "policy.conf", "policy:\n  - id: typo\n    algorithm: ecdsap256sha256\n"
                                    "    zsk-lifetme: 30d\n");
    write_file(dir / "s.yaml", "name: typo\nstart: 2027-03-01T00:00:00Z\nduration: 1d\nzones:\n"
                               "  example.com.:\n    signer: { kind: knot, policy: policy.conf }\n"
                               "probes: { names: [example.com. SOA] }\n");
    const auto r = run_rollsim({"run", (dir / "s.yaml").string()});
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, (dir / "policy.conf").string() +
                                       ":4: knotc conf-check refuses the policy: item 'zsk-lifetme', value '30d' "
                                       "(invalid item)"))
        << r.output;
}

// Keys `ldns-keygen` / `dnssec-keygen` made at start: a KSK with its DS at com. and a ZSK, both
// published and signing from +0.
static void expect_batch_keys(const json& report)
{
    const auto keys = key_changes_of(report, "example.com.");
    EXPECT_EQ(published_keys(keys, "ksk").size(), 1u);
    EXPECT_EQ(published_keys(keys, "zsk").size(), 1u);
    for (const auto& [name, changes] : keys) {
        EXPECT_EQ(changes.front()["offset_s"], 0) << name;
        EXPECT_EQ(changes.front()["active"], true) << name;
    }
}

// ldns-signzone run daily by cron for ten days, then never: secure until the last run's
// signatures (28 days, ldns-signzone's default) are a day past expiry, then bogus to the end.
TEST(Signers, LdnsSignzoneCronJobThatStopsLetsSignaturesExpire)
{
    const json report = run_and_report("scenarios/signers/ldns-signzone-cron-stops.yaml");
    expect_every_expectation_passed(report);
    expect_batch_keys(report);
    for (const char* resolver : {"warm", "cold"}) {
        const auto windows = windows_of(report, resolver);
        ASSERT_EQ(windows.size(), 1u) << resolver << " " << report["failure_windows"].dump();
        // The last run at +9d: expiry at +37d, Unbound's skew one day more.
        EXPECT_EQ(windows.front()["start_s"].get<long>(), 38L * 86400 + 3600) << resolver;
        EXPECT_TRUE(windows.front()["end_s"].is_null()) << resolver;
    }
}

// dnssec-signzone every 3 days with two-day signatures: a window each cycle, each closed by
// the next run exactly (+3d, +6d, +9d).
TEST(Signers, DnssecSignzoneValidityShorterThanTheCronIntervalFailsEachCycle)
{
    const json report = run_and_report("scenarios/signers/dnssec-signzone-validity-short.yaml");
    expect_every_expectation_passed(report);
    expect_batch_keys(report);
    for (const char* resolver : {"warm", "cold"}) {
        const auto windows = windows_of(report, resolver);
        ASSERT_EQ(windows.size(), 3u) << resolver << " " << report["failure_windows"].dump();
        for (long cycle = 0; cycle < 3; ++cycle) {
            EXPECT_EQ(windows[cycle]["start_s"].get<long>(), cycle * 3 * 86400 + 2 * 86400 + 5 * 3600) << resolver;
            EXPECT_EQ(windows[cycle]["end_s"].get<long>(), (cycle + 1) * 3 * 86400) << resolver;
        }
    }
}

// Flags the signer refuses: exit 2 with its own words, at the scenario's flags:.
TEST(Signers, BatchSignerFlagsTheToolRefusesAreAScenarioError)
{
    TempDir dir;
    write_file(dir / "s.yaml", "name: flags\nstart: 2027-03-01T00:00:00Z\nduration: 1d\nzones:\n"
                               "  example.com.:\n    signer: { kind: dnssec-signzone, flags: \"-e 20d\" }\n"
                               "probes: { names: [example.com. SOA] }\n");
    const auto r = run_rollsim({"run", (dir / "s.yaml").string()});
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "s.yaml:6:45: dnssec-signzone refuses the flags '-e 20d': dnssec-signzone: fatal: "
                                   "time value 20d is invalid"))
        << r.output;
}

// SIGKILL to a runner whose lab runs a signer daemon for example.com. (`scenario`): once the
// daemon runs (`daemon`: its command line from the program's name on, with its configuration in
// the lab's signer-example.com directory; named-checkconf, knotc and keymgr name the same file
// with other words), the runner is killed, and within a deadline no process of that lab is left,
// the daemon first. Only this lab's processes are looked for: other labs run named and knotd at
// the same time.
static void expect_signer_dies_with_the_runner(const std::string& scenario, const std::string& daemon)
{
    TempDir dir;
    const auto lab = dir / "lab";
    namespace bp = boost::process;
    bp::child runner(ROLLSIM_BIN, "run", repo_path(scenario), "--lab-dir", lab.string(), "--quiet",
                     bp::std_out > bp::null, bp::std_err > (dir / "stderr").string());
    const std::string signer = daemon + " " + (lab / "signer-example.com").string() + "/";
    ASSERT_TRUE(wait_for([&] { return !processes_mentioning(signer).empty(); }, std::chrono::seconds(60)))
        << "no process runs as " << signer << "; " << read_file(dir / "stderr");
    ::kill(runner.id(), SIGKILL);
    runner.wait();
    EXPECT_TRUE(wait_for([&] { return processes_mentioning(signer).empty(); }, std::chrono::seconds(10)))
        << "the signer outlived the runner";
    EXPECT_TRUE(wait_for([&] { return processes_mentioning(lab.string() + "/").empty(); }, std::chrono::seconds(10)))
        << "lab processes outlived the runner";
    // What a failure left behind ("PID: command line"), this lab's only, goes now.
    for (const auto& left : processes_mentioning(lab.string() + "/")) ::kill(std::stoi(left), SIGKILL);
}

TEST(LabLifetime, NoBindSignerOutlivesASigkilledRunner)
{
    expect_signer_dies_with_the_runner("scenarios/signers/bind-default-policy-year.yaml", "named -f -4 -n 1 -c");
}

TEST(LabLifetime, NoKnotSignerOutlivesASigkilledRunner)
{
    expect_signer_dies_with_the_runner("scenarios/signers/knot-zsk-ksk-roll.yaml", "knotd -c");
}

// named killed mid-run, by its PID, once the run has reached +10d: a monitor's run at +10d
// (monitors run after the probes of their instant) says so in its work directory and holds the
// run there until the signer is dead, so the runner finds it dead at its next instant, +10d6h.
// The run stops there with exit 3, every report written with the observations made until +10d
// and the death as an event with named's log tail, and no process of the lab left.
TEST(Signers, SignerThatDiesMidRunStopsTheRunAndKeepsWhatWasObserved)
{
    TempDir dir;
    const auto lab = dir / "lab";
    const CliResult r = run_killing_when_held(
        dir.path(),
        "name: signer dies\nstart: 2027-03-01T00:00:00Z\nduration: 30d\nzones:\n"
        "  example.com.:\n    signer: { kind: bind }\n"
        "resolvers:\n  warm: { kind: unbound }\n  cold: { kind: libunbound }\n"
        "probes: { every: 6h, names: [example.com. SOA] }\n"
        "expect:\n  - { otherwise: secure }\n",
        "2027-03-11T00:00:00Z",
        {"--lab-dir", lab.string(), "--report-json", (dir / "r.json").string(), "--report-junit",
         (dir / "r.xml").string(), "--report-markdown", (dir / "r.md").string(), "--report-html",
         (dir / "r.html").string()},
        (lab / "signer-example.com" / "named.conf").string(), 1);

    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_TRUE(contains(r.output, "the signer of example.com. (bind on 127.55.")) << r.output;
    EXPECT_TRUE(processes_mentioning(lab.string()).empty());
    const json report = read_json(dir / "r.json");
    EXPECT_EQ(report["result"], "fail");
    const long stop = 10L * 86400 + 6 * 3600;
    EXPECT_EQ(report["stopped"]["offset_s"], stop) << report["stopped"].dump();
    const json& last = report["events"].back();
    EXPECT_EQ(last["offset_s"], stop);
    EXPECT_EQ(last["source"], "signer");
    EXPECT_EQ(last["text"], "the signer of example.com. (bind) died; the run stops here");
    EXPECT_FALSE(last["log_tail"].get<std::string>().empty());
    // Every probe until +10d, by both validators, secure; none after it.
    for (const char* resolver : {"warm", "cold"}) {
        const auto seen = observations_of(report, resolver, "example.com.", "SOA");
        ASSERT_EQ(seen.size(), 41u) << resolver;
        for (std::size_t i = 0; i < seen.size(); ++i) {
            EXPECT_EQ(seen[i]["offset_s"], static_cast<long>(i) * 6 * 3600) << resolver;
            EXPECT_EQ(seen[i]["validation"], "secure") << resolver << " " << seen[i].dump();
        }
    }
    EXPECT_TRUE(contains(read_file(dir / "r.xml"), "type=\"RunStopped\""));
    EXPECT_TRUE(contains(read_file(dir / "r.md"), "| stopped | stopped at +10d6h of 30d: the signer of example.com."));
    EXPECT_TRUE(contains(read_file(dir / "r.html"), "<b>Stopped</b> stopped at +10d6h of 30d"));
}

// A KSK roll whose DS the registrar changes by hand (timeline ds-add and ds-remove without a
// key): the new KSK's DS at com. from +21d, the old one's gone at +23d, named's checkds seeing
// it and removing the old KSK after that; both validators secure throughout.
TEST(Signers, BindKskRollWithTheDsChangedByHandAtTheRegistrar)
{
    const json report = run_and_report("scenarios/signers/bind-ksk-ds-by-hand.yaml");
    expect_every_expectation_passed(report);
    const auto keys = key_changes_of(report, "example.com.");
    const auto ksks = published_keys(keys, "ksk");
    ASSERT_EQ(ksks.size(), 2u) << report["key_changes"].dump();
    // The KSK named made at the start, and its successor.
    std::vector<json> first, second;
    for (const auto& name : ksks) (keys.at(name).front()["offset_s"] == 0 ? first : second) = keys.at(name);
    ASSERT_FALSE(first.empty());
    ASSERT_FALSE(second.empty());
    // The new KSK: published before the registrar acts, its DS at the parent from +21d exactly.
    EXPECT_LT(second.front()["offset_s"].get<long>(), 21L * 86400);
    EXPECT_EQ(second.front()["ds_at_parent"], false);
    EXPECT_EQ(second.back()["ds_at_parent"], true);
    EXPECT_EQ(second.back()["offset_s"], 21L * 86400);
    // The old KSK: its DS at the parent until +23d exactly; its DNSKEY removed by named once the
    // new DS is at the parent. When exactly depends on when named's checkds counts the new DS,
    // which runs differ on: at +21d3h0m27s, before the old DS goes, or at +23d3h1m15s, after it.
    long ds_gone = -1, removed = -1;
    for (const auto& change : first) {
        if (ds_gone < 0 && change["ds_at_parent"] == false) ds_gone = change["offset_s"].get<long>();
        if (removed < 0 && change["published"] == false) removed = change["offset_s"].get<long>();
    }
    EXPECT_EQ(ds_gone, 23L * 86400) << ::testing::PrintToString(first);
    EXPECT_GT(removed, 21L * 86400) << ::testing::PrintToString(first);
    EXPECT_EQ(events_mentioning(report, "ds-add (example.com.)"), 1u);
    EXPECT_EQ(events_mentioning(report, "ds-remove (example.com.)"), 1u);
    expect_secure_throughout(report);
}

// The operator's policy changed from RSASHA256 to ECDSAP256SHA256 at +5d (signer-policy: named.conf
// rewritten, rndc reconfig): named rolls the algorithm, the parent agent swaps the DS from named's
// CDS, the RSA keys go; both validators secure throughout.
TEST(Signers, BindPolicyChangeToEcdsaRollsTheAlgorithmWithoutFailure)
{
    const json report = run_and_report("scenarios/signers/bind-algorithm-change.yaml");
    expect_every_expectation_passed(report);
    EXPECT_EQ(events_mentioning(report, "signer-policy operator-ecdsa.conf (example.com.)"), 1u);
    const auto keys = key_changes_of(report, "example.com.");
    std::map<int, std::set<std::string>> roles_by_algorithm;
    for (const auto& [name, changes] : keys) {
        const int algorithm = changes.front()["algorithm"].get<int>();
        roles_by_algorithm[algorithm].insert(changes.front()["role"].get<std::string>());
        if (algorithm == 8) {
            // The RSA keys: from the start, gone once the DS has followed.
            EXPECT_EQ(changes.front()["offset_s"], 0) << name;
            EXPECT_EQ(changes.back()["published"], false) << name;
            EXPECT_GT(changes.back()["offset_s"].get<long>(), 5L * 86400) << name;
        } else {
            // The ECDSA keys: made when the new policy came, still there at the end.
            EXPECT_EQ(algorithm, 13) << name;
            EXPECT_EQ(changes.front()["offset_s"], 5L * 86400) << name;
            EXPECT_EQ(changes.back()["published"], true) << name;
        }
    }
    EXPECT_EQ(roles_by_algorithm[8], (std::set<std::string>{"ksk", "zsk"}));
    EXPECT_EQ(roles_by_algorithm[13], (std::set<std::string>{"ksk", "zsk"}));
    expect_each_had_ds(keys, published_keys(keys, "ksk"));
    EXPECT_EQ(accepted_scans(report), 1u);  // the DS swapped from RSA's KSK to ECDSA's in one change
    expect_secure_throughout(report);
}
