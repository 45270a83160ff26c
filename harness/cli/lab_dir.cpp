#include "cli/lab_dir.hpp"

#include "core/error.hpp"

#include <cstdlib>
#include <cstring>
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
    std::string templ = (tmp && *tmp ? std::string(tmp) : std::string("/tmp")) + "/rollsim-XXXXXX";
    if (!mkdtemp(templ.data()))
        throw LabError("cannot create a lab directory in " + templ + ": " + std::strerror(errno) +
                       " (set TMPDIR to a writable directory)");
    m_path = templ;
}

LabDir::~LabDir()
{
    if (m_keep) return;
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

}  // namespace rollsim::cli
