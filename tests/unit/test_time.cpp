#include "core/time.hpp"

#include <gtest/gtest.h>

namespace rollsim {
namespace {

TEST(Duration, ParsesUnitsAndCombinations)
{
    EXPECT_EQ(parse_duration("300"), Seconds(300));
    EXPECT_EQ(parse_duration("45s"), Seconds(45));
    EXPECT_EQ(parse_duration("10m"), Seconds(600));
    EXPECT_EQ(parse_duration("1h30m"), Seconds(5400));
    EXPECT_EQ(parse_duration("+1d10m"), Seconds(86400 + 600));
    EXPECT_EQ(parse_duration("2w"), Seconds(14 * 86400));
}

TEST(Duration, RejectsWhatIsNotADuration)
{
    for (const char* bad : {"", "+", "1x", "h", "-5m", "1h30", "1.5h", "10 m"})
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

// A duration is at most a century, as a whole and in each of its terms: no sum of terms can
// overflow, and nothing huge is read as something small.
TEST(Duration, RejectsMoreThanACentury)
{
    EXPECT_EQ(parse_duration("36500d"), Seconds(36500LL * 86400));
    for (const char* huge : {"36501d", "36500d36500d", "999999999999999999999s", "5300w", "9223372036854775807s",
                             "99999999999999999999d1s"})
        EXPECT_FALSE(parse_duration(huge).has_value()) << huge;
    std::string many;
    for (int i = 0; i < 5000; ++i) many += "999999999s";
    EXPECT_FALSE(parse_duration(many).has_value());
}

TEST(Duration, FormatsLargestUnitsFirst)
{
    EXPECT_EQ(format_duration(Seconds(0)), "0s");
    EXPECT_EQ(format_duration(Seconds(90000)), "1d1h");
    EXPECT_EQ(format_duration(Seconds(7 * 86400 + 18 * 3600)), "7d18h");
    EXPECT_EQ(format_offset(Seconds(86400 + 600)), "+1d10m");
    EXPECT_EQ(format_offset(Seconds(-1800)), "-30m");
}

TEST(Time, RoundTripsIsoAndRrsigForms)
{
    auto t = parse_time("2027-03-01T00:00:00Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->time_since_epoch().count(), 1803859200);
    EXPECT_EQ(format_time(*t), "2027-03-01T00:00:00Z");
    EXPECT_EQ(format_rrsig_time(*t + Seconds(3723)), "20270301010203");
    EXPECT_TRUE(parse_time("2027-03-01T00:00:00+00:00"));
    EXPECT_FALSE(parse_time("2027-03-01T00:00:00+01:00"));
    EXPECT_FALSE(parse_time("2027-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_time("yesterday"));
}

}  // namespace
}  // namespace rollsim
