// kind: knot-resolver — Knot Resolver kresd as a validating resolver (docs/resolvers.md),
// configured from knot_resolver.conf.in beside this file. Its SERVFAIL carries an Extended DNS
// Error whose text is a short tag of kresd's own (e.g. "EXRU"); the reason recorded is its
// validator's log line for the failure.
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "lab/config_template.hpp"
#include "lab/resolver_kit.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;

// The profile's options as kresd configuration (the kind's row in scenario::kResolverKindNames
// says which it takes):
//   serve-expired: true loads the serve_stale module before the cache (RFC 8767: expired
//     records are answered for up to a day when their refresh fails); false loads nothing,
//     kresd's default.
std::string profile_options(const scenario::ResolverSpec& profile)
{
    if (profile.serve_expired && *profile.serve_expired) return "modules.load('serve_stale < cache')\n";
    return "";
}

// A policy rule that passes the lab's zones below special-use names to resolution.
std::string pass_zones(const std::vector<std::string>& zones)
{
    std::string names;
    for (const auto& zone : zones) {
        if (zone.find_first_of("'\\\n") != std::string::npos)
            throw LabError("zone name '" + zone + "' cannot be written into a kresd configuration");
        names += fmt::format("{}'{}'", names.empty() ? "" : ", ", zone);
    }
    if (names.empty()) return "";
    return fmt::format("policy.add(policy.suffix(policy.PASS, policy.todnames({{{}}})))\n", names);
}

// Without the counters that are 0: "(1 matching RRSIGs, 0 expired, 1 not yet valid, ...)" reads
// "(1 matching RRSIGs, 1 not yet valid)".
std::string without_zero_counters(std::string text)
{
    const auto open = text.rfind(" (");
    if (open == std::string::npos || text.back() != ')') return text;
    std::string kept;
    std::size_t pos = open + 2;
    while (pos < text.size() - 1) {
        std::size_t comma = text.find(", ", pos);
        if (comma == std::string::npos || comma > text.size() - 1) comma = text.size() - 1;
        const std::string counter = text.substr(pos, comma - pos);
        if (counter.rfind("0 ", 0) != 0) kept += (kept.empty() ? "" : ", ") + counter;
        pos = comma + 2;
    }
    return text.substr(0, open) + (kept.empty() ? "" : " (" + kept + ")");
}

// kresd's validator's words for a failure, from the [valdtr] lines a probe produced: the first
// verdict (">< bogus signatures: www.example.com. A (...)", ">< bogus key: example.com.
// DNSKEY (...)"), else the first step that failed ("<= bad keys, broken trust chain"). Empty
// when none (an answer from kresd's cache).
std::string validation_reason(const std::vector<std::string>& lines)
{
    std::string step;
    for (const auto& line : lines) {
        if (line.rfind("[valdtr]", 0) != 0) continue;
        const auto text = line.find_first_not_of(' ', line.find(']', 8) + 1);
        if (text == std::string::npos) continue;
        const std::string message = line.substr(text);
        if (message.rfind(">< bogus", 0) == 0) return without_zero_counters(message.substr(3));
        if (step.empty() && message.rfind("<= bad", 0) == 0) step = message.substr(3);
    }
    return step;
}

constexpr std::chrono::milliseconds kControlDeadline{10000};

// kresd's control socket (a cold kresd's, `kind = 'control'`): a Lua console that greets with the
// prompt "> " and answers each line with the value of the expression, then the prompt again.
class KresdConsole {
public:
    explicit KresdConsole(const fs::path& socket) : m_socket(socket)
    {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, socket.c_str(), sizeof(address.sun_path) - 1);
        m_fd = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (!m_fd.valid() || ::connect(m_fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
            throw LabError("cannot connect to kresd's control socket " + socket.string() + ": " + std::strerror(errno));
        read_to_prompt();
    }

    // The console's answer to `line`, without the prompt that ends it.
    std::string ask(const std::string& line)
    {
        const std::string text = line + "\n";
        if (::send(m_fd.get(), text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size()))
            throw LabError("cannot write to kresd's control socket " + m_socket.string() + ": " + std::strerror(errno));
        return read_to_prompt();
    }

private:
    std::string read_to_prompt()
    {
        const auto deadline = std::chrono::steady_clock::now() + kControlDeadline;
        std::string text;
        while (text.size() < 2 || text.compare(text.size() - 2, 2, "> ") != 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{m_fd.get(), POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                throw LabError("kresd's control socket " + m_socket.string() + " did not answer: '" + text + "'");
            char buffer[4096];
            const ssize_t n = ::read(m_fd.get(), buffer, sizeof buffer);
            if (n <= 0) throw LabError("kresd closed its control socket " + m_socket.string() + ": '" + text + "'");
            text.append(buffer, static_cast<std::size_t>(n));
        }
        return text.substr(0, text.size() - 2);
    }

    fs::path m_socket;
    UniqueFd m_fd;
};

// A control socket for a cold kresd, nothing for a warm one.
std::string control_socket(scenario::ResolverCache cache, const fs::path& socket)
{
    if (cache == scenario::ResolverCache::Warm) return "";
    if (socket.string().size() >= sizeof(sockaddr_un{}.sun_path))
        throw LabError("kresd's control socket path " + socket.string() + " is too long for a unix socket; use a "
                       "shorter lab directory");
    return fmt::format("net.listen('{}', nil, {{ kind = 'control' }})", socket.string());
}

class KnotResolver : public ResolverDaemon {
public:
    explicit KnotResolver(const DaemonStart& start)
        : ResolverDaemon(start)
    {
        const std::string kresd = locate_program("kresd", "ROLLSIM_KRESD", "knot-resolver");
        ds_records(start.setup.trust_anchor);  // a trust anchor kresd can read, or LabError now
        write_lab_file(dir() / "root.anchor", with_final_newline(start.setup.trust_anchor));
        const fs::path conf = dir() / "kresd.conf";
        write_lab_file(conf, fill_template("knot_resolver.conf.in", {{"DIR", dir().string()},
                                                                     {"ADDRESS", address()},
                                                                     {"CONTROL", control_socket(start.profile.cache, dir() / "control")},
                                                                     {"PASS_ZONES", pass_zones(start.setup.nodefault_zones)},
                                                                     {"OPTIONS", profile_options(start.profile)}}));
        ProcessSpec spec;
        spec.program = kresd;
        // Not interactive; the directory is its working and cache directory.
        spec.args = {"-n", "-c", conf.string(), dir().string()};
        spec.log = dir() / "kresd.log";
        // kresd refuses CHAOS questions and questions without RD (its refuse_nord module); it
        // answers localhost. from its own data.
        launch(spec, "kresd", {"localhost.", "A", "IN", true});
        follow_log(spec.log);  // its output: the validator's debug messages among it
    }

    std::string reason_in(const std::vector<std::string>& lines) const override { return validation_reason(lines); }

    // cache.clear() on its control socket: the whole cache (records, packets, negative and bogus
    // answers, and the servers' round-trip times, which kresd 5 keeps there too); it answers
    // with the count of what it removed.
    void empty_cache() override
    {
        const std::string said = KresdConsole(dir() / "control").ask("cache.clear()");
        if (said.find("['count']") == std::string::npos)
            throw LabError("kresd did not confirm cache.clear() for the resolver on " + address() + ": '" + said + "'");
    }
};

}  // namespace

std::unique_ptr<ResolverDaemon> start_knot_resolver(const DaemonStart& start)
{
    return std::make_unique<KnotResolver>(start);
}

}  // namespace rollsim::lab
