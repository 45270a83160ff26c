// rollsim: the command line. Parses arguments (cli/command_line.hpp) and maps every error to
// its exit status (core/error.hpp); `run` is in cli/run.cpp, `play` in cli/play.cpp.
#include "cli/command_line.hpp"
#include "cli/load.hpp"
#include "cli/merge.hpp"
#include "cli/scenario_list.hpp"
#include "cli/scenario_input.hpp"
#include "core/error.hpp"
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

// `rollsim plan FILE...`: each scenario's rollover schedule and lint, before anything runs.
int cmd_plan(const std::vector<std::string>& inputs, const std::string& template_root)
{
    int status = 0;
    bool first = true;
    for (const auto& source : rollsim::cli::list_scenarios(inputs)) {
        try {
            const auto prepared = rollsim::cli::load_source(source, template_root);
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
        if (*cl->plan) return cmd_plan(cl->plan_inputs, cl->template_root);
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
