#include "cli/run.hpp"

#include "cli/batch_output.hpp"
#include "cli/lab_dir.hpp"
#include "cli/scenario_list.hpp"
#include "cli/shard.hpp"
#include "cli/signals.hpp"
#include "cli/load.hpp"
#include "cli/terminal_width.hpp"
#include "core/files.hpp"
#include "lab/namespace.hpp"
#include "lab/tools.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/run_result.hpp"
#include "report/batch_index.hpp"
#include "report/summary.hpp"
#include "report/terminal.hpp"
#include "rollover/planner.hpp"
#include "runner/runner.hpp"
#include "scenario/resolver_matrix.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rollsim::cli {

namespace fs = std::filesystem;

namespace {

// How long children get to stop after the batch parent passed a signal on to them, before
// they are killed (their labs die with them): a cancelled CI job should end at once.
constexpr auto kStopGrace = std::chrono::milliseconds(800);

// A report that cannot be written ends the run: the user asked for it.
void write_report(const fs::path& path, const std::string& text)
{
    if (auto error = rollsim::write_file_atomically(path, text)) throw Fatal(ExitCode::Internal, *error);
}

// "scenarios/faults/ds-missing.yaml" -> "scenarios-faults-ds-missing"; a sweep variant's
// "scenarios/sweeps/x.yaml[ds-ttl=1h,delay=0s]" -> "scenarios-sweeps-x-ds-ttl-1h-delay-0s".
std::string report_name(const std::string& key)
{
    const auto values = key.ends_with(']') ? key.rfind('[') : std::string::npos;
    std::string out = fs::path(key.substr(0, values)).lexically_normal().replace_extension().string();
    if (values != std::string::npos) out += "-" + key.substr(values + 1, key.size() - values - 2);
    for (char& c : out)
        if (c == '/' || c == '=' || c == ',') c = '-';
    while (!out.empty() && (out.front() == '.' || out.front() == '-')) out.erase(out.begin());
    return out;
}

struct Options {
    fs::path report_json;
    fs::path report_junit, report_markdown, report_html;
    fs::path result;            // batch children: the run's report::RunResult, for the parent
    fs::path lab_dir;
    bool keep_lab = false;
    bool quiet = false;
    bool verbose = false;
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

void write_reports(const Options& opt, const scenario::Scenario& sc, const runner::RunRecord& record,
                   const report::RunSummary& summary)
{
    if (!opt.report_json.empty())
        write_report(opt.report_json, report::json_report(sc, record, summary).dump(2) + "\n");
    if (!opt.result.empty()) write_report(opt.result, report::to_text(report::run_result(sc, summary)));
    if (!opt.report_junit.empty()) write_report(opt.report_junit, report::junit_report(sc, record, summary));
    if (!opt.report_markdown.empty()) write_report(opt.report_markdown, report::markdown_report(sc, record, summary));
    if (!opt.report_html.empty()) write_report(opt.report_html, report::html_report(sc, record, summary));
}

// Plays the scenario in a fresh lab in `dir`, stopping early on SIGINT/SIGTERM.
runner::RunRecord play_in_lab(const scenario::Scenario& sc, const lab::Tools& tools, const Options& opt,
                              const LabDir& dir)
{
    lab::enter_isolated_namespaces();
    catch_stop_signals();

    runner::RunOptions options;
    options.lab_dir = dir.path();
    options.interrupted = [] { return stop_requested(); };
    if (opt.progress)
        options.on_progress = [](const runner::Progress& p) {
            std::cerr << "\r\x1b[K" << report::progress_line(p) << std::flush;
        };
    runner::RunRecord record = runner::run_scenario(sc, tools, options);
    if (opt.progress) std::cerr << "\r\x1b[K";
    return record;
}

// Runs one parsed scenario in this process: enters fresh namespaces (so the process cannot
// run another lab afterwards), plays it, reports. Returns 0 or 1.
int run_in_this_process(const prepare::PreparedScenario& loaded, const lab::Tools& tools, const Options& opt)
{
    const scenario::Scenario& sc = loaded.scenario;
    // The rollover lint's findings (overrides below an RFC 7583 minimum), before anything runs.
    if (!opt.quiet && !sc.rollovers.empty()) {
        std::ostringstream lint;
        rollover::print_lint(lint, sc, loaded.plans);
        if (!lint.str().empty()) std::cout << lint.str() << std::endl;
    }
    LabDir dir(opt.lab_dir, opt.keep_lab);
    const runner::RunRecord record = play_in_lab(sc, tools, opt, dir);
    const report::RunSummary summary = report::summarize(sc, loaded.predicted, record);

    write_reports(opt, sc, record, summary);
    if (!opt.quiet)
        report::print_summary(std::cout, sc, record, summary,
                              {.colour = static_cast<bool>(isatty(STDOUT_FILENO)),
                               .verbose = opt.verbose,
                               .width = terminal_width(STDOUT_FILENO)});
    else
        std::cout << (summary.pass ? "PASS " : "FAIL ") << sc.file << "\n";
    if (dir.kept()) std::cerr << "lab directory kept: " << dir.path().string() << "\n";
    // Reported, and still a broken lab: exit 3 with its message (docs/report-format.md).
    if (record.stopped) throw LabError(record.stopped->reason);
    return static_cast<int>(summary.pass ? ExitCode::Ok : ExitCode::ExpectationFailed);
}

// What a batch runs: its part of the listed entries (all of them without --shard), loaded.
struct Batch {
    std::vector<std::string> listed;                // every entry's key, in list order
    std::optional<report::ShardOfList> shard;
    std::vector<ScenarioSource> sources;            // this machine's part
    std::vector<prepare::PreparedScenario> scenarios;  // the same, loaded
};

// --shard: this machine's part of the list (cli/shard.hpp), balanced by --shard-durations.
Batch select_shard(std::vector<ScenarioSource> all, const RunArgs& args)
{
    Batch batch;
    for (const auto& s : all) batch.listed.push_back(s.key());
    if (args.shard.empty()) {
        if (!args.shard_durations.empty())
            throw ScenarioError("--shard-durations", 0, 0, "balances shards; give --shard I/N or --shard auto with it");
        batch.sources = std::move(all);
        return batch;
    }
    const ShardSpec spec = parse_shard(args.shard, process_environment());
    const auto seconds = args.shard_durations.empty() ? std::map<std::string, double>{} : load_durations(args.shard_durations);
    const std::vector<int> part = partition(batch.listed, spec.total, seconds);
    for (std::size_t i = 0; i < all.size(); ++i)
        if (part[i] == spec.index) batch.sources.push_back(std::move(all[i]));
    batch.shard = report::ShardOfList{spec.index, spec.total};
    return batch;
}

// `rollsim sweep FILE`: FILE is one file that declares a sweep (else the parser's error, or this one).
void check_sweep_input(const std::vector<ScenarioSource>& all, const RunArgs& args)
{
    if (!args.sweep) return;
    const std::string& file = args.inputs.front();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw ScenarioError(file, 0, 0, "rollsim sweep takes one scenario file");
    if (!all.empty() && all.front().variant) return;
    load_scenario(file, args.template_root);
    throw ScenarioError(file, 0, 0, "declares no sweep: block (docs/scenario-format.md, Sweeps); run it with rollsim run");
}

struct Job {
    const prepare::PreparedScenario* loaded;
    const ScenarioSource* source;
    fs::path report;  // the JSON report, with --report-dir
    fs::path result;  // the report::RunResult the child writes
    fs::path log;     // the child's output
    pid_t pid = -1;
    int status = -1;
    std::optional<report::RunResult> outcome = std::nullopt;  // read back from `result` once the child ended

    const std::string& file() const { return loaded->scenario.file; }
    bool finished() const { return status == 0 || status == 1; }  // passed or failed, not an error
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
        if (base.every_format) every_format(opt, job.report);
        opt.result = job.result;
        opt.quiet = false;
        opt.progress = false;
        code = run_in_this_process(*job.loaded, tools, opt);
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

// After an interrupt: every running child gets SIGTERM and kStopGrace to stop (it exits 130),
// then SIGKILL. Each is reaped and recorded as interrupted.
void stop_children(std::map<pid_t, Job*>& by_pid)
{
    for (auto& [pid, job] : by_pid) kill(pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    while (!by_pid.empty()) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            if (auto it = by_pid.find(pid); it != by_pid.end()) {
                it->second->status = static_cast<int>(ExitCode::Interrupted);
                by_pid.erase(it);
            }
            continue;
        }
        if (pid < 0 && errno != EINTR) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            for (auto& [p, job] : by_pid) kill(p, SIGKILL);
            for (auto& [p, job] : by_pid) {
                waitpid(p, &status, 0);
                job->status = static_cast<int>(ExitCode::Interrupted);
            }
            by_pid.clear();
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll interval of the deadline wait
    }
}

// Forks one child per job, `parallel` at a time, until all ended or an interrupt, which stops
// the running children at once (stop_children).
void run_jobs(std::vector<Job>& jobs, const lab::Tools& tools, const Options& base, int parallel, bool quiet)
{
    const pid_t self = getpid();
    std::size_t next = 0, running = 0, done = 0;
    std::map<pid_t, Job*> by_pid;
    while (done < jobs.size()) {
        while (!stop_requested() && running < static_cast<std::size_t>(std::max(1, parallel)) && next < jobs.size()) {
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
        if (stop_requested()) {      // a signal that came while no waitpid was waiting
            stop_children(by_pid);
            break;
        }
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno != EINTR) break;
            if (stop_requested()) {
                stop_children(by_pid);
                break;
            }
            continue;
        }
        auto it = by_pid.find(pid);
        if (it == by_pid.end()) continue;
        Job& job = *it->second;
        job.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        job.outcome = report::parse_run_result(read_text(job.result));
        by_pid.erase(it);
        --running;
        ++done;
        if (!quiet)
            std::cerr << fmt::format("[{}/{}] {} {}\n", done, jobs.size(), job.status == 0 ? "PASS" : "FAIL", job.file());
    }
}

// The batch's index: what ran of which list, and how each run ended.
report::BatchIndex batch_index(const std::vector<Job>& jobs, const Batch& batch, int parallel, double wall)
{
    report::BatchIndex index{batch.listed, batch.shard, {}, wall, parallel};
    for (const auto& job : jobs) {
        report::BatchEntry e{job.file(), {}, job.status, job.status > 1 ? last_line(job.log) : "", job.outcome, ""};
        if (job.source->variant) e.parameters = job.source->variant->values;
        e.report = job.report.stem().string();  // NAME.log always, NAME.json ... when it finished
        index.entries.push_back(std::move(e));
    }
    return index;
}

int run_batch(const Batch& batch, const lab::Tools& tools, const RunArgs& args)
{
    const auto& scenarios = batch.scenarios;
    LabDir work("", false);  // the children's results, and their logs unless --report-dir keeps them
    fs::path out_dir = args.report_dir.empty() ? work.path() : fs::path(args.report_dir);
    if (!args.report_dir.empty()) fs::create_directories(out_dir);

    catch_stop_signals();
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        std::string name = report_name(batch.sources[i].key());
        jobs.push_back({&scenarios[i], &batch.sources[i], out_dir / (name + ".json"),
                        work.path() / (name + ".result.json"), out_dir / (name + ".log")});
    }
    Options base;
    base.keep_lab = args.keep_lab;
    base.verbose = args.verbose;
    base.every_format = !args.report_dir.empty();

    const auto started = std::chrono::steady_clock::now();
    run_jobs(jobs, tools, base, args.jobs, args.quiet);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    const report::BatchIndex index = batch_index(jobs, batch, args.jobs, wall);
    const int worst = print_batch_table(std::cout, index);
    if (!args.report_dir.empty()) {
        write_batch_dir(out_dir, index);
        std::cout << "reports and logs in " << out_dir.string() << " (junit.xml, summary.md, index.json, index.html)\n";
    }
    if (stop_requested()) return static_cast<int>(ExitCode::Interrupted);
    return worst;
}

// Every file loaded before any lab starts. One invalid file among several: each error printed,
// then nullopt (exit 2).
std::optional<std::vector<prepare::PreparedScenario>> load_all(const std::vector<ScenarioSource>& sources,
                                                                const std::string& template_root)
{
    std::vector<prepare::PreparedScenario> out;
    int invalid = 0;
    for (const auto& source : sources) {
        try {
            out.push_back(load_source(source, template_root));
        } catch (const ScenarioError& e) {
            if (sources.size() == 1) throw;
            std::cerr << "rollsim: " << e.what() << "\n";
            ++invalid;
        }
    }
    if (invalid) return std::nullopt;
    return out;
}

// Options that name one file take one scenario.
void check_single_scenario_options(const RunArgs& args, std::size_t scenarios)
{
    if (scenarios <= 1) return;
    for (const auto& [flag, value] : {std::pair{"--report-json", &args.report_json}, {"--report-junit", &args.report_junit},
                                      {"--report-markdown", &args.report_markdown}, {"--report-html", &args.report_html}})
        if (!value->empty())
            throw ScenarioError(*value, 0, 0, fmt::format("{} takes one scenario; use --report-dir DIR for several", flag));
    if (!args.lab_dir.empty())
        throw ScenarioError(args.lab_dir, 0, 0, "--lab-dir takes one scenario; use --keep-lab for several");
}

Options single_run_options(const RunArgs& args, const scenario::Scenario& sc)
{
    Options opt;
    if (!args.report_dir.empty()) {
        fs::create_directories(args.report_dir);
        every_format(opt, fs::path(args.report_dir) / (report_name(sc.file) + ".json"));
    }
    // A file named for one format takes precedence over --report-dir's.
    for (auto [path, value] : {std::pair{&opt.report_json, &args.report_json}, {&opt.report_junit, &args.report_junit},
                               {&opt.report_markdown, &args.report_markdown}, {&opt.report_html, &args.report_html}})
        if (!value->empty()) *path = *value;
    opt.lab_dir = args.lab_dir;
    opt.keep_lab = args.keep_lab;
    opt.quiet = args.quiet;
    opt.verbose = args.verbose;
    opt.progress = isatty(STDERR_FILENO) && !args.quiet;
    return opt;
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
    auto all = list_scenarios(args.inputs);
    check_sweep_input(all, args);
    Batch batch = select_shard(std::move(all), args);
    auto prepared = load_all(batch.sources, args.template_root);
    if (!prepared) return static_cast<int>(ExitCode::InvalidScenario);
    batch.scenarios = std::move(*prepared);
    auto* scenarios = &batch.scenarios;
    if (!args.resolvers.empty()) {
        const auto kinds = scenario::resolver_matrix_from(args.resolvers, "--resolvers");
        for (auto& loaded : *scenarios) {
            // A file that names its kinds itself (resolvers: all) is asked as it says.
            if (!loaded.scenario.resolvers_as.kinds.empty()) continue;
            // Only the resolvers and the expectations change; the plans point into the rollovers.
            auto across = scenario::across_resolver_kinds(loaded.scenario, kinds);
            loaded.scenario.resolvers = std::move(across.resolvers);
            loaded.scenario.expectations = std::move(across.expectations);
        }
    }
    for (auto& loaded : *scenarios) scenario::apply_expectation_kinds(loaded.scenario);
    // A shard runs as a batch whatever its size, so that its report directory can be merged.
    const bool always_batch = batch.shard || args.sweep;
    check_single_scenario_options(args, always_batch ? 2 : scenarios->size());
    lab::Tools tools = lab::Tools::locate();
    if (scenarios->size() == 1 && !always_batch)
        return run_in_this_process(scenarios->front(), tools, single_run_options(args, scenarios->front().scenario));
    return run_batch(batch, tools, args);
}

}  // namespace rollsim::cli
