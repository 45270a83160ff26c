// Temporary directories that a killed run cannot leave behind for long. An OwnedTempDir holds a
// file in its directory (kOwnerFile) locked with flock(2) for as long as the object lives; the
// kernel drops the lock when the last descriptor of it closes, which a SIGKILL does too.
// remove_orphaned_temp_dirs() removes the directories whose owner file nobody holds locked;
// every run calls it before making its own, so a killed run's directories go with the next run.
// A lock, not a PID, proves the owner alive: a PID names a process only in its own PID
// namespace, and a run in another container or CI job sharing /tmp has PIDs of its own.
// Directories without an owner file (made by hand, by another program, or kept with keep())
// are never touched.
#pragma once

#include "core/unique_fd.hpp"

#include <filesystem>
#include <string>

namespace rollsim {

class OwnedTempDir {
public:
    // mkdtemp(parent/prefixXXXXXX) holding the locked owner file. Throws std::runtime_error
    // naming the directory and the system's reason.
    OwnedTempDir(const std::filesystem::path& parent, const std::string& prefix);
    // Removes the directory with everything in it (unless kept), then lets go of the lock.
    ~OwnedTempDir();
    OwnedTempDir(OwnedTempDir&& other) noexcept = default;
    OwnedTempDir& operator=(OwnedTempDir&& other) = delete;
    OwnedTempDir(const OwnedTempDir&) = delete;
    OwnedTempDir& operator=(const OwnedTempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    // Leaves the directory for the user: no longer removed by this object, nor by a sweep
    // (its owner file goes).
    void keep();

private:
    std::filesystem::path m_path;
    UniqueFd m_lock;  // the owner file, flock(LOCK_EX)ed
};

// Removes every parent/prefix* directory holding an owner file that no live process holds
// locked. Returns how many it removed; errors (a directory that vanished meanwhile) are skipped.
int remove_orphaned_temp_dirs(const std::filesystem::path& parent, const std::string& prefix);

// The owner file's name inside an owned directory. Not the ".rollsim-owner" of the releases
// that judged by PID: a directory of such a release has no file of this name, so this sweep
// leaves it alone, and theirs leaves these alone.
inline constexpr const char* kOwnerFile = ".rollsim-lock";

}  // namespace rollsim
