// A zone's `signer:` (scenario/parser.hpp): which signer signs it, and the operator's files it
// runs with. A zone signed by the operator's signer has no rollsim keys: the signer's policy
// decides its keys and their times, so what needs rollsim's keys (keys:, signing:, rollovers,
// key actions, faults that only rollsim's own signer can make) is refused for it here.
#include "scenario/parser.hpp"

#include "scenario/names.hpp"

#include <sstream>
#include <system_error>

namespace rollsim::scenario::detail {

namespace {

namespace fs = std::filesystem;

// Faults that do not need the zone's signer: they act on the servers, whichever signer fed them.
constexpr FaultKind kAnySignerFaults[] = {FaultKind::LaggingSecondary, FaultKind::ServerUnsigned,
                                          FaultKind::ServerDown};

bool is_batch(SignerKind kind) { return kind == SignerKind::LdnsSignzone || kind == SignerKind::DnssecSignzone; }

std::vector<std::string> split_words(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

}  // namespace

// signer: { kind: bind, policy: FILE, keys: DIR } or { kind: ldns-signzone, flags: ..., every: 1d }
void Parser::parse_signer(const Field& f, const Fields& zone_fields, ZoneSpec& zone) const
{
    SignerSpec& signer = zone.signer;
    signer.loc = key_loc(f);
    Fields s = fields(f.value, "signer", loc(f), kSignerFields);
    const Field* kind = s.find("kind");
    if (!kind) missing(f.value.IsNull() ? signer.loc : loc(f.value), "kind", "signer", "kind: bind");
    signer.kind = choice<SignerKind>(*kind, "signer kind");
    const auto& row = row_of(signer.kind);
    if (!row.runs) {
        // The kinds the lab runs, from the table: "kind: rollsim, kind: bind or kind: knot".
        std::string runs;
        for (const auto& r : kSignerKindNames)
            if (r.runs) runs += fmt::format("{}kind: {}", runs.empty() ? "" : ", ", r.name);
        if (const auto last = runs.rfind(", "); last != std::string::npos) runs.replace(last, 2, " or ");
        fail(loc(*kind), fmt::format("signer kind '{}' is reserved, and the lab does not run {} yet; use {}", row.name,
                                     row.program, runs));
    }
    parse_batch_fields(s, signer);
    if (signer.kind == SignerKind::Rollsim) {
        for (std::string_view field : {"policy", "keys"})
            if (const Field* x = s.find(field))
                fail(key_loc(*x), fmt::format("{}: applies to the operator's signer (kind: bind); rollsim's own signer "
                                              "takes signing: and keys: in the zone; remove it", field));
        return;
    }
    if (zone.name == ".")
        fail(signer.loc, "the root's key is the lab's trust anchor, which rollsim makes before the run; give signer: "
                         "to a zone below the root");
    for (std::string_view field : {"keys", "signing"})
        if (const Field* x = zone_fields.find(field))
            fail(key_loc(*x), fmt::format("{}: is for rollsim's own signer; zone {} is signed by {}, whose policy "
                                          "decides its keys and signatures: remove {}: (or the signer:)",
                                          field, zone.name, row.name, field));
    if (const Field* p = s.find("policy"); p && is_batch(signer.kind))
        fail(key_loc(*p), fmt::format("policy: applies to kind: bind; {} takes the operator's command-line options in "
                                      "flags:; remove policy:", row.name));
    if (const Field* p = s.find("policy")) {
        signer.policy = signer_path(*p, false);
        signer.policy_loc = loc(*p);
    }
    if (const Field* k = s.find("keys")) signer.keys = signer_path(*k, true);
    zone.keys.clear();
}

// flags:, algorithm:, every:, stops-at: — the cron job around a batch signer; refused for the
// signers that run as daemons and keep their own schedule.
void Parser::parse_batch_fields(const Fields& s, SignerSpec& signer) const
{
    signer.flags_loc = signer.loc;
    for (std::string_view field : {"flags", "algorithm", "every", "stops-at"}) {
        const Field* x = s.find(field);
        if (x && !is_batch(signer.kind))
            fail(key_loc(*x), fmt::format("{}: applies to the batch signers (kind: ldns-signzone, kind: "
                                          "dnssec-signzone), not to kind: {}; remove it", field,
                                          to_string(signer.kind)));
    }
    if (const Field* f = s.find("flags")) {
        signer.flags = split_words(scalar(*f));
        signer.flags_loc = loc(*f);
    }
    if (const Field* a = s.find("algorithm")) signer.algorithm = scalar(*a);
    if (const Field* e = s.find("every")) signer.every = positive_duration(*e);
    if (const Field* t = s.find("stops-at")) signer.stops_at = duration(*t);
}

// A file or directory the signer reads, relative to the scenario file; it must exist.
std::string Parser::signer_path(const Field& f, bool directory) const
{
    const std::string text = scalar(f);
    if (text.empty()) fail(loc(f), fmt::format("{} is empty; name a {}", f.name, directory ? "directory" : "file"));
    std::error_code ec;
    const fs::path path = fs::absolute(m_base_dir / text, ec).lexically_normal();
    const bool is_dir = fs::is_directory(path, ec);
    if (!fs::exists(path, ec))
        fail(loc(f), fmt::format("{} '{}' does not exist (paths are relative to the scenario file)", f.name, text));
    if (is_dir != directory)
        fail(loc(f), fmt::format("{} '{}' is {}; give {}", f.name, text, is_dir ? "a directory" : "a file",
                                 directory ? "the directory of the key files" : "the file with the dnssec-policy block"));
    return path.string();
}

void Parser::require_own_signer(const std::string& zone_name, std::string_view what, const SourceLoc& where) const
{
    const ZoneSpec* zone = m_scenario.find_zone(zone_name);
    if (!zone || zone->signer.kind == SignerKind::Rollsim) return;
    std::vector<std::string> faults;
    for (FaultKind k : kAnySignerFaults) faults.emplace_back(to_string(k));
    fail(where, fmt::format("{} needs rollsim's own signer, and zone {} is signed by {} (signer: at line {}); with "
                            "that signer use the server faults {}, or remove signer: from the zone",
                            what, zone_name, to_string(zone->signer.kind), zone->signer.loc.line, join_and(faults)));
}

// Whether `fault` can be played in a zone whatever signs it.
bool fault_needs_own_signer(FaultKind fault)
{
    return std::find(std::begin(kAnySignerFaults), std::end(kAnySignerFaults), fault) == std::end(kAnySignerFaults);
}

}  // namespace rollsim::scenario::detail
