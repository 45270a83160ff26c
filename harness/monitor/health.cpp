#include "monitor/health.hpp"

#include "core/text.hpp"
#include "dns/ldns_ptr.hpp"
#include "dns/query.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace rollsim::monitor {

namespace {

// A zone-file line as dns::query gives it: owner, TTL, class, type, then the RDATA.
struct RrText {
    std::string type;
    std::string rdata;
};

std::optional<RrText> split_rr(const std::string& rr)
{
    std::size_t pos = 0;
    std::vector<std::string> head;
    for (int i = 0; i < 4; ++i) {
        const std::size_t tab = rr.find('\t', pos);
        if (tab == std::string::npos) return std::nullopt;
        head.push_back(rr.substr(pos, tab - pos));
        pos = tab + 1;
    }
    return RrText{head[3], rr.substr(pos)};
}

std::vector<std::string> words(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while ((pos = text.find_first_not_of(" \t", pos)) != std::string::npos) {
        const std::size_t end = text.find_first_of(" \t", pos);
        out.push_back(text.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

// Servers that are down cost real time: one short try each.
dns::QueryOptions direct_query()
{
    dns::QueryOptions o;
    o.recursion_desired = false;
    o.timeout = std::chrono::milliseconds(1000);
    o.attempts = 1;
    return o;
}

void note_rrsig(ServedZone& out, const RrText& rr)
{
    const auto fields = words(rr.rdata);
    if (fields.size() < 5) return;
    const auto expiration = parse_rrsig_time(fields[4]);
    if (!expiration) return;
    if (!out.earliest_expiration || *expiration < *out.earliest_expiration) {
        out.earliest_expiration = expiration;
        out.earliest_type = fields[0];
    }
}

// A record of the answer, sorted into the zone's view.
void take(ServedZone& out, const std::string& record)
{
    const auto rr = split_rr(record);
    if (!rr) return;
    if (rr->type == "RRSIG") note_rrsig(out, *rr);
    else if (rr->type == "DNSKEY") {
        out.dnskeys.push_back(rr->rdata);
        out.dnskey_records.push_back(record);
    } else if (rr->type == "CDS") out.cds.push_back(rr->rdata);
    else if (rr->type == "CDNSKEY") out.cdnskeys.push_back(rr->rdata);
}

// The RFC 8078 4 delete signal: CDS "0 0 0 00", CDNSKEY "0 3 0 AA==".
bool is_delete_signal(const std::string& rdata)
{
    const auto f = words(rdata);
    return f.size() >= 3 && f[0] == "0" && f[2] == "0";
}

// Why a DS (RFC 4034 5.1: key tag, algorithm, digest type, digest) leads to no DNSKEY: the
// part that fails first, as a validator would find it.
std::string ds_mismatch(const RrText& ds, const std::vector<std::string>& dnskeys)
{
    const auto f = words(ds.rdata);
    if (f.size() < 4) return "malformed DS " + ds.rdata;
    std::vector<std::string> algorithms_of_tag;
    for (const auto& k : dnskeys) {
        ldns_rr* parsed = nullptr;
        if (ldns_rr_new_frm_str(&parsed, k.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) continue;
        const dns::RrPtr key(parsed);
        if (std::to_string(ldns_calc_keytag(key.get())) != f[0]) continue;
        algorithms_of_tag.push_back(std::to_string(ldns_rdf2native_int8(ldns_rr_rdf(key.get(), 2))));
    }
    if (algorithms_of_tag.empty()) return fmt::format("key tag {} names no DNSKEY", f[0]);
    if (std::find(algorithms_of_tag.begin(), algorithms_of_tag.end(), f[1]) == algorithms_of_tag.end())
        return fmt::format("key {} has algorithm {}, the DS says {}", f[0], algorithms_of_tag.front(), f[1]);
    return fmt::format("digest (type {}) of key {} does not match", f[2], f[0]);
}

struct Finding {
    Status status;
    std::string text;
};

// The earliest RRSIG expiration over every zone checked: what an OK status line names.
struct Soonest {
    Seconds left{0};
    std::string text;
};

struct ZoneFindings {
    std::vector<Finding> findings;
    std::optional<Soonest>& soonest;
    std::vector<Sample>& samples;
    const std::string& zone;

    void add(Status s, std::string text) { findings.push_back({s, zone + " " + std::move(text)}); }
    void sample(std::string name, std::map<std::string, std::string> labels, double value)
    {
        labels["zone"] = zone;
        samples.push_back({std::move(name), std::move(labels), value});
    }
};

// RRSIG validity on each server against the thresholds.
void check_validity(ZoneFindings& z, const scenario::MonitorSpec& spec, const HealthZone& zone,
                    const std::vector<ServedZone>& served, TimePoint now)
{
    const bool any_signed =
        std::any_of(served.begin(), served.end(), [](const auto& s) { return s.earliest_expiration.has_value(); });
    for (std::size_t i = 0; i < served.size(); ++i) {
        const auto& s = served[i];
        const std::string& label = zone.servers[i].label;
        z.sample("rollsim_server_answers", {{"server", label}}, s.answered ? 1 : 0);
        if (!s.answered) {
            z.add(Status::Warning, fmt::format("{} does not answer", label));
            continue;
        }
        if (!s.earliest_expiration) {
            // Unsigned here while another server signs: a server-unsigned copy.
            if (any_signed) z.add(Status::Warning, fmt::format("{} serves no RRSIG", label));
            continue;
        }
        const Seconds left = std::chrono::duration_cast<Seconds>(*s.earliest_expiration - now);
        z.sample("rollsim_rrsig_validity_seconds", {{"server", label}, {"type", s.earliest_type}},
                 static_cast<double>(left.count()));
        const std::string what = left.count() <= 0
                                     ? fmt::format("RRSIG ({}) on {} expired {} ago", s.earliest_type, label,
                                                   format_duration(-left))
                                     : fmt::format("RRSIG ({}) on {} expires in {}", s.earliest_type, label,
                                                   format_duration(left));
        if (!z.soonest || left < z.soonest->left) z.soonest = Soonest{left, z.zone + " " + what};
        if (left <= spec.critical) z.add(Status::Critical, what);
        else if (left <= spec.warn) z.add(Status::Warning, what);
    }
}

// Every DS at every parent server against the DNSKEY records the zone's servers serve.
void check_ds(ZoneFindings& z, const HealthZone& zone, const std::vector<ServedZone>& served)
{
    std::vector<std::string> dnskeys;
    for (const auto& s : served) dnskeys.insert(dnskeys.end(), s.dnskey_records.begin(), s.dnskey_records.end());
    for (const auto& parent : zone.parent_servers) {
        const auto answer = dns::query(parent.address, zone.name, "DS", direct_query());
        if (answer.timed_out) continue;
        int total = 0, matching = 0;
        std::vector<std::string> why;
        for (const auto& rr : answer.answer) {
            const auto t = split_rr(rr);
            if (!t || t->type != "DS") continue;
            ++total;
            if (std::any_of(dnskeys.begin(), dnskeys.end(), [&](const auto& k) { return ds_matches_dnskey(rr, k); }))
                ++matching;
            else
                why.push_back(ds_mismatch(*t, dnskeys));
        }
        z.sample("rollsim_ds_records", {{"parent_server", parent.label}}, total);
        z.sample("rollsim_ds_matching", {{"parent_server", parent.label}}, matching);
        // A DS with no key yet is how a double-DS rollover starts (RFC 7583 3.3.2): only a DS
        // set none of whose records leads to a key breaks the chain.
        if (total > 0 && matching == 0)
            z.add(Status::Critical, fmt::format("DS at {} matches no DNSKEY: {}", parent.label, join(why, "; ")));
    }
}

// The DNSKEY set alike everywhere; CDS and CDNSKEY naming keys of it.
void check_key_sets(ZoneFindings& z, const HealthZone& zone, const std::vector<ServedZone>& served)
{
    const ServedZone* first = nullptr;
    bool consistent = true, cds_ok = true;
    for (std::size_t i = 0; i < served.size(); ++i) {
        const auto& s = served[i];
        if (!s.answered) continue;
        if (!first) first = &s;
        else if (s.dnskeys != first->dnskeys) {
            consistent = false;
            z.add(Status::Warning, fmt::format("DNSKEY set on {} differs from {}'s", zone.servers[i].label,
                                               zone.servers[static_cast<std::size_t>(first - served.data())].label));
        }
        for (const auto& cds : s.cds) {
            if (is_delete_signal(cds)) continue;
            const std::string as_ds = zone.name + "\t3600\tIN\tDS\t" + cds;
            if (std::none_of(s.dnskey_records.begin(), s.dnskey_records.end(),
                             [&](const auto& k) { return ds_matches_dnskey(as_ds, k); }))
                cds_ok = false;
        }
        for (const auto& cdnskey : s.cdnskeys)
            if (!is_delete_signal(cdnskey) && !std::binary_search(s.dnskeys.begin(), s.dnskeys.end(), cdnskey))
                cds_ok = false;
        if (!cds_ok) {
            z.add(Status::Warning, fmt::format("CDS/CDNSKEY on {} name a key not in its DNSKEY set",
                                               zone.servers[i].label));
            cds_ok = true;
            z.sample("rollsim_cds_consistent", {{"server", zone.servers[i].label}}, 0);
        } else {
            z.sample("rollsim_cds_consistent", {{"server", zone.servers[i].label}}, 1);
        }
    }
    z.sample("rollsim_dnskey_consistent", {}, consistent ? 1 : 0);
}

void check_chain(ZoneFindings& z, const HealthZone& zone, probe::ColdValidator& validator, TimePoint now)
{
    const probe::ColdResult r = validator.resolve(zone.name, "SOA", now);
    z.sample("rollsim_chain_secure", {}, r.validation == dns::Validation::Secure ? 1 : 0);
    if (r.validation == dns::Validation::Bogus)
        z.add(Status::Critical, "chain of trust bogus" + (r.reason.empty() ? "" : ": " + r.reason));
}

std::string status_line(Status worst, const std::vector<Finding>& findings, const std::optional<Soonest>& soonest,
                        std::size_t zones)
{
    std::vector<std::string> worst_texts;
    for (const auto& f : findings)
        if (f.status == worst) worst_texts.push_back(f.text);
    if (worst == Status::Ok)
        return fmt::format("HEALTH OK - {} zone{} checked{}", zones, zones == 1 ? "" : "s",
                           soonest ? "; earliest: " + soonest->text : std::string());
    return fmt::format("HEALTH {} - {}", to_string(worst), join(worst_texts, "; "));
}

}  // namespace

std::optional<TimePoint> parse_rrsig_time(const std::string& text)
{
    if (text.size() != 14 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t n) { return std::stoi(text.substr(at, n)); };
    const std::chrono::year_month_day day{std::chrono::year{num(0, 4)}, std::chrono::month(unsigned(num(4, 2))),
                                          std::chrono::day(unsigned(num(6, 2)))};
    if (!day.ok()) return std::nullopt;
    return TimePoint{std::chrono::sys_days{day}} + std::chrono::hours(num(8, 2)) +
           std::chrono::minutes(num(10, 2)) + Seconds(num(12, 2));
}

bool ds_matches_dnskey(const std::string& ds, const std::string& dnskey)
{
    ldns_rr* a = nullptr;
    ldns_rr* b = nullptr;
    if (ldns_rr_new_frm_str(&a, ds.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) return false;
    dns::RrPtr ds_rr(a);
    if (ldns_rr_new_frm_str(&b, dnskey.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) return false;
    dns::RrPtr key_rr(b);
    return ldns_rr_compare_ds(ds_rr.get(), key_rr.get());
}

ServedZone read_served_zone(const HealthZone& zone, const ServerRef& server)
{
    ServedZone out;
    std::vector<scenario::Query> asked{{zone.name, "SOA"}, {zone.name, "NS"}, {zone.name, "DNSKEY"},
                                       {zone.name, "CDS"}, {zone.name, "CDNSKEY"}};
    asked.insert(asked.end(), zone.queries.begin(), zone.queries.end());
    for (const auto& q : asked) {
        const auto answer = dns::query(server.address, q.qname, q.qtype, direct_query());
        if (answer.timed_out) {
            if (q.qtype == "SOA") return out;  // a server that is down: one timeout is enough
            continue;
        }
        out.answered = true;
        for (const auto& rr : answer.answer) take(out, rr);
    }
    for (auto* list : {&out.dnskeys, &out.cds, &out.cdnskeys}) std::sort(list->begin(), list->end());
    return out;
}

Check check_health(const scenario::MonitorSpec& spec, const std::vector<HealthZone>& zones,
                   probe::ColdValidator& validator, Seconds offset, TimePoint now)
{
    Check c;
    c.offset = offset;
    c.monitor = spec.name;
    std::vector<Finding> findings;
    std::optional<Soonest> soonest;
    for (const auto& zone : zones) {
        std::vector<ServedZone> served;
        for (const auto& server : zone.servers) served.push_back(read_served_zone(zone, server));
        ZoneFindings z{{}, soonest, c.samples, zone.name};
        check_validity(z, spec, zone, served, now);
        check_ds(z, zone, served);
        check_key_sets(z, zone, served);
        check_chain(z, zone, validator, now);
        findings.insert(findings.end(), z.findings.begin(), z.findings.end());
    }
    Status worst = Status::Ok;
    for (const auto& f : findings) worst = std::max(worst, f.status);
    c.status = worst;
    c.exit_status = static_cast<int>(worst);
    c.line = status_line(worst, findings, soonest, zones.size());
    std::vector<std::string> all;
    for (const auto& f : findings) all.push_back(std::string(to_string(f.status)) + ": " + f.text);
    c.output = c.line + (all.empty() ? "" : "\n" + join(all, "\n"));
    return c;
}

}  // namespace rollsim::monitor
