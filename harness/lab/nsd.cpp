// A throwaway NSD: one zone (or a pool's zones), one loopback address, remote control over a
// unix socket.
#include "lab/nsd.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/temp_dir.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "dns/query.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string_view>
#include <sstream>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace rollsim::lab {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kServeDeadline = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr auto kProbeTimeout = std::chrono::milliseconds(250);
// If a reloaded serial does not show within this, ask for the reload again.
constexpr auto kReloadRetry = std::chrono::milliseconds(1000);
// A pool server loads every zone of the pool before it answers: more time per zone it serves.
constexpr auto kServeDeadlinePerZone = std::chrono::milliseconds(20);

std::string one_line(std::string text)
{
    for (char& c : text)
        if (c == '\n' || c == '\r') c = '|';
    return text;
}

std::string quoted(const std::filesystem::path& path)
{
    std::string text = path.string();
    if (text.find_first_of("\"\n") != std::string::npos)
        throw LabError("unusable path for nsd.conf (contains a quote or newline): " + text);
    return "\"" + text + "\"";
}

std::string zone_file_name(const std::string& zone)
{
    std::string name = zone;
    while (!name.empty() && name.back() == '.') name.pop_back();
    if (name.empty()) return "root.zone";
    for (char& c : name)
        if (c == '/' || c == '\\' || c == ' ') c = '_';
    return name + ".zone";
}

// Replaces `path` whole (NSD never reads a half-written file), with an mtime NSD sees as new.
void write_file(const std::filesystem::path& path, const std::string& text)
{
    if (auto error = write_file_atomically(path, text, {.newer_mtime = true})) throw LabError(*error);
}

// The zone's SOA as the server at `address` serves it (no recursion, no DNSSEC records): one
// short try, as the readiness and reload checks poll.
dns::Response ask_soa(const std::string& address, const std::string& zone)
{
    dns::QueryOptions options;
    options.recursion_desired = false;
    options.dnssec_ok = false;
    options.timeout = kProbeTimeout;
    options.attempts = 1;
    return dns::query(address, zone, "SOA", options);
}

std::shared_ptr<const OwnedTempDir> make_short_dir()
{
    try {
        return std::make_shared<const OwnedTempDir>("/tmp", "rollsim-nsdctl-");
    } catch (const std::runtime_error& e) {
        throw LabError(std::string("NSD's control socket: ") + e.what());
    }
}

}  // namespace

NsdServer::NsdServer(const Tools& tools, std::filesystem::path dir, std::string address, std::string zone,
                     const std::string& zone_text, std::uint32_t serial, std::string primary,
                     std::vector<std::string> secondaries)
    : m_tools(tools), m_dir(std::move(dir)), m_address(std::move(address)), m_primary(std::move(primary)),
      m_secondaries(std::move(secondaries))
{
    if (zone.empty() || zone.back() != '.') zone += '.';
    m_zones.push_back({zone, {}, serial});
    prepare_dir();
    if (m_primary.empty()) write_file(m_zones.front().file, zone_text);
    launch();
}

NsdServer::NsdServer(const Tools& tools, std::filesystem::path dir, std::string address, std::vector<ZoneVersion> zones)
    : m_tools(tools), m_dir(std::move(dir)), m_address(std::move(address))
{
    if (zones.empty()) throw LabError("nsd at " + m_address + " has no zone to serve");
    for (const auto& z : zones) m_zones.push_back({z.zone, {}, z.serial});
    prepare_dir();
    for (std::size_t i = 0; i < zones.size(); ++i) write_file(m_zones[i].file, zones[i].text);
    launch();
}

// Creates the directory, names the files in it and writes nsd.conf; a fresh log per server, so
// that the load-error watch and log tails see only this server's runs (a restart appends, and
// watches from where the log ended).
void NsdServer::prepare_dir()
{
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    if (ec) throw LabError("cannot create " + m_dir.string() + ": " + ec.message());
    m_dir = std::filesystem::absolute(m_dir);
    m_conf = m_dir / "nsd.conf";
    for (auto& z : m_zones) z.file = m_dir / zone_file_name(z.name);

    // sun_path holds 108 bytes with the terminating NUL.
    std::filesystem::path control = m_dir / "nsd.ctl";
    if (control.string().size() >= sizeof(sockaddr_un::sun_path) - 1) {
        m_control_dir = make_short_dir();
        control = m_control_dir->path() / "nsd.ctl";
    }
    m_control = control;
    write_file(m_conf, conf_text());
    std::filesystem::remove(m_dir / "nsd.log", ec);
}

NsdServer::Served& NsdServer::served(const std::string& zone)
{
    for (auto& z : m_zones)
        if (z.name == zone) return z;
    throw LabError("nsd at " + m_address + " does not serve " + zone);
}

std::string NsdServer::conf_text() const
{
    std::ostringstream conf;
    conf << "# Written by rollsim for zone " << zone() << (m_zones.size() > 1 ? " and others" : "") << " at "
         << m_address << "\n"
         << "server:\n"
         << "    ip-address: " << m_address << "\n"
         << "    port: 53\n"
         << "    do-ip4: yes\n"
         << "    do-ip6: no\n"
         << "    server-count: 1\n"
         << "    reuseport: no\n"
         << "    verbosity: 1\n"
         << "    username: \"\"\n"
         << "    chroot: \"\"\n"
         << "    zonesdir: " << quoted(m_dir) << "\n"
         << "    database: \"\"\n"
         << "    zonelistfile: " << quoted(m_dir / "zone.list") << "\n"
         << "    pidfile: " << quoted(m_dir / "nsd.pid") << "\n"
         << "    xfrdfile: " << quoted(m_dir / "xfrd.state") << "\n"
         << "    xfrdir: " << quoted(m_dir) << "\n"
         << "    logfile: " << quoted(m_dir / "nsd.log") << "\n"
         // A lab's resolvers and probes all query from 127.x: no response rate limiting.
         << "    rrl-ratelimit: 0\n"
         << "    rrl-whitelist-ratelimit: 0\n"
         // Secondary zones are never written back; there are none, but keep NSD from trying.
         << "    zonefiles-write: 0\n"
         // A secondary serves each transfer at once: NSD otherwise lets a second of real time
         // pass between two reloads, which the lab's compressed time turns into a wait at
         // nearly every signer change (the runner waits for the serial before it goes on).
         << "    xfrd-reload-timeout: 0\n";
    conf << "remote-control:\n"
         << "    control-enable: yes\n"
         << "    control-interface: " << quoted(m_control) << "\n";
    for (const auto& z : m_zones)
        conf << "zone:\n"
             << "    name: \"" << z.name << "\"\n"
             << "    zonefile: " << quoted(z.file) << "\n";
    // Primary and secondaries: a server of one zone only (the zone above is the last).
    // A secondary of the zone's hidden primary (the operator's signer, lab/signer.hpp): told of
    // each change by NOTIFY, it asks for IXFR (AXFR when the primary offers no increment).
    if (!m_primary.empty())
        conf << "    request-xfr: " << m_primary << " NOKEY\n"
             << "    allow-notify: " << m_primary << " NOKEY\n";
    // A secondary asks for the transfer from whichever loopback address the kernel picks.
    // It NOTIFYs from its own address, the one its secondaries allow.
    if (!m_secondaries.empty())
        conf << "    provide-xfr: 127.0.0.0/8 NOKEY\n"
             << "    outgoing-interface: " << m_address << "\n";
    for (const auto& secondary : m_secondaries) conf << "    notify: " << secondary << " NOKEY\n";
    return conf.str();
}

std::optional<std::uint32_t> NsdServer::served_serial() const { return served_serial(zone()); }

std::optional<std::uint32_t> NsdServer::served_serial(const std::string& zone) const
{
    return ask_soa(m_address, zone).soa_serial;
}

namespace {

std::uintmax_t file_size_or_zero(const std::filesystem::path& path)
{
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
}

// Watches NSD's log from a given offset for its verdict on a zone file it failed to load, so
// a broken zone fails at once instead of at the deadline.
class LoadErrorWatch {
public:
    LoadErrorWatch(std::filesystem::path log, std::uintmax_t offset) : m_log(std::move(log)), m_offset(offset) {}

    bool failed()
    {
        std::ifstream in(m_log, std::ios::binary);
        if (!in) return false;
        in.seekg(static_cast<std::streamoff>(m_offset));
        std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // Only whole lines; a partial last line is read again next time.
        std::size_t end = chunk.rfind('\n');
        if (end == std::string::npos) return false;
        m_offset += end + 1;
        std::size_t pos = 0;
        while (pos <= end) {
            std::size_t eol = chunk.find('\n', pos);
            std::string_view line(chunk.data() + pos, eol - pos);
            // "zone ZONE file FILE read with N errors", for any zone the server serves.
            if (line.find("zone ") != std::string_view::npos && line.find(" file ") != std::string_view::npos &&
                line.find(" read with ") != std::string_view::npos && line.find(" errors") != std::string_view::npos)
                return true;
            pos = eol + 1;
        }
        return false;
    }

private:
    std::filesystem::path m_log;
    std::uintmax_t m_offset;
};

// NSD 4 runs as xfrd (the process we start), main, and `server-count` server processes, all
// with the command line we gave. A reload forks a new set of server processes while the old
// main and its servers keep answering from the old data until they have processed their quit
// command: a reply with the new serial does not mean the old data is gone. Once no more than
// this many processes remain, the old generation has exited.
constexpr std::size_t kSteadyProcessCount = 3;  // xfrd + main + 1 server (server-count: 1)

// What identifies this server's processes in /proc/PID/cmdline: the NUL-separated arguments
// "-c CONF" (exactly, not a suffix of a longer path).
std::string conf_marker(const std::filesystem::path& conf)
{
    return std::string("\0-c\0", 4) + conf.string() + std::string(1, '\0');
}

// Live processes whose command line contains `needle` (zombies have an empty command line).
// The runner sees the host's /proc, where the lab's processes appear with host pids.
std::size_t count_processes_mentioning(const std::string& needle)
{
    std::size_t count = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        // A process may exit while we read: read(2) then fails with ESRCH, which counts as
        // an empty command line (iostreams would throw from underflow instead).
        std::string cmdline;
        const UniqueFd fd(::open((it->path() / "cmdline").c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.valid()) {
            char buf[4096];
            ssize_t n;
            while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) cmdline.append(buf, static_cast<std::size_t>(n));
        }
        if (cmdline.find(needle) != std::string::npos) ++count;
    }
    return count;
}

std::string describe(const dns::Response& answer)
{
    if (answer.timed_out) return "no answer";
    if (answer.soa_serial) return "serial " + std::to_string(*answer.soa_serial);
    return dns::to_string(answer.rcode) + " without an SOA";
}

// Polls the served serials until each zone answers with its own and only the current
// generation of NSD processes runs (those whose command line has `conf_marker`). `nudge` runs
// each time kReloadRetry passes without success (may be empty). Throws LabError when the
// process dies, NSD reports that a zone file has errors, or time runs out.
void wait_for_serials_impl(const std::string& address, Process& process, const std::string& conf_marker,
                           std::vector<std::pair<std::string, std::uint32_t>> pending, LoadErrorWatch& load_errors,
                           const std::function<void()>& nudge, bool or_newer = false)
{
    const auto start = Clock::now();
    const auto deadline = start + kServeDeadline + kServeDeadlinePerZone * pending.size();
    auto next_nudge = start + kReloadRetry;
    std::size_t processes = 0;
    dns::Response answer;
    for (;;) {
        // The zones that serve their serial drop out; the first that does not ends this sweep.
        while (!pending.empty()) {
            const auto& [zone, serial] = pending.back();
            answer = ask_soa(address, zone);
            // RFC 1982 serial arithmetic: a secondary may serve a newer serial than asked.
            const bool newer = or_newer && answer.soa_serial && static_cast<std::int32_t>(*answer.soa_serial - serial) > 0;
            if (answer.soa_serial != serial && !newer) break;
            pending.pop_back();
        }
        // The new data is served; done once the previous generation is gone too.
        if (pending.empty() && (processes = count_processes_mentioning(conf_marker)) <= kSteadyProcessCount) return;
        const std::string what = "nsd for " + (pending.empty() ? std::string("its zones") : pending.back().first) +
                                 " at " + address;
        const std::string serial = pending.empty() ? "" : std::to_string(pending.back().second);
        if (!process.running())
            throw LabError(what + " exited; log: " + one_line(process.log_tail()));
        if (load_errors.failed())
            throw LabError(what + " could not load a zone file (serial " + serial + "); log: " +
                           one_line(process.log_tail()));
        auto now = Clock::now();
        if (now >= deadline) {
            const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - start).count();
            if (pending.empty())
                throw LabError(what + " serves the new serials but " + std::to_string(processes) +
                               " nsd processes still run after " + std::to_string(seconds) + " s (expected " +
                               std::to_string(kSteadyProcessCount) + " once a reload is over)");
            throw LabError(what + " did not serve serial " + serial + " within " + std::to_string(seconds) + " s (" +
                           describe(answer) + "); log: " + one_line(process.log_tail()));
        }
        if (nudge && now >= next_nudge) {
            nudge();
            next_nudge = Clock::now() + kReloadRetry;
        }
        // A poll interval between probes of a condition (no answer comes back at once while
        // nothing listens yet); not a synchronisation delay.
        std::this_thread::sleep_for(kPollInterval);
    }
}

}  // namespace

void NsdServer::wait_for_serials(std::uintmax_t log_offset)
{
    LoadErrorWatch load_errors(m_dir / "nsd.log", log_offset);
    std::vector<std::pair<std::string, std::uint32_t>> pending;
    for (const auto& z : m_zones) pending.emplace_back(z.name, z.serial);
    // A secondary serves what its primary has, which may be newer than asked.
    wait_for_serials_impl(m_address, *m_process, conf_marker(m_conf), std::move(pending), load_errors, {},
                          !m_primary.empty());
}

void NsdServer::launch()
{
    const std::filesystem::path log = m_dir / "nsd.log";
    const std::uintmax_t log_offset = file_size_or_zero(log);
    ProcessSpec spec;
    spec.program = m_tools.nsd;
    spec.args = {"-d", "-c", m_conf.string()};
    spec.log = log;
    // NSD is built with systemd support: keep it from talking to the runner's service manager.
    if (std::getenv("NOTIFY_SOCKET") != nullptr) spec.env["NOTIFY_SOCKET"] = "";
    m_process.emplace(spec);
    wait_for_serials(log_offset);
}

void NsdServer::publish(const std::string& zone_text, std::uint32_t serial)
{
    publish({ZoneVersion{zone(), zone_text, serial}});
}

void NsdServer::publish(const std::vector<ZoneVersion>& versions)
{
    if (versions.empty()) return;
    const std::uintmax_t log_offset = file_size_or_zero(m_dir / "nsd.log");
    std::vector<std::pair<std::string, std::uint32_t>> pending;
    for (const auto& v : versions) {
        auto& z = served(v.zone);
        write_file(z.file, v.text);
        z.serial = v.serial;
        pending.emplace_back(z.name, z.serial);
    }
    if (!m_process) return;  // stopped: the zone files are what start() loads
    // One zone: reload that zone's file. More: reload every zone file whose mtime changed.
    std::vector<std::string> args{"reload"};
    if (versions.size() == 1) args.push_back(versions.front().zone);
    auto reload = [&]() {
        try {
            control(args);
        } catch (const LabError& e) {
            throw LabError(std::string(e.what()) + "; nsd log: " + one_line(m_process->log_tail()));
        }
    };
    LoadErrorWatch load_errors(m_dir / "nsd.log", log_offset);
    reload();
    // NSD may skip a reload that races with one in progress; ask again if a serial lags.
    wait_for_serials_impl(m_address, *m_process, conf_marker(m_conf), std::move(pending), load_errors, reload);
}

void NsdServer::stop()
{
    if (!m_process) return;
    const std::string what = "nsd for " + zone() + " at " + m_address;
    // SIGTERM to the process we started (SIGKILL after a grace period); NSD's other processes
    // follow it down. They are not our children, so their exit is watched through /proc.
    m_process->stop();
    m_process.reset();
    const std::string marker = conf_marker(m_conf);
    const auto deadline = Clock::now() + kServeDeadline;
    std::size_t left = 0;
    while ((left = count_processes_mentioning(marker)) > 0) {
        if (Clock::now() >= deadline)
            throw LabError(what + ": " + std::to_string(left) + " nsd processes still run " +
                           std::to_string(kServeDeadline.count()) + " s after it was stopped");
        std::this_thread::sleep_for(kPollInterval);  // poll interval for a condition with a deadline
    }
    // Nothing may answer any more: a query (UDP, then TCP on truncation) must go unanswered.
    const auto answer = ask_soa(m_address, zone());
    if (!answer.timed_out)
        throw LabError(what + " was stopped but its address still answers (" + describe(answer) + ")");
}

void NsdServer::start()
{
    if (m_process) return;
    try {
        launch();
    } catch (...) {
        // Leave no half-started server behind: stopped, as before the call.
        try {
            stop();
        } catch (const LabError&) {
            // The start failure is what the caller needs to see.
        }
        throw;
    }
}


void NsdServer::wait_for_transfer(std::uint32_t serial)
{
    auto& z = m_zones.front();
    z.serial = serial;
    if (!m_process) return;
    LoadErrorWatch load_errors(m_dir / "nsd.log", file_size_or_zero(m_dir / "nsd.log"));
    // A NOTIFY may race with a transfer in progress: ask for the transfer again if it lags. The
    // primary may have signed again since it was asked: a newer serial is as good.
    auto transfer = [&]() { control({"transfer", z.name}); };
    wait_for_serials_impl(m_address, *m_process, conf_marker(m_conf), {{z.name, serial}}, load_errors, transfer, true);
}

void NsdServer::follow(const std::string& primary, std::uint32_t serial)
{
    if (primary == m_primary) return;
    // A secondary's copy becomes the file it serves as a primary of its own (lagging-secondary).
    if (primary.empty() && m_process) control({"write", zone()});
    m_primary = primary;
    write_file(m_conf, conf_text());
    // Back to a secondary: no copy of its own, so that it transfers the primary's whatever the
    // serials (its own copy may carry the primary's serial with other data).
    if (!m_primary.empty())
        for (const auto& file : {m_zones.front().file, m_dir / "xfrd.state"}) std::filesystem::remove(file);
    m_zones.front().serial = serial;
    if (!m_process) return;
    stop();
    start();
}

void NsdServer::control(const std::vector<std::string>& args)
{
    ProcessSpec spec;
    spec.program = m_tools.nsd_control;
    spec.args = {"-c", m_conf.string()};
    spec.args.insert(spec.args.end(), args.begin(), args.end());
    spec.log = m_dir / "nsd-control.log";
    std::string output;
    if (const int status = run_command(spec, output); status != 0)
        throw LabError("nsd-control " + join(args, " ") + " at " + m_address + " failed (status " + std::to_string(status) +
                       "): " + one_line(output));
}

}  // namespace rollsim::lab
