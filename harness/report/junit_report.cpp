#include "report/junit_report.hpp"

#include "report/monitor_report.hpp"
#include "report/outcome_summary.hpp"
#include "report/predicted.hpp"
#include "report/zone_report.hpp"

#include <sstream>

#include <fmt/format.h>
#include <pugixml.hpp>

namespace rollsim::report {

namespace {

// XML 1.0 allows no control characters other than tab, newline and carriage return.
std::string xml_safe(std::string s)
{
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') c = '?';
    return s;
}

std::string one_line(std::string s)
{
    for (auto& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return xml_safe(std::move(s));
}

std::string seconds_attr(double s) { return fmt::format("{:.3f}", s); }

std::string window_lines(const scenario::Scenario& sc, const std::vector<FailureWindow>& windows)
{
    if (windows.empty()) return "Failure windows: none; every probe of every resolver succeeded.\n";
    std::string out = "Failure windows:\n";
    for (const auto& w : windows) {
        out += fmt::format("  {} {}: {} .. {} ({}, {} probe(s)) {}\n", w.resolver, w.query.text(),
                           format_offset(w.start), w.end ? format_offset(*w.end) : std::string("end"),
                           window_length(sc, w.start, w.end), w.probes, w.what);
        out += fmt::format("    from {}\n", format_time(sc.start + w.start));
        if (!w.reason.empty()) out += fmt::format("    reason: {}\n", w.reason);
    }
    return out;
}

// A large run (report/zone_summary.hpp): its failing zones, at most kZonesListed of them, in
// place of every window.
std::string failure_lines(const scenario::Scenario& sc, const RunSummary& summary,
                          const std::vector<FailureWindow>& windows)
{
    if (!summary.zones.large) return window_lines(sc, windows);
    const std::string text = zones_terminal(summary.zones);
    return text.substr(text.find_first_not_of('\n'));
}

// The rollover lint's predicted windows and how the observed ones paired with them; empty when
// the lint predicted nothing and nothing was compared.
std::string prediction_lines(const scenario::Scenario& sc, const PredictionComparison& comparison)
{
    if (comparison.predicted.empty()) return {};
    std::string out = fmt::format("Predicted vs observed (rollover lint; paired within {}):\n",
                                  format_duration(sc.probes.every));
    for (const auto& r : comparison.rows) {
        if (r.predicted) {
            const std::string resolvers = resolvers_text(r.resolvers);
            out += fmt::format("  predicted {} {} on {}: {}\n", r.predicted->zone,
                               span_text(r.predicted->from, r.predicted->until),
                               resolvers, to_string(r.match));
            out += fmt::format("    observed: {}\n", observed_text(r.observed));
            out += fmt::format("    cause: {}\n", r.predicted->cause);
            if (const std::string why = unobserved_text(r); !why.empty()) out += fmt::format("    why: {}\n", why);
        } else {
            out += fmt::format("  {}: {}\n", to_string(r.match), observed_text(r.observed));
        }
    }
    return out;
}

std::string to_text(const pugi::xml_document& doc)
{
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

void set_counts(pugi::xml_node node, int tests, int failures, int errors, double time)
{
    node.append_attribute("tests") = tests;
    node.append_attribute("failures") = failures;
    node.append_attribute("errors") = errors;
    node.append_attribute("skipped") = 0;
    node.append_attribute("time") = seconds_attr(time).c_str();
}

// An XML declaration and an empty <testsuites name="rollsim">.
pugi::xml_node testsuites(pugi::xml_document& doc)
{
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto suites = doc.append_child("testsuites");
    suites.append_attribute("name") = "rollsim";
    return suites;
}

pugi::xml_node testsuite(pugi::xml_node suites, const std::string& name, const std::string& file)
{
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = xml_safe(name).c_str();
    suite.append_attribute("file") = xml_safe(file).c_str();
    return suite;
}

pugi::xml_node testcase(pugi::xml_node suite, const std::string& name, const std::string& file, const std::string& time)
{
    auto tc = suite.append_child("testcase");
    tc.append_attribute("name") = one_line(name).c_str();
    tc.append_attribute("classname") = xml_safe(file).c_str();
    tc.append_attribute("time") = time.c_str();
    return tc;
}

// A <failure> or <error> child with its message, type and text.
void problem(pugi::xml_node tc, const char* element, const std::string& message, const char* type,
             const std::string& text)
{
    auto node = tc.append_child(element);
    node.append_attribute("message") = one_line(message).c_str();
    node.append_attribute("type") = type;
    node.text().set(xml_safe(text).c_str());
}

// `time`: the testcase's share of the run's wall clock (junit_report()).
void expectation_case(pugi::xml_node suite, const scenario::Scenario& sc, const RunSummary& summary,
                      const ExpectationResult& r, double time)
{
    const auto& v = r.verdict;
    const auto& e = *v.expectation;
    auto tc = testcase(suite, v.id, sc.file, seconds_attr(time));
    if (v.pass) return;
    problem(tc, "failure", fmt::format("{} (observed: {})", v.detail, r.observed), "ExpectationFailed",
            fmt::format("{}:{}: expected {}\n{}\nobserved ({} probe results): {}\n", sc.file, e.loc.line, e.text,
                        v.detail, v.matched, r.observed));
    // GitLab shows only a testcase's own output: repeat the windows where they matter.
    std::string text = failure_lines(sc, summary, r.windows);
    if (e.kind == scenario::Expectation::Kind::PredictedWindows) text += prediction_lines(sc, summary.comparison);
    if (e.kind == scenario::Expectation::Kind::Monitor) text += monitors_terminal(summary);
    tc.append_child("system-out").text().set(xml_safe(text).c_str());
}

// The suite's own output: the run at a glance.
std::string suite_output(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    std::string out = fmt::format("{} ({})\nvirtual time {} + {}; {} zones on {} NSD servers; {} probe results\n",
                                  sc.name, sc.file, format_time(sc.start), format_duration(sc.duration),
                                  sc.zones.size(), summary.servers, summary.probe_results);
    out += failure_lines(sc, summary, summary.windows);
    out += prediction_lines(sc, summary.comparison);
    out += monitors_terminal(summary);
    if (!record.parent_agent.empty()) {
        out += "Parent agent (CDS/CDNSKEY scans):\n";
        for (const auto& d : record.parent_agent)
            out += fmt::format("  {} {} {}: {}{}\n", format_offset(d.offset), d.zone, d.verdict, d.reason,
                               d.ds_change_at ? "; DS change at " + format_offset(*d.ds_change_at) : std::string());
    }
    out += fmt::format("Result: {}, {:.1f} s wall clock\n", summary.pass ? "PASS" : "FAIL", summary.wall_seconds);
    return out;
}

// The suite of a batch's scenario whose run left no readable document: one <testcase> with an <error>.
void error_suite(pugi::xml_node suites, const JunitPart& part)
{
    auto suite = testsuite(suites, part.file, part.file);
    set_counts(suite, 1, 0, 1, part.wall_seconds);
    auto tc = testcase(suite, "run", part.file, seconds_attr(part.wall_seconds));
    const std::string message = part.error.empty() ? "the run wrote no report" : part.error;
    problem(tc, "error", message, "RunError", message);
}

}  // namespace

std::string junit_report(const scenario::Scenario& sc, const runner::RunRecord& record, const RunSummary& summary)
{
    // A run that stopped early (its signer died) is one more testcase, in error.
    const int errors = summary.stopped ? 1 : 0;
    const int tests = static_cast<int>(summary.expectations.size()) + errors;
    const int failures = summary.expectations_failed();
    pugi::xml_document doc;
    auto suites = testsuites(doc);
    set_counts(suites, tests, failures, errors, summary.wall_seconds);
    auto suite = testsuite(suites, sc.name, sc.file);
    set_counts(suite, tests, failures, errors, summary.wall_seconds);
    // The expectations are judged together, from one run: each testcase gets an even share of its
    // wall clock, so that readers that add up testcases (GitLab) show the run's real duration, and
    // those that read the suite's own time (Jenkins) show the same.
    const double share = tests > 0 ? summary.wall_seconds / tests : 0;
    for (const auto& r : summary.expectations) expectation_case(suite, sc, summary, r, share);
    if (summary.stopped)
        problem(testcase(suite, "run", sc.file, seconds_attr(0)), "error", summary.stopped_headline(sc), "RunStopped",
                summary.stopped->reason);
    suite.append_child("system-out").text().set(xml_safe(suite_output(sc, record, summary)).c_str());
    return to_text(doc);
}

std::string junit_combine(const std::vector<JunitPart>& parts)
{
    pugi::xml_document doc;
    auto suites = testsuites(doc);
    int tests = 0, failures = 0, errors = 0;
    double time = 0;
    for (const auto& part : parts) {
        pugi::xml_document one;
        bool copied = false;
        if (!part.xml.empty() && one.load_string(part.xml.c_str())) {
            for (auto suite : one.child("testsuites").children("testsuite")) {
                suites.append_copy(suite);
                tests += suite.attribute("tests").as_int();
                failures += suite.attribute("failures").as_int();
                errors += suite.attribute("errors").as_int();
                time += suite.attribute("time").as_double();
                copied = true;
            }
        }
        if (copied) continue;
        error_suite(suites, part);
        tests += 1;
        errors += 1;
        time += part.wall_seconds;
    }
    set_counts(suites, tests, failures, errors, time);
    return to_text(doc);
}

}  // namespace rollsim::report
