// The directory a lab keeps its configs, zone files and logs in. A temporary one is removed
// when the run ends (after every lab process has stopped); one the user named is kept.
#pragma once

#include "core/temp_dir.hpp"

#include <filesystem>
#include <optional>

namespace rollsim::cli {

class LabDir {
public:
    // `requested` empty: a fresh directory under $TMPDIR (or /tmp), removed unless `keep`.
    // Otherwise that directory, created if missing, refused if not empty, always kept.
    LabDir(const std::filesystem::path& requested, bool keep);
    LabDir(const LabDir&) = delete;
    LabDir& operator=(const LabDir&) = delete;
    ~LabDir();

    const std::filesystem::path& path() const { return m_path; }
    bool kept() const { return m_keep; }

private:
    std::filesystem::path m_path;
    bool m_keep;
    std::optional<OwnedTempDir> m_temp;  // a fresh directory: locked while this run lives
};

}  // namespace rollsim::cli
