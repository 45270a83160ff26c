// The reports of a portfolio's year, without a lab: a generated run record of ZONES zones
// (zz1.com. .. under com.), www.<zone> A probed daily at one warm resolver for DAYS days
// (ZONES x DAYS probe results), FAILING of the zones failing for one day. Prints the record's
// memory, and the time and size of the summary and of each report format (scripts/bench).
//
//   bench_report [ZONES [DAYS [FAILING]]]      defaults 1000 365 30
//
// Figures only; nothing asserts on them.
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

using namespace rollsim;

namespace {

// Resident memory of this process, KiB (/proc/self/status VmRSS).
long resident_kib()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
}

scenario::Scenario portfolio(int zones, int days)
{
    scenario::Scenario sc;
    sc.name = "bench-portfolio";
    sc.file = "bench.yaml";
    sc.duration = Seconds(days * 86400);
    sc.zones.push_back({});
    sc.zones.back().name = "com.";
    for (int z = 1; z <= zones; ++z) {
        sc.zones.push_back({});
        sc.zones.back().name = fmt::format("zz{}.com.", z);
        sc.probes.queries.push_back({fmt::format("www.zz{}.com.", z), "A"});
    }
    sc.resolvers.push_back({});
    sc.resolvers.back().name = "unbound";
    return sc;
}

// Zone z fails on day z when z <= failing: SERVFAIL with EDE 9 and Unbound's reason.
runner::RunRecord year(const scenario::Scenario& sc, int days, int failing)
{
    runner::RunRecord record;
    record.observations.reserve(sc.probes.queries.size() * static_cast<std::size_t>(days));
    for (int d = 0; d < days; ++d)
        for (std::size_t z = 0; z < sc.probes.queries.size(); ++z) {
            runner::Observation o;
            o.offset = Seconds(d * 86400);
            o.resolver = "unbound";
            o.query = sc.probes.queries[z];
            const bool fails = static_cast<int>(z) < failing && d == static_cast<int>(z) + 1;
            o.rcode = fails ? dns::Rcode(2) : dns::Rcode(0);
            o.ad = !fails;
            o.validation = fails ? dns::Validation::Bogus : dns::Validation::Secure;
            if (fails) {
                o.ede = dns::Ede(9);
                o.ede_text = "validation failure <www.zz1.com. A IN>: key for validation zz1.com. is marked as invalid";
                o.reason = o.ede_text;
            }
            record.observations.push_back(std::move(o));
        }
    record.instants = days;
    return record;
}

double timed(const std::function<void()>& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv)
{
    const int zones = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int days = argc > 2 ? std::atoi(argv[2]) : 365;
    const int failing = argc > 3 ? std::atoi(argv[3]) : 30;
    const auto sc = portfolio(zones, days);
    const long before = resident_kib();
    runner::RunRecord record;
    const double build_s = timed([&] { record = year(sc, days, failing); });
    const long after = resident_kib();
    fmt::print("record: {} observations, sizeof(Observation) {} B, resident +{:.1f} MiB ({:.0f} B each), built in {:.2f} s\n",
               record.observations.size(), sizeof(runner::Observation), (after - before) / 1024.0,
               (after - before) * 1024.0 / std::max<std::size_t>(1, record.observations.size()), build_s);
    report::RunSummary summary;
    const double summary_s = timed([&] { summary = report::summarize(sc, {}, record); });
    fmt::print("summary: {:.2f} s; {} failure windows, {} failing zones of {}, large run: {}\n", summary_s,
               summary.windows.size(), summary.zones.failing.size(), summary.zones.probed_zones, summary.zones.large);
    std::string text;
    auto row = [&](const char* format, const std::function<std::string()>& render) {
        const long rss0 = resident_kib();
        const double s = timed([&] { text = render(); });
        fmt::print("{:<9} {:>8.2f} s {:>12} bytes  (resident +{:.1f} MiB)\n", format, s, text.size(),
                   (resident_kib() - rss0) / 1024.0);
    };
    row("json", [&] { return report::json_report(sc, record, summary).dump(2); });
    // As a small run's report would be: every probe result listed.
    report::RunSummary every = summary;
    every.zones.large = false;
    row("json-all", [&] { return report::json_report(sc, record, every).dump(2); });
    row("markdown", [&] { return report::markdown_report(sc, record, summary); });
    row("html", [&] { return report::html_report(sc, record, summary); });
    row("junit", [&] { return report::junit_report(sc, record, summary); });
    row("terminal", [&] {
        std::ostringstream out;
        report::print_summary(out, sc, record, summary, {});
        return out.str();
    });
    return 0;
}
