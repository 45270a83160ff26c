// kind: pdns-recursor — PowerDNS Recursor as a validating resolver (docs/resolvers.md),
// configured from pdns_recursor.conf.in and pdns_recursor.lua.in beside this file. Its EDE
// carries no text; the reason recorded is the validation state it logs for a bogus answer.
#include "core/error.hpp"
#include "lab/config_template.hpp"
#include "lab/resolver_kit.hpp"

#include <fmt/format.h>

namespace rollsim::lab {

namespace {

namespace fs = std::filesystem;

// RFC 8767 suggests keeping stale data for 1 to 3 days; pdns extends a record 30 s at a time.
constexpr int kStaleExtensions = 24 * 60 * 2;  // one day

// The profile's options as recursor.conf settings (the kind's row in
// scenario::kResolverKindNames says which it takes):
//   serve-expired: serve-stale-extensions, 2880 (30 s each: a day) or 0 (the default)
//   val-bogus-ttl: max-cache-bogus-ttl, how long a bogus record stays cached (default 3600)
//   max-nsec3-iterations: nsec3-max-iterations (default 150): an NSEC3 proof with more
//     iterations is not checked and the answer is insecure
std::string profile_options(const scenario::ResolverSpec& profile)
{
    std::string text;
    if (profile.serve_expired)
        text += fmt::format("serve-stale-extensions={}\n", *profile.serve_expired ? kStaleExtensions : 0);
    if (profile.val_bogus_ttl) text += fmt::format("max-cache-bogus-ttl={}\n", profile.val_bogus_ttl->count());
    if (profile.max_nsec3_iterations) text += fmt::format("nsec3-max-iterations={}\n", *profile.max_nsec3_iterations);
    return text;
}

// addTA(OWNER, "TAG ALGORITHM DIGEST-TYPE DIGEST"): one a DS record.
std::string anchor_calls(const std::string& trust_anchor)
{
    std::string text;
    for (const auto& ds : ds_records(trust_anchor))
        text += fmt::format("addTA('{}', \"{} {} {} {}\")\n", ds.owner, ds.key_tag, ds.algorithm, ds.digest_type,
                            ds.digest);
    return text;
}

// The validation state of the last answer the log calls bogus (dnssec-log-bogus): `msg="Validates
// as Bogus" ... vstate="Bogus - No valid DNSKEY"` gives "Bogus - No valid DNSKEY". Empty when
// none (a failure that is not a validation verdict, or an answer from pdns's packet cache).
std::string validation_reason(const std::vector<std::string>& lines)
{
    std::string reason;
    for (const auto& line : lines) {
        if (line.find("msg=\"Validates as Bogus\"") == std::string::npos) continue;
        const auto at = line.find("vstate=\"");
        if (at == std::string::npos) continue;
        const auto end = line.find('"', at + 8);
        reason = line.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
    }
    return reason;
}

class PdnsRecursor : public ResolverDaemon {
public:
    explicit PdnsRecursor(const DaemonStart& start)
        : ResolverDaemon(start)
    {
        const std::string recursor = locate_program("pdns_recursor", "ROLLSIM_PDNS_RECURSOR", "pdns-recursor");
        write_lab_file(dir() / "recursor.lua",
                       fill_template("pdns_recursor.lua.in", {{"ANCHORS", anchor_calls(start.setup.trust_anchor)}}));
        write_lab_file(dir() / "recursor.conf", fill_template("pdns_recursor.conf.in",
                                                              {{"DIR", dir().string()},
                                                               {"ADDRESS", address()},
                                                               {"OPTIONS", profile_options(start.profile)}}));
        ProcessSpec spec;
        spec.program = recursor;
        spec.args = {"--config-dir=" + dir().string()};
        spec.log = dir() / "pdns_recursor.log";
        launch(spec, "pdns_recursor", {"version.bind."});
        follow_log(spec.log);  // its output: the dnssec-log-bogus lines among it
    }

    std::string reason_in(const std::vector<std::string>& lines) const override { return validation_reason(lines); }

    // rec_control wipe-cache '.$': every name at or under the root from the record cache (bogus
    // records among them), the negative cache and the packet cache; it answers "wiped N records,
    // N negative records, N packets". What it knows of the servers (speeds, throttling, EDNS)
    // stays: rec_control 4.8 has no command that empties that.
    void empty_cache() override
    {
        const std::string said = control(m_rec_control, {"--socket-dir=" + dir().string(), "wipe-cache", ".$"});
        if (said.find("wiped") == std::string::npos)
            throw LabError("rec_control wipe-cache did not confirm for the resolver on " + address() + ": " + said);
    }

private:
    std::string m_rec_control = locate_program("rec_control", "ROLLSIM_REC_CONTROL", "pdns-recursor");
};

}  // namespace

std::unique_ptr<ResolverDaemon> start_pdns_recursor(const DaemonStart& start)
{
    return std::make_unique<PdnsRecursor>(start);
}

}  // namespace rollsim::lab
