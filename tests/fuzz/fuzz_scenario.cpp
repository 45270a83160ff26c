// libFuzzer target (scripts/fuzz): arbitrary bytes as a scenario file, parsed and prepared
// (every rollover planned and expanded) as `rollsim check` does, without a lab. The parser's
// promise is that every problem with the input is a ScenarioError naming file, line and column
// on one line; any other exception, a crash, a sanitizer report, a hang or a run-away memory use
// is a bug. Templates named by the input are looked up from fixtures/scenarios/invalid/ below
// the repository root, as a scenario there would.
#include "core/error.hpp"
#include "prepare/prepared.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::filesystem::path root(ROLLSIM_ROOT);
    static const std::filesystem::path base = root / "fixtures" / "scenarios" / "invalid";
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        rollsim::prepare::prepare_scenario_text(text, "fuzz.yaml", base, root);
    } catch (const rollsim::ScenarioError& e) {
        // An error message is one line: a newline in it would let input forge log lines.
        if (std::string(e.what()).find('\n') != std::string::npos) {
            std::fprintf(stderr, "a scenario error spans lines: %s\n", e.what());
            std::abort();
        }
    }
    return 0;
}
