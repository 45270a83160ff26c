#include "cli/lab_dir.hpp"

#include "core/error.hpp"
#include "core/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

namespace rollsim::cli {

namespace fs = std::filesystem;

LabDir::LabDir(const fs::path& requested, bool keep) : m_keep(keep || !requested.empty())
{
    std::error_code ec;
    if (!requested.empty()) {
        fs::create_directories(requested, ec);
        if (ec) throw LabError("cannot create lab directory " + requested.string() + ": " + ec.message());
        if (!fs::is_empty(requested, ec))
            throw LabError("lab directory " + requested.string() + " is not empty: name a new or empty directory");
        m_path = fs::absolute(requested);
        return;
    }
    const char* tmp = std::getenv("TMPDIR");
    const fs::path parent = tmp && *tmp ? fs::path(tmp) : fs::path("/tmp");
    // What runs killed before they could clean up left behind (their lab directories, NSD's
    // control-socket directories under /tmp) goes first.
    remove_orphaned_temp_dirs(parent, "rollsim-");
    if (parent != "/tmp") remove_orphaned_temp_dirs("/tmp", "rollsim-");
    try {
        m_path = make_owned_temp_dir(parent, "rollsim-");
    } catch (const std::runtime_error& e) {
        throw LabError(std::string(e.what()) + " (set TMPDIR to a writable directory)");
    }
}

LabDir::~LabDir()
{
    if (m_keep) return;
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

}  // namespace rollsim::cli
