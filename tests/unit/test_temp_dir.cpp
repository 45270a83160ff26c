// Owned temporary directories: a directory whose owner has exited is swept, one whose owner
// runs is kept, and one without an owner file is never touched.
#include "core/temp_dir.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

namespace rollsim {
namespace {

namespace fs = std::filesystem;

using test::Scratch;

// The PID of a process that has exited (and been reaped).
long exited_pid()
{
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

TEST(TempDir, OwnedDirectoryNamesItsOwner)
{
    Scratch s;
    const fs::path dir = make_owned_temp_dir(s.path, "rollsim-x-");
    EXPECT_EQ(dir.parent_path(), s.path);
    EXPECT_EQ(dir.filename().string().rfind("rollsim-x-", 0), 0u);
    std::ifstream owner(dir / kOwnerFile);
    long pid = 0;
    owner >> pid;
    EXPECT_EQ(pid, static_cast<long>(::getpid()));
}

TEST(TempDir, SweepRemovesOnlyDirectoriesOfExitedOwners)
{
    Scratch s;
    const fs::path mine = make_owned_temp_dir(s.path, "rollsim-");
    const fs::path orphan = make_owned_temp_dir(s.path, "rollsim-");
    std::ofstream(orphan / kOwnerFile) << exited_pid() << " 12345\n";
    const fs::path recycled = make_owned_temp_dir(s.path, "rollsim-");  // a live PID, another start time
    std::ofstream(recycled / kOwnerFile) << ::getpid() << " 1\n";
    const fs::path foreign = s.path / "rollsim-by-hand";
    fs::create_directory(foreign);
    const fs::path other_prefix = make_owned_temp_dir(s.path, "other-");
    std::ofstream(other_prefix / kOwnerFile) << exited_pid() << " 12345\n";

    EXPECT_EQ(remove_orphaned_temp_dirs(s.path, "rollsim-"), 2);
    EXPECT_TRUE(fs::exists(mine));
    EXPECT_FALSE(fs::exists(orphan));
    EXPECT_FALSE(fs::exists(recycled));
    EXPECT_TRUE(fs::exists(foreign));
    EXPECT_TRUE(fs::exists(other_prefix));
}

}  // namespace
}  // namespace rollsim
