// The operator's signer role (lab/signer.hpp): the table of kinds the lab runs, and what their
// files share (lab/signer_kit.hpp).
#include "lab/signer_kit.hpp"

#include "core/error.hpp"
#include "dns/query.hpp"
#include "scenario/names.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;

struct SignerKindStart {
    scenario::SignerKind kind;
    std::unique_ptr<SignerDaemon> (*start)(const Tools&, const SignerSetup&, TimePoint);
};

// One row per kind the lab runs (scenario::kSignerKindNames says which).
constexpr SignerKindStart kSignerKinds[] = {
    {scenario::SignerKind::Bind, start_bind_signer},
    {scenario::SignerKind::Knot, start_knot_signer},
    {scenario::SignerKind::LdnsSignzone, start_batch_signer},
    {scenario::SignerKind::DnssecSignzone, start_batch_signer},
};

dns::QueryOptions direct_query()
{
    dns::QueryOptions options;
    options.recursion_desired = false;
    options.dnssec_ok = false;
    options.timeout = std::chrono::milliseconds(250);
    options.attempts = 1;
    return options;
}

// The "Name: value" lines of a key state file.
std::map<std::string, std::string> state_fields(const fs::path& file)
{
    std::map<std::string, std::string> out;
    std::istringstream in(read_text(file));
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == ';') continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const auto value = line.find_first_not_of(' ', colon + 1);
        out[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
    }
    return out;
}

// RFC 7583 terms as BIND's key states write them: a record is in the zone (or at the parent)
// while "rumoured" (introduced) or "omnipresent".
bool introduced(const std::map<std::string, std::string>& fields, const std::string& name)
{
    const auto it = fields.find(name);
    return it != fields.end() && (it->second == "rumoured" || it->second == "omnipresent");
}

// The DNSKEY record of a .key file: its one line that is not a comment.
std::string dnskey_line(const fs::path& file)
{
    std::istringstream in(read_text(file));
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != ';') return line;
    return "";
}

// The key state files of `zone` in `dir`, with their key tag and algorithm.
struct StateFile {
    std::filesystem::path path;
    int keytag = 0;
    int algorithm = 0;
};

std::vector<StateFile> state_files(const fs::path& dir, const std::string& zone)
{
    static const std::regex kName(R"(K(.+)\+(\d{3})\+(\d{5})\.state)");
    std::vector<StateFile> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        std::smatch m;
        // BIND names a key file after the zone with its final dot: Kexample.com.+013+12345.state.
        if (!std::regex_match(name, m, kName) || (m[1].str() != zone && m[1].str() + "." != zone)) continue;
        out.push_back({entry.path(), std::stoi(m[3]), std::stoi(m[2])});
    }
    return out;
}

// "20270529080840 (Sat May 29 08:08:40 2027)": a key timing field.
std::optional<TimePoint> metadata_time(const std::string& value)
{
    if (value.size() < 14) return std::nullopt;
    const std::string d = value.substr(0, 14);
    return parse_time(fmt::format("{}-{}-{}T{}:{}:{}Z", d.substr(0, 4), d.substr(4, 2), d.substr(6, 2),
                                  d.substr(8, 2), d.substr(10, 2), d.substr(12, 2)));
}

}  // namespace

std::unique_ptr<SignerDaemon> start_signer(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now)
{
    for (const auto& row : kSignerKinds)
        if (row.kind == setup.spec.kind) return row.start(tools, setup, virtual_now);
    throw LabError(fmt::format("zone {} names signer kind {}, which the lab does not run", setup.zone,
                               scenario::to_string(setup.spec.kind)));
}

void SignerDaemon::change_policy(const std::string& policy, const scenario::SourceLoc&)
{
    throw LabError(fmt::format("this signer takes no new policy during the run ({})", policy));
}

std::string read_text(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw LabError("cannot read " + file.string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void copy_operator_keys(const fs::path& from, const fs::path& to)
{
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(from, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || name.empty() || name[0] != 'K') continue;
        fs::copy_file(entry.path(), to / name, fs::copy_options::overwrite_existing, ec);
        if (ec) throw LabError(fmt::format("cannot copy the key file {}: {}", entry.path().string(), ec.message()));
    }
    if (ec) throw LabError(fmt::format("cannot read the key directory {}: {}", from.string(), ec.message()));
}

void check_config(const std::string& checkconf, const fs::path& conf, const scenario::SignerSpec& spec)
{
    ProcessSpec check;
    check.program = checkconf;
    check.args = {conf.string()};
    std::string output;
    if (run_command(check, output) == 0) return;
    while (!output.empty() && output.back() == '\n') output.pop_back();
    // "/path/policy.conf:3: unknown option 'dnskey-tll'": the operator's file and line.
    const std::string prefix = spec.policy + ":";
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        if (spec.policy.empty() || line.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string rest = line.substr(prefix.size());
        const auto colon = rest.find(':');
        int number = 0;
        try {
            number = std::stoi(rest.substr(0, colon));
        } catch (const std::exception&) {
            continue;
        }
        const auto text = rest.find_first_not_of(' ', colon + 1);
        throw ScenarioError(spec.policy, number, 0,
                            fmt::format("named-checkconf refuses the policy: {}", rest.substr(text)));
    }
    if (spec.policy.empty()) throw LabError(fmt::format("named-checkconf refuses the lab's named.conf: {}", output));
    throw ScenarioError(spec.policy_loc.file, spec.policy_loc.line, spec.policy_loc.column,
                        fmt::format("named-checkconf refuses the signer's configuration with {}: {}", spec.policy,
                                    output));
}

std::optional<std::uint32_t> served_serial(const std::string& address, const std::string& zone)
{
    return dns::query(address, zone, "SOA", direct_query()).soa_serial;
}

bool serves_dnskey(const std::string& address, const std::string& zone)
{
    const auto answer = dns::query(address, zone, "DNSKEY", direct_query());
    return !answer.timed_out && !answer.answer.empty();
}

std::optional<std::uint32_t> answered_serial(const std::string& address, const std::string& zone,
                                             std::chrono::seconds within)
{
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        if (auto serial = served_serial(address, zone)) return serial;
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    }
}

std::vector<SignerKey> read_key_states(const fs::path& dir, const std::string& zone)
{
    std::vector<SignerKey> keys;
    for (const auto& file : state_files(dir, zone)) {
        const auto fields = state_fields(file.path);
        SignerKey key;
        key.keytag = file.keytag;
        key.algorithm = file.algorithm;
        key.ksk = fields.count("KSK") && fields.at("KSK") == "yes";
        key.zsk = fields.count("ZSK") && fields.at("ZSK") == "yes";
        key.published = introduced(fields, "DNSKEYState");
        key.signing = introduced(fields, "ZRRSIGState") || (!key.zsk && introduced(fields, "KRRSIGState"));
        key.ds = introduced(fields, "DSState");
        key.retiring = fields.count("GoalState") && fields.at("GoalState") == "hidden";
        fs::path dnskey = file.path;
        key.dnskey = dnskey_line(dnskey.replace_extension(".key"));
        keys.push_back(std::move(key));
    }
    std::sort(keys.begin(), keys.end(), [](const SignerKey& a, const SignerKey& b) { return a.keytag < b.keytag; });
    return keys;
}

KeySchedule read_key_schedule(const fs::path& dir, const std::string& zone, TimePoint after)
{
    static constexpr const char* kStates[] = {"DNSKEYState", "ZRRSIGState", "KRRSIGState", "DSState"};
    static constexpr const char* kTimes[] = {"Published", "Active", "Retired", "Removed", "PublishCDS", "DeleteCDS"};
    KeySchedule schedule;
    for (const auto& file : state_files(dir, zone)) {
        const auto fields = state_fields(file.path);
        const auto goal = fields.find("GoalState");
        for (const char* state : kStates) {
            const auto it = fields.find(state);
            if (it != fields.end() && (goal == fields.end() || it->second != goal->second)) schedule.settled = false;
        }
        for (const char* name : kTimes) {
            const auto it = fields.find(name);
            const auto at = it == fields.end() ? std::nullopt : metadata_time(it->second);
            if (at && *at > after && (!schedule.next || *at < *schedule.next)) schedule.next = at;
        }
    }
    return schedule;
}

std::optional<int> month_number(const std::string& abbreviation)
{
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int month = 0; month < 12; ++month)
        if (abbreviation == kMonths[month]) return month + 1;
    return std::nullopt;
}

std::optional<TimePoint> next_rollover(const std::string& status, TimePoint after)
{
    static const std::regex kLine(R"(Next rollover scheduled on \w{3} (\w{3}) +(\d+) (\d\d:\d\d:\d\d) (\d{4}))");
    std::optional<TimePoint> next;
    for (std::sregex_iterator it(status.begin(), status.end(), kLine), end; it != end; ++it) {
        const auto& m = *it;
        const auto month = month_number(m[1]);
        if (!month) continue;
        const auto at = parse_time(fmt::format("{}-{:02}-{:02}T{}Z", m[4].str(), *month, std::stoi(m[2]), m[3].str()));
        if (at && *at > after && (!next || *at < *next)) next = at;
    }
    return next;
}

}  // namespace rollsim::lab
