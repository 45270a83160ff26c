#include "report/expectation_id.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

#include <fmt/format.h>

namespace rollsim::report {

namespace {

// FNV-1a, 32 bits: small, and the same on every platform and in every run.
std::uint32_t fnv1a(const std::string& text)
{
    std::uint32_t h = 2166136261u;
    for (unsigned char c : text) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

}  // namespace

std::vector<std::string> expectation_ids(const std::vector<scenario::Expectation>& expectations)
{
    std::vector<std::string> out;
    std::map<std::string, int> seen;  // text -> occurrences so far
    auto taken = [&](const std::string& id) { return std::find(out.begin(), out.end(), id) != out.end(); };
    for (const auto& e : expectations)
        if (!e.id.empty()) seen[e.id] = 1;  // the author's ids, unique (the parser checks), come first
    for (const auto& e : expectations) {
        if (!e.id.empty()) {
            out.push_back(e.id);
            continue;
        }
        int occurrence = ++seen[e.text];
        std::string id = e.text;
        // Should a suffixed id collide with another expectation's, the next occurrence number is
        // tried.
        while (occurrence > 1 || taken(id)) {
            id = fmt::format("{} #{:06x}", e.text, fnv1a(fmt::format("{}\n{}", e.text, occurrence)) & 0xffffffu);
            if (!taken(id)) break;
            ++occurrence;
        }
        out.push_back(std::move(id));
    }
    return out;
}

}  // namespace rollsim::report
