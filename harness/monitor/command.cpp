#include "monitor/command.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "lab/process.hpp"

#include <chrono>

#include <fmt/format.h>

namespace rollsim::monitor {

namespace {

constexpr std::size_t kKeptOutput = 4096;

}  // namespace

std::string fill_placeholders(const std::string& command, const Placeholders& values)
{
    std::string out;
    std::size_t pos = 0;
    while (pos < command.size()) {
        const std::size_t open = command.find('{', pos);
        const std::size_t close = open == std::string::npos ? open : command.find('}', open);
        if (close == std::string::npos) break;
        out.append(command, pos, open - pos);
        const auto it = values.find(command.substr(open + 1, close - open - 1));
        out += it != values.end() ? it->second : command.substr(open, close - open + 1);
        pos = close + 1;
    }
    if (pos < command.size()) out.append(command, pos);
    return out;
}

std::map<std::string, std::string> placeholder_environment(const std::string& monitor, const Placeholders& values)
{
    std::map<std::string, std::string> env;
    for (const auto& [name, value] : values) {
        std::string var = "ROLLSIM_" + to_upper(name);
        for (char& c : var)
            if (c == '-') c = '_';
        env[var] = value;
    }
    env["ROLLSIM_MONITOR"] = monitor;
    return env;
}

std::string first_line(const std::string& output)
{
    const std::size_t start = output.find_first_not_of("\r\n");
    if (start == std::string::npos) return "";
    std::string line = output.substr(start, output.find_first_of("\r\n", start) - start);
    return line;
}

std::string kept_output(const std::string& output)
{
    if (output.size() <= kKeptOutput) return output;
    return output.substr(0, kKeptOutput) + "\n[... " + std::to_string(output.size() - kKeptOutput) + " bytes more]";
}

CommandMonitor::CommandMonitor(const scenario::MonitorSpec& spec, const lab::Tools& tools, std::filesystem::path dir)
    : m_spec(spec), m_dir((std::filesystem::create_directories(dir), dir)), m_clock(m_dir, tools.vclock_library, ".vclock")
{
}

Check CommandMonitor::run(Seconds offset, TimePoint now, const Placeholders& values)
{
    Check c;
    c.offset = offset;
    c.monitor = m_spec.name;
    m_clock.set(now);
    lab::ProcessSpec spec;
    spec.program = "/bin/sh";
    // The work directory is the command's current directory, HOME and TMPDIR: what it writes
    // with relative paths or temporary files stays there.
    spec.args = {"-c", "cd \"$ROLLSIM_WORKDIR\" || exit 3\n" + fill_placeholders(m_spec.command, values)};
    spec.env = placeholder_environment(m_spec.name, values);
    spec.env["HOME"] = m_dir.string();
    spec.env["TMPDIR"] = m_dir.string();
    for (const auto& [name, value] : m_clock.environment()) spec.env[name] = value;
    spec.log = m_dir / "output.log";
    // And the only place it may write: the rest of the lab (servers' zones and keys, other
    // monitors) and the host are read-only to it (lab/sandbox.hpp).
    spec.writable_only = std::filesystem::absolute(m_dir);
    std::string output;
    std::string not_started;
    const auto started = std::chrono::steady_clock::now();
    try {
        c.exit_status = lab::run_command(spec, output, std::chrono::duration_cast<std::chrono::milliseconds>(m_spec.timeout));
    } catch (const LabError& e) {
        c.exit_status = -1;
        output = not_started = e.what();
    }
    c.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    c.status = status_of_exit(c.exit_status);
    c.line = first_line(output);
    if (!not_started.empty()) {
        c.line = not_started;  // it never ran: the reason is the status line
    } else if (c.status == Status::Unknown && c.exit_status != 3) {
        // Not the plugin's own UNKNOWN: say what went wrong in the status line.
        const std::string why = c.exit_status == -1   ? fmt::format("no verdict within {}", format_duration(m_spec.timeout))
                                : c.exit_status == 127 ? "command not found (exit status 127)"
                                : c.exit_status > 128  ? fmt::format("killed by signal {}", c.exit_status - 128)
                                                       : fmt::format("exit status {} is not a plugin status", c.exit_status);
        c.line = c.line.empty() ? why : why + ": " + c.line;
    }
    c.output = kept_output(output);
    return c;
}

}  // namespace rollsim::monitor
