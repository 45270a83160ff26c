// The virtual clock (librollsim_vclock.so, vclock/clock_file.hpp) in real processes: date,
// Python and a small program of ours read the wall clock at real + offset from their next call
// after the offset changes, monotonic time stays real, and the kernel's receive timestamps
// follow the wall clock. Then the daemons the library is for, each started on 127.0.0.1 on a
// free high port with its clock a year ahead: named and knotd sign a zone with RRSIG inception
// at the virtual time (and rndc talks to named only under the same clock), kresd and
// pdns_recursor answer queries (pdns drops every query whose receive timestamp looks old).
#include "core/error.hpp"
#include "core/time.hpp"
#include "lab/process.hpp"
#include "lab/tools.hpp"
#include "rollsim_cli.hpp"
#include "vclock/clock_file.hpp"

#include <gtest/gtest.h>

#include <boost/process.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rollsim {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Env = std::map<std::string, std::string>;

constexpr auto kDays400 = std::chrono::hours(24 * 400);
constexpr auto kOneYear = std::chrono::hours(24 * 365);
constexpr double kSlack = 5.0;  // seconds between our reading of the clock and the process's
constexpr auto kDaemonDeadline = 30s;

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }
double real_now() { return seconds(std::chrono::system_clock::now().time_since_epoch()); }
double monotonic_now() { return seconds(std::chrono::steady_clock::now().time_since_epoch()); }

std::vector<double> numbers_in(const std::string& text)
{
    std::istringstream in(text);
    std::vector<double> numbers;
    for (double n; in >> n;) numbers.push_back(n);
    return numbers;
}

// Runs `program ARGS...` to completion with `env` added; returns its output, recording a test
// failure when it does not exit 0.
std::string output_of(const std::string& program, const std::vector<std::string>& args, const Env& env)
{
    lab::ProcessSpec spec{program, args, env, {}};
    std::string output;
    const int status = lab::run_command(spec, output);
    EXPECT_EQ(status, 0) << program << ": " << output;
    return output;
}

// A clock owned by the test, in the test's directory.
class VirtualClockProcess : public ::testing::Test {
protected:
    test::TempDir m_dir;
    vclock::VirtualClock m_clock{m_dir.path(), lab::locate_vclock_library()};
};

TEST_F(VirtualClockProcess, DateAndPythonReadRealTimePlusTheOffset)
{
    m_clock.set_offset(kDays400);
    const auto date = numbers_in(output_of("/bin/date", {"+%s"}, m_clock.environment()));
    ASSERT_EQ(date.size(), 1u);
    EXPECT_NEAR(date[0], real_now() + seconds(kDays400), kSlack);

    const auto python = numbers_in(output_of(
        "/usr/bin/python3", {"-c", "import time; print(time.time(), time.monotonic())"}, m_clock.environment()));
    ASSERT_EQ(python.size(), 2u);
    EXPECT_NEAR(python[0], real_now() + seconds(kDays400), kSlack);
    // CLOCK_MONOTONIC is one clock for every process: the test's steady_clock reads it too.
    EXPECT_NEAR(python[1], monotonic_now(), kSlack);
}

TEST_F(VirtualClockProcess, WithoutAMappableFileTheClockIsReal)
{
    m_clock.set_offset(kDays400);
    Env env = m_clock.environment();
    env["ROLLSIM_VCLOCK_FILE"] = (m_dir / "no-such-file").string();
    const auto missing = numbers_in(output_of("/bin/date", {"+%s"}, env));
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_NEAR(missing[0], real_now(), kSlack);

    env.erase("ROLLSIM_VCLOCK_FILE");
    const auto unset = numbers_in(output_of("/bin/date", {"+%s"}, env));
    ASSERT_EQ(unset.size(), 1u);
    EXPECT_NEAR(unset[0], real_now(), kSlack);
}

// vclock_check clock under the library: one line in, one line of clock readings out.
class ClockReader {
public:
    explicit ClockReader(const Env& extra, const std::string& mode = "clock")
    {
        // The variables through env(1), not Boost.Process's environment class (whose lookup
        // reads past its entries: lab/process.cpp).
        std::vector<std::string> args;
        for (const auto& [name, value] : extra) args.push_back(name + "=" + value);
        args.insert(args.end(), {ROLLSIM_VCLOCK_CHECK, mode});
        m_child = bp::child(bp::exe = "/usr/bin/env", bp::args = args, bp::std_in < m_to, bp::std_out > m_from);
    }
    ~ClockReader()
    {
        m_to.pipe().close();
        std::error_code ec;
        m_child.wait(ec);
    }
    // REALTIME, REALTIME_COARSE, TAI, gettimeofday, time, timespec_get, MONOTONIC.
    std::vector<double> read()
    {
        send("now");
        return receive();
    }
    void send(const std::string& line) { m_to << line << std::endl; }
    std::vector<double> receive()
    {
        std::string line;
        std::getline(m_from, line);
        return numbers_in(line);
    }

private:
    bp::opstream m_to;
    bp::ipstream m_from;
    bp::child m_child;
};

// Every wall clock reading of `readings` is `expected` (TAI: up to the 37 s TAI-UTC offset
// the kernel may apply), and monotonic time is real.
void expect_wall_clock_at(const std::vector<double>& readings, double expected, const std::string& when)
{
    ASSERT_EQ(readings.size(), 7u) << when;
    for (const std::size_t i : {0u, 1u, 3u, 4u, 5u}) EXPECT_NEAR(readings[i], expected, kSlack) << when << " #" << i;
    EXPECT_NEAR(readings[2], expected, kSlack + 37) << when << " CLOCK_TAI";
    EXPECT_NEAR(readings[6], monotonic_now(), kSlack) << when << " CLOCK_MONOTONIC";
}

TEST_F(VirtualClockProcess, ARunningProcessSeesANewOffsetAtItsNextCall)
{
    ClockReader reader(m_clock.environment());
    expect_wall_clock_at(reader.read(), real_now(), "offset 0");
    m_clock.set_offset(kDays400);
    expect_wall_clock_at(reader.read(), real_now() + seconds(kDays400), "offset +400 days");
    m_clock.set_offset(-std::chrono::hours(24 * 30) + 500ms);
    expect_wall_clock_at(reader.read(), real_now() - 30 * 86400 + 0.5, "offset -30 days + 0.5 s");
}

// A wait on a wall-clock condition variable ends when the virtual clock reaches its deadline:
// at once when the clock jumps past it during the wait (named's timer thread waits so).
TEST_F(VirtualClockProcess, ConditionWaitsEndAtTheirVirtualDeadline)
{
    ClockReader waiter(m_clock.environment(), "condwait");
    m_clock.set_offset(kDays400);
    waiter.send(fmt::format("{:.3f}", real_now() + seconds(kDays400) + 0.2));
    auto waited = waiter.receive();
    ASSERT_EQ(waited.size(), 1u);
    EXPECT_NEAR(waited[0], 0.2, 2.0) << "a deadline 0.2 s ahead on a clock 400 days ahead";
    waiter.send(fmt::format("{:.3f}", real_now() + seconds(kDays400) + 3600));
    m_clock.set_offset(kDays400 + std::chrono::hours(2));
    waited = waiter.receive();
    ASSERT_EQ(waited.size(), 1u);
    EXPECT_LT(waited[0], 2.0) << "a deadline an hour ahead, the clock moved two hours on";
}

TEST_F(VirtualClockProcess, ReceiveTimestampsAreOnTheVirtualClock)
{
    m_clock.set_offset(kDays400);
    const auto shifted = output_of(ROLLSIM_VCLOCK_CHECK, {"timestamp"}, m_clock.environment());
    double ns = 0, us = 0;
    ASSERT_EQ(std::sscanf(shifted.c_str(), "timestampns %lf timestamp %lf", &ns, &us), 2) << shifted;
    EXPECT_NEAR(ns, real_now() + seconds(kDays400), kSlack) << "SO_TIMESTAMPNS through recvmsg";
    EXPECT_NEAR(us, real_now() + seconds(kDays400), kSlack) << "SO_TIMESTAMP through recvmmsg";

    const auto real = output_of(ROLLSIM_VCLOCK_CHECK, {"timestamp"}, {});
    ASSERT_EQ(std::sscanf(real.c_str(), "timestampns %lf timestamp %lf", &ns, &us), 2) << real;
    EXPECT_NEAR(ns, real_now(), kSlack);
    EXPECT_NEAR(us, real_now(), kSlack);
}

// Sets an environment variable for the scope, restoring what was there.
class ScopedVariable {
public:
    ScopedVariable(const char* name, const char* value) : m_name(name)
    {
        if (const char* old = std::getenv(name)) m_old = old;
        ::setenv(name, value, 1);
    }
    ~ScopedVariable()
    {
        if (m_old) ::setenv(m_name, m_old->c_str(), 1);
        else ::unsetenv(m_name);
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

TEST(VirtualClockLibrary, FoundBesideTheBuildOrWhereTheVariableSays)
{
    {
        ScopedVariable unset("ROLLSIM_VCLOCK_LIBRARY", "");
        const fs::path found = lab::locate_vclock_library();
        EXPECT_EQ(found.filename(), "librollsim_vclock.so");
        EXPECT_TRUE(fs::exists(found)) << found;
    }
    ScopedVariable missing("ROLLSIM_VCLOCK_LIBRARY", "/nonexistent/librollsim_vclock.so");
    try {
        lab::locate_vclock_library();
        ADD_FAILURE() << "accepted ROLLSIM_VCLOCK_LIBRARY=/nonexistent/librollsim_vclock.so";
    } catch (const LabError& e) {
        EXPECT_EQ(e.code(), ExitCode::LabFailed);
        EXPECT_NE(std::string(e.what()).find("ROLLSIM_VCLOCK_LIBRARY=/nonexistent/librollsim_vclock.so: no such"),
                  std::string::npos)
            << e.what();
    }
}

// ---- daemons ---------------------------------------------------------------------------------

// A port on 127.0.0.1 free for both UDP and TCP when asked (the daemon binds it a moment later).
int free_port()
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
        const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        bool ok = ::bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(tcp, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
                  ::bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        ::close(tcp);
        ::close(udp);
        if (ok) return ntohs(address.sin_port);
    }
    throw std::runtime_error("no free port on 127.0.0.1");
}

// dig's answer section (one record a line, fields separated by white space), empty when the
// server did not answer NOERROR.
std::string dig(int port, const std::string& name, const std::string& type, bool recursion)
{
    lab::ProcessSpec spec;
    spec.program = lab::locate_program("dig", "ROLLSIM_DIG", "bind9-dnsutils");
    spec.args = {"@127.0.0.1", "-p", std::to_string(port), recursion ? "+rec" : "+norec", "+dnssec",
                 "+tries=1",   "+time=1", "+noall", "+answer", "+comments", name, type};
    std::string output;
    if (lab::run_command(spec, output) != 0 || output.find("status: NOERROR") == std::string::npos) return "";
    const auto answer = output.find(";; ANSWER SECTION:");
    return answer == std::string::npos ? "" : output.substr(answer);
}

struct Rrsig {
    TimePoint expiration;
    TimePoint inception;
};

TimePoint rrsig_time(const std::string& text)  // YYYYMMDDHHmmSS, RFC 4034 section 3.2
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (std::sscanf(text.c_str(), "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) != 6)
        throw std::runtime_error("bad RRSIG time " + text);
    const auto day = std::chrono::sys_days(std::chrono::year(y) / mo / d);
    return TimePoint(day.time_since_epoch()) + std::chrono::hours(h) + std::chrono::minutes(mi) +
           std::chrono::seconds(s);
}

// The RRSIG covering `type` in a dig answer section.
std::optional<Rrsig> rrsig_over(const std::string& answer, const std::string& type)
{
    std::istringstream lines(answer);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string field; in >> field;) f.push_back(field);
        // owner ttl class RRSIG covered algorithm labels original-ttl expiration inception ...
        if (f.size() > 9 && f[3] == "RRSIG" && f[4] == type) return Rrsig{rrsig_time(f[8]), rrsig_time(f[9])};
    }
    return std::nullopt;
}

constexpr const char* kZone =
    "$TTL 300\n"
    "@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 604800 300\n"
    "@ IN NS ns1.example.test.\n"
    "ns1 IN A 127.0.0.1\n"
    "www IN A 192.0.2.1\n";

// A daemon on a free port whose clock runs a year ahead of the real one.
class VirtualClockDaemon : public VirtualClockProcess {
protected:
    void SetUp() override { m_clock.set_offset(kOneYear); }

    // Starts `program ARGS...` under the clock, its output in `log_name` in the test directory.
    lab::Process& start(const std::string& program, std::vector<std::string> args, const std::string& log_name)
    {
        m_process.emplace(lab::ProcessSpec{program, std::move(args), m_clock.environment(), m_dir / log_name});
        return *m_process;
    }

    // Polls `query` until it returns a non-empty answer or the daemon exits or the deadline
    // passes; returns the last answer.
    template <typename Query>
    std::string wait_for_answer(Query query)
    {
        std::string answer;
        test::wait_for([&] { return !m_process->running() || !(answer = query()).empty(); }, kDaemonDeadline, 50ms);
        EXPECT_FALSE(answer.empty()) << "no answer within " << kDaemonDeadline.count() << " s; log:\n"
                                     << m_process->log_tail(20);
        return answer;
    }

    // The zone's SOA RRSIG is inception within two days before the virtual now, far from the
    // real one, and expires after the virtual now.
    void expect_signed_at_virtual_time(const std::string& answer)
    {
        const auto rrsig = rrsig_over(answer, "SOA");
        ASSERT_TRUE(rrsig) << "no RRSIG over the SOA in\n" << answer;
        const auto real = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const TimePoint virtual_now = real + kOneYear;
        EXPECT_GT(rrsig->inception, virtual_now - 48h) << answer;
        EXPECT_LT(rrsig->inception, virtual_now + 1h) << answer;
        EXPECT_GT(rrsig->expiration, virtual_now) << answer;
    }

    int m_port = free_port();
    std::optional<lab::Process> m_process;
};

TEST_F(VirtualClockDaemon, NamedSignsAtTheVirtualTimeAndRndcNeedsTheSameClock)
{
    const int control = free_port();
    const std::string dir = m_dir.path().string();
    const std::string key = "key \"rndc-key\" { algorithm hmac-sha256; secret \"" +
                            std::string("c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=") + "\"; };\n";
    test::write_file(m_dir / "example.test.db", kZone);
    test::write_file(m_dir / "named.conf",
                     "options { directory \"" + dir + "\"; listen-on port " + std::to_string(m_port) +
                         " { 127.0.0.1; }; listen-on-v6 { none; }; pid-file none; session-keyfile none;"
                         " recursion no; dnssec-validation no; };\n" +
                         key + "controls { inet 127.0.0.1 port " + std::to_string(control) +
                         " allow { 127.0.0.1; } keys { \"rndc-key\"; }; };\n"
                         "zone \"example.test\" { type primary; file \"example.test.db\";"
                         " dnssec-policy default; inline-signing yes; };\n");
    test::write_file(m_dir / "rndc.conf", key + "options { default-key \"rndc-key\"; default-server 127.0.0.1;"
                                                " default-port " + std::to_string(control) + "; };\n");
    start(lab::locate_program("named", "ROLLSIM_NAMED", "bind9"),
          {"-g", "-n", "1", "-c", (m_dir / "named.conf").string()}, "named.log");

    const auto answer = wait_for_answer([&] {
        const auto a = dig(m_port, "example.test.", "SOA", false);
        return rrsig_over(a, "SOA") ? a : "";
    });
    expect_signed_at_virtual_time(answer);

    // rndc signs its commands with the time; named refuses them with "clock skew" from a
    // client whose clock differs.
    const auto rndc = lab::locate_program("rndc", "ROLLSIM_RNDC", "bind9-utils");
    const std::vector<std::string> status = {"-c", (m_dir / "rndc.conf").string(), "status"};
    std::string output;
    EXPECT_EQ(lab::run_command({rndc, status, m_clock.environment(), {}}, output), 0) << output;
    EXPECT_NE(lab::run_command({rndc, status, {}, {}}, output), 0) << output;
}

TEST_F(VirtualClockDaemon, KnotdSignsAtTheVirtualTime)
{
    const std::string dir = m_dir.path().string();
    test::write_file(m_dir / "example.test.zone", kZone);
    test::write_file(m_dir / "knot.conf", "server:\n    rundir: \"" + dir + "\"\n    listen: 127.0.0.1@" +
                                              std::to_string(m_port) +
                                              "\nlog:\n  - target: stderr\n    any: info\n"
                                              "database:\n    storage: \"" + dir + "\"\n"
                                              "template:\n  - id: default\n    storage: \"" + dir + "\"\n"
                                              "zone:\n  - domain: example.test\n    file: example.test.zone\n"
                                              "    dnssec-signing: on\n");
    start(lab::locate_program("knotd", "ROLLSIM_KNOTD", "knot"), {"-c", (m_dir / "knot.conf").string()},
          "knotd.log");

    const auto answer = wait_for_answer([&] {
        const auto a = dig(m_port, "example.test.", "SOA", false);
        return rrsig_over(a, "SOA") ? a : "";
    });
    expect_signed_at_virtual_time(answer);

    std::string output;
    const auto knotc = lab::locate_program("knotc", "ROLLSIM_KNOTC", "knot");
    EXPECT_EQ(lab::run_command({knotc, {"-c", (m_dir / "knot.conf").string(), "zone-sign", "example.test."},
                                m_clock.environment(), {}},
                               output),
              0)
        << output;
}

// Both resolvers answer localhost. from built-in data: no upstream server is needed.
TEST_F(VirtualClockDaemon, KresdAnswersUnderTheVirtualClock)
{
    test::write_file(m_dir / "kresd.conf", "net.listen('127.0.0.1', " + std::to_string(m_port) +
                                               ", { kind = 'dns' })\ncache.open(10 * MB, 'lmdb://" +
                                               (m_dir / "cache").string() + "')\n");
    start(lab::locate_program("kresd", "ROLLSIM_KRESD", "knot-resolver"),
          {"-n", "-c", (m_dir / "kresd.conf").string(), m_dir.path().string()}, "kresd.log");
    const auto answer = wait_for_answer([&] { return dig(m_port, "localhost.", "A", true); });
    EXPECT_NE(answer.find("127.0.0.1"), std::string::npos) << answer;
}

TEST_F(VirtualClockDaemon, PdnsRecursorAnswersUnderTheVirtualClock)
{
    // pdns_recursor drops a query whose kernel receive timestamp is older than its own clock
    // by more than a timeout: answers at all show that the timestamps are shifted too.
    test::write_file(m_dir / "recursor.conf", "");
    const std::string dir = m_dir.path().string();
    start(lab::locate_program("pdns_recursor", "ROLLSIM_PDNS_RECURSOR", "pdns-recursor"),
          {"--config-dir=" + dir, "--socket-dir=" + dir, "--local-address=127.0.0.1",
           "--local-port=" + std::to_string(m_port), "--daemon=no", "--disable-syslog", "--write-pid=no",
           "--security-poll-suffix=", "--threads=1"},
          "pdns_recursor.log");
    const auto answer = wait_for_answer([&] { return dig(m_port, "localhost.", "A", true); });
    EXPECT_NE(answer.find("127.0.0.1"), std::string::npos) << answer;
}

}  // namespace
}  // namespace rollsim
