#include "dns/names.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace rollsim::dns {

namespace {

std::string to_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Why `label` cannot stand in a name, or nothing. `first`: the leftmost label.
std::string label_error(std::string_view label, bool first, bool allow_wildcard)
{
    if (label.empty()) return "it has an empty label (two dots in a row, or a leading dot)";
    if (label.size() > 63) return fmt::format("label '{}' is longer than 63 characters", label);
    if (label == "*") {
        if (!allow_wildcard || !first) return "'*' is allowed only as the leftmost label of an owner name";
        return "";
    }
    for (char c : label) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        if (!ok) return fmt::format("label '{}' may hold only letters, digits, '-' and '_'", label);
    }
    return "";
}

}  // namespace

NormalisedName normalise_name(std::string_view text, std::string_view origin, bool allow_wildcard)
{
    if (text.empty()) return {"", "the name is empty"};
    std::string name = to_lower(text);
    if (name == "@") {
        if (origin.empty()) return {"", "'@' means the zone apex and is not allowed here"};
        return {std::string(origin), ""};
    }
    if (name == ".") return {".", ""};
    if (name.back() != '.') {
        if (origin.empty() || origin == ".") name += ".";
        else name += "." + std::string(origin);
    }
    if (name.size() - 1 > 253) return {"", "it is longer than 253 characters"};
    std::size_t begin = 0;
    for (bool first = true; begin < name.size(); first = false) {
        const std::size_t dot = name.find('.', begin);
        std::string error = label_error(std::string_view(name).substr(begin, dot - begin), first, allow_wildcard);
        if (!error.empty()) return {"", std::move(error)};
        begin = dot + 1;
    }
    return {name, ""};
}

std::string parent_name(const std::string& name)
{
    if (name == ".") return ".";
    const std::size_t dot = name.find('.');
    if (dot == std::string::npos || dot + 1 >= name.size()) return ".";
    return name.substr(dot + 1);
}

bool is_at_or_below(std::string_view name, std::string_view zone)
{
    if (zone == "." || name == zone) return true;
    return name.size() > zone.size() && name.substr(name.size() - zone.size()) == zone &&
           name[name.size() - zone.size() - 1] == '.';
}

int label_count(const std::string& name)
{
    if (name == ".") return 0;
    return int(std::count(name.begin(), name.end(), '.'));
}

}  // namespace rollsim::dns
