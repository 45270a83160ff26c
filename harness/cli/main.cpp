// rollsim: the command line. Parses arguments and maps every error to its exit status
// (core/error.hpp); `run` is in cli/run.cpp.
#include "cli/play.hpp"
#include "cli/run.hpp"
#include "core/error.hpp"
#include "prepare/prepared.hpp"
#include "rollover/planner.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace {

int cmd_check(const std::vector<std::string>& inputs, const std::string& template_root)
{
    int status = 0;
    for (const auto& file : rollsim::cli::expand_inputs(inputs)) {
        try {
            const auto sc = rollsim::prepare::load_scenario(file, template_root).scenario;
            std::cout << file << ": valid (" << sc.zones.size() << " zones, " << sc.timeline.size() << " events, "
                      << sc.expectations.size() << " expectations)\n";
        } catch (const rollsim::ScenarioError& e) {
            std::cerr << "rollsim: " << e.what() << "\n";
            status = static_cast<int>(rollsim::ExitCode::InvalidScenario);
        }
    }
    return status;
}

// `rollsim plan FILE...`: each scenario's rollover schedule and lint, before anything runs.
int cmd_plan(const std::vector<std::string>& inputs, const std::string& template_root)
{
    int status = 0;
    bool first = true;
    for (const auto& file : rollsim::cli::expand_inputs(inputs)) {
        try {
            const auto prepared = rollsim::prepare::load_scenario(file, template_root);
            if (!first) std::cout << "\n";
            first = false;
            rollsim::rollover::print_plan(std::cout, prepared.scenario, prepared.plans);
        } catch (const rollsim::ScenarioError& e) {
            std::cerr << "rollsim: " << e.what() << "\n";
            status = static_cast<int>(rollsim::ExitCode::InvalidScenario);
        }
    }
    return status;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"rollsim: DNSSEC fault-injection and key-rollover simulation with real NSD and Unbound"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("rollsim ") + ROLLSIM_VERSION);

    rollsim::cli::RunArgs run_args;
    auto* run = app.add_subcommand("run", "Run scenarios in private labs and check their expectations");
    run->add_option("scenarios", run_args.inputs, "Scenario files (YAML) or directories of them")->required();
    run->add_option("-j,--jobs", run_args.jobs, "Scenarios to run at the same time, each in its own lab")
        ->check(CLI::Range(1, 64));
    run->add_option("--report-json", run_args.report_json, "Write the JSON report to this file (one scenario)");
    run->add_option("--report-junit", run_args.report_junit, "Write a JUnit XML report to this file (one scenario)");
    run->add_option("--report-markdown", run_args.report_markdown, "Write a Markdown summary to this file (one scenario)");
    run->add_option("--report-html", run_args.report_html, "Write a self-contained HTML report to this file (one scenario)");
    run->add_option("--report-dir", run_args.report_dir,
                    "Write every report format (and, for several, a log) per scenario here; for several, also "
                    "junit.xml and summary.md");
    run->add_option("--lab-dir", run_args.lab_dir, "Build the lab in this directory and keep it (one scenario)");
    run->add_flag("--keep-lab", run_args.keep_lab, "Keep the lab directories (configs, zones, logs)");
    run->add_flag("-q,--quiet", run_args.quiet, "Print only PASS/FAIL and errors");
    run->add_option("--resolvers", run_args.resolvers,
                    "Ask every daemon resolver as each of these kinds: all, or a list such as unbound,bind "
                    "(docs/resolvers.md)");

    std::vector<std::string> check_inputs;
    auto* check = app.add_subcommand("check", "Validate scenario files without running them");
    check->add_option("scenarios", check_inputs, "Scenario files (YAML) or directories of them")->required();

    std::vector<std::string> plan_inputs;
    auto* plan = app.add_subcommand("plan", "Print the rollover schedule (RFC 7583 intervals) and its lint");
    plan->add_option("scenarios", plan_inputs, "Scenario files (YAML) or directories of them")->required();

    rollsim::cli::PlayArgs play_args;
    auto* play = app.add_subcommand("play", "Play a scenario as a tabletop exercise, driven by commands from stdin");
    play->add_option("scenario", play_args.scenario, "The scenario file (YAML)")->required();
    play->add_option("--transcript", play_args.transcript,
                     "Write the Markdown transcript here (default: <scenario>-transcript.md in the current directory)");
    play->add_option("--lab-dir", play_args.lab_dir, "Build the lab in this directory and keep it");
    play->add_flag("--keep-lab", play_args.keep_lab, "Keep the lab directory (configs, zones, logs)");

    // Templates are read only below this directory (scenario/parse.hpp): the scenario's own
    // repository unless given.
    std::string template_root;
    for (auto* sub : {run, check, plan, play})
        sub->add_option("--template-root", template_root,
                        "Read zone templates only below this directory (default: the scenario's repository, "
                        "the nearest directory above it holding .git; docs/scenario-format.md)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : static_cast<int>(rollsim::ExitCode::InvalidScenario);
    }

    try {
        run_args.template_root = play_args.template_root = template_root;
        if (*run) return rollsim::cli::run(run_args);
        if (*check) return cmd_check(check_inputs, template_root);
        if (*plan) return cmd_plan(plan_inputs, template_root);
        if (*play) return rollsim::cli::play(play_args, std::cin, std::cout);
    } catch (const rollsim::Fatal& e) {
        std::cerr << "rollsim: " << e.what() << "\n";
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "rollsim: internal error: " << e.what() << "\n";
        return static_cast<int>(rollsim::ExitCode::Internal);
    }
    return 0;
}
