// Markdown summaries for pull-request comments and CI job summaries ($GITHUB_STEP_SUMMARY,
// GitLab/Gitea comments): GitHub-flavoured tables, every cell escaped.
//
// markdown_report(): one scenario — a title with PASS/FAIL, key facts (virtual span, zones,
// servers, wall clock), the failure windows, predicted vs observed when the rollover lint
// predicted windows (report/predicted.hpp), and the expectations (✅/❌).
// markdown_batch_summary(): several scenarios — one row each, then what failed.
#pragma once

#include "report/run_result.hpp"
#include "report/summary.hpp"
#include "runner/observation.hpp"
#include "scenario/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::report {

std::string markdown_report(const scenario::Scenario& scenario, const runner::RunRecord& record,
                            const RunSummary& summary);

// One scenario of a batch, as its run's result tells it.
struct MarkdownBatchRow {
    std::string file;
    std::string name;     // scenario name; the file when unknown
    int status = -1;      // exit status of its run: 0 pass, 1 fail, other = error, -1 = not run
    std::string error;    // for an error: its last line of output
    int windows = 0;
    std::optional<Seconds> first_failure;
    int expectations = 0, expectations_passed = 0;
    std::vector<std::string> failed_expectations;  // "line 24: ... — detail"
    double wall_seconds = 0;
    std::string report;   // file name of its own Markdown report, linked when not empty
};

// Fills a row from a run's result (without one, the name is the file and the counts are zero).
MarkdownBatchRow markdown_batch_row(const std::string& file, int status, const std::optional<RunResult>& result,
                                    const std::string& error = {});

std::string markdown_batch_summary(const std::vector<MarkdownBatchRow>& rows, double wall_seconds, int jobs);

// Inline code: `text`, backticks and line breaks as spaces, pipes escaped (for tables).
std::string markdown_code(const std::string& text);

// A table cell: | \ ` * _ [ ] escaped, < > & as entities, line breaks as <br>.
std::string markdown_cell(const std::string& text);

}  // namespace rollsim::report
