// rollsim: the command line. Parses arguments (cli/command_line.hpp) and maps every error to
// its exit status (core/error.hpp); `run` is in cli/run.cpp, `play` in cli/play.cpp.
#include "cli/command_line.hpp"
#include "cli/load.hpp"
#include "cli/merge.hpp"
#include "cli/scenario_list.hpp"
#include "cli/scenario_input.hpp"
#include "core/error.hpp"
#include "report/plan_json.hpp"
#include "rollover/planner.hpp"

#include <iostream>

namespace {

int cmd_check(const std::vector<std::string>& inputs, const std::string& template_root)
{
    int status = 0;
    for (const auto& source : rollsim::cli::list_scenarios(inputs)) {
        try {
            const auto sc = rollsim::cli::load_source(source, template_root).scenario;
            std::cout << source.key() << ": valid (" << sc.zones.size() << " zones, " << sc.timeline.size() << " events, "
                      << sc.expectations.size() << " expectations)\n";
        } catch (const rollsim::ScenarioError& e) {
            std::cerr << "rollsim: " << e.what() << "\n";
            status = static_cast<int>(rollsim::ExitCode::InvalidScenario);
        }
    }
    return status;
}

// `rollsim plan FILE...`: each scenario's rollover schedule and lint, before anything runs; as
// one JSON document with --json; with --strict, exit 1 when the lint has a finding (a scenario
// error still wins: 2).
int cmd_plan(const rollsim::cli::CommandLine& cl)
{
    int status = 0;
    bool first = true, findings = false;
    std::vector<nlohmann::json> documents;
    for (const auto& source : rollsim::cli::list_scenarios(cl.plan_inputs)) {
        try {
            const auto prepared = rollsim::cli::load_source(source, cl.template_root);
            findings = findings || rollsim::report::has_findings(prepared.scenario, prepared.plans);
            if (cl.plan_json) {
                documents.push_back(rollsim::report::plan_json(prepared.scenario, prepared.plans));
                continue;
            }
            if (!first) std::cout << "\n";
            first = false;
            rollsim::rollover::print_plan(std::cout, prepared.scenario, prepared.plans);
        } catch (const rollsim::ScenarioError& e) {
            std::cerr << "rollsim: " << e.what() << "\n";
            status = static_cast<int>(rollsim::ExitCode::InvalidScenario);
        }
    }
    if (cl.plan_json) std::cout << rollsim::report::plan_document(std::move(documents)).dump(2) << "\n";
    if (status == 0 && cl.plan_strict && findings) status = static_cast<int>(rollsim::ExitCode::ExpectationFailed);
    return status;
}

// --help and --version: 0; a command or option not understood: the likely one, exit 2.
int parse_error(const CLI::App& app, const CLI::ParseError& e)
{
    const std::string unknown = rollsim::cli::unknown_word_message(app, e);
    if (!unknown.empty()) {
        std::cerr << "rollsim: " << unknown << "\n";
        return static_cast<int>(rollsim::ExitCode::InvalidScenario);
    }
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(rollsim::ExitCode::InvalidScenario);
}

}  // namespace

int main(int argc, char** argv)
{
    auto cl = rollsim::cli::make_command_line();
    try {
        cl->app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return parse_error(cl->app, e);
    }

    try {
        cl->run_args.template_root = cl->play_args.template_root = cl->sweep_args.template_root = cl->template_root;
        cl->sweep_args.sweep = true;
        if (*cl->run) return rollsim::cli::run(cl->run_args);
        if (*cl->sweep) return rollsim::cli::run(cl->sweep_args);
        if (*cl->merge) return rollsim::cli::merge(cl->merge_args);
        if (*cl->check) return cmd_check(cl->check_inputs, cl->template_root);
        if (*cl->plan) return cmd_plan(*cl);
        if (*cl->play) return rollsim::cli::play(cl->play_args, std::cin, std::cout);
    } catch (const rollsim::Fatal& e) {
        std::cerr << "rollsim: " << e.what() << "\n";
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "rollsim: internal error: " << e.what() << "\n";
        return static_cast<int>(rollsim::ExitCode::Internal);
    }
    return 0;
}
