// What a sweep's variants (scenario/sweep.hpp) did, against their parameters: for each pair of
// values of the sweep's first two parameters (the others folded together), how often names
// failed — the share of probe results inside failure windows — and for how long — the longest
// joined failure time of a variant (report::RunResult). Rendered as a Markdown table for
// summary.md, as text for the terminal, and as an HTML heat map for index.html. Built from a
// report directory's index (report/batch_index.hpp), so a merge of shards shows the same.
#pragma once

#include "core/time.hpp"
#include "report/batch_index.hpp"

#include <string>
#include <vector>

namespace rollsim::report {

struct SweepCell {
    int variants = 0;
    int failing = 0;          // variants with a failure window
    int errors = 0;           // variants without a result (not run, lab error)
    long long probes = 0, failed_probes = 0;
    Seconds longest{0};       // the longest failure_seconds among them

    double share() const { return probes ? static_cast<double>(failed_probes) / static_cast<double>(probes) : 0.0; }
};

struct SweepTable {
    std::string file;                    // the sweep's scenario file
    std::vector<std::string> parameters; // all of them, in the sweep's order
    std::vector<std::string> xs, ys;     // values of the first and second parameter (ys: {""} with one)
    std::vector<std::vector<SweepCell>> cells;  // [y][x]
};

// One table per sweep file among `entries` (in order of first appearance); none without variants.
std::vector<SweepTable> sweep_tables(const std::vector<BatchEntry>& entries);

// "12.5% 2h10m", "0% –", "error": a cell in words.
std::string cell_text(const SweepCell& cell);

std::string sweep_markdown(const SweepTable& table);
std::string sweep_text(const SweepTable& table);
// A <section> holding the heat map (<table>, each cell tinted by its share and labelled), escaped.
std::string sweep_heat_map(const SweepTable& table);

}  // namespace rollsim::report
