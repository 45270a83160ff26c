#include "report/junit_report.hpp"

#include "report/outcome_summary.hpp"
#include "report/predicted.hpp"

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

}  // namespace

std::string junit_report(const scenario::Scenario& sc, const runner::RunRecord& record,
                         const std::vector<Verdict>& verdicts, const std::vector<FailureWindow>& windows,
                         const std::vector<rollover::PredictedWindow>& predicted)
{
    int failures = 0;
    for (const auto& v : verdicts) failures += v.pass ? 0 : 1;

    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto suites = doc.append_child("testsuites");
    suites.append_attribute("name") = "rollsim";
    set_counts(suites, static_cast<int>(verdicts.size()), failures, 0, record.wall_seconds);

    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = xml_safe(sc.name).c_str();
    suite.append_attribute("file") = xml_safe(sc.file).c_str();
    set_counts(suite, static_cast<int>(verdicts.size()), failures, 0, record.wall_seconds);

    const auto comparison = compare_predictions(sc, predicted, windows);
    for (const auto& v : verdicts) {
        const auto& e = *v.expectation;
        auto tc = suite.append_child("testcase");
        tc.append_attribute("name") = one_line(fmt::format("line {}: {}", e.loc.line, e.text)).c_str();
        tc.append_attribute("classname") = xml_safe(sc.file).c_str();
        tc.append_attribute("time") = "0";
        if (v.pass) continue;
        const std::string observed = tally_outcomes(applicable_observations(sc, e, record.observations));
        auto failure = tc.append_child("failure");
        failure.append_attribute("message") = one_line(fmt::format("{} (observed: {})", v.detail, observed)).c_str();
        failure.append_attribute("type") = "ExpectationFailed";
        std::string body = fmt::format("{}:{}: expected {}\n{}\nobserved ({} probe results): {}\n", sc.file,
                                       e.loc.line, e.text, v.detail, v.matched, observed);
        failure.text().set(xml_safe(body).c_str());
        // GitLab shows only a testcase's own output: repeat the windows where they matter.
        std::vector<FailureWindow> relevant;
        for (const auto& w : windows)
            if ((!e.query || *e.query == w.query) && (e.resolver.empty() || e.resolver == w.resolver))
                relevant.push_back(w);
        std::string text = window_lines(sc, relevant);
        if (e.kind == scenario::Expectation::Kind::PredictedWindows) text += prediction_lines(sc, comparison);
        tc.append_child("system-out").text().set(xml_safe(text).c_str());
    }

    std::string out = fmt::format("{} ({})\nvirtual time {} + {}; {} zones on {} NSD servers; {} probe results\n",
                                  sc.name, sc.file, format_time(sc.start), format_duration(sc.duration),
                                  sc.zones.size(), record.servers, record.observations.size());
    out += window_lines(sc, windows);
    out += prediction_lines(sc, comparison);
    if (!record.parent_agent.empty()) {
        out += "Parent agent (CDS/CDNSKEY scans):\n";
        for (const auto& d : record.parent_agent)
            out += fmt::format("  {} {} {}: {}{}\n", format_offset(d.offset), d.zone, d.verdict, d.reason,
                               d.ds_change_at ? "; DS change at " + format_offset(*d.ds_change_at) : std::string());
    }
    out += fmt::format("Result: {}, {:.1f} s wall clock\n", failures ? "FAIL" : "PASS", record.wall_seconds);
    suite.append_child("system-out").text().set(xml_safe(out).c_str());
    return to_text(doc);
}

std::string junit_combine(const std::vector<JunitPart>& parts)
{
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto suites = doc.append_child("testsuites");
    suites.append_attribute("name") = "rollsim";
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
        auto suite = suites.append_child("testsuite");
        suite.append_attribute("name") = xml_safe(part.file).c_str();
        suite.append_attribute("file") = xml_safe(part.file).c_str();
        set_counts(suite, 1, 0, 1, part.wall_seconds);
        auto tc = suite.append_child("testcase");
        tc.append_attribute("name") = "run";
        tc.append_attribute("classname") = xml_safe(part.file).c_str();
        tc.append_attribute("time") = seconds_attr(part.wall_seconds).c_str();
        const std::string message = part.error.empty() ? "the run wrote no report" : part.error;
        auto error = tc.append_child("error");
        error.append_attribute("message") = one_line(message).c_str();
        error.append_attribute("type") = "RunError";
        error.text().set(xml_safe(message).c_str());
        tests += 1;
        errors += 1;
        time += part.wall_seconds;
    }
    set_counts(suites, tests, failures, errors, time);
    return to_text(doc);
}

}  // namespace rollsim::report
