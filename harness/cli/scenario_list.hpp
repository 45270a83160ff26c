// The scenario list of a command: files and directories expanded (cli/run.hpp's
// expand_inputs), and each sweep (scenario/sweep.hpp) expanded into its variants, every one an
// entry of its own that runs, shards and reports like a scenario file.
#pragma once

#include "prepare/prepared.hpp"
#include "scenario/sweep.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::cli {

struct ScenarioSource {
    std::string file;  // the scenario file
    std::optional<scenario::SweepVariant> variant;  // one variant of the file's sweep

    // The entry's name in lists, shards and reports: the file, or the variant's label.
    const std::string& key() const { return variant ? variant->label : file; }
};

// Throws ScenarioError for an input that does not exist. A file whose sweep is malformed stays
// one entry: loading it reports the error.
std::vector<ScenarioSource> list_scenarios(const std::vector<std::string>& inputs);

// load_scenario() of the entry (cli/load.hpp); a variant is read as its file would be.
prepare::PreparedScenario load_source(const ScenarioSource& source, const std::string& template_root);

}  // namespace rollsim::cli
