// A scratch directory for one unit test (an owned temporary directory, core/temp_dir.hpp),
// removed with everything in it when the test ends.
#pragma once

#include "core/temp_dir.hpp"

#include <filesystem>
#include <system_error>

namespace rollsim::test {

struct Scratch {
    std::filesystem::path path;
    Scratch() : path(make_owned_temp_dir(std::filesystem::temp_directory_path(), "rollsim-unit-")) {}
    ~Scratch()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
};

}  // namespace rollsim::test
