// Owned temporary directories: a directory whose owner file nobody holds locked is swept, one
// whose owner lives (holding the lock) is kept, and one without an owner file is never touched.
#include "core/temp_dir.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <optional>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rollsim {
namespace {

namespace fs = std::filesystem;

using test::Scratch;

// Whether some open file description holds `file` locked: a fresh one cannot take the lock.
bool locked(const fs::path& file)
{
    const UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return false;
    return ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

// A directory made by a process that was killed before it could remove it: the child makes it
// and leaves without running destructors (as SIGKILL would), so the kernel drops its lock.
fs::path left_by_killed_run(const fs::path& parent, const std::string& prefix)
{
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        const OwnedTempDir* dir = new OwnedTempDir(parent, prefix);  // never destroyed
        const std::string path = dir->path().string();
        (void)!::write(pipe_fds[1], path.data(), path.size());
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    char buffer[4096];
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return n > 0 ? fs::path(std::string(buffer, std::size_t(n))) : fs::path();
}

TEST(TempDir, OwnedDirectoryHoldsItsOwnerFileLocked)
{
    Scratch s;
    std::optional<OwnedTempDir> dir(std::in_place, s.path, "rollsim-x-");
    const fs::path path = dir->path();
    EXPECT_EQ(path.parent_path(), s.path);
    EXPECT_EQ(path.filename().string().rfind("rollsim-x-", 0), 0u);
    EXPECT_TRUE(locked(path / kOwnerFile));
    dir.reset();
    EXPECT_FALSE(fs::exists(path));
}

TEST(TempDir, SweepRemovesOnlyDirectoriesNoLiveOwnerHolds)
{
    Scratch s;
    const OwnedTempDir mine(s.path, "rollsim-");
    const fs::path orphan = left_by_killed_run(s.path, "rollsim-");
    ASSERT_TRUE(fs::exists(orphan / kOwnerFile));
    EXPECT_FALSE(locked(orphan / kOwnerFile));
    const fs::path foreign = s.path / "rollsim-by-hand";
    fs::create_directory(foreign);
    const fs::path other_prefix = left_by_killed_run(s.path, "other-");
    // An older release's directory names its owner by PID in another file: not this sweep's.
    const fs::path older = s.path / "rollsim-older";
    fs::create_directory(older);
    std::ofstream(older / ".rollsim-owner") << "1 12345\n";

    EXPECT_EQ(remove_orphaned_temp_dirs(s.path, "rollsim-"), 1);
    EXPECT_TRUE(fs::exists(mine.path()));
    EXPECT_FALSE(fs::exists(orphan));
    EXPECT_TRUE(fs::exists(foreign));
    EXPECT_TRUE(fs::exists(other_prefix));
    EXPECT_TRUE(fs::exists(older));
}

TEST(TempDir, AKeptDirectoryOutlivesItsOwnerAndEverySweep)
{
    Scratch s;
    fs::path path;
    {
        OwnedTempDir dir(s.path, "rollsim-");
        path = dir.path();
        dir.keep();
    }
    EXPECT_TRUE(fs::exists(path));
    EXPECT_FALSE(fs::exists(path / kOwnerFile));
    EXPECT_EQ(remove_orphaned_temp_dirs(s.path, "rollsim-"), 0);
    EXPECT_TRUE(fs::exists(path));
}

}  // namespace
}  // namespace rollsim
