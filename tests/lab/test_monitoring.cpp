// Monitoring (docs/monitoring.md): the scenarios of scenarios/monitoring/ through the rollsim
// binary. The reference monitor's figures (metrics.prom in the lab directory) are checked
// against the zone files the lab's NSD servers served, read back from the lab directory, not
// against the scenario; its lead times against the probes' failure windows.
#include "rollsim_cli.hpp"

#include "dnssec/key.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include <unistd.h>

namespace rollsim::test {
namespace {

constexpr long kHour = 3600, kDay = 86400;
// 2027-03-01T00:00:00Z, the scenarios' start.
constexpr long long kStart = 1803859200;

struct LabRun {
    TempDir tmp;
    nlohmann::json report;
    std::filesystem::path lab() const { return tmp / "lab"; }
};

void run(LabRun& r, const std::string& scenario)
{
    const auto json = r.tmp / "report.json";
    const auto out = run_rollsim({"run", repo_path(scenario), "--report-json", json.string(), "--lab-dir",
                                  r.lab().string()});
    ASSERT_EQ(out.status, 0) << out.output;
    r.report = read_json(json);
    expect_every_expectation_passed(r.report);
}

// The records of one type in a zone file NSD served: the zone `name` on its server ns1.
std::vector<std::vector<std::string>> served(const LabRun& r, const std::string& zone_file, const std::string& type)
{
    std::vector<std::vector<std::string>> out;
    for (const auto& dir : std::filesystem::directory_iterator(r.lab())) {
        const auto file = dir.path() / zone_file;
        if (dir.path().filename().string().rfind("nsd-", 0) != 0 || !std::filesystem::exists(file)) continue;
        if (dir.path().filename().string().find("ns1") == std::string::npos) continue;
        std::istringstream in(read_file(file));
        for (std::string line; std::getline(in, line);) {
            std::istringstream words(line);
            std::vector<std::string> w;
            for (std::string x; words >> x;) w.push_back(x);
            if (w.size() > 4 && w[3] == type) out.push_back(w);
        }
        break;
    }
    EXPECT_FALSE(out.empty()) << "no " << type << " in " << zone_file << " under " << r.lab();
    return out;
}

long long rrsig_time(const std::string& text)
{
    std::tm tm{};
    std::istringstream(text) >> std::get_time(&tm, "%Y%m%d%H%M%S");
    return static_cast<long long>(timegm(&tm));
}

struct MetricSample {
    std::string labels;
    double value;
    long offset;  // seconds since the scenario's start
};

// The samples of one metric family in the lab's metrics.prom.
std::vector<MetricSample> samples(const LabRun& r, const std::string& name)
{
    std::vector<MetricSample> out;
    std::istringstream in(read_file(r.lab() / "metrics.prom"));
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(name + "{", 0) != 0) continue;
        const auto close = line.find("} ");
        std::istringstream rest(line.substr(close + 2));
        MetricSample s{line.substr(name.size(), close - name.size() + 1), 0, 0};
        long long ms = 0;
        rest >> s.value >> ms;
        s.offset = static_cast<long>(ms / 1000 - kStart);
        out.push_back(s);
    }
    EXPECT_FALSE(out.empty()) << "no " << name << " in metrics.prom";
    return out;
}

const nlohmann::json& monitor_of(const nlohmann::json& report, const std::string& name)
{
    for (const auto& m : report["monitors"])
        if (m["name"] == name) return m;
    ADD_FAILURE() << "no monitor " << name;
    static const nlohmann::json none = nlohmann::json::object();
    return none;
}

}  // namespace

// The stopped signer: NSD serves the +0 version throughout. Every validity figure is that
// version's earliest RRSIG expiration minus the instant; the first WARNING and CRITICAL are
// the first checks with 3d and 1d or less left; the resolves check alerts only when users fail.
TEST(Monitoring, SignerOutageLeadTimesFromTheServedSignatures)
{
    LabRun r;
    run(r, "scenarios/monitoring/signer-outage-caught-early.yaml");
    long long earliest = 0;
    for (const auto& rr : served(r, "example.com.zone", "RRSIG")) {
        const long long t = rrsig_time(rr[8]);
        earliest = earliest == 0 ? t : std::min(earliest, t);
    }
    const long expires = static_cast<long>(earliest - kStart);
    EXPECT_EQ(expires, 14 * kDay) << "signed at +0 with 14d of validity";
    const auto validity = samples(r, "rollsim_rrsig_validity_seconds");
    EXPECT_EQ(validity.size(), 65u);  // every 6h over 16d, +0 included
    for (const auto& s : validity) EXPECT_EQ(static_cast<long>(s.value), expires - s.offset) << s.labels;

    const long step = 6 * kHour;
    auto first_check_with = [&](long left) { return (expires - left + step - 1) / step * step; };
    const auto& health = monitor_of(r.report, "health");
    ASSERT_EQ(health["leads"].size(), 1u) << health.dump();
    const auto& lead = health["leads"][0];
    EXPECT_EQ(lead["failure_start_s"], r.report["first_failure_s"]);
    EXPECT_EQ(lead["warning_s"], first_check_with(3 * kDay));
    EXPECT_EQ(lead["critical_s"], first_check_with(kDay));
    EXPECT_GE(lead["warning_lead_s"].get<long>(), long{3 * kDay});
    EXPECT_TRUE(health["false_alarms"].empty());

    const auto& resolves = monitor_of(r.report, "resolves");
    const auto& missed = resolves["leads"][0];
    EXPECT_TRUE(missed["warning_lead_s"].is_null() || missed["warning_lead_s"].get<long>() <= 0) << missed.dump();
    for (const auto& c : r.report["monitor_checks"]) {
        if (c["monitor"] != "resolves") continue;
        const bool before = c["offset_s"].get<long>() < lead["failure_start_s"].get<long>();
        EXPECT_EQ(c["status"], before ? "OK" : "CRITICAL") << c.dump();
        if (!before) EXPECT_TRUE(contains(c["line"], "SERVFAIL")) << c.dump();
    }
}

// The garbled DS: at the end, the DS records com.'s server serves for example.com. and how many
// of them match a DNSKEY example.com. serves (computed here from the two zone files) are the
// figures the monitor exported for that instant; CRITICAL from the fault's instant on.
TEST(Monitoring, DsMismatchFiguresFromTheServedZones)
{
    LabRun r;
    run(r, "scenarios/monitoring/ds-mismatch-caught-at-once.yaml");
    std::vector<std::string> dnskeys;
    for (const auto& w : served(r, "example.com.zone", "DNSKEY")) {
        std::string line;
        for (const auto& x : w) line += (line.empty() ? "" : " ") + x;
        dnskeys.push_back(line);
    }
    int ds = 0, matching = 0;
    for (const auto& w : served(r, "com.zone", "DS")) {
        if (w[0] != "example.com.") continue;
        ++ds;
        for (const auto& k : dnskeys) {
            const auto d = dnssec::ds_of_dnskey(k, static_cast<std::uint8_t>(std::stoi(w[6])));
            std::string hex;
            for (auto b : d.digest) hex += fmt::format("{:02X}", b);
            std::string served_digest;
            for (std::size_t i = 7; i < w.size(); ++i) served_digest += w[i];
            if (std::to_string(d.keytag) == w[4] && std::to_string(d.algorithm) == w[5] && hex == served_digest) ++matching;
        }
    }
    EXPECT_EQ(ds, 1);
    EXPECT_EQ(matching, 0) << "the fault garbles the digest";
    for (const auto& [name, want] : {std::pair{"rollsim_ds_records", ds}, {"rollsim_ds_matching", matching}}) {
        const auto all = samples(r, name);
        const long last = std::max_element(all.begin(), all.end(), [](auto& a, auto& b) { return a.offset < b.offset; })->offset;
        for (const auto& s : all)
            if (s.offset == last) EXPECT_EQ(static_cast<int>(s.value), want) << name << s.labels;
        for (const auto& s : all)
            if (s.offset < kDay && std::string(name) == "rollsim_ds_matching") EXPECT_EQ(s.value, 1) << s.labels << s.offset;
    }
    const auto& lead = monitor_of(r.report, "health")["leads"][0];
    EXPECT_EQ(lead["critical_s"], kDay);
    EXPECT_EQ(lead["failure_start_s"], kDay);
    EXPECT_EQ(lead["critical"], "at once");
    for (const auto& c : r.report["monitor_checks"])
        if (c["offset_s"] == kDay)
            EXPECT_TRUE(contains(c["line"], "HEALTH CRITICAL - example.com. DS at ns1.com. matches no DNSKEY: digest (type "
                                            "2) of key "))
                << c.dump();
}

// The ZSK swap: everything served is consistent, the monitor stays OK and misses the failure.
TEST(Monitoring, ZskSwapUnseenByTheZoneSide)
{
    LabRun r;
    run(r, "scenarios/monitoring/zsk-swap-unseen.yaml");
    for (const auto& c : r.report["monitor_checks"]) EXPECT_EQ(c["status"], "OK") << c.dump();
    for (const auto& name : {"rollsim_dnskey_consistent", "rollsim_chain_secure"})
        for (const auto& s : samples(r, name)) EXPECT_EQ(s.value, 1) << name << s.labels << s.offset;
    // The served zone: the new ZSK alone signs, and it is in the DNSKEY set.
    std::set<std::string> signers, tags;
    for (const auto& w : served(r, "example.com.zone", "RRSIG")) signers.insert(w[10]);
    const auto dnskeys = served(r, "example.com.zone", "DNSKEY");
    EXPECT_EQ(dnskeys.size(), 2u);
    for (const auto& w : dnskeys) {
        std::string line;
        for (const auto& x : w) line += (line.empty() ? "" : " ") + x;
        tags.insert(std::to_string(dnssec::ds_of_dnskey(line).keytag));
    }
    for (const auto& tag : signers) EXPECT_TRUE(tags.count(tag)) << "RRSIG by key " << tag << ", not in the DNSKEY set";
    const auto& lead = monitor_of(r.report, "health")["leads"][0];
    EXPECT_EQ(lead["warning"], "missed") << lead.dump();
    EXPECT_FALSE(r.report["failure_windows"].empty());
}

// A scenario of one day in which example.com. stays secure, probed every 6h, with `monitors`
// (the YAML lines under `monitors:`).
std::string one_secure_day(const std::string& name, const std::string& monitors)
{
    return "name: " + name + R"(
start: 2027-03-01T00:00:00Z
duration: 1d
zones:
  example.com.: {}
probes: { every: 6h, names: [www.example.com. A] }
monitors:)" + monitors + R"(expect:
  - { otherwise: secure }
)";
}

// Broken checks: a missing program, a crash and a hang are UNKNOWN with the reason, the run
// goes on to the end and passes, and the hanging command (and its child) is gone afterwards.
TEST(Monitoring, BrokenChecksAreUnknownAndNeverStopTheRun)
{
    TempDir tmp;
    const auto file = tmp / "broken.yaml";
    write_file(file, one_secure_day("broken checks", R"(
  missing: { command: "/nonexistent/check_dnssec -H {server}", every: 12h }
  crash: { command: "kill -SEGV $$", every: 12h }
  hang: { command: "echo still thinking; sleep 987654", every: 12h, timeout: 1s }
)"));
    const auto json = tmp / "report.json";
    const auto out = run_rollsim({"run", file.string(), "--report-json", json.string()});
    ASSERT_EQ(out.status, 0) << out.output;
    const auto report = read_json(json);
    std::map<std::string, int> unknown;
    for (const auto& c : report["monitor_checks"]) {
        EXPECT_EQ(c["status"], "UNKNOWN") << c.dump();
        ++unknown[c["monitor"]];
        if (c["monitor"] == "missing") EXPECT_TRUE(contains(c["line"], "command not found")) << c.dump();
        if (c["monitor"] == "crash") EXPECT_EQ(c["line"], "killed by signal 11") << c.dump();
        if (c["monitor"] == "hang") {
            EXPECT_EQ(c["line"], "no verdict within 1s: still thinking") << c.dump();
            EXPECT_TRUE(contains(c["output"], "still thinking\n/bin/sh did not finish within 1000 ms and was killed"))
                << c.dump();
        }
    }
    for (const auto& name : {"missing", "crash", "hang"}) EXPECT_EQ(unknown[name], 3) << name;  // +0, +12h, +1d
    EXPECT_TRUE(processes_mentioning("sleep 987654").empty());
}

// In the lab too, a check writes only in its own work directory: the lab directory and the
// host's /tmp refuse its writes (it would say CRITICAL otherwise), `date` reads the virtual
// clock, and what it wrote in its own directory is there after the run.
TEST(Monitoring, ChecksWriteOnlyInTheirWorkDirectory)
{
    LabRun r;
    const std::string host_file = "/tmp/rollsim-escape-" + std::to_string(::getpid());
    const auto file = r.tmp / "confined.yaml";
    write_file(file, one_secure_day("confined checks", R"(
  confined:
    every: 1d
    command: |
      if touch ../../outside 2>>refused; then echo "CRITICAL - wrote the lab directory"; exit 2; fi
      if touch )" + host_file + R"sh( 2>>refused; then echo "CRITICAL - wrote the host's /tmp"; exit 2; fi
      echo kept >own || exit 2
      echo "OK - $(date -u +%Y-%m-%dT%H:%M)"
)sh"));
    const auto json = r.tmp / "report.json";
    const auto out = run_rollsim({"run", file.string(), "--report-json", json.string(), "--lab-dir", r.lab().string()});
    ASSERT_EQ(out.status, 0) << out.output;
    const auto report = read_json(json);
    std::vector<std::string> lines;
    for (const auto& c : report["monitor_checks"]) {
        EXPECT_EQ(c["status"], "OK") << c.dump();
        lines.push_back(c["line"]);
    }
    EXPECT_EQ(lines, (std::vector<std::string>{"OK - 2027-03-01T00:00", "OK - 2027-03-02T00:00"}));
    EXPECT_FALSE(std::filesystem::exists(r.lab() / "outside"));
    EXPECT_FALSE(std::filesystem::exists(host_file));
    const auto dir = r.lab() / "monitors" / "confined";
    EXPECT_EQ(read_file(dir / "own"), "kept\n");
    const std::string refused = read_file(dir / "refused");  // two runs, two refusals each
    EXPECT_EQ(std::count(refused.begin(), refused.end(), '\n'), 4) << refused;
    for (const auto& target : {std::string("'../../outside'"), "'" + host_file + "'"})
        EXPECT_TRUE(contains(refused, "cannot touch " + target + ": Read-only file system")) << refused;
}

// A tabletop exercise shows each monitor's status as it changes.
TEST(Monitoring, PlayShowsMonitorStatesAsTheyChange)
{
    TempDir tmp;
    const auto out = run_rollsim_with_input({"play", repo_path("scenarios/monitoring/signer-outage-caught-early.yaml"),
                                             "--transcript", (tmp / "t.md").string()},
                                            "advance 11d\nadvance 2d\nadvance 2d6h\nquit\n");
    ASSERT_EQ(out.status, 0) << out.output;
    for (const std::string line : {"+11d  health     OK -> WARNING  HEALTH WARNING - example.com. RRSIG (SOA) on ns1 "
                                   "expires in 3d",
                                   "+13d  health     WARNING -> CRITICAL  HEALTH CRITICAL - example.com. RRSIG (SOA) on "
                                   "ns1 expires in 1d",
                                   "+15d6h  resolves   OK -> CRITICAL  RESOLVES CRITICAL - example.com. SOA: SERVFAIL"})
        EXPECT_TRUE(contains(out.output, line)) << line << "\n" << out.output;
}

}  // namespace rollsim::test
