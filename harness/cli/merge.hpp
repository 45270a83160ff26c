// `rollsim merge DIR... -o OUT`: the report directories of a list's shards (`rollsim run
// --shard I/N --report-dir DIR`, cli/shard.hpp) joined into one, as if one machine had run the
// whole list: every scenario's own reports and logs copied, and junit.xml, summary.md (with the
// sweeps' tables), index.json and index.html written for all of them (cli/batch_output.hpp).
//
// Every shard's index.json names the whole list it was a part of. The merge refuses, with exit
// status 5 and one line, shards that were given different lists, a listed scenario that no shard
// ran (a shard missing, or one that stopped before writing its index), and one that two shards
// ran (a directory given twice, shards partitioned with different --shard-durations).
#pragma once

#include <string>
#include <vector>

namespace rollsim::cli {

struct MergeArgs {
    std::vector<std::string> inputs;  // shard report directories
    std::string output;               // the joined directory (made when missing)
    bool quiet = false;
};

// The exit status: the joined batch's (0, 1, 3 or 4, as `rollsim run`'s), 5 when scenarios are
// missing or duplicated. Throws ScenarioError (exit 2) for a directory without a readable index.
int merge(const MergeArgs& args);

}  // namespace rollsim::cli
