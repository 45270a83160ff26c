// Words for the parser's messages and the values it reads (internal to scenario/): case
// folding (core/text.hpp's), lists in prose ("a, b and c"), the did-you-mean hint for a word not among the
// candidates, whole numbers and hex, and the record types a scenario may name.
#pragma once

#include "core/text.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollsim::scenario::detail {

using rollsim::to_lower;  // core/text.hpp
using rollsim::to_upper;
// Whitespace-separated words.
std::vector<std::string> split_words(std::string_view s);
// "a", "a and b", "a, b and c"
std::string join_and(const std::vector<std::string>& items);
std::string join(const std::vector<std::string>& items, std::string_view sep);

template <typename Range>
std::vector<std::string> to_strings(const Range& range)
{
    std::vector<std::string> out;
    for (const auto& s : range) out.emplace_back(s);
    return out;
}

// The candidate closest to `word` (case-insensitive edits, adjacent transpositions counted
// once), if it is close enough to be a likely typo.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or " (expected one of: a, b, c)"; `list_all` false leaves the list out.
std::string suggest(std::string_view word, const std::vector<std::string>& candidates, bool list_all = true);

std::optional<long long> parse_integer(std::string_view text);
bool is_hex(std::string_view s);

// Record types a scenario may name (in records, probes and ttl), upper-case; the lab generates
// some of them.
const std::vector<std::string>& record_types();
bool is_record_type(std::string_view upper_type);
// " (did you mean 'AAAA'?)", or a list of common types.
std::string record_type_hint(std::string_view word);

}  // namespace rollsim::scenario::detail
