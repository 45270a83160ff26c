// Scenario parsing: the model a valid file produces (defaults included), and the exact error
// each invalid fixture in fixtures/scenarios/invalid/ must produce.
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "scenario/names.hpp"
#include "scenario/parse.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#ifndef ROLLSIM_FIXTURES
#define ROLLSIM_FIXTURES "/work/main/fixtures"
#endif
#ifndef ROLLSIM_SOURCE_DIR
#define ROLLSIM_SOURCE_DIR ROLLSIM_FIXTURES "/.."
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

// As rollsim loads a scenario: parsed, then prepared (prepare/prepared.hpp).
Scenario parse_in(const TempDir& dir, const std::string& text)
{
    return prepare::prepare_scenario_text(text, "test.yaml", dir.path()).scenario;
}

// The error a text produces, as the user would see it; empty when it parses.
std::string error_of(const std::string& text, const fs::path& base = fs::temp_directory_path())
{
    try {
        prepare::prepare_scenario_text(text, "t.yaml", base);
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

// `id:` names an expectation of any kind; reports use it instead of the text.
TEST(ScenarioParse, ExpectationIdsAreKept)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: ids
start: 2027-03-01T00:00:00Z
zones: { example.com.: {} }
probes: { names: [www.example.com. A] }
resolvers: { warm: { kind: unbound } }
expect:
  - { query: www.example.com. A, resolver: warm, outcome: secure, id: www-secure }
  - { no-failures: true }
  - { otherwise: secure, id: the-rest }
)");
    ASSERT_EQ(s.expectations.size(), 3u);
    EXPECT_EQ(s.expectations[0].id, "www-secure");
    EXPECT_EQ(s.expectations[1].id, "");
    EXPECT_EQ(s.expectations[2].id, "the-rest");
    EXPECT_EQ(s.expectations[2].kind, Expectation::Kind::Otherwise);
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

// Template paths are tried in the scenario's directory, then in each directory above it up to
// the template root: by default the scenario's repository (the directory holding .git).
TEST(ScenarioParse, TemplateResolutionWalksUpTheDirectoryTree)
{
    TempDir dir;
    fs::create_directories(dir.path() / ".git");
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

const char* kWithTemplate = R"(name: t
start: 2027-03-01T00:00:00Z
zones: { example.com.: { template: TEMPLATE } }
probes: { names: [www.example.com. A] }
)";

std::string with_template(const std::string& path)
{
    std::string text = kWithTemplate;
    return text.replace(text.find("TEMPLATE"), 8, path);
}

// A scenario from an untrusted source cannot read files outside its repository, nor have an
// error quote them.
TEST(ScenarioParse, TemplatesAreReadOnlyBelowTheTemplateRoot)
{
    TempDir dir;
    fs::create_directories(dir.path() / "repo/.git");
    dir.write("repo/.git/config", "leaked:credential A 192.0.2.1\n");
    dir.write("outside/secret.zone", "root:leaked A 192.0.2.1\n");
    dir.write("repo/zones/ok.zone", "www A 192.0.2.1\n");
    fs::create_symlink(dir.path() / "outside/secret.zone", dir.path() / "repo/zones/link.zone");
    const fs::path file = dir.write("repo/scenarios/s.yaml", "");
    auto error_for = [&](const std::string& path, const fs::path& root = {}) {
        std::ofstream(file) << with_template(path);
        try {
            parse_scenario(file, root);
        } catch (const ScenarioError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    const std::string outside = "is outside the template root";
    EXPECT_NE(error_for("zones/link.zone").find(outside), std::string::npos);
    EXPECT_NE(error_for("../../outside/secret.zone").find(outside), std::string::npos);
    EXPECT_NE(error_for((dir.path() / "outside/secret.zone").string()).find(outside), std::string::npos);
    EXPECT_NE(error_for(".git/config").find(outside), std::string::npos);
    for (const auto& path : {"zones/link.zone", "../../outside/secret.zone", ".git/config"})
        EXPECT_EQ(error_for(path).find("leaked"), std::string::npos) << error_for(path);
    EXPECT_EQ(error_for("zones/ok.zone"), "");

    // A root given on the command line widens (or narrows) what is readable.
    EXPECT_NE(error_for("zones/link.zone", dir.path()).find("bad owner name 'root:leaked'"), std::string::npos);
    EXPECT_NE(error_for("zones/ok.zone", dir.path() / "repo/scenarios").find("not found"), std::string::npos);

    // Outside a repository, the root is the scenario's own directory.
    TempDir bare;
    bare.write("zones/t.zone", "www A 192.0.2.1\n");
    const fs::path deep = bare.write("scenarios/s.yaml", with_template("zones/t.zone"));
    EXPECT_THROW(parse_scenario(deep), ScenarioError);
    EXPECT_NO_THROW(parse_scenario(deep, bare.path()));
}

// Control bytes a scenario carries into an error message are written as \xNN.
TEST(ScenarioParse, ErrorsEscapeControlBytes)
{
    const std::string e = error_of("name: t\nstart: 2027-03-01T00:00:00Z\nzones: { \"exa\\e[2Jmple.com.\": {} }\n"
                                   "probes: { names: [www.example.com. A] }\n");
    EXPECT_NE(e.find("\\x1b[2J"), std::string::npos) << e;
    EXPECT_EQ(e.find('\x1b'), std::string::npos);
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
    EXPECT_EQ(error_of(head + "zones: { example.com.: { signing: { denial: nsec4 } } }\n" + probes),
              "t.yaml:3:45: unknown denial method 'nsec4' (did you mean 'nsec'?)");
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

TEST(ScenarioParse, Nsec3AndKeyServers)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: nsec3
start: 2027-03-01T00:00:00Z
zones:
  example.com.:
    servers: 3
    signing: { denial: NSEC3, nsec3: { iterations: 10, salt: AABBccdd } }
    keys:
      ksk: { role: ksk }
      zsk-a: { role: zsk, servers: [ns1, NS3] }
      zsk-b: { role: zsk, servers: [ns2] }
  example.net.: { signing: { denial: nsec3, nsec3: { salt: "-" } } }
  example.org.: { signing: { denial: nsec3 } }
probes: { names: [www.example.com. A] }
)");
    const ZoneSpec& com = *s.find_zone("example.com.");
    EXPECT_EQ(com.signing.denial, Denial::Nsec3);
    EXPECT_EQ(com.signing.nsec3_iterations, 10);
    EXPECT_EQ(com.signing.nsec3_salt, "aabbccdd");
    EXPECT_TRUE(key(com, "ksk").servers.empty());  // every server
    EXPECT_EQ(key(com, "zsk-a").servers, (std::vector<std::string>{"ns1", "ns3"}));
    EXPECT_EQ(key(com, "zsk-b").servers, (std::vector<std::string>{"ns2"}));
    const ZoneSpec& net = *s.find_zone("example.net.");
    EXPECT_EQ(net.signing.denial, Denial::Nsec3);
    EXPECT_EQ(net.signing.nsec3_salt, "");
    const ZoneSpec& org = *s.find_zone("example.org.");  // RFC 9276 defaults
    EXPECT_EQ(org.signing.nsec3_iterations, 0);
    EXPECT_EQ(org.signing.nsec3_salt, "");
    EXPECT_EQ(s.find_zone("com.")->signing.denial, Denial::Nsec);
}

namespace {

// A scenario with one fault event; `params` are extra fields of the event.
std::string fault_scenario(const std::string& fault, const std::string& params, const std::string& zone_settings = "")
{
    return "name: f\nstart: 2027-03-01T00:00:00Z\nzones:\n  example.com.: {" + zone_settings +
           "}\nprobes: { names: [www.example.com. A] }\ntimeline:\n  - { at: +1d, fault: " + fault +
           ", zone: example.com." + (params.empty() ? "" : ", " + params) + " }\n";
}

}  // namespace

// Every fault of the catalog parses with its required parameters, and gets its defaults.
TEST(ScenarioParse, EveryFaultParsesWithDefaults)
{
    const Vocabulary& v = vocabulary();
    ASSERT_EQ(v.faults.size(), 28u);
    std::set<FaultKind> kinds;
    for (const auto& name : v.faults) {
        SCOPED_TRACE(name);
        std::string params;
        for (const auto& p : v.fault_required.at(name)) {
            if (p == "key") params += std::string(params.empty() ? "" : ", ") + "key: zsk";
            if (p == "name") params += std::string(params.empty() ? "" : ", ") + "name: nothere.example.com.";
            if (p == "validity") params += std::string(params.empty() ? "" : ", ") + "validity: 3d";
        }
        const bool nsec3 = name.rfind("nsec3", 0) == 0;
        TempDir dir;
        const Scenario s = parse_in(dir, fault_scenario(name, params, nsec3 ? " signing: { denial: nsec3 } " : ""));
        ASSERT_EQ(s.timeline.size(), 1u);
        const Event& ev = s.timeline[0];
        ASSERT_TRUE(ev.fault);
        EXPECT_FALSE(ev.action);
        kinds.insert(*ev.fault);
        EXPECT_EQ(ev.zone, "example.com.");
        const auto& takes = v.fault_parameters.at(name);
        auto has = [&](const char* p) { return std::find(takes.begin(), takes.end(), p) != takes.end(); };
        EXPECT_EQ(ev.server, has("server") ? "ns1" : "");  // one server: defaults to ns1
        EXPECT_EQ(ev.type, has("type") ? "A" : "");
        EXPECT_EQ(ev.offset, has("offset") ? std::optional<Seconds>(2 * kDay) : std::nullopt);
        EXPECT_EQ(ev.iterations, has("iterations") ? std::optional<int>(200) : std::nullopt);
        EXPECT_EQ(ev.algorithm, has("algorithm") ? std::optional<int>(253) : std::nullopt);
        EXPECT_FALSE(ev.until);
    }
    EXPECT_EQ(kinds.size(), 28u);  // every name maps to its own kind

    // The kebab-case names map to the catalog's kinds.
    TempDir dir;
    auto kind_of = [&](const std::string& name, const std::string& params = "", const std::string& zone = "") {
        return parse_in(dir, fault_scenario(name, params, zone)).timeline.at(0).fault;
    };
    EXPECT_EQ(kind_of("ds-unsupported-digest"), FaultKind::DsUnsupportedDigest);
    EXPECT_EQ(kind_of("not-yet-valid-rrsig"), FaultKind::NotYetValidRrsig);
    EXPECT_EQ(kind_of("nsec3param-mismatch", "", "signing: { denial: nsec3 }"), FaultKind::Nsec3paramMismatch);
    EXPECT_EQ(kind_of("multi-signer-missing-zsk", "key: zsk"), FaultKind::MultiSignerMissingZsk);
    EXPECT_EQ(kind_of("Server-Down"), FaultKind::ServerDown);
}

TEST(ScenarioParse, FaultParameters)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: faults
start: 2027-03-01T00:00:00Z
duration: 5d
zones:
  example.com.:
    servers: 2
    signing: { validity: 10d, refresh: 4d, denial: nsec3 }
    keys: { ksk: { role: ksk }, zsk-1: { role: zsk, servers: [ns1] }, zsk-2: { role: zsk, servers: [ns2] } }
  sub.example.com.: {}
probes: { names: [www.example.com. A] }
timeline:
  - { at: +1d, fault: ds-wrong-algorithm, zone: example.com., key: ksk, until: +2d }
  - { at: +1d, fault: expired-rrsig, zone: example.com., offset: 6h }
  - { at: +1d, fault: corrupted-signature, zone: example.com., type: dnskey }
  - { at: +1d, fault: short-validity, zone: example.com., validity: 3d23h }
  - { at: +1d, fault: revoked-key, zone: example.com., key: ksk }
  - { at: +1d, fault: unsupported-algorithm, zone: example.com., algorithm: 0 }
  - { at: +1d, fault: nsec-missing, zone: example.com., name: Nothere.Example.COM }
  - { at: +1d, fault: nsec-missing, zone: sub.example.com., name: sub.example.com. }
  - { at: +1d, fault: nsec3-iterations, zone: example.com., iterations: 2500 }
  - { at: +1d, fault: lagging-secondary, zone: example.com., server: NS2 }
  - { at: +1d, fault: multi-signer-missing-zsk, zone: example.com., server: ns1, key: zsk-2 }
  - { at: +1d, fault: server-down, zone: sub.example.com., until: 2027-03-03T00:00:00Z }
  - { at: +1d, fault: signer-outage, zone: sub.example.com., until: +1d12h }
)");
    ASSERT_EQ(s.timeline.size(), 13u);
    const auto& t = s.timeline;
    EXPECT_EQ(t[0].fault, FaultKind::DsWrongAlgorithm);
    EXPECT_EQ(t[0].key, "ksk");
    EXPECT_EQ(t[0].until, Seconds(2 * kDay));
    EXPECT_EQ(t[1].offset, Seconds(6 * 3600));
    EXPECT_EQ(t[2].type, "DNSKEY");
    EXPECT_EQ(t[3].validity, Seconds(3 * kDay + 23 * 3600));
    EXPECT_EQ(t[4].key, "ksk");
    EXPECT_EQ(t[5].algorithm, 0);
    EXPECT_EQ(t[6].name, "nothere.example.com.");
    EXPECT_EQ(t[7].name, "sub.example.com.");
    EXPECT_EQ(t[7].zone, "sub.example.com.");
    EXPECT_EQ(t[8].iterations, 2500);
    EXPECT_EQ(t[9].server, "ns2");
    EXPECT_EQ(t[10].server, "ns1");
    EXPECT_EQ(t[10].key, "zsk-2");
    EXPECT_EQ(t[11].server, "ns1");  // sub.example.com. has one server
    EXPECT_EQ(t[11].until, Seconds(2 * kDay));
    EXPECT_EQ(t[12].fault, FaultKind::SignerOutage);
    EXPECT_EQ(t[12].until, Seconds(kDay + 12 * 3600));
    for (const auto& ev : t) EXPECT_TRUE(ev.say.empty());
}

// rrsig-missing and corrupted-signature narrowed to one key or to the keys of one algorithm,
// here during an algorithm rollover RSASHA256 -> ECDSAP256SHA256.
const std::string kAlgorithmRollZone = R"(name: f
start: 2027-03-01T00:00:00Z
duration: 4d
zones:
  example.com.:
    signing: { algorithm: RSASHA256 }
    keys:
      ksk: { role: ksk }
      zsk: { role: zsk, retire: +3d, remove: +3d }
      zsk-ec: { role: zsk, algorithm: ECDSAP256SHA256, publish: +1d, activate: +1d }
probes: { names: [www.example.com. A] }
timeline:
)";

TEST(ScenarioParse, ScopedSignatureFaults)
{
    TempDir dir;
    const Scenario s = parse_in(dir, kAlgorithmRollZone + R"(
  - { at: +1d, fault: rrsig-missing, zone: example.com., key-algorithm: ECDSAP256SHA256 }
  - { at: +1d, fault: corrupted-signature, zone: example.com., type: mx, key: zsk-ec }
  - { at: +1d, fault: rrsig-missing, zone: example.com., type: DNSKEY, key: ksk }
  - { at: +1d, fault: corrupted-signature, zone: example.com., key-algorithm: 8, until: +2d }
  - { at: +1d, fault: rrsig-missing, zone: example.com. }
)");
    ASSERT_EQ(s.timeline.size(), 5u);
    const auto& t = s.timeline;
    EXPECT_EQ(t[0].type, "A");
    EXPECT_EQ(t[0].key_algorithm, Algorithm::ECDSAP256SHA256);
    EXPECT_TRUE(t[0].key.empty());
    EXPECT_EQ(t[1].type, "MX");
    EXPECT_EQ(t[1].key, "zsk-ec");
    EXPECT_EQ(t[1].key_algorithm, std::nullopt);
    EXPECT_EQ(t[2].key, "ksk");
    EXPECT_EQ(t[3].key_algorithm, Algorithm::RSASHA256);
    EXPECT_EQ(t[4].key_algorithm, std::nullopt);
    EXPECT_TRUE(t[4].key.empty());
}

TEST(ScenarioParse, ScopedSignatureFaultErrors)
{
    const auto err = [](const std::string& event) { return error_of(kAlgorithmRollZone + "  - " + event + "\n"); };
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-missing, zone: example.com., key-algorithm: ECDSAP256SHA265 }"),
              "t.yaml:13:73: unknown algorithm 'ECDSAP256SHA265' (did you mean 'ECDSAP256SHA256'?)");
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-missing, zone: example.com., key: zsk, key-algorithm: RSASHA256 }"),
              "t.yaml:13:68: key-algorithm: narrows the fault to the keys of one algorithm, key: to one key ('zsk', "
              "which has one algorithm); keep one of them");
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-missing, zone: example.com., key: zsk2 }"),
              "t.yaml:13:63: zone example.com. has no key 'zsk2' (did you mean 'zsk'?)");
    EXPECT_EQ(err("{ at: +1d, fault: expired-rrsig, zone: example.com., key: zsk }"),
              "t.yaml:13:58: fault expired-rrsig does not take key (key applies to ds-digest-mismatch, "
              "ds-unknown-keytag, ds-wrong-algorithm, ds-unsupported-digest, ds-missing, rrsig-missing, "
              "corrupted-signature, dnskey-removed, revoked-key and multi-signer-missing-zsk); remove it");
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-unknown-key, zone: example.com., key-algorithm: RSASHA256 }"),
              "t.yaml:13:62: fault rrsig-unknown-key does not take key-algorithm (key-algorithm applies to "
              "rrsig-missing and corrupted-signature); remove it");
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-missing, zone: example.com., algorithm: 13 }"),
              "t.yaml:13:58: fault rrsig-missing does not take algorithm (the number unsupported-algorithm relabels "
              "to); write key-algorithm: to narrow it to the RRSIGs of one algorithm");
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-missing, zone: example.com., key: ksk }"),
              "t.yaml:13:63: fault rrsig-missing with key 'ksk': a ksk signs only the DNSKEY, CDS and CDNSKEY "
              "RRsets, not A; give a zsk or csk of example.com., or type: DNSKEY");
    EXPECT_EQ(err("{ at: +1d, fault: corrupted-signature, zone: example.com., type: DNSKEY, key: zsk }"),
              "t.yaml:13:83: fault corrupted-signature with key 'zsk': a zsk does not sign the DNSKEY RRset; give a "
              "ksk or csk of example.com.");
    // What signs while the fault lasts: the ECDSA zsk from +1d, the RSA one until +3d.
    EXPECT_EQ(err("{ at: +1h, fault: rrsig-missing, zone: example.com., key-algorithm: ECDSAP256SHA256, until: +1d }"),
              "t.yaml:13:5: fault rrsig-missing: no key of example.com. with algorithm ECDSAP256SHA256 signs A RRsets "
              "from +1h to +1d, so the fault has no RRSIG to break; narrow it to a key that signs then, or move it");
    EXPECT_EQ(err("{ at: +3d, fault: corrupted-signature, zone: example.com., type: MX, key: zsk }"),
              "t.yaml:13:5: fault corrupted-signature: key 'zsk' of example.com. signs no MX RRsets from +3d to +4d, "
              "so the fault has no RRSIG to break; narrow it to a key that signs then, or move it");
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-missing, zone: example.com., key-algorithm: ED25519 }"),
              "t.yaml:13:5: fault rrsig-missing: no key of example.com. with algorithm ED25519 signs A RRsets from "
              "+1d to +4d, so the fault has no RRSIG to break; narrow it to a key that signs then, or move it");
    EXPECT_EQ(err("{ at: +1d, fault: rrsig-missing, zone: example.com., key-algorithm: ECDSAP256SHA256 }"), "");
}

TEST(ScenarioParse, FaultErrors)
{
    auto err = [](const std::string& fault, const std::string& params, const std::string& zone = "") {
        return error_of(fault_scenario(fault, params, zone));
    };
    // Column 23 is the fault's name.
    EXPECT_EQ(err("ds-digest-mismatch", "key: zsk"),
              "t.yaml:7:68: fault ds-digest-mismatch applies to a ksk or csk; key 'zsk' in example.com. is a zsk");
    EXPECT_EQ(err("stale-ds", "key: ksk"),
              "t.yaml:7:53: fault stale-ds does not take key (key applies to ds-digest-mismatch, ds-unknown-keytag, "
              "ds-wrong-algorithm, ds-unsupported-digest, ds-missing, rrsig-missing, corrupted-signature, "
              "dnskey-removed, revoked-key and multi-signer-missing-zsk); remove it");
    EXPECT_EQ(err("dnskey-removed", ""), "t.yaml:7:23: fault dnskey-removed needs key: (the key whose DNSKEY is removed)");
    EXPECT_EQ(err("dnskey-removed", "key: zsk2"), "t.yaml:7:64: zone example.com. has no key 'zsk2' (did you mean 'zsk'?)");
    EXPECT_EQ(err("multi-signer-missing-zsk", ""),
              "t.yaml:7:23: fault multi-signer-missing-zsk needs key: (the ZSK missing from the server's DNSKEY set)");
    EXPECT_EQ(err("nsec-missing", ""),
              "t.yaml:7:23: fault nsec-missing needs name: (the name whose covering NSEC or NSEC3 record is removed, "
              "e.g. 'name: nothere.example.com.')");
    EXPECT_EQ(err("nsec-missing", "name: a..example.com."),
              "t.yaml:7:63: bad name 'a..example.com.': it has an empty label (two dots in a row, or a leading dot)");
    EXPECT_EQ(err("expired-rrsig", "offset: 0"), "t.yaml:7:66: offset must be longer than 0s");
    EXPECT_EQ(err("expired-rrsig", "offset: 2x"),
              "t.yaml:7:66: bad duration '2x' for offset (write seconds or a number with units s, m, h, d, w, e.g. "
              "300, 10m, 1h30m, 2w; at most 100 years)");
    EXPECT_EQ(err("rrsig-missing", "type: rrsig"),
              "t.yaml:7:64: RRSIG records are not signed themselves; name the type whose signatures the fault breaks, "
              "e.g. A");
    EXPECT_EQ(err("unsupported-algorithm", "algorithm: 256"),
              "t.yaml:7:77: algorithm must be a whole number from 0 to 255, not '256'");
    EXPECT_EQ(err("nsec3param-mismatch", ""),
              "t.yaml:7:23: fault nsec3param-mismatch needs NSEC3, but zone example.com. uses NSEC (set "
              "signing.denial: nsec3 in zone example.com.)");
    EXPECT_EQ(err("server-down", "server: ns2"),
              "t.yaml:7:64: zone example.com. has no server ns2 (it has 1: ns1); raise the zone's servers: to 2 or name "
              "one it has");
    EXPECT_EQ(err("server-down", "server: web1"), "t.yaml:7:64: zone example.com. has no server 'web1' (its servers "
                                                  "are ns1)");
    EXPECT_EQ(err("signer-outage", "until: +1d"), "t.yaml:7:65: until (+1d) must be after at (+1d)");
    EXPECT_EQ(err("signer-outage", "iterations: 3"),
              "t.yaml:7:58: fault signer-outage does not take iterations (iterations applies to nsec3-iterations); "
              "remove it");
    // A fault on an implicit zone: the hint says to list it.
    EXPECT_EQ(error_of("name: f\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {} }\n"
                       "probes: { names: [www.example.com. A] }\n"
                       "timeline: [{ at: +1d, fault: nsec3-iterations, zone: com. }]\n"),
              "t.yaml:5:30: fault nsec3-iterations needs NSEC3, but zone com. uses NSEC (set signing.denial: nsec3, "
              "listing com. under zones:)");
    // nsec-missing names a name of the zone itself, not one of a child zone of the scenario.
    EXPECT_EQ(error_of("name: f\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {}, sub.example.com.: {} }\n"
                       "probes: { names: [www.example.com. A] }\n"
                       "timeline: [{ at: +1d, fault: nsec-missing, zone: example.com., name: x.sub.example.com. }]\n"),
              "t.yaml:5:70: name x.sub.example.com. is inside zone sub.example.com., which this scenario also has; "
              "give zone: sub.example.com. to break that zone's denial");
    // Actions take none of the fault parameters but key.
    EXPECT_EQ(error_of("name: f\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {} }\n"
                       "probes: { names: [www.example.com. A] }\n"
                       "timeline: [{ at: +1d, do: retire zsk, offset: 1h }]\n"),
              "t.yaml:5:39: offset: applies only to faults (expired-rrsig and not-yet-valid-rrsig); remove it");
}

TEST(ScenarioParse, SigningAndKeyServerErrors)
{
    const std::string head = "name: x\nstart: 2027-03-01T00:00:00Z\n";
    const std::string probes = "probes: { names: [www.example.com. A] }\n";
    EXPECT_EQ(error_of(head + "zones: { example.com.: { signing: { denial: nsec3, nsec3: { salt: \"xyz1\" } } } }\n" +
                       probes),
              "t.yaml:3:67: bad salt 'xyz1': write an even number of hex digits (at most 510, i.e. 255 octets) such "
              "as 'AABBCCDD', or \"-\" for no salt");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { signing: { denial: nsec3, nsec3: { salt: } } } }\n" + probes),
              "t.yaml:3:61: salt has no value; write hex digits such as 'AABBCCDD', or \"-\" for no salt");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { signing: { denial: nsec3, nsec3: { iteration: 1 } } } }\n" +
                       probes),
              "t.yaml:3:61: unknown field 'iteration' in nsec3 (did you mean 'iterations'?)");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { keys: { k: { role: csk, servers: ns1 } } } }\n" + probes),
              "t.yaml:3:59: servers of key 'k' must be a list of server names such as [ns1, ns2], not 'ns1'");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { keys: { k: { role: csk, servers: [] } } } }\n" + probes),
              "t.yaml:3:59: servers of key 'k' is empty; list the servers whose copy of the zone it signs, e.g. [ns1], "
              "or remove servers to sign on every server");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { servers: 2, keys: { k: { role: csk, servers: [ns2, NS2] } } } "
                              "}\n" + probes),
              "t.yaml:3:77: server ns2 is listed twice for key 'k'; remove one");
    EXPECT_EQ(error_of(head + "zones: { example.com.: { keys: { k: { role: csk, servers: [ns9] } } } }\n" + probes),
              "t.yaml:3:60: zone example.com. has no server 'ns9' (did you mean 'ns1'?)");
}

TEST(ScenarioParse, ResolverProfiles)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: profiles
start: 2027-03-01T00:00:00Z
zones: { example.com.: {} }
probes: { names: [www.example.com. A] }
resolvers:
  plain: { kind: unbound }
  behind: { kind: unbound, clock-offset: -2d, serve-expired: yes, val-bogus-ttl: 5m }
  ahead: { kind: unbound, clock-offset: +3h, val-sig-skew-min: 0, val-sig-skew-max: 2h, harden-algo-downgrade: true }
  cold: { kind: libunbound, clock-offset: 90m, max-nsec3-iterations: 150, harden-algo-downgrade: false }
  tight: { kind: unbound, val-sig-skew-max: 1h }
)");
    ASSERT_EQ(s.resolvers.size(), 5u);
    const ResolverSpec& plain = s.resolvers[0];
    EXPECT_EQ(plain.clock_offset, Seconds(0));
    EXPECT_FALSE(plain.serve_expired || plain.val_sig_skew_min || plain.val_sig_skew_max || plain.val_bogus_ttl ||
                 plain.harden_algo_downgrade || plain.max_nsec3_iterations);
    const ResolverSpec& behind = s.resolvers[1];
    EXPECT_EQ(behind.clock_offset, Seconds(-2 * kDay));
    EXPECT_EQ(behind.serve_expired, true);
    EXPECT_EQ(behind.val_bogus_ttl, Seconds(300));
    const ResolverSpec& ahead = s.resolvers[2];
    EXPECT_EQ(ahead.clock_offset, Seconds(3 * 3600));
    EXPECT_EQ(ahead.val_sig_skew_min, Seconds(0));
    EXPECT_EQ(ahead.val_sig_skew_max, Seconds(7200));
    EXPECT_EQ(ahead.harden_algo_downgrade, true);
    const ResolverSpec& cold = s.resolvers[3];
    EXPECT_EQ(cold.kind, ResolverKind::Libunbound);
    EXPECT_EQ(cold.clock_offset, Seconds(5400));
    EXPECT_EQ(cold.max_nsec3_iterations, 150);
    EXPECT_EQ(cold.harden_algo_downgrade, false);
    EXPECT_EQ(s.resolvers[4].val_sig_skew_max, Seconds(3600));  // equal to Unbound's default minimum: fine

    const std::string head = "name: x\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {} }\n"
                             "probes: { names: [www.example.com. A] }\nresolvers:\n";
    EXPECT_EQ(error_of(head + "  r: { kind: unbound, clock-offset: --2d }\n"),
              "t.yaml:6:37: bad duration '--2d' for clock-offset (write a duration with an optional sign, e.g. -2d, "
              "+3h, 90m or 0)");
    EXPECT_EQ(error_of(head + "  r: { kind: unbound, clock-offset: -+2d }\n"),
              "t.yaml:6:37: bad duration '-+2d' for clock-offset (write a duration with an optional sign, e.g. -2d, "
              "+3h, 90m or 0)");
    EXPECT_EQ(error_of(head + "  r: { kind: libunbound, val-bogus-ttl: 1m }\n"),
              "t.yaml:6:26: val-bogus-ttl applies only to unbound resolvers; 'r' is libunbound, a fresh validator at "
              "every probe with no cache to keep (remove val-bogus-ttl, or make it kind: unbound)");
    // A max below Unbound's default min is fine (the max wins); a min that the max would cap is not.
    EXPECT_EQ(error_of(head + "  r: { val-sig-skew-max: 1m, kind: unbound }\n"), "");
    EXPECT_EQ(error_of(head + "  r: { kind: unbound, val-sig-skew-min: 2h, val-sig-skew-max: 1h }\n"),
              "t.yaml:6:63: val-sig-skew-min (2h) must not be longer than val-sig-skew-max (1h): Unbound would cap the "
              "allowance at 1h");
    EXPECT_EQ(error_of(head + "  r: { kind: unbound, max-nsec3-iterations: -1 }\n"),
              "t.yaml:6:45: max-nsec3-iterations must be a whole number from 0 to 65535, not '-1'");
    EXPECT_EQ(error_of(head + "  r: { kind: unbound, serve-expird: true }\n"),
              "t.yaml:6:23: unknown field 'serve-expird' in resolver 'r' (did you mean 'serve-expired'?)");
}

// The daemon kinds beside Unbound take the options that map onto a setting of their own
// (kResolverKindNames); any other is refused naming the kind, the option and who takes it.
TEST(ScenarioParse, ResolverKindsTakeTheirOwnSettings)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: kinds
start: 2027-03-01T00:00:00Z
zones: { example.com.: {} }
probes: { names: [www.example.com. A] }
resolvers:
  named: { kind: bind, serve-expired: yes, val-bogus-ttl: 30s, clock-offset: -1h, start: +1h }
  kresd: { kind: knot-resolver, serve-expired: true, trust-anchor: static, offline: [{ from: +2h, until: +3h }] }
  pdns: { kind: pdns-recursor, val-bogus-ttl: 10m, max-nsec3-iterations: 50, serve-expired: false }
)");
    ASSERT_EQ(s.resolvers.size(), 3u);
    EXPECT_EQ(s.resolvers[0].kind, ResolverKind::Bind);
    EXPECT_EQ(s.resolvers[0].val_bogus_ttl, Seconds(30));
    EXPECT_EQ(s.resolvers[0].clock_offset, Seconds(-3600));
    EXPECT_EQ(s.resolvers[0].start, Seconds(3600));
    EXPECT_EQ(s.resolvers[1].kind, ResolverKind::KnotResolver);
    EXPECT_EQ(s.resolvers[1].serve_expired, true);
    EXPECT_EQ(s.resolvers[1].offline.size(), 1u);
    EXPECT_EQ(s.resolvers[2].kind, ResolverKind::PdnsRecursor);
    EXPECT_EQ(s.resolvers[2].max_nsec3_iterations, 50);
    EXPECT_EQ(s.resolvers[2].val_bogus_ttl, Seconds(600));
    for (const auto& r : s.resolvers) EXPECT_TRUE(is_daemon(r.kind)) << r.name;
    EXPECT_FALSE(is_daemon(ResolverKind::Libunbound));

    const std::string head = "name: x\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {} }\n"
                             "probes: { names: [www.example.com. A] }\nresolvers:\n";
    EXPECT_EQ(error_of(head + "  r: { kind: pdns-recursor, val-sig-skew-min: 1m }\n"),
              "t.yaml:6:29: val-sig-skew-min does not apply to pdns-recursor resolvers: PowerDNS Recursor has no "
              "such setting (remove val-sig-skew-min from 'r'; the kinds that take it: unbound, libunbound)");
    EXPECT_EQ(error_of(head + "  r: { kind: knot-resolver, val-bogus-ttl: 1m }\n"),
              "t.yaml:6:29: val-bogus-ttl does not apply to knot-resolver resolvers: Knot Resolver kresd has no such "
              "setting (remove val-bogus-ttl from 'r'; the kinds that take it: unbound, bind, pdns-recursor)");
    EXPECT_EQ(error_of(head + "  r: { kind: bind, harden-algo-downgrade: true }\n"),
              "t.yaml:6:20: harden-algo-downgrade does not apply to bind resolvers: BIND named has no such setting "
              "(remove harden-algo-downgrade from 'r'; the kinds that take it: unbound, libunbound)");
    EXPECT_EQ(error_of(head + "  r: { kind: bind, add-holddown: 10d }\n"),
              "t.yaml:6:20: add-holddown does not apply to bind resolvers: BIND named has no such setting (remove "
              "add-holddown from 'r'; the kinds that take it: unbound)");
    EXPECT_EQ(error_of(head + "  r: { kind: knot-resolver, trust-anchor: rfc5011 }\n"),
              "t.yaml:6:43: trust-anchor: rfc5011 applies only to unbound resolvers; 'r' is knot-resolver (Knot "
              "Resolver kresd), which keeps the static anchor it was installed with (write trust-anchor: static, or "
              "make it kind: unbound)");
    EXPECT_EQ(error_of(head + "  r: { kind: bind, val-bogus-ttl: 31s }\n"),
              "t.yaml:6:35: val-bogus-ttl 31s is more than bind resolvers take: named's servfail-ttl is at most 30s "
              "(write 30s or less)");
    std::string five;
    for (int i = 1; i <= 5; ++i) five += "  p" + std::to_string(i) + ": { kind: pdns-recursor }\n";
    EXPECT_EQ(error_of(head + five), "t.yaml:10:3: at most 4 pdns-recursor resolvers are supported; remove 'p5'");
    EXPECT_EQ(error_of(head + "  r: { kind: bind }\nexpect:\n  - { query: www.example.com. A, resolver: r, outcome: "
                              "servfail, ede: 9 }\n"),
              "t.yaml:8:66: resolver 'r' is bind (BIND named), whose SERVFAIL carries no DNSSEC EDE (the reason is "
              "read from its log); remove ede");
}

TEST(ScenarioParse, NoFailuresAndFailureWindowExpectations)
{
    TempDir dir;
    const Scenario s = parse_in(dir, R"(name: expect
start: 2027-03-01T00:00:00Z
duration: 3d
zones: { example.com.: {} }
probes: { names: [www.example.com. A, example.com. DNSKEY] }
resolvers: { warm: { kind: unbound }, cold: { kind: libunbound } }
expect:
  - { no-failures: true }
  - { no-failures: true, query: example.com. DNSKEY, resolver: cold, from: +1d, until: +2d }
  - { failure-window: www.example.com. A, resolver: warm, starts-between: [+1d, +1d1h], lasts-between: [30m, 2h],
      ede: 9 }
  - { failure-window: "www.example.com. a", starts-between: [2027-03-02T00:00:00Z, +1d] }
  - { failure-window: example.com. DNSKEY, resolver: cold, lasts-between: [0, 1d] }
)");
    ASSERT_EQ(s.expectations.size(), 5u);
    const Expectation& all = s.expectations[0];
    EXPECT_EQ(all.kind, Expectation::Kind::NoFailures);
    EXPECT_FALSE(all.query || all.from || all.until || all.ede);
    EXPECT_TRUE(all.resolver.empty());
    EXPECT_EQ(all.text, "every query on every resolver: no failures");
    const Expectation& some = s.expectations[1];
    EXPECT_EQ(some.kind, Expectation::Kind::NoFailures);
    EXPECT_EQ(some.query, (Query{"example.com.", "DNSKEY"}));
    EXPECT_EQ(some.resolver, "cold");
    EXPECT_EQ(some.from, Seconds(kDay));
    EXPECT_EQ(some.until, Seconds(2 * kDay));
    EXPECT_EQ(some.text, "example.com. DNSKEY on cold from +1d until +2d: no failures");
    const Expectation& both = s.expectations[2];
    EXPECT_EQ(both.kind, Expectation::Kind::FailureWindow);
    EXPECT_EQ(both.query, (Query{"www.example.com.", "A"}));
    EXPECT_EQ(both.resolver, "warm");
    EXPECT_EQ(both.start_min, Seconds(kDay));
    EXPECT_EQ(both.start_max, Seconds(kDay + 3600));
    EXPECT_EQ(both.length_min, Seconds(1800));
    EXPECT_EQ(both.length_max, Seconds(7200));
    EXPECT_EQ(both.ede, 9);
    EXPECT_FALSE(both.from || both.until);
    EXPECT_EQ(both.text,
              "www.example.com. A on warm: a failure window starting between +1d and +1d1h, lasting between 30m and "
              "2h (EDE 9)");
    const Expectation& starts = s.expectations[3];
    EXPECT_EQ(starts.start_min, Seconds(kDay));
    EXPECT_EQ(starts.start_max, Seconds(kDay));
    EXPECT_FALSE(starts.length_min || starts.length_max);
    EXPECT_EQ(starts.text, "www.example.com. A on every resolver: a failure window starting between +1d and +1d");
    const Expectation& lasts = s.expectations[4];
    EXPECT_FALSE(lasts.start_min || lasts.start_max);
    EXPECT_EQ(lasts.length_min, Seconds(0));
    EXPECT_EQ(lasts.length_max, Seconds(kDay));
    EXPECT_EQ(lasts.text, "example.com. DNSKEY on cold: a failure window lasting between 0s and 1d");

    const std::string head = "name: x\nstart: 2027-03-01T00:00:00Z\nduration: 3d\nzones: { example.com.: {} }\n"
                             "probes: { names: [www.example.com. A] }\nexpect:\n";
    EXPECT_EQ(error_of(head + "  - { no-failures: false }\n"),
              "t.yaml:7:20: no-failures: false expects nothing; write no-failures: true, or remove the expectation");
    EXPECT_EQ(error_of(head + "  - { no-failures: true, ede: 9 }\n"),
              "t.yaml:7:26: 'ede' does not apply to a no-failures expectation (it takes query, resolver, from, "
              "until, id and kind); remove it");
    EXPECT_EQ(error_of(head + "  - { failure-window: www.example.com. A, from: +1d, lasts-between: [1h, 2h] }\n"),
              "t.yaml:7:43: 'from' does not apply to a failure-window expectation: bound the window's start with "
              "starts-between instead (it takes resolver, starts-between, lasts-between, ede, id and kind); remove "
              "it");
    EXPECT_EQ(error_of(head + "  - { failure-window: mail.example.com. A, lasts-between: [1h, 2h] }\n"),
              "t.yaml:7:23: query 'mail.example.com. A' is not probed; add it to probes.names");
    EXPECT_EQ(error_of(head + "  - { failure-window: www.example.com. A, lasts-between: [2h, 1h] }\n"),
              "t.yaml:7:63: lasts-between [2h, 1h]: the second bound is shorter than the first; write [1h, 2h]");
    EXPECT_EQ(error_of(head + "  - { failure-window: www.example.com. A, lasts-between: [1h] }\n"),
              "t.yaml:7:58: lasts-between must be a list of two durations, [30m, 2h], not 1 item");
    EXPECT_EQ(error_of(head + "  - { failure-window: www.example.com. A, starts-between: +1d }\n"),
              "t.yaml:7:59: starts-between must be a list of two times, [+1d, +1d1h], not '+1d'");
    EXPECT_EQ(error_of(head + "  - { failure-window: www.example.com. A, starts-between: [+1d, +4d] }\n"),
              "t.yaml:7:65: the second value of starts-between (+4d) is beyond the end of the scenario (duration 3d); "
              "raise duration or move it earlier");
    EXPECT_EQ(error_of(head + "  - { failure-window: www.example.com. A, lasts-between: [1h, 2h], ede: 9, "
                              "resolver: cold }\n"),
              "t.yaml:7:68: resolver 'cold' is libunbound, which reports no EDE; remove ede or use a daemon resolver");
    EXPECT_EQ(error_of(head + "  - { outcome: secure, lasts-between: [1h, 2h] }\n"),
              "t.yaml:7:24: lasts-between applies only to failure-window expectations; remove it, or write "
              "failure-window: \"<qname> <TYPE>\"");
    EXPECT_EQ(error_of(head + "  - { failure-window: www.example.com. A, no-failures: true }\n"),
              "t.yaml:7:43: 'no-failures' cannot be combined with 'failure-window': an expectation has one of "
              "outcome:, no-failures: and failure-window: (split it into two expectations)");
    EXPECT_EQ(error_of(head + "  - { query: www.example.com. A }\n"),
              "t.yaml:7:5: missing required field 'outcome' in expectation (add e.g. 'outcome: secure')");
}

// ---------------------------------------------------------------------------------------------
// schema/scenario.schema.json: the field names and enums match the parser's (scenario::vocabulary()).

namespace {

using nlohmann::json;

json load_schema()
{
    const fs::path path = fs::path(ROLLSIM_SOURCE_DIR) / "schema" / "scenario.schema.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return json::parse(in);
}

std::set<std::string> keys_of(const json& object)
{
    std::set<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) out.insert(it.key());
    return out;
}

template <typename T>
std::set<T> as_set(const std::vector<T>& v)
{
    return std::set<T>(v.begin(), v.end());
}

}  // namespace

TEST(ScenarioSchema, IsDraft2020_12)
{
    const json schema = load_schema();
    EXPECT_EQ(schema.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
    EXPECT_EQ(schema.at("type"), "object");
    // Unknown fields are errors everywhere: every object with properties closes them.
    std::vector<std::pair<std::string, const json*>> objects{{"(top)", &schema}};
    for (auto it = schema.at("$defs").begin(); it != schema.at("$defs").end(); ++it)
        objects.emplace_back(it.key(), &it.value());
    for (const auto& [name, def] : objects) {
        if (!def->contains("properties")) continue;
        SCOPED_TRACE(name);
        EXPECT_EQ(def->value("additionalProperties", json(true)), json(false));
        for (auto p = def->at("properties").begin(); p != def->at("properties").end(); ++p)
            EXPECT_TRUE(p.value().contains("description") || p.value().contains("$ref")) << p.key();
    }
}

TEST(ScenarioSchema, FieldsMatchTheParser)
{
    const json schema = load_schema();
    const json& defs = schema.at("$defs");
    const Vocabulary& v = vocabulary();
    const std::map<std::string, const json*> sections{
        {"scenario", &schema},       {"zone", &defs.at("zone")},         {"ttl", &defs.at("ttls")},
        {"signing", &defs.at("signing")}, {"nsec3", &defs.at("nsec3")},   {"key", &defs.at("key")},
        {"event", &defs.at("event")}, {"probes", &defs.at("probes")},    {"resolver", &defs.at("resolver")},
        {"expect", &defs.at("expectation")}, {"rollover", &defs.at("rollover")},
        {"rollover-parent", &defs.at("rolloverParent")}, {"rollover-override", &defs.at("rolloverOverride")},
        {"parent-agent", &defs.at("parentAgent")}, {"monitor", &defs.at("monitor")},
        {"signer", &defs.at("signer")}, {"server-pool", &defs.at("serverPool")},
    };
    ASSERT_EQ(keys_of(json(v.fields)), [&] {
        std::set<std::string> names;
        for (const auto& [name, def] : sections) names.insert(name);
        return names;
    }());
    for (const auto& [section, def] : sections) {
        SCOPED_TRACE(section);
        EXPECT_EQ(keys_of(def->at("properties")), as_set(v.fields.at(section)));
    }
    // ttl also takes record types, upper- or lower-case, except those whose TTL cannot be set.
    std::string types;
    std::string lower;
    for (const auto& t : v.record_types) {
        if (t == "RRSIG" || t == "NSEC" || t == "NSEC3") continue;
        types += (types.empty() ? "" : "|") + t;
        std::string l = t;
        for (char& c : l) c = char(std::tolower(static_cast<unsigned char>(c)));
        lower += "|" + l;
    }
    EXPECT_EQ(keys_of(defs.at("ttls").at("patternProperties")), std::set<std::string>{"^(" + types + lower + ")$"});
}

TEST(ScenarioSchema, EnumsMatchTheParser)
{
    const json schema = load_schema();
    const json& defs = schema.at("$defs");
    const Vocabulary& v = vocabulary();
    // The model's name tables (scenario/names.hpp), which the parser reads.
    EXPECT_EQ(defs.at("fault").at("enum").get<std::vector<std::string>>(), names_of<FaultKind>());
    EXPECT_EQ(defs.at("fault").at("enumDescriptions").size(), std::size(kFaultNames));
    EXPECT_EQ(defs.at("action").at("enum").get<std::vector<std::string>>(), names_of<ActionKind>());
    EXPECT_EQ(defs.at("outcome").at("enum").get<std::vector<std::string>>(), names_of<Outcome>());
    EXPECT_EQ(defs.at("keyRole").at("enum").get<std::vector<std::string>>(), names_of<KeyRole>());
    EXPECT_EQ(defs.at("resolverKind").at("enum").get<std::vector<std::string>>(), names_of<ResolverKind>());
    EXPECT_EQ(defs.at("denial").at("enum").get<std::vector<std::string>>(), names_of<Denial>());
    EXPECT_EQ(defs.at("signerKind").at("enum").get<std::vector<std::string>>(), names_of<SignerKind>());
    EXPECT_EQ(defs.at("rolloverMethod").at("enum").get<std::vector<std::string>>(), names_of<RolloverMethod>());
    EXPECT_EQ(defs.at("emergencyChoice").at("enum").get<std::vector<std::string>>(), names_of<EmergencyChoice>());
    const json& algorithm = defs.at("algorithm").at("anyOf");
    EXPECT_EQ(algorithm.at(0).at("enum").get<std::vector<std::string>>(), names_of<Algorithm>());
    EXPECT_EQ(algorithm.at(1).at("enum").get<std::vector<int>>(), v.algorithm_numbers);
    std::vector<std::string> numbers;
    for (int n : v.algorithm_numbers) numbers.push_back(std::to_string(n));
    EXPECT_EQ(algorithm.at(2).at("enum").get<std::vector<std::string>>(), numbers);
    // unsupported-algorithm refuses the supported numbers.
    EXPECT_EQ(defs.at("event").at("properties").at("algorithm").at("not").at("enum").get<std::vector<int>>(),
              v.algorithm_numbers);
    std::string actions;
    for (const auto& a : v.actions) actions += (actions.empty() ? "" : "|") + a;
    EXPECT_EQ(defs.at("event").at("properties").at("do").at("pattern"), "^(" + actions + R"()(\s+[^\s]+)?$)");
}

// The event's if/then rules say which faults take and require which parameters, as the parser does.
TEST(ScenarioSchema, FaultParametersMatchTheParser)
{
    const json schema = load_schema();
    const json& event = schema.at("$defs").at("event");
    const Vocabulary& v = vocabulary();
    std::map<std::string, std::set<std::string>> takers, requirers, schema_takers, schema_requirers;
    for (const auto& [fault, params] : v.fault_parameters)
        for (const auto& p : params) takers[p].insert(fault);
    for (const auto& [fault, params] : v.fault_required)
        for (const auto& p : params) requirers[p].insert(fault);
    std::set<std::string> action_refuses;
    for (const auto& rule : event.at("allOf")) {
        if (!rule.contains("if")) continue;
        const json& cond = rule.at("if");
        const json& then = rule.at("then");
        if (cond.at("required") == json{"do"}) {
            for (auto it = then.at("properties").begin(); it != then.at("properties").end(); ++it)
                if (it.value() == json(false)) action_refuses.insert(it.key());
            continue;
        }
        if (cond.at("required") != json{"fault"} || !cond.contains("properties")) continue;
        const json& fault = cond.at("properties").at("fault");
        if (fault.contains("not")) {  // faults outside the list do not take the parameter
            ASSERT_EQ(then.at("properties").size(), 1u);
            const std::string param = then.at("properties").begin().key();
            auto list = fault.at("not").at("enum").get<std::vector<std::string>>();
            schema_takers[param] = as_set(list);
        } else {  // faults in the list require it
            for (const auto& param : then.at("required"))
                schema_requirers[param.get<std::string>()] = as_set(fault.at("enum").get<std::vector<std::string>>());
        }
    }
    EXPECT_EQ(schema_takers, takers);
    EXPECT_EQ(schema_requirers, requirers);
    std::set<std::string> params;  // every fault parameter but key, and until
    for (const auto& [param, faults] : takers)
        if (param != "key") params.insert(param);
    params.insert("until");
    EXPECT_EQ(action_refuses, params);
}

// Adding a fault (CONTRIBUTING.md): every row of the fault table has its section in
// docs/faults.md and its scenario in scenarios/faults/, and the catalog is in table order.
TEST(FaultCatalog, EveryFaultHasItsDocsSectionAndItsScenario)
{
    const fs::path root = fs::path(ROLLSIM_FIXTURES).parent_path();
    std::ifstream in(root / "docs" / "faults.md");
    ASSERT_TRUE(in) << "no docs/faults.md under " << root;
    std::vector<std::string> sections;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("### ", 0) == 0 && from_string<FaultKind>(line.substr(4))) sections.push_back(line.substr(4));
    EXPECT_EQ(sections, names_of<FaultKind>());
    for (const auto& fault : kFaultNames) {
        SCOPED_TRACE(std::string(fault.name));
        EXPECT_EQ(to_string(fault.value), fault.name);
        EXPECT_EQ(from_string<FaultKind>(fault.name), fault.value);
        EXPECT_TRUE(fs::is_regular_file(root / "scenarios" / "faults" / (std::string(fault.name) + ".yaml")));
        EXPECT_EQ(fault.required & ~fault.takes, 0u) << "a fault requires only parameters it takes";
        EXPECT_EQ(!fault.key_is.empty(), (fault.required & kParamKey) != 0);
    }
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
        EXPECT_NO_THROW(prepare::load_scenario(entry.path()));
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
        prepare::load_scenario(path);
        FAIL() << "parsed without error; expected " << expected;
    } catch (const ScenarioError& e) {
        EXPECT_EQ(std::string(e.what()), expected);
        EXPECT_EQ(e.code(), ExitCode::InvalidScenario);
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InvalidScenario, testing::ValuesIn(invalid_fixtures()), fixture_test_name);

TEST(InvalidScenarioFixtures, AtLeastTwentyExist) { EXPECT_GE(invalid_fixtures().size(), 20u); }

namespace {

// The message of the ScenarioError that loading `file` (templates below `root`) ends with.
std::string load_error(const fs::path& file, const fs::path& root)
{
    try {
        prepare::load_scenario(file, root);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "parsed without error";
}

}  // namespace

// A template of 1.5 million records (one of the inputs that used to make a run that never
// ends): refused at the first record beyond the bound, with the file and line of that record,
// without reading the rest into the model.
TEST(ScenarioBounds, AMillionAndAHalfTemplateRecordsAreRefusedAtTheFirstBeyondTheBound)
{
    test::Scratch s;
    {
        std::ofstream zone(s.path / "huge.zone");
        zone << "$TTL 300\n";
        for (int i = 0; i < 1500000; ++i) zone << "h" << i << " A 192.0.2.1\n";
    }
    std::ofstream(s.path / "huge.yaml") << "name: huge\nstart: 2027-03-01T00:00:00Z\nzones:\n"
                                           "  example.com.:\n    records: ['www A 192.0.2.1']\n"
                                           "  example.net.:\n    template: huge.zone\n"
                                           "probes: { names: [www.example.com. A] }\n";
    // One record of example.com., then 999999 of the template (its line 1000000) fill the bound:
    // the template's line 1000001 is the first beyond.
    EXPECT_EQ(load_error(s.path / "huge.yaml", s.path),
              (s.path / "huge.zone").string() +
                  ":1000001:1: more than 1000000 records in the scenario's zones (templates and records together); "
                  "the lab signs every record at each change, so keep the zones smaller");
}

// $TTL in a template above 2^31 - 1: RFC 2181 section 8 would make it 0, not what it says.
TEST(ScenarioBounds, ATemplateTtlAbove31BitsIsRefusedWithItsFileAndLine)
{
    test::Scratch s;
    std::ofstream(s.path / "big-ttl.zone") << "www A 192.0.2.1\n$TTL 2147483648\n";
    std::ofstream(s.path / "big-ttl.yaml") << "name: big ttl\nstart: 2027-03-01T00:00:00Z\nzones:\n"
                                              "  example.com.:\n    template: big-ttl.zone\n"
                                              "probes: { names: [www.example.com. A] }\n";
    EXPECT_EQ(load_error(s.path / "big-ttl.yaml", s.path),
              (s.path / "big-ttl.zone").string() +
                  ":2:6: TTL '2147483648' is too large (at most 2147483647 seconds, RFC 2181 section 8)");
}
