// The lab's resolvers against a real signed world: a private root and test. (an RFC 6761 name,
// so Unbound needs `local-zone: nodefault`) served by NSD, signatures valid 2027-03-01 for 14
// days. The warm Unbound daemon follows the virtual clock (harness/vclock/); the cold
// libunbound validator validates as of the virtual date. Resolver profiles (skew limits,
// clock offset, NSEC3 iteration limit, ...) change the verdicts as Unbound 1.17.1 documents.
//
// Entering the lab namespaces changes a process for good and needs a single thread, so each
// test forks a child that builds the lab and runs the checks; the child streams its notes and
// failures to the parent through a pipe and exits 0 only when every check held.
#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/query.hpp"
#include "dnssec/key.hpp"
#include "dnssec/signer.hpp"
#include "lab/namespace.hpp"
#include "lab/nsd.hpp"
#include "lab/tools.hpp"
#include "lab/unbound.hpp"
#include "probe/cold_validator.hpp"
#include "rollsim_cli.hpp"
#include "scenario/model.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
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

// test. is denied with NSEC, or with NSEC3 and `nsec3_iterations` additional iterations.
SignedWorld build_world(TimePoint inception, TimePoint expiration,
                        scenario::Denial test_denial = scenario::Denial::Nsec, int nsec3_iterations = 0)
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
    test.denial = test_denial;
    test.nsec3_iterations = nsec3_iterations;
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

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string describe(const dns::Response& a)
{
    std::string out = a.timed_out ? "timed out" : dns::to_string(a.rcode);
    if (a.ad) out += " AD";
    if (a.ede) out += ", EDE " + std::to_string(dns::ede_code(*a.ede)) + " \"" + a.ede_text + "\"";
    return out;
}

std::string describe(const probe::ColdResult& r)
{
    return dns::to_string(r.validation) + " rcode " + (r.rcode ? std::to_string(dns::rcode_number(*r.rcode)) : "none") +
           (r.havedata ? " havedata" : "") +
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
        const scenario::ResolverSpec defaults;  // every option unset: Unbound's defaults
        lab::UnboundDaemon daemon(tools, dir.path() / "unbound", "127.53.1.1", setup, defaults, valid);
        const auto a = dns::query(daemon.address(), "www.test.", "A");
        out.note("warm at 2027-03-02, www.test. A: " + describe(a));
        out.check(!a.timed_out && a.rcode == dns::Rcode::NoError, "warm daemon answers www.test. A NOERROR at 2027-03-02: " + describe(a));
        out.check(a.ad, "the answer carries AD: " + describe(a));
        out.check(!a.answer.empty() && a.answer.front().find("192.0.2.1") != std::string::npos,
                  "the answer holds 192.0.2.1");

        // (b) the daemon's clock moved past expiration + skew. A month later every cached
        // entry has also run out its TTL on the daemon's clock; fresh.test. was never cached.
        daemon.set_time(expired);
        const auto b = dns::query(daemon.address(), "fresh.test.", "A");
        out.note("warm at 2027-04-01, fresh.test. A: " + describe(b));
        out.check(!b.timed_out && b.rcode == dns::Rcode::ServFail, "warm daemon answers SERVFAIL after expiry: " + describe(b));
        out.check(b.ede == dns::Ede::SignatureExpired, "EDE 7 (Signature Expired): " + describe(b));
        out.check(!b.ad, "no AD on the failure");
        // For the record: the next failure names the earlier one; a cached bogus answer has 6.
        const auto b2 = dns::query(daemon.address(), "later.test.", "A");
        out.note("warm at 2027-04-01, later.test. A: " + describe(b2));
        const auto b3 = dns::query(daemon.address(), "fresh.test.", "A");
        out.note("warm at 2027-04-01, fresh.test. A again (cached bogus): " + describe(b3));

        // (c) the cold validator, fresh at each instant.
        probe::ColdValidator cold(setup, dir.path() / "cold", defaults);
        const auto c1 = cold.resolve("www.test.", "A", valid);
        out.note("cold at 2027-03-02, www.test. A: " + describe(c1));
        out.check(c1.validation == dns::Validation::Secure && c1.rcode == dns::Rcode::NoError && c1.havedata,
                  "cold validator: secure at 2027-03-02: " + describe(c1));
        const auto c2 = cold.resolve("www.test.", "A", expired);
        out.note("cold at 2027-04-01, www.test. A: " + describe(c2));
        out.check(c2.validation == dns::Validation::Bogus, "cold validator: bogus at 2027-04-01: " + describe(c2));
        out.check(c2.reason.find("expired") != std::string::npos, "the reason mentions expiry: " + describe(c2));
        // Back inside the validity period, the same validator is secure again: nothing is kept.
        const auto c3 = cold.resolve("www.test.", "A", valid);
        out.check(c3.validation == dns::Validation::Secure, "cold validator keeps no state between probes: " + describe(c3));
        const auto c4 = cold.resolve("nothing.test.", "A", valid);
        out.note("cold at 2027-03-02, nothing.test. A: " + describe(c4));
        out.check(c4.validation == dns::Validation::Secure && c4.nxdomain && c4.rcode == dns::Rcode::NxDomain,
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
            lab::UnboundDaemon daemon(tools, dir.path() / "unbound", "192.0.2.1", setup, scenario::ResolverSpec{},
                                      at("2027-03-01T00:00:00Z"));
            out.check(false, "UnboundDaemon on an address it cannot bind should throw");
        } catch (const LabError& e) {
            out.note(std::string("LabError: ") + e.what());
            out.check(std::string(e.what()).find("192.0.2.1") != std::string::npos, "the error names the address");
        }
        out.check(std::chrono::steady_clock::now() - started < 5s, "the failure is reported without waiting for the deadline");
    }));
}

// The profile's options land in unbound.conf and the cold validator's config in Unbound's own
// format (unset ones are not written), and Unbound 1.17.1 takes them: unbound-checkconf runs
// in the daemon's constructor and the daemon starts; the cold validator resolves.
TEST(ResolverProfiles, OptionsAreWrittenInUnboundsFormatAndAccepted)
{
    scenario::ResolverSpec profile;
    profile.serve_expired = true;
    profile.val_sig_skew_min = 120s;
    profile.val_sig_skew_max = 600s;
    profile.val_bogus_ttl = 5s;
    profile.harden_algo_downgrade = true;
    profile.max_nsec3_iterations = 50;
    const std::string daemon_text = lab::profile_server_options(profile, lab::ProfileTarget::Daemon);
    EXPECT_EQ(daemon_text,
              "    serve-expired: yes\n"
              "    val-sig-skew-min: 120\n"
              "    val-sig-skew-max: 600\n"
              "    val-bogus-ttl: 5\n"
              "    harden-algo-downgrade: yes\n"
              "    val-nsec3-keysize-iterations: \"1024 50 2048 50 4096 50\"\n");
    // The cold validator keeps no cache between probes: nothing for serve-expired or
    // val-bogus-ttl to act on.
    EXPECT_EQ(lab::profile_server_options(profile, lab::ProfileTarget::ColdValidator),
              "    val-sig-skew-min: 120\n"
              "    val-sig-skew-max: 600\n"
              "    harden-algo-downgrade: yes\n"
              "    val-nsec3-keysize-iterations: \"1024 50 2048 50 4096 50\"\n");
    EXPECT_EQ(lab::profile_server_options(scenario::ResolverSpec{}, lab::ProfileTarget::Daemon), "");

    scenario::ResolverSpec off;
    off.serve_expired = false;
    off.harden_algo_downgrade = false;
    off.max_nsec3_iterations = 0;
    EXPECT_EQ(lab::profile_server_options(off, lab::ProfileTarget::Daemon),
              "    serve-expired: no\n"
              "    harden-algo-downgrade: no\n"
              "    val-nsec3-keysize-iterations: \"1024 0 2048 0 4096 0\"\n");

    scenario::ResolverSpec bad;
    bad.val_sig_skew_max = -1s;
    EXPECT_THROW(lab::profile_server_options(bad, lab::ProfileTarget::Daemon), LabError);
    bad = {};
    bad.max_nsec3_iterations = 65536;
    EXPECT_THROW(lab::profile_server_options(bad, lab::ProfileTarget::ColdValidator), LabError);
    bad.max_nsec3_iterations = -1;
    EXPECT_THROW(lab::profile_server_options(bad, lab::ProfileTarget::ColdValidator), LabError);

    expect_child_ok(run_in_lab([profile](Channel& out) {
        const TimePoint inception = at("2027-03-01T00:00:00Z");
        const TimePoint valid = at("2027-03-02T00:00:00Z");
        test::TempDir dir;
        const auto tools = lab::Tools::locate();
        const SignedWorld world = build_world(inception, inception + 14 * 24h);
        lab::NsdServer root(tools, dir.path() / "nsd-root", "127.53.0.1", ".", world.root_text, kSerial);
        lab::NsdServer test(tools, dir.path() / "nsd-test", "127.53.0.2", "test.", world.test_text, kSerial);
        const auto setup = resolver_setup(world);

        lab::UnboundDaemon daemon(tools, dir.path() / "unbound", "127.53.1.1", setup, profile, valid);
        const std::string conf = read_file(dir.path() / "unbound" / "unbound.conf");
        for (const char* option : {"serve-expired: yes", "val-sig-skew-min: 120", "val-sig-skew-max: 600",
                                   "val-bogus-ttl: 5", "harden-algo-downgrade: yes",
                                   "val-nsec3-keysize-iterations: \"1024 50 2048 50 4096 50\""})
            out.check(contains(conf, option), std::string("unbound.conf has '") + option + "'");
        const auto a = dns::query(daemon.address(), "www.test.", "A");
        out.note("daemon with every profile option, www.test. A: " + describe(a));
        out.check(!a.timed_out && a.rcode == dns::Rcode::NoError && a.ad, "the daemon validates with the profile: " + describe(a));

        probe::ColdValidator cold(setup, dir.path() / "cold", profile);
        const std::string cold_conf = read_file(dir.path() / "cold" / "libunbound.conf");
        out.check(contains(cold_conf, "val-sig-skew-max: 600") && contains(cold_conf, "harden-algo-downgrade: yes") &&
                      contains(cold_conf, "val-nsec3-keysize-iterations:") && !contains(cold_conf, "serve-expired") &&
                      !contains(cold_conf, "val-bogus-ttl"),
                  "the cold validator's config has the validation options only");
        const auto c = cold.resolve("www.test.", "A", valid);
        out.note("cold with every profile option, www.test. A: " + describe(c));
        out.check(c.validation == dns::Validation::Secure && c.havedata, "the cold validator validates with the profile: " + describe(c));
    }));
}

// val-sig-skew-max: an hour after the signatures expired, Unbound's default skew (10% of the
// 14-day lifetime, capped at 24 h) still accepts them; a profile capping the skew at 60 s
// does not. Daemon and cold validator alike.
TEST(ResolverProfiles, SmallSigSkewMaxFailsAJustExpiredSignature)
{
    expect_child_ok(run_in_lab([](Channel& out) {
        const TimePoint inception = at("2027-03-01T00:00:00Z");
        const TimePoint expiration = inception + 14 * 24h;
        const TimePoint valid = at("2027-03-02T00:00:00Z");
        const TimePoint just_expired = expiration + 1h;

        test::TempDir dir;
        const auto tools = lab::Tools::locate();
        const SignedWorld world = build_world(inception, expiration);
        lab::NsdServer root(tools, dir.path() / "nsd-root", "127.53.0.1", ".", world.root_text, kSerial);
        lab::NsdServer test(tools, dir.path() / "nsd-test", "127.53.0.2", "test.", world.test_text, kSerial);
        const auto setup = resolver_setup(world);

        const scenario::ResolverSpec defaults;
        scenario::ResolverSpec strict;
        strict.name = "strict";
        strict.val_sig_skew_max = 60s;

        lab::UnboundDaemon lenient_daemon(tools, dir.path() / "unbound-default", "127.53.1.1", setup, defaults,
                                          just_expired);
        lab::UnboundDaemon strict_daemon(tools, dir.path() / "unbound-strict", "127.53.1.2", setup, strict, valid);

        // Inside the validity period the strict profile validates like any other.
        const auto s0 = dns::query(strict_daemon.address(), "www.test.", "A");
        out.note("strict (skew max 60 s) at 2027-03-02, www.test. A: " + describe(s0));
        out.check(!s0.timed_out && s0.rcode == dns::Rcode::NoError && s0.ad, "strict daemon: secure inside the validity: " + describe(s0));

        const auto d1 = dns::query(lenient_daemon.address(), "fresh.test.", "A");
        out.note("default skew, expiration + 1 h, fresh.test. A: " + describe(d1));
        out.check(!d1.timed_out && d1.rcode == dns::Rcode::NoError && d1.ad,
                  "default skew accepts a signature expired 1 h ago: " + describe(d1));

        strict_daemon.set_time(just_expired);
        const auto s1 = dns::query(strict_daemon.address(), "fresh.test.", "A");
        out.note("skew max 60 s, expiration + 1 h, fresh.test. A: " + describe(s1));
        out.check(!s1.timed_out && s1.rcode == dns::Rcode::ServFail, "skew max 60 s: SERVFAIL 1 h after expiry: " + describe(s1));
        out.check(s1.ede == dns::Ede::SignatureExpired, "EDE 7 (Signature Expired): " + describe(s1));

        probe::ColdValidator cold_default(setup, dir.path() / "cold-default", defaults);
        probe::ColdValidator cold_strict(setup, dir.path() / "cold-strict", strict);
        const auto c1 = cold_default.resolve("www.test.", "A", just_expired);
        out.note("cold, default skew, expiration + 1 h: " + describe(c1));
        out.check(c1.validation == dns::Validation::Secure, "cold validator, default skew: secure 1 h after expiry: " + describe(c1));
        const auto c2 = cold_strict.resolve("www.test.", "A", just_expired);
        out.note("cold, skew max 60 s, expiration + 1 h: " + describe(c2));
        out.check(c2.validation == dns::Validation::Bogus && contains(c2.reason, "signature expired"),
                  "cold validator, skew max 60 s: bogus, signature expired: " + describe(c2));
        const auto c3 = cold_strict.resolve("www.test.", "A", valid);
        out.check(c3.validation == dns::Validation::Secure, "cold validator, skew max 60 s: secure inside the validity: " + describe(c3));
    }));
}

// clock_offset -2d: at virtual inception + 12 h the resolver believes it is 36 h before the
// inception, beyond the 24 h skew: "signature before inception date" (EDE 8, Signature Not Yet
// Valid). set_time() keeps applying the offset; at virtual inception + 3 d it believes
// inception + 1 d and validates.
TEST(ResolverProfiles, ClockOffsetPutsTheResolverBeforeTheInception)
{
    expect_child_ok(run_in_lab([](Channel& out) {
        const TimePoint inception = at("2027-03-01T00:00:00Z");
        const TimePoint expiration = inception + 14 * 24h;
        const TimePoint early = inception + 12h;
        const TimePoint later = inception + 3 * 24h;

        test::TempDir dir;
        const auto tools = lab::Tools::locate();
        const SignedWorld world = build_world(inception, expiration);
        lab::NsdServer root(tools, dir.path() / "nsd-root", "127.53.0.1", ".", world.root_text, kSerial);
        lab::NsdServer test(tools, dir.path() / "nsd-test", "127.53.0.2", "test.", world.test_text, kSerial);
        const auto setup = resolver_setup(world);

        const scenario::ResolverSpec defaults;
        scenario::ResolverSpec behind;
        behind.name = "behind";
        behind.clock_offset = -2 * Seconds(24h);

        lab::UnboundDaemon on_time(tools, dir.path() / "unbound-on-time", "127.53.1.1", setup, defaults, early);
        lab::UnboundDaemon late(tools, dir.path() / "unbound-behind", "127.53.1.2", setup, behind, early);
        out.check(late.clock_offset() == -2 * Seconds(24h), "the daemon keeps the profile's clock offset");

        const auto a = dns::query(on_time.address(), "www.test.", "A");
        out.note("no offset, inception + 12 h, www.test. A: " + describe(a));
        out.check(!a.timed_out && a.rcode == dns::Rcode::NoError && a.ad, "without an offset: secure: " + describe(a));

        const auto b = dns::query(late.address(), "www.test.", "A");
        out.note("offset -2d, inception + 12 h, www.test. A: " + describe(b));
        out.check(!b.timed_out && b.rcode == dns::Rcode::ServFail, "offset -2d: SERVFAIL before the inception: " + describe(b));
        out.check(b.ede == dns::Ede::SignatureNotYetValid, "EDE 8 (Signature Not Yet Valid): " + describe(b));

        // Bogus keys and answers are cached for val-bogus-ttl (60 s) on the daemon's clock;
        // three days on, that has long passed.
        late.set_time(later);
        const auto c = dns::query(late.address(), "fresh.test.", "A");
        out.note("offset -2d, inception + 3 d, fresh.test. A: " + describe(c));
        out.check(!c.timed_out && c.rcode == dns::Rcode::NoError && c.ad, "offset -2d at inception + 3 d: secure: " + describe(c));

        probe::ColdValidator cold_on_time(setup, dir.path() / "cold-on-time", defaults);
        probe::ColdValidator cold_behind(setup, dir.path() / "cold-behind", behind);
        out.check(cold_behind.clock_offset() == -2 * Seconds(24h), "the cold validator keeps the clock offset");
        const auto d = cold_on_time.resolve("www.test.", "A", early);
        out.note("cold, no offset, inception + 12 h: " + describe(d));
        out.check(d.validation == dns::Validation::Secure, "cold validator without an offset: secure: " + describe(d));
        const auto e = cold_behind.resolve("www.test.", "A", early);
        out.note("cold, offset -2d, inception + 12 h: " + describe(e));
        out.check(e.validation == dns::Validation::Bogus && contains(e.reason, "signature before inception"),
                  "cold validator, offset -2d: bogus, signature before inception: " + describe(e));
        const auto f = cold_behind.resolve("www.test.", "A", later);
        out.check(f.validation == dns::Validation::Secure, "cold validator, offset -2d at inception + 3 d: secure: " + describe(f));
    }));
}

// max_nsec3_iterations (val-nsec3-keysize-iterations "1024 N 2048 N 4096 N"): test. denies
// with NSEC3 and 10 additional iterations. Unbound's default (150) and a limit of exactly 10
// validate the NXDOMAIN; a limit of 5 leaves it unchecked: NXDOMAIN without AD (insecure),
// not a failure.
TEST(ResolverProfiles, Nsec3IterationsAboveTheLimitMakeADenialInsecure)
{
    expect_child_ok(run_in_lab([](Channel& out) {
        const TimePoint inception = at("2027-03-01T00:00:00Z");
        const TimePoint valid = at("2027-03-02T00:00:00Z");
        test::TempDir dir;
        const auto tools = lab::Tools::locate();
        const SignedWorld world = build_world(inception, inception + 14 * 24h, scenario::Denial::Nsec3, 10);
        lab::NsdServer root(tools, dir.path() / "nsd-root", "127.53.0.1", ".", world.root_text, kSerial);
        lab::NsdServer test(tools, dir.path() / "nsd-test", "127.53.0.2", "test.", world.test_text, kSerial);
        const auto setup = resolver_setup(world);

        const scenario::ResolverSpec defaults;
        scenario::ResolverSpec at_limit;
        at_limit.max_nsec3_iterations = 10;
        scenario::ResolverSpec below;
        below.max_nsec3_iterations = 5;

        struct Case {
            const char* label;
            const char* dir;
            const scenario::ResolverSpec* profile;
            const char* address;
            bool secure;
        };
        const Case cases[] = {{"default", "default", &defaults, "127.53.1.1", true},
                              {"max 10", "max10", &at_limit, "127.53.1.2", true},
                              {"max 5", "max5", &below, "127.53.1.3", false}};
        for (const auto& c : cases) {
            const std::string label = c.label;
            lab::UnboundDaemon daemon(tools, dir.path() / (std::string("unbound-") + c.dir), c.address,
                                      setup, *c.profile, valid);
            const auto a = dns::query(daemon.address(), "nothing.test.", "A");
            out.note("NSEC3 10 iterations, " + label + ", nothing.test. A: " + describe(a));
            out.check(!a.timed_out && a.rcode == dns::Rcode::NxDomain, label + ": NXDOMAIN: " + describe(a));
            out.check(a.ad == c.secure, label + (c.secure ? ": AD set" : ": no AD") + ": " + describe(a));
            // The positive answer does not involve NSEC3: validated under every limit.
            const auto w = dns::query(daemon.address(), "www.test.", "A");
            out.check(!w.timed_out && w.rcode == dns::Rcode::NoError && w.ad, label + ": www.test. A secure: " + describe(w));

            probe::ColdValidator cold(setup, dir.path() / (std::string("cold-") + c.dir), *c.profile);
            const auto r = cold.resolve("nothing.test.", "A", valid);
            out.note("cold, NSEC3 10 iterations, " + label + ", nothing.test. A: " + describe(r));
            out.check(r.nxdomain && r.validation == (c.secure ? dns::Validation::Secure : dns::Validation::Insecure),
                      label + ": cold validator " + (c.secure ? "secure" : "insecure") + ": " + describe(r));
        }
    }));
}

}  // namespace
}  // namespace rollsim
