#include "cli/scenario_input.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "scenario/parse.hpp"
#include "scenario/zone_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

// The data directory relative to the program's directory: GNUInstallDirs' datadir/rollsim seen
// from its bindir (CMakeLists.txt), "../share/rollsim" by default.
#ifndef ROLLSIM_DATA_FROM_BIN
#define ROLLSIM_DATA_FROM_BIN "../share/rollsim"
#endif

namespace rollsim::cli {

namespace fs = std::filesystem;

namespace {

bool is_ttl(const std::string& word)
{
    // 3600, or BIND's units: 1h, 1d12h, 2W
    return !word.empty() && std::isdigit(static_cast<unsigned char>(word[0])) &&
           std::all_of(word.begin(), word.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) || std::strchr("smhdwSMHDW", c) != nullptr;
           });
}

bool is_class(const std::string& word)
{
    const std::string w = to_upper(word);
    return w == "IN" || w == "CH" || w == "HS" || w == "CS";
}

bool is_record_type(const std::string& word)
{
    const auto& types = scenario::vocabulary().record_types;
    return std::find(types.begin(), types.end(), to_upper(word)) != types.end();
}

// An owner name as a master file writes it: @, *, or a domain name, relative or absolute.
bool is_owner(const std::string& word)
{
    return !word.empty() && word != "-" && word.back() != ':' &&
           std::all_of(word.begin(), word.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("@*._-\\", c) != nullptr;
           });
}

// `owner [ttl] [class] TYPE ...`, or ` [ttl] [class] TYPE ...` (the previous owner).
bool is_record_line(const std::string& line)
{
    std::istringstream in(line.substr(0, line.find(';')));
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    std::size_t i = 0;
    if (!std::isspace(static_cast<unsigned char>(line[0]))) {
        if (words.empty() || !is_owner(words[0])) return false;
        i = 1;
    }
    for (int skipped = 0; skipped < 2 && i < words.size() && (is_ttl(words[i]) || is_class(words[i])); ++skipped) ++i;
    return i + 1 < words.size() && is_record_type(words[i]);  // a type, then its data
}

bool is_directive(const std::string& line)
{
    for (const char* d : {"$ORIGIN", "$TTL", "$INCLUDE", "$GENERATE"}) {
        const std::size_t n = std::strlen(d);
        if (to_upper(line.substr(0, n)) == d && (line.size() == n || std::isspace(static_cast<unsigned char>(line[n]))))
            return true;
    }
    return false;
}

// "zones/example.com.zone:11: looks like a zone file, ..." for a file that is one.
void refuse_zone_file(const std::string& file, const std::string& text)
{
    const auto line = zone_file_line(text);
    if (!line) return;
    throw ScenarioError(file, *line, 0,
                        fmt::format("looks like a zone file, not a scenario; name it in a scenario's template: "
                                    "zones: {{ example.com.: {{ template: {} }} }} (docs/scenario-format.md)",
                                    file));
}

// Where an opening quote may stand: at the start, after a blank or an opening bracket (not
// the apostrophe of "scenario's").
bool opens_quote(const std::string& s, std::size_t i)
{
    return s[i] == '\'' && (i == 0 || std::strchr(" ([{", s[i - 1]) != nullptr);
}

bool closes_quote(const std::string& s, std::size_t i)
{
    return s[i] == '\'' && (i + 1 == s.size() || std::strchr(" ,.;:)]}?!", s[i + 1]) != nullptr);
}

bool is_within(const fs::path& file, const fs::path& dir)
{
    const auto [d, f] = std::mismatch(dir.begin(), dir.end(), file.begin(), file.end());
    return d == dir.end();
}

// parse(), its errors' long quotes cut (cut_long_quotes).
template <typename Parse>
scenario::Scenario with_short_quotes(const Parse& parse)
{
    try {
        return parse();
    } catch (const scenario::ZoneFileError& e) {
        // Every problem of an operator's zone file, each cut as one error would be.
        std::vector<ScenarioError> cut;
        for (const auto& p : e.problems())
            cut.emplace_back(p.file(), p.line(), p.column(), cut_long_quotes(p.message()));
        throw scenario::ZoneFileError(std::move(cut));
    } catch (const ScenarioError& e) {
        const std::string message = cut_long_quotes(e.message());
        if (message == e.message()) throw;
        throw ScenarioError(e.file(), e.line(), e.column(), message);
    }
}

}  // namespace

std::optional<int> zone_file_line(const std::string& text)
{
    std::istringstream in(text);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == ';') continue;
        if (is_directive(line) || is_record_line(line)) return number;
        return std::nullopt;
    }
    return std::nullopt;
}

std::string cut_long_quotes(const std::string& message, std::size_t limit)
{
    constexpr std::size_t kKept = 60;
    std::string out;
    std::size_t i = 0;
    while (i < message.size()) {
        std::size_t close = std::string::npos;
        if (opens_quote(message, i))
            for (std::size_t j = i + 1; j < message.size() && close == std::string::npos; ++j)
                if (closes_quote(message, j)) close = j;
        if (close == std::string::npos || close - i - 1 <= limit) {
            const std::size_t end = close == std::string::npos ? i + 1 : close + 1;
            out += message.substr(i, end - i);
            i = end;
            continue;
        }
        std::size_t keep = std::min(kKept, limit);  // not inside a UTF-8 sequence
        while (keep > 0 && (static_cast<unsigned char>(message[i + 1 + keep]) & 0xc0) == 0x80) --keep;
        out += fmt::format("'{}...' ({} characters, cut)", message.substr(i + 1, keep), close - i - 1);
        i = close + 1;
    }
    return out;
}

fs::path installed_data_dir()
{
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    const fs::path data = fs::weakly_canonical(self.parent_path() / ROLLSIM_DATA_FROM_BIN, ec);
    if (ec || !fs::is_directory(data / "scenarios", ec)) return {};
    return data;
}

std::string template_root_for(const std::string& file, const std::string& given, const fs::path& data_dir)
{
    if (!given.empty() || data_dir.empty()) return given;
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(fs::absolute(file, ec), ec);
    return !ec && is_within(real, data_dir) ? data_dir.string() : std::string();
}

scenario::Scenario read_scenario(const std::string& file, const std::string& template_root)
{
    {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        if (in) text << in.rdbuf();
        refuse_zone_file(file, text.str());
    }
    return with_short_quotes(
        [&] { return scenario::parse_scenario(file, template_root_for(file, template_root, installed_data_dir())); });
}

scenario::Scenario read_variant(const scenario::SweepVariant& variant, const std::string& file,
                                const std::string& template_root)
{
    return with_short_quotes([&] {
        return scenario::parse_sweep_variant(variant, file, template_root_for(file, template_root, installed_data_dir()));
    });
}

}  // namespace rollsim::cli
