// Parameter sweeps (docs/scenario-format.md, "Sweeps"): a scenario's `sweep:` block names
// parameters and the values each takes, and the scenario writes `${name}` where a value goes
// (a TTL, a delay, an interval, a resolver's start). Each combination of values is a variant: the
// file's text with every placeholder replaced, read by the parser like any scenario, so that
// every variant gets the parser's own checks and positions (a value is substituted on its own
// line, so line numbers stay those of the file).
//
//   sweep:
//     ds-ttl: [30m, 1h, 2h]                               # a list of values, as written
//     registration-delay: { from: 0s, to: 2h, step: 1h }  # durations from..to by step
//     resolver-start: { from: 0s, to: 6h, random: 4, seed: 7 }  # 4 distinct draws, seeded
//
// Variants are the product of the parameters' values, in the file's order (the last parameter
// varying fastest), at most kMaxSweepVariants.
#pragma once

#include "scenario/model.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rollsim::scenario {

inline constexpr std::size_t kMaxSweepVariants = 256;

struct SweepVariant {
    std::vector<std::pair<std::string, std::string>> values;  // parameter -> value, in the sweep's order
    std::string label;  // "FILE[ds-ttl=1h,registration-delay=0s]": the variant's name in lists and reports
    std::string text;   // the scenario with its values in place
};

// nullopt when `text` has no top-level `sweep:` (a plain scenario, or text YAML cannot read: the
// parser reports that). Otherwise every variant of it. Throws ScenarioError "FILE:LINE:COL: ..."
// for a malformed sweep, a placeholder naming no parameter, or a parameter no placeholder uses.
std::optional<std::vector<SweepVariant>> expand_sweep(const std::string& text, const std::string& file);

// One variant read as scenario::parse_scenario reads `file` (its directory, its template root):
// errors name `file` with the line and column in it and end with "(sweep variant ds-ttl=1h,
// ...)"; the Scenario's file is the variant's label.
Scenario parse_sweep_variant(const SweepVariant& variant, const std::filesystem::path& file,
                             const std::filesystem::path& template_root = {});

// "ds-ttl=1h, registration-delay=0s": a variant's values, as messages name them.
std::string values_text(const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace rollsim::scenario
