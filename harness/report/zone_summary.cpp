#include "report/zone_summary.hpp"

#include "core/text.hpp"
#include "scenario/population.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

std::size_t resolver_rank(const scenario::Scenario& sc, const std::string& resolver)
{
    std::size_t i = 0;
    while (i < sc.resolvers.size() && sc.resolvers[i].name != resolver) ++i;
    return i;
}

// Adds a window to a resolver's disjoint spans, joining those it overlaps or touches. Windows
// arrive by start, so only the last span can meet it.
void add_span(std::vector<ZoneSpan>& spans, const FailureWindow& w)
{
    if (!spans.empty()) {
        ZoneSpan& last = spans.back();
        if (!last.until || w.start <= *last.until) {
            if (last.until && (!w.end || *w.end > *last.until)) last.until = w.end;
            return;
        }
    }
    spans.push_back({w.start, w.end});
}

void add_window(FailingZone& zone, const FailureWindow& w)
{
    zone.failing_probes += w.probes;
    auto it = std::find_if(zone.resolvers.begin(), zone.resolvers.end(),
                           [&](const ZoneResolverFailures& r) { return r.resolver == w.resolver; });
    if (it == zone.resolvers.end()) {
        zone.resolvers.push_back({w.resolver, {}, 0, w.what, w.ede, w.ede_text, w.reason});
        it = std::prev(zone.resolvers.end());
    }
    it->failing_probes += w.probes;
    add_span(it->spans, w);
}

}  // namespace

ZoneIndex::ZoneIndex(const scenario::Scenario& sc)
{
    for (const auto& z : sc.zones) m_zones.push_back(z.name);
    std::sort(m_zones.begin(), m_zones.end());
}

std::string ZoneIndex::zone_of(const std::string& name) const
{
    // Names are absolute ("www.shop1.com."); drop one label at a time until a zone holds it.
    std::string_view rest = name;
    while (!rest.empty() && rest != ".") {
        if (std::binary_search(m_zones.begin(), m_zones.end(), rest)) return std::string(rest);
        const auto dot = rest.find('.');
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
        if (rest.empty()) rest = ".";
    }
    return ".";
}

bool is_large_run(std::size_t probe_names, std::size_t probed_zones)
{
    return probe_names > kLargeRunNames || probed_zones > kLargeRunZones;
}

ZoneSummary zone_summary(const scenario::Scenario& sc, const std::vector<FailureWindow>& windows)
{
    const ZoneIndex index(sc);
    ZoneSummary out;
    std::set<std::string> names, zones;
    for (const auto& q : sc.probes.queries)
        if (names.insert(q.qname).second) zones.insert(index.zone_of(q.qname));
    out.probe_names = names.size();
    out.probed_zones = zones.size();
    out.large = is_large_run(out.probe_names, out.probed_zones);

    std::map<std::string, FailingZone> by_zone;
    for (const auto& w : windows) {
        const std::string zone = index.zone_of(w.query.qname);
        auto [it, added] = by_zone.try_emplace(zone, FailingZone{zone, w.start, 0, {}});
        add_window(it->second, w);
    }
    for (auto& [name, zone] : by_zone) {
        std::stable_sort(zone.resolvers.begin(), zone.resolvers.end(), [&](const auto& a, const auto& b) {
            return resolver_rank(sc, a.resolver) < resolver_rank(sc, b.resolver);
        });
        out.failing.push_back(std::move(zone));
    }
    // A probe name outside every probed zone (a resolver-specific one) still counts once.
    out.probed_zones = std::max(out.probed_zones, out.failing.size());
    std::stable_sort(out.failing.begin(), out.failing.end(),
                     [](const FailingZone& a, const FailingZone& b) { return a.first < b.first; });
    return out;
}

std::vector<std::string> failing_zone_names(const scenario::Scenario& sc, const std::vector<FailureWindow>& windows,
                                            const std::string& resolver)
{
    const ZoneIndex index(sc);
    std::set<std::string> zones;
    for (const auto& w : windows)
        if (scenario::resolver_named(resolver, w.resolver)) zones.insert(index.zone_of(w.query.qname));
    return {zones.begin(), zones.end()};
}

namespace {

// "zz1.com., zz2.com., zz3.com. and 4 more"
std::string first_few(const std::vector<std::string>& zones)
{
    constexpr std::size_t kShown = 5;
    std::vector<std::string> shown(zones.begin(), zones.begin() + std::min(zones.size(), kShown));
    std::string out = join(shown, ", ");
    if (zones.size() > kShown) out += fmt::format(" and {} more", zones.size() - kShown);
    return out;
}

}  // namespace

Verdict judge_failing_zones(const scenario::Scenario& sc, const scenario::Expectation& exp,
                            const std::vector<runner::Observation>& observations)
{
    int covered = 0;
    for (const auto& o : observations) covered += scenario::resolver_named(exp.resolver, o.resolver) ? 1 : 0;
    const auto observed = failing_zone_names(sc, failure_windows(observations), exp.resolver);
    const auto& wanted = exp.failing_zones;  // sorted, as failing_zone_names() gives
    std::vector<std::string> missing, unexpected;
    std::set_difference(wanted.begin(), wanted.end(), observed.begin(), observed.end(), std::back_inserter(missing));
    std::set_difference(observed.begin(), observed.end(), wanted.begin(), wanted.end(), std::back_inserter(unexpected));
    Verdict v{&exp, covered > 0 && missing.empty() && unexpected.empty(), covered, "", ""};
    std::vector<std::string> parts;
    if (covered == 0) parts.push_back("no probe fell under this expectation");
    if (!missing.empty())
        parts.push_back(fmt::format("{} zone{} did not fail: {}", missing.size(), missing.size() == 1 ? "" : "s",
                                    first_few(missing)));
    if (!unexpected.empty())
        parts.push_back(fmt::format("{} other zone{} failed: {}", unexpected.size(),
                                    unexpected.size() == 1 ? "" : "s", first_few(unexpected)));
    if (!v.pass) v.detail = fmt::format("{} zone{} failed; ", observed.size(), observed.size() == 1 ? "" : "s") + join(parts, "; ");
    return v;
}

std::string spans_text(const std::vector<ZoneSpan>& spans, const std::string& open_end)
{
    std::vector<std::string> parts;
    for (const auto& s : spans)
        parts.push_back(fmt::format("{} .. {}", format_offset(s.from), s.until ? format_offset(*s.until) : open_end));
    return join(parts, ", ");
}

std::string zone_failures_text(const FailingZone& zone)
{
    std::vector<std::string> parts;
    for (const auto& r : zone.resolvers)
        parts.push_back(fmt::format("{}: {} failing probe{} {} ({})", r.resolver, r.failing_probes,
                                    r.failing_probes == 1 ? "" : "s", r.what, spans_text(r.spans)));
    return join(parts, "; ");
}

}  // namespace rollsim::report
