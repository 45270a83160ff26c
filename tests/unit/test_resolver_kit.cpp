// What the files of the resolver kinds share (lab/resolver_kit.hpp, lab/config_template.hpp):
// the configuration templates compiled in and filled in, the trust anchor read as DS fields, a
// log read as it grows, a missing program named with its Debian package, and the table of
// kinds (scenario/names.hpp). No daemon is started here (tests/lab/test_resolver_kinds.cpp
// starts them).
#include "core/error.hpp"
#include "lab/config_template.hpp"
#include "lab/resolver_kit.hpp"
#include "lab/tools.hpp"
#include "scenario/names.hpp"
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

}  // namespace
}  // namespace rollsim
