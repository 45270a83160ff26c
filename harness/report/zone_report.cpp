#include "report/zone_report.hpp"

#include "report/html_report.hpp"
#include "report/markdown_report.hpp"

#include <fmt/format.h>

namespace rollsim::report {

namespace {

using nlohmann::json;

std::string counts_text(const ZoneSummary& zones)
{
    return fmt::format("{} of {} probed zones failed, {} without failure; {} probe names", zones.failing.size(),
                       zones.probed_zones, zones.healthy_zones(), zones.probe_names);
}

// The first failing probe's outcome with its EDE text and the validator's reason.
std::string first_said(const ZoneResolverFailures& r)
{
    std::string out = r.what;
    // Unbound's EDE text is its reason; say it once.
    if (!r.ede_text.empty() && r.ede_text != r.reason) out += " (" + r.ede_text + ")";
    if (!r.reason.empty()) out += ": " + r.reason;
    return out;
}

json resolver_json(const ZoneResolverFailures& r)
{
    json spans = json::array();
    for (const auto& s : r.spans)
        spans.push_back({{"from_s", s.from.count()}, {"until_s", s.until ? json(s.until->count()) : json(nullptr)}});
    return {{"resolver", r.resolver},
            {"spans", spans},
            {"failing_probes", r.failing_probes},
            {"outcome", r.what},
            {"ede", r.ede ? json(dns::ede_code(*r.ede)) : json(nullptr)},
            {"ede_text", r.ede_text},
            {"reason", r.reason}};
}

}  // namespace

std::string zones_terminal(const ZoneSummary& zones)
{
    if (!zones.large) return {};
    std::string out = fmt::format("\nFailing zones ({})\n", counts_text(zones));
    if (zones.failing.empty()) return out + "  none: every probe of every zone succeeded\n";
    for (std::size_t i = 0; i < zones.failing.size() && i < kZonesListed; ++i) {
        const auto& z = zones.failing[i];
        out += fmt::format("  {}  from {}, {} failing probe{}  {}\n", z.zone, format_offset(z.first),
                           z.failing_probes, z.failing_probes == 1 ? "" : "s", zone_failures_text(z));
    }
    if (zones.failing.size() > kZonesListed)
        out += fmt::format("  and {} more zones failed; see the JSON report\n", zones.failing.size() - kZonesListed);
    return out;
}

std::string zones_markdown(const ZoneSummary& zones)
{
    if (!zones.large) return {};
    std::string out = fmt::format("### Failing zones\n\n{}.\n\n", counts_text(zones));
    if (zones.failing.empty()) return out;
    out += "| zone | resolver | failing | failing probes | first failure | its reason |\n";
    out += "| --- | --- | --- | --- | --- | --- |\n";
    for (const auto& z : zones.failing)
        for (const auto& r : z.resolvers)
            out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", markdown_cell(z.zone), markdown_cell(r.resolver),
                               spans_text(r.spans, "end (still failing)"), r.failing_probes,
                               markdown_cell(r.what), markdown_cell(r.reason));
    return out + "\n";
}

std::string zones_html(const ZoneSummary& zones)
{
    if (!zones.large) return {};
    std::string out = fmt::format("<section>\n<h2>Failing zones</h2>\n<p>{}.</p>\n", html_escape(counts_text(zones)));
    if (zones.failing.empty()) return out + "</section>\n";
    out += "<table class=\"zones\">\n<thead><tr><th>zone</th><th>resolver</th><th>failing</th><th>failing probes</th>"
           "<th>first failure</th></tr></thead>\n<tbody>\n";
    for (const auto& z : zones.failing)
        for (const auto& r : z.resolvers)
            out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"span\">{}</td><td>{}</td>"
                               "<td class=\"reason\">{}</td></tr>\n",
                               html_escape(z.zone), html_escape(r.resolver),
                               html_escape(spans_text(r.spans, "the end (still failing)")), r.failing_probes,
                               html_escape(first_said(r)));
    return out + "</tbody>\n</table>\n</section>\n";
}

json zones_json(const ZoneSummary& zones)
{
    json failing = json::array();
    for (const auto& z : zones.failing) {
        json resolvers = json::array();
        for (const auto& r : z.resolvers) resolvers.push_back(resolver_json(r));
        failing.push_back({{"zone", z.zone},
                           {"first_failure_s", z.first.count()},
                           {"failing_probes", z.failing_probes},
                           {"resolvers", resolvers}});
    }
    return {{"probe_names", zones.probe_names},
            {"probed", zones.probed_zones},
            {"without_failure", zones.healthy_zones()},
            {"failing", failing}};
}

}  // namespace rollsim::report
