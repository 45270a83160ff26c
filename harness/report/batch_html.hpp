// index.html of a report directory: one self-contained page (inline CSS, nothing fetched) with a
// row per scenario — result as a word and a colour, its name linked to its own HTML report,
// expectations held, failure windows, first failure, wall clock — and, for sweeps, their heat
// maps (report/sweep_table.hpp). `rollsim run --report-dir` and `rollsim merge` write it.
#pragma once

#include "report/batch_index.hpp"

#include <string>

namespace rollsim::report {

std::string batch_index_html(const BatchIndex& index);

}  // namespace rollsim::report
