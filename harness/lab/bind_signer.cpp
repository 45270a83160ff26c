// signer kind: bind — named as the hidden primary of one zone, signing it with the operator's
// dnssec-policy (inline signing of the unsigned zone the runner writes), configured from
// bind_signer.conf.in beside this file, on the virtual clock with rndc on the same clock (rndc
// signs its commands with the time; named refuses a client whose clock differs).
//
// What named says, and where it is read: its keys and their states from the key state files
// (K<zone>+<alg>+<tag>.state: DNSKEYState, ZRRSIGState, KRRSIGState, DSState), its next key
// event from its log ("next key event: 30-Nov-2026 09:00:00.000", written at the end of each
// key manager run, local time, TZ=UTC here).
#include "lab/signer_kit.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "lab/config_template.hpp"
#include "lab/resolver_kit.hpp"

#include <fstream>
#include <random>
#include <regex>

#include <fmt/format.h>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;

// The name of the first dnssec-policy the operator's file defines ("default" without a file:
// named's built-in policy). ScenarioError when the file defines none.
std::string policy_name(const scenario::SignerSpec& spec)
{
    if (spec.policy.empty()) return "default";
    const std::string text = read_text(spec.policy);
    static const std::regex kBlock(R"re(dnssec-policy\s+"?([A-Za-z0-9_.-]+)"?\s*\{)re");
    std::smatch m;
    if (!std::regex_search(text, m, kBlock))
        throw ScenarioError(spec.policy_loc.file, spec.policy_loc.line, spec.policy_loc.column,
                            fmt::format("{} defines no dnssec-policy block; write 'dnssec-policy \"NAME\" {{ ... }};' "
                                        "in it (or remove policy: for BIND's default policy)", spec.policy));
    return m[1];
}

std::string random_secret()
{
    static constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::random_device random;
    // 44 characters are 33 bytes exactly: no padding, every character valid.
    std::string out;
    for (int i = 0; i < 44; ++i) out += kBase64[random() % 64];
    return out;
}

std::string address_list(const std::vector<std::string>& addresses)
{
    std::string out;
    for (const auto& a : addresses) out += a + "; ";
    return out;
}

// "30-Nov-2026 09:00:00.000" as named's log writes a time (UTC here).
std::optional<TimePoint> parse_log_time(const std::string& text)
{
    static const std::regex kTime(R"((\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2}))");
    std::smatch m;
    if (!std::regex_search(text, m, kTime)) return std::nullopt;
    const auto month = month_number(m[2]);
    if (!month) return std::nullopt;
    return parse_time(fmt::format("{}-{:02}-{}T{}:{}:{}Z", m[3].str(), *month, m[1].str(), m[4].str(), m[5].str(),
                                  m[6].str()));
}

class BindSigner : public DaemonSigner {
public:
    BindSigner(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now)
        : DaemonSigner(tools, setup, "named"), m_keys(m_dir / "keys"), m_setup(setup)
    {
        m_named = locate_program("named", "ROLLSIM_NAMED", "bind9");
        m_rndc = locate_program("rndc", "ROLLSIM_RNDC", "bind9-utils");
        m_checkconf = locate_program("named-checkconf", "ROLLSIM_NAMED_CHECKCONF", "bind9-utils");
        fs::create_directories(m_keys);
        if (!setup.spec.keys.empty()) copy_operator_keys(setup.spec.keys, m_keys);
        write_config(setup);
        check_config(m_checkconf, m_dir / "named.conf", setup.spec);
        ProcessSpec spec;
        spec.program = m_named;
        // Foreground, IPv4 only, one worker thread.
        spec.args = {"-f", "-4", "-n", "1", "-c", (m_dir / "named.conf").string()};
        // Signed: the zone is served with its DNSKEY RRset, and the key manager's first run
        // (as named loaded the zone) has logged its next event.
        launch(setup, virtual_now, spec, "named.log", [&] { return read_next_event(); });
        plan_next_event();
    }

    // rndc loadkeys runs the key manager now (named's zone task, after rndc returns); each run
    // logs "reconfiguring zone keys" and ends with "next key event". Then the signing it
    // started is over when `rndc signing -list` shows no key still signing.
    void act() override
    {
        mark_log();
        rndc({"loadkeys", m_zone});
        wait_until([&] { return read_next_event(); }, "named's key manager to run after rndc loadkeys");
        wait_until([&] { return rndc({"signing", "-list", m_zone}).find("Signing with") == std::string::npos; },
                   "named to finish signing (rndc signing -list)");
        plan_next_event();
    }

    // The zone's dnssec-policy becomes the new file's; `rndc reconfig` makes named read it (with
    // a new algorithm, named starts an algorithm rollover), and act() runs its key manager.
    void change_policy(const std::string& policy, const scenario::SourceLoc& where) override
    {
        m_setup.spec.policy = policy;
        m_setup.spec.policy_loc = where;
        write_config(m_setup);
        check_config(m_checkconf, m_dir / "named.conf", m_setup.spec);
        rndc({"reconfig"});
        act();
    }

    std::vector<SignerKey> keys() const override { return read_key_states(m_keys, m_zone); }

private:
    // Inline signing makes a new signed version of each new unsigned one.
    void reload_zone() override { rndc({"reload", m_zone}); }

    void write_config(const SignerSetup& setup)
    {
        // One secret for the run: named keeps the rndc key it started with across a reconfig.
        if (m_secret.empty()) m_secret = random_secret();
        const std::string& secret = m_secret;
        write_lab_file(m_dir / "named.conf",
                       fill_template("bind_signer.conf.in",
                                     {{"DIR", m_dir.string()},
                                      {"KEYS", m_keys.string()},
                                      {"ADDRESS", m_address},
                                      {"SECRET", secret},
                                      {"POLICY", setup.spec.policy.empty()
                                                     ? "// BIND's built-in default policy"
                                                     : fmt::format("include \"{}\";", setup.spec.policy)},
                                      {"POLICY_NAME", policy_name(setup.spec)},
                                      {"PARENTS", address_list(setup.parent_servers)},
                                      {"ZONE", m_zone},
                                      {"SECONDARIES", address_list(setup.secondaries)}}));
        write_lab_file(m_dir / "rndc.conf",
                       fmt::format("key \"rollsim-rndc\" {{ algorithm hmac-sha256; secret \"{}\"; }};\n"
                                   "options {{ default-key \"rollsim-rndc\"; default-server {}; default-port 953; }};\n",
                                   secret, m_address));
    }

    std::string rndc(const std::vector<std::string>& args) const { return run_tool(m_rndc, m_dir / "rndc.conf", args); }

    // named's key manager runs again within dnssec-loadkeys-interval (an hour) whatever it has to
    // do, and logs that as its next key event. While a key is between states (a record
    // rumoured or unretentive, a DS it waits for) that is when it acts next. Once every key is
    // settled, nothing happens before the next rollover `rndc dnssec -status` announces (a
    // successor's introduction) or the next time in the keys' timing metadata.
    void plan_next_event()
    {
        const KeySchedule keys = read_key_schedule(m_keys, m_zone, m_now);
        if (!keys.settled) {
            m_scheduled = m_next_event;
            return;
        }
        m_scheduled = keys.next;
        const auto rollover = next_rollover(rndc({"dnssec", "-status", m_zone}), m_now);
        if (rollover && (!m_scheduled || *rollover < *m_scheduled)) m_scheduled = rollover;
    }

    // The last "next key event" named logged since the log's mark; false when there is none yet.
    bool read_next_event()
    {
        bool found = false;
        for (const auto& line : logged())
            if (const auto at = line.find("next key event: "); at != std::string::npos) {
                m_next_event = parse_log_time(line.substr(at + 16));
                found = true;
            }
        return found;
    }

    fs::path m_keys;
    std::string m_named, m_rndc, m_checkconf;
    std::string m_secret;  // rndc's
    SignerSetup m_setup;   // as started; change_policy() replaces its policy
    std::optional<TimePoint> m_next_event;  // as named logged it
};

}  // namespace

std::unique_ptr<SignerDaemon> start_bind_signer(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now)
{
    return std::make_unique<BindSigner>(tools, setup, virtual_now);
}

}  // namespace rollsim::lab
