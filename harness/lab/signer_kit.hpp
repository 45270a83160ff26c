// What the file of each signer kind uses (lab/signer.hpp): its start function, which the table
// in lab/signer.cpp lists, and the helpers the kinds share: the operator's files, the served
// zone asked over DNS, BIND-format key state files, and the daemon kinds' base (DaemonSigner).
#pragma once

#include "core/error.hpp"
#include "lab/process.hpp"
#include "lab/resolver_kit.hpp"
#include "lab/signer.hpp"
#include "vclock/clock_file.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::lab {

std::unique_ptr<SignerDaemon> start_bind_signer(const Tools& tools, const SignerSetup& setup,
                                                TimePoint virtual_now);  // lab/bind_signer.cpp
std::unique_ptr<SignerDaemon> start_knot_signer(const Tools& tools, const SignerSetup& setup,
                                                TimePoint virtual_now);  // lab/knot_signer.cpp
std::unique_ptr<SignerDaemon> start_batch_signer(const Tools& tools, const SignerSetup& setup,
                                                 TimePoint virtual_now);  // lab/batch_signer.cpp

// The whole of a file the operator gave (LabError when it cannot be read).
std::string read_text(const std::filesystem::path& file);

// Copies the operator's key files (K*) into the signer's key directory.
void copy_operator_keys(const std::filesystem::path& from, const std::filesystem::path& to);

// Runs named-checkconf on `conf`; when it refuses, throws ScenarioError at the operator's file
// and line when named's message names them (else at the scenario's policy:), with named's words.
void check_config(const std::string& checkconf, const std::filesystem::path& conf,
                  const scenario::SignerSpec& spec);

// The SOA serial `address` serves for `zone` (one short try), nullopt when it does not answer.
std::optional<std::uint32_t> served_serial(const std::string& address, const std::string& zone);
// Whether `address` serves a DNSKEY RRset for `zone`: the zone is signed.
bool serves_dnskey(const std::string& address, const std::string& zone);

// The SOA serial `address` serves for `zone`, asked again until it answers (a loaded machine
// may drop one query) within `within`; nullopt when it never did.
std::optional<std::uint32_t> answered_serial(const std::string& address, const std::string& zone,
                                             std::chrono::seconds within);

// The keys of `zone` in BIND's key directory `dir` (K<zone>+<alg>+<tag>.key and .state), by
// key tag.
std::vector<SignerKey> read_key_states(const std::filesystem::path& dir, const std::string& zone);

// Where BIND's key manager stands with `zone`'s keys (key state files in `dir`): settled when
// every key's records are where its goal puts them (all omnipresent, or all hidden), and the
// earliest of the keys' timing metadata (Published, Active, Retired, Removed, PublishCDS,
// DeleteCDS) after `after`.
struct KeySchedule {
    bool settled = true;
    std::optional<TimePoint> next;
};
KeySchedule read_key_schedule(const std::filesystem::path& dir, const std::string& zone, TimePoint after);

// The earliest "Next rollover scheduled on Wed Dec 30 06:06:07 2026" (UTC) of `rndc dnssec
// -status` output after `after`.
std::optional<TimePoint> next_rollover(const std::string& status, TimePoint after);

// "Jan" -> 1 ... "Dec" -> 12, as named writes months; nullopt for anything else.
std::optional<int> month_number(const std::string& abbreviation);

// What the daemon kinds (bind, knot) share: a daemon serving the signed zone as hidden primary
// on its own virtual clock, its log followed as it grows, and every wait for it a condition with
// a deadline. A kind's class writes its configuration, then calls launch() at the end of its
// constructor; act() and its key reading stay the kind's own.
class DaemonSigner : public SignerDaemon {
public:
    static constexpr std::chrono::milliseconds kActDeadline{20000};

    void set_time(TimePoint virtual_now) override;
    // The kind's reload_zone() after the new unsigned zone is written; done once the signed
    // serial served has moved (the daemon signed the new version).
    void update_zone(const std::string& zone_text) override;
    // Asked again until it answers (a loaded machine may drop one query), within a deadline.
    std::uint32_t signed_serial() const override;
    std::optional<TimePoint> next_event() const override { return m_scheduled; }
    bool running() override;
    std::string log_tail(std::size_t lines) const override;
    const std::filesystem::path& log_file() const override { return m_log_file; }

protected:
    // `program`: the daemon's name in messages ("named"). Creates the signer's directory.
    DaemonSigner(const Tools& tools, const SignerSetup& setup, std::string program);

    // Writes the unsigned zone, puts the address on the loopback, sets the clock, starts
    // `spec` (on the clock, TZ=UTC, its log `log_name` in the signer's directory, started
    // fresh) and waits until it serves the zone signed and `first_run` holds (its key
    // manager's first run logged, read through logged()).
    void launch(const SignerSetup& setup, TimePoint virtual_now, ProcessSpec spec, const std::string& log_name,
                const std::function<bool()>& first_run);
    virtual void reload_zone() = 0;

    // Checks `condition` until it holds. LabError (died()) when the daemon exits or `within`
    // passes first, naming `what` was awaited and the deadline, with the log's tail.
    void wait_until(const std::function<bool()>& condition, const std::string& what,
                    std::chrono::milliseconds within = kActDeadline);

    // The log from the last mark_log() on, read as it grows (whole lines only).
    void mark_log();
    const std::vector<std::string>& logged();
    // How many lines logged since the mark hold `text`.
    std::size_t logged_count(const std::string& text);

    // `program -c CONF ARGS...` on the daemon's clock (TZ=UTC: the times tools print); its
    // output. LabError (died()) with the output when it fails.
    std::string run_tool(const std::string& program, const std::filesystem::path& conf,
                         const std::vector<std::string>& args) const;

    // "the signer of ZONE (PROGRAM on ADDRESS): WHAT; its log FILE ends: ...".
    LabError died(const std::string& what) const;

    std::filesystem::path m_dir;
    std::string m_address;
    std::string m_zone;
    vclock::VirtualClock m_clock;
    TimePoint m_now;                       // the signer's clock as last set
    std::optional<TimePoint> m_scheduled;  // when it acts next, as the kind planned it

private:
    std::string m_program;
    std::filesystem::path m_log_file;
    std::optional<LogFollower> m_log;
    std::vector<std::string> m_logged;  // since the last mark_log()
    std::optional<Process> m_process;
};

}  // namespace rollsim::lab
