// Helpers for tests that drive the real rollsim binary, as a user or a CI job would.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace rollsim::test {

struct CliResult {
    int status = -1;     // exit status; -1 when killed or timed out
    std::string output;  // stdout and stderr together
};

// Runs `rollsim ARGS...` from the repository root with a deadline.
CliResult run_rollsim(const std::vector<std::string>& args,
                      std::chrono::seconds deadline = std::chrono::seconds(300));

// The same, with `input` fed to its standard input through a pipe (as `cat script | rollsim
// ...` would), for commands that read stdin (rollsim play).
CliResult run_rollsim_with_input(const std::vector<std::string>& args, const std::string& input,
                                 std::chrono::seconds deadline = std::chrono::seconds(300));

// Runs `program ARGS...` (an absolute path) in the directory `cwd` with a deadline: an
// installed rollsim, cmake, dpkg-deb, man.
CliResult run_program_in(const std::filesystem::path& cwd, const std::string& program,
                         const std::vector<std::string>& args,
                         std::chrono::seconds deadline = std::chrono::seconds(300));

// A fresh directory under the system temp directory, removed by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

// Whether `part` occurs in `text`.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
// A JSON report's string field holds `part`; false for any other JSON value (null included).
inline bool contains(const nlohmann::json& value, const std::string& part)
{
    return value.is_string() && contains(value.get<std::string>(), part);
}

std::string repo_path(const std::string& relative);
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);
nlohmann::json read_json(const std::filesystem::path& path);

// Observations of one resolver and query, from a JSON report.
std::vector<nlohmann::json> observations_of(const nlohmann::json& report, const std::string& resolver,
                                            const std::string& qname, const std::string& qtype);
// Failure windows of one resolver, from a JSON report.
std::vector<nlohmann::json> windows_of(const nlohmann::json& report, const std::string& resolver);

// Runs `rollsim run SCENARIO --report-json ...` (path relative to the repository root),
// expects `expected_status`, and returns the JSON report (an empty object, with a test
// failure recorded, when none was written).
nlohmann::json run_and_report(const std::string& scenario, int expected_status = 0);

// A JSON report as the golden tests compare it (tests/golden/): its result, observations,
// failure windows, predicted windows and verdicts, without what differs between two runs of the
// same scenario (the wall clock, the tags of keys generated anew, which server of a zone a
// validator's reason names).
std::string golden_text(const nlohmann::json& report);
// `text` with key tags and a zone's server address in it written as '#' and '*'.
std::string without_key_tags(std::string text);

// Every expectation of the report passed, and there was at least one.
void expect_every_expectation_passed(const nlohmann::json& report);

// Host processes whose command line mentions `needle`, each as "PID: command line".
std::vector<std::string> processes_mentioning(const std::string& needle);

// A daemon killed mid-run: runs `rollsim run <dir>/s.yaml ARGS...` on `scenario` (a scenario's
// text without `monitors:`; a monitor `gate`, run every 1d, is added, which holds the run at the
// virtual instant `hold_at`, e.g. "2027-03-11T00:00:00Z", until released). Once the run holds,
// SIGKILLs the processes whose command line mentions `victim` (exactly `victims` of them; 0: any
// number but at least one), waits until they are gone, releases the run and returns its result.
// A set-up that goes wrong is a test failure and a result with status -1.
CliResult run_killing_when_held(const std::filesystem::path& dir, const std::string& scenario,
                                const std::string& hold_at, const std::vector<std::string>& args,
                                const std::string& victim, std::size_t victims = 0,
                                std::chrono::minutes within = std::chrono::minutes(4));

// Polls `pred` until it holds or `deadline` has passed; returns whether it held. A condition
// wait with a deadline, not a fixed delay: `poll` is only the interval between checks.
template <typename Pred>
bool wait_for(Pred pred, std::chrono::milliseconds deadline,
              std::chrono::milliseconds poll = std::chrono::milliseconds(20))
{
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(poll);
    }
    return pred();
}

}  // namespace rollsim::test
