#include "cli/scenario_list.hpp"

#include "cli/load.hpp"
#include "cli/run.hpp"
#include "cli/scenario_input.hpp"
#include "core/error.hpp"

#include <fstream>
#include <sstream>

namespace rollsim::cli {

std::vector<ScenarioSource> list_scenarios(const std::vector<std::string>& inputs)
{
    std::vector<ScenarioSource> out;
    for (const auto& file : expand_inputs(inputs)) {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        std::optional<std::vector<scenario::SweepVariant>> variants;
        try {
            variants = scenario::expand_sweep(text.str(), file);
        } catch (const ScenarioError&) {
            variants.reset();  // loading the file says what is wrong
        }
        if (!variants) {
            out.push_back({file, std::nullopt});
            continue;
        }
        for (auto& v : *variants) out.push_back({file, std::move(v)});
    }
    return out;
}

prepare::PreparedScenario load_source(const ScenarioSource& source, const std::string& template_root)
{
    if (!source.variant) return load_scenario(source.file, template_root);
    return prepare::prepare_scenario(read_variant(*source.variant, source.file, template_root));
}

}  // namespace rollsim::cli
