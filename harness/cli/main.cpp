// rollsim: the command line. Parses arguments, validates the scenario before anything is
// started, builds the lab inside fresh namespaces, runs, reports, and maps every error to its
// exit status (core/error.hpp).
#include "cli/lab_dir.hpp"
#include "core/error.hpp"
#include "lab/namespace.hpp"
#include "lab/tools.hpp"
#include "report/evaluate.hpp"
#include "report/json_report.hpp"
#include "report/terminal.hpp"
#include "runner/runner.hpp"
#include "scenario/parse.hpp"

#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <unistd.h>

namespace {

volatile std::sig_atomic_t g_interrupted = 0;  // set by SIGINT/SIGTERM, polled between instants

void on_signal(int) { g_interrupted = 1; }

struct RunArgs {
    std::string scenario;
    std::string report_json;
    std::string lab_dir;
    bool keep_lab = false;
    bool quiet = false;
};

void write_file_atomically(const std::string& path, const std::string& text)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::trunc);
        f << text;
        if (!f) throw rollsim::Fatal(rollsim::ExitCode::Internal, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw rollsim::Fatal(rollsim::ExitCode::Internal, "cannot write " + path);
}

int cmd_run(const RunArgs& args)
{
    using namespace rollsim;
    // Everything that can be checked without a lab is checked first: exit 2 and 3 leave
    // nothing behind.
    scenario::Scenario sc = scenario::parse_scenario(args.scenario);
    lab::Tools tools = lab::Tools::locate();
    cli::LabDir dir(args.lab_dir, args.keep_lab);
    lab::enter_isolated_namespaces();

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);

    const bool tty = isatty(STDERR_FILENO) && !args.quiet;
    runner::RunOptions options;
    options.lab_dir = dir.path();
    options.interrupted = [] { return g_interrupted != 0; };
    if (tty)
        options.on_progress = [](const runner::Progress& p) {
            std::cerr << "\r\x1b[K" << report::progress_line(p) << std::flush;
        };
    runner::RunRecord record = runner::run_scenario(sc, tools, options);
    if (tty) std::cerr << "\r\x1b[K";

    auto verdicts = report::evaluate(sc, record.observations);
    auto windows = report::failure_windows(record.observations);
    bool pass = true;
    for (const auto& v : verdicts) pass = pass && v.pass;

    if (!args.report_json.empty())
        write_file_atomically(args.report_json, report::json_report(sc, record, verdicts, windows).dump(2) + "\n");
    if (!args.quiet)
        report::print_summary(std::cout, sc, record, verdicts, windows,
                              {.colour = static_cast<bool>(isatty(STDOUT_FILENO))});
    else
        std::cout << (pass ? "PASS " : "FAIL ") << sc.file << "\n";
    if (dir.kept()) std::cerr << "lab directory kept: " << dir.path().string() << "\n";
    return static_cast<int>(pass ? ExitCode::Ok : ExitCode::ExpectationFailed);
}

int cmd_check(const std::string& file)
{
    auto sc = rollsim::scenario::parse_scenario(file);
    std::cout << file << ": valid (" << sc.zones.size() << " zones, " << sc.timeline.size() << " events, "
              << sc.expectations.size() << " expectations)\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"rollsim: DNSSEC fault-injection and key-rollover simulation with real NSD and Unbound"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("rollsim ") + ROLLSIM_VERSION);

    RunArgs run_args;
    auto* run = app.add_subcommand("run", "Run a scenario in a private lab and check its expectations");
    run->add_option("scenario", run_args.scenario, "Scenario file (YAML)")->required();
    run->add_option("--report-json", run_args.report_json, "Write the JSON report to this file");
    run->add_option("--lab-dir", run_args.lab_dir, "Build the lab in this directory and keep it");
    run->add_flag("--keep-lab", run_args.keep_lab, "Keep the temporary lab directory (configs, zones, logs)");
    run->add_flag("-q,--quiet", run_args.quiet, "Print only PASS/FAIL and errors");

    std::string check_file;
    auto* check = app.add_subcommand("check", "Validate a scenario file without running it");
    check->add_option("scenario", check_file, "Scenario file (YAML)")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : static_cast<int>(rollsim::ExitCode::InvalidScenario);
    }

    try {
        if (*run) return cmd_run(run_args);
        if (*check) return cmd_check(check_file);
    } catch (const rollsim::Fatal& e) {
        std::cerr << "rollsim: " << e.what() << "\n";
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "rollsim: internal error: " << e.what() << "\n";
        return static_cast<int>(rollsim::ExitCode::Internal);
    }
    return 0;
}
