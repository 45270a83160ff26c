// Installing rollsim like any Debian tool: `cmake --install` under a prefix, the Debian package
// cpack builds (its dependencies, its content unpacked into a scratch root, a scenario run
// from there), and the man page and shell completions generated from `rollsim --help`.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

namespace rollsim::test {
namespace {

namespace fs = std::filesystem;

// Every command and option that `rollsim --help` and `rollsim COMMAND --help` list.
std::set<std::string> help_words()
{
    std::set<std::string> words;
    std::vector<std::string> commands;
    const std::regex entry("^  (-[^ ]*)");        // "  -j,--jobs N   ..."
    const std::regex command("^  ([a-z]+) {2,}");  // "  run    Run scenarios ..."
    auto collect = [&](const std::string& help, bool top) {
        std::istringstream in(help);
        std::string section;
        for (std::string line; std::getline(in, line);) {
            if (!line.empty() && line[0] != ' ') section = line;
            std::smatch m;
            if (section == "Options:" && std::regex_search(line, m, entry)) {
                std::istringstream names(std::regex_replace(m[1].str(), std::regex(","), " "));
                for (std::string n; names >> n;) words.insert(n);
            }
            if (top && section == "Subcommands:" && std::regex_search(line, m, command)) commands.push_back(m[1]);
        }
    };
    collect(run_rollsim({"--help"}).output, true);
    EXPECT_EQ(commands, (std::vector<std::string>{"run", "check", "plan", "play", "sweep", "merge"}));
    for (const auto& c : commands) {
        words.insert(c);
        collect(run_rollsim({c, "--help"}).output, false);
    }
    return words;
}

const fs::path kCliDocs = fs::path(ROLLSIM_BUILD_DIR) / "cli-docs";

TEST(Install, TheManPageAndTheCompletionsNameEveryCommandAndOptionOfHelp)
{
    const auto words = help_words();
    ASSERT_GT(words.size(), 15u);
    EXPECT_TRUE(words.count("--report-json") && words.count("--template-root") && words.count("-j")) << words.size();
    std::string man = read_file(kCliDocs / "rollsim.1");
    man = std::regex_replace(man, std::regex(R"(\\-)"), "-");
    const std::string bash = read_file(kCliDocs / "rollsim.bash");
    const std::string zsh = read_file(kCliDocs / "_rollsim");
    for (const auto& w : words) {
        EXPECT_TRUE(contains(man, w)) << w;
        EXPECT_TRUE(contains(bash, w)) << w;
        EXPECT_TRUE(contains(zsh, w)) << w;
    }
    for (const std::string section : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS",
                                      ".SH \"EXAMPLES\"", ".SH \"EXIT STATUS\"", ".SH \"ENVIRONMENT\"", ".SH \"FILES\""})
        EXPECT_TRUE(contains(man, section)) << section;
    EXPECT_FALSE(contains(man, ROLLSIM_ROOT));
    EXPECT_FALSE(contains(man, ROLLSIM_BUILD_DIR));
}

TEST(Install, TheManPageRendersWithoutWarnings)
{
    if (!fs::exists("/usr/bin/man")) GTEST_SKIP() << "man-db is not installed";
    TempDir dir;
    // Only what groff warns about (stderr); the page itself goes to /dev/null.
    auto r = run_program_in(dir.path(), "/bin/sh",
                            {"-c", "MANWIDTH=80 man --warnings -l \"$0\" 2>&1 >/dev/null", (kCliDocs / "rollsim.1").string()});
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, "");
    auto text = run_program_in(dir.path(), "/bin/sh", {"-c", "MANWIDTH=80 man -l \"$0\" | col -bx", (kCliDocs / "rollsim.1").string()});
    EXPECT_TRUE(contains(text.output, "DNSSEC fault-injection and key-rollover")) << text.output;
    EXPECT_TRUE(contains(text.output, "--report-json FILE")) << text.output;
}

TEST(Install, TheBashCompletionIsValidBashAndCompletesCommandsAndOptions)
{
    TempDir dir;
    const std::string script = "source \"$0\"\n"
                               "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _rollsim; echo \"${COMPREPLY[*]}\"; }\n"
                               "t rollsim pl; t rollsim run --report-j; t rollsim play --tr\n";
    auto r = run_program_in(dir.path(), "/bin/bash", {"-c", script, (kCliDocs / "rollsim.bash").string()});
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, "plan play\n--report-json --report-junit\n--transcript\n");
}

TEST(Install, CmakeInstallPutsEverythingUnderThePrefixAndTheInstalledCatalogChecks)
{
    TempDir prefix, elsewhere;
    auto install = run_program_in(prefix.path(), ROLLSIM_CMAKE, {"--install", ROLLSIM_BUILD_DIR, "--prefix", prefix.path().string()});
    ASSERT_EQ(install.status, 0) << install.output;
    for (const std::string f :
         {"bin/rollsim", "share/rollsim/scenarios/basics/ds-digest-mismatch.yaml", "share/rollsim/zones/example.com.zone",
          "share/rollsim/schema/scenario.schema.json", "share/doc/rollsim/README.md", "share/doc/rollsim/tabletop.md",
          "share/man/man1/rollsim.1.gz", "share/bash-completion/completions/rollsim",
          "share/zsh/vendor-completions/_rollsim"})
        EXPECT_TRUE(fs::is_regular_file(prefix / f)) << f;
    // From a directory that has nothing to do with it: every scenario of the installed catalog
    // finds its zone templates below the installed data directory.
    auto check = run_program_in(elsewhere.path(), (prefix / "bin/rollsim").string(),
                                {"check", (prefix / "share/rollsim/scenarios").string()});
    EXPECT_EQ(check.status, 0) << check.output;
    EXPECT_FALSE(contains(check.output, "rollsim: ")) << check.output;
}

// build/bin/rollsim's shared libraries (readelf -d), each as the Debian package that has it.
std::set<std::string> packages_of_linked_libraries()
{
    TempDir dir;
    auto needed = run_program_in(dir.path(), "/bin/sh", {"-c", "readelf -d \"$0\" | sed -n 's/.*Shared library: \\[\\(.*\\)\\]/\\1/p'", ROLLSIM_BIN});
    EXPECT_EQ(needed.status, 0) << needed.output;
    std::set<std::string> packages;
    std::istringstream in(needed.output);
    for (std::string soname; in >> soname;) {
        auto owner = run_program_in(dir.path(), "/usr/bin/dpkg", {"-S", "*/" + soname});
        EXPECT_EQ(owner.status, 0) << soname << ": " << owner.output;
        const std::string package = owner.output.substr(0, owner.output.find_first_of(":,"));
        packages.insert(package);
    }
    return packages;
}

// cpack's Debian package, built from this build tree into `dir`.
fs::path build_package(const TempDir& dir)
{
    auto r = run_program_in(dir.path(), ROLLSIM_CPACK,
                            {"--config", std::string(ROLLSIM_BUILD_DIR) + "/CPackConfig.cmake", "-B", dir.path().string()});
    EXPECT_EQ(r.status, 0) << r.output;
    for (const auto& e : fs::directory_iterator(dir.path()))
        if (e.path().extension() == ".deb") return e.path();
    ADD_FAILURE() << "cpack made no .deb\n" << r.output;
    return {};
}

TEST(Install, TheDebianPackageDependsOnTheLabsProgramsAndEveryLinkedLibrarysPackage)
{
    TempDir dir;
    const fs::path deb = build_package(dir);
    ASSERT_FALSE(deb.empty());
    auto depends = run_program_in(dir.path(), "/usr/bin/dpkg-deb", {"-f", deb.string(), "Depends"});
    ASSERT_EQ(depends.status, 0) << depends.output;
    std::set<std::string> listed;
    std::istringstream in(std::regex_replace(depends.output, std::regex(R"(\([^)]*\)|,)"), " "));
    for (std::string p; in >> p;) listed.insert(p);
    for (const std::string program : {"nsd", "unbound"}) EXPECT_TRUE(listed.count(program)) << program;
    const auto libraries = packages_of_linked_libraries();
    EXPECT_GE(libraries.size(), 6u);
    for (const auto& p : libraries) EXPECT_TRUE(listed.count(p)) << p << " is linked but not in Depends: " << depends.output;
}

TEST(Install, TheDebianPackageUnpackedIntoAScratchRootRunsAScenario)
{
    TempDir dir, root, elsewhere;
    const fs::path deb = build_package(dir);
    ASSERT_FALSE(deb.empty());
    auto unpack = run_program_in(dir.path(), "/usr/bin/dpkg-deb", {"-x", deb.string(), root.path().string()});
    ASSERT_EQ(unpack.status, 0) << unpack.output;
    const fs::path rollsim = root / "usr/bin/rollsim";
    ASSERT_TRUE(fs::is_regular_file(rollsim));
    EXPECT_TRUE(fs::is_regular_file(root / "usr/share/man/man1/rollsim.1.gz"));
    // The daemons' clock library, in the package's private library directory, where the
    // installed program looks for it first (lab/tools.hpp).
    bool clock_library = false;
    for (const auto& e : fs::recursive_directory_iterator(root / "usr/lib"))
        clock_library |= e.path().filename() == "librollsim_vclock.so" && e.path().parent_path().filename() == "rollsim";
    EXPECT_TRUE(clock_library) << "no usr/lib/.../rollsim/librollsim_vclock.so in the package";
    // The scratch root's program, its scenario and its zone template, from another directory.
    const fs::path scenario = root / "usr/share/rollsim/scenarios/basics/ds-digest-mismatch.yaml";
    const fs::path report = elsewhere / "report.json";
    auto r = run_program_in(elsewhere.path(), rollsim.string(), {"run", scenario.string(), "--report-json", report.string()});
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "Result: PASS")) << r.output;
    expect_every_expectation_passed(read_json(report));
    auto version = run_program_in(elsewhere.path(), rollsim.string(), {"--version"});
    EXPECT_EQ(version.output, "rollsim " ROLLSIM_VERSION "\n");
}

}  // namespace
}  // namespace rollsim::test
