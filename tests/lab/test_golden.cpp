// Golden observation tables: for a sample of the catalog (the basics, faults, rollovers, a
// parent agent and a trust-anchor roll), what the real resolvers answered at every probe, the
// failure windows, the predicted windows and every expectation's verdict, compared line by line
// with tests/golden/NAME.txt. Key tags and signature bytes are left out (they are not part of
// what a refactoring must keep); everything else a run observes is in.
//
// A change that must not alter behaviour (a refactoring) proves it by these files staying as
// they are. A change that alters behaviour on purpose rewrites them with
//     ROLLSIM_UPDATE_GOLDEN=1 ctest -R lab.Golden
// and the diff shows, in the commit, exactly what changed. `rollsim plan` of every scenario
// with a planned rollover is kept the same way (tests/golden/plan/).
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace rollsim::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSample = {
    "scenarios/basics/ds-digest-mismatch.yaml",
    "scenarios/basics/healthy-chain.yaml",
    "scenarios/basics/signer-outage.yaml",
    "scenarios/basics/zsk-swap-no-prepublish.yaml",
    "scenarios/faults/algorithm-roll-rrsig-missing-one-algorithm.yaml",
    "scenarios/faults/corrupted-signature.yaml",
    "scenarios/faults/dnskey-removed.yaml",
    "scenarios/faults/ds-missing.yaml",
    "scenarios/faults/expired-rrsig.yaml",
    "scenarios/faults/nsec3-iterations.yaml",
    "scenarios/faults/rrsig-unknown-key.yaml",
    "scenarios/faults/server-down.yaml",
    "scenarios/faults/validator-clock-skew.yaml",
    "scenarios/rollovers/ksk-double-ds-too-short.yaml",
    "scenarios/rollovers/ksk-double-rrset.yaml",
    "scenarios/rollovers/zsk-prepublish-too-short.yaml",
    "scenarios/rollovers/turn-insecure-too-short.yaml",
    "scenarios/parent-agent/ksk-double-ds-cds-refused.yaml",
    "scenarios/trust-anchors/root-ksk-holddown-skipped.yaml",
};

std::string golden_name(const std::string& scenario)
{
    std::string name = fs::path(scenario).parent_path().filename().string() + "-" + fs::path(scenario).stem().string();
    return name;
}

class Golden : public testing::TestWithParam<std::string> {};

TEST_P(Golden, ObservationsAndVerdictsAreUnchanged)
{
    const std::string scenario = GetParam();
    TempDir dir;
    const auto json = dir / "report.json";
    const CliResult r = run_rollsim({"run", scenario, "--quiet", "--report-json", json.string()});
    ASSERT_TRUE(r.status == 0 || r.status == 1) << r.output;
    const std::string actual = golden_text(read_json(json));
    const fs::path file = fs::path(repo_path("tests/golden")) / (golden_name(scenario) + ".txt");
    const char* update = std::getenv("ROLLSIM_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        write_file(file, actual);
        GTEST_SKIP() << "rewrote " << file;
    }
    ASSERT_TRUE(fs::exists(file)) << file << " is missing; write it with ROLLSIM_UPDATE_GOLDEN=1";
    const std::string expected = read_file(file);
    if (actual == expected) return;
    // The first differing line, to read without a diff tool.
    std::istringstream a(actual), e(expected);
    std::string la, le;
    for (int line = 1;; ++line) {
        const bool more_a = static_cast<bool>(std::getline(a, la)), more_e = static_cast<bool>(std::getline(e, le));
        if (!more_a && !more_e) break;
        if (la != le || more_a != more_e) {
            ADD_FAILURE() << file.string() << ":" << line << ": expected\n  " << (more_e ? le : "(end)")
                          << "\nbut the run gave\n  " << (more_a ? la : "(end)");
            break;
        }
    }
}

std::string test_name(const testing::TestParamInfo<std::string>& info)
{
    std::string name = golden_name(info.param);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Catalog, Golden, testing::ValuesIn(kSample), test_name);

// `rollsim plan` of every scenario with a planned rollover: the schedule, its RFC 7583
// intervals and the lint, byte for byte (tests/golden/plan/NAME.txt).
std::vector<std::string> planned_scenarios()
{
    std::vector<std::string> out;
    for (const char* dir : {"scenarios/rollovers", "scenarios/parent-agent", "scenarios/trust-anchors",
                            "scenarios/calendars"})
        for (const auto& entry : fs::directory_iterator(repo_path(dir)))
            if (entry.path().extension() == ".yaml")
                out.push_back(std::string(dir) + "/" + entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

class GoldenPlan : public testing::TestWithParam<std::string> {};

TEST_P(GoldenPlan, ScheduleAndLintAreUnchanged)
{
    const std::string scenario = GetParam();
    const CliResult r = run_rollsim({"plan", scenario});
    ASSERT_EQ(r.status, 0) << r.output;
    const fs::path file = fs::path(repo_path("tests/golden/plan")) / (golden_name(scenario) + ".txt");
    const char* update = std::getenv("ROLLSIM_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        fs::create_directories(file.parent_path());
        write_file(file, r.output);
        GTEST_SKIP() << "rewrote " << file;
    }
    ASSERT_TRUE(fs::exists(file)) << file << " is missing; write it with ROLLSIM_UPDATE_GOLDEN=1";
    EXPECT_EQ(r.output, read_file(file)) << "rollsim plan " << scenario << " differs from " << file;
}

INSTANTIATE_TEST_SUITE_P(Catalog, GoldenPlan, testing::ValuesIn(planned_scenarios()), test_name);

}  // namespace
}  // namespace rollsim::test
