#include "scenario/pattern.hpp"

#include <gtest/gtest.h>

using rollsim::scenario::expand_pattern;
using rollsim::scenario::is_pattern;

TEST(Pattern, ANameWithoutBracesStandsForItself)
{
    const auto e = expand_pattern("example.com.");
    EXPECT_EQ(e.error, "");
    EXPECT_EQ(e.names, std::vector<std::string>{"example.com."});
    EXPECT_FALSE(is_pattern("example.com."));
}

TEST(Pattern, ARangeExpandsInOrder)
{
    const auto e = expand_pattern("shop{8..11}.example.");
    EXPECT_EQ(e.error, "");
    EXPECT_EQ(e.names, (std::vector<std::string>{"shop8.example.", "shop9.example.", "shop10.example.",
                                                 "shop11.example."}));
    EXPECT_TRUE(is_pattern("shop{8..11}.example."));
}

TEST(Pattern, LeadingZerosPadEveryNumber)
{
    const auto e = expand_pattern("www.z{098..100}.com.");
    EXPECT_EQ(e.names, (std::vector<std::string>{"www.z098.com.", "www.z099.com.", "www.z100.com."}));
}

TEST(Pattern, ATooLargeOrEmptyOrMalformedRangeIsAnError)
{
    EXPECT_EQ(expand_pattern("shop{5..1}.example.").error,
              "the range {5..1} in 'shop{5..1}.example.' has no names; write the smaller number first, e.g. {1..5}");
    EXPECT_EQ(expand_pattern("shop{1..20000}.example.").error,
              "'shop{1..20000}.example.' stands for 20000 names; a pattern may stand for at most 10000");
    EXPECT_NE(expand_pattern("shop{1..2}.x{1..2}.").error.find("more than one range"), std::string::npos);
    EXPECT_NE(expand_pattern("shop{1..2.example.").error.find("unmatched brace"), std::string::npos);
    EXPECT_NE(expand_pattern("shop}1..2{.example.").error.find("unmatched brace"), std::string::npos);
    EXPECT_NE(expand_pattern("shop{a..b}.example.").error.find("not a range of numbers"), std::string::npos);
    EXPECT_NE(expand_pattern("shop{1-3}.example.").error.find("not a range of numbers"), std::string::npos);
    EXPECT_TRUE(expand_pattern("shop{1..3}.example.").error.empty());
}
