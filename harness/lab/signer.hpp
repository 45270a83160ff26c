// The operator's signer role (scenario SignerSpec, docs/scenario-format.md "signer"): a signer
// program run in the lab as the hidden primary of one zone, on the virtual clock, with the
// operator's own policy. It signs the unsigned zone the runner gives it, decides its own keys
// and key events, and feeds the zone's NSD servers by NOTIFY and zone transfer. The runner
// starts one with start_signer(), moves its clock and makes it act at every instant it stops
// at (its next key event among them: jumping over a key event skips it), reads its keys, and
// destroys it to stop it. One file per kind behind it (lab/bind_signer.cpp for kind: bind),
// with its configuration template beside it.
#pragma once

#include "core/time.hpp"
#include "lab/tools.hpp"
#include "scenario/model.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::lab {

struct SignerSetup {
    std::filesystem::path dir;  // created; the signer's files, keys and log
    std::string address;        // the hidden primary's loopback address, port 53
    std::string zone;           // absolute
    std::string zone_text;      // the zone unsigned, SOA included
    std::vector<std::string> secondaries;     // NSD addresses: notified, allowed to transfer
    std::vector<std::string> parent_servers;  // the parent zone's servers, asked for the DS
    scenario::SignerSpec spec;
};

// One key as the signer holds it (its key state file), at the instant it was read.
struct SignerKey {
    int keytag = 0;
    int algorithm = 0;
    bool ksk = false;  // signs the DNSKEY RRset (a CSK is both)
    bool zsk = false;  // signs the zone's data
    bool published = false;  // its DNSKEY is in the zone (introduced or there)
    bool signing = false;    // its signatures are in the zone
    bool ds = false;         // the signer counts its DS as published at the parent
    bool retiring = false;   // the signer is taking it out of the zone (BIND: its GoalState is hidden)
    std::string dnskey;      // the DNSKEY record, presentation format
    bool operator==(const SignerKey&) const = default;
};

class SignerDaemon {
public:
    virtual ~SignerDaemon() = default;

    // Moves the signer's clock (and its control tool's) to `virtual_now`.
    virtual void set_time(TimePoint virtual_now) = 0;
    // Makes the signer act at the instant its clock shows: run its key manager (and re-sign
    // what is due). Returns once it has (LabError when it died, with its log's tail).
    virtual void act() = 0;
    // Gives the signer a new unsigned version of the zone (a higher SOA serial).
    virtual void update_zone(const std::string& zone_text) = 0;
    // The next instant its key manager said it acts on its own, if it said one.
    virtual std::optional<TimePoint> next_event() const = 0;
    // Its keys now.
    virtual std::vector<SignerKey> keys() const = 0;
    // The SOA serial of the signed zone it serves now (LabError when it does not answer).
    virtual std::uint32_t signed_serial() const = 0;

    // Gives the signer the operator's new policy file (a new algorithm, new lifetimes), as the
    // operator's reload would, at the instant its clock shows; returns once its key manager has
    // run with it. ScenarioError at `where` when the signer refuses the file. Kinds that take no
    // new policy during the run throw LabError (the scenario parser gives one only to kind: bind).
    virtual void change_policy(const std::string& policy, const scenario::SourceLoc& where);

    virtual bool running() = 0;
    virtual std::string log_tail(std::size_t lines = 10) const = 0;
    virtual const std::filesystem::path& log_file() const = 0;
};

// Starts a signer of `setup.spec.kind` and returns once it serves the signed zone. Throws
// LabError (exit 3) for a missing program, naming its Debian package, ScenarioError (exit 2)
// with the signer's own message when it rejects the operator's configuration.
std::unique_ptr<SignerDaemon> start_signer(const Tools& tools, const SignerSetup& setup, TimePoint virtual_now);

}  // namespace rollsim::lab
