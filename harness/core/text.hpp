// Lists and words as text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rollsim {

// "a, b, c": the items with `separator` between them; "" for no items.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// ASCII case: DNS names, record types and command words compare without it.
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

}  // namespace rollsim
