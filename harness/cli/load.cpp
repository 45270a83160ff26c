#include "cli/load.hpp"

#include "cli/scenario_input.hpp"

namespace rollsim::cli {

prepare::PreparedScenario load_scenario(const std::string& file, const std::string& template_root)
{
    return prepare::prepare_scenario(read_scenario(file, template_root));
}

}  // namespace rollsim::cli
