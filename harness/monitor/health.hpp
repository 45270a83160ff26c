// The reference monitor, `kind: rollsim-health` (docs/monitoring.md): what an operator's
// DNSSEC monitoring checks, read from what the lab's NSD servers really serve (queries over
// DNS from inside the lab, no recursion), never from the scenario model. Per zone:
//   - the validity left on the earliest-expiring RRSIG each server serves (RFC 4034 3.1.5),
//     over the apex RRsets (SOA, NS, DNSKEY, CDS, CDNSKEY) and the probed names in the zone;
//   - DS-to-DNSKEY alignment at every server of the parent: each DS's key tag, algorithm and
//     digest against the DNSKEY set (RFC 4034 5.1, 5.2);
//   - the DNSKEY set alike on every server;
//   - CDS and CDNSKEY (RFC 7344) naming only keys of the DNSKEY set (the RFC 8078 delete signal
//     aside);
//   - whether the chain validates from the trust anchor, asked of a fresh libunbound
//     validator (probe/cold_validator.hpp) as of the virtual instant.
#pragma once

#include "core/time.hpp"
#include "monitor/status.hpp"
#include "probe/cold_validator.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::monitor {

struct ServerRef {
    std::string label;    // "ns1", or "ns1.com." for a parent's server
    std::string address;  // "127.53.2.1"
};

// One zone as the monitor sees the lab: where it is served and where its parent is.
struct HealthZone {
    std::string name;
    std::vector<ServerRef> servers;
    std::vector<ServerRef> parent_servers;  // empty for the root
    std::vector<scenario::Query> queries;   // probed names in the zone, whose RRSIGs count too
};

// One server's copy of a zone, as it answered.
struct ServedZone {
    bool answered = false;
    std::optional<TimePoint> earliest_expiration;  // of every RRSIG seen
    std::string earliest_type;                     // the type that RRSIG covers
    std::vector<std::string> dnskeys;  // RDATA, sorted
    std::vector<std::string> dnskey_records;  // the records as served, for DS digests
    std::vector<std::string> cds;      // RDATA, sorted
    std::vector<std::string> cdnskeys; // RDATA, sorted
};

// Asks one server for the zone's apex RRsets and the probed names (RD clear, DO set).
ServedZone read_served_zone(const HealthZone& zone, const ServerRef& server);

// The whole check at `now`: a status, its status line ("HEALTH WARNING - example.com.: RRSIG
// validity 2d23h left on ns1 (SOA); ..."), and the samples behind it (docs/monitoring.md).
Check check_health(const scenario::MonitorSpec& spec, const std::vector<HealthZone>& zones,
                   probe::ColdValidator& validator, Seconds offset, TimePoint now);

// "20270301000000" (RRSIG presentation, RFC 4034 3.2) -> the instant; nullopt if malformed.
std::optional<TimePoint> parse_rrsig_time(const std::string& text);

// DS (or CDS) record `ds` is the digest of DNSKEY record `dnskey` (key tag, algorithm and
// digest match; RFC 4034 5.1.4). Both zone-file lines.
bool ds_matches_dnskey(const std::string& ds, const std::string& dnskey);

}  // namespace rollsim::monitor
