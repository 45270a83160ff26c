// Lists as text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rollsim {

// "a, b, c": the items with `separator` between them; "" for no items.
std::string join(const std::vector<std::string>& items, std::string_view separator);

}  // namespace rollsim
