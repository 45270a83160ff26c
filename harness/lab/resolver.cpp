// The warm resolver role (lab/resolver.hpp): the daemon every kind is, the table of kinds, and
// what each kind's file uses (lab/resolver_kit.hpp).
#include "lab/resolver.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "dns/query.hpp"
#include "lab/resolver_kit.hpp"
#include "scenario/names.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kStartupDeadline = 10s;
constexpr auto kLogGrace = 100ms;     // for a failure's log line, after the answer
constexpr auto kLogPoll = 5ms;        // between reads of the log within it

using StartFunction = std::unique_ptr<ResolverDaemon> (*)(const DaemonStart&);

// One row a daemon kind: a fifth kind adds its file and its row here.
struct DaemonKind {
    scenario::ResolverKind kind;
    StartFunction start;
};

constexpr DaemonKind kDaemonKinds[] = {
    {scenario::ResolverKind::Unbound, start_unbound},
    {scenario::ResolverKind::Bind, start_bind_resolver},
    {scenario::ResolverKind::KnotResolver, start_knot_resolver},
    {scenario::ResolverKind::PdnsRecursor, start_pdns_recursor},
};

// Returns once the daemon answers `ping` from its own data with NOERROR; LabError with the
// log's tail when it exits or the deadline passes.
void wait_until_answering(Process& process, const std::string& program, const std::string& address,
                          const ResolverDaemon::Ping& ping, const fs::path& log)
{
    dns::QueryOptions options;
    options.qclass = ping.qclass;
    options.recursion_desired = ping.recursion_desired;
    options.dnssec_ok = false;
    options.timeout = 250ms;
    options.attempts = 1;
    const auto deadline = std::chrono::steady_clock::now() + kStartupDeadline;
    for (;;) {
        if (!process.running())
            throw LabError(program + " on " + address + " exited during startup (log " + log.string() + "):\n" +
                           process.log_tail());
        const auto answer = dns::query(address, ping.qname, ping.qtype, options);
        if (!answer.timed_out && answer.rcode == dns::Rcode::NoError) return;
        if (std::chrono::steady_clock::now() >= deadline)
            throw LabError(program + " on " + address + " did not answer within " +
                           std::to_string(kStartupDeadline.count()) + " s (log " + log.string() + "):\n" +
                           process.log_tail());
        std::this_thread::sleep_for(ping.every);  // between readiness probes, not a synchronisation wait
    }
}

}  // namespace

ResolverDaemon::ResolverDaemon(const Tools& tools, const fs::path& dir, std::string address, Seconds clock_offset,
                               TimePoint virtual_now)
    : m_dir(prepare_directory(dir)),
      m_address(std::move(address)),
      m_clock_offset(clock_offset),
      m_clock(m_dir, tools.vclock_library)
{
    set_time(virtual_now);
}

ResolverDaemon::ResolverDaemon(const DaemonStart& start)
    : ResolverDaemon(start.tools, start.dir, start.address, start.profile.clock_offset, start.virtual_now)
{
    write_lab_file(m_dir / "root.hints", with_final_newline(start.setup.root_hints));
}

ResolverDaemon::~ResolverDaemon() = default;

void ResolverDaemon::set_time(TimePoint virtual_now)
{
    // The profile's clock error: the daemon believes it is virtual_now + offset.
    m_clock.set(virtual_now + m_clock_offset);
}

bool ResolverDaemon::running() { return m_process && m_process->running(); }

std::string ResolverDaemon::log_tail(std::size_t lines) const
{
    return m_process ? m_process->log_tail(lines) : std::string();
}

void ResolverDaemon::follow_log(const fs::path& file) { m_log = std::make_unique<LogFollower>(file); }

std::string ResolverDaemon::reason_in(const std::vector<std::string>&) const { return ""; }

void ResolverDaemon::explain(dns::ResolverAnswer& answer)
{
    if (!m_log) return;
    // Read on every probe, so that a failure is explained by the lines of its own query.
    auto lines = m_log->new_lines();
    if (!answer.rcode || !answer.failed()) return;
    std::string reason = reason_in(lines);
    // A daemon may write its line just after it answered (named logs "bad cache hit" so): a
    // failure the lines do not explain yet gets a moment for the line to come. An answer from a
    // cache of failures has none and costs the whole moment.
    const auto deadline = std::chrono::steady_clock::now() + kLogGrace;
    while (reason.empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(kLogPoll);
        const auto more = m_log->new_lines();
        lines.insert(lines.end(), more.begin(), more.end());
        if (!more.empty()) reason = reason_in(lines);
    }
    if (!reason.empty()) answer.reason = std::move(reason);
}

std::string ResolverDaemon::control(const std::string& program, const std::vector<std::string>& args) const
{
    ProcessSpec spec;
    spec.program = program;
    spec.args = args;
    spec.env = m_clock.environment();
    std::string output;
    if (run_command(spec, output) != 0) {
        std::string command = fs::path(program).filename().string();
        for (const auto& a : args) command += " " + a;
        throw LabError(command + " failed for the resolver on " + m_address + ": " + output);
    }
    return output;
}

void ResolverDaemon::wake() {}

std::string ResolverDaemon::auto_trust_anchor_state() const { return ""; }

void ResolverDaemon::launch(ProcessSpec spec, const std::string& program, const Ping& ping)
{
    // The virtual clock (vclock/): the wall clock shifted, the monotonic clock on which event
    // loops and timeouts run left real.
    for (auto& [name, value] : m_clock.environment()) spec.env[name] = value;
    m_process.emplace(spec);
    wait_until_answering(*m_process, program, m_address, ping, spec.log);
}

std::unique_ptr<ResolverDaemon> start_resolver(const Tools& tools, const fs::path& dir, const std::string& address,
                                               const ResolverSetup& setup, const scenario::ResolverSpec& profile,
                                               TimePoint virtual_now)
{
    for (const auto& row : kDaemonKinds)
        if (row.kind == profile.kind) return row.start({tools, dir, address, setup, profile, virtual_now});
    throw LabError("resolver '" + profile.name + "' is " + std::string(scenario::to_string(profile.kind)) +
                   ", which is not a daemon of the lab");
}

fs::path prepare_directory(const fs::path& dir)
{
    std::error_code ec;
    fs::path absolute = fs::absolute(dir, ec);
    if (!ec) fs::create_directories(absolute, ec);
    if (ec) throw LabError("cannot create the resolver directory " + dir.string() + ": " + ec.message());
    return absolute;
}

void write_lab_file(const fs::path& file, const std::string& text)
{
    if (auto error = rollsim::write_file_atomically(file, text)) throw LabError(*error);
}

std::string with_final_newline(std::string text)
{
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text;
}

std::vector<DsRecord> ds_records(const std::string& text)
{
    std::vector<DsRecord> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string field; in >> field;) f.push_back(field);
        if (f.empty() || f[0][0] == ';') continue;
        std::size_t type = 1;
        while (type < f.size() && f[type] != "DS") ++type;
        if (type + 4 > f.size()) throw LabError("not a DS record in the trust anchor: '" + line + "'");
        DsRecord ds;
        ds.owner = f[0];
        try {
            ds.key_tag = std::stoi(f[type + 1]);
            ds.algorithm = std::stoi(f[type + 2]);
            ds.digest_type = std::stoi(f[type + 3]);
        } catch (const std::exception&) {
            throw LabError("not a DS record in the trust anchor: '" + line + "'");
        }
        for (std::size_t i = type + 4; i < f.size(); ++i) ds.digest += f[i];
        out.push_back(std::move(ds));
    }
    if (out.empty()) throw LabError("the trust anchor holds no DS record");
    return out;
}

LogFollower::LogFollower(fs::path file) : m_file(std::move(file)) {}

std::vector<std::string> LogFollower::new_lines()
{
    std::vector<std::string> out;
    std::ifstream in(m_file, std::ios::binary);
    if (!in) return out;
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::uintmax_t>(in.tellg());
    if (size < m_offset) m_offset = 0;  // the file was replaced
    in.seekg(static_cast<std::streamoff>(m_offset));
    std::string line;
    // Only whole lines: a line still being written is read at the next call.
    while (std::getline(in, line) && !in.eof()) {
        m_offset += line.size() + 1;
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace rollsim::lab
