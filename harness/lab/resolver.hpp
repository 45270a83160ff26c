// The warm resolver role: a validating daemon of one kind (scenario::ResolverKind: Unbound,
// BIND named, Knot Resolver kresd, PowerDNS Recursor) on its own 127.54.0.N address of the lab,
// on the virtual clock (vclock/), with the lab's root hints and the root's trust anchor. The
// runner starts one with start_resolver(), sets its clock before each probe, asks it over DNS
// and lets it add what only its log says (explain); destroying it stops it. Each kind is one
// file (lab/unbound.cpp, lab/bind_resolver.cpp, lab/knot_resolver.cpp, lab/pdns_recursor.cpp)
// with its configuration template beside it, behind one row of the table in lab/resolver.cpp.
#pragma once

#include "core/time.hpp"
#include "dns/outcome.hpp"
#include "lab/process.hpp"
#include "lab/tools.hpp"
#include "scenario/model.hpp"
#include "vclock/clock_file.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::lab {

// What every validator of the lab is told about the private DNS world.
struct ResolverSetup {
    std::string root_hints;    // zone-file text: ". NS ns1.x." and the addresses
    std::string trust_anchor;  // zone-file text: the root's DS (or DNSKEY) records
    // Static: the anchor the daemon was installed with, written again whenever it starts.
    // Rfc5011 (Unbound only): `auto-trust-anchor-file`, which Unbound rewrites as it follows
    // the root's key (RFC 5011); it is written with `trust_anchor` only when it does not exist
    // yet, so that a daemon started again keeps the state it had.
    scenario::TrustAnchorMode anchor_mode = scenario::TrustAnchorMode::Static;
    // Names a validator would answer from built-in data (RFC 6761 and friends: Unbound's local
    // zones, kresd's special names) that the lab serves for real: the lab's zones, root aside.
    std::vector<std::string> nodefault_zones;
};

class LogFollower;  // lab/resolver_kit.hpp

// Everything a daemon kind is started with (start_resolver()).
struct DaemonStart {
    const Tools& tools;
    std::filesystem::path dir;
    std::string address;
    const ResolverSetup& setup;
    const scenario::ResolverSpec& profile;
    TimePoint virtual_now;
};

// A running validating daemon of the lab. Destroying it stops it (SIGTERM, then SIGKILL).
class ResolverDaemon {
public:
    virtual ~ResolverDaemon();
    ResolverDaemon(const ResolverDaemon&) = delete;
    ResolverDaemon& operator=(const ResolverDaemon&) = delete;

    // Moves the daemon's clock to `virtual_now` + the profile's clock offset (one store into
    // the offset file the daemon maps: vclock/clock_file.hpp). Between calls the clock runs at
    // real speed. Moving it backwards ages nothing: what the daemon cached at a later instant,
    // bogus data included, stays until its expiry on its clock.
    void set_time(TimePoint virtual_now);

    const std::string& address() const { return m_address; }
    Seconds clock_offset() const { return m_clock_offset; }
    // The last lines of the daemon's own output (stdout and stderr), for errors and reports.
    std::string log_tail(std::size_t lines = 5) const;
    // Whether its process still runs (false once it has died: a crash, an OOM kill).
    bool running();

    // Called with the daemon's answer to the query it was just asked: for a kind that follows
    // its log (follow_log), reads what the log gained since the previous call and, when the
    // answer failed and the lines say why (reason_in), makes that the answer's reason. EDEs do
    // not always say why: named 9.18 sends none, kresd's text is a tag, pdns's is empty.
    void explain(dns::ResolverAnswer& answer);

    // Empties the daemon's whole cache through its control channel (cache: cold,
    // docs/resolvers.md#cold-daemons) and returns once its control tool said it did: what it
    // answers next, it answers as a daemon that has cached nothing. Throws LabError with the
    // tool's words when the tool fails or does not confirm.
    virtual void empty_cache() = 0;

    // RFC 5011 (kinds that follow the root's key: Unbound, lab/unbound.hpp): lets the daemon's
    // state machine run now, and the state of its anchor. The defaults do nothing and say "".
    virtual void wake();
    virtual std::string auto_trust_anchor_state() const;

    // A question the daemon answers from its own data once it is ready.
    struct Ping {
        std::string qname;
        std::string qtype = "TXT";
        std::string qclass = "CH";
        bool recursion_desired = false;
        // Between two pings: more than the daemon's own rate limit for the question allows.
        std::chrono::milliseconds every{20};
    };

protected:
    // Makes `dir` (kept across restarts) and the daemon's clock file in it, the clock at
    // `virtual_now` + `clock_offset`.
    ResolverDaemon(const Tools& tools, const std::filesystem::path& dir, std::string address, Seconds clock_offset,
                   TimePoint virtual_now);
    // The same for `start`, and the lab's root hints written to root.hints in the directory,
    // where every kind but Unbound (common_server_options) reads them.
    explicit ResolverDaemon(const DaemonStart& start);

    // Starts `spec` (its env gets the virtual clock) and returns once the daemon answers `ping`
    // with NOERROR; LabError with its log's tail when it exits first or does not answer within
    // 10 s. `program` names it in errors.
    void launch(ProcessSpec spec, const std::string& program, const Ping& ping);

    const std::filesystem::path& dir() const { return m_dir; }

    // Runs the daemon's control tool `program` with `args` on the daemon's clock (rndc refuses a
    // server whose clock differs from its own) and returns what it printed; LabError with that
    // when it exits with a failure or does not end within 10 s.
    std::string control(const std::string& program, const std::vector<std::string>& args) const;

    // From now on explain() reads `file`, the daemon's log of its validation failures.
    void follow_log(const std::filesystem::path& file);

    // Why validation failed, in the words of the log lines one probe produced; "" when they do
    // not say (an answer from the daemon's cache). Called only for a kind that follows its log.
    virtual std::string reason_in(const std::vector<std::string>& lines) const;

private:
    std::filesystem::path m_dir;
    std::string m_address;
    Seconds m_clock_offset{0};
    vclock::VirtualClock m_clock;  // the daemon's wall clock
    std::optional<Process> m_process;
    std::unique_ptr<LogFollower> m_log;  // the log explain() reads, for kinds that follow one
};

// Starts a daemon of `profile.kind` (not libunbound: scenario::is_daemon) in `dir` on `address`
// port 53, its clock at `virtual_now` + profile.clock_offset, with the options of `profile` as
// the kind's own settings (docs/scenario-format.md says which), and returns once it answers.
// Throws LabError (exit status 3) when its program is not installed, naming the Debian package,
// or when it does not start.
std::unique_ptr<ResolverDaemon> start_resolver(const Tools& tools, const std::filesystem::path& dir,
                                               const std::string& address, const ResolverSetup& setup,
                                               const scenario::ResolverSpec& profile, TimePoint virtual_now);

}  // namespace rollsim::lab
