// Lab building blocks against the real kernel and a real NSD: namespaces, NSD start and
// reload, EDE decoding, cleanup after a killed runner, tool lookup, an operator's zone file
// (from:) as NSD serves it.
//
// enter_isolated_namespaces() changes the calling process for good and wants no threads, so
// every case that needs it forks a child that enters the namespaces, does the work and
// _exit()s 0 on success (diagnostics on stderr otherwise); the parent waits with a deadline.
#include "core/error.hpp"
#include "dns/query.hpp"
#include "lab/namespace.hpp"
#include "lab/nsd.hpp"
#include "lab/process.hpp"
#include "lab/tools.hpp"
#include "prepare/prepared.hpp"
#include "rollsim_cli.hpp"
#include "runner/zone_publisher.hpp"
#include "world/world.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using rollsim::test::processes_mentioning;
using rollsim::test::TempDir;
using rollsim::test::wait_for;

// Waits for `pid` to exit within `timeout`; SIGKILLs it otherwise. Returns the wait status,
// or nullopt on timeout.
std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    std::optional<int> result;
    for (;;) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            result = status;
            break;
        }
        if (r < 0) break;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        if (pidfd >= 0) {
            struct pollfd pfd {pidfd, POLLIN, 0};
            ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
        } else {
            std::this_thread::sleep_for(5ms);
        }
    }
    if (pidfd >= 0) ::close(pidfd);
    return result;
}

std::string describe(const std::optional<int>& status)
{
    if (!status) return "timed out (killed)";
    if (WIFEXITED(*status)) return "exit " + std::to_string(WEXITSTATUS(*status));
    if (WIFSIGNALED(*status)) return std::string("signal ") + strsignal(WTERMSIG(*status));
    return "status " + std::to_string(*status);
}

// Reaps every child of this process (as a subreaper: orphans of a forked test come here),
// until none is left or the deadline passes. True when none is left.
bool reap_all_children(std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        pid_t r = ::waitpid(-1, nullptr, WNOHANG);
        if (r > 0) continue;
        if (r < 0 && errno == ECHILD) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(5ms);  // poll interval for a condition with a deadline
    }
}

// Runs `body` in a forked child; the child exits 0 when body returns true. Exceptions and
// false results exit 1 with a message on stderr. Afterwards every process the child left
// behind (its namespace reaper, lab processes) must be gone and is reaped here: this test
// process is a child subreaper, so none of them ends up as a zombie of the host's init.
std::optional<int> run_forked(const std::function<bool()>& body, std::chrono::milliseconds timeout)
{
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    std::cout.flush();
    std::cerr.flush();
    pid_t pid = ::fork();
    if (pid < 0) return std::nullopt;
    if (pid == 0) {
        int code = 1;
        try {
            code = body() ? 0 : 1;
        } catch (const std::exception& e) {
            std::cerr << "child: exception: " << e.what() << std::endl;
        } catch (...) {
            std::cerr << "child: unknown exception" << std::endl;
        }
        std::cerr.flush();
        ::_exit(code);
    }
    auto status = wait_child(pid, timeout);
    if (!reap_all_children(10s)) {
        std::cerr << "processes left behind by the forked test did not exit" << std::endl;
        return std::nullopt;
    }
    return status;
}

#define CHILD_CHECK(cond)                                                                        \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            std::cerr << __FILE__ << ":" << __LINE__ << ": check failed: " #cond << std::endl; \
            return false;                                                                        \
        }                                                                                        \
    } while (0)

// Whether this machine lets us enter the lab namespaces at all (probed once, in a child).
bool can_use_namespaces()
{
    static const bool usable = [] {
        auto status = run_forked(
            [] {
                try {
                    rollsim::lab::enter_isolated_namespaces();
                } catch (const rollsim::LabError& e) {
                    std::cerr << "namespaces unavailable: " << e.what() << std::endl;
                    return false;
                }
                return true;
            },
            std::chrono::seconds(20));
        return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
    }();
    return usable;
}

std::string zone_text(std::uint32_t serial)
{
    std::ostringstream out;
    out << "$ORIGIN example.test.\n"
        << "$TTL 300\n"
        << "@ IN SOA ns1.example.test. hostmaster.example.test. " << serial << " 3600 900 604800 300\n"
        << "@ IN NS ns1.example.test.\n"
        << "ns1 IN A 127.53.1.1\n"
        << "www IN A 192.0.2.1\n"
        << "v IN TXT \"version " << serial << "\"\n";
    // About 8 KB of TXT at one name: more than the 4096-byte EDNS size, so UDP truncates.
    for (int i = 0; i < 40; ++i) out << "big IN TXT \"" << i << std::string(200, 'x') << "\"\n";
    return out.str();
}

}  // namespace

TEST(LabNamespace, LoopbackUpAndLabAddressBindable)
{
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    auto status = run_forked(
        [] {
            rollsim::lab::enter_isolated_namespaces();
            CHILD_CHECK(rollsim::lab::in_isolated_namespaces());

            int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            CHILD_CHECK(sock >= 0);
            struct ifreq ifr {};
            std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
            CHILD_CHECK(::ioctl(sock, SIOCGIFFLAGS, &ifr) == 0);
            CHILD_CHECK((ifr.ifr_flags & IFF_UP) != 0);

            for (const char* address : {"127.53.0.1", "127.53.1.1", "127.0.0.1"}) {
                sockaddr_in sa {};
                sa.sin_family = AF_INET;
                sa.sin_port = htons(53);
                CHILD_CHECK(::inet_pton(AF_INET, address, &sa.sin_addr) == 1);
                int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                CHILD_CHECK(udp >= 0);
                if (::bind(udp, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
                    std::cerr << "bind " << address << ":53: " << std::strerror(errno) << std::endl;
                    return false;
                }
                ::close(udp);
            }
            ::close(sock);

            // Only loopback exists in the new network namespace.
            struct if_nameindex* names = ::if_nameindex();
            CHILD_CHECK(names != nullptr);
            int count = 0;
            for (auto* n = names; n->if_index != 0; ++n) ++count;
            ::if_freenameindex(names);
            CHILD_CHECK(count == 1);

            // The next child is in the new PID namespace, right after the reaper (PID 1).
            int fds[2];
            CHILD_CHECK(::pipe(fds) == 0);
            pid_t pid = ::fork();
            CHILD_CHECK(pid >= 0);
            if (pid == 0) {
                pid_t mine = ::getpid();
                (void)!::write(fds[1], &mine, sizeof mine);
                ::_exit(0);
            }
            ::close(fds[1]);
            pid_t seen = 0;
            CHILD_CHECK(::read(fds[0], &seen, sizeof seen) == sizeof seen);
            ::waitpid(pid, nullptr, 0);
            if (seen != 2) {
                std::cerr << "pid in the new namespace: " << seen << " (expected 2)" << std::endl;
                return false;
            }
            return true;
        },
        20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}

TEST(LabNamespace, UnprivilegedUserNamespace)
{
    // The non-root path: drop to nobody in the child and enter through a user namespace.
    if (::geteuid() != 0) GTEST_SKIP() << "covered by the other cases when not root";
    std::ifstream max_ns("/proc/sys/user/max_user_namespaces");
    int max = 0;
    if (!(max_ns >> max) || max == 0) GTEST_SKIP() << "user namespaces disabled";
    std::ifstream clone("/proc/sys/kernel/unprivileged_userns_clone");
    int allowed = 1;
    if (clone >> allowed; allowed == 0) GTEST_SKIP() << "unprivileged user namespaces disabled";

    auto status = run_forked(
        [] {
            CHILD_CHECK(::setgroups(0, nullptr) == 0);
            CHILD_CHECK(::setgid(65534) == 0);
            CHILD_CHECK(::setuid(65534) == 0);
            ::prctl(PR_SET_DUMPABLE, 1);  // /proc/self/*_map stay ours after the uid change
            try {
                rollsim::lab::enter_isolated_namespaces();
            } catch (const rollsim::LabError& e) {
                // Allowed to fail on kernels that forbid it, but then with a useful message.
                std::string what = e.what();
                std::cerr << "LabError: " << what << std::endl;
                CHILD_CHECK(what.find("user namespaces") != std::string::npos);
                ::_exit(77);
            }
            CHILD_CHECK(::geteuid() == 0);  // root inside the user namespace
            sockaddr_in sa {};
            sa.sin_family = AF_INET;
            sa.sin_port = htons(53);
            ::inet_pton(AF_INET, "127.53.0.1", &sa.sin_addr);
            int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            CHILD_CHECK(udp >= 0);
            CHILD_CHECK(::bind(udp, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
            ::close(udp);
            return true;
        },
        20s);
    ASSERT_TRUE(status && WIFEXITED(*status)) << describe(status);
    if (WEXITSTATUS(*status) == 77) GTEST_SKIP() << "kernel refuses unprivileged user namespaces";
    ASSERT_EQ(WEXITSTATUS(*status), 0) << describe(status);
}

TEST(LabNamespace, RefusalNamesTheFix)
{
    // A non-root process with a thread cannot create a user namespace (EINVAL): the error is
    // a LabError (exit status 3) with a one-line message naming the fix.
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges in the child";
    auto status = run_forked(
        [] {
            CHILD_CHECK(::setgroups(0, nullptr) == 0);
            CHILD_CHECK(::setgid(65534) == 0);
            CHILD_CHECK(::setuid(65534) == 0);
            int fds[2];
            CHILD_CHECK(::pipe(fds) == 0);
            std::thread blocker([fd = fds[0]] {
                char c;
                (void)!::read(fd, &c, 1);
            });
            bool ok = false;
            try {
                rollsim::lab::enter_isolated_namespaces();
                std::cerr << "entered namespaces with a thread running" << std::endl;
            } catch (const rollsim::LabError& e) {
                std::string what = e.what();
                ok = e.code() == rollsim::ExitCode::LabFailed && what.find('\n') == std::string::npos &&
                     what.find("run as root") != std::string::npos &&
                     what.find("unprivileged_userns_clone") != std::string::npos;
                if (!ok) std::cerr << "unexpected message: " << what << std::endl;
            }
            ::close(fds[1]);
            blocker.join();
            return ok && !rollsim::lab::in_isolated_namespaces();
        },
        20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}

TEST(LabNsd, ServesZoneAndConfirmsRapidPublishes)
{
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    auto tools = rollsim::lab::Tools::locate();
    TempDir dir;
    auto status = run_forked(
        [&] {
            rollsim::lab::enter_isolated_namespaces();
            rollsim::lab::NsdServer nsd(tools, dir.path() / "nsd-example", "127.53.1.1", "example.test.",
                                        zone_text(1), 1);
            CHILD_CHECK(nsd.served_serial() == 1u);

            rollsim::dns::QueryOptions options;
            options.recursion_desired = false;
            auto www = rollsim::dns::query("127.53.1.1", "www.example.test.", "A", options);
            CHILD_CHECK(!www.timed_out);
            CHILD_CHECK(www.rcode == rollsim::dns::Rcode::NoError);
            CHILD_CHECK(www.aa);
            CHILD_CHECK(!www.ad);
            CHILD_CHECK(www.answer.size() == 1);
            CHILD_CHECK(www.answer[0].find("192.0.2.1") != std::string::npos);
            CHILD_CHECK(www.answer[0].find("www.example.test.") == 0);

            // Truncated over UDP, complete over TCP.
            auto big = rollsim::dns::query("127.53.1.1", "big.example.test.", "TXT", options);
            CHILD_CHECK(!big.timed_out);
            CHILD_CHECK(big.answer.size() == 40);

            // Not NSD's zone: REFUSED with EDE 20 (Not Authoritative), decoded end to end.
            auto other = rollsim::dns::query("127.53.1.1", "www.other.test.", "A", options);
            CHILD_CHECK(other.rcode == rollsim::dns::Rcode::Refused);
            CHILD_CHECK(other.ede == rollsim::dns::Ede::NotAuthoritative);

            auto missing = rollsim::dns::query("127.53.1.1", "nope.example.test.", "A", options);
            CHILD_CHECK(missing.rcode == rollsim::dns::Rcode::NxDomain);
            CHILD_CHECK(rollsim::dns::to_string(missing.rcode) == "NXDOMAIN");

            for (std::uint32_t serial = 2; serial <= 6; ++serial) {
                auto started = Clock::now();
                nsd.publish(zone_text(serial), serial);
                auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
                std::cerr << "publish serial " << serial << " confirmed in " << took.count() << " ms" << std::endl;
                CHILD_CHECK(nsd.served_serial() == serial);
                auto txt = rollsim::dns::query("127.53.1.1", "v.example.test.", "TXT", options);
                CHILD_CHECK(txt.answer.size() == 1);
                CHILD_CHECK(txt.answer[0].find("version " + std::to_string(serial)) != std::string::npos);
            }
            return true;
        },
        120s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}

TEST(LabNsd, StartupFailureReportsLogTail)
{
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    auto tools = rollsim::lab::Tools::locate();
    TempDir dir;
    auto status = run_forked(
        [&] {
            rollsim::lab::enter_isolated_namespaces();
            try {
                // Not a zone file NSD can read: the server never answers with the serial.
                rollsim::lab::NsdServer nsd(tools, dir.path() / "broken", "127.53.1.2", "broken.test.",
                                            "this is not a zone\n", 1);
            } catch (const rollsim::LabError& e) {
                std::string what = e.what();
                std::cerr << "expected LabError: " << what << std::endl;
                CHILD_CHECK(what.find("broken.test.") != std::string::npos);
                CHILD_CHECK(what.find("log:") != std::string::npos);
                CHILD_CHECK(what.find('\n') == std::string::npos);
                return true;
            }
            std::cerr << "NsdServer started on a broken zone" << std::endl;
            return false;
        },
        60s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}

TEST(ProbeEde, ParsesOptionBytes)
{
    using rollsim::dns::parse_ede;
    // COOKIE (10) with 8 bytes, then EDE (15): INFO-CODE 6 (DNSSEC Bogus) + "sig expired".
    const std::string text = "sig expired";
    std::vector<std::uint8_t> bytes = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 15, 0,
                                       static_cast<std::uint8_t>(2 + text.size()), 0, 6};
    bytes.insert(bytes.end(), text.begin(), text.end());
    auto ede = parse_ede(bytes.data(), bytes.size());
    ASSERT_TRUE(ede);
    EXPECT_EQ(ede->first, 6);
    EXPECT_EQ(ede->second, "sig expired");

    // EDE without EXTRA-TEXT; a large INFO-CODE.
    std::vector<std::uint8_t> bare = {0, 15, 0, 2, 0x01, 0x02};
    ede = parse_ede(bare.data(), bare.size());
    ASSERT_TRUE(ede);
    EXPECT_EQ(ede->first, 0x0102);
    EXPECT_EQ(ede->second, "");

    // Only the first EDE counts.
    std::vector<std::uint8_t> two = {0, 15, 0, 3, 0, 9, 'a', 0, 15, 0, 3, 0, 7, 'b'};
    ede = parse_ede(two.data(), two.size());
    ASSERT_TRUE(ede);
    EXPECT_EQ(ede->first, 9);
    EXPECT_EQ(ede->second, "a");

    // No EDE, empty input, truncated option (length past the end), EDE too short.
    std::vector<std::uint8_t> cookie_only = {0, 10, 0, 2, 9, 9};
    EXPECT_FALSE(parse_ede(cookie_only.data(), cookie_only.size()));
    EXPECT_FALSE(parse_ede(nullptr, 0));
    std::vector<std::uint8_t> truncated = {0, 15, 0, 10, 0, 6, 'x'};
    EXPECT_FALSE(parse_ede(truncated.data(), truncated.size()));
    std::vector<std::uint8_t> short_ede = {0, 15, 0, 1, 6};
    EXPECT_FALSE(parse_ede(short_ede.data(), short_ede.size()));
    std::vector<std::uint8_t> partial_header = {0, 15, 0};
    EXPECT_FALSE(parse_ede(partial_header.data(), partial_header.size()));

    EXPECT_EQ(rollsim::dns::to_string(rollsim::dns::rcode_from_number(0)), "NOERROR");
    EXPECT_EQ(rollsim::dns::to_string(rollsim::dns::rcode_from_number(2)), "SERVFAIL");
    EXPECT_EQ(rollsim::dns::to_string(rollsim::dns::rcode_from_number(16)), "BADVERS");
    EXPECT_EQ(rollsim::dns::to_string(rollsim::dns::rcode_from_number(4000)), "RCODE4000");
}

TEST(ProbeQuery, RejectsMalformedInputAndTimesOut)
{
    EXPECT_THROW(rollsim::dns::query("127.0.0.1", "example.test.", "NOSUCHTYPE"), std::invalid_argument);
    EXPECT_THROW(rollsim::dns::query("127.0.0.1", "bad..name", "A"), std::invalid_argument);
    EXPECT_THROW(rollsim::dns::query("not-an-address", "example.test.", "A"), std::invalid_argument);
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    // Nothing listens in a fresh namespace: an immediate refusal reads as a timeout.
    auto status = run_forked(
        [] {
            rollsim::lab::enter_isolated_namespaces();
            rollsim::dns::QueryOptions options;
            options.timeout = 300ms;
            auto answer = rollsim::dns::query("127.53.9.9", "example.test.", "SOA", options);
            CHILD_CHECK(answer.timed_out);
            return true;
        },
        20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}


TEST(LabCleanup, KilledRunnerTakesLabProcessesDown)
{
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    auto tools = rollsim::lab::Tools::locate();
    TempDir dir;
    const std::filesystem::path lab = dir.path() / "cleanup-lab";

    // Orphans of the killed lab (the lab processes, whose parent is the runner) come to us
    // rather than to the host's init, so no zombie outlives the test.
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);

    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    std::cout.flush();
    std::cerr.flush();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(fds[0]);
        try {
            rollsim::lab::enter_isolated_namespaces();
            rollsim::lab::NsdServer nsd(tools, lab, "127.53.1.1", "example.test.", zone_text(1), 1);
            std::string message = lab.string() + "\n";
            (void)!::write(fds[1], message.data(), message.size());
            for (;;) ::pause();  // the parent kills us
        } catch (const std::exception& e) {
            std::cerr << "child: " << e.what() << std::endl;
        }
        ::_exit(1);
    }
    ::close(fds[1]);

    // Wait (deadline) for the child to report the lab directory: NSD is serving then.
    std::string reported;
    const auto deadline = Clock::now() + 30s;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) break;
        struct pollfd pfd {fds[0], POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) break;
        char buffer[512];
        ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        reported.append(buffer, static_cast<std::size_t>(n));
        if (reported.find('\n') != std::string::npos) break;
    }
    ::close(fds[0]);
    if (reported.empty() || reported.back() != '\n') {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        FAIL() << "the child did not start NSD";
    }
    reported.pop_back();
    ASSERT_EQ(reported, lab.string());
    ASSERT_FALSE(processes_mentioning(reported).empty()) << "NSD is not visible from the host";

    ::kill(pid, SIGKILL);
    auto status = wait_child(pid, 10s);
    ASSERT_TRUE(status && WIFSIGNALED(*status)) << describe(status);

    // Poll /proc until no process mentions the lab directory, with a deadline.
    std::vector<std::string> left_over;
    wait_for(
        [&] {
            while (::waitpid(-1, nullptr, WNOHANG) > 0) {  // reap the lab's zombies handed to us
            }
            left_over = processes_mentioning(reported);
            return left_over.empty();
        },
        10s);
    std::string listing;
    for (const auto& p : left_over) listing += "\n  " + p;
    EXPECT_TRUE(left_over.empty()) << "still running after the runner was killed:" << listing;
    EXPECT_TRUE(reap_all_children(10s)) << "lab processes did not exit after the runner was killed";
}

TEST(LabTools, OverrideToMissingFileIsAnError)
{
    const char* previous = std::getenv("ROLLSIM_NSD");
    std::optional<std::string> saved = previous ? std::optional<std::string>(previous) : std::nullopt;
    ::setenv("ROLLSIM_NSD", "/nonexistent", 1);
    try {
        rollsim::lab::Tools::locate();
        ADD_FAILURE() << "Tools::locate accepted ROLLSIM_NSD=/nonexistent";
    } catch (const rollsim::LabError& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("/nonexistent"), std::string::npos) << what;
        EXPECT_NE(what.find("ROLLSIM_NSD"), std::string::npos) << what;
        EXPECT_EQ(e.code(), rollsim::ExitCode::LabFailed);
    }
    if (saved)
        ::setenv("ROLLSIM_NSD", saved->c_str(), 1);
    else
        ::unsetenv("ROLLSIM_NSD");

    auto tools = rollsim::lab::Tools::locate();
    EXPECT_EQ(tools.nsd.front(), '/');
    EXPECT_NE(tools.nsd.find("nsd"), std::string::npos);
    EXPECT_NE(tools.nsd_control.find("nsd-control"), std::string::npos);
    EXPECT_NE(tools.unbound.find("unbound"), std::string::npos);
    EXPECT_NE(tools.vclock_library.find("librollsim_vclock.so"), std::string::npos);
}

TEST(LabProcess, RunCommandCapturesOutputAndEnforcesDeadline)
{
    rollsim::lab::ProcessSpec spec;
    spec.program = "/bin/sh";
    spec.args = {"-c", "echo out; echo err >&2; echo \"$ROLLSIM_TEST_VAR\"; exit 3"};
    spec.env["ROLLSIM_TEST_VAR"] = "from-spec";
    std::string output;
    EXPECT_EQ(rollsim::lab::run_command(spec, output), 3);
    EXPECT_NE(output.find("out"), std::string::npos) << output;
    EXPECT_NE(output.find("err"), std::string::npos) << output;
    EXPECT_NE(output.find("from-spec"), std::string::npos) << output;

    spec.args = {"-c", "echo started; exec sleep 30"};
    auto started = Clock::now();
    EXPECT_EQ(rollsim::lab::run_command(spec, output, 300ms), -1);
    EXPECT_LT(Clock::now() - started, 5s);
    EXPECT_NE(output.find("started"), std::string::npos) << output;
    EXPECT_NE(output.find("killed"), std::string::npos) << output;

    // A long-running process is stopped by its destructor: SIGTERM is enough for sleep.
    TempDir dir;
    rollsim::lab::ProcessSpec daemon;
    daemon.program = "/bin/sh";
    daemon.args = {"-c", "echo line1; echo line2; echo line3; exec sleep 30"};
    daemon.log = dir.path() / "daemon.log";
    pid_t pid;
    {
        rollsim::lab::Process process(daemon);
        pid = process.pid();
        EXPECT_TRUE(process.running());
        wait_for([&] { return process.log_tail(2).find("line3") != std::string::npos; }, 5s, 5ms);
        EXPECT_EQ(process.log_tail(2), "line2\nline3");
        auto stop_started = Clock::now();
        process.stop(2000ms);
        EXPECT_LT(Clock::now() - stop_started, 1500ms);  // SIGTERM worked, no SIGKILL wait
        EXPECT_FALSE(process.running());
        process.stop();  // idempotent
    }
    EXPECT_NE(::kill(pid, 0), 0);  // reaped: the pid is gone

    // A process that ignores SIGTERM is killed after the grace period.
    daemon.args = {"-c", "trap '' TERM; echo ready; exec sleep 30"};  // ignored across exec
    {
        rollsim::lab::Process process(daemon);
        wait_for([&] { return process.log_tail(1) == "ready"; }, 5s, 5ms);
        auto stop_started = Clock::now();
        process.stop(300ms);
        EXPECT_GE(Clock::now() - stop_started, 250ms);
        EXPECT_FALSE(process.running());
    }

    // Descriptors the runner opened without close-on-exec do not leak into lab processes.
    int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
    ASSERT_GE(leaky, 3);
    rollsim::lab::ProcessSpec list_fds;
    list_fds.program = "/bin/sh";
    list_fds.args = {"-c", "test -e /proc/self/fd/" + std::to_string(leaky) + " && echo leaked || echo clean"};
    EXPECT_EQ(rollsim::lab::run_command(list_fds, output), 0);
    ::close(leaky);
    EXPECT_EQ(output, "clean\n");

    rollsim::lab::ProcessSpec missing;
    missing.program = "/nonexistent/program";
    EXPECT_THROW(rollsim::lab::Process{missing}, rollsim::LabError);
}

TEST(LabNsd, StopSilencesTheServerAndStartServesTheLastPublishedSerial)
{
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    auto tools = rollsim::lab::Tools::locate();
    TempDir dir;
    const std::filesystem::path lab = dir.path() / "nsd-stop";
    auto status = run_forked(
        [&] {
            rollsim::lab::enter_isolated_namespaces();
            rollsim::lab::NsdServer nsd(tools, lab, "127.53.1.1", "example.test.", zone_text(1), 1);
            CHILD_CHECK(nsd.running());
            CHILD_CHECK(nsd.served_serial() == 1u);

            rollsim::dns::QueryOptions options;
            options.recursion_desired = false;
            options.timeout = 300ms;
            options.attempts = 1;
            auto version = [&]() -> std::string {
                auto txt = rollsim::dns::query("127.53.1.1", "v.example.test.", "TXT", options);
                return txt.answer.size() == 1 ? txt.answer[0] : std::string();
            };

            auto started = Clock::now();
            nsd.stop();
            std::cerr << "stop took "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
                      << " ms" << std::endl;
            CHILD_CHECK(!nsd.running());
            CHILD_CHECK(processes_mentioning(lab.string()).empty());
            CHILD_CHECK(rollsim::dns::query("127.53.1.1", "www.example.test.", "A", options).timed_out);
            CHILD_CHECK(rollsim::dns::query("127.53.1.1", "example.test.", "SOA", options).timed_out);
            CHILD_CHECK(!nsd.served_serial());
            nsd.stop();  // idempotent
            CHILD_CHECK(!nsd.running());

            started = Clock::now();
            nsd.start();
            std::cerr << "start took "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
                      << " ms" << std::endl;
            CHILD_CHECK(nsd.running());
            CHILD_CHECK(nsd.served_serial() == 1u);
            CHILD_CHECK(version().find("version 1") != std::string::npos);
            nsd.start();  // already running: nothing happens
            CHILD_CHECK(nsd.served_serial() == 1u);

            // The restarted server takes reloads as before (its control socket is back).
            nsd.publish(zone_text(2), 2);
            CHILD_CHECK(nsd.served_serial() == 2u);

            // Published while stopped: nothing answers, and start() serves the new serial.
            nsd.stop();
            nsd.publish(zone_text(3), 3);
            CHILD_CHECK(!nsd.running());
            CHILD_CHECK(nsd.published_serial() == 3u);
            CHILD_CHECK(rollsim::dns::query("127.53.1.1", "example.test.", "SOA", options).timed_out);
            nsd.publish(zone_text(4), 4);  // twice while stopped: the last one counts
            nsd.start();
            CHILD_CHECK(nsd.served_serial() == 4u);
            CHILD_CHECK(version().find("version 4") != std::string::npos);
            nsd.publish(zone_text(5), 5);
            CHILD_CHECK(nsd.served_serial() == 5u);
            return true;
        },
        120s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}

TEST(LabNsd, StartOnABrokenZoneIsALabErrorAndLeavesTheServerStopped)
{
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    auto tools = rollsim::lab::Tools::locate();
    TempDir dir;
    const std::filesystem::path lab = dir.path() / "nsd-broken-restart";
    auto status = run_forked(
        [&] {
            rollsim::lab::enter_isolated_namespaces();
            rollsim::lab::NsdServer nsd(tools, lab, "127.53.1.1", "example.test.", zone_text(1), 1);
            nsd.stop();
            nsd.publish("this is not a zone\n", 2);
            try {
                nsd.start();
                std::cerr << "start() served a broken zone" << std::endl;
                return false;
            } catch (const rollsim::LabError& e) {
                std::cerr << "expected LabError: " << e.what() << std::endl;
            }
            CHILD_CHECK(!nsd.running());
            CHILD_CHECK(processes_mentioning(lab.string()).empty());
            // Repaired, it starts.
            nsd.publish(zone_text(3), 3);
            nsd.start();
            CHILD_CHECK(nsd.served_serial() == 3u);
            return true;
        },
        120s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}

// The operator's zone file of scenarios/zone-files/ as the lab's real NSD servers serve it:
// the file's SOA values, its NS names on the lab's three servers with their lab addresses,
// and none of the file's old DNSSEC records.
TEST(LabNsd, ServesTheOperatorsZoneFileWithItsSoaAndNameServers)
{
    if (!can_use_namespaces()) GTEST_SKIP() << "namespaces unavailable";
    auto tools = rollsim::lab::Tools::locate();
    const auto prepared =
        rollsim::prepare::load_scenario(rollsim::test::repo_path("scenarios/zone-files/operator-zone.yaml"));
    TempDir dir;
    auto status = run_forked(
        [&] {
            rollsim::lab::enter_isolated_namespaces();
            rollsim::world::World world(prepared.scenario);
            const auto* zone = world.zone_of("example.com.");
            CHILD_CHECK(zone && zone->servers.size() == 3);
            rollsim::runner::ServerPools pools(world, tools, dir.path());  // none in this scenario
            rollsim::runner::ZonePublisher publisher(world, *zone, prepared.scenario.start, tools, dir.path(), pools);
            rollsim::dns::QueryOptions options;
            options.recursion_desired = false;
            const std::vector<std::string> names = {"ns1.example.com.", "ns2.example.com.", "ns3.example.com."};
            for (const auto& server : zone->servers) {
                auto soa = rollsim::dns::query(server.address, "example.com.", "SOA", options);
                CHILD_CHECK(soa.aa && soa.soa_serial == 2027022801u);
                CHILD_CHECK(soa.answer.size() == 2);  // the SOA and its RRSIG
                CHILD_CHECK(soa.answer[0] == "example.com.\t86400\tIN\tSOA\tns1.example.com. "
                                             "dns-admin.example.com. 2027022801 7200 1800 1209600 900");
                auto ns = rollsim::dns::query(server.address, "example.com.", "NS", options);
                std::vector<std::string> served;
                for (const auto& rr : ns.answer)
                    if (rr.find("\tNS\t") != std::string::npos) served.push_back(rr.substr(rr.rfind('\t') + 1));
                std::sort(served.begin(), served.end());
                CHILD_CHECK(served == names);
                for (std::size_t i = 0; i < names.size(); ++i) {
                    auto a = rollsim::dns::query(server.address, names[i], "A", options);
                    CHILD_CHECK(!a.answer.empty() && a.answer[0] == names[i] + "\t300\tIN\tA\t" + zone->servers[i].address);
                    auto aaaa = rollsim::dns::query(server.address, names[i], "AAAA", options);
                    CHILD_CHECK(aaaa.rcode == rollsim::dns::Rcode::NoError && aaaa.answer.empty());  // glue dropped
                }
                // The lab's own keys, not the file's; no CDS, as the scenario publishes none.
                auto dnskey = rollsim::dns::query(server.address, "example.com.", "DNSKEY", options);
                CHILD_CHECK(dnskey.answer.size() == 3);  // KSK, ZSK, RRSIG
                for (const auto& rr : dnskey.answer) CHILD_CHECK(rr.find("mdsswUyr3DPW") == std::string::npos);
                auto cds = rollsim::dns::query(server.address, "example.com.", "CDS", options);
                for (const auto& rr : cds.answer) CHILD_CHECK(rr.find("\tCDS\t") == std::string::npos);
                auto www = rollsim::dns::query(server.address, "www.example.com.", "A", options);
                CHILD_CHECK(www.answer.size() == 2 && www.answer[0] == "www.example.com.\t300\tIN\tA\t192.0.2.10");
            }
            return true;
        },
        120s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe(status);
}

// The same scenario run end to end: resolvers follow the root's delegation to the file's NS
// names at their lab addresses and find everything secure, the missing name denied securely.
TEST(LabNsd, OperatorsZoneFileScenarioIsSecureThroughTheMappedServers)
{
    auto report = rollsim::test::run_and_report("scenarios/zone-files/operator-zone.yaml");
    rollsim::test::expect_every_expectation_passed(report);
    for (const char* resolver : {"warm", "cold"}) {
        const auto nope = rollsim::test::observations_of(report, resolver, "nope.example.com.", "A");
        ASSERT_EQ(nope.size(), 5u) << resolver;  // +0, every 6h, and the end
        for (const auto& o : nope) {
            EXPECT_EQ(o["rcode"], "NXDOMAIN") << o.dump();
            EXPECT_EQ(o["validation"], "secure") << o.dump();
        }
        for (const auto& o : rollsim::test::observations_of(report, resolver, "ns3.example.com.", "A"))
            EXPECT_EQ(o["validation"], "secure") << o.dump();
    }
}
