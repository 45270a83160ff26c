// signer kinds ldns-signzone and dnssec-signzone — the operator's cron job around a batch
// signer. Keys are made once at start (ldns-keygen / dnssec-keygen, on the virtual clock) or
// copied from the operator's keys:. At start and at each multiple of `every:` (none from
// `stops-at:` on) the signer runs once on the virtual clock with the operator's flags, so its
// inception and expiration follow virtual time, and an NSD instance, the zone's hidden primary,
// loads what it wrote and NOTIFYs the zone's NSD servers. Between runs nothing re-signs: the
// signatures age as they would when cron stops.
//
// What rollsim adds to the operator's flags: the origin and output file (-o, -f), and for
// dnssec-signzone the key directory with smart signing (-K DIR -S) and the dsset directory
// (-d); each run's input carries the run's virtual time as its SOA serial, as an operator's
// script stamps it, so the secondaries transfer every run.
#include "lab/signer_kit.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "lab/nsd.hpp"
#include "lab/resolver_kit.hpp"
#include "scenario/names.hpp"

#include <fstream>
#include <regex>

#include <fmt/format.h>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using scenario::SignerKind;

constexpr auto kServeDeadline = std::chrono::seconds(20);

// The SOA serial written after the SOA's two names: `(\sIN\s+SOA ...)` is the SOA record itself,
// never an RRSIG over it (whose type field follows RRSIG, not the class).
const std::regex& soa_serial_pattern()
{
    static const std::regex kSerial(R"((\sIN\s+SOA\s+\S+\s+\S+\s+(?:\(\s*)?)(\d+))");
    return kSerial;
}

// `text` with its SOA serial replaced by `serial`.
std::string with_serial(const std::string& text, std::uint32_t serial)
{
    std::smatch m;
    if (!std::regex_search(text, m, soa_serial_pattern())) return text;
    return text.substr(0, static_cast<std::size_t>(m.position(2))) + std::to_string(serial) +
           text.substr(static_cast<std::size_t>(m.position(2) + m.length(2)));
}

std::optional<std::uint32_t> serial_of(const std::string& text)
{
    std::smatch m;
    const std::string padded = " " + text;
    if (!std::regex_search(padded, m, soa_serial_pattern())) return std::nullopt;
    return static_cast<std::uint32_t>(std::stoul(m[2]));
}

// The first line of a tool's output that says something (its own words for a refusal).
std::string first_line(const std::string& output)
{
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);)
        if (line.find_first_not_of(" \t") != std::string::npos) return line;
    return "(no output)";
}

std::string single_quoted(const std::string& text) { return "'" + text + "'"; }

class BatchSigner : public SignerDaemon {
public:
    BatchSigner(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now)
        : m_spec(setup.spec), m_ldns(setup.spec.kind == SignerKind::LdnsSignzone),
          m_dir(prepare_directory(setup.dir)), m_keys(m_dir / "keys"), m_zone(setup.zone), m_start(virtual_now),
          m_clock(m_dir, tools.vclock_library), m_zone_text(setup.zone_text), m_log_file(m_dir / "signer.log")
    {
        const auto& row = scenario::row_of(m_spec.kind);
        m_program = locate_program(std::string(row.program),
                                   m_ldns ? "ROLLSIM_LDNS_SIGNZONE" : "ROLLSIM_DNSSEC_SIGNZONE", std::string(row.package));
        fs::create_directories(m_keys);
        set_time(virtual_now);
        if (!m_spec.keys.empty())
            copy_operator_keys(m_spec.keys, m_keys);
        else
            generate_keys(std::string(row.package));
        // The first run at start: flags the signer refuses are the scenario's error.
        const std::string signed_text = run(true);
        m_primary = std::make_unique<NsdServer>(tools, m_dir / "primary", setup.address, m_zone, signed_text,
                                                m_serial, "", setup.secondaries);
        schedule_after(virtual_now);
    }

    void set_time(TimePoint virtual_now) override
    {
        m_now = virtual_now;
        m_clock.set(virtual_now);
    }

    // The cron job's run when one is due; otherwise nothing changes (a batch signer has no
    // timers of its own).
    void act() override
    {
        if (!m_next || *m_next > m_now) return;
        const std::string signed_text = run(false);
        m_primary->publish(signed_text, m_serial);
        schedule_after(m_now);
    }

    // The operator's next run signs it (the cron job reads the zone file as it finds it).
    void update_zone(const std::string& zone_text) override { m_zone_text = zone_text; }

    std::optional<TimePoint> next_event() const override { return m_next; }

    std::vector<SignerKey> keys() const override;

    std::uint32_t signed_serial() const override
    {
        const auto deadline = Clock::now() + kServeDeadline;
        for (;;) {
            if (auto serial = m_primary->served_serial()) return *serial;
            if (Clock::now() >= deadline) throw LabError(fmt::format("the hidden primary of {} does not answer SOA", m_zone));
        }
    }

    bool running() override { return m_primary && m_primary->running(); }
    std::string log_tail(std::size_t lines) const override;
    const fs::path& log_file() const override { return m_log_file; }

private:
    void generate_keys(const std::string& package);
    std::string run(bool first);
    ProcessSpec on_clock(const std::string& program, std::vector<std::string> args) const
    {
        ProcessSpec spec;
        spec.program = program;
        spec.args = std::move(args);
        spec.env = m_clock.environment();
        spec.env["TZ"] = "UTC";
        return spec;
    }
    void log(const std::string& what, const std::string& output) const
    {
        std::ofstream out(m_log_file, std::ios::app);
        out << format_time(m_now) << " " << what << "\n" << output;
        if (!output.empty() && output.back() != '\n') out << "\n";
    }

    // The first multiple of `every:` after `after`, unless the cron job has stopped by then.
    void schedule_after(TimePoint after)
    {
        const auto since = std::chrono::duration_cast<Seconds>(after - m_start);
        const TimePoint next = m_start + (since / m_spec.every + 1) * m_spec.every;
        m_next = (m_spec.stops_at && next >= m_start + *m_spec.stops_at) ? std::nullopt : std::optional(next);
    }

    scenario::SignerSpec m_spec;
    bool m_ldns;
    fs::path m_dir, m_keys;
    std::string m_zone;
    TimePoint m_start, m_now;
    vclock::VirtualClock m_clock;
    std::string m_zone_text;  // unsigned, as the runner gave it last
    fs::path m_log_file;
    std::string m_program;
    std::uint32_t m_serial = 0;  // of the signed zone last written
    std::optional<TimePoint> m_next;
    std::unique_ptr<NsdServer> m_primary;
};

// A KSK and a ZSK of `algorithm:`. ldns-keygen writes into its working directory, which a
// ProcessSpec does not set: a shell changes to the key directory first.
void BatchSigner::generate_keys(const std::string& package)
{
    const std::string keygen = locate_program(m_ldns ? "ldns-keygen" : "dnssec-keygen",
                                              m_ldns ? "ROLLSIM_LDNS_KEYGEN" : "ROLLSIM_DNSSEC_KEYGEN", package);
    for (const bool ksk : {true, false}) {
        ProcessSpec spec;
        if (m_ldns) {
            std::string command = fmt::format("cd {} && exec {} -a {}{} {}", single_quoted(m_keys.string()),
                                              single_quoted(keygen), single_quoted(m_spec.algorithm),
                                              ksk ? " -k" : "", single_quoted(m_zone));
            spec = on_clock("/bin/sh", {"-c", command});
        } else {
            std::vector<std::string> args = {"-q", "-a", m_spec.algorithm, "-K", m_keys.string()};
            if (ksk) args.insert(args.end(), {"-f", "KSK"});
            args.push_back(m_zone);
            spec = on_clock(keygen, args);
        }
        std::string output;
        const int status = run_command(spec, output);
        log(fmt::format("{} ({}): exit {}", fs::path(keygen).filename().string(), ksk ? "KSK" : "ZSK", status), output);
        if (status != 0)
            throw ScenarioError(m_spec.loc.file, m_spec.loc.line, m_spec.loc.column,
                                fmt::format("{} refuses algorithm {}: {}", fs::path(keygen).filename().string(),
                                            m_spec.algorithm, first_line(output)));
    }
}

// One run of the cron job: the unsigned zone with this run's serial, signed with the operator's
// flags; returns the signed zone. A refusal at the first run is the operator's flags (exit 2);
// later it is the signer failing mid-run (LabError).
std::string BatchSigner::run(bool first)
{
    const auto serial = static_cast<std::uint32_t>(std::chrono::duration_cast<Seconds>(m_now.time_since_epoch()).count());
    const fs::path input = m_dir / "unsigned.zone";
    const fs::path output = m_dir / "signed.zone";
    write_lab_file(input, with_final_newline(with_serial(m_zone_text, serial)));
    std::vector<std::string> args = m_spec.flags;
    args.insert(args.end(), {"-o", m_zone, "-f", output.string()});
    if (!m_ldns) args.insert(args.end(), {"-S", "-K", m_keys.string(), "-d", m_dir.string()});
    args.push_back(input.string());
    if (m_ldns)
        for (const auto& entry : fs::directory_iterator(m_keys))
            if (entry.path().extension() == ".private") args.push_back((m_keys / entry.path().stem()).string());
    std::string out;
    const int status = run_command(on_clock(m_program, args), out);
    const std::string name = fs::path(m_program).filename().string();
    log(fmt::format("{} {}: exit {}", name, join(m_spec.flags, " "), status), out);
    if (status != 0 && first)
        throw ScenarioError(m_spec.flags_loc.file, m_spec.flags_loc.line, m_spec.flags_loc.column,
                            fmt::format("{} refuses the flags '{}': {}", name, join(m_spec.flags, " "), first_line(out)));
    if (status != 0)
        throw LabError(fmt::format("the signer of {} ({}) failed at {}: {}", m_zone, name, format_time(m_now),
                                   first_line(out)));
    const std::string text = read_text(output);
    const auto written = serial_of(text);
    if (!written) throw LabError(fmt::format("{} wrote no SOA record for {} in {}", name, m_zone, output.string()));
    m_serial = *written;
    return text;
}

// The key files of the zone: K<zone>+<alg>+<tag>.key, as both key generators name them. Every
// key the signer is given is published and signs (no timing metadata is read: a batch signer
// uses each key it is given, and -S without metadata does the same).
std::vector<SignerKey> BatchSigner::keys() const
{
    static const std::regex kName(R"(K(.+)\+(\d{3})\+(\d{5})\.key)");
    static const std::regex kDnskey(R"(\sDNSKEY\s+(\d+)\s+\d+\s+\d+\s+(.*))");
    std::vector<SignerKey> out;
    for (const auto& entry : fs::directory_iterator(m_keys)) {
        const std::string name = entry.path().filename().string();
        std::smatch m;
        if (!std::regex_match(name, m, kName) || (m[1].str() != m_zone && m[1].str() + "." != m_zone)) continue;
        std::istringstream in(read_text(entry.path()));
        for (std::string line; std::getline(in, line);) {
            std::smatch d;
            if (line.empty() || line[0] == ';' || !std::regex_search(line, d, kDnskey)) continue;
            SignerKey key;
            key.keytag = std::stoi(m[3]);
            key.algorithm = std::stoi(m[2]);
            key.ksk = (std::stoi(d[1]) & 1) != 0;  // the SEP bit (RFC 4034 2.1.1)
            key.published = key.signing = true;
            key.dnskey = line;
            out.push_back(key);
            break;
        }
    }
    // A key is a ZSK unless it is a KSK beside a ZSK: a lone KSK signs everything (a CSK).
    const bool has_zsk = std::any_of(out.begin(), out.end(), [](const SignerKey& k) { return !k.ksk; });
    for (auto& key : out) key.zsk = !key.ksk || !has_zsk;
    std::sort(out.begin(), out.end(), [](const SignerKey& a, const SignerKey& b) { return a.keytag < b.keytag; });
    return out;
}

std::string BatchSigner::log_tail(std::size_t lines) const
{
    std::vector<std::string> all = LogFollower(m_log_file).new_lines();
    if (all.size() > lines) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(lines));
    return join(all, "\n");
}

}  // namespace

std::unique_ptr<SignerDaemon> start_batch_signer(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now)
{
    return std::make_unique<BatchSigner>(tools, setup, virtual_now);
}

}  // namespace rollsim::lab
