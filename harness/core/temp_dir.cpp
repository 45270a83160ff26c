#include "core/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace rollsim {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path)
{
    throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// The owner file of `dir`, made under a name no sweep reads, locked, then renamed into place:
// a sweep never finds the owner file unlocked while its owner lives. The PID written in it is
// for a person reading the directory; nothing decides by it.
UniqueFd lock_owner_file(const fs::path& dir)
{
    const fs::path making = dir / (std::string(kOwnerFile) + ".new");
    UniqueFd fd(::open(making.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) fail("cannot create", making);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) fail("cannot lock", making);
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::write(fd.get(), pid.data(), pid.size()) != static_cast<ssize_t>(pid.size())) fail("cannot write", making);
    if (::rename(making.c_str(), (dir / kOwnerFile).c_str()) != 0) fail("cannot rename", making);
    return fd;
}

}  // namespace

OwnedTempDir::OwnedTempDir(const fs::path& parent, const std::string& prefix)
{
    std::string templ = (parent / (prefix + "XXXXXX")).string();
    if (::mkdtemp(templ.data()) == nullptr) fail("cannot create a directory", templ);
    m_path = templ;
    try {
        m_lock = lock_owner_file(m_path);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(m_path, ec);
        throw;
    }
}

OwnedTempDir::~OwnedTempDir()
{
    if (m_path.empty() || !m_lock.valid()) return;  // moved from, or kept
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

void OwnedTempDir::keep()
{
    std::error_code ec;
    fs::remove(m_path / kOwnerFile, ec);
    m_lock.reset();
}

int remove_orphaned_temp_dirs(const fs::path& parent, const std::string& prefix)
{
    int removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path dir = it->path();
        if (dir.filename().string().rfind(prefix, 0) != 0 || !it->is_directory(ec)) continue;
        const UniqueFd owner(::open((dir / kOwnerFile).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!owner.valid()) continue;                                  // not ours, or kept
        if (::flock(owner.get(), LOCK_EX | LOCK_NB) != 0) continue;  // its owner holds it: alive
        // Removed while the lock is held here, so no second sweep races this one.
        std::error_code rm;
        if (fs::remove_all(dir, rm) > 0 && !rm) ++removed;
    }
    return removed;
}

}  // namespace rollsim
