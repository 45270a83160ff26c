// The lab's side of the virtual clock (vclock/clock_file.hpp): the offset file holds the
// offset as 8 native-endian bytes of nanoseconds, a daemon's environment names it, and the
// file goes with its owner. No process is started here (tests/lab/test_vclock.cpp does).
#include "core/error.hpp"
#include "core/time.hpp"
#include "scratch_dir.hpp"
#include "vclock/clock_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace rollsim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Nanos = std::chrono::sys_time<std::chrono::nanoseconds>;

using test::Scratch;

// The offset as a reader of the file sees it.
std::int64_t offset_in_file(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.size(), sizeof(std::int64_t));
    std::int64_t value = 0;
    std::memcpy(&value, bytes.data(), std::min(bytes.size(), sizeof value));
    return value;
}

TEST(VirtualClock, StartsAtOffsetZeroAndWritesEachOffsetToTheFile)
{
    Scratch s;
    vclock::VirtualClock clock(s.path, "/lib/librollsim_vclock.so");
    EXPECT_EQ(clock.file(), s.path / "vclock");
    EXPECT_EQ(offset_in_file(clock.file()), 0);

    const auto days_400 = std::chrono::nanoseconds(400 * 86400LL * 1'000'000'000LL + 123);
    clock.set_offset(days_400);
    EXPECT_EQ(clock.offset(), days_400);
    EXPECT_EQ(offset_in_file(clock.file()), days_400.count());

    clock.set_offset(-30min);
    EXPECT_EQ(offset_in_file(clock.file()), -1'800'000'000'000LL);
}

TEST(VirtualClock, OffsetIsVirtualMinusRealToTheNanosecond)
{
    const TimePoint virtual_now = *parse_time("2027-03-01T00:00:00Z");
    const Nanos real_now = Nanos(std::chrono::sys_days(std::chrono::year(2026) / 11 / 30).time_since_epoch()) +
                           5h + 45min + 10s + 250ms;
    const auto offset = vclock::offset_between(virtual_now, real_now);
    EXPECT_EQ(real_now + offset, Nanos(virtual_now));
    EXPECT_EQ(offset, std::chrono::nanoseconds(91 * 86400LL * 1'000'000'000LL) - 5h - 45min - 10s - 250ms);
    // A virtual instant before the real one gives a negative offset.
    EXPECT_EQ(vclock::offset_between(virtual_now, Nanos(virtual_now) + 2s), -2s);
}

TEST(VirtualClock, SetPutsTheFileAtTheVirtualInstantFromTheRealClock)
{
    Scratch s;
    vclock::VirtualClock clock(s.path, "/lib/librollsim_vclock.so");
    const TimePoint virtual_now = *parse_time("2030-01-01T00:00:00Z");
    clock.set(virtual_now);
    const auto real_now = std::chrono::system_clock::now();
    // real now + offset is the virtual instant, up to the time between set() and the read above.
    const auto seen = real_now + std::chrono::nanoseconds(offset_in_file(clock.file()));
    EXPECT_GE(seen, virtual_now);
    EXPECT_LT(seen, virtual_now + 5s);
}

TEST(VirtualClock, EnvironmentPreloadsTheLibraryAndNamesTheFile)
{
    Scratch s;
    vclock::VirtualClock clock(s.path, "/opt/lib/librollsim_vclock.so", "named.vclock");
    const auto env = clock.environment();
    ASSERT_EQ(env.size(), 2u);
    EXPECT_EQ(env.at("LD_PRELOAD"), "/opt/lib/librollsim_vclock.so");
    EXPECT_EQ(env.at("ROLLSIM_VCLOCK_FILE"), (s.path / "named.vclock").string());
}

TEST(VirtualClock, FileIsRemovedWithTheObjectAndFollowsAMove)
{
    Scratch s;
    fs::path file;
    {
        vclock::VirtualClock first(s.path, "lib.so", "a");
        file = first.file();
        vclock::VirtualClock moved(std::move(first));
        EXPECT_TRUE(fs::exists(file));
        moved.set_offset(7s);
        EXPECT_EQ(offset_in_file(file), 7'000'000'000LL);

        vclock::VirtualClock other(s.path, "lib.so", "b");
        const fs::path other_file = other.file();
        other = std::move(moved);  // `other`'s own file goes, `moved`'s stays with `other`
        EXPECT_FALSE(fs::exists(other_file));
        EXPECT_TRUE(fs::exists(file));
        EXPECT_EQ(other.offset(), 7s);
    }
    EXPECT_FALSE(fs::exists(file));
}

TEST(VirtualClock, UncreatableFileIsALabError)
{
    Scratch s;
    try {
        vclock::VirtualClock clock(s.path / "no-such-dir", "lib.so");
        FAIL() << "expected LabError";
    } catch (const LabError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot create the virtual clock file"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace rollsim
