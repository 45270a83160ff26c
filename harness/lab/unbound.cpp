#include "lab/unbound.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "dns/query.hpp"
#include "lab/resolver_kit.hpp"

#include <sys/un.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Unbound's config parser takes a quoted string verbatim, without escapes: a value holding a
// quote or a line break cannot be written into a config file.
std::string quoted(const std::string& value, const std::string& what)
{
    if (value.find_first_of("\"\r\n") != std::string::npos)
        throw LabError(what + " '" + value + "' contains a quote or a line break; Unbound configs cannot hold it");
    return "\"" + value + "\"";
}

// unbound-checkconf ships next to unbound; when present it names the offending line of a bad
// configuration before the daemon is started. When absent the daemon's own log has to do.
void check_config(const Tools& tools, const fs::path& conf)
{
    const fs::path checkconf = fs::path(tools.unbound).parent_path() / "unbound-checkconf";
    std::error_code ec;
    if (!fs::exists(checkconf, ec)) return;
    ProcessSpec spec;
    spec.program = checkconf.string();
    spec.args = {conf.string()};
    std::string output;
    if (run_command(spec, output) != 0) {
        while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
        throw LabError("unbound-checkconf rejected " + conf.string() + ": " + output);
    }
}

std::string yes_no(bool value) { return value ? "yes" : "no"; }

// A duration option in whole seconds; Unbound reads these as non-negative integers.
std::string seconds_value(Seconds value, const std::string& option)
{
    if (value.count() < 0)
        throw LabError("resolver profile: " + option + " " + std::to_string(value.count()) +
                       " s is negative; Unbound takes 0 or more seconds");
    if (value.count() > 0x7fffffff)
        throw LabError("resolver profile: " + option + " " + std::to_string(value.count()) +
                       " s does not fit Unbound's 32-bit setting");
    return std::to_string(value.count());
}

}  // namespace

std::string profile_server_options(const scenario::ResolverSpec& profile, ProfileTarget target)
{
    std::string text;
    auto line = [&text](const std::string& option) { text += "    " + option + "\n"; };
    const bool daemon = target == ProfileTarget::Daemon;
    if (daemon && profile.serve_expired) line("serve-expired: " + yes_no(*profile.serve_expired));
    if (profile.val_sig_skew_min)
        line("val-sig-skew-min: " + seconds_value(*profile.val_sig_skew_min, "val-sig-skew-min"));
    if (profile.val_sig_skew_max)
        line("val-sig-skew-max: " + seconds_value(*profile.val_sig_skew_max, "val-sig-skew-max"));
    if (daemon && profile.add_holddown)
        line("add-holddown: " + seconds_value(*profile.add_holddown, "add-holddown"));
    if (daemon && profile.del_holddown)
        line("del-holddown: " + seconds_value(*profile.del_holddown, "del-holddown"));
    if (daemon && profile.val_bogus_ttl)
        line("val-bogus-ttl: " + seconds_value(*profile.val_bogus_ttl, "val-bogus-ttl"));
    if (profile.harden_algo_downgrade)
        line("harden-algo-downgrade: " + yes_no(*profile.harden_algo_downgrade));
    if (profile.max_nsec3_iterations) {
        const int n = *profile.max_nsec3_iterations;
        // The iteration field of NSEC3 is 16 bits (RFC 5155 3.1.5).
        if (n < 0 || n > 65535)
            throw LabError("resolver profile: max NSEC3 iterations " + std::to_string(n) +
                           " is outside 0..65535");
        const std::string v = std::to_string(n);
        line("val-nsec3-keysize-iterations: \"1024 " + v + " 2048 " + v + " 4096 " + v + "\"");
    }
    return text;
}

std::string common_server_options(const ResolverSetup& setup, const std::filesystem::path& dir)
{
    if (setup.root_hints.empty()) throw LabError("resolver setup has no root hints");
    if (setup.trust_anchor.empty()) throw LabError("resolver setup has no trust anchor");
    const fs::path base = prepare_directory(dir);
    const fs::path hints = base / "root.hints";
    const fs::path anchor = base / "root.anchor";
    write_lab_file(hints, with_final_newline(setup.root_hints));
    const bool automatic = setup.anchor_mode == scenario::TrustAnchorMode::Rfc5011;
    const fs::path auto_anchor = base / "root.autokey";
    std::error_code exists_ec;
    if (!automatic) write_lab_file(anchor, with_final_newline(setup.trust_anchor));
    else if (!fs::exists(auto_anchor, exists_ec)) write_lab_file(auto_anchor, with_final_newline(setup.trust_anchor));

    std::string text;
    auto line = [&text](const std::string& option) { text += "    " + option + "\n"; };
    // The lab root instead of the built-in IANA root hints, and the lab's own trust anchor.
    line("root-hints: " + quoted(hints.string(), "root hints path"));
    if (automatic) line("auto-trust-anchor-file: " + quoted(auto_anchor.string(), "trust anchor path"));
    else line("trust-anchor-file: " + quoted(anchor.string(), "trust anchor path"));
    // Every lab server lives on 127.x; Unbound refuses to query loopback addresses by default.
    line("do-not-query-localhost: no");
    // RFC 8914 Extended DNS Errors on SERVFAIL, and the validator's reason in them and the log.
    line("ede: yes");
    line("val-log-level: 2");
    // The lab namespace has IPv4 loopback only.
    line("do-ip6: no");
    line("module-config: \"validator iterator\"");
    // Unbound answers RFC 6761 names (test., invalid., localhost., onion., ...) and friends from
    // built-in local zones. `nodefault` removes such a zone so the lab's servers are asked.
    // Checked with Unbound 1.17.1 (unbound-checkconf, the daemon and libunbound's ub_ctx_config):
    // `local-zone: "example.com." nodefault` for a name that is not a default local zone is
    // accepted silently and changes nothing, so callers may list every lab zone here.
    for (const auto& zone : setup.nodefault_zones)
        line("local-zone: " + quoted(zone, "zone name") + " nodefault");
    return text;
}

namespace {

// The daemon's own `server:` options: where it listens and keeps its files, logging to stderr.
std::string daemon_server_options(const fs::path& dir, const std::string& address)
{
    std::string text;
    auto line = [&text](const std::string& option) { text += "    " + option + "\n"; };
    line("interface: " + address);
    line("port: 53");
    line("do-daemonize: no");
    line("username: \"\"");
    line("chroot: \"\"");
    line("directory: " + quoted(dir.string(), "resolver directory"));
    line("pidfile: " + quoted((dir / "unbound.pid").string(), "pidfile path"));
    // No logfile and no syslog: Unbound logs to stderr, which lab::Process puts in unbound.log.
    line("use-syslog: no");
    line("logfile: \"\"");
    line("verbosity: 1");
    line("num-threads: 1");
    line("so-reuseport: no");
    line("access-control: 127.0.0.0/8 allow");
    return text;
}

std::string remote_control_options(const fs::path& control)
{
    if (control.string().size() >= sizeof(sockaddr_un{}.sun_path))
        throw LabError("the Unbound control socket path " + control.string() +
                       " is too long for a unix socket; use a shorter lab directory");
    return "remote-control:\n"
           "    control-enable: yes\n"
           "    control-interface: " + quoted(control.string(), "control socket path") + "\n"
           "    control-use-cert: no\n";
}

}  // namespace

UnboundDaemon::UnboundDaemon(const Tools& tools, std::filesystem::path dir, std::string address,
                             const ResolverSetup& setup, const scenario::ResolverSpec& profile,
                             TimePoint virtual_now)
    : ResolverDaemon(tools, dir, std::move(address), profile.clock_offset, virtual_now)
{
    if (setup.anchor_mode == scenario::TrustAnchorMode::Rfc5011) m_auto_anchor = this->dir() / "root.autokey";

    const fs::path conf = this->dir() / "unbound.conf";
    m_conf = conf;
    m_control = (fs::path(tools.unbound).parent_path() / "unbound-control").string();
    const std::string control = remote_control_options(this->dir() / "unbound.ctl");
    write_lab_file(conf, "server:\n" + daemon_server_options(this->dir(), this->address()) +
                             common_server_options(setup, this->dir()) +
                             profile_server_options(profile, ProfileTarget::Daemon) + control);
    check_config(tools, conf);

    ProcessSpec spec;
    spec.program = tools.unbound;
    spec.args = {"-d", "-c", conf.string()};
    spec.log = this->dir() / "unbound.log";
    launch(spec, "unbound", {"version.server."});
}

std::unique_ptr<ResolverDaemon> start_unbound(const DaemonStart& start)
{
    return std::make_unique<UnboundDaemon>(start.tools, start.dir, start.address, start.setup, start.profile,
                                           start.virtual_now);
}

void UnboundDaemon::empty_cache()
{
    const std::vector<std::vector<std::string>> flushes = {{"flush_zone", "."}, {"flush_negative"}, {"flush_infra", "all"}};
    for (const auto& flush : flushes) {
        std::vector<std::string> args = {"-c", m_conf.string()};
        args.insert(args.end(), flush.begin(), flush.end());
        const std::string said = control(m_control, args);
        if (said.rfind("ok", 0) != 0)
            throw LabError("unbound-control " + flush.front() + " did not say ok for the resolver on " + address() +
                           ": " + said);
    }
}

void UnboundDaemon::wake()
{
    dns::QueryOptions options;
    options.timeout = 2s;
    options.attempts = 3;
    const auto answer = dns::query(address(), ".", "DNSKEY", options);
    if (answer.timed_out)
        throw LabError("unbound on " + address() + " did not answer the RFC 5011 wake-up query (. DNSKEY):\n" +
                       log_tail());
}

std::string UnboundDaemon::auto_trust_anchor_state() const
{
    if (m_auto_anchor.empty()) return "";
    std::ifstream in(m_auto_anchor);
    std::string state;
    // Unbound's format (validator/autotrust.c autr_write_contents): one DNSKEY per line, with
    // the comments ";{id = TAG (ksk), size = N} ;;state=S [ NAME ] ;;count=C ;;lastchange=T".
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(";;REVOKED", 0) == 0 || line.find("all keys revoked") != std::string::npos)
            return "no trust anchor (every key revoked)";
        const auto id = line.find("id = ");
        const auto open = line.find(";;state=");
        if (id == std::string::npos || open == std::string::npos) continue;
        const auto lb = line.find('[', open), rb = line.find(']', open);
        if (lb == std::string::npos || rb == std::string::npos) continue;
        std::string name = line.substr(lb + 1, rb - lb - 1);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        const std::string tag = line.substr(id + 5, line.find_first_not_of("0123456789", id + 5) - (id + 5));
        state += (state.empty() ? "" : ", ") + tag + " " + name;
    }
    return state;
}

}  // namespace rollsim::lab
