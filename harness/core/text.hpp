// Lists and words as text, and text fitted to a terminal's width.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rollsim {

// "a, b, c": the items with `separator` between them; "" for no items.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// ASCII case: DNS names, record types and command words compare without it.
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

// The columns `text` takes on a terminal: one per UTF-8 character ("×", "…" and "—" are one
// column wide), none for ANSI escape sequences ("\x1b[31m").
std::size_t display_width(std::string_view text);

// `text` (plain, without escape sequences) when it fits in `width` columns; else its beginning
// and its end with "…" in place of the middle, `width` columns at most, cut between words where
// a space is near. The end is kept because it often says how many more there were ("; and 522
// more").
std::string fit_width(const std::string& text, std::size_t width);

}  // namespace rollsim
