// Name patterns: one name that stands for many, as a portfolio's zones do.
//
// "shop{1..1000}.example." stands for shop1.example. .. shop1000.example., in that order. A
// pattern holds at most one range {A..B} of decimal numbers with A <= B; when A is written with
// leading zeros ("{001..250}") every number is padded to A's width (shop001 .. shop250). A name
// without braces stands for itself.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rollsim::scenario {

// The most names one pattern may stand for.
constexpr std::size_t kMaxPatternNames = 10000;

struct PatternExpansion {
    std::vector<std::string> names;  // in order; empty when `error` is set
    std::string error;               // what is wrong and what to write instead; empty if none
};

// True when `text` contains a '{' or a '}' (a pattern, or a malformed one).
bool is_pattern(const std::string& text);

// The names `text` stands for, or an error such as "the range {5..1} has no names; write the
// smaller number first, e.g. {1..5}".
PatternExpansion expand_pattern(const std::string& text);

}  // namespace rollsim::scenario
