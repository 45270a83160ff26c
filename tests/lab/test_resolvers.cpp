// The lab's resolvers against a real signed world: a private root and test. (an RFC 6761 name,
// so Unbound needs `local-zone: nodefault`) served by NSD, signatures valid 2027-03-01 for 14
// days. The warm Unbound daemon follows the virtual clock through libfaketime; the cold
// libunbound validator validates as of the virtual date.
//
// Entering the lab namespaces changes a process for good and needs a single thread, so each
// test forks a child that builds the lab and runs the checks; the child streams its notes and
// failures to the parent through a pipe and exits 0 only when every check held.
#include "core/error.hpp"
#include "core/time.hpp"
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"
#include "lab/namespace.hpp"
#include "lab/nsd.hpp"
#include "lab/tools.hpp"
#include "lab/unbound.hpp"
#include "probe/cold_validator.hpp"
#include "probe/dns_query.hpp"
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <exception>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rollsim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kChildDeadline = 120s;

TimePoint at(const char* text)
{
    auto t = parse_time(text);
    if (!t) throw std::invalid_argument(std::string("bad time in test: ") + text);
    return *t;
}

// What the child tells the parent: notes (shown on success too) and failed checks.
class Channel {
public:
    explicit Channel(int fd) : m_fd(fd) {}
    void note(const std::string& text) { send("note: " + text + "\n"); }
    void check(bool condition, const std::string& what)
    {
        if (condition) return;
        ++m_failures;
        send("FAILED: " + what + "\n");
    }
    int failures() const { return m_failures; }

private:
    void send(const std::string& text)
    {
        std::size_t done = 0;
        while (done < text.size()) {
            ssize_t n = ::write(m_fd, text.data() + done, text.size() - done);
            if (n <= 0) return;  // the parent is gone; nothing to tell anyone
            done += static_cast<std::size_t>(n);
        }
    }
    int m_fd;
    int m_failures = 0;
};

struct ChildOutcome {
    bool finished = false;  // false: killed at the deadline
    int exit_status = -1;
    std::string text;
};

// Forks a child that enters the lab namespaces and runs `body`; waits for it with a deadline.
// Everything the body owns (daemons, directories) is destroyed before the child exits, and the
// namespace reaper takes down whatever would be left when the child dies.
ChildOutcome run_in_lab(const std::function<void(Channel&)>& body)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        int status = 0;
        {
            Channel channel(fds[1]);
            try {
                lab::enter_isolated_namespaces();
                body(channel);
                status = channel.failures() == 0 ? 0 : 1;
            } catch (const std::exception& e) {
                channel.check(false, std::string("exception: ") + e.what());
                status = 2;
            }
        }
        ::_exit(status);
    }

    ::close(fds[1]);
    ChildOutcome outcome;
    const auto deadline = std::chrono::steady_clock::now() + kChildDeadline;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        pollfd pfd{fds[0], POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;
        char buffer[4096];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {  // EOF: the child has exited (the write end is close-on-exec)
            outcome.finished = true;
            break;
        }
        outcome.text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    if (!outcome.finished) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (outcome.finished && WIFEXITED(status)) outcome.exit_status = WEXITSTATUS(status);
    return outcome;
}

void expect_child_ok(const ChildOutcome& outcome)
{
    std::cout << outcome.text;
    EXPECT_TRUE(outcome.finished) << "the lab child did not finish within " << kChildDeadline.count() << " s";
    EXPECT_EQ(outcome.exit_status, 0) << outcome.text;
}

// The signed world: root "." on 127.53.0.1 delegating test. (on 127.53.0.2) with a DS.
struct SignedWorld {
    dnssec::Key root_ksk;
    dnssec::Key root_zsk;
    dnssec::Key test_ksk;
    dnssec::Key test_zsk;
    std::string root_text;
    std::string test_text;
};

constexpr std::uint32_t kSerial = 2027030101;

SignedWorld build_world(TimePoint inception, TimePoint expiration)
{
    using dnssec::Key;
    const auto alg = scenario::Algorithm::ECDSAP256SHA256;
    SignedWorld w{Key::generate(".", alg, dnssec::kFlagZone | dnssec::kFlagSep),
                  Key::generate(".", alg, dnssec::kFlagZone),
                  Key::generate("test.", alg, dnssec::kFlagZone | dnssec::kFlagSep),
                  Key::generate("test.", alg, dnssec::kFlagZone),
                  {},
                  {}};
    const std::string serial = std::to_string(kSerial);

    dnssec::SignRequest test;
    test.origin = "test.";
    test.records = {
        "test. 300 IN SOA ns1.test. hostmaster.test. " + serial + " 1800 900 604800 300",
        "test. 300 IN NS ns1.test.",
        "ns1.test. 300 IN A 127.53.0.2",
        "www.test. 300 IN A 192.0.2.1",
        "fresh.test. 300 IN A 192.0.2.2",
        "later.test. 300 IN A 192.0.2.3",
        w.test_ksk.dnskey_rr(3600),
        w.test_zsk.dnskey_rr(3600),
    };
    test.dnskey_signers = {&w.test_ksk};
    test.zone_signers = {&w.test_zsk};
    test.inception = inception;
    test.expiration = expiration;
    w.test_text = dnssec::sign_zone(test).text();

    dnssec::SignRequest root;
    root.origin = ".";
    root.records = {
        ". 3600 IN SOA ns1.root-servers.rollsim. hostmaster.rollsim. " + serial + " 1800 900 604800 300",
        ". 3600 IN NS ns1.root-servers.rollsim.",
        "ns1.root-servers.rollsim. 3600 IN A 127.53.0.1",
        "test. 3600 IN NS ns1.test.",
        "ns1.test. 3600 IN A 127.53.0.2",
        w.test_ksk.ds().to_rr("test.", 3600),
        w.root_ksk.dnskey_rr(3600),
        w.root_zsk.dnskey_rr(3600),
    };
    root.dnskey_signers = {&w.root_ksk};
    root.zone_signers = {&w.root_zsk};
    root.inception = inception;
    root.expiration = expiration;
    w.root_text = dnssec::sign_zone(root).text();
    return w;
}

lab::ResolverSetup resolver_setup(const SignedWorld& w)
{
    lab::ResolverSetup setup;
    setup.root_hints = ". 3600 IN NS ns1.root-servers.rollsim.\n"
                       "ns1.root-servers.rollsim. 3600 IN A 127.53.0.1\n";
    setup.trust_anchor = w.root_ksk.ds().to_rr(".", 3600) + "\n";
    // example.com. is not one of Unbound's default local zones: `nodefault` must be harmless.
    setup.nodefault_zones = {"test.", "example.com."};
    return setup;
}

std::string describe(const probe::DnsAnswer& a)
{
    std::string out = a.timed_out ? "timed out" : probe::rcode_name(a.rcode);
    if (a.ad) out += " AD";
    if (a.ede) out += ", EDE " + std::to_string(*a.ede) + " \"" + a.ede_text + "\"";
    return out;
}

std::string describe(const probe::ColdResult& r)
{
    return r.validation + " rcode " + std::to_string(r.rcode) + (r.havedata ? " havedata" : "") +
           (r.nxdomain ? " nxdomain" : "") + (r.reason.empty() ? "" : " reason \"" + r.reason + "\"");
}

TEST(Resolvers, WarmDaemonFollowsVirtualClockAndColdValidatorUsesVirtualDate)
{
    expect_child_ok(run_in_lab([](Channel& out) {
        const TimePoint inception = at("2027-03-01T00:00:00Z");
        const TimePoint expiration = inception + 14 * 24h;
        const TimePoint valid = at("2027-03-02T00:00:00Z");
        const TimePoint expired = at("2027-04-01T00:00:00Z");  // far beyond Unbound's skew (<= 1 d)

        test::TempDir dir;
        const auto tools = lab::Tools::locate();
        const SignedWorld world = build_world(inception, expiration);
        lab::NsdServer root(tools, dir.path() / "nsd-root", "127.53.0.1", ".", world.root_text, kSerial);
        lab::NsdServer test(tools, dir.path() / "nsd-test", "127.53.0.2", "test.", world.test_text, kSerial);
        const auto setup = resolver_setup(world);

        // (a) warm daemon inside the validity period: secure.
        lab::UnboundDaemon daemon(tools, dir.path() / "unbound", "127.53.1.1", setup, valid);
        const auto a = probe::query(daemon.address(), "www.test.", "A");
        out.note("warm at 2027-03-02, www.test. A: " + describe(a));
        out.check(!a.timed_out && a.rcode == 0, "warm daemon answers www.test. A NOERROR at 2027-03-02: " + describe(a));
        out.check(a.ad, "the answer carries AD: " + describe(a));
        out.check(!a.answer.empty() && a.answer.front().find("192.0.2.1") != std::string::npos,
                  "the answer holds 192.0.2.1");

        // (b) the daemon's clock moved past expiration + skew. A month later every cached
        // entry has also run out its TTL on the daemon's clock; fresh.test. was never cached.
        daemon.set_time(expired);
        const auto b = probe::query(daemon.address(), "fresh.test.", "A");
        out.note("warm at 2027-04-01, fresh.test. A: " + describe(b));
        out.check(!b.timed_out && b.rcode == 2, "warm daemon answers SERVFAIL after expiry: " + describe(b));
        out.check(b.ede == 7, "EDE 7 (Signature Expired): " + describe(b));
        out.check(!b.ad, "no AD on the failure");
        // For the record: the next failure names the earlier one; a cached bogus answer has 6.
        const auto b2 = probe::query(daemon.address(), "later.test.", "A");
        out.note("warm at 2027-04-01, later.test. A: " + describe(b2));
        const auto b3 = probe::query(daemon.address(), "fresh.test.", "A");
        out.note("warm at 2027-04-01, fresh.test. A again (cached bogus): " + describe(b3));

        // (c) the cold validator, fresh at each instant.
        probe::ColdValidator cold(setup, dir.path() / "cold");
        const auto c1 = cold.resolve("www.test.", "A", valid);
        out.note("cold at 2027-03-02, www.test. A: " + describe(c1));
        out.check(c1.validation == "secure" && c1.rcode == 0 && c1.havedata,
                  "cold validator: secure at 2027-03-02: " + describe(c1));
        const auto c2 = cold.resolve("www.test.", "A", expired);
        out.note("cold at 2027-04-01, www.test. A: " + describe(c2));
        out.check(c2.validation == "bogus", "cold validator: bogus at 2027-04-01: " + describe(c2));
        out.check(c2.reason.find("expired") != std::string::npos, "the reason mentions expiry: " + describe(c2));
        // Back inside the validity period, the same validator is secure again: nothing is kept.
        const auto c3 = cold.resolve("www.test.", "A", valid);
        out.check(c3.validation == "secure", "cold validator keeps no state between probes: " + describe(c3));
        const auto c4 = cold.resolve("nothing.test.", "A", valid);
        out.note("cold at 2027-03-02, nothing.test. A: " + describe(c4));
        out.check(c4.validation == "secure" && c4.nxdomain && c4.rcode == 3,
                  "cold validator: a proven NXDOMAIN is secure: " + describe(c4));
    }));
}

TEST(Resolvers, DaemonThatCannotStartIsALabErrorWithItsLog)
{
    expect_child_ok(run_in_lab([](Channel& out) {
        test::TempDir dir;
        const auto tools = lab::Tools::locate();
        lab::ResolverSetup setup;
        setup.root_hints = ". 3600 IN NS ns1.root-servers.rollsim.\nns1.root-servers.rollsim. 3600 IN A 127.53.0.1\n";
        setup.trust_anchor = ". 3600 IN DS 1 13 2 " + std::string(64, 'A') + "\n";
        // 192.0.2.1 is not an address of the lab namespace: Unbound cannot bind it.
        const auto started = std::chrono::steady_clock::now();
        try {
            lab::UnboundDaemon daemon(tools, dir.path() / "unbound", "192.0.2.1", setup, at("2027-03-01T00:00:00Z"));
            out.check(false, "UnboundDaemon on an address it cannot bind should throw");
        } catch (const LabError& e) {
            out.note(std::string("LabError: ") + e.what());
            out.check(std::string(e.what()).find("192.0.2.1") != std::string::npos, "the error names the address");
        }
        out.check(std::chrono::steady_clock::now() - started < 5s, "the failure is reported without waiting for the deadline");
    }));
}

}  // namespace
}  // namespace rollsim
