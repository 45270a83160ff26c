// A scratch directory for one unit test (an owned temporary directory, core/temp_dir.hpp),
// removed with everything in it when the test ends.
#pragma once

#include "core/temp_dir.hpp"

#include <filesystem>

namespace rollsim::test {

struct Scratch {
    OwnedTempDir dir{std::filesystem::temp_directory_path(), "rollsim-unit-"};
    std::filesystem::path path = dir.path();
};

}  // namespace rollsim::test
