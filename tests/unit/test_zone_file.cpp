// The operator's zone file (from:, scenario/zone_file.hpp): what the lab keeps of a signed
// production zone, what it drops, and the problems of each broken file in
// fixtures/zone-files/ (one defect a file, named after it; its "; expect: LINE:COL: message"
// lines at the top are every problem the reader must list, in order).
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "scenario/parse.hpp"
#include "scenario/zone_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>

#ifndef ROLLSIM_FIXTURES
#define ROLLSIM_FIXTURES "/work/main/fixtures"
#endif

namespace fs = std::filesystem;
using namespace rollsim;
using namespace rollsim::scenario;

namespace {

const fs::path kRepo = fs::path(ROLLSIM_FIXTURES).parent_path();

std::string scenario_from(const std::string& zone_file, const std::string& extra = "")
{
    return "name: zone file\nstart: 2027-03-01T00:00:00Z\nzones:\n  example.com.:\n    from: " + zone_file + "\n" +
           extra + "probes: { names: [www.example.com. A] }\n";
}

const ZoneSpec& zone_named(const Scenario& s, const std::string& name)
{
    auto it = std::find_if(s.zones.begin(), s.zones.end(), [&](const ZoneSpec& z) { return z.name == name; });
    if (it == s.zones.end()) throw std::runtime_error("no zone " + name);
    return *it;
}

bool has_record(const ZoneSpec& z, const std::string& record)
{
    return std::find(z.records.begin(), z.records.end(), record) != z.records.end();
}

}  // namespace

TEST(ZoneFile, TheCatalogsOperatorZoneKeepsItsSoaAndNamesAndDropsItsDnssecRecords)
{
    const auto prepared = prepare::load_scenario((kRepo / "scenarios/zone-files/operator-zone.yaml").string());
    const ZoneSpec& z = zone_named(prepared.scenario, "example.com.");
    ASSERT_TRUE(z.soa);
    EXPECT_EQ(z.soa->mname, "ns1.example.com.");
    EXPECT_EQ(z.soa->rname, "dns-admin.example.com.");
    EXPECT_EQ(z.soa->serial, 2027022801u);
    EXPECT_EQ(z.soa->refresh, 7200u);
    EXPECT_EQ(z.soa->retry, 1800u);
    EXPECT_EQ(z.soa->expire, 1209600u);
    EXPECT_EQ(z.ttl.soa, 86400u);
    EXPECT_EQ(z.ttl.negative, 900u);
    EXPECT_EQ(z.ttl.ns, 86400u);
    EXPECT_EQ(z.ttl.dnskey, 3600u);  // the scenario's
    // The NS names in the file's order; the one outside the zone gets the lab's next free name.
    EXPECT_EQ(z.servers, 3);
    EXPECT_EQ(z.server_names,
              (std::vector<std::string>{"ns1.example.com.", "ns2.example.com.", "ns3.example.com."}));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(server_name(z, i), z.server_names[std::size_t(i)]);
    // Kept as written ($TTL and the lines' own TTLs), glue and DNSSEC records gone.
    EXPECT_TRUE(has_record(z, "example.com. 3600 IN A 192.0.2.10"));
    EXPECT_TRUE(has_record(z, "example.com. 3600 IN MX 10 mail.example.com."));
    EXPECT_TRUE(has_record(z, "www.example.com. 300 IN AAAA 2001:db8::10"));
    EXPECT_TRUE(has_record(z, "mail.example.com. 3600 IN A 192.0.2.25"));
    EXPECT_EQ(z.records.size(), 6u);
    for (const auto& r : z.records) {
        EXPECT_EQ(r.find("ns1.example.com. "), std::string::npos) << r;
        for (const char* type : {" RRSIG ", " NSEC ", " DNSKEY ", " CDS ", " SOA ", " NS "})
            EXPECT_EQ(r.find(type), std::string::npos) << r;
    }
}

TEST(ZoneFile, ScenarioTtlsOverrideTheFilesAndRecordsAddToIt)
{
    const fs::path dir = kRepo / "fixtures/scenarios/invalid";
    const auto s = parse_scenario_text(
        scenario_from("two-ns.zone", "    ttl: { negative: 60, SOA: 120 }\n    records: ['extra TXT \"added\"']\n"),
        "t.yaml", dir, kRepo);
    const ZoneSpec& z = zone_named(s, "example.com.");
    EXPECT_EQ(z.ttl.negative, 60u);
    EXPECT_EQ(z.ttl.soa, 120u);
    EXPECT_EQ(z.ttl.ns, 3600u);  // the file's $TTL
    EXPECT_EQ(z.soa->serial, 1u);
    EXPECT_EQ(z.soa->mname, "ns1.example.com.");
    EXPECT_EQ(z.soa->rname, "hostmaster.example.com.");
    EXPECT_TRUE(has_record(z, "extra.example.com. 300 IN TXT \"added\""));
    EXPECT_TRUE(has_record(z, "www.example.com. 3600 IN A 192.0.2.10"));
    EXPECT_EQ(z.servers, 2);
}

TEST(ZoneFile, ADelegationToAZoneOfTheScenarioIsTheLabsAndAnOtherDelegationKeepsItsDs)
{
    const fs::path dir = fs::temp_directory_path() / ("rollsim-zone-file-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    std::ofstream(dir / "op.zone") << "$TTL 600\n@ IN SOA ns1 hostmaster 7 1h 15m 14d 5m\n@ IN NS ns1\n"
                                      "ns1 IN A 198.51.100.1\n"
                                      "sub IN NS ns.sub\nsub IN DS 2371 13 2 1F98\nns.sub IN A 198.51.100.9\n"
                                      "other IN NS ns.other\nother IN DS 2371 13 2 1F98\nns.other IN A 198.51.100.8\n";
    const std::string text = "name: z\nstart: 2027-03-01T00:00:00Z\nzones:\n  example.com.:\n    from: op.zone\n"
                             "  sub.example.com.: {}\nprobes: { names: [www.example.com. A] }\n";
    const auto s = parse_scenario_text(text, "t.yaml", dir, dir);
    fs::remove_all(dir);
    const ZoneSpec& z = zone_named(s, "example.com.");
    EXPECT_EQ(z.soa->refresh, 3600u);
    EXPECT_EQ(z.soa->retry, 900u);
    EXPECT_EQ(z.ttl.negative, 300u);
    for (const auto& r : z.records) EXPECT_EQ(r.find("sub.example.com."), std::string::npos) << r;
    EXPECT_TRUE(has_record(z, "other.example.com. 600 IN NS ns.other.example.com."));
    EXPECT_TRUE(has_record(z, "other.example.com. 600 IN DS 2371 13 2 1F98"));
    EXPECT_TRUE(has_record(z, "ns.other.example.com. 600 IN A 198.51.100.8"));
}

// ---------------------------------------------------------------------------------------------
// fixtures/zone-files/*.zone

namespace {

std::vector<std::string> zone_fixtures()
{
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(fs::path(ROLLSIM_FIXTURES) / "zone-files"))
        if (entry.path().extension() == ".zone") out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string fixture_name(const testing::TestParamInfo<std::string>& info)
{
    std::string name = fs::path(info.param).stem().string();
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

}  // namespace

class BrokenZoneFile : public testing::TestWithParam<std::string> {};

TEST_P(BrokenZoneFile, ListsEveryProblemWithItsLine)
{
    const fs::path path = GetParam();
    std::vector<std::string> expected;
    std::ifstream in(path);
    const std::string prefix = "; expect: ";
    for (std::string line; std::getline(in, line) && line.rfind(prefix, 0) == 0;)
        expected.push_back(line.substr(prefix.size()));
    ASSERT_FALSE(expected.empty()) << "the first line must be '; expect: LINE:COL: message'";
    try {
        parse_scenario_text(scenario_from(path.filename().string()), "t.yaml", path.parent_path(), kRepo);
        FAIL() << "parsed without error; expected " << expected.front();
    } catch (const ZoneFileError& e) {
        std::vector<std::string> got;
        for (const auto& p : e.problems()) {
            EXPECT_EQ(fs::path(p.file()).filename(), path.filename()) << p.what();
            got.push_back(std::to_string(p.line()) + ":" + std::to_string(p.column()) + ": " + p.message());
        }
        EXPECT_EQ(got, expected);
        // what() is every problem, one a line, each naming the file.
        EXPECT_EQ(std::count(e.what(), e.what() + std::string(e.what()).size(), '\n'), long(expected.size()) - 1);
        EXPECT_EQ(e.code(), ExitCode::InvalidScenario);
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BrokenZoneFile, testing::ValuesIn(zone_fixtures()), fixture_name);
