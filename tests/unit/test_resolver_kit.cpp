// What the files of the resolver kinds share (lab/resolver_kit.hpp, lab/config_template.hpp):
// the configuration templates compiled in and filled in, the trust anchor read as DS fields, a
// log read as it grows, a missing program named with its Debian package, the table of kinds
// (scenario/names.hpp) and a scenario asked across kinds (scenario/resolver_matrix.hpp). No daemon is started here (tests/lab/test_resolver_kinds.cpp
// starts them).
#include "core/error.hpp"
#include "lab/config_template.hpp"
#include "lab/resolver_kit.hpp"
#include "lab/tools.hpp"
#include "prepare/prepared.hpp"
#include "scenario/names.hpp"
#include "scenario/parse.hpp"
#include "scenario/resolver_matrix.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace rollsim {
namespace {

using test::Scratch;
using scenario::ResolverKind;

TEST(ConfigTemplate, EveryDaemonKindHasItsTemplateCompiledIn)
{
    for (const char* name : {"bind_resolver.conf.in", "knot_resolver.conf.in", "pdns_recursor.conf.in",
                             "pdns_recursor.lua.in"})
        EXPECT_FALSE(lab::config_template(name).empty()) << name;
    EXPECT_THROW(lab::config_template("no_such.conf.in"), LabError);
}

TEST(ConfigTemplate, FillsEveryPlaceholderAndRefusesAMissingOrAnUnusedValue)
{
    const std::string lua = lab::fill_template("pdns_recursor.lua.in", {{"ANCHORS", "addTA('.', \"1 8 2 AB\")\n"}});
    EXPECT_NE(lua.find("clearTA()\naddTA('.', \"1 8 2 AB\")\n"), std::string::npos) << lua;
    EXPECT_EQ(lua.find('@'), std::string::npos) << lua;
    try {
        lab::fill_template("pdns_recursor.lua.in", {});
        ADD_FAILURE() << "filled without a value for @ANCHORS@";
    } catch (const LabError& e) {
        EXPECT_EQ(std::string(e.what()), "harness/lab/pdns_recursor.lua.in: no value for @ANCHORS@");
    }
    try {
        lab::fill_template("pdns_recursor.lua.in", {{"ANCHORS", ""}, {"ADDRESS", "127.54.0.1"}});
        ADD_FAILURE() << "accepted a value no placeholder takes";
    } catch (const LabError& e) {
        EXPECT_EQ(std::string(e.what()), "harness/lab/pdns_recursor.lua.in has no @ADDRESS@");
    }
}

TEST(ResolverKit, ReadsTheTrustAnchorAsDsFields)
{
    const auto ds = lab::ds_records(".\t3600\tIN\tDS\t20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D084\n"
                                    ". IN DS 38696 8 2 683D2D0ACB8C9B71 2A1948B27F741219\n");
    ASSERT_EQ(ds.size(), 2u);
    EXPECT_EQ(ds[0].owner, ".");
    EXPECT_EQ(ds[0].key_tag, 20326);
    EXPECT_EQ(ds[0].algorithm, 8);
    EXPECT_EQ(ds[0].digest_type, 2);
    EXPECT_EQ(ds[0].digest, "E06D44B80B8F1D39A95C0B0D7C65D084");
    EXPECT_EQ(ds[1].key_tag, 38696);
    EXPECT_EQ(ds[1].digest, "683D2D0ACB8C9B712A1948B27F741219");  // digests may be split by spaces
    EXPECT_THROW(lab::ds_records(". 3600 IN DNSKEY 257 3 8 AwEAAag=\n"), LabError);
    EXPECT_THROW(lab::ds_records(""), LabError);
}

TEST(ResolverKit, ALogIsReadLineByLineAsItGrows)
{
    Scratch dir;
    const auto file = dir.path / "daemon.log";
    lab::LogFollower log(file);
    EXPECT_TRUE(log.new_lines().empty());  // not there yet
    std::ofstream out(file);
    out << "one\ntwo\nthr" << std::flush;
    EXPECT_EQ(log.new_lines(), (std::vector<std::string>{"one", "two"}));
    out << "ee\n" << std::flush;
    EXPECT_EQ(log.new_lines(), (std::vector<std::string>{"three"}));
    EXPECT_TRUE(log.new_lines().empty());
}

TEST(ResolverKit, AMissingProgramIsNamedWithItsDebianPackage)
{
    try {
        lab::locate_program("no-such-named", "ROLLSIM_TEST_UNSET_VARIABLE", "bind9");
        ADD_FAILURE() << "found no-such-named";
    } catch (const LabError& e) {
        EXPECT_EQ(e.code(), ExitCode::LabFailed);
        EXPECT_EQ(std::string(e.what()),
                  "no-such-named not found: install the Debian package 'bind9' (or set ROLLSIM_TEST_UNSET_VARIABLE)");
    }
}

// Every kind but libunbound is a daemon; Unbound alone follows the root's key by RFC 5011 and
// takes every option; named alone sends no DNSSEC EDE.
TEST(ResolverKinds, TheTableSaysWhatEachKindIs)
{
    EXPECT_EQ(scenario::names_of<ResolverKind>(),
              (std::vector<std::string>{"unbound", "libunbound", "bind", "knot-resolver", "pdns-recursor"}));
    for (const auto& row : scenario::kResolverKindNames) {
        SCOPED_TRACE(std::string(row.name));
        EXPECT_EQ(row.daemon, row.value != ResolverKind::Libunbound);
        EXPECT_EQ(row.rfc5011, row.value == ResolverKind::Unbound);
        EXPECT_EQ(row.dnssec_ede, row.daemon && row.value != ResolverKind::Bind);
        if (row.daemon) EXPECT_EQ(row.takes & scenario::kDaemonOptions, scenario::kDaemonOptions);
    }
    EXPECT_EQ(scenario::row_of(ResolverKind::Unbound).takes, ~0u);
}

scenario::Scenario prepared(const std::string& resolvers, const std::string& expect)
{
    Scratch dir;
    return prepare::prepare_scenario_text("name: m\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {} }\n"
                                          "probes: { names: [www.example.com. A] }\nresolvers:\n" +
                                              resolvers + "expect:\n" + expect,
                                          "m.yaml", dir.path)
        .scenario;
}

std::string matrix_error(const scenario::Scenario& sc, const std::vector<ResolverKind>& kinds)
{
    try {
        scenario::across_resolver_kinds(sc, kinds);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

TEST(ResolverMatrix, KindsAreAllOrAListOfDaemonKinds)
{
    using scenario::resolver_kinds_from;
    EXPECT_EQ(resolver_kinds_from("all", "--resolvers"),
              (std::vector<ResolverKind>{ResolverKind::Unbound, ResolverKind::Bind, ResolverKind::KnotResolver,
                                         ResolverKind::PdnsRecursor}));
    EXPECT_EQ(resolver_kinds_from("pdns-recursor,bind", "--resolvers"),
              (std::vector<ResolverKind>{ResolverKind::PdnsRecursor, ResolverKind::Bind}));
    auto error = [](const std::string& text) {
        try {
            scenario::resolver_kinds_from(text, "--resolvers");
        } catch (const ScenarioError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(error("bnd"), "--resolvers: 'bnd' is not a resolver daemon kind (did you mean 'bind'?); write all or a "
                            "list such as unbound,bind");
    EXPECT_NE(error("libunbound").find("'libunbound' is not a resolver daemon kind"), std::string::npos);
    EXPECT_EQ(error("bind,bind"), "--resolvers: 'bind' is named twice");
    EXPECT_NE(error("").find("'' is not a resolver daemon kind"), std::string::npos);
}

// Each daemon resolver becomes one per kind, its own kind keeping its name; the expectations
// naming it hold for each; the cold validator and the other expectations stay.
TEST(ResolverMatrix, EveryDaemonIsAskedAsEachKindAndItsExpectationsRepeated)
{
    const auto sc = prepared("  warm: { kind: unbound, serve-expired: true }\n  cold: { kind: libunbound }\n",
                             "  - { query: www.example.com. A, resolver: warm, from: +1d, outcome: servfail, ede: 9 }\n"
                             "  - { no-failures: true, resolver: cold }\n  - { otherwise: secure }\n");
    const auto across = scenario::across_resolver_kinds(sc, {ResolverKind::Bind, ResolverKind::Unbound});
    ASSERT_EQ(across.resolvers.size(), 3u);
    EXPECT_EQ(across.resolvers[0].name, "warm-bind");
    EXPECT_EQ(across.resolvers[0].kind, ResolverKind::Bind);
    EXPECT_EQ(across.resolvers[0].serve_expired, true);
    EXPECT_EQ(across.resolvers[1].name, "warm");
    EXPECT_EQ(across.resolvers[1].kind, ResolverKind::Unbound);
    EXPECT_EQ(across.resolvers[2].name, "cold");
    ASSERT_EQ(across.expectations.size(), 4u);
    EXPECT_EQ(across.expectations[0].resolver, "warm-bind");
    EXPECT_EQ(across.expectations[0].text, "www.example.com. A on warm-bind from +1d: servfail (EDE 9)");
    EXPECT_EQ(across.expectations[1].resolver, "warm");
    EXPECT_EQ(across.expectations[1].text, sc.expectations[0].text);
    EXPECT_EQ(across.expectations[1].loc.line, sc.expectations[0].loc.line);
    EXPECT_EQ(across.expectations[2].resolver, "cold");
    EXPECT_EQ(across.expectations[3].kind, scenario::Expectation::Kind::Otherwise);
}

// A kind that has no setting for an option the profile sets cannot ask it: the parser's refusal,
// at the resolver's line.
TEST(ResolverMatrix, AKindWithoutTheProfilesSettingIsRefused)
{
    const auto skew = prepared("  warm: { kind: unbound, val-sig-skew-max: 10m }\n", "  - { otherwise: secure }\n");
    EXPECT_EQ(matrix_error(skew, {ResolverKind::Unbound, ResolverKind::KnotResolver}),
              "m.yaml:6:3: resolver 'warm' sets val-sig-skew-max, which knot-resolver resolvers do not take (Knot "
              "Resolver kresd has no such setting): --resolvers cannot ask it as knot-resolver; leave knot-resolver "
              "out of --resolvers");
    EXPECT_EQ(matrix_error(skew, {ResolverKind::Unbound}), "");
    const auto rfc5011 = prepared("  warm: { kind: unbound, trust-anchor: rfc5011 }\n", "  - { otherwise: secure }\n");
    EXPECT_EQ(matrix_error(rfc5011, {ResolverKind::PdnsRecursor}),
              "m.yaml:6:3: resolver 'warm' follows the root's key by RFC 5011 (trust-anchor: rfc5011), which "
              "pdns-recursor (PowerDNS Recursor) does not: --resolvers cannot ask it as pdns-recursor; leave "
              "pdns-recursor out of --resolvers");
    const auto bogus = prepared("  warm: { kind: unbound, val-bogus-ttl: 5m }\n", "  - { otherwise: secure }\n");
    EXPECT_EQ(matrix_error(bogus, {ResolverKind::Bind}),
              "m.yaml:6:3: resolver 'warm' sets val-bogus-ttl 5m, more than bind resolvers take (named's servfail-ttl "
              "is at most 30s): --resolvers cannot ask it as bind; leave bind out of --resolvers");
    const auto taken = prepared("  warm: { kind: unbound }\n  warm-bind: { kind: unbound }\n",
                                "  - { otherwise: secure }\n");
    EXPECT_EQ(matrix_error(taken, {ResolverKind::Bind}),
              "m.yaml:6:3: resolver 'warm' asked as bind would be named 'warm-bind', which another resolver of the "
              "file has; rename one");
}

// An expectation that names kinds holds for the resolvers of those kinds only: run as the file
// has it, those for other kinds are not judged; across the kinds, each copy takes its own.
TEST(ResolverMatrix, AnExpectationNamingKindsHoldsForThoseKindsOnly)
{
    const auto sc = prepared("  warm: { kind: unbound }\n  cold: { kind: libunbound }\n",
                             "  - { query: www.example.com. A, resolver: warm, kind: unbound, outcome: secure }\n"
                             "  - { no-failures: true, resolver: warm, kind: [bind, knot-resolver] }\n"
                             "  - { no-failures: true, kind: pdns-recursor }\n"
                             "  - { no-failures: true, resolver: cold }\n"
                             "  - { no-failures: true, kind: [unbound, libunbound] }\n");
    EXPECT_EQ(sc.expectations[1].kinds,
              (std::vector<ResolverKind>{ResolverKind::Bind, ResolverKind::KnotResolver}));
    auto as_run = sc;
    scenario::apply_expectation_kinds(as_run);
    ASSERT_EQ(as_run.expectations.size(), 3u);
    EXPECT_EQ(as_run.expectations[0].text, sc.expectations[0].text);
    EXPECT_EQ(as_run.expectations[1].resolver, "cold");
    EXPECT_EQ(as_run.expectations[2].text, "every query on every resolver: no failures");

    auto across = scenario::across_resolver_kinds(sc, scenario::resolver_kinds_from("all", "--resolvers"));
    scenario::apply_expectation_kinds(across);
    std::vector<std::string> texts;
    for (const auto& e : across.expectations) texts.push_back(e.text);
    EXPECT_EQ(texts, (std::vector<std::string>{"www.example.com. A on warm: secure",
                                               "every query on warm-bind: no failures",
                                               "every query on warm-knot-resolver: no failures",
                                               "every query on warm-pdns-recursor: no failures",
                                               "every query on cold: no failures",
                                               "every query on warm: no failures",
                                               "every query on cold: no failures"}));
}

}  // namespace
// `cold` in the list asks each cold validator as a cold daemon of each kind too; alone, it asks
// nothing.
TEST(ResolverMatrix, ColdAsksTheColdValidatorAsColdDaemons)
{
    const auto matrix = scenario::resolver_matrix_from("bind,cold,unbound", "--resolvers");
    EXPECT_TRUE(matrix.cold);
    EXPECT_EQ(matrix.kinds, (std::vector<ResolverKind>{ResolverKind::Bind, ResolverKind::Unbound}));
    EXPECT_FALSE(scenario::resolver_matrix_from("all", "--resolvers").cold);
    auto error = [](const std::string& text) {
        try {
            scenario::resolver_matrix_from(text, "--resolvers");
        } catch (const ScenarioError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(error("cold"), "--resolvers: cold asks the cold validator as cold daemons of the kinds named; name them "
                             "too, e.g. all,cold");
    EXPECT_EQ(error("all,cold,cold"), "--resolvers: 'cold' is named twice");

    const auto sc = prepared("  warm: { kind: unbound }\n  cold: { kind: libunbound }\n",
                             "  - { no-failures: true, resolver: cold }\n");
    const auto across = scenario::across_resolver_kinds(sc, matrix);
    std::vector<std::string> names;
    for (const auto& r : across.resolvers)
        names.push_back(r.name + "/" + std::string(scenario::to_string(r.kind)) + "/" +
                        std::string(scenario::to_string(r.cache)));
    EXPECT_EQ(names, (std::vector<std::string>{"warm-bind/bind/warm", "warm/unbound/warm", "cold/libunbound/warm",
                                               "cold-bind/bind/cold", "cold-unbound/unbound/cold"}));
    std::vector<std::string> expected;
    for (const auto& e : across.expectations) expected.push_back(e.resolver);
    EXPECT_EQ(expected, (std::vector<std::string>{"cold", "cold-bind", "cold-unbound"}));
}

// `resolvers: all` and lists of kinds in the file: the default resolvers asked as each kind.
TEST(ResolverMatrix, TheFileMayNameItsKinds)
{
    auto parse = [](const std::string& resolvers) {
        return scenario::parse_scenario_text("name: m\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {} }\n"
                                             "probes: { names: [www.example.com. A] }\nresolvers: " + resolvers +
                                                 "\nexpect:\n  - { no-failures: true, resolver: warm }\n",
                                             "m.yaml", ".");
    };
    const auto all = parse("all");
    EXPECT_EQ(all.resolvers_as.kinds.size(), 4u);
    EXPECT_FALSE(all.resolvers_as.cold);
    std::vector<std::string> names;
    for (const auto& r : all.resolvers) names.push_back(r.name);
    EXPECT_EQ(names, (std::vector<std::string>{"warm", "warm-bind", "warm-knot-resolver", "warm-pdns-recursor", "cold"}));
    EXPECT_EQ(all.expectations.size(), 4u);
    const auto listed = parse("[PDNS-Recursor, cold]");
    EXPECT_EQ(listed.resolvers_as.kinds, (std::vector<ResolverKind>{ResolverKind::PdnsRecursor}));
    EXPECT_TRUE(listed.resolvers_as.cold);
    names.clear();
    for (const auto& r : listed.resolvers) names.push_back(r.name);
    EXPECT_EQ(names, (std::vector<std::string>{"warm-pdns-recursor", "cold", "cold-pdns-recursor"}));
    EXPECT_EQ(listed.resolvers.back().cache, scenario::ResolverCache::Cold);
}

// cache: cold on a daemon; warm by default.
TEST(ResolverMatrix, CacheColdMakesAColdDaemon)
{
    const auto sc = prepared("  fresh: { kind: knot-resolver, cache: cold }\n  kept: { kind: bind, cache: warm }\n",
                             "  - { otherwise: secure }\n");
    EXPECT_EQ(sc.resolvers[0].cache, scenario::ResolverCache::Cold);
    EXPECT_FALSE(scenario::is_warm(sc.resolvers[0]));
    EXPECT_EQ(sc.resolvers[1].cache, scenario::ResolverCache::Warm);
    EXPECT_TRUE(scenario::is_warm(sc.resolvers[1]));
}

}  // namespace rollsim
