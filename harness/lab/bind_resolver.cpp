// kind: bind — BIND named as a validating resolver (docs/resolvers.md), configured from
// bind_resolver.conf.in beside this file. named 9.18 sends no Extended DNS Errors, so the
// reason of a failure is read from its dnssec log category after each probe.
#include "core/error.hpp"
#include "lab/config_template.hpp"
#include "lab/namespace.hpp"
#include "lab/resolver_kit.hpp"

#include <fmt/format.h>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;

// The profile's options as named.conf `options` statements (the kind's row in
// scenario::kResolverKindNames says which it takes):
//   serve-expired: stale-answer-enable and stale-cache-enable (RFC 8767 serve-stale; named keeps
//     expired data for max-stale-ttl, 12 hours by default, and answers with it when it cannot
//     refresh it)
//   val-bogus-ttl: servfail-ttl, how long a SERVFAIL (a validation failure among them) is
//     cached; at most 30 s, which the parser checks.
std::string profile_options(const scenario::ResolverSpec& profile)
{
    std::string text;
    if (profile.serve_expired) {
        const char* yes_no = *profile.serve_expired ? "yes" : "no";
        text += fmt::format("    stale-answer-enable {};\n    stale-cache-enable {};\n", yes_no, yes_no);
    }
    if (profile.val_bogus_ttl) text += fmt::format("    servfail-ttl {};\n", profile.val_bogus_ttl->count());
    return text;
}

// trust-anchors entries: `"." static-ds TAG ALGORITHM DIGEST-TYPE "DIGEST";` a DS record.
std::string anchor_entries(const std::string& trust_anchor)
{
    std::string text;
    for (const auto& ds : ds_records(trust_anchor))
        text += fmt::format("    \"{}\" static-ds {} {} {} \"{}\";\n", ds.owner, ds.key_tag, ds.algorithm,
                            ds.digest_type, ds.digest);
    return text;
}

// named's words for why validation failed, from the dnssec category lines a probe produced: the
// first line at severity info, which names the RRset and the failure ("validating
// www.example.com/A: verify failed due to bad signature (keyid=17008): RRSIG has expired",
// "validating example.com/DNSKEY: no valid signature found (DS)"); the debug lines around it
// trace the validator's steps. Empty when no line says (an answer from named's cache of
// failures).
std::string validation_reason(const std::vector<std::string>& lines)
{
    for (const auto& line : lines) {
        const auto at = line.find("info: ");
        if (at == std::string::npos) continue;
        const auto text = line.find_first_not_of(' ', at + 6);
        if (text != std::string::npos && line.compare(text, 11, "validating ") == 0) return line.substr(text);
    }
    return "";
}

class BindResolver : public ResolverDaemon {
public:
    explicit BindResolver(const DaemonStart& start)
        : ResolverDaemon(start)
    {
        const std::string named = locate_program("named", "ROLLSIM_NAMED", "bind9");
        const fs::path conf = dir() / "named.conf";
        write_lab_file(conf, fill_template("bind_resolver.conf.in",
                                           {{"DIR", dir().string()},
                                            {"ADDRESS", address()},
                                            {"CONTROLS", controls(start.profile.cache)},
                                            {"OPTIONS", profile_options(start.profile)},
                                            {"ANCHORS", anchor_entries(start.setup.trust_anchor)}}));
        add_loopback_address(address());
        ProcessSpec spec;
        spec.program = named;
        // Foreground, IPv4 only, one worker thread.
        spec.args = {"-f", "-4", "-n", "1", "-c", conf.string()};
        spec.log = dir() / "named.log";
        // named answers CHAOS from its built-in _bind view, whose response rate limit (3 a second,
        // slip 0) drops every answer for a while once a burst exceeds it: a ping every 20 ms,
        // queued while named loads, is such a burst. 400 ms keeps under it.
        launch(spec, "named", {"version.bind.", "TXT", "CH", false, std::chrono::milliseconds(400)});
        follow_log(dir() / "dnssec.log");
    }

    std::string reason_in(const std::vector<std::string>& lines) const override { return validation_reason(lines); }

    // rndc flush: every cache of the view (answers and negative answers, the address database of
    // the servers, the cache of SERVFAILs and of bad answers), its success confirmed by rndc's
    // exit status (it prints nothing then).
    void empty_cache() override { control(m_rndc, {"-k", m_key.string(), "-s", address(), "-p", "953", "flush"}); }

private:
    // The controls statement: none for a warm named; for a cold one rndc on port 953 of its
    // address with a key rndc-confgen writes (its secret drawn by rndc-confgen).
    std::string controls(scenario::ResolverCache cache)
    {
        if (cache == scenario::ResolverCache::Warm) return "controls { };";
        m_rndc = locate_program("rndc", "ROLLSIM_RNDC", "bind9-utils");
        m_key = dir() / "rndc.key";
        std::error_code ec;
        fs::remove(m_key, ec);  // rndc-confgen does not replace a key file
        control(locate_program("rndc-confgen", "ROLLSIM_RNDC_CONFGEN", "bind9-utils"),
                {"-a", "-A", "hmac-sha256", "-k", "rollsim-rndc", "-c", m_key.string()});
        return fmt::format("include \"{}\";\ncontrols {{ inet {} port 953 allow {{ 127.0.0.0/8; }} keys {{ "
                           "\"rollsim-rndc\"; }}; }};",
                           m_key.string(), address());
    }

    std::string m_rndc;
    fs::path m_key;
};

}  // namespace

std::unique_ptr<ResolverDaemon> start_bind_resolver(const DaemonStart& start)
{
    return std::make_unique<BindResolver>(start);
}

}  // namespace rollsim::lab
