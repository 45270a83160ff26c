// Shards: one machine's stable, balanced part of a scenario list, so that a CI matrix (GitLab
// `parallel:`, a GitHub Actions matrix) or a Kubernetes Indexed Job runs a list on N machines
// and `rollsim merge` joins their report directories (cli/merge.hpp). Every shard computes the
// same partition of the whole list and runs its own part: no coordinator, and the merge knows
// from any shard's index.json which scenarios all shards together must have run.
//
// The partition (docs/scale-out.md): scenarios ordered by weight (their wall clock in an
// earlier report, else the mean of the known ones, else 1), ties by a 64-bit FNV-1a hash of
// their key (the path as listed, or a sweep variant's label), then each given to the shard with
// the least weight so far (the lowest index on a tie). The same list and the same durations give
// the same partition on every machine and in every run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rollsim::cli {

struct ShardSpec {
    int index = 1;  // 1-based, as `--shard I/N` writes it
    int total = 1;
    std::string source;  // how it was given, for messages: "--shard 2/3", "CI_NODE_INDEX=2, CI_NODE_TOTAL=3"
};

// Looks an environment variable up: nullopt when unset (std::getenv, or a table in tests).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// `--shard I/N` (1 <= I <= N <= 10000), or `--shard auto`: CI_NODE_INDEX and CI_NODE_TOTAL
// (GitLab's `parallel:`, 1-based), else JOB_COMPLETION_INDEX (a Kubernetes Indexed Job,
// 0-based) with the total from ROLLSIM_SHARD_TOTAL (the Job's `completions`). Throws
// ScenarioError (exit 2) naming the option or the variable and what to write instead.
ShardSpec parse_shard(const std::string& text, const EnvLookup& env);

// The stable hash of a scenario key (FNV-1a, 64 bits): the same on every machine and build.
std::uint64_t shard_hash(const std::string& key);

// The shard (1-based) of every key, in the order of `keys`. `seconds`: known wall clocks by key
// (from an earlier report, load_durations); keys not in it weigh the mean of those that are.
std::vector<int> partition(const std::vector<std::string>& keys, int total,
                           const std::map<std::string, double>& seconds = {});

// The wall clock of every scenario an earlier `run --report-dir` or `merge` recorded: `path` is
// its index.json or the directory holding it. Throws ScenarioError (exit 2) when it cannot be
// read.
std::map<std::string, double> load_durations(const std::string& path);

}  // namespace rollsim::cli
