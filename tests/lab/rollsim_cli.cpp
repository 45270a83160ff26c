#include "rollsim_cli.hpp"

#include "lab/process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <future>
#include <fstream>
#include <regex>
#include <sstream>

#include <unistd.h>

namespace rollsim::test {

namespace fs = std::filesystem;

std::string repo_path(const std::string& relative) { return std::string(ROLLSIM_ROOT) + "/" + relative; }

// From the repository root, as the header says: scenario paths relative to it (the golden
// tests' "scenarios/...") then work whatever directory ctest runs the test in.
CliResult run_rollsim(const std::vector<std::string>& args, std::chrono::seconds deadline)
{
    return run_program_in(ROLLSIM_ROOT, ROLLSIM_BIN, args, deadline);
}

CliResult run_rollsim_with_input(const std::vector<std::string>& args, const std::string& input,
                                 std::chrono::seconds deadline)
{
    TempDir logs;
    write_file(logs / "stdin.txt", input);
    lab::ProcessSpec spec;
    spec.program = "/bin/sh";
    spec.args = {"-c", "cd \"$1\" && shift && cat \"$0\" | \"$@\"", (logs / "stdin.txt").string(), ROLLSIM_ROOT,
                 ROLLSIM_BIN};
    spec.args.insert(spec.args.end(), args.begin(), args.end());
    spec.log = logs / "rollsim.log";
    CliResult r;
    r.status = lab::run_command(spec, r.output, std::chrono::duration_cast<std::chrono::milliseconds>(deadline));
    return r;
}

CliResult run_program_in(const fs::path& cwd, const std::string& program, const std::vector<std::string>& args,
                         std::chrono::seconds deadline)
{
    TempDir logs;
    lab::ProcessSpec spec;
    spec.program = "/bin/sh";
    spec.args = {"-c", "cd \"$0\" && exec \"$@\"", cwd.string(), program};
    spec.args.insert(spec.args.end(), args.begin(), args.end());
    spec.log = logs / "program.log";
    CliResult r;
    r.status = lab::run_command(spec, r.output, std::chrono::duration_cast<std::chrono::milliseconds>(deadline));
    return r;
}

TempDir::TempDir()
{
    std::string templ = (fs::temp_directory_path() / "rollsim-test-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    m_path = templ;
}

TempDir::~TempDir()
{
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

std::string read_file(const fs::path& path)
{
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void write_file(const fs::path& path, const std::string& text)
{
    std::ofstream f(path, std::ios::trunc);
    f << text;
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_file(path)); }

std::vector<nlohmann::json> observations_of(const nlohmann::json& report, const std::string& resolver,
                                            const std::string& qname, const std::string& qtype)
{
    std::vector<nlohmann::json> out;
    for (const auto& o : report.at("observations"))
        if (o.at("resolver") == resolver && o.at("qname") == qname && o.at("qtype") == qtype) out.push_back(o);
    return out;
}

std::vector<nlohmann::json> windows_of(const nlohmann::json& report, const std::string& resolver)
{
    std::vector<nlohmann::json> out;
    for (const auto& w : report.at("failure_windows"))
        if (w.at("resolver") == resolver) out.push_back(w);
    return out;
}

nlohmann::json run_and_report(const std::string& scenario, int expected_status)
{
    TempDir dir;
    auto json_path = dir / "report.json";
    auto r = run_rollsim({"run", repo_path(scenario), "--report-json", json_path.string()});
    EXPECT_EQ(r.status, expected_status) << r.output;
    if (!std::filesystem::exists(json_path)) {
        ADD_FAILURE() << "no JSON report written\n" << r.output;
        return nlohmann::json::object();
    }
    return read_json(json_path);
}

void expect_every_expectation_passed(const nlohmann::json& report)
{
    ASSERT_TRUE(report.contains("expectations"));
    EXPECT_FALSE(report["expectations"].empty());
    for (const auto& e : report["expectations"]) EXPECT_EQ(e["verdict"], "pass") << e.dump();
    EXPECT_EQ(report["result"], "pass");
}

std::vector<std::string> processes_mentioning(const std::string& needle)
{
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmdline = read_file(entry.path() / "cmdline");
        for (auto& c : cmdline)
            if (c == '\0') c = ' ';
        if (cmdline.find(needle) != std::string::npos) found.push_back(name + ": " + cmdline);
    }
    return found;
}

CliResult run_killing_when_held(const fs::path& dir, const std::string& scenario, const std::string& hold_at,
                                const std::vector<std::string>& args, const std::string& victim, std::size_t victims,
                                std::chrono::minutes within)
{
    const fs::path killed = dir / "killed";
    write_file(dir / "gate.sh", "case \"$ROLLSIM_TIME\" in " + hold_at + ") ;; *) exit 0 ;; esac\n"
                                "touch ready\nwhile [ ! -e '" + killed.string() + "' ]; do sleep 0.05; done\n");
    write_file(dir / "s.yaml", scenario + "monitors:\n  gate: { command: \"sh {scenario-dir}/gate.sh\", every: 1d, "
                                          "timeout: 2m }\n");
    std::vector<std::string> command{"run", (dir / "s.yaml").string()};
    command.insert(command.end(), args.begin(), args.end());
    auto run = std::async(std::launch::async, [&] { return run_rollsim(command); });
    // Released on every path, so that the run ends and get() returns.
    const auto release = [&] {
        write_file(killed, "");
        return run.get();
    };
    const auto lab = std::find(args.begin(), args.end(), "--lab-dir");
    const fs::path ready = lab != args.end() && lab + 1 != args.end() ? fs::path(*(lab + 1)) / "monitors" / "gate" / "ready"
                                                                       : fs::path();
    if (ready.empty()) {
        ADD_FAILURE() << "run_killing_when_held needs --lab-dir DIR among the arguments";
        return {-1, release().output};
    }
    if (!wait_for([&] { return fs::exists(ready); }, within, std::chrono::milliseconds(100))) {
        ADD_FAILURE() << "the run never held at " << hold_at;
        return {-1, release().output};
    }
    const auto found = processes_mentioning(victim);
    if (found.empty() || (victims != 0 && found.size() != victims)) {
        ADD_FAILURE() << "processes mentioning " << victim << ": " << ::testing::PrintToString(found);
        return {-1, release().output};
    }
    for (const auto& p : found) EXPECT_EQ(::kill(std::stoi(p), SIGKILL), 0) << p;
    EXPECT_TRUE(wait_for([&] { return processes_mentioning(victim).empty(); }, std::chrono::seconds(10)))
        << victim << " outlived SIGKILL";
    return release();
}

namespace {

std::string str(const nlohmann::json& v)
{
    if (v.is_null()) return "-";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace

// Key tags (five digits or fewer after "tag" or "keytag") are left out: a key generated anew
// has another tag, and nothing a refactoring keeps depends on its value. So is which server of
// a zone (127.53.Z.S) a validator's reason names: resolvers pick among a zone's servers at
// random.
std::string without_key_tags(std::string text)
{
    static const std::regex tag(R"(\b(key ?tag|tag)s? [0-9]{1,5}\b)", std::regex::icase);
    static const std::regex server(R"(\b(127\.53\.[0-9]+)\.[0-9]+\b)");
    return std::regex_replace(std::regex_replace(text, tag, "$1 #"), server, "$1.*");
}

std::string golden_text(const nlohmann::json& r)
{
    std::ostringstream out;
    out << "scenario " << str(r["scenario"]["name"]) << "\n"
        << "result " << str(r["result"]) << ", " << str(r["run"]["instants"]) << " instants, "
        << str(r["run"]["publications"]) << " publications, " << str(r["run"]["servers"]) << " servers\n"
        << "first failure " << str(r["first_failure_s"]) << "\n\n## observations (offset resolver query rcode ad ede "
           "validation reason)\n";
    for (const auto& o : r["observations"])
        out << str(o["offset_s"]) << " " << str(o["resolver"]) << " " << str(o["qname"]) << " " << str(o["qtype"])
            << " " << str(o["rcode"]) << " " << (o["ad"].get<bool>() ? "ad" : "-") << " " << str(o["ede"]) << " "
            << str(o["validation"]) << " " << without_key_tags(str(o["reason"])) << "\n";
    out << "\n## failure windows (resolver query start end last probes outcome)\n";
    for (const auto& w : r["failure_windows"])
        out << str(w["resolver"]) << " " << str(w["qname"]) << " " << str(w["qtype"]) << " " << str(w["start_s"])
            << " " << str(w["end_s"]) << " " << str(w["last_failure_s"]) << " " << str(w["probes"]) << " "
            << str(w["outcome"]) << "\n";
    out << "\n## predicted windows (zone from until resolvers cause)\n";
    for (const auto& p : r["predicted_windows"])
        out << str(p["zone"]) << " " << str(p["from_s"]) << " " << str(p["until_s"]) << " " << p["resolvers"].dump()
            << " " << without_key_tags(str(p["cause"])) << "\n";
    out << "\n## expectations (line kind verdict observations text)\n";
    for (const auto& e : r["expectations"])
        out << str(e["line"]) << " " << str(e["kind"]) << " " << str(e["verdict"]) << " " << str(e["observations"])
            << " " << str(e["text"]) << "\n";
    return out.str();
}

}  // namespace rollsim::test
