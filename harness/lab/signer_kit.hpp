// What the file of each signer kind uses (lab/signer.hpp): its start function, which the table
// in lab/signer.cpp lists, and the helpers the kinds share: the operator's files, the served
// zone asked over DNS, BIND-format key state files, a log read by offset.
#pragma once

#include "lab/process.hpp"
#include "lab/signer.hpp"
#include "vclock/clock_file.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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
// Waits until `address` serves `zone` with a serial other than `before` while `signer` runs,
// within `within`; false when it did not (the signer died or the time ran out).
bool wait_for_new_serial(const std::string& address, const std::string& zone, std::uint32_t before, Process& signer,
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

// A log file read by offset: where it ends now, and its whole lines from an offset.
class LogText {
public:
    LogText() = default;
    explicit LogText(std::filesystem::path file) : m_file(std::move(file)) {}
    std::uintmax_t size() const;
    std::vector<std::string> lines_from(std::uintmax_t offset) const;

private:
    std::filesystem::path m_file;
};

}  // namespace rollsim::lab
