// `rollsim run`: one scenario in this process, or many in parallel, each in a child process
// with a lab of its own, ending with one summary table.
#pragma once

#include "core/error.hpp"

#include <string>
#include <vector>

namespace rollsim::cli {

struct RunArgs {
    std::vector<std::string> inputs;  // files and directories (searched for *.yaml)
    std::string report_json;          // one scenario only
    std::string report_junit;         // one scenario only: JUnit XML
    std::string report_markdown;      // one scenario only: Markdown summary
    std::string report_html;          // one scenario only: self-contained HTML
    std::string report_dir;           // every format per scenario; for several, junit.xml and summary.md
    std::string lab_dir;
    std::string template_root;        // empty: each scenario's repository (scenario/parse.hpp)
    // "all" or a list of daemon kinds ("unbound,bind"): each daemon resolver of every scenario is
    // asked as each of these kinds (scenario/resolver_matrix.hpp); empty: as the files say.
    std::string resolvers;
    std::string shard;            // "I/N" or "auto": run only this part of the list (cli/shard.hpp)
    std::string shard_durations;  // an earlier index.json (or its directory) balancing the shards
    bool sweep = false;           // `rollsim sweep`: the one input must declare a sweep; always a batch
    bool keep_lab = false;
    bool quiet = false;
    bool verbose = false;             // every failure window in the terminal summary, not only their groups
    int jobs = 1;
};

// Expands directories into their *.yaml files (recursively, sorted); files stay as given.
// Throws ScenarioError for an input that does not exist.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

// Returns the exit status (0 all pass, 1 an expectation failed, 2 invalid scenario, 3 lab).
int run(const RunArgs& args);

}  // namespace rollsim::cli
