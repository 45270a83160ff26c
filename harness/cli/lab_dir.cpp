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
        m_temp.emplace(parent, "rollsim-");
    } catch (const std::runtime_error& e) {
        throw LabError(std::string(e.what()) + " (set TMPDIR to a writable directory)");
    }
    m_path = m_temp->path();
}

// A kept temporary directory loses its owner file, so no later run sweeps it; one not kept
// goes with m_temp.
LabDir::~LabDir()
{
    if (m_temp && m_keep) m_temp->keep();
}

}  // namespace rollsim::cli
