#include "core/text.hpp"

#include <cctype>

namespace rollsim {

namespace {

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The byte offsets at which each character of `text` starts.
std::vector<std::size_t> character_starts(std::string_view text)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!continuation_byte(text[i])) out.push_back(i);
    return out;
}

}  // namespace

std::string join(const std::vector<std::string>& items, std::string_view separator)
{
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += separator;
        out += items[i];
    }
    return out;
}

std::string to_lower(std::string_view text)
{
    std::string out(text);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string to_upper(std::string_view text)
{
    std::string out(text);
    for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::size_t display_width(std::string_view text)
{
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
            // CSI: parameters, then one final byte in 0x40..0x7e.
            i += 2;
            while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7e)) ++i;
            continue;
        }
        if (!continuation_byte(text[i])) ++width;
    }
    return width;
}

std::string fit_width(const std::string& text, std::size_t width)
{
    const auto starts = character_starts(text);
    if (starts.size() <= width) return text;
    if (width == 0) return {};
    // Two thirds of what is left for the beginning, the rest for the end; each cut moved to a
    // space when one is near (within a quarter of its part), so that words stay whole.
    const std::size_t kept = width - 1;
    std::size_t head = kept - kept / 3, tail_start = starts.size() - kept / 3;
    const std::size_t head_room = head;
    for (std::size_t i = head; i-- > 0 && i + head_room / 4 >= head_room;)
        if (text[starts[i]] == ' ') {
            head = i + 1;  // the space stays, before the "…"
            break;
        }
    for (std::size_t i = tail_start; i < starts.size() && i <= tail_start + (kept / 3) / 4; ++i)
        if (text[starts[i]] == ' ') {
            tail_start = i;  // the end starts with the space
            break;
        }
    std::string out = text.substr(0, starts[head]) + "…";
    if (tail_start < starts.size()) out += text.substr(starts[tail_start]);
    return out;
}

}  // namespace rollsim
