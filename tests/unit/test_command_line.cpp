// The command line without a lab: did-you-mean for commands and options
// (cli/command_line.hpp), and what it does around the scenario parser
// (cli/scenario_input.hpp): the zone-file hint, long quotes cut, the installed data
// directory as template root, and nothing else changed.
#include "cli/command_line.hpp"
#include "cli/load.hpp"
#include "cli/scenario_input.hpp"
#include "core/error.hpp"
#include "scenario/parse.hpp"
#include "scenario/zone_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#ifndef ROLLSIM_FIXTURES
#define ROLLSIM_FIXTURES "fixtures"
#endif

namespace rollsim::cli {
namespace {

namespace fs = std::filesystem;

// What rollsim says for `args` when CLI11 refuses them ("" when it accepts them).
std::string refused(const std::string& args)
{
    auto cl = make_command_line();
    try {
        cl->app.parse(args, false);
    } catch (const CLI::ParseError& e) {
        return unknown_word_message(cl->app, e);
    }
    return "";
}

TEST(CommandLine, AnUnknownCommandGetsTheLikelyOne)
{
    EXPECT_EQ(refused("runn scenarios"), "unknown command 'runn'; did you mean 'run'?");
    EXPECT_EQ(refused("paly x.yaml"), "unknown command 'paly'; did you mean 'play'?");
    EXPECT_EQ(refused("frobnicate"), "unknown command 'frobnicate'; expected one of: run, check, plan, play, sweep, merge");
}

TEST(CommandLine, AnUnknownOptionGetsTheLikelyOneOrTheCommandThatHasIt)
{
    EXPECT_EQ(refused("run --report-jsn r.json s.yaml"),
              "unknown option '--report-jsn' for 'rollsim run'; did you mean '--report-json'?");
    EXPECT_EQ(refused("run --report-jsn=r.json s.yaml"),
              "unknown option '--report-jsn' for 'rollsim run'; did you mean '--report-json'?");
    EXPECT_EQ(refused("--verison"), "unknown option '--verison'; did you mean '--version'?");
    EXPECT_EQ(refused("-j 2 run s.yaml"),
              "unknown option '-j'; it is an option of 'rollsim run', 'rollsim sweep': write it after the command");
    EXPECT_EQ(refused("play s.yaml --report-json r.json"),
              "unknown option '--report-json' for 'rollsim play'; it is an option of 'rollsim run'");
}

TEST(CommandLine, OtherMistakesKeepCli11sOwnMessage)
{
    EXPECT_EQ(refused(""), "");            // "A subcommand is required"
    EXPECT_EQ(refused("check"), "");       // "scenarios is required"
    EXPECT_EQ(refused("play a.yaml b.yaml"), "");  // "The following argument was not expected: b.yaml"
    EXPECT_EQ(refused("--help"), "");
    EXPECT_EQ(refused("run -j 2 --quiet a.yaml"), "");  // accepted
}

TEST(ZoneFileLine, MasterFilesAreRecognisedByTheirFirstRecordOrDirective)
{
    EXPECT_EQ(zone_file_line("$ORIGIN example.com.\n@ IN SOA ns1 h 1 2 3 4 5\n"), 1);
    EXPECT_EQ(zone_file_line("; a template\n;\n\n$TTL 3600\n"), 4);
    EXPECT_EQ(zone_file_line("; comment\n@       A       192.0.2.10\n"), 2);
    EXPECT_EQ(zone_file_line("www 3600 IN AAAA 2001:db8::1\n"), 1);
    EXPECT_EQ(zone_file_line("example.com. IN 1h NS ns1.example.com.\n"), 1);
    EXPECT_EQ(zone_file_line("   IN MX 10 mail\n"), 1);  // the previous owner
    EXPECT_EQ(zone_file_line("*.example.com. TXT \"x\"\r\n"), 1);
}

TEST(ZoneFileLine, ScenariosAndOtherTextAreNot)
{
    EXPECT_EQ(zone_file_line("name: x\nstart: 2027-03-01T00:00:00Z\n"), std::nullopt);
    EXPECT_EQ(zone_file_line("# A 192.0.2.1\nname: x\n"), std::nullopt);
    EXPECT_EQ(zone_file_line("- A 192.0.2.1\n"), std::nullopt);
    EXPECT_EQ(zone_file_line("www: A 192.0.2.1\n"), std::nullopt);
    EXPECT_EQ(zone_file_line("www A\n"), std::nullopt);  // a type without data
    EXPECT_EQ(zone_file_line("just some words\n"), std::nullopt);
    EXPECT_EQ(zone_file_line(""), std::nullopt);
    EXPECT_EQ(zone_file_line("; only comments\n"), std::nullopt);
}

TEST(CutLongQuotes, AQuoteOfMoreThanAHundredCharactersIsCut)
{
    const std::string file(400, 'x');
    EXPECT_EQ(cut_long_quotes("a scenario must be a map of fields (name, start, zones, ...), not '" + file + "'"),
              "a scenario must be a map of fields (name, start, zones, ...), not '" + std::string(60, 'x') +
                  "...' (400 characters, cut)");
    const std::string hundred(100, 'y');
    EXPECT_EQ(cut_long_quotes("bad value '" + hundred + "' for x"), "bad value '" + hundred + "' for x");
}

TEST(CutLongQuotes, ApostrophesAreNotQuotesAndUtf8IsNotSplit)
{
    const std::string text = "the scenario's repository " + std::string(150, 'a') + " and the zone's keys";
    EXPECT_EQ(cut_long_quotes(text), text);
    std::string accented;
    for (int i = 0; i < 80; ++i) accented += "\xc3\xa9";  // é
    const std::string cut = cut_long_quotes("not '" + accented + "'");
    EXPECT_EQ(cut, "not '" + accented.substr(0, 60) + "...' (160 characters, cut)");
}

std::vector<fs::path> invalid_fixtures()
{
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(fs::path(ROLLSIM_FIXTURES) / "scenarios" / "invalid"))
        if (e.path().extension() == ".yaml") out.push_back(e.path());
    return out;
}

// The command line's guards change no message of the parser's: every invalid fixture fails
// through cli::load_scenario() (read_scenario(), then prepare) exactly as through
// prepare::load_scenario() (the parser, then prepare).
TEST(ReadScenario, EveryInvalidFixtureGivesTheParsersOwnMessage)
{
    const auto fixtures = invalid_fixtures();
    ASSERT_GE(fixtures.size(), 20u);
    for (const auto& f : fixtures) {
        SCOPED_TRACE(f.string());
        std::string parser, cli;
        try {
            prepare::load_scenario(f);
        } catch (const ScenarioError& e) {
            parser = e.what();
        }
        try {
            load_scenario(f.string());
        } catch (const ScenarioError& e) {
            cli = e.what();
        }
        EXPECT_FALSE(parser.empty());
        EXPECT_EQ(cli, parser);
    }
}

TEST(ReadScenario, AZoneFileGetsAOneLineHintThatDoesNotQuoteIt)
{
    const fs::path zone = fs::path(ROLLSIM_FIXTURES).parent_path() / "zones" / "example.com.zone";
    try {
        read_scenario(zone.string());
        FAIL() << "a zone file was read as a scenario";
    } catch (const ScenarioError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what, zone.string() + ":11: looks like a zone file, not a scenario; name it in a scenario's "
                                        "template: zones: { example.com.: { template: " +
                            zone.string() + " } } (docs/scenario-format.md)");
        EXPECT_EQ(e.code(), ExitCode::InvalidScenario);
    }
}

// An operator's zone file with several problems: each is kept, each cut as one error is.
TEST(ReadScenario, EveryProblemOfAZoneFileIsKeptAndEachLongQuoteCut)
{
    const fs::path dir = fs::temp_directory_path() / ("rollsim-cli-zone-file-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string long_type(150, 'X');
    std::ofstream(dir / "op.zone") << "$TTL 300\n@ IN SOA ns1 hostmaster 1 1h 15m 14d 5m\n@ IN NS ns1\n"
                                   << "www IN " << long_type << " 1\nmail IN AAA 2001:db8::1\n";
    std::ofstream(dir / "s.yaml") << "name: z\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: { from: op.zone } }\n"
                                     "probes: { names: [www.example.com. A] }\n";
    try {
        read_scenario((dir / "s.yaml").string(), dir.string());
        FAIL() << "read without error";
    } catch (const scenario::ZoneFileError& e) {
        ASSERT_EQ(e.problems().size(), 2u);
        EXPECT_EQ(e.problems()[0].line(), 4);
        EXPECT_EQ(e.problems()[0].message().find(long_type), std::string::npos);  // cut
        EXPECT_NE(e.problems()[1].message().find("'AAA' (did you mean 'AAAA'?)"), std::string::npos);
        EXPECT_EQ(std::count(e.what(), e.what() + std::strlen(e.what()), '\n'), 1);
    }
    fs::remove_all(dir);
}

TEST(TemplateRoot, TheInstalledDataDirectoryForAnInstalledScenarioOnly)
{
    const fs::path data = fs::temp_directory_path() / "rollsim-prefix" / "share" / "rollsim";
    const std::string installed = (data / "scenarios" / "basics" / "x.yaml").string();
    EXPECT_EQ(template_root_for(installed, "", data), data.string());
    EXPECT_EQ(template_root_for(installed, "/elsewhere", data), "/elsewhere");  // --template-root wins
    EXPECT_EQ(template_root_for("/home/u/x.yaml", "", data), "");               // the parser's rule
    EXPECT_EQ(template_root_for(installed, "", fs::path()), "");                // not installed
    // The build tree's program has no data directory beside it.
    EXPECT_EQ(installed_data_dir(), fs::path());
}

}  // namespace
}  // namespace rollsim::cli
