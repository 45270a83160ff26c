#include "cli/run.hpp"

#include "cli/lab_dir.hpp"
#include "core/files.hpp"
#include "lab/namespace.hpp"
#include "lab/tools.hpp"
#include "prepare/prepared.hpp"
#include "report/evaluate.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/terminal.hpp"
#include "rollover/planner.hpp"
#include "runner/runner.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rollsim::cli {

namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;  // set by SIGINT/SIGTERM, polled between instants

void on_signal(int) { g_interrupted = 1; }

// A report that cannot be written ends the run: the user asked for it.
void write_report(const fs::path& path, const std::string& text)
{
    if (auto error = rollsim::write_file_atomically(path, text)) throw Fatal(ExitCode::Internal, *error);
}

// "scenarios/faults/ds-missing.yaml" -> "scenarios-faults-ds-missing"
std::string report_name(const std::string& file)
{
    std::string out = fs::path(file).lexically_normal().replace_extension().string();
    std::replace(out.begin(), out.end(), '/', '-');
    while (!out.empty() && (out.front() == '.' || out.front() == '-')) out.erase(out.begin());
    return out;
}

struct Options {
    fs::path report_json;
    fs::path report_junit, report_markdown, report_html;
    fs::path lab_dir;
    bool keep_lab = false;
    bool quiet = false;
    bool progress = false;
    bool every_format = false;  // batch children: write every format next to the JSON report
};

// --report-dir: every format next to the JSON report (name.json, name.xml, name.md, name.html).
void every_format(Options& opt, const fs::path& json)
{
    opt.report_json = json;
    opt.report_junit = fs::path(json).replace_extension(".xml");
    opt.report_markdown = fs::path(json).replace_extension(".md");
    opt.report_html = fs::path(json).replace_extension(".html");
}

void write_reports(const Options& opt, const prepare::PreparedScenario& prepared, const runner::RunRecord& record,
                   const std::vector<report::Verdict>& verdicts, const std::vector<report::FailureWindow>& windows)
{
    const auto& sc = prepared.scenario;
    const auto& predicted = prepared.predicted;
    if (!opt.report_json.empty())
        write_report(opt.report_json, report::json_report(sc, record, verdicts, windows, predicted).dump(2) + "\n");
    if (!opt.report_junit.empty())
        write_report(opt.report_junit, report::junit_report(sc, record, verdicts, windows, predicted));
    if (!opt.report_markdown.empty())
        write_report(opt.report_markdown, report::markdown_report(sc, record, verdicts, windows, predicted));
    if (!opt.report_html.empty())
        write_report(opt.report_html, report::html_report(sc, record, verdicts, windows, predicted));
}

// Runs one prepared scenario in this process: enters fresh namespaces (so the process cannot
// run another lab afterwards), plays it, reports. Returns 0 or 1.
int run_in_this_process(const prepare::PreparedScenario& prepared, const lab::Tools& tools, const Options& opt)
{
    const scenario::Scenario& sc = prepared.scenario;
    // The rollover lint's findings (overrides below an RFC 7583 minimum), before anything runs.
    if (!opt.quiet && !sc.rollovers.empty()) {
        std::ostringstream lint;
        rollover::print_lint(lint, sc, prepared.plans);
        if (!lint.str().empty()) std::cout << lint.str() << std::endl;
    }
    LabDir dir(opt.lab_dir, opt.keep_lab);
    lab::enter_isolated_namespaces();

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);

    runner::RunOptions options;
    options.lab_dir = dir.path();
    options.interrupted = [] { return g_interrupted != 0; };
    if (opt.progress)
        options.on_progress = [](const runner::Progress& p) {
            std::cerr << "\r\x1b[K" << report::progress_line(p) << std::flush;
        };
    runner::RunRecord record = runner::run_scenario(sc, tools, options);
    if (opt.progress) std::cerr << "\r\x1b[K";

    auto verdicts = report::evaluate(sc, record.observations, prepared.predicted);
    auto windows = report::failure_windows(record.observations);
    bool pass = std::all_of(verdicts.begin(), verdicts.end(), [](const auto& v) { return v.pass; });

    write_reports(opt, prepared, record, verdicts, windows);
    if (!opt.quiet)
        report::print_summary(std::cout, sc, record, verdicts, windows, prepared.predicted,
                              {.colour = static_cast<bool>(isatty(STDOUT_FILENO))});
    else
        std::cout << (pass ? "PASS " : "FAIL ") << sc.file << "\n";
    if (dir.kept()) std::cerr << "lab directory kept: " << dir.path().string() << "\n";
    return static_cast<int>(pass ? ExitCode::Ok : ExitCode::ExpectationFailed);
}

struct Job {
    const prepare::PreparedScenario* prepared;
    fs::path report;  // JSON the child writes
    fs::path log;     // the child's output
    pid_t pid = -1;
    int status = -1;
};

// The child of a batch: output to its log, dies with the parent, one lab, exit status.
[[noreturn]] void child_main(const Job& job, const lab::Tools& tools, const Options& base, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(static_cast<int>(ExitCode::Interrupted));
    std::freopen(job.log.c_str(), "w", stdout);
    std::freopen(job.log.c_str(), "a", stderr);
    int code;
    try {
        Options opt = base;
        opt.report_json = job.report;
        if (base.every_format) every_format(opt, job.report);
        opt.quiet = false;
        opt.progress = false;
        code = run_in_this_process(*job.prepared, tools, opt);
    } catch (const Fatal& e) {
        std::cerr << "rollsim: " << e.what() << "\n";
        code = static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "rollsim: internal error: " << e.what() << "\n";
        code = static_cast<int>(ExitCode::Internal);
    }
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(code);
}

std::string last_line(const fs::path& file)
{
    std::ifstream in(file);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty()) last = line;
    return last;
}

// --report-dir of a batch: DIR/junit.xml with every scenario's testsuite, DIR/summary.md.
template <typename Jobs>
void write_batch_reports(const fs::path& dir, const Jobs& jobs, double wall, int parallel)
{
    std::vector<report::JunitPart> parts;
    std::vector<report::MarkdownBatchRow> rows;
    for (const auto& job : jobs) {
        nlohmann::json json;
        try {
            if (fs::exists(job.report)) json = nlohmann::json::parse(std::ifstream(job.report));
        } catch (const std::exception&) {
        }
        const fs::path xml = fs::path(job.report).replace_extension(".xml");
        const fs::path md = fs::path(job.report).replace_extension(".md");
        std::string error;
        if (job.status == -1) error = "not run (interrupted)";
        else if (job.status > 1) error = fmt::format("exit status {}: {}", job.status, last_line(job.log));
        std::ifstream in(xml);
        std::string xml_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        parts.push_back({job.prepared->scenario.file, job.status == 0 || job.status == 1 ? xml_text : "", error, 0});
        rows.push_back(report::markdown_batch_row(job.prepared->scenario.file, job.status, json, error));
        if (fs::exists(md)) rows.back().report = md.filename().string();
    }
    write_report(dir / "junit.xml", report::junit_combine(parts));
    write_report(dir / "summary.md", report::markdown_batch_summary(rows, wall, parallel));
}

// The summary table of a batch, one row per scenario from its JSON report, and the count.
// Returns the worst exit status among them: 1 or 3 as the child had it, any other failure 4.
int print_batch_table(const std::vector<Job>& jobs, int parallel, double wall)
{
    int worst = 0, passed = 0, failed = 0;
    std::cout << fmt::format("\n{:<58} {:<6} {:>8} {:>14} {:>8}\n", "scenario", "result", "failures", "first failure",
                             "wall s");
    for (const auto& job : jobs) {
        std::string result, first = "-", windows = "-", secs = "-";
        if (job.status == 0 || job.status == 1) {
            try {
                std::ifstream in(job.report);
                auto report = nlohmann::json::parse(in);
                windows = std::to_string(report["failure_windows"].size());
                if (!report["first_failure_s"].is_null())
                    first = format_offset(Seconds(report["first_failure_s"].get<long long>()));
                secs = fmt::format("{:.1f}", report["run"]["wall_clock_s"].get<double>());
            } catch (const std::exception&) {
            }
        }
        switch (job.status) {
        case 0: result = "PASS"; break;
        case 1: result = "FAIL"; break;
        case -1: result = "SKIP"; break;
        default: result = fmt::format("ERR {}", job.status);
        }
        (job.status == 0 ? passed : failed) += 1;
        const std::string& file = job.prepared->scenario.file;
        std::cout << fmt::format("{:<58} {:<6} {:>8} {:>14} {:>8}\n", file, result, windows, first, secs);
        if (job.status > 1) std::cout << "    " << last_line(job.log) << "\n";
        if (job.status == 1 || job.status == 3) worst = std::max(worst, job.status);
        else if (job.status != 0) worst = std::max(worst, static_cast<int>(ExitCode::Internal));
    }
    std::cout << fmt::format("\n{} passed, {} failed ({} scenarios, {} at a time, {:.1f} s)\n", passed, failed,
                             jobs.size(), parallel, wall);
    return worst;
}

int run_batch(const std::vector<prepare::PreparedScenario>& scenarios, const lab::Tools& tools, const RunArgs& args)
{
    LabDir work("", false);  // reports and logs of the children, unless --report-dir keeps them
    fs::path out_dir = args.report_dir.empty() ? work.path() : fs::path(args.report_dir);
    if (!args.report_dir.empty()) fs::create_directories(out_dir);

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::vector<Job> jobs;
    for (const auto& prepared : scenarios) {
        std::string name = report_name(prepared.scenario.file);
        jobs.push_back({&prepared, out_dir / (name + ".json"), out_dir / (name + ".log")});
    }
    Options base;
    base.keep_lab = args.keep_lab;
    base.every_format = !args.report_dir.empty();

    const pid_t self = getpid();
    std::size_t next = 0, running = 0, done = 0;
    std::map<pid_t, Job*> by_pid;
    const auto started = std::chrono::steady_clock::now();
    while (done < jobs.size()) {
        while (!g_interrupted && running < static_cast<std::size_t>(std::max(1, args.jobs)) && next < jobs.size()) {
            Job& job = jobs[next++];
            std::fflush(nullptr);
            pid_t pid = fork();
            if (pid < 0) throw Fatal(ExitCode::Internal, "fork failed");
            if (pid == 0) child_main(job, tools, base, self);
            job.pid = pid;
            by_pid[pid] = &job;
            ++running;
        }
        if (running == 0) break;  // interrupted before everything started
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) {
                for (auto& [p, j] : by_pid) kill(p, SIGTERM);  // children stop cleanly on SIGTERM
                continue;
            }
            break;
        }
        auto it = by_pid.find(pid);
        if (it == by_pid.end()) continue;
        it->second->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        by_pid.erase(it);
        --running;
        ++done;
        if (!args.quiet)
            std::cerr << fmt::format("[{}/{}] {} {}\n", done, jobs.size(),
                                     it->second->status == 0 ? "PASS" : "FAIL", it->second->prepared->scenario.file);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    const int worst = print_batch_table(jobs, args.jobs, wall);
    if (!args.report_dir.empty()) {
        write_batch_reports(out_dir, jobs, wall, args.jobs);
        std::cout << "reports and logs in " << out_dir.string() << " (junit.xml, summary.md)\n";
    }
    if (g_interrupted) return static_cast<int>(ExitCode::Interrupted);
    return worst;
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs)
{
    std::vector<std::string> out;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::recursive_directory_iterator(in))
                if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
                    found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            if (found.empty()) throw ScenarioError(in, 0, 0, "no scenario files (*.yaml) in this directory");
            out.insert(out.end(), found.begin(), found.end());
        } else if (fs::exists(in, ec)) {
            out.push_back(in);
        } else {
            throw ScenarioError(in, 0, 0, "no such file or directory");
        }
    }
    return out;
}

int run(const RunArgs& args)
{
    // Everything that can be checked without a lab is checked first: exit 2 and 3 leave
    // nothing behind.
    const auto files = expand_inputs(args.inputs);
    std::vector<prepare::PreparedScenario> scenarios;
    int invalid = 0;
    for (const auto& f : files) {
        try {
            scenarios.push_back(prepare::load_scenario(f));
        } catch (const ScenarioError& e) {
            if (files.size() == 1) throw;
            std::cerr << "rollsim: " << e.what() << "\n";
            ++invalid;
        }
    }
    if (invalid) return static_cast<int>(ExitCode::InvalidScenario);
    for (const auto& [flag, value] : {std::pair{"--report-json", &args.report_json}, {"--report-junit", &args.report_junit},
                                      {"--report-markdown", &args.report_markdown}, {"--report-html", &args.report_html}})
        if (scenarios.size() > 1 && !value->empty())
            throw ScenarioError(*value, 0, 0, fmt::format("{} takes one scenario; use --report-dir DIR for several", flag));
    if (scenarios.size() > 1 && !args.lab_dir.empty())
        throw ScenarioError(args.lab_dir, 0, 0, "--lab-dir takes one scenario; use --keep-lab for several");
    lab::Tools tools = lab::Tools::locate();

    if (scenarios.size() == 1) {
        Options opt;
        if (!args.report_dir.empty()) {
            fs::create_directories(args.report_dir);
            every_format(opt, fs::path(args.report_dir) / (report_name(scenarios[0].scenario.file) + ".json"));
        }
        // A file named for one format takes precedence over --report-dir's.
        for (auto [path, value] : {std::pair{&opt.report_json, &args.report_json}, {&opt.report_junit, &args.report_junit},
                                   {&opt.report_markdown, &args.report_markdown}, {&opt.report_html, &args.report_html}})
            if (!value->empty()) *path = *value;
        opt.lab_dir = args.lab_dir;
        opt.keep_lab = args.keep_lab;
        opt.quiet = args.quiet;
        opt.progress = isatty(STDERR_FILENO) && !args.quiet;
        return run_in_this_process(scenarios[0], tools, opt);
    }
    return run_batch(scenarios, tools, args);
}

}  // namespace rollsim::cli
