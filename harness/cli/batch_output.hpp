// What a batch leaves, from its index (report/batch_index.hpp), for `rollsim run` of several
// scenarios and for `rollsim merge`: the summary table on the terminal (with a sweep's table
// beneath it) and the report directory's combined files.
#pragma once

#include "report/batch_index.hpp"

#include <filesystem>
#include <ostream>
#include <string>

namespace rollsim::cli {

// The whole file; "" when it cannot be read (a report its run did not write).
std::string read_text(const std::filesystem::path& file);

// The summary table, then each sweep's table (report/sweep_table.hpp); returns the batch's exit
// status: 0 every scenario passed, 1 one failed, 3 a lab could not start, 4 anything else.
int print_batch_table(std::ostream& out, const report::BatchIndex& index);

// DIR/junit.xml (every scenario's testsuite, from DIR/NAME.xml), DIR/summary.md (with the sweeps'
// tables), DIR/index.json and DIR/index.html. Throws Fatal (exit 4) when one cannot be written.
void write_batch_dir(const std::filesystem::path& dir, const report::BatchIndex& index);

}  // namespace rollsim::cli
