// rollsim's command line as data: the subcommands, their options and help (examples and exit
// statuses included), and what it says when an argument is not understood: the command or
// option that was probably meant, with the scenario parser's edit distance
// (scenario::did_you_mean). cli/main.cpp parses with it; the man page and the shell completions
// are generated from its --help (scripts/cli-docs).
#pragma once

#include "cli/merge.hpp"
#include "cli/play.hpp"
#include "cli/run.hpp"

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace rollsim::cli {

struct CommandLine {
    CLI::App app{"", "rollsim"};
    CLI::App* run = nullptr;
    CLI::App* check = nullptr;
    CLI::App* plan = nullptr;
    CLI::App* play = nullptr;
    CLI::App* sweep = nullptr;
    CLI::App* merge = nullptr;
    RunArgs run_args;
    RunArgs sweep_args;  // `sweep` runs like `run` (RunArgs::sweep)
    MergeArgs merge_args;
    PlayArgs play_args;
    std::vector<std::string> check_inputs;
    std::vector<std::string> plan_inputs;
    bool plan_json = false;    // plan --json: the plans as one JSON document (report/plan_json.hpp)
    bool plan_strict = false;  // plan --strict: exit 1 when the lint has a finding
    std::string template_root;  // every subcommand's --template-root
};

// A fresh command line (CLI::App is neither copied nor moved: hence the pointer).
std::unique_ptr<CommandLine> make_command_line();

// The one line for an argument CLI11 refused, naming what was probably meant:
// "unknown command 'runn'; did you mean 'run'?", "unknown option '--report-jsn' for 'rollsim
// run'; did you mean '--report-json'?". Empty when the error is not about an unknown word
// (CLI11's own message then says what is wrong).
std::string unknown_word_message(const CLI::App& app, const CLI::ParseError& error);

}  // namespace rollsim::cli
