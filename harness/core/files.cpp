#include "core/files.hpp"

#include "core/unique_fd.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rollsim {

namespace {

bool not_after(const timespec& a, const timespec& b)
{
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec);
}

timespec plus_ns(timespec t, long ns)
{
    t.tv_nsec += ns;
    while (t.tv_nsec >= 1000000000L) {
        t.tv_nsec -= 1000000000L;
        ++t.tv_sec;
    }
    return t;
}

bool write_all(int fd, const std::string& text)
{
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Moves the mtime of the open file `fd` past `previous`: 1 ms, or 1 s where timestamps are
// coarser than that. Best effort: the file is written either way.
void move_mtime_past(int fd, const timespec& previous)
{
    struct stat st {};
    if (::fstat(fd, &st) != 0) return;
    for (long step : {1000000L, 1000000000L}) {
        if (!not_after(st.st_mtim, previous)) return;
        const timespec times[2] = {plus_ns(previous, step), plus_ns(previous, step)};
        if (::futimens(fd, times) != 0 || ::fstat(fd, &st) != 0) return;
    }
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::filesystem::path& path, const std::string& text,
                                                 const WriteOptions& options)
{
    std::optional<timespec> previous;
    struct stat old_st {};
    if (options.newer_mtime && ::stat(path.c_str(), &old_st) == 0) previous = old_st.st_mtim;

    std::filesystem::path temporary = path;
    temporary += ".tmp";
    UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (!fd.valid() || !write_all(fd.get(), text)) return "cannot write " + temporary.string() + ": " + std::strerror(errno);
    if (previous) move_mtime_past(fd.get(), *previous);
    if (::close(fd.release()) != 0) return "cannot write " + temporary.string() + ": " + std::strerror(errno);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        return "cannot rename " + temporary.string() + " to " + path.string() + ": " + std::strerror(errno);
    return std::nullopt;
}

bool is_within(const std::filesystem::path& path, const std::filesystem::path& root)
{
    auto r = root.begin();
    for (auto it = path.begin(); r != root.end(); ++it, ++r) {
        if (r->empty()) return true;  // a trailing separator of `root`
        if (it == path.end() || *it != *r) return false;
    }
    return true;
}

}  // namespace rollsim
