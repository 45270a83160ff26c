// Write confinement with the mount API: unshare(CLONE_NEWNS), private propagation so nothing
// reaches the runner's namespace, then one recursive mount_setattr(2) (Linux 5.12) that makes
// the whole tree read-only in a single step, with no submount left out.
#include "lab/sandbox.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>

namespace rollsim::lab {

namespace {

// What apply() reports as failed, one per step.
constexpr const char* kUnshare = "unshare(CLONE_NEWNS)";
constexpr const char* kPrivate = "making / private";
constexpr const char* kBind = "bind-mounting the work directory";
constexpr const char* kReadOnly = "making every mount read-only (mount_setattr)";
constexpr const char* kWritable = "making the work directory writable (mount_setattr)";
constexpr const char* kShm = "mounting a private /dev/shm";

}  // namespace

WriteConfinement::WriteConfinement(const std::filesystem::path& writable) : m_writable(writable.string()) {}

const char* WriteConfinement::apply() const noexcept
{
    if (::unshare(CLONE_NEWNS) != 0) return kUnshare;
    // Our mounts stay ours: with a shared /, they would propagate to the lab's namespace.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return kPrivate;
    // The work directory as a mount of its own, so that it alone can be made writable again.
    const char* dir = m_writable.c_str();
    if (::mount(dir, dir, nullptr, MS_BIND, nullptr) != 0) return kBind;

    struct mount_attr read_only {};
    read_only.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &read_only, sizeof read_only) != 0) return kReadOnly;
    struct mount_attr writable {};
    writable.attr_clr = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(AT_FDCWD, dir, 0, &writable, sizeof writable) != 0) return kWritable;

    // POSIX shared memory and semaphores (shm_open, sem_open) live in /dev/shm: a small private
    // tmpfs keeps them working with no way out. A system without /dev/shm gets none.
    if (::mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=16m") != 0 &&
        errno != ENOENT)
        return kShm;
    return nullptr;
}

}  // namespace rollsim::lab
