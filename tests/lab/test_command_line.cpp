// The rollsim binary's command line as an operator meets it: --help, a mistyped command or
// option, a zone file given as a scenario, a file that is not YAML. Exit status 2, one line
// that names what to change, and never a whole file or a build path.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace rollsim::test {
namespace {

std::size_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(ExitStatus, HelpShowsExamplesAndEveryExitStatusAndNoBuildPath)
{
    auto r = run_rollsim({"--help"});
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "Usage: rollsim [OPTIONS] SUBCOMMAND\n")) << r.output;
    EXPECT_TRUE(contains(r.output, "\nExamples:\n  rollsim run scenarios/basics/zsk-swap-no-prepublish.yaml\n"))
        << r.output;
    for (const std::string status : {"  0    every expectation held", "  1    an expectation did not hold",
                                     "  2    the command line or a scenario is invalid", "  3    the lab could not start",
                                     "  4    internal error", "  5    merge: a listed scenario is missing", "  130  interrupted"})
        EXPECT_TRUE(contains(r.output, status)) << status << "\n" << r.output;
    for (const std::string command : {"run", "check", "plan", "play", "sweep", "merge"}) {
        auto sub = run_rollsim({command, "--help"});
        EXPECT_EQ(sub.status, 0) << sub.output;
        EXPECT_TRUE(contains(sub.output, "Usage: rollsim " + command + " [OPTIONS]")) << sub.output;
        EXPECT_TRUE(contains(sub.output, "Example")) << sub.output;
        EXPECT_FALSE(contains(sub.output, ROLLSIM_ROOT)) << sub.output;
        EXPECT_FALSE(contains(sub.output, "/bin/rollsim")) << sub.output;
    }
    EXPECT_FALSE(contains(r.output, ROLLSIM_ROOT)) << r.output;
    EXPECT_FALSE(contains(r.output, "/bin/rollsim")) << r.output;
}

TEST(ExitStatus, TwoForAMistypedCommandOrOptionWithTheLikelyOne)
{
    auto runn = run_rollsim({"runn", repo_path("scenarios/basics")});
    EXPECT_EQ(runn.status, 2) << runn.output;
    EXPECT_EQ(runn.output, "rollsim: unknown command 'runn'; did you mean 'run'?\n");

    auto option = run_rollsim({"run", "--report-jsn", "r.json", repo_path("scenarios/basics/healthy-chain.yaml")});
    EXPECT_EQ(option.status, 2) << option.output;
    EXPECT_EQ(option.output, "rollsim: unknown option '--report-jsn' for 'rollsim run'; did you mean '--report-json'?\n");

    auto misplaced = run_rollsim({"-j", "2", "run", repo_path("scenarios/basics")});
    EXPECT_EQ(misplaced.status, 2) << misplaced.output;
    EXPECT_EQ(misplaced.output,
              "rollsim: unknown option '-j'; it is an option of 'rollsim run', 'rollsim sweep': write it after the command\n");
}

TEST(ExitStatus, TwoForAZoneFileGivenAsAScenarioWithAOneLineHint)
{
    const std::string zone = repo_path("zones/example.com.zone");
    for (const std::string command : {"run", "check", "plan", "play"}) {
        auto r = run_rollsim_with_input({command, zone}, "quit\n");
        EXPECT_EQ(r.status, 2) << command << "\n" << r.output;
        EXPECT_EQ(lines(r.output), 1u) << command << "\n" << r.output;
        EXPECT_TRUE(contains(r.output, zone + ":11: looks like a zone file, not a scenario; name it in a scenario's "
                                              "template: zones: { example.com.: { template: "))
            << r.output;
        EXPECT_FALSE(contains(r.output, "192.0.2.10")) << r.output;  // the file is not quoted
    }
}

TEST(ExitStatus, TwoWithoutQuotingTheWholeFileForTextThatIsNoScenario)
{
    TempDir dir;
    std::string text;
    for (int i = 0; i < 40; ++i) text += "notes about the rollover that somebody saved with the wrong name\n";
    write_file(dir / "notes.yaml", text);
    auto r = run_rollsim({"check", (dir / "notes.yaml").string()});
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_EQ(lines(r.output), 1u) << r.output;
    EXPECT_TRUE(contains(r.output, "a scenario must be a map of fields (name, start, zones, ...), not 'notes about "))
        << r.output;
    EXPECT_TRUE(contains(r.output, "...' (2599 characters, cut)")) << r.output;
    EXPECT_LT(r.output.size(), 300u) << r.output;
}

}  // namespace
}  // namespace rollsim::test
