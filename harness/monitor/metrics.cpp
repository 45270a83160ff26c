// The Prometheus text exposition format (version 0.0.4): "# HELP", "# TYPE", then
// `name{label="value",...} value timestamp_ms`, every sample of a family together.
#include "monitor/monitors.hpp"

#include <fmt/format.h>

#include <map>
#include <string_view>

namespace rollsim::monitor {

namespace {

struct Family {
    std::string_view name;
    std::string_view help;
};

// Every series rollsim writes (docs/monitoring.md, "Metrics"); all gauges.
constexpr Family kFamilies[] = {
    {"rollsim_monitor_status", "Status of the monitor's run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."},
    {"rollsim_server_answers", "1 when the server answered the zone's SOA query, else 0."},
    {"rollsim_rrsig_validity_seconds",
     "Seconds until the earliest-expiring RRSIG the server serves expires (negative once expired)."},
    {"rollsim_ds_records", "DS records for the zone at the parent's server."},
    {"rollsim_ds_matching", "Of those, DS records whose key tag, algorithm and digest match a served DNSKEY."},
    {"rollsim_dnskey_consistent", "1 when every server of the zone serves the same DNSKEY set."},
    {"rollsim_cds_consistent", "1 when the server's CDS and CDNSKEY name only keys of its DNSKEY set."},
    {"rollsim_chain_secure", "1 when a fresh validator finds the zone's SOA secure from the trust anchor."},
};

// RFC-less but specified: label values escape backslash, double quote and newline.
std::string escape(const std::string& value)
{
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string labels_text(const std::map<std::string, std::string>& labels)
{
    std::string out;
    for (const auto& [name, value] : labels) out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", name, escape(value));
    return out.empty() ? out : "{" + out + "}";
}

}  // namespace

std::string prometheus_text(const std::vector<Check>& checks, TimePoint start)
{
    std::string out;
    for (const auto& family : kFamilies) {
        std::string lines;
        for (const auto& c : checks) {
            const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>((start + c.offset).time_since_epoch()).count();
            if (family.name == "rollsim_monitor_status")
                lines += fmt::format("{}{} {} {}\n", family.name, labels_text({{"monitor", c.monitor}}),
                                     static_cast<int>(c.status), ms);
            for (const auto& s : c.samples)
                if (s.name == family.name) {
                    auto labels = s.labels;
                    labels["monitor"] = c.monitor;
                    lines += fmt::format("{}{} {} {}\n", s.name, labels_text(labels), s.value, ms);
                }
        }
        if (lines.empty()) continue;
        out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}", family.name, family.help, family.name, lines);
    }
    return out;
}

}  // namespace rollsim::monitor
