#include "cli/load.hpp"

#include "cli/scenario_input.hpp"

namespace rollsim::cli {

LoadedScenario load_scenario(const std::string& file, const std::string& template_root)
{
    LoadedScenario out{read_scenario(file, template_root), {}};
    out.predicted = rollover::predicted_windows(out.scenario);
    return out;
}

}  // namespace rollsim::cli
