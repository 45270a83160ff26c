#include "report/kind_report.hpp"

#include "core/text.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"
#include "report/predicted.hpp"
#include "scenario/names.hpp"

#include <functional>

#include <fmt/format.h>

namespace rollsim::report {

using nlohmann::json;

std::vector<KindRow> kind_rows(const QueryDifferences& query)
{
    std::vector<KindRow> out;
    for (const auto& f : query.failures) {
        std::vector<std::string> said;
        for (const auto& s : f.sayings)
            said.push_back(s.first == f.start ? saying_text(s)
                                              : fmt::format("from {}: {}", format_offset(s.first), saying_text(s)));
        out.push_back({kind_label(f.kind), f.resolver, span_text(f.start, f.end),
                       fmt::format("{} probe{}", f.probes, f.probes == 1 ? "" : "s"), std::move(said)});
    }
    return out;
}

std::string failing_text(const QueryDifferences& query)
{
    if (query.failing.empty()) return "no kind failed";
    std::string out = "fails: " + kinds_text(query.failing);
    if (!query.never.empty()) out += "; never fails: " + kinds_text(query.never);
    return out;
}

std::string disagreement_text(const Disagreement& d)
{
    const std::string when = d.instants == 1 ? format_offset(d.first)
                                             : fmt::format("{} .. {} ({} instants)", format_offset(d.first),
                                                           format_offset(d.last), d.instants);
    return when + ": " + sides_text(d);
}

namespace {

// How one format lays the section out: a heading, then per query its line, its failure table
// and its disagreements.
struct Layout {
    std::string heading, table_head, table_end, agree, list_head, list_end, end;
    std::function<std::string(const QueryDifferences&)> query;
    std::function<std::string(const KindRow&)> row;
    std::function<std::string(const std::string&)> item;
};

std::string render(const KindDifferences& d, const Layout& l)
{
    if (d.empty()) return "";
    std::string out = l.heading;
    for (const auto& q : d.queries) {
        out += l.query(q);
        const auto rows = kind_rows(q);
        if (!rows.empty()) {
            out += l.table_head;
            for (const auto& r : rows) out += l.row(r);
            out += l.table_end;
        }
        if (q.disagreements.empty()) {
            out += l.agree;
            continue;
        }
        out += l.list_head;
        for (const auto& x : q.disagreements) out += l.item(disagreement_text(x));
        out += l.list_end;
    }
    return out + l.end;
}

std::string terminal_row(const KindRow& r)
{
    return fmt::format("    {:<15} {:<12} {:<22} {:<10} {}\n", r.kind, r.resolver, r.window, r.probes, join(r.said, "; "));
}

std::string cells(const std::vector<std::string>& texts, const std::function<std::string(const std::string&)>& cell)
{
    std::string out;
    for (const auto& t : texts) out += cell(t);
    return out;
}

}  // namespace

std::string kinds_terminal(const KindDifferences& d)
{
    return render(d, {.heading = fmt::format("\nDifferences between resolver kinds ({})\n", kinds_text(d.kinds)),
                      .agree = "    the daemon kinds agree at every instant\n",
                      .query = [](const QueryDifferences& q) {
                          return fmt::format("  {}: {}\n", q.query.text(), failing_text(q));
                      },
                      .row = terminal_row,
                      .item = [](const std::string& t) { return "    kinds disagree at " + t + "\n"; }});
}

std::string kinds_markdown(const KindDifferences& d)
{
    auto cell = [](const std::string& t) { return " " + markdown_cell(t) + " |"; };
    return render(
        d, {.heading = fmt::format("\n## Differences between resolver kinds\n\nKinds asked: {}.\n", kinds_text(d.kinds)),
            .table_head = "\n| kind | resolver | failing | probes | EDE and reason |\n| --- | --- | --- | --- | --- |\n",
            .agree = "\nThe daemon kinds agree at every instant.\n",
            .list_head = "\nThe daemon kinds disagree at:\n\n",
            .query = [](const QueryDifferences& q) {
                return fmt::format("\n### {}\n\n{}.\n", markdown_cell(q.query.text()), markdown_cell(failing_text(q)));
            },
            .row = [cell](const KindRow& r) {
                return "|" + cells({r.kind, r.resolver, r.window, r.probes, join(r.said, "; ")}, cell) + "\n";
            },
            .item = [](const std::string& t) { return "- " + markdown_cell(t) + "\n"; }});
}

std::string kinds_html(const KindDifferences& d)
{
    auto cell = [](const std::string& t) { return "<td>" + html_escape(t) + "</td>"; };
    return render(
        d, {.heading = fmt::format("<section class=\"kind-differences\">\n<h2>Differences between resolver kinds</h2>\n"
                                   "<p>Kinds asked: {}.</p>\n",
                                   html_escape(kinds_text(d.kinds))),
            .table_head = "<table class=\"kinds\">\n<thead><tr><th>kind</th><th>resolver</th><th>failing</th>"
                          "<th>probes</th><th>EDE and reason</th></tr></thead>\n<tbody>\n",
            .table_end = "</tbody>\n</table>\n",
            .agree = "<p>The daemon kinds agree at every instant.</p>\n",
            .list_head = "<p>The daemon kinds disagree at:</p>\n<ul class=\"disagreements\">\n",
            .list_end = "</ul>\n",
            .end = "</section>\n",
            .query = [](const QueryDifferences& q) {
                return fmt::format("<h3>{}</h3>\n<p>{}.</p>\n", html_escape(q.query.text()), html_escape(failing_text(q)));
            },
            .row = [cell](const KindRow& r) {
                std::vector<std::string> said;
                for (const auto& s : r.said) said.push_back(html_escape(s));
                return "<tr>" + cells({r.kind, r.resolver}, cell) + "<td class=\"span\">" + html_escape(r.window) +
                       "</td>" + cells({r.probes}, cell) + "<td class=\"reason\">" + join(said, "<br>") + "</td></tr>\n";
            },
            .item = [](const std::string& t) { return "<li>" + html_escape(t) + "</li>\n"; }});
}

namespace {

json kind_names(const std::vector<scenario::ResolverKind>& kinds)
{
    json out = json::array();
    for (auto k : kinds) out.push_back(std::string(scenario::to_string(k)));
    return out;
}

json failure_json(const KindFailure& f)
{
    json said = json::array();
    for (const auto& s : f.sayings)
        said.push_back({{"from_s", s.first.count()}, {"what", s.what}, {"ede", s.ede ? json(dns::ede_code(*s.ede)) : json(nullptr)},
                        {"ede_text", s.ede_text}, {"reason", s.reason}});
    return {{"kind", std::string(scenario::to_string(f.kind))},
            {"resolver", f.resolver},
            {"start_s", f.start.count()},
            {"end_s", f.end ? json(f.end->count()) : json(nullptr)},
            {"probes", f.probes},
            {"said", said}};
}

json disagreement_json(const Disagreement& d)
{
    json sides = json::object();
    for (const auto& s : d.sides) sides[s.outcome] = kind_names(s.kinds);
    return {{"first_s", d.first.count()}, {"last_s", d.last.count()}, {"instants", d.instants}, {"sides", sides}};
}

}  // namespace

json kinds_json(const KindDifferences& d)
{
    if (d.empty()) return nullptr;
    json queries = json::array();
    for (const auto& q : d.queries) {
        json failures = json::array(), disagreements = json::array();
        for (const auto& f : q.failures) failures.push_back(failure_json(f));
        for (const auto& x : q.disagreements) disagreements.push_back(disagreement_json(x));
        queries.push_back({{"query", q.query.text()},
                           {"failing", kind_names(q.failing)},
                           {"never_failing", kind_names(q.never)},
                           {"failures", failures},
                           {"disagreements", disagreements}});
    }
    return {{"kinds", kind_names(d.kinds)}, {"queries", queries}};
}

}  // namespace rollsim::report
