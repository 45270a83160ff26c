#include "cli/command_line.hpp"

#include "core/text.hpp"
#include "scenario/parse.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rollsim::cli {

namespace {

constexpr const char* kDescription =
    R"(rollsim: DNSSEC fault-injection and key-rollover simulation with real NSD and Unbound

Builds a private DNS world on this machine (a private root, the TLDs and your zones, each served
by real NSD servers), points real Unbound validators at it, and plays a scenario file in virtual
time: key rollovers, signer outages, broken DS records. It records what the resolvers answer
and the windows during which names fail, and checks the scenario's expectations.
)";

constexpr const char* kFooter = R"(Examples:
  rollsim run scenarios/basics/zsk-swap-no-prepublish.yaml
  rollsim run scenarios -j 2 --quiet --report-dir reports
  rollsim check my-rollover.yaml
  rollsim plan scenarios/rollovers/zsk-prepublish.yaml
  rollsim run scenarios -j 2 --shard 2/3 --report-dir shard-2
  rollsim merge shard-1 shard-2 shard-3 -o reports
  rollsim sweep scenarios/sweeps/ksk-double-ds-timing.yaml -j 2 --report-dir sweep
  printf 'next\nadvance failure\nquit\n' | rollsim play exercise.yaml

Exit status:
  0    every expectation held (play: the exercise ended)
  1    an expectation did not hold (plan --strict: the lint has a finding)
  2    the command line or a scenario is invalid; nothing was started
  3    the lab could not start, e.g. a program is missing
  4    internal error
  5    merge: a listed scenario is missing from the shards, or ran in two
  130  interrupted

Environment:
  ROLLSIM_NSD, ROLLSIM_NSD_CONTROL, ROLLSIM_UNBOUND, ROLLSIM_LIBFAKETIME
       the programs and the library the lab uses, instead of those found on PATH
  CI_NODE_INDEX, CI_NODE_TOTAL; JOB_COMPLETION_INDEX, ROLLSIM_SHARD_TOTAL
       --shard auto: the shard of a GitLab parallel: job (1-based), else of a Kubernetes
       Indexed Job (0-based) out of ROLLSIM_SHARD_TOTAL (docs/scale-out.md)
  TMPDIR
       where lab directories are made (default /tmp)

Files:
  share/rollsim/scenarios, share/rollsim/zones, share/rollsim/schema
       below the installation prefix: the scenario catalog, its zone templates and the JSON
       Schema; a scenario there reads its templates from share/rollsim

See also:
  rollsim's guides in its documentation directory (share/doc/rollsim, or docs/ in the source):
  the scenario format, the faults, rollovers, the reports, tabletop exercises; nsd(8),
  unbound(8), unbound.conf(5).)";

constexpr const char* kInputs = "Scenario files (YAML) or directories of them";

// --shard and --shard-durations, of run and sweep (cli/shard.hpp).
void add_shard_options(CLI::App* sub, RunArgs& a)
{
    sub->add_option("--shard", a.shard,
                    "Run only this part of the list: shard I of N (1-based), or auto from CI_NODE_INDEX/CI_NODE_TOTAL "
                    "or JOB_COMPLETION_INDEX/ROLLSIM_SHARD_TOTAL; merge the report directories with rollsim merge")
        ->type_name("I/N|auto");
    sub->add_option("--shard-durations", a.shard_durations,
                    "Balance the shards by the wall clocks in an earlier run's or merge's index.json")
        ->type_name("FILE|DIR");
}

// `rollsim sweep FILE` and `rollsim merge DIR...` (cli/merge.hpp).
void add_sweep_merge(CommandLine& cl)
{
    auto& a = cl.sweep_args;
    auto* sweep = cl.app.add_subcommand("sweep", "Run every variant of a scenario's sweep: and tabulate failures against "
                                                 "its parameters");
    sweep->add_option("scenario", a.inputs, "The scenario file with a sweep: block")->required()->expected(1)->type_name("FILE");
    sweep->add_option("-j,--jobs", a.jobs, "Variants to run at the same time, each in its own lab (1 to 64)")
        ->check(CLI::Range(1, 64).description(""))
        ->type_name("N");
    sweep->add_option("--report-dir", a.report_dir, "Write every variant's reports, summary.md and index.html (the heat "
                                                    "map) here")
        ->type_name("DIR");
    sweep->add_flag("--keep-lab", a.keep_lab, "Keep the lab directories (configs, zones, logs)");
    sweep->add_flag("-q,--quiet", a.quiet, "Print only the tables and errors");
    add_shard_options(sweep, a);
    sweep->footer("Example:\n  rollsim sweep scenarios/sweeps/ksk-double-ds-timing.yaml -j 2 --report-dir sweep");
    cl.sweep = sweep;

    auto& m = cl.merge_args;
    auto* merge = cl.app.add_subcommand("merge", "Join the report directories of a list's shards into one");
    merge->add_option("shards", m.inputs, "Report directories of rollsim run --shard ... --report-dir")
        ->required()
        ->type_name("DIR");
    merge->add_option("-o,--output", m.output, "The joined report directory")->required()->type_name("DIR");
    merge->footer("Example:\n  rollsim merge shard-1 shard-2 shard-3 -o reports");
    cl.merge = merge;
}

void add_run(CommandLine& cl)
{
    auto& a = cl.run_args;
    auto* run = cl.app.add_subcommand("run", "Run scenarios in private labs and check their expectations");
    run->add_option("scenarios", a.inputs, kInputs)->required()->type_name("FILE|DIR");
    run->add_option("-j,--jobs", a.jobs, "Scenarios to run at the same time, each in its own lab (1 to 64)")
        ->check(CLI::Range(1, 64).description(""))
        ->type_name("N");
    run->add_option("--report-json", a.report_json, "Write the JSON report to this file (one scenario)")
        ->type_name("FILE");
    run->add_option("--report-junit", a.report_junit, "Write a JUnit XML report to this file (one scenario)")
        ->type_name("FILE");
    run->add_option("--report-markdown", a.report_markdown, "Write a Markdown summary to this file (one scenario)")
        ->type_name("FILE");
    run->add_option("--report-html", a.report_html, "Write a self-contained HTML report to this file (one scenario)")
        ->type_name("FILE");
    run->add_option("--report-dir", a.report_dir,
                    "Write every report format (and, for several, a log) per scenario here; for several, also "
                    "junit.xml and summary.md")
        ->type_name("DIR");
    run->add_option("--lab-dir", a.lab_dir, "Build the lab in this directory and keep it (one scenario)")
        ->type_name("DIR");
    run->add_flag("--keep-lab", a.keep_lab, "Keep the lab directories (configs, zones, logs)");
    run->add_flag("-q,--quiet", a.quiet, "Print only PASS/FAIL and errors");
    run->add_flag("-v,--verbose", a.verbose, "Print every failure window, not only one line per cause");
    run->add_option("--resolvers", a.resolvers,
                    "Ask every daemon resolver as each of these kinds: all, or a list such as unbound,bind; "
                    "add cold to ask the cold validator as a cold daemon of each kind too (docs/resolvers.md)")
        ->type_name("all|KIND,...");
    add_shard_options(run, a);
    run->footer("Examples:\n"
                "  rollsim run scenarios/basics/ds-digest-mismatch.yaml --report-html ds.html\n"
                "  rollsim run scenarios/faults -j 2 --report-dir reports");
    cl.run = run;
}

void add_check_plan_play(CommandLine& cl)
{
    cl.check = cl.app.add_subcommand("check", "Validate scenario files without running them");
    cl.check->add_option("scenarios", cl.check_inputs, kInputs)->required()->type_name("FILE|DIR");
    cl.check->footer("Example:\n  rollsim check scenarios");

    cl.plan = cl.app.add_subcommand("plan", "Print the rollover schedule (RFC 7583 intervals) and its lint");
    cl.plan->add_option("scenarios", cl.plan_inputs, kInputs)->required()->type_name("FILE|DIR");
    cl.plan->add_flag("--json", cl.plan_json, "Print the plans as one JSON document (docs/report-format.md)");
    cl.plan->add_flag("--strict", cl.plan_strict, "Exit 1 when the lint has a finding (for CI)");
    cl.plan->footer("Examples:\n  rollsim plan scenarios/rollovers/ksk-double-ds-too-short.yaml\n"
                    "  rollsim plan --json --strict scenarios/rollovers");

    auto& a = cl.play_args;
    auto* play = cl.app.add_subcommand("play", "Play a scenario as a tabletop exercise, driven by commands from stdin");
    play->add_option("scenario", a.scenario, "The scenario file (YAML)")->required()->type_name("FILE");
    play->add_option("--transcript", a.transcript,
                     "Write the Markdown transcript here (default: <scenario>-transcript.md in the current directory)")
        ->type_name("FILE");
    play->add_option("--lab-dir", a.lab_dir, "Build the lab in this directory and keep it")->type_name("DIR");
    play->add_flag("--keep-lab", a.keep_lab, "Keep the lab directory (configs, zones, logs)");
    play->footer("Commands on stdin:\n"
                 "  next, advance DURATION, advance failure, inject FAULT [ZONE] [key=value ...], repair FAULT [ZONE],\n"
                 "  query NAME TYPE [RESOLVER], status, help, quit (docs/tabletop.md)\n\n"
                 "Example:\n  printf 'next\\nadvance 10m\\nstatus\\nquit\\n' | rollsim play exercise.yaml");
    cl.play = play;
}

// "--report-json", "-j", ... of `app`, its help flag included.
std::vector<std::string> option_names(const CLI::App& app)
{
    std::vector<std::string> names;
    for (const auto* opt : app.get_options()) {
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    }
    return names;
}

// scenario::did_you_mean's " (did you mean 'x'?)" as "did you mean 'x'?".
std::string hint(const std::string& word, const std::vector<std::string>& candidates)
{
    std::string h = scenario::did_you_mean(word, candidates);
    if (h.size() > 3 && h.rfind(" (", 0) == 0 && h.back() == ')') h = h.substr(2, h.size() - 3);
    return h;
}

// An option `where` does not have: another command's (then that is said), or a likely typo.
std::string unknown_option(const CLI::App& app, const CLI::App& where, const std::string& name)
{
    const bool top = &where == &app;
    const std::string context = top ? "" : fmt::format(" for 'rollsim {}'", where.get_name());
    std::vector<std::string> owners;
    for (const auto* sub : app.get_subcommands(std::function<bool(const CLI::App*)>{})) {
        const auto names = option_names(*sub);
        if (sub != &where && std::find(names.begin(), names.end(), name) != names.end())
            owners.push_back(fmt::format("'rollsim {}'", sub->get_name()));
    }
    if (!owners.empty() && top)
        return fmt::format("unknown option '{}'; it is an option of {}: write it after the command", name,
                           join(owners, ", "));
    if (!owners.empty()) return fmt::format("unknown option '{}'{}; it is an option of {}", name, context, join(owners, ", "));
    return fmt::format("unknown option '{}'{}; {}", name, context, hint(name, option_names(where)));
}

}  // namespace

std::unique_ptr<CommandLine> make_command_line()
{
    auto cl = std::make_unique<CommandLine>();
    cl->app.description(kDescription);
    cl->app.footer(kFooter);
    cl->app.require_subcommand(1);
    cl->app.set_version_flag("--version", std::string("rollsim ") + ROLLSIM_VERSION);
    add_run(*cl);
    add_check_plan_play(*cl);
    add_sweep_merge(*cl);
    // Templates are read only below this directory (scenario/parse.hpp, cli/scenario_input.hpp).
    for (auto* sub : {cl->run, cl->check, cl->plan, cl->play, cl->sweep})
        sub->add_option("--template-root", cl->template_root,
                        "Read zone templates only below this directory (default: the scenario's repository, the "
                        "nearest directory above it holding .git; for a scenario of the installed catalog, "
                        "share/rollsim; docs/scenario-format.md)")
            ->type_name("DIR");
    return cl;
}

std::string unknown_word_message(const CLI::App& app, const CLI::ParseError& error)
{
    if (dynamic_cast<const CLI::Success*>(&error)) return "";
    const auto subs = app.get_subcommands();
    // A word the command did not take, else one rollsim itself did not (before the command).
    const CLI::App* where = subs.empty() ? &app : subs.front();
    auto extra = where->remaining();
    if (extra.empty() && where != &app) extra = (where = &app)->remaining();
    if (extra.empty()) return "";
    const std::string word = extra.front();
    if (word.size() > 1 && word[0] == '-') return unknown_option(app, *where, word.substr(0, word.find('=')));
    if (where != &app) return "";  // an argument too many: CLI11 says which
    std::vector<std::string> commands;
    for (const auto* sub : app.get_subcommands(std::function<bool(const CLI::App*)>{})) commands.push_back(sub->get_name());
    return fmt::format("unknown command '{}'; {}", word, hint(word, commands));
}

}  // namespace rollsim::cli
