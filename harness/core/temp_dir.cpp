#include "core/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace rollsim {

namespace fs = std::filesystem;

namespace {

// Field 22 of /proc/PID/stat (start time in clock ticks since boot), or nullopt when no such
// process runs. The command name (field 2) may hold spaces and parentheses: count from the
// last ')'.
std::optional<std::string> start_time(long pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!in || !std::getline(in, stat)) return std::nullopt;
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i)
        if (!(rest >> field)) return std::nullopt;
    return field;
}

}  // namespace

fs::path make_owned_temp_dir(const fs::path& parent, const std::string& prefix)
{
    std::string templ = (parent / (prefix + "XXXXXX")).string();
    if (::mkdtemp(templ.data()) == nullptr)
        throw std::runtime_error("cannot create a directory " + templ + ": " + std::strerror(errno));
    const long pid = static_cast<long>(::getpid());
    std::ofstream owner(fs::path(templ) / kOwnerFile);
    owner << pid << " " << start_time(pid).value_or("?") << "\n";
    if (!owner) throw std::runtime_error("cannot write " + (fs::path(templ) / kOwnerFile).string());
    return templ;
}

int remove_orphaned_temp_dirs(const fs::path& parent, const std::string& prefix)
{
    int removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path dir = it->path();
        if (dir.filename().string().rfind(prefix, 0) != 0 || !it->is_directory(ec)) continue;
        std::ifstream in(dir / kOwnerFile);
        long pid = 0;
        std::string started;
        if (!(in >> pid >> started) || pid <= 0) continue;  // not ours, or still being made
        if (start_time(pid) == started) continue;           // the owner still runs
        std::error_code rm;
        if (fs::remove_all(dir, rm) > 0 && !rm) ++removed;
    }
    return removed;
}

}  // namespace rollsim
