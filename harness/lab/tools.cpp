// Finding NSD, nsd-control, Unbound and the virtual clock library.
#include "lab/tools.hpp"

#include "core/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

// The way from an installed program's directory to its private libraries (CMakeLists.txt).
#ifndef ROLLSIM_LIB_FROM_BIN
#define ROLLSIM_LIB_FROM_BIN "../lib/rollsim"
#endif

namespace rollsim::lab {

namespace {

bool is_executable_file(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool is_readable_file(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), R_OK) == 0;
}

std::optional<std::string> env_override(const char* variable, bool executable, const std::string& what)
{
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') return std::nullopt;
    std::string path = value;
    if (path.front() != '/')
        throw LabError(std::string(variable) + "=" + path + ": an absolute path to " + what + " is required");
    bool ok = executable ? is_executable_file(path) : is_readable_file(path);
    if (!ok)
        throw LabError(std::string(variable) + "=" + path + ": no such " +
                       (executable ? "executable file" : "readable file") + " (fix or unset " +
                       variable + ")");
    return path;
}

std::vector<std::string> search_dirs()
{
    std::vector<std::string> dirs;
    auto add = [&](const std::string& dir) {
        if (dir.empty()) return;
        for (const auto& d : dirs)
            if (d == dir) return;
        dirs.push_back(dir);
    };
    if (const char* path = std::getenv("PATH")) {
        std::string text = path;
        std::size_t pos = 0;
        for (;;) {
            std::size_t colon = text.find(':', pos);
            add(text.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos));
            if (colon == std::string::npos) break;
            pos = colon + 1;
        }
    }
    for (const char* dir : {"/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"}) add(dir);
    return dirs;
}

}  // namespace

std::string locate_program(const std::string& name, const char* variable, const std::string& package)
{
    if (auto path = env_override(variable, true, name)) return *path;
    for (const auto& dir : search_dirs()) {
        if (dir.front() != '/') continue;  // relative PATH entries would depend on the cwd
        std::string candidate = dir + "/" + name;
        if (is_executable_file(candidate)) return candidate;
    }
    throw LabError(name + " not found: install the Debian package '" + package + "' (or set " + variable + ")");
}

namespace {

// The directory of the running program, from /proc/self/exe; empty when it cannot be read.
std::filesystem::path program_directory()
{
    std::error_code ec;
    const auto program = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : program.parent_path();
}

}  // namespace

std::string locate_vclock_library()
{
    constexpr const char* kName = "librollsim_vclock.so";
    if (auto path = env_override("ROLLSIM_VCLOCK_LIBRARY", false, kName)) return *path;
    std::vector<std::string> candidates;
    if (const auto dir = program_directory(); !dir.empty()) {
        candidates.push_back((dir / ROLLSIM_LIB_FROM_BIN / kName).lexically_normal().string());  // installed
        candidates.push_back((dir.parent_path() / "lib" / kName).string());                     // a build tree
    }
    candidates.emplace_back(ROLLSIM_VCLOCK_LIBRARY);
    std::string looked;
    for (const auto& candidate : candidates) {
        if (is_readable_file(candidate)) return candidate;
        looked += (looked.empty() ? "" : ", ") + candidate;
    }
    throw LabError(std::string(kName) + " not found (looked for " + looked +
                   "): build the CMake target rollsim_vclock_preload, or set ROLLSIM_VCLOCK_LIBRARY");
}

Tools Tools::locate()
{
    Tools tools;
    tools.nsd = locate_program("nsd", "ROLLSIM_NSD", "nsd");
    tools.nsd_control = locate_program("nsd-control", "ROLLSIM_NSD_CONTROL", "nsd");
    tools.unbound = locate_program("unbound", "ROLLSIM_UNBOUND", "unbound");
    tools.vclock_library = locate_vclock_library();
    return tools;
}

}  // namespace rollsim::lab
