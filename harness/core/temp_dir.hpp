// Temporary directories that a killed run cannot leave behind for long. A directory made by
// make_owned_temp_dir() holds a file naming its owner: the creating process's PID and its start
// time (field 22 of /proc/PID/stat, so a recycled PID is not taken for the owner).
// remove_orphaned_temp_dirs() removes the directories whose owner no longer runs; every run
// calls it before making its own, so a SIGKILLed run's directories go with the next run.
// Directories without an owner file (made by hand, or by another program) are never touched.
#pragma once

#include <filesystem>
#include <string>

namespace rollsim {

// mkdtemp(parent/prefixXXXXXX) plus the owner file. Throws std::runtime_error naming the
// directory and the system's reason.
std::filesystem::path make_owned_temp_dir(const std::filesystem::path& parent, const std::string& prefix);

// Removes every parent/prefix* directory whose owner file names a process that has exited.
// Returns how many it removed; errors (a directory that vanished meanwhile) are skipped.
int remove_orphaned_temp_dirs(const std::filesystem::path& parent, const std::string& prefix);

// The owner file's name inside an owned directory.
inline constexpr const char* kOwnerFile = ".rollsim-owner";

}  // namespace rollsim
