#include "cli/batch_output.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/time.hpp"
#include "report/batch_html.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_report.hpp"
#include "report/sweep_table.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

namespace rollsim::cli {

namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text)
{
    if (auto error = write_file_atomically(path, text)) throw Fatal(ExitCode::Internal, *error);
}

bool finished(const report::BatchEntry& e) { return e.status == 0 || e.status == 1; }

// What went wrong with a scenario that has no report: "not run (interrupted)", "exit status 3: ...".
std::string error_text(const report::BatchEntry& e)
{
    if (e.status == -1) return "not run (interrupted)";
    if (e.status > 1) return fmt::format("exit status {}: {}", e.status, e.error);
    return "";
}

}  // namespace

std::string read_text(const fs::path& file)
{
    std::ifstream in(file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int print_batch_table(std::ostream& out, const report::BatchIndex& index)
{
    int worst = 0, passed = 0, failed = 0;
    out << fmt::format("\n{:<58} {:<6} {:>8} {:>14} {:>8}\n", "scenario", "result", "failures", "first failure", "wall s");
    for (const auto& e : index.entries) {
        std::string result, first = "-", windows = "-", secs = "-";
        if (finished(e) && e.result) {
            windows = std::to_string(e.result->failure_windows);
            if (e.result->first_failure) first = format_offset(*e.result->first_failure);
            secs = fmt::format("{:.1f}", e.result->wall_seconds);
        }
        switch (e.status) {
        case 0: result = "PASS"; break;
        case 1: result = "FAIL"; break;
        case -1: result = "SKIP"; break;
        default: result = fmt::format("ERR {}", e.status);
        }
        (e.status == 0 ? passed : failed) += 1;
        out << fmt::format("{:<58} {:<6} {:>8} {:>14} {:>8}\n", e.file, result, windows, first, secs);
        if (e.status > 1) out << "    " << e.error << "\n";
        if (e.status == 1 || e.status == 3) worst = std::max(worst, e.status);
        else if (e.status != 0) worst = std::max(worst, static_cast<int>(ExitCode::Internal));
    }
    out << fmt::format("\n{} passed, {} failed ({} scenarios, {} at a time, {:.1f} s)\n", passed, failed,
                       index.entries.size(), index.jobs, index.wall_seconds);
    for (const auto& table : report::sweep_tables(index.entries)) out << report::sweep_text(table);
    return worst;
}

void write_batch_dir(const fs::path& dir, const report::BatchIndex& index)
{
    std::vector<report::JunitPart> parts;
    std::vector<report::MarkdownBatchRow> rows;
    for (const auto& e : index.entries) {
        const std::string xml = e.report.empty() ? "" : read_text(dir / (e.report + ".xml"));
        parts.push_back({e.file, finished(e) ? xml : "", error_text(e), 0});
        rows.push_back(report::markdown_batch_row(e.file, e.status, e.result, error_text(e)));
        if (!e.report.empty() && fs::exists(dir / (e.report + ".md"))) rows.back().report = e.report + ".md";
    }
    write(dir / "junit.xml", report::junit_combine(parts));
    std::string summary = report::markdown_batch_summary(rows, index.wall_seconds, index.jobs);
    for (const auto& table : report::sweep_tables(index.entries)) summary += report::sweep_markdown(table);
    write(dir / "summary.md", summary);
    write(dir / "index.json", report::to_text(index));
    write(dir / "index.html", report::batch_index_html(index));
}

}  // namespace rollsim::cli
