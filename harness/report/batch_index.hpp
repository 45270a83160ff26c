// index.json of a report directory (docs/report-format.md, "Batches, shards and merges"): what
// `rollsim run --report-dir` ran of which list, and each scenario's result. A shard writes the
// whole list it was a part of and its shard, so that `rollsim merge` can tell a missing or
// duplicated scenario from the shards' indexes alone; a merge writes the same format for the
// joined directory (and a later run balances its shards by the wall clocks in it).
#pragma once

#include "report/run_result.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rollsim::report {

inline constexpr int kBatchIndexVersion = 1;

// A sweep variant's parameter values, in the sweep's order: {"ds-ttl", "2h"}.
using ParameterValues = std::vector<std::pair<std::string, std::string>>;

struct BatchEntry {
    std::string file;             // the scenario as listed: its path, or a sweep variant's label
    ParameterValues parameters;   // a sweep variant's values; empty for a plain scenario
    int status = -1;              // exit status of its run: 0 pass, 1 fail, other = error, -1 = not run
    std::string error;            // for an error: the last line of its log
    std::optional<RunResult> result;
    // Base name of its files in the directory: NAME.log, and NAME.json, .xml, .md, .html when it
    // finished (status 0 or 1).
    std::string report;
};

struct ShardOfList {
    int index = 1;  // 1-based
    int total = 1;
};

struct BatchIndex {
    std::vector<std::string> listed;   // the whole list the run was given (every shard's), in order
    std::optional<ShardOfList> shard;  // the part this directory ran; nullopt: all of `listed`
    std::vector<BatchEntry> entries;   // what ran here, in list order
    double wall_seconds = 0;           // a merge: the longest shard's
    int jobs = 1;
};

std::string to_text(const BatchIndex& index);
// Throws std::runtime_error naming what is wrong when `text` is not an index to_text() wrote.
BatchIndex parse_batch_index(const std::string& text);

}  // namespace rollsim::report
