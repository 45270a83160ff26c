#include "lab/config_template.hpp"

#include "core/error.hpp"

#include <cctype>
#include <cstddef>
#include <set>

namespace rollsim::lab {

namespace detail {

// Defined in the file CMakeLists.txt generates from harness/lab/*.in.
struct ConfigTemplateFile {
    std::string_view name;
    std::string_view text;
};
extern const ConfigTemplateFile kConfigTemplates[];
extern const std::size_t kConfigTemplateCount;

}  // namespace detail

std::string_view config_template(std::string_view name)
{
    for (std::size_t i = 0; i < detail::kConfigTemplateCount; ++i)
        if (detail::kConfigTemplates[i].name == name) return detail::kConfigTemplates[i].text;
    throw LabError("no configuration template harness/lab/" + std::string(name) + " in this build");
}

namespace {

bool is_key_char(char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::string fill_template(std::string_view name, const std::map<std::string, std::string>& values)
{
    const std::string_view text = config_template(name);
    std::string out;
    std::set<std::string> used;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t at = text.find('@', pos);
        std::size_t end = at == std::string_view::npos ? at : at + 1;
        while (end != std::string_view::npos && end < text.size() && is_key_char(text[end])) ++end;
        if (at == std::string_view::npos || end >= text.size() || text[end] != '@' || end == at + 1) {
            // No placeholder here: copy up to and including this '@' (or the rest).
            const std::size_t upto = at == std::string_view::npos ? text.size() : at + 1;
            out.append(text.substr(pos, upto - pos));
            pos = upto;
            continue;
        }
        out.append(text.substr(pos, at - pos));
        const std::string key(text.substr(at + 1, end - at - 1));
        const auto value = values.find(key);
        if (value == values.end())
            throw LabError("harness/lab/" + std::string(name) + ": no value for @" + key + "@");
        out += value->second;
        used.insert(key);
        pos = end + 1;
    }
    for (const auto& [key, value] : values)
        if (!used.count(key)) throw LabError("harness/lab/" + std::string(name) + " has no @" + key + "@");
    return out;
}

}  // namespace rollsim::lab
