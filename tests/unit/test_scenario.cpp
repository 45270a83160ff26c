// Scenario parsing: the model a valid file produces (defaults included), and the exact error
// each invalid fixture in fixtures/scenarios/invalid/ must produce.
#include "core/error.hpp"
#include "scenario/parse.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#ifndef ROLLSIM_FIXTURES
#define ROLLSIM_FIXTURES "/work/main/fixtures"
#endif

namespace fs = std::filesystem;
using namespace rollsim;
using namespace rollsim::scenario;

namespace {

constexpr long long kDay = 86400;

// A directory under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir()
    {
        std::random_device rd;
        m_path = fs::temp_directory_path() / ("rollsim-scenario-test-" + std::to_string(rd()));
        fs::create_directories(m_path);
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    const fs::path& path() const { return m_path; }
    fs::path write(const fs::path& relative, const std::string& text) const
    {
        fs::path p = m_path / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p;
    }

private:
    fs::path m_path;
};

// The sketch from the design brief, with its template.
const char* kSketch = R"(name: ZSK pre-publication shorter than the DNSKEY TTL
start: 2027-03-01T00:00:00Z          # virtual epoch
zones:
  example.com.:                      # ancestors (com., .) are created and signed for you
    template: zones/example.com.zone
    servers: 2
    ttl: { default: 300, dnskey: 1h, ds: 1h }
    signing: { algorithm: ECDSAP256SHA256, validity: 14d, refresh: 7d, denial: nsec }
    keys:
      ksk:   { role: ksk }
      zsk-a: { role: zsk }
      zsk-b: { role: zsk, publish: +1d }
timeline:
  - { at: +1d10m, do: activate zsk-b }
  - { at: +1d10m, do: retire zsk-a }
  - { at: +2d,    fault: ds-digest-mismatch, zone: example.com. }
probes: { every: 30m, names: [www.example.com. A, example.com. DNSKEY] }
resolvers:
  warm: { kind: unbound }            # keeps its cache across the timeline
  cold: { kind: libunbound }         # a fresh validator at each probe
expect:
  - { query: www.example.com. A, resolver: warm, from: +1d10m, until: +1d1h10m,
      outcome: servfail, ede: 9 }
  - { otherwise: secure }
)";

const char* kTemplate = R"(; a test template
@       A       192.0.2.10
@       MX      10 mail
@       TXT     "v=spf1 -all"
www     A       192.0.2.10
www     AAAA    2001:db8::10
mail    A       192.0.2.25
)";

const char* kMinimal = R"(name: minimal
start: 2027-03-01T00:00:00Z
zones:
  Example.COM: {}
probes: { names: [www.example.com A] }
)";

Scenario parse_in(const TempDir& dir, const std::string& text)
{
    return parse_scenario_text(text, "test.yaml", dir.path());
}

// The error a text produces, as the user would see it; empty when it parses.
std::string error_of(const std::string& text, const fs::path& base = fs::temp_directory_path())
{
    try {
        parse_scenario_text(text, "t.yaml", base);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

std::vector<std::string> zone_names(const Scenario& s)
{
    std::vector<std::string> out;
    for (const auto& z : s.zones) out.push_back(z.name);
    return out;
}

const KeySpec& key(const ZoneSpec& zone, const std::string& name)
{
    for (const auto& k : zone.keys)
        if (k.name == name) return k;
    throw std::runtime_error("no key " + name);
}

}  // namespace

TEST(ScenarioParse, DesignSketch)
{
    TempDir dir;
    dir.write("zones/example.com.zone", kTemplate);
    const Scenario s = parse_in(dir, kSketch);

    EXPECT_EQ(s.file, "test.yaml");
    EXPECT_EQ(s.name, "ZSK pre-publication shorter than the DNSKEY TTL");
    EXPECT_EQ(format_time(s.start), "2027-03-01T00:00:00Z");
    // The last time in the file is the fault at +2d: the default duration runs 2d past it.
    EXPECT_EQ(s.duration, Seconds(4 * kDay));

    ASSERT_EQ(zone_names(s), (std::vector<std::string>{".", "com.", "example.com."}));
    EXPECT_TRUE(s.zones[0].implicit);
    EXPECT_TRUE(s.zones[1].implicit);
    const ZoneSpec& ex = s.zones[2];
    EXPECT_FALSE(ex.implicit);
    EXPECT_EQ(ex.servers, 2);
    EXPECT_EQ(ex.loc.line, 4);
    EXPECT_EQ(ex.loc.column, 3);
    EXPECT_EQ(ex.ttl.default_ttl, 300u);
    EXPECT_EQ(ex.ttl.dnskey, 3600u);
    EXPECT_EQ(ex.ttl.ds, 3600u);
    EXPECT_EQ(ex.ttl.negative, 300u);
    EXPECT_EQ(ex.signing.validity, Seconds(14 * kDay));
    EXPECT_EQ(ex.signing.refresh, Seconds(7 * kDay));
    EXPECT_EQ(ex.signing.inception_offset, Seconds(3600));
    EXPECT_EQ(ex.records, (std::vector<std::string>{
                              "example.com. 300 IN A 192.0.2.10",
                              "example.com. 300 IN MX 10 mail.example.com.",
                              "example.com. 300 IN TXT \"v=spf1 -all\"",
                              "www.example.com. 300 IN A 192.0.2.10",
                              "www.example.com. 300 IN AAAA 2001:db8::10",
                              "mail.example.com. 300 IN A 192.0.2.25",
                          }));

    ASSERT_EQ(ex.keys.size(), 3u);
    const KeySpec& ksk = key(ex, "ksk");
    EXPECT_EQ(ksk.role, KeyRole::Ksk);
    EXPECT_EQ(ksk.algorithm, Algorithm::ECDSAP256SHA256);
    EXPECT_EQ(ksk.publish, Seconds(0));
    EXPECT_EQ(ksk.activate, Seconds(0));
    EXPECT_EQ(ksk.ds_add, Seconds(0));
    EXPECT_FALSE(ksk.retire || ksk.remove || ksk.ds_remove);
    const KeySpec& zsk_a = key(ex, "zsk-a");
    EXPECT_EQ(zsk_a.publish, Seconds(0));
    EXPECT_EQ(zsk_a.activate, Seconds(0));
    EXPECT_FALSE(zsk_a.ds_add);
    const KeySpec& zsk_b = key(ex, "zsk-b");
    EXPECT_EQ(zsk_b.publish, Seconds(kDay));
    EXPECT_FALSE(zsk_b.activate);  // pre-published only: the timeline activates it
    EXPECT_FALSE(zsk_b.ds_add);
    EXPECT_EQ(zsk_b.loc.line, 12);

    for (const ZoneSpec* implicit : {&s.zones[0], &s.zones[1]}) {
        EXPECT_EQ(implicit->servers, 1);
        EXPECT_TRUE(implicit->records.empty());
        ASSERT_EQ(implicit->keys.size(), 2u);
        EXPECT_EQ(implicit->keys[0].name, "ksk");
        EXPECT_EQ(implicit->keys[0].ds_add, Seconds(0));
        EXPECT_EQ(implicit->keys[1].name, "zsk");
        EXPECT_EQ(implicit->keys[1].activate, Seconds(0));
        EXPECT_EQ(implicit->ttl.dnskey, 3600u);
        EXPECT_EQ(implicit->loc.line, 4);  // the zone that needed it
    }

    ASSERT_EQ(s.timeline.size(), 3u);
    EXPECT_EQ(s.timeline[0].at, Seconds(kDay + 600));
    EXPECT_EQ(s.timeline[0].action, ActionKind::Activate);
    EXPECT_EQ(s.timeline[0].zone, "example.com.");
    EXPECT_EQ(s.timeline[0].key, "zsk-b");
    EXPECT_EQ(s.timeline[1].action, ActionKind::Retire);
    EXPECT_EQ(s.timeline[1].key, "zsk-a");
    EXPECT_FALSE(s.timeline[2].action);
    EXPECT_EQ(s.timeline[2].fault, FaultKind::DsDigestMismatch);
    EXPECT_EQ(s.timeline[2].zone, "example.com.");
    EXPECT_TRUE(s.timeline[2].key.empty());
    EXPECT_FALSE(s.timeline[2].until);
    EXPECT_EQ(s.timeline[2].loc.line, 16);

    EXPECT_EQ(s.probes.every, Seconds(1800));
    EXPECT_EQ(s.probes.queries, (std::vector<Query>{{"www.example.com.", "A"}, {"example.com.", "DNSKEY"}}));

    ASSERT_EQ(s.resolvers.size(), 2u);
    EXPECT_EQ(s.resolvers[0].name, "warm");
    EXPECT_EQ(s.resolvers[0].kind, ResolverKind::Unbound);
    EXPECT_EQ(s.resolvers[1].name, "cold");
    EXPECT_EQ(s.resolvers[1].kind, ResolverKind::Libunbound);

    ASSERT_EQ(s.expectations.size(), 2u);
    const Expectation& w = s.expectations[0];
    EXPECT_EQ(w.kind, Expectation::Kind::Window);
    EXPECT_EQ(w.query, (Query{"www.example.com.", "A"}));
    EXPECT_EQ(w.resolver, "warm");
    EXPECT_EQ(w.from, Seconds(kDay + 600));
    EXPECT_EQ(w.until, Seconds(kDay + 4200));
    EXPECT_EQ(w.outcome, Outcome::Servfail);
    EXPECT_EQ(w.ede, 9);
    EXPECT_EQ(w.text, "www.example.com. A on warm from +1d10m until +1d1h10m: servfail (EDE 9)");
    EXPECT_EQ(w.loc.line, 22);
    const Expectation& o = s.expectations[1];
    EXPECT_EQ(o.kind, Expectation::Kind::Otherwise);
    EXPECT_EQ(o.outcome, Outcome::Secure);
    EXPECT_EQ(o.text, "otherwise: secure");
}

TEST(ScenarioParse, DefaultsOfAMinimalScenario)
{
    TempDir dir;
    const Scenario s = parse_in(dir, kMinimal);
    EXPECT_EQ(s.duration, Seconds(2 * kDay));  // nothing timed: 0 + 2d
    ASSERT_EQ(zone_names(s), (std::vector<std::string>{".", "com.", "example.com."}));
    const ZoneSpec& ex = s.zones[2];
    EXPECT_FALSE(ex.implicit);
    EXPECT_EQ(ex.servers, 1);
    EXPECT_TRUE(ex.records.empty());
    EXPECT_EQ(ex.ttl.default_ttl, 300u);
    EXPECT_EQ(ex.ttl.dnskey, 3600u);
    EXPECT_EQ(ex.ttl.ds, 3600u);
    EXPECT_EQ(ex.ttl.soa, 300u);
    EXPECT_EQ(ex.ttl.ns, 3600u);
    EXPECT_EQ(ex.ttl.negative, 300u);
    EXPECT_EQ(ex.signing.validity, Seconds(14 * kDay));
    EXPECT_EQ(ex.signing.refresh, Seconds(7 * kDay));
    EXPECT_EQ(ex.signing.inception_offset, Seconds(3600));
    ASSERT_EQ(ex.keys.size(), 2u);
    EXPECT_EQ(ex.keys[0].name, "ksk");
    EXPECT_EQ(ex.keys[0].role, KeyRole::Ksk);
    EXPECT_EQ(ex.keys[0].ds_add, Seconds(0));
    EXPECT_EQ(ex.keys[1].name, "zsk");
    EXPECT_EQ(ex.keys[1].role, KeyRole::Zsk);
    EXPECT_EQ(ex.keys[1].publish, Seconds(0));
    EXPECT_EQ(ex.keys[1].activate, Seconds(0));
    EXPECT_FALSE(ex.keys[1].ds_add);
    EXPECT_EQ(s.probes.every, Seconds(3600));
    EXPECT_EQ(s.probes.queries, (std::vector<Query>{{"www.example.com.", "A"}}));
    ASSERT_EQ(s.resolvers.size(), 2u);
    EXPECT_EQ(s.resolvers[0].name, "warm");
    EXPECT_EQ(s.resolvers[1].name, "cold");
    EXPECT_TRUE(s.timeline.empty());
    EXPECT_TRUE(s.expectations.empty());
}

TEST(ScenarioParse, KeyTimeDefaults)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: keys
start: 2027-03-01T00:00:00Z
duration: 30d
zones:
  example.com.:
    signing: { algorithm: RSASHA256 }
    keys:
      old-ksk: { role: ksk, ds-remove: +10d, remove: +12d }
      new-ksk: { role: ksk, publish: +1d, activate: +2d, ds: +3d, algorithm: 13 }
      csk:     { role: csk, activate: +1d, bits: 3072 }
      zsk:     { role: zsk, publish: 2027-03-02T00:00:00Z }
probes: { names: [example.com. DNSKEY] }
)");
    const ZoneSpec& ex = *s.find_zone("example.com.");
    const KeySpec& old_ksk = key(ex, "old-ksk");
    EXPECT_EQ(old_ksk.algorithm, Algorithm::RSASHA256);  // the zone's signing algorithm
    EXPECT_EQ(old_ksk.publish, Seconds(0));
    EXPECT_EQ(old_ksk.activate, Seconds(0));
    EXPECT_EQ(old_ksk.ds_add, Seconds(0));
    EXPECT_EQ(old_ksk.ds_remove, Seconds(10 * kDay));
    EXPECT_EQ(old_ksk.remove, Seconds(12 * kDay));
    const KeySpec& new_ksk = key(ex, "new-ksk");
    EXPECT_EQ(new_ksk.algorithm, Algorithm::ECDSAP256SHA256);
    EXPECT_EQ(new_ksk.publish, Seconds(kDay));
    EXPECT_EQ(new_ksk.activate, Seconds(2 * kDay));
    EXPECT_EQ(new_ksk.ds_add, Seconds(3 * kDay));
    const KeySpec& csk = key(ex, "csk");
    EXPECT_EQ(csk.publish, Seconds(0));  // no publish: the zone has it from the start
    EXPECT_EQ(csk.activate, Seconds(kDay));
    EXPECT_EQ(csk.ds_add, Seconds(0));
    EXPECT_EQ(csk.bits, 3072);
    const KeySpec& zsk = key(ex, "zsk");
    EXPECT_EQ(zsk.publish, Seconds(kDay));  // an ISO time is an offset from start
    EXPECT_FALSE(zsk.activate);
    // Implicit ancestors keep the default algorithm.
    EXPECT_EQ(s.find_zone("com.")->keys[0].algorithm, Algorithm::ECDSAP256SHA256);
}

TEST(ScenarioParse, RecordTtlsAndNames)
{
    TempDir dir;
    dir.write("t.zone", R"($TTL 120
; owners are relative to the zone
@ IN A 192.0.2.1
www 60 A 192.0.2.2
    AAAA 2001:db8::2            ; continues the previous owner
txt IN 30 TXT ( "part one"
               "part two" )
$ORIGIN sub.example.com.
host MX 10 @
srv._tcp SRV 0 5 443 host
)");
    const Scenario s = parse_in(dir, R"(name: ttls
start: 2027-03-01T00:00:00Z
zones:
  example.com.:
    template: t.zone
    ttl: { default: 1h, A: 45, mx: 2m }
    records:
      - "*.wild A 192.0.2.9"
      - WWW2.Example.COM. CNAME www
      - other 600 IN TXT "x"
probes: { names: [www.example.com. A] }
)");
    EXPECT_EQ(s.find_zone("example.com.")->ttl.by_type,
              (std::map<std::string, std::uint32_t>{{"A", 45}, {"MX", 120}}));
    EXPECT_EQ(s.find_zone("example.com.")->records,
              (std::vector<std::string>{
                  "example.com. 45 IN A 192.0.2.1",
                  "www.example.com. 60 IN A 192.0.2.2",
                  "www.example.com. 120 IN AAAA 2001:db8::2",
                  "txt.example.com. 30 IN TXT \"part one\" \"part two\"",
                  "host.sub.example.com. 120 IN MX 10 sub.example.com.",
                  "srv._tcp.sub.example.com. 120 IN SRV 0 5 443 host.sub.example.com.",
                  "*.wild.example.com. 45 IN A 192.0.2.9",
                  "www2.example.com. 3600 IN CNAME www.example.com.",
                  "other.example.com. 600 IN TXT \"x\"",
              }));
}

TEST(ScenarioParse, TimelineIsSortedStablyAndKeysAreFoundAcrossZones)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: timeline
start: 2027-03-01T00:00:00Z
zones:
  example.com.: { keys: { k1: { role: ksk }, z1: { role: zsk } } }
  example.net.: { keys: { k2: { role: csk } } }
timeline:
  - { at: +3d, do: remove, key: z1, say: "late" }
  - { at: 2027-03-02T00:00:00Z, do: ds-remove k2 }
  - { at: +1d, do: retire zsk, zone: com. }
  - { at: 86400, do: stop-signer, zone: example.com }
  - { at: +2d, fault: ds-digest-mismatch, zone: example.net., key: k2, until: +2d12h }
probes: { names: [www.example.com. A] }
)");
    ASSERT_EQ(s.timeline.size(), 5u);
    EXPECT_EQ(s.timeline[0].action, ActionKind::DsRemove);
    EXPECT_EQ(s.timeline[0].zone, "example.net.");
    EXPECT_EQ(s.timeline[1].action, ActionKind::Retire);
    EXPECT_EQ(s.timeline[1].zone, "com.");  // an implicit zone, named explicitly
    EXPECT_EQ(s.timeline[2].action, ActionKind::StopSigner);
    EXPECT_EQ(s.timeline[2].zone, "example.com.");
    EXPECT_TRUE(s.timeline[2].key.empty());
    EXPECT_EQ(s.timeline[3].fault, FaultKind::DsDigestMismatch);
    EXPECT_EQ(s.timeline[3].key, "k2");
    EXPECT_EQ(s.timeline[3].until, Seconds(2 * kDay + 12 * 3600));
    EXPECT_EQ(s.timeline[4].action, ActionKind::Remove);
    EXPECT_EQ(s.timeline[4].key, "z1");
    EXPECT_EQ(s.timeline[4].zone, "example.com.");
    EXPECT_EQ(s.timeline[4].say, "late");
    EXPECT_EQ(s.duration, Seconds(5 * kDay));  // +3d + 2d
    ASSERT_EQ(zone_names(s), (std::vector<std::string>{".", "com.", "net.", "example.com.", "example.net."}));
}

TEST(ScenarioParse, ExpectationTexts)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: expect
start: 2027-03-01T00:00:00Z
duration: 3d
zones: { example.com.: {} }
probes: { names: [www.example.com. A] }
resolvers: { a: { kind: unbound }, b: { kind: libunbound } }
expect:
  - { from: +1d, outcome: bogus }
  - { until: +1d, resolver: b, outcome: any }
  - { query: www.example.com. A, outcome: nxdomain }
  - { otherwise: insecure }
)");
    ASSERT_EQ(s.expectations.size(), 4u);
    EXPECT_EQ(s.expectations[0].text, "every query on every resolver from +1d: bogus");
    EXPECT_FALSE(s.expectations[0].until);
    EXPECT_EQ(s.expectations[1].text, "every query on b until +1d: any");
    EXPECT_EQ(s.expectations[2].text, "www.example.com. A on every resolver: nxdomain");
    EXPECT_EQ(s.expectations[3].text, "otherwise: insecure");
    EXPECT_EQ(s.resolvers.size(), 2u);
}

TEST(ScenarioParse, RootZoneCanBeListed)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: root
start: 2027-03-01T00:00:00Z
zones:
  .: { signing: { validity: 10d, refresh: 5d } }
  org: {}
probes: { names: [org. SOA] }
)");
    ASSERT_EQ(zone_names(s), (std::vector<std::string>{".", "org."}));
    EXPECT_FALSE(s.zones[0].implicit);
    EXPECT_EQ(s.zones[0].signing.validity, Seconds(10 * kDay));
}

// Template paths are tried in the scenario's directory, then in each directory above it.
TEST(ScenarioParse, TemplateResolutionWalksUpTheDirectoryTree)
{
    TempDir dir;
    dir.write("zones/t.zone", "www A 192.0.2.1\n");
    const std::string text = R"(name: walk
start: 2027-03-01T00:00:00Z
zones: { example.com.: { template: zones/t.zone } }
probes: { names: [www.example.com. A] }
)";
    fs::path file = dir.write("scenarios/group/deeper/walk.yaml", text);
    Scenario s = parse_scenario(file);
    EXPECT_EQ(s.file, file.string());
    EXPECT_EQ(s.find_zone("example.com.")->records, (std::vector<std::string>{"www.example.com. 300 IN A 192.0.2.1"}));

    // A nearer file of the same relative path wins.
    dir.write("scenarios/group/zones/t.zone", "www A 192.0.2.2\n");
    s = parse_scenario(file);
    EXPECT_EQ(s.find_zone("example.com.")->records, (std::vector<std::string>{"www.example.com. 300 IN A 192.0.2.2"}));

    // parse_scenario_text starts from base_dir.
    s = parse_scenario_text(text, "inline", dir.path() / "scenarios");
    EXPECT_EQ(s.find_zone("example.com.")->records, (std::vector<std::string>{"www.example.com. 300 IN A 192.0.2.1"}));
}

TEST(ScenarioParse, TemplateErrorsNameTheTemplateAndItsLine)
{
    TempDir dir;
    dir.write("zones/bad.zone", "; header\nwww A 192.0.2.1\n@   SOA ns1 hostmaster 1 2 3 4 5\n");
    try {
        parse_in(dir, R"(name: bad template
start: 2027-03-01T00:00:00Z
zones: { example.com.: { template: zones/bad.zone } }
probes: { names: [www.example.com. A] }
)");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        // The path is shown relative to the working directory when it lies below it.
        EXPECT_EQ(fs::absolute(e.file()).lexically_normal(), dir.path() / "zones/bad.zone");
        EXPECT_EQ(e.line(), 3);
        EXPECT_EQ(e.column(), 5);
        EXPECT_EQ(e.message(), "the lab generates SOA records; remove this line");
    }

    dir.write("zones/paren.zone", "www A 192.0.2.1\ntxt TXT ( \"a\"\n");
    try {
        parse_in(dir, R"(name: bad template
start: 2027-03-01T00:00:00Z
zones: { example.com.: { template: zones/paren.zone } }
probes: { names: [www.example.com. A] }
)");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(fs::absolute(e.file()).lexically_normal(), dir.path() / "zones/paren.zone");
        EXPECT_EQ(e.line(), 2);
        EXPECT_EQ(e.column(), 0);
        EXPECT_EQ(e.message(), "unbalanced '(' opened on this line; add the closing ')'");
    }
}

TEST(ScenarioParse, MissingFileIsAScenarioError)
{
    try {
        parse_scenario("/nonexistent/scenario.yaml");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.code(), ExitCode::InvalidScenario);
        EXPECT_EQ(e.file(), "/nonexistent/scenario.yaml");
        EXPECT_EQ(std::string(e.what()), "/nonexistent/scenario.yaml: no such scenario file; check the path");
    }
}

TEST(ScenarioParse, MoreErrors)
{
    const std::string head = "name: x\nstart: 2027-03-01T00:00:00Z\n";
    const std::string probes = "probes: { names: [www.example.com. A] }\n";
    EXPECT_EQ(error_of(""), "t.yaml: the file holds no scenario (a scenario needs name, start, zones and probes)");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { records: [\"ns1 A 192.0.2.1\"] } }\n" + probes),
              "t.yaml:3:37: ns1.example.com. is the name of one of the lab's servers for example.com. (servers: 1); "
              "use another name");
    EXPECT_EQ(
        error_of(head + "zones:\n  example.com.: { records: [\"www.sub A 192.0.2.1\"] }\n  sub.example.com.: {}\n" +
                 probes),
        "t.yaml:4:30: www.sub.example.com. is inside zone sub.example.com., which this scenario also has; put "
        "the record in that zone");
    EXPECT_EQ(error_of(head + "zones: { example.com.: {} }\n" + probes +
                       "timeline:\n  - { at: +1d, do: activate zsk, until: +2d }\n"),
              "t.yaml:6:34: until: applies only to faults; remove it");
    EXPECT_EQ(error_of(head + "zones: { example.com.: {} }\n" + probes + "timeline:\n  - { at: +1d, say: hello }\n"),
              "t.yaml:6:5: an event needs do: (an action such as 'activate zsk-b') or fault: (such as "
              "ds-digest-mismatch)");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { signing: { denial: nsec3 } } }\n" + probes),
              "t.yaml:3:45: denial nsec3 is not supported yet; use nsec");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { keys: { k: { role: zsk, algorithm: 13, bits: 2048 } } } }\n" +
                       probes),
              "t.yaml:3:65: bits applies only to RSA keys; key 'k' uses ECDSAP256SHA256; remove bits");
    EXPECT_EQ(
        error_of(head + "zones: { example.com.: {} }\n" + probes + "expect:\n  - { otherwise: any, from: +1d }\n"),
        "t.yaml:6:23: 'otherwise' stands alone; move 'from' to an expectation of its own");
    EXPECT_EQ(error_of(head + "zones: { example.com.: {} }\n" + probes + "expect:\n  - { outcome: secure, ede: 9 }\n"),
              "t.yaml:6:24: ede applies only to servfail and bogus outcomes (resolvers attach EDE to SERVFAIL); "
              "remove ede or change the outcome");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { ttl: { RRSIG: 60 } } }\n" + probes),
              "t.yaml:3:33: RRSIG TTLs follow the RRset they cover; remove this field");
}

// Every scenario in the catalog parses.
TEST(ScenarioParse, CatalogScenariosParse)
{
    const fs::path root = fs::path(ROLLSIM_FIXTURES).parent_path() / "scenarios";
    if (!fs::is_directory(root)) GTEST_SKIP() << "no catalog at " << root;
    int count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".yaml") continue;
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW(parse_scenario(entry.path()));
        ++count;
    }
    EXPECT_GT(count, 0);
}

// ---------------------------------------------------------------------------------------------
// fixtures/scenarios/invalid/*.yaml: the first line is "# expect: LINE:COL: message".

namespace {

std::vector<std::string> invalid_fixtures()
{
    std::vector<std::string> out;
    const fs::path dir = fs::path(ROLLSIM_FIXTURES) / "scenarios" / "invalid";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.path().extension() == ".yaml") out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string fixture_test_name(const testing::TestParamInfo<std::string>& info)
{
    std::string name = fs::path(info.param).stem().string();
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

}  // namespace

class InvalidScenario : public testing::TestWithParam<std::string> {};

TEST_P(InvalidScenario, FailsWithTheExpectedMessage)
{
    const std::string path = GetParam();
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    const std::string prefix = "# expect: ";
    ASSERT_EQ(first.rfind(prefix, 0), 0u) << "the first line must be '# expect: LINE:COL: message'";
    const std::string expected = path + ":" + first.substr(prefix.size());
    try {
        parse_scenario(path);
        FAIL() << "parsed without error; expected " << expected;
    } catch (const ScenarioError& e) {
        EXPECT_EQ(std::string(e.what()), expected);
        EXPECT_EQ(e.code(), ExitCode::InvalidScenario);
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InvalidScenario, testing::ValuesIn(invalid_fixtures()), fixture_test_name);

TEST(InvalidScenarioFixtures, AtLeastTwentyExist) { EXPECT_GE(invalid_fixtures().size(), 20u); }
