// What the command line does around the scenario parser, for every subcommand: a file that is
// a zone file, not a scenario, gets a one-line hint before YAML sees it; no error message
// quotes a whole file; and a scenario of the installed catalog reads its zone templates from
// the installed data directory (<prefix>/share/rollsim), which holds no .git to find it by.
#pragma once

#include "scenario/model.hpp"
#include "scenario/sweep.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace rollsim::cli {

// scenario::parse_scenario(file, template_root) with the three guards above. Throws
// ScenarioError (exit 2) as the parser does.
scenario::Scenario read_scenario(const std::string& file, const std::string& template_root = {});

// One variant of `file`'s sweep (scenario/sweep.hpp), read with the same guards and template root.
scenario::Scenario read_variant(const scenario::SweepVariant& variant, const std::string& file,
                                const std::string& template_root = {});

// The 1-based line of the first record or directive when `text` reads as a master file (RFC
// 1035 section 5: `$ORIGIN`, `$TTL`, or `owner [ttl] [class] TYPE rdata` first after blank
// lines and `;` comments); nullopt otherwise, as for every scenario.
std::optional<int> zone_file_line(const std::string& text);

// `message` with every quoted stretch ('...') longer than `limit` characters cut to its start,
// saying how long it was: a plain scalar that is a whole file (YAML reads a zone file as one)
// is never printed whole. Other messages are returned unchanged.
std::string cut_long_quotes(const std::string& message, std::size_t limit = 100);

// The data directory of an installed rollsim, found from the program's own path
// (<prefix>/bin/rollsim -> <prefix>/share/rollsim), or empty when there is none (a build tree).
std::filesystem::path installed_data_dir();

// The template root for `file`: `given` when set; else the installed data directory when
// `file` lies below `data_dir`; else empty (the parser's own rule, scenario/parse.hpp).
std::string template_root_for(const std::string& file, const std::string& given,
                              const std::filesystem::path& data_dir);

}  // namespace rollsim::cli
