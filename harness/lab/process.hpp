// A lab process: spawned with Boost.Process, stdout/stderr to a log file, killed by the kernel
// when the runner dies (PR_SET_PDEATHSIG = SIGKILL), and stopped (SIGTERM, then SIGKILL after
// a deadline) when the object is destroyed.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rollsim::lab {

struct ProcessSpec {
    std::string program;  // absolute path
    std::vector<std::string> args;
    std::map<std::string, std::string> env;  // added to / overriding the runner's environment
    std::filesystem::path log;               // stdout and stderr go here (appended)
    // When set, the process may write only there (lab/sandbox.hpp), and it is not started at
    // all when that cannot be arranged: for operators' commands (monitors), not daemons.
    std::filesystem::path writable_only;
};

class Process {
public:
    explicit Process(const ProcessSpec& spec);  // throws LabError when it cannot be started
    Process(Process&&) noexcept;
    Process& operator=(Process&&) noexcept;
    ~Process();

    bool running();
    int pid() const;
    // SIGTERM, wait up to `grace`, then SIGKILL. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
    // Last lines of the log, for error messages.
    std::string log_tail(std::size_t max_lines = 5) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Runs a helper program (e.g. nsd-control) to completion with a deadline; returns its exit
// status and puts its combined output in `output`.
int run_command(const ProcessSpec& spec, std::string& output,
                std::chrono::milliseconds deadline = std::chrono::milliseconds(10000));

}  // namespace rollsim::lab
