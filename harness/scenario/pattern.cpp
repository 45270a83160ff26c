#include "scenario/pattern.hpp"

#include <charconv>
#include <optional>
#include <variant>

#include <fmt/format.h>

namespace rollsim::scenario {

namespace {

struct Range {
    std::size_t open = 0, close = 0;  // positions of '{' and '}'
    unsigned long first = 0, last = 0;
    std::size_t width = 0;  // zero-padded width, 0 if none
};

std::optional<unsigned long> number(const std::string& digits)
{
    if (digits.empty() || digits.size() > 9) return std::nullopt;
    unsigned long value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

// The single range of `text`, or an error.
std::variant<Range, std::string> find_range(const std::string& text)
{
    Range r;
    r.open = text.find('{');
    r.close = text.find('}');
    const std::string example = "e.g. shop{1..100}.example.";
    if (r.open == std::string::npos || r.close == std::string::npos || r.close < r.open)
        return fmt::format("'{}' has an unmatched brace; a pattern holds one range such as {{1..100}}, {}", text,
                           example);
    if (text.find_first_of("{}", r.close + 1) != std::string::npos)
        return fmt::format("'{}' has more than one range; a pattern holds one, {}", text, example);
    const std::string inside = text.substr(r.open + 1, r.close - r.open - 1);
    const std::size_t dots = inside.find("..");
    const auto first = dots == std::string::npos ? std::nullopt : number(inside.substr(0, dots));
    const auto last = dots == std::string::npos ? std::nullopt : number(inside.substr(dots + 2));
    if (!first || !last)
        return fmt::format("'{{{}}}' in '{}' is not a range of numbers; write {{FIRST..LAST}}, {}", inside, text,
                           example);
    if (*first > *last)
        return fmt::format("the range {{{}}} in '{}' has no names; write the smaller number first, e.g. {{{}..{}}}",
                           inside, text, *last, *first);
    r.first = *first;
    r.last = *last;
    const std::string first_text = inside.substr(0, dots);
    if (first_text.size() > 1 && first_text[0] == '0') r.width = first_text.size();
    return r;
}

}  // namespace

bool is_pattern(const std::string& text) { return text.find_first_of("{}") != std::string::npos; }

PatternExpansion expand_pattern(const std::string& text)
{
    PatternExpansion out;
    if (!is_pattern(text)) {
        out.names.push_back(text);
        return out;
    }
    const auto found = find_range(text);
    if (const auto* error = std::get_if<std::string>(&found)) {
        out.error = *error;
        return out;
    }
    const auto& r = std::get<Range>(found);
    const unsigned long count = r.last - r.first + 1;
    if (count > kMaxPatternNames) {
        out.error = fmt::format("'{}' stands for {} names; a pattern may stand for at most {}", text, count,
                                kMaxPatternNames);
        return out;
    }
    const std::string head = text.substr(0, r.open);
    const std::string tail = text.substr(r.close + 1);
    out.names.reserve(count);
    for (unsigned long n = r.first; n <= r.last; ++n)
        out.names.push_back(head + fmt::format("{:0{}}", n, r.width) + tail);
    return out;
}

}  // namespace rollsim::scenario
