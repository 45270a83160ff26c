// A command monitor (docs/monitoring.md): the operator's own check, run through /bin/sh inside
// the lab's namespaces, in its own work directory, on the virtual clock (the daemons' preload
// library, so `date` and the program's own time checks read virtual time), with the lab's
// addresses in {placeholders} and ROLLSIM_* environment variables, and a wall-clock deadline.
#pragma once

#include "core/time.hpp"
#include "lab/tools.hpp"
#include "monitor/status.hpp"
#include "scenario/model.hpp"
#include "vclock/clock_file.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace rollsim::monitor {

// The placeholders' values at one instant, by name (scenario/monitor_words.hpp): "zone" ->
// "example.com.", "servers" -> "127.53.2.1 127.53.2.2", ...
using Placeholders = std::map<std::string, std::string>;

// "{zone} {resolver}" with every placeholder replaced by its value (an unknown one, which the
// parser refuses, is left as written).
std::string fill_placeholders(const std::string& command, const Placeholders& values);

// ROLLSIM_ZONE, ROLLSIM_SERVERS, ...: each placeholder as an environment variable
// ("trust-anchor" -> ROLLSIM_TRUST_ANCHOR), and ROLLSIM_MONITOR with the monitor's name.
std::map<std::string, std::string> placeholder_environment(const std::string& monitor, const Placeholders& values);

class CommandMonitor {
public:
    // Creates `dir` (the monitor's work directory) and its virtual clock file.
    CommandMonitor(const scenario::MonitorSpec& spec, const lab::Tools& tools, std::filesystem::path dir);

    // Runs the command once with the clock at `now` (virtual). Never throws for what the
    // command does: a missing program, a crash or a run past the deadline is UNKNOWN with its
    // output. `values` must hold "workdir" too.
    Check run(Seconds offset, TimePoint now, const Placeholders& values);

    const std::filesystem::path& dir() const { return m_dir; }

private:
    const scenario::MonitorSpec& m_spec;
    std::filesystem::path m_dir;
    vclock::VirtualClock m_clock;
};

// The first line of a plugin's output, and the output cut to at most a few KiB.
std::string first_line(const std::string& output);
std::string kept_output(const std::string& output);

}  // namespace rollsim::monitor
