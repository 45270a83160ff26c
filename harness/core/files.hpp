// Whole-file writes that readers never see half done.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace rollsim {

// Writes `text` to `path` through a temporary file in the same directory and rename(), so a
// concurrent reader (libfaketime reading its timestamp file, a CI job reading a report) sees
// the old file or the new one. Returns the error text on failure, nullopt on success; the
// caller decides what the failure means (a lab error, a report that could not be written).
std::optional<std::string> write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace rollsim
