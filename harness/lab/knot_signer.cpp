// signer kind: knot — knotd as the hidden primary of one zone, signing it with the operator's
// policy section (automatic DNSSEC signing of the unsigned zone the runner writes), configured
// from knot_signer.conf.in beside this file, on the virtual clock with knotc and keymgr on the
// same clock.
//
// What knotd says, and where it is read: its keys and their timers from `keymgr ZONE list -e`
// (one line per key: ksk=, zsk=, tag=, algorithm=, publish=, ready=, active=, retire=, remove=,
// ... as Unix times, 0 for unset), its next signing event from its log ("DNSSEC, next signing
// at 2027-03-14T00:00:00+0000", written at the end of each signing run, which knotd plans at the
// earlier of re-signing and its next key event), and the next check of a KSK submission from
// `knotc zone-status ZONE` ("DS-check: +59m59s"). knotd's event timers are absolute deadlines
// on the real clock, which the virtual clock does not shift: knotd acts only when the runner
// makes it (`knotc zone-keys-load`), at every instant the runner stops at.
#include "lab/signer_kit.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "lab/config_template.hpp"
#include "lab/resolver_kit.hpp"

#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;
constexpr const char* kNextSigning = "DNSSEC, next signing at ";

// The operator's policy file as rollsim reads it: the id of its first policy (Knot's built-in
// "default" without a file) and the submission its ksk-submission names, if any.
struct KnotPolicy {
    std::string name = "default";
    std::string submission;
};

KnotPolicy read_policy(const scenario::SignerSpec& spec)
{
    KnotPolicy out;
    if (spec.policy.empty()) return out;
    const std::string text = read_text(spec.policy);
    static const std::regex kPolicy(R"re((^|\n)policy:\s*\n\s*-\s*id:\s*"?([A-Za-z0-9_.-]+)"?)re");
    static const std::regex kSubmission(R"re(\n\s*ksk-submission:\s*"?([A-Za-z0-9_.-]+)"?)re");
    std::smatch m;
    if (!std::regex_search(text, m, kPolicy))
        throw ScenarioError(spec.policy_loc.file, spec.policy_loc.line, spec.policy_loc.column,
                            fmt::format("{} defines no Knot policy section; write 'policy:' and under it "
                                        "'  - id: NAME' with the policy's items (or remove policy: for Knot's "
                                        "default policy)", spec.policy));
    out.name = m[2];
    if (std::regex_search(text, m, kSubmission)) out.submission = m[1];
    return out;
}

// "error: config, file '/x/policy.conf', line 6, item 'zsk-lifetme', value '30d' (invalid
// item)": knotc conf-check's words, at the operator's file and line when they name them.
void check_knot_config(const std::string& knotc, const fs::path& conf, const scenario::SignerSpec& spec)
{
    ProcessSpec check;
    check.program = knotc;
    check.args = {"-c", conf.string(), "conf-check"};
    std::string output;
    if (run_command(check, output) == 0) return;
    static const std::regex kAt(R"(error: config, file '([^']+)', line (\d+), (.*))");
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (spec.policy.empty() || !std::regex_search(line, m, kAt) || m[1].str() != spec.policy) continue;
        throw ScenarioError(spec.policy, std::stoi(m[2]), 0,
                            fmt::format("knotc conf-check refuses the policy: {}", m[3].str()));
    }
    while (!output.empty() && output.back() == '\n') output.pop_back();
    if (spec.policy.empty()) throw LabError(fmt::format("knotc conf-check refuses the lab's knot.conf: {}", output));
    throw ScenarioError(spec.policy_loc.file, spec.policy_loc.line, spec.policy_loc.column,
                        fmt::format("knotc conf-check refuses the signer's configuration with {}: {}", spec.policy,
                                    output));
}

// "+1D2h3m4s" as knotc zone-status writes a timer (nullopt for one not scheduled).
std::optional<Seconds> parse_relative(const std::string& text)
{
    static const std::regex kPart(R"((\d+)([Dhms]))");
    if (text.empty() || text[0] != '+') return std::nullopt;
    Seconds total(0);
    for (std::sregex_iterator it(text.begin(), text.end(), kPart), end; it != end; ++it) {
        const long n = std::stol((*it)[1]);
        const char unit = (*it)[2].str()[0];
        total += Seconds(unit == 'D' ? n * 86400 : unit == 'h' ? n * 3600 : unit == 'm' ? n * 60 : n);
    }
    return total;
}

// The "name=value" fields of one `keymgr list -e` line.
std::map<std::string, std::string> key_fields(const std::string& line)
{
    std::map<std::string, std::string> out;
    std::istringstream in(line);
    for (std::string word; in >> word;)
        if (const auto eq = word.find('='); eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
    return out;
}

// A key timer: a Unix time, 0 for unset.
std::optional<TimePoint> timer(const std::map<std::string, std::string>& fields, const std::string& name)
{
    const auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    const long long value = std::stoll(it->second);
    if (value == 0) return std::nullopt;
    return TimePoint(Seconds(value));
}

// Knot's key timers at `now` (RFC 7583 terms, knot's key states): published from publish (or
// pre-active, an algorithm roll's) until remove; signing from active (a KSK from ready, when it
// signs the DNSKEY RRset before its DS is confirmed) until retire; its DS confirmed at the
// parent from active until retire.
SignerKey key_at(const std::map<std::string, std::string>& f, TimePoint now)
{
    auto reached = [&](const char* name) { const auto at = timer(f, name); return at && *at <= now; };
    SignerKey key;
    key.keytag = std::stoi(f.at("tag"));
    key.algorithm = std::stoi(f.at("algorithm"));
    key.ksk = f.at("ksk") == "yes";
    key.zsk = f.at("zsk") == "yes";
    key.published = (reached("publish") || reached("pre-active")) && !reached("remove");
    const bool started = reached("active") || (key.ksk && reached("ready"));
    key.signing = started && !reached("retire") && !reached("remove");
    key.ds = key.ksk && reached("active") && !reached("retire") && !reached("remove");
    return key;
}

std::string join_lines(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

class KnotSigner : public DaemonSigner {
public:
    KnotSigner(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now)
        : DaemonSigner(tools, setup, "knotd")
    {
        m_knotd = locate_program("knotd", "ROLLSIM_KNOTD", "knot");
        m_knotc = locate_program("knotc", "ROLLSIM_KNOTC", "knot");
        m_keymgr = locate_program("keymgr", "ROLLSIM_KEYMGR", "knot");
        fs::create_directories(m_dir / "storage" / "keys");
        if (!setup.spec.keys.empty())
            fs::copy(setup.spec.keys, m_dir / "storage" / "keys",
                     fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        write_config(setup);
        check_knot_config(m_knotc, m_dir / "knot.conf", setup.spec);
        ProcessSpec spec;
        spec.program = m_knotd;
        spec.args = {"-c", (m_dir / "knot.conf").string()};
        launch(setup, virtual_now, spec, "knotd.log", [&] { return read_next_signing(); });
        // Its first key manager run has asked the parent for a new KSK's DS, as every run does.
        plan_next_event();
    }

    // zone-keys-load runs knotd's key manager now and re-signs what it changed (zone-sign
    // would drop every signature and re-sign the whole zone); each run logs its next signing
    // time. With a KSK in submission it also asks the parent's servers for the DS; positive
    // answers confirm the key, and knotd runs its key manager again.
    void act() override
    {
        mark_log();
        m_key_list.reset();
        knotc({"zone-keys-load", m_zone});
        wait_for_lines(kNextSigning, 1, "knotd's key manager to run after knotc zone-keys-load");
        if (in_submission()) {
            // "DS check, outgoing, remote ..., KSK submission attempt: positive" (or negative, or
            // failed): knotd stops at the first parent that is not positive.
            wait_for_lines("DS check, outgoing", 1, "knotd to ask the parent for the DS");
            if (!in_submission())
                wait_for_lines(kNextSigning, 2, "knotd to act on the confirmed KSK submission");
        }
        plan_next_event();
    }

    std::vector<SignerKey> keys() const override
    {
        std::vector<SignerKey> out;
        std::istringstream in(key_list());
        for (std::string line; std::getline(in, line);) {
            const auto fields = key_fields(line);
            if (!fields.count("tag")) continue;
            SignerKey key = key_at(fields, m_now);
            key.dnskey = dnskey_of(line.substr(0, line.find(' ')));
            out.push_back(std::move(key));
        }
        std::sort(out.begin(), out.end(), [](const SignerKey& a, const SignerKey& b) { return a.keytag < b.keytag; });
        return out;
    }

private:
    // A new version of the unsigned zone: knotd signs the difference under a new serial.
    void reload_zone() override
    {
        m_key_list.reset();
        knotc({"zone-reload", m_zone});
    }

    void write_config(const SignerSetup& setup)
    {
        const KnotPolicy policy = read_policy(setup.spec);
        std::vector<std::string> remotes, notify, parents;
        for (std::size_t i = 0; i < setup.secondaries.size(); ++i) {
            remotes.push_back(remote(fmt::format("rollsim-secondary{}", i + 1), setup.secondaries[i]));
            notify.push_back(fmt::format("rollsim-secondary{}", i + 1));
        }
        for (std::size_t i = 0; i < setup.parent_servers.size(); ++i) {
            remotes.push_back(remote(fmt::format("rollsim-parent{}", i + 1), setup.parent_servers[i]));
            parents.push_back(fmt::format("rollsim-parent{}", i + 1));
        }
        // The submission the operator's ksk-submission names: the lab's parent servers.
        const std::string submission =
            policy.submission.empty() || parents.empty()
                ? "# (the policy names no ksk-submission)"
                : fmt::format("submission:\n  - id: {}\n    parent: [{}]\n", policy.submission, join(parents, ", "));
        std::string policy_file = setup.spec.policy;
        if (policy_file.empty()) {
            policy_file = (m_dir / "default-policy.conf").string();
            write_lab_file(policy_file, "# Knot's built-in default policy: no policy section.\n");
        }
        write_lab_file(m_dir / "knot.conf", fill_template("knot_signer.conf.in",
                                                          {{"DIR", m_dir.string()},
                                                           {"ADDRESS", m_address},
                                                           {"REMOTES", join_lines(remotes)},
                                                           {"SUBMISSION", submission},
                                                           {"POLICY", policy_file},
                                                           {"POLICY_NAME", policy.name},
                                                           {"ZONE", m_zone},
                                                           {"NOTIFY", join(notify, ", ")}}));
    }

    // A remote server, reached from the signer's own address (NSD takes NOTIFY from it only).
    std::string remote(const std::string& id, const std::string& address) const
    {
        return fmt::format("  - id: {}\n    address: {}@53\n    via: {}", id, address, m_address);
    }

    // Waits until `count` lines holding `text` were logged since the log's mark.
    void wait_for_lines(const std::string& text, std::size_t count, const std::string& what)
    {
        wait_until([&] { return logged_count(text) >= count; }, what);
        m_key_list.reset();  // its key manager ran
        read_next_signing();
    }

    // Whether a KSK is ready (its DNSKEY published, signing) and its DS not yet confirmed.
    bool in_submission() const
    {
        for (const auto& key : keys())
            if (key.ksk && key.signing && !key.ds) return true;
        return false;
    }

    // The next instant knotd acts: its next signing (re-signing or a key event), a key's next
    // timer, the next check of a KSK submission.
    void plan_next_event()
    {
        m_scheduled = m_next_signing;
        auto consider = [&](std::optional<TimePoint> at) {
            if (at && *at > m_now && (!m_scheduled || *at < *m_scheduled)) m_scheduled = at;
        };
        std::istringstream in(key_list());
        for (std::string line; std::getline(in, line);) {
            const auto fields = key_fields(line);
            for (const char* name : {"pre-active", "publish", "ready", "active", "retire-active", "retire",
                                     "post-active", "remove"})
                consider(timer(fields, name));
        }
        static const std::regex kDsCheck(R"(DS-check: (\+[0-9Dhms]+))");
        const std::string status = knotc({"zone-status", m_zone});
        std::smatch m;
        if (std::regex_search(status, m, kDsCheck))
            if (const auto in = parse_relative(m[1])) consider(m_now + *in);
    }

    // The last "next signing at" knotd logged since the log's mark; false when there is none yet.
    bool read_next_signing()
    {
        bool found = false;
        for (const auto& line : logged())
            if (const auto at = line.find(kNextSigning); at != std::string::npos) {
                // "2027-03-14T00:00:00+0000": UTC.
                m_next_signing = parse_time(line.substr(at + std::string(kNextSigning).size(), 19) + "Z");
                found = true;
            }
        return found;
    }

    // `keymgr ZONE list -e`, asked again only after knotd's key manager ran (launch, act(), a
    // reload): knotd changes its keys then only, its own timers being on the real clock. Each
    // instant reads the keys, and a keymgr run costs more than the rest of a quiet instant.
    const std::string& key_list() const
    {
        if (!m_key_list) m_key_list = keymgr({"list", "-e"});
        return *m_key_list;
    }

    // The DNSKEY record of key `id` (keymgr dnskey prints it; a key's record never changes).
    std::string dnskey_of(const std::string& id) const
    {
        auto& out = m_dnskeys[id];
        if (out.empty()) {
            out = keymgr({"dnskey", id});
            while (!out.empty() && out.back() == '\n') out.pop_back();
        }
        return out;
    }

    std::string tool(const std::string& program, const std::vector<std::string>& args) const
    {
        return run_tool(program, m_dir / "knot.conf", args);
    }
    std::string knotc(std::vector<std::string> args) const { return tool(m_knotc, std::move(args)); }
    std::string keymgr(std::vector<std::string> args) const
    {
        args.insert(args.begin(), m_zone);
        return tool(m_keymgr, std::move(args));
    }

    std::string m_knotd, m_knotc, m_keymgr;
    std::optional<TimePoint> m_next_signing;  // as knotd logged it
    mutable std::optional<std::string> m_key_list;          // key_list()
    mutable std::map<std::string, std::string> m_dnskeys;  // dnskey_of(), by key id
};

}  // namespace

std::unique_ptr<SignerDaemon> start_knot_signer(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now)
{
    return std::make_unique<KnotSigner>(tools, setup, virtual_now);
}

}  // namespace rollsim::lab
