#include "cli/play.hpp"

#include "cli/lab_dir.hpp"
#include "cli/load.hpp"
#include "cli/play_progress.hpp"
#include "cli/signals.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "lab/namespace.hpp"
#include "lab/tools.hpp"
#include "monitor/status.hpp"
#include "report/markdown_report.hpp"
#include "report/event_text.hpp"
#include "report/outcome_text.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"
#include "runner/runner.hpp"
#include "scenario/names.hpp"
#include "scenario/parse.hpp"
#include "scenario/resolver_matrix.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

namespace rollsim::cli {

namespace fs = std::filesystem;

namespace {

// The label parse_event_fields gives injected faults (their SourceLoc::file).
constexpr const char* kInjected = "rollsim play";

const std::vector<std::string>& command_names()
{
    static const std::vector<std::string> names = {"next",  "advance", "inject", "repair",
                                                   "query", "status",  "help",   "quit"};
    return names;
}

constexpr const char* kHelp = R"(Commands:
  next                         play up to and including the next event: its narrative, then the answers
  advance DURATION             move virtual time forward (e.g. advance 2h, advance 1d30m), playing events on the way
  advance failure              play until a probe fails that did not fail before (at the latest to the scenario's end)
  inject FAULT [ZONE] [k=v..]  add a fault now, e.g. inject ds-digest-mismatch example.com. key=ksk
                               (parameters as in a scenario's timeline: key= server= type= name= offset=
                               validity= iterations= algorithm= until= say="..."; ZONE: the deepest zone)
  repair FAULT [ZONE]          end an injected or scheduled fault now
  query NAME TYPE [RESOLVER]   ask now (every resolver when none is named)
  status                       virtual time, keys and their states, faults in force, failure windows so far
  help                         this list
  quit                         end the exercise and write the transcript (end of input does the same))";

// "Example.COM" -> "example.com."
std::string absolute_name(const std::string& name)
{
    std::string out = to_lower(name);
    if (out.empty() || out.back() != '.') out += '.';
    return out;
}

// Words of a command line; "double quotes" keep spaces (say="The registrar ...").
std::optional<std::vector<std::string>> split_words(const std::string& line)
{
    std::vector<std::string> words;
    std::string word;
    bool quoted = false, in_word = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
            in_word = true;
        } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quoted) return std::nullopt;
    if (in_word) words.push_back(word);
    return words;
}

std::string key_state_text(const scenario::KeySpec& spec, const world::KeyState& s)
{
    std::string out = !s.published ? "not published" : s.active ? "published, signing" : "published, not signing";
    if (spec.role != scenario::KeyRole::Zsk) out += s.ds_at_parent ? ", DS at the parent" : ", no DS at the parent";
    return out;
}

bool in_force(const scenario::Event& ev, Seconds t) { return ev.at <= t && (!ev.until || *ev.until > t); }

std::string fence(const std::string& text)
{
    std::string body = text;
    while (!body.empty() && body.back() == '\n') body.pop_back();
    return "~~~text\n" + body + "\n~~~\n";
}

class Exercise {
public:
    Exercise(runner::Session& session, const std::vector<rollover::PredictedWindow>& predicted, std::ostream& out,
             bool echo, PlayProgress& progress)
        : m_session(session), m_sc(session.scenario()), m_predicted(predicted), m_out(out), m_echo(echo),
          m_progress(progress)
    {
    }

    bool echo() const { return m_echo; }
    bool over() const { return m_session.now() >= m_sc.duration; }

    // After Session::start(): who is in the lab, and the first answers.
    void begin()
    {
        std::vector<std::string> zones, resolvers, probes;
        for (const auto& z : m_sc.zones) zones.push_back(z.name + (z.implicit ? " (implicit)" : ""));
        for (const auto& r : m_sc.resolvers)
            resolvers.push_back(fmt::format("{} ({}, {})", r.name, scenario::to_string(r.kind),
                                            scenario::is_warm(r) ? "warm cache" : "cold"));
        for (const auto& q : m_sc.probes.queries) probes.push_back(q.text());
        std::ostringstream s;
        s << fmt::format("Tabletop exercise: {} ({})\n", m_sc.name, m_sc.file);
        if (!m_sc.description.empty()) s << "  " << m_sc.description << "\n";
        s << fmt::format("  virtual time {} + {}; zones {}\n", format_time(m_sc.start), format_duration(m_sc.duration),
                         join(zones, ", "));
        s << fmt::format("  resolvers {}\n  probes {}, every {}\n", join(resolvers, ", "), join(probes, ", "),
                         format_duration(m_sc.probes.every));
        s << fmt::format("  {} timeline event(s); type help for the commands\n", m_sc.timeline.size());
        std::ostringstream t;
        t << "# Tabletop exercise: " << m_sc.name << "\n\n";
        t << fmt::format("- Scenario: `{}`\n", m_sc.file);
        if (!m_sc.description.empty()) t << "- Description: " << m_sc.description << "\n";
        t << fmt::format("- Virtual time: {} + {}\n", format_time(m_sc.start), format_duration(m_sc.duration));
        t << fmt::format("- Zones: {}\n- Resolvers: {}\n- Probes: {}, every {}\n", join(zones, ", "),
                         join(resolvers, ", "), join(probes, ", "), format_duration(m_sc.probes.every));
        t << "\n## Session\n\n";
        m_transcript += t.str();
        m_out << s.str();

        std::ostringstream body;
        show_events(body, 0);
        std::vector<runner::Observation> first;
        for (const auto& o : m_session.record().observations)
            if (o.offset == m_session.now()) first.push_back(o);
        show_answers(body, first);
        m_events_seen = m_session.record().events.size();
        changes_on_the_way();  // takes note of the first answers
        section("start", narrative_since(0), body.str());
    }

    std::string prompt() const
    {
        std::string p = fmt::format("[{}] ", format_offset(m_session.now()));
        auto up = upcoming();
        if (!up.empty()) {
            p += fmt::format("next event {}: {}", format_offset(up.front().at), up.front().text);
            if (!up.front().say.empty()) p += fmt::format(" — \"{}\"", up.front().say);
            if (up.size() > 1) p += fmt::format(" (+{} more then)", up.size() - 1);
        } else {
            p += fmt::format("no more events; the scenario ends at {}", format_offset(m_sc.duration));
        }
        return p + "  > ";
    }

    // One command line; false when it ends the exercise.
    bool handle(const std::string& line)
    {
        auto words = split_words(line);
        if (!words) {
            error(line, "unterminated quote; close it with \"");
            return true;
        }
        if (words->empty()) return true;
        const std::string verb = to_lower(words->front());
        std::vector<std::string> args(words->begin() + 1, words->end());
        if (verb == "quit" || verb == "exit") {
            section("`" + line + "`", "", "");
            return false;
        }
        if (verb == "help") {
            emit(line, kHelp + std::string("\n"));
            return true;
        }
        if (verb == "next") return cmd_next(line, args), true;
        if (verb == "advance") return cmd_advance(line, args), true;
        if (verb == "inject") return cmd_inject(line, args), true;
        if (verb == "repair") return cmd_repair(line, args), true;
        if (verb == "query") return cmd_query(line, args), true;
        if (verb == "status") return cmd_status(line, args), true;
        error(line, fmt::format("unknown command '{}'{}; type help for the commands", words->front(),
                                scenario::did_you_mean(verb, command_names())));
        return true;
    }

    // The summary: failure windows and the scenario's expectations on what was observed.
    void finish(const std::string& why)
    {
        const report::RunSummary& summary = summary_so_far();
        const std::string when = fmt::format("{} ({})", format_offset(m_session.now()),
                                             format_time(m_sc.start + m_session.now()));
        std::ostringstream s;
        s << fmt::format("\nThe exercise ended at {}: {}.\n", when, why);
        s << "\nFailure windows\n";
        if (summary.windows.empty()) s << "  none: every probe of every resolver succeeded\n";
        for (const auto& w : summary.windows) {
            s << report::window_line(w, "now", w.what);
            if (!w.reason.empty()) s << fmt::format("  {:<6} {:<28} {}\n", "", "", w.reason);
        }
        s << "\nExpectations of the scenario, on what was observed\n";
        if (summary.expectations.empty()) s << "  none\n";
        for (const auto& e : summary.expectations)
            s << report::verdict_lines(e.verdict, e.verdict.pass ? "PASS" : "FAIL");
        m_out << s.str();

        m_transcript += fmt::format("\n## Summary\n\nThe exercise ended at {}: {}. {} probe results, {} commands.\n",
                                    when, why, summary.probe_results, m_commands);
        m_transcript += transcript_windows(summary) + transcript_expectations(summary);
        m_transcript += "\nExpectations are the scenario file's; injected faults and the stretch of time the exercise "
                        "covered change what they see.\n";
    }

    const std::string& transcript() const { return m_transcript; }

private:
    struct Upcoming {
        Seconds at;
        std::string text;
        std::string say;
    };

    // The session so far, analysed as a whole run is, on the span the exercise covered: a
    // failure still open lasts until now, and so does a predicted window at the most. Valid
    // until the next call.
    const report::RunSummary& summary_so_far()
    {
        m_observed = m_sc;
        m_observed.duration = m_session.now();
        std::vector<rollover::PredictedWindow> predicted = m_predicted;
        for (auto& p : predicted) p.until = std::min(p.until, m_observed.duration);
        m_summary = report::summarize(m_observed, predicted, m_session.record());
        return m_summary;
    }

    // A section of the transcript's summary: `heading`, then a table of `head` over `rows`, or
    // `none` without rows.
    static std::string transcript_table(const std::string& heading, const std::string& none, const std::string& head,
                                        const std::vector<std::string>& rows)
    {
        if (rows.empty()) return heading + none;
        std::string t = heading + head;
        for (const auto& r : rows) t += r;
        return t;
    }

    static std::string transcript_windows(const report::RunSummary& summary)
    {
        std::vector<std::string> rows;
        for (const auto& w : summary.windows)
            rows.push_back(fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", report::markdown_cell(w.resolver),
                                       report::markdown_cell(w.query.text()), format_offset(w.start),
                                       w.end ? format_offset(*w.end) : std::string("still failing"), w.probes,
                                       report::markdown_cell(w.what), report::markdown_cell(w.reason)));
        return transcript_table("\n### Failure windows\n\n", "None: every probe of every resolver succeeded.\n",
                                "| resolver | query | from | until | probes | answer | reason |\n"
                                "| --- | --- | --- | --- | --- | --- | --- |\n",
                                rows);
    }

    static std::string transcript_expectations(const report::RunSummary& summary)
    {
        std::vector<std::string> rows;
        for (const auto& [v, observed, windows] : summary.expectations)
            rows.push_back(fmt::format("| {} | {} | {} | {} | {} |\n", v.pass ? "PASS" : "FAIL", v.expectation->loc.line,
                                       report::markdown_cell(v.expectation->text), v.matched,
                                       report::markdown_cell(v.detail)));
        return transcript_table("\n### Expectations of the scenario, on what was observed\n\n",
                                "The scenario has no expectations.\n",
                                "| verdict | line | expectation | probe results | detail |\n"
                                "| --- | --- | --- | --- | --- |\n",
                                rows);
    }

    // What happens next: the first timeline events or fault ends after now, all at one instant.
    std::vector<Upcoming> upcoming() const
    {
        const Seconds now = m_session.now();
        std::optional<Seconds> first;
        for (const auto& ev : m_sc.timeline) {
            if (ev.at > now && (!first || ev.at < *first)) first = ev.at;
            if (ev.fault && ev.until && *ev.until > now && (!first || *ev.until < *first)) first = *ev.until;
        }
        std::vector<Upcoming> out;
        if (!first || *first > m_sc.duration) return out;
        for (const auto& ev : m_sc.timeline) {
            if (ev.at == *first) out.push_back({ev.at, report::describe_event(ev), ev.say});
            if (ev.fault && ev.until == first)
                out.push_back({*first, fmt::format("fault {} at {} ends", scenario::to_string(*ev.fault), ev.zone), ""});
        }
        return out;
    }

    // Output of one command: to the screen, and to the transcript with the command.
    void emit(const std::string& command, const std::string& text, const std::string& narrative = "")
    {
        m_out << text << std::flush;
        section("`" + command + "`", narrative, text);
    }

    void error(const std::string& command, const std::string& message)
    {
        emit(command, "error: " + message + "\n");
    }

    void section(const std::string& title, const std::string& narrative, const std::string& body)
    {
        if (title != "start") ++m_commands;
        m_transcript += fmt::format("### {} — {}\n\n", format_offset(m_command_time), title);
        if (!narrative.empty()) m_transcript += narrative + "\n";
        if (!body.empty()) m_transcript += fence(body) + "\n";
        m_command_time = m_session.now();
    }

    // The `say:` texts of the timeline events recorded since index `from`, as Markdown quotes,
    // each once (see first_telling).
    std::string narrative_since(std::size_t from) const
    {
        std::string out;
        const auto& events = m_session.record().events;
        std::set<std::pair<Seconds, std::string>> told;
        for (std::size_t i = from; i < events.size(); ++i)
            if (first_telling(events[i], told)) out += fmt::format("> **{}** {}\n", format_offset(events[i].offset), events[i].say);
        return out;
    }

    // Whether `e` carries a narrative not yet in `told` (then added). A planned rollover step
    // is one timeline event per action (publish, activate, DS add, ...), all with the step's
    // narrative: it is told once per instant.
    static bool first_telling(const runner::EventRecord& e, std::set<std::pair<Seconds, std::string>>& told)
    {
        return !e.say.empty() && told.insert({e.offset, e.say}).second;
    }

    // The events recorded since index `from` (the signer's routine work aside), narrative included.
    void show_events(std::ostream& s, std::size_t from) const
    {
        const auto& events = m_session.record().events;
        std::set<std::pair<Seconds, std::string>> told;
        for (std::size_t i = from; i < events.size(); ++i) {
            const auto& e = events[i];
            if (e.source == runner::EventRecord::Source::Signer) continue;
            s << fmt::format("  {:>10}  {}\n", format_offset(e.offset), report::event_text(e));
            if (first_telling(e, told)) s << fmt::format("  {:>10}  \"{}\"\n", "", e.say);
        }
    }

    void show_answers(std::ostream& s, const std::vector<runner::Observation>& obs) const
    {
        if (obs.empty()) return;
        s << fmt::format("Answers at {} ({}):\n", format_offset(obs.front().offset),
                         format_time(m_sc.start + obs.front().offset));
        for (const auto& o : obs)
            s << fmt::format("  {:<6} {:<28} {}\n", o.resolver, o.query.text(), report::answer_text(o));
    }

    // The events since the last command and the answers now: what next, advance, inject and
    // repair show.
    void report_change(const std::string& command, const std::vector<runner::Observation>& obs,
                       const std::string& preface = "", const std::string& note = "")
    {
        std::ostringstream s;
        s << preface;
        const std::size_t from = m_events_seen;
        show_events(s, from);
        const std::string changes = changes_on_the_way();
        if (!changes.empty()) s << "Changes on the way:\n" << changes;
        const std::string alerts = monitor_changes();
        if (!alerts.empty()) s << "Monitors:\n" << alerts;
        s << note;
        show_answers(s, obs);
        m_events_seen = m_session.record().events.size();
        if (over()) s << fmt::format("The scenario ends here ({}).\n", format_offset(m_sc.duration));
        emit(command, s.str(), narrative_since(from));
    }

    // The probe results that differed from the previous one of the same resolver and query,
    // among those recorded since the last call, before now: what an advance went through.
    std::string changes_on_the_way()
    {
        const auto& obs = m_session.record().observations;
        std::string out;
        for (; m_observations_seen < obs.size(); ++m_observations_seen) {
            const auto& o = obs[m_observations_seen];
            const std::string label = report::outcome_label(o);
            auto [it, fresh] = m_last_label.try_emplace(probe_key(o), label);
            if (fresh || it->second == label) continue;
            if (o.offset < m_session.now())
                out += fmt::format("  {:>10}  {:<6} {:<28} {} -> {}\n", format_offset(o.offset), o.resolver,
                                   o.query.text(), it->second, label);
            it->second = label;
        }
        return out;
    }

    // Each monitor's first status and every change of it (docs/monitoring.md), among the checks
    // recorded since the last call.
    std::string monitor_changes()
    {
        const auto& checks = m_session.record().monitor_checks;
        std::string out;
        for (; m_monitor_checks_seen < checks.size(); ++m_monitor_checks_seen) {
            const auto& c = checks[m_monitor_checks_seen];
            auto [it, fresh] = m_monitor_status.try_emplace(c.monitor, c.status);
            if (!fresh && it->second == c.status) continue;
            out += fmt::format("  {:>10}  {:<10} {}{}  {}\n", format_offset(c.offset), c.monitor,
                               fresh ? "" : std::string(monitor::to_string(it->second)) + " -> ",
                               monitor::to_string(c.status), c.line);
            it->second = c.status;
        }
        return out;
    }

    void cmd_next(const std::string& line, const std::vector<std::string>& args)
    {
        if (!args.empty()) return error(line, "next takes no arguments; use advance DURATION to move by a duration");
        auto up = upcoming();
        const Seconds target = up.empty() ? m_sc.duration : up.front().at;
        std::string preface = up.empty() ? fmt::format("No more events: playing to the end ({}).\n",
                                                       format_offset(m_sc.duration))
                                         : "";
        report_change(line, advance_to(target), preface);
    }

    // Session::advance_to(target), probing `target`, with the progress shown on the way.
    std::vector<runner::Observation> advance_to(Seconds target)
    {
        ProgressShown shown(m_progress, target);
        return m_session.advance_to(target, true);
    }

    // PlayProgress::begin() until the end of the scope, however it ends.
    struct ProgressShown {
        ProgressShown(PlayProgress& p, Seconds target) : progress(p) { progress.begin(target); }
        ~ProgressShown() { progress.end(); }
        ProgressShown(const ProgressShown&) = delete;
        ProgressShown& operator=(const ProgressShown&) = delete;
        PlayProgress& progress;
    };

    void cmd_advance(const std::string& line, const std::vector<std::string>& args)
    {
        if (args.size() == 1 && to_lower(args[0]) == "failure") return advance_to_failure(line);
        std::optional<Seconds> d = args.size() == 1 ? parse_duration(args[0]) : std::nullopt;
        if (!d || d->count() <= 0) {
            const std::string hint = args.size() == 1 ? scenario::did_you_mean(to_lower(args[0]), {"failure"}) : "";
            return error(line, "advance takes one duration longer than 0s, e.g. advance 2h, advance 1d30m, advance 90, "
                               "or failure: advance failure plays until a probe fails" +
                                   (hint.rfind(" (did you mean", 0) == 0 ? hint : ""));
        }
        Seconds target = m_session.now() + *d;
        std::string preface;
        if (target > m_sc.duration) {
            preface = fmt::format("The scenario ends at {}: advancing to there.\n", format_offset(m_sc.duration));
            target = m_sc.duration;
        }
        report_change(line, advance_to(target), preface);
    }

    // `advance failure`: instant by instant, as far as the first probe that fails where the
    // previous probe of the same resolver and query did not (a failure window opens), or to
    // the end of the scenario.
    void advance_to_failure(const std::string& line)
    {
        std::map<std::string, bool> failing;  // "resolver qname TYPE" -> its last probe failed
        for (const auto& o : m_session.record().observations) failing[probe_key(o)] = o.failed();
        std::size_t seen = m_session.record().observations.size();
        std::optional<runner::Observation> first;
        std::vector<runner::Observation> at_stop;
        {
            ProgressShown shown(m_progress, m_sc.duration);
            while (!first && m_session.now() < m_sc.duration) {
                const Seconds t = m_session.next_stop();
                at_stop = m_session.advance_to(t, t == m_sc.duration);
                const auto& obs = m_session.record().observations;
                for (; seen < obs.size(); ++seen) {
                    bool& was = failing[probe_key(obs[seen])];
                    if (!first && obs[seen].failed() && !was) first = obs[seen];
                    was = obs[seen].failed();
                }
            }
        }
        const std::string note =
            first ? fmt::format("First failure at {}: {} {} {}\n", format_offset(first->offset), first->resolver,
                                first->query.text(), report::outcome_label(*first))
                  : fmt::format("No probe began to fail up to the end of the scenario ({}).\n",
                                format_offset(m_sc.duration));
        report_change(line, at_stop, "", note);
    }

    static std::string probe_key(const runner::Observation& o) { return o.resolver + " " + o.query.text(); }

    // The deepest zone the scenario lists (ties: the first listed).
    std::string default_zone() const
    {
        const scenario::ZoneSpec* best = nullptr;
        auto depth = [](const std::string& n) { return n == "." ? 0 : std::count(n.begin(), n.end(), '.'); };
        for (const auto& z : m_sc.zones)
            if (!best || depth(z.name) > depth(best->name)) best = &z;
        return best->name;
    }

    void cmd_inject(const std::string& line, const std::vector<std::string>& args)
    {
        if (args.empty())
            return error(line, "inject needs a fault, e.g. inject ds-digest-mismatch example.com. (the faults: " +
                                   join(scenario::vocabulary().faults, ", ") + ")");
        std::string zone;
        std::vector<std::pair<std::string, std::string>> params;
        for (std::size_t i = 1; i < args.size(); ++i) {
            const auto eq = args[i].find('=');
            if (eq == std::string::npos) {
                if (!zone.empty())
                    return error(line, fmt::format("'{}': inject takes FAULT [ZONE] [key=value ...]; write parameters "
                                                   "as key=value, e.g. server=ns2", args[i]));
                zone = args[i];
                continue;
            }
            std::string name = to_lower(args[i].substr(0, eq)), value = args[i].substr(eq + 1);
            if (name == "zone" && zone.empty()) {
                zone = value;
                continue;
            }
            if (name == "at")
                return error(line, "inject adds the fault now; advance first to inject later, and give until= to "
                                   "end it at a set time");
            params.push_back({name, value});
        }
        if (zone.empty()) zone = default_zone();
        std::vector<std::pair<std::string, std::string>> fields = {
            {"at", format_offset(m_session.now())}, {"fault", args[0]}, {"zone", zone}};
        fields.insert(fields.end(), params.begin(), params.end());
        scenario::Event ev;
        try {
            ev = scenario::parse_event_fields(m_sc, fields, kInjected);
        } catch (const ScenarioError& e) {
            return error(line, e.message());
        }
        if (!ev.fault) return error(line, "inject adds faults; the scenario's actions (do:) are played by next");
        m_session.inject(ev);
        report_change(line, m_session.probe());
    }

    void cmd_repair(const std::string& line, const std::vector<std::string>& args)
    {
        if (args.empty() || args.size() > 2) return error(line, "repair takes FAULT [ZONE], e.g. repair ds-digest-mismatch example.com.");
        const std::string name = to_lower(args[0]);
        const auto& faults = scenario::vocabulary().faults;
        if (std::find(faults.begin(), faults.end(), name) == faults.end())
            return error(line, fmt::format("unknown fault '{}'{}", args[0], scenario::did_you_mean(name, faults)));
        const std::optional<scenario::FaultKind> kind = scenario::from_string<scenario::FaultKind>(name);
        std::vector<std::string> zones;  // where this fault is in force now
        std::vector<std::string> active;
        for (const auto& ev : m_sc.timeline)
            if (ev.fault && in_force(ev, m_session.now())) {
                active.push_back(fmt::format("{} at {}", scenario::to_string(*ev.fault), ev.zone));
                if (*ev.fault == *kind && std::find(zones.begin(), zones.end(), ev.zone) == zones.end())
                    zones.push_back(ev.zone);
            }
        std::string zone = args.size() == 2 ? absolute_name(args[1]) : "";
        if (zone.empty() && zones.size() == 1) zone = zones.front();
        if (zone.empty() && zones.size() > 1)
            return error(line, fmt::format("{} is in force in {}: name the zone, e.g. repair {} {}", name,
                                           join(zones, ", "), name, zones.front()));
        if (zone.empty() || std::find(zones.begin(), zones.end(), zone) == zones.end())
            return error(line, fmt::format("no {} fault is in force{} now (in force: {})", name,
                                           zone.empty() ? "" : " at " + zone,
                                           active.empty() ? "none" : join(active, ", ")));
        m_session.repair(*kind, zone);
        report_change(line, m_session.probe());
    }

    void cmd_query(const std::string& line, const std::vector<std::string>& args)
    {
        if (args.size() < 2 || args.size() > 3)
            return error(line, "query takes NAME TYPE [RESOLVER], e.g. query www.example.com. A warm");
        const std::string type = to_upper(args[1]);
        const auto& types = scenario::vocabulary().record_types;
        if (std::find(types.begin(), types.end(), type) == types.end())
            return error(line, fmt::format("unknown record type '{}'{}", args[1], scenario::did_you_mean(type, types)));
        std::string resolver;
        if (args.size() == 3) {
            std::vector<std::string> names;
            for (const auto& r : m_sc.resolvers) names.push_back(r.name);
            resolver = to_lower(args[2]);
            if (std::find(names.begin(), names.end(), resolver) == names.end())
                return error(line, fmt::format("resolver '{}' is not defined{}", args[2],
                                               scenario::did_you_mean(resolver, names)));
        }
        std::ostringstream s;
        show_answers(s, m_session.query(absolute_name(args[0]), type, resolver));
        emit(line, s.str());
    }

    void cmd_status(const std::string& line, const std::vector<std::string>& args)
    {
        if (!args.empty()) return error(line, "status takes no arguments");
        const Seconds now = m_session.now();
        const auto& world = m_session.world();
        std::ostringstream s;
        s << fmt::format("Virtual time {} ({}); the scenario ends at {}\n", format_offset(now),
                         format_time(m_sc.start + now), format_offset(m_sc.duration));
        s << "Keys\n";
        for (const auto& z : world.zones()) {
            s << fmt::format("  {}{}{}\n", z.spec->name, z.spec->implicit ? " (implicit)" : "",
                             world.signer_running(z, now) ? "" : " — signer stopped");
            for (const auto& k : z.keys)
                s << fmt::format("    {:<10} {} tag {:<5} alg {:<3} {}\n", k.spec->name,
                                 to_upper(scenario::to_string(k.spec->role)), k.key.keytag(),
                                 static_cast<int>(k.key.algorithm()), key_state_text(*k.spec, world.key_state(z, k, now)));
        }
        s << "Faults in force\n";
        bool any = false;
        for (const auto& ev : m_sc.timeline)
            if (ev.fault && in_force(ev, now)) {
                any = true;
                s << fmt::format("  {} since {}{}{}\n", report::describe_event(ev), format_offset(ev.at),
                                 ev.loc.file == kInjected ? " (injected)" : "",
                                 ev.until ? "" : ", until repaired");
            }
        if (!any) s << "  none\n";
        s << "Failure windows so far\n";
        const auto& windows = summary_so_far().windows;
        if (windows.empty()) s << "  none\n";
        for (const auto& w : windows) s << report::window_line(w, "now", w.what);
        emit(line, s.str());
    }

    runner::Session& m_session;
    const scenario::Scenario& m_sc;  // the session's copy: injected faults included
    const std::vector<rollover::PredictedWindow>& m_predicted;  // for the scenario as loaded
    scenario::Scenario m_observed;   // m_sc ending now: what summary_so_far() judges
    report::RunSummary m_summary;    // its last result, whose verdicts point into m_observed
    std::ostream& m_out;
    bool m_echo;
    PlayProgress& m_progress;  // shown while next and advance move virtual time
    std::string m_transcript;
    std::size_t m_events_seen = 0;
    std::size_t m_observations_seen = 0;
    std::size_t m_monitor_checks_seen = 0;
    std::map<std::string, monitor::Status> m_monitor_status;  // each monitor's last status shown
    std::map<std::string, std::string> m_last_label;  // "resolver qname TYPE" -> its last probe result
    Seconds m_command_time{0};  // virtual time when the command being handled was typed
    int m_commands = 0;
};

// The transcript's path, checked writable: fail before the lab starts, not after the exercise.
fs::path transcript_path(const PlayArgs& args)
{
    const fs::path transcript = args.transcript.empty()
                                    ? fs::path(fs::path(args.scenario).stem().string() + "-transcript.md")
                                    : fs::path(args.transcript);
    std::ofstream probe(transcript, std::ios::app);
    if (!probe) throw Fatal(ExitCode::Internal, "cannot write the transcript " + transcript.string());
    return transcript;
}

// Prompts and handles commands until the exercise ends; returns why it ended.
std::string command_loop(Exercise& ex, std::istream& in, std::ostream& out)
{
    while (!ex.over()) {
        out << ex.prompt() << std::flush;
        std::string line;
        if (!std::getline(in, line)) {
            out << "\n";
            return stop_requested() ? "interrupted" : "end of input";
        }
        if (ex.echo()) out << line << "\n";
        if (!ex.handle(line)) return "quit";
        if (stop_requested()) return "interrupted";
    }
    return "the scenario's duration was reached";
}

}  // namespace

int play(const PlayArgs& args, std::istream& in, std::ostream& out)
{
    prepare::PreparedScenario loaded = load_scenario(args.scenario, args.template_root);
    // Expectations that name resolver kinds are judged as `run` judges them: only for those kinds.
    scenario::apply_expectation_kinds(loaded.scenario);
    const fs::path transcript = transcript_path(args);
    lab::Tools tools = lab::Tools::locate();
    LabDir dir(args.lab_dir, args.keep_lab);
    lab::enter_isolated_namespaces();
    catch_stop_signals();

    PlayProgress progress(std::cerr, isatty(STDERR_FILENO), loaded.scenario.start);
    runner::RunOptions options;
    options.lab_dir = dir.path();
    options.interrupted = [] { return stop_requested(); };
    options.on_progress = [&progress](const runner::Progress& p) { progress.instant(p); };
    runner::Session session(loaded.scenario, tools, options);
    Exercise ex(session, loaded.predicted, out, !isatty(STDIN_FILENO), progress);

    std::string why;
    std::optional<LabError> lab_error;
    try {
        session.start();
        ex.begin();
        why = command_loop(ex, in, out);
    } catch (const LabError& e) {
        why = std::string("the lab failed: ") + e.what();
        lab_error = e;
    } catch (const Fatal& e) {
        if (e.code() != ExitCode::Interrupted) throw;
        why = "interrupted";
    }
    ex.finish(why);
    if (auto error = write_file_atomically(transcript, ex.transcript()))
        throw Fatal(ExitCode::Internal, "cannot write the transcript: " + *error);
    out << "\nTranscript: " << transcript.string() << "\n";
    if (dir.kept()) std::cerr << "lab directory kept: " << dir.path().string() << "\n";
    if (lab_error) throw *lab_error;
    return static_cast<int>(why == "interrupted" ? ExitCode::Interrupted : ExitCode::Ok);
}

}  // namespace rollsim::cli
