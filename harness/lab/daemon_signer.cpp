// The daemon kinds' base (lab/signer_kit.hpp, DaemonSigner): what named and knotd as hidden
// primaries share, from their start to their log and their control tools.
#include "lab/signer_kit.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "lab/namespace.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The intervals between two checks of a condition: the first after a millisecond, each next
// one twice as long, up to kPoll. What a signer is waited for mostly comes within a few
// milliseconds (a log line after rndc loadkeys, a new serial after a reload), and a signer year
// waits hundreds of times: a first check at kPoll would add half of it to each wait.
constexpr auto kFirstPoll = std::chrono::milliseconds(1);
constexpr auto kPoll = std::chrono::milliseconds(20);

}  // namespace

DaemonSigner::DaemonSigner(const Tools& tools, const SignerSetup& setup, std::string program)
    : m_dir(prepare_directory(setup.dir)), m_address(setup.address), m_zone(setup.zone),
      m_clock(m_dir, tools.vclock_library), m_program(std::move(program))
{
}

void DaemonSigner::set_time(TimePoint virtual_now)
{
    m_now = virtual_now;
    m_clock.set(virtual_now);
}

void DaemonSigner::launch(const SignerSetup& setup, TimePoint virtual_now, ProcessSpec spec,
                          const std::string& log_name, const std::function<bool()>& first_run)
{
    write_lab_file(m_dir / "unsigned.zone", with_final_newline(setup.zone_text));
    add_loopback_address(m_address);
    set_time(virtual_now);
    spec.env = m_clock.environment();
    spec.env["TZ"] = "UTC";
    m_log_file = m_dir / log_name;
    spec.log = m_log_file;
    std::error_code ec;
    fs::remove(m_log_file, ec);  // a fresh log: what it says is this run's
    m_log.emplace(m_log_file);
    mark_log();
    m_process.emplace(spec);
    wait_until([&] { return serves_dnskey(m_address, m_zone) && first_run(); },
               fmt::format("{} to serve {} signed", m_program, m_zone));
}

void DaemonSigner::update_zone(const std::string& zone_text)
{
    const std::uint32_t before = signed_serial();
    write_lab_file(m_dir / "unsigned.zone", with_final_newline(zone_text));
    reload_zone();
    wait_until([&] { return served_serial(m_address, m_zone).value_or(before) != before; },
               fmt::format("{} to sign the new version of the zone (a serial other than {})", m_program, before));
}

std::uint32_t DaemonSigner::signed_serial() const
{
    if (auto serial = answered_serial(m_address, m_zone, std::chrono::duration_cast<std::chrono::seconds>(kActDeadline)))
        return *serial;
    throw died(fmt::format("{} does not answer SOA {}", m_program, m_zone));
}

bool DaemonSigner::running() { return m_process && m_process->running(); }

std::string DaemonSigner::log_tail(std::size_t lines) const { return m_process ? m_process->log_tail(lines) : ""; }

void DaemonSigner::wait_until(const std::function<bool()>& condition, const std::string& what,
                              std::chrono::milliseconds within)
{
    const auto deadline = Clock::now() + within;
    auto pause = kFirstPoll;
    while (!condition()) {
        if (!m_process->running()) throw died(fmt::format("it exited while waiting for {}", what));
        if (Clock::now() >= deadline)
            throw died(fmt::format("waited {:g} s for {}, in vain", within.count() / 1000.0, what));
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(kPoll));
    }
}

void DaemonSigner::mark_log()
{
    m_log->new_lines();
    m_logged.clear();
}

const std::vector<std::string>& DaemonSigner::logged()
{
    for (auto& line : m_log->new_lines()) m_logged.push_back(std::move(line));
    return m_logged;
}

std::size_t DaemonSigner::logged_count(const std::string& text)
{
    std::size_t seen = 0;
    for (const auto& line : logged()) seen += line.find(text) != std::string::npos ? 1 : 0;
    return seen;
}

std::string DaemonSigner::run_tool(const std::string& program, const fs::path& conf,
                                   const std::vector<std::string>& args) const
{
    ProcessSpec spec;
    spec.program = program;
    spec.args = {"-c", conf.string()};
    spec.args.insert(spec.args.end(), args.begin(), args.end());
    spec.env = m_clock.environment();
    spec.env["TZ"] = "UTC";
    std::string output;
    if (run_command(spec, output) != 0)
        throw died(fmt::format("{} {} failed: {}", fs::path(program).filename().string(), join(args, " "), output));
    return output;
}

LabError DaemonSigner::died(const std::string& what) const
{
    return LabError(fmt::format("the signer of {} ({} on {}): {}; its log {} ends:\n{}", m_zone, m_program, m_address,
                                what, m_log_file.string(), log_tail(10)));
}

}  // namespace rollsim::lab
