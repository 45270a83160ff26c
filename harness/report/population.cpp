#include "report/population.hpp"

#include "report/html_report.hpp"
#include "report/markdown_report.hpp"
#include "scenario/names.hpp"
#include "scenario/population.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace rollsim::report {

using nlohmann::json;
using runner::Observation;

int ShareSpan::percent() const { return members == 0 ? 0 : (200 * failing + members) / (2 * members); }

int PopulationQuery::peak_percent() const { return peak_percent_within(*this, std::nullopt, std::nullopt); }

int peak_percent_within(const PopulationQuery& q, std::optional<Seconds> from, std::optional<Seconds> until)
{
    int peak = 0;
    for (const auto& s : q.spans) {
        if (until && s.from >= *until) continue;
        if (from && s.until && *s.until <= *from) continue;
        peak = std::max(peak, s.percent());
    }
    return peak;
}

namespace {

// The spans of one query among the observations of one population's members, in time order.
std::vector<ShareSpan> spans_of(const std::vector<const Observation*>& asked)
{
    std::map<std::string, bool> failing;  // member -> its last answer failed
    std::vector<ShareSpan> all;
    for (std::size_t i = 0; i < asked.size();) {
        const Seconds t = asked[i]->offset;
        for (; i < asked.size() && asked[i]->offset == t; ++i) failing[asked[i]->resolver] = asked[i]->failed();
        const int n = static_cast<int>(std::count_if(failing.begin(), failing.end(), [](auto& m) { return m.second; }));
        const int members = static_cast<int>(failing.size());
        if (!all.empty() && all.back().failing == n && all.back().members == members) continue;
        if (!all.empty()) all.back().until = t;
        all.push_back({t, std::nullopt, n, members});
    }
    std::erase_if(all, [](const ShareSpan& s) { return s.failing == 0; });
    return all;
}

PopulationShares shares_of(const scenario::Scenario& sc, const std::string& name,
                           const std::vector<Observation>& observations)
{
    PopulationShares p;
    p.population = name;
    for (const auto& r : sc.resolvers) {
        if (r.population != name) continue;
        p.kind = r.kind;
        ++p.size;
        p.last_phase = r.population_phase;
        if (r.probes && r.probes->at.size() > 1) p.interval = r.probes->at[1] - r.probes->at[0];
    }
    for (const auto& q : sc.probes.queries) {
        std::vector<const Observation*> asked;
        for (const auto& o : observations)
            if (o.query == q && scenario::population_of(o.resolver) == name) asked.push_back(&o);
        std::stable_sort(asked.begin(), asked.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
        p.queries.push_back({q, spans_of(asked)});
    }
    return p;
}

std::string when_text(const ShareSpan& s)
{
    return fmt::format("from {} {}", format_offset(s.from), s.until ? "to " + format_offset(*s.until) : "to the end");
}

std::string peak_text(const PopulationQuery& q)
{
    if (q.spans.empty()) return "no member failed";
    return fmt::format("at most {}% of the members failed at once, in {} span{}", q.peak_percent(), q.spans.size(),
                       q.spans.size() == 1 ? "" : "s");
}

}  // namespace

std::vector<PopulationShares> population_shares(const scenario::Scenario& sc, const std::vector<Observation>& observations)
{
    std::vector<PopulationShares> out;
    for (const auto& r : sc.resolvers)
        if (!r.population.empty() && (out.empty() || out.back().population != r.population))
            out.push_back(shares_of(sc, r.population, observations));
    return out;
}

std::string share_text(const ShareSpan& span)
{
    return fmt::format("{}% ({} of {}) fail {}", span.percent(), span.failing, span.members, when_text(span));
}

std::string population_heading(const PopulationShares& p)
{
    return fmt::format("Population '{}': {} {} daemons, caches filled from their first probes between +0 and {}{}",
                       p.population, p.size, scenario::to_string(p.kind), format_offset(p.last_phase),
                       p.interval.count() ? ", each asked every " + format_duration(p.interval) : "");
}

std::string populations_terminal(const std::vector<PopulationShares>& populations)
{
    constexpr std::size_t kShown = 12;  // spans per query; the other reports list them all
    std::string out;
    for (const auto& p : populations) {
        out += "\n" + population_heading(p) + "\n";
        for (const auto& q : p.queries) {
            out += fmt::format("  {}: {}\n", q.query.text(), peak_text(q));
            for (std::size_t i = 0; i < q.spans.size() && i < kShown; ++i) out += "    " + share_text(q.spans[i]) + "\n";
            if (q.spans.size() > kShown) out += fmt::format("    and {} more spans\n", q.spans.size() - kShown);
        }
    }
    return out;
}

std::string populations_markdown(const std::vector<PopulationShares>& populations)
{
    std::string out;
    for (const auto& p : populations) {
        out += fmt::format("\n## Population {}\n\n{}.\n", markdown_cell(p.population), markdown_cell(population_heading(p)));
        for (const auto& q : p.queries) {
            out += fmt::format("\n### {}\n\n{}.\n", markdown_cell(q.query.text()), markdown_cell(peak_text(q)));
            if (q.spans.empty()) continue;
            out += "\n| from | until | failing | of members | share |\n| --- | --- | --- | --- | --- |\n";
            for (const auto& s : q.spans)
                out += fmt::format("| {} | {} | {} | {} | {}% |\n", format_offset(s.from),
                                   s.until ? format_offset(*s.until) : "end", s.failing, s.members, s.percent());
        }
    }
    return out;
}

std::string populations_html(const std::vector<PopulationShares>& populations)
{
    std::string out;
    for (const auto& p : populations) {
        out += fmt::format("<section class=\"population\">\n<h2>Population {}</h2>\n<p>{}.</p>\n",
                           html_escape(p.population), html_escape(population_heading(p)));
        for (const auto& q : p.queries) {
            out += fmt::format("<h3>{}</h3>\n<p>{}.</p>\n", html_escape(q.query.text()), html_escape(peak_text(q)));
            if (q.spans.empty()) continue;
            out += "<table class=\"shares\">\n<thead><tr><th>from</th><th>until</th><th>failing</th><th>of members"
                   "</th><th>share</th></tr></thead>\n<tbody>\n";
            for (const auto& s : q.spans)
                out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"share\" "
                                   "style=\"--share:{}%\">{}%</span></td></tr>\n",
                                   format_offset(s.from), s.until ? format_offset(*s.until) : "end", s.failing,
                                   s.members, s.percent(), s.percent());
            out += "</tbody>\n</table>\n";
        }
        out += "</section>\n";
    }
    return out;
}

json populations_json(const std::vector<PopulationShares>& populations)
{
    if (populations.empty()) return nullptr;
    json out = json::array();
    for (const auto& p : populations) {
        json queries = json::array();
        for (const auto& q : p.queries) {
            json spans = json::array();
            for (const auto& s : q.spans)
                spans.push_back({{"from_s", s.from.count()},
                                 {"until_s", s.until ? json(s.until->count()) : json(nullptr)},
                                 {"failing", s.failing},
                                 {"members", s.members},
                                 {"percent", s.percent()}});
            queries.push_back({{"query", q.query.text()}, {"peak_percent", q.peak_percent()}, {"spans", spans}});
        }
        out.push_back({{"population", p.population},
                       {"kind", std::string(scenario::to_string(p.kind))},
                       {"size", p.size},
                       {"last_phase_s", p.last_phase.count()},
                       {"interval_s", p.interval.count()},
                       {"queries", queries}});
    }
    return out;
}

}  // namespace rollsim::report
