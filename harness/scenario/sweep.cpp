#include "scenario/sweep.hpp"

#include "core/error.hpp"
#include "core/time.hpp"
#include "scenario/parse.hpp"
#include "scenario/text.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace rollsim::scenario {

namespace {

constexpr std::string_view kRangeFields[] = {"from", "to", "step", "random", "seed"};

// A `${name}` in the text: where it stands, for substitution and for errors.
struct Placeholder {
    std::string name;
    std::size_t offset = 0, length = 0;
    int line = 0, column = 0;  // 1-based
};

struct Parameter {
    std::string name;
    std::vector<std::string> values;
    YAML::Mark mark;
};

bool is_parameter_name(const std::string& name)
{
    return !name.empty() && name[0] >= 'a' && name[0] <= 'z' &&
           std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

[[noreturn]] void fail(const std::string& file, const YAML::Mark& mark, const std::string& message)
{
    throw ScenarioError(file, mark.line < 0 ? 0 : mark.line + 1, mark.line < 0 ? 0 : mark.column + 1, message);
}

// Placeholders outside comments: a '#' at the start of a line or after a blank begins one
// (YAML 1.2 6.6), so a comment may speak of ${name} without being a use of it.
std::vector<Placeholder> find_placeholders(const std::string& text, const std::string& file)
{
    std::vector<Placeholder> out;
    int line = 1;
    std::size_t line_start = 0;
    bool comment = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') ++line, line_start = i + 1, comment = false;
        if (text[i] == '#' && (i == line_start || text[i - 1] == ' ' || text[i - 1] == '\t')) comment = true;
        if (comment || text.compare(i, 2, "${") != 0) continue;
        const int column = static_cast<int>(i - line_start) + 1;
        const std::size_t close = text.find('}', i);
        const std::size_t eol = text.find('\n', i);
        if (close == std::string::npos || close > eol)
            throw ScenarioError(file, line, column, "'${' opens a sweep placeholder that is not closed; write ${name}");
        Placeholder p{text.substr(i + 2, close - i - 2), i, close - i + 1, line, column};
        if (!is_parameter_name(p.name))
            throw ScenarioError(file, line, column, fmt::format("'{}' is not a sweep parameter's name; names are "
                                                                "lower-case letters, digits and '-', e.g. ${{ds-ttl}}",
                                                                p.name));
        out.push_back(std::move(p));
    }
    return out;
}

// The text with every placeholder replaced by as many letters, so that YAML reads it (a `${` in a
// flow map is not plain text) with every position unchanged.
std::string masked(std::string text, const std::vector<Placeholder>& placeholders)
{
    for (const auto& p : placeholders) text.replace(p.offset, p.length, std::string(p.length, 'x'));
    return text;
}

Seconds duration_field(const std::string& file, const YAML::Node& range, const char* field, const std::string& name)
{
    const YAML::Node node = range[field];
    const auto d = node.IsScalar() ? parse_duration(node.Scalar()) : std::nullopt;
    if (!d)
        fail(file, node.IsDefined() ? node.Mark() : range.Mark(),
             fmt::format("sweep parameter '{}' needs {} as a duration such as 30m or 2h", name, field));
    return *d;
}

long long count_field(const std::string& file, const YAML::Node& node, const std::string& what)
{
    const auto n = node.IsScalar() ? detail::parse_integer(node.Scalar()) : std::nullopt;
    if (!n || *n < 0) fail(file, node.Mark(), fmt::format("{} must be a whole number, 0 or more", what));
    return *n;
}

// splitmix64: a small generator whose sequence is fixed by its seed on every machine.
std::uint64_t next_random(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::vector<std::string> random_values(const std::string& file, const YAML::Node& range, const std::string& name,
                                       Seconds from, Seconds step, long long points)
{
    const long long count = count_field(file, range["random"], "random (how many values to draw)");
    if (!range["seed"].IsDefined())
        fail(file, range.Mark(), fmt::format("sweep parameter '{}' draws at random; add seed: N so that every run "
                                             "and every shard draws the same values", name));
    auto state = static_cast<std::uint64_t>(count_field(file, range["seed"], "seed"));
    if (count < 1 || count > points)
        fail(file, range["random"].Mark(),
             fmt::format("random: {} cannot draw that many distinct values; from..to by step holds {}", count, points));
    std::set<long long> drawn;
    while (static_cast<long long>(drawn.size()) < count)
        drawn.insert(static_cast<long long>(next_random(state) % static_cast<std::uint64_t>(points)));
    std::vector<std::string> out;
    for (const long long i : drawn) out.push_back(format_duration(from + step * i));
    return out;
}

std::vector<std::string> range_values(const std::string& file, const YAML::Node& range, const std::string& name)
{
    for (const auto& kv : range) {
        const std::string key = kv.first.Scalar();
        const auto allowed = detail::to_strings(kRangeFields);
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            fail(file, kv.first.Mark(), fmt::format("unknown field '{}' in sweep parameter '{}'{}", key, name,
                                                    detail::suggest(key, allowed)));
    }
    const Seconds from = duration_field(file, range, "from", name), to = duration_field(file, range, "to", name);
    if (to < from) fail(file, range["to"].Mark(), fmt::format("sweep parameter '{}': to is before from", name));
    const bool random = range["random"].IsDefined();
    if (!random && !range["step"].IsDefined())
        fail(file, range.Mark(), fmt::format("sweep parameter '{}' needs step: DURATION (every value from..to) or "
                                             "random: N with seed: N (N values drawn from..to)", name));
    const Seconds step = range["step"].IsDefined() ? duration_field(file, range, "step", name) : Seconds(1);
    if (step <= Seconds(0)) fail(file, range["step"].Mark(), "step must be longer than 0s");
    const long long points = (to - from) / step + 1;
    if (random) return random_values(file, range, name, from, step, points);
    if (points > static_cast<long long>(kMaxSweepVariants))
        fail(file, range["step"].Mark(), fmt::format("sweep parameter '{}' takes {} values; at most {} (a longer step)",
                                                     name, points, kMaxSweepVariants));
    std::vector<std::string> out;
    for (long long i = 0; i < points; ++i) out.push_back(format_duration(from + step * i));
    return out;
}

Parameter read_parameter(const std::string& file, const YAML::Node& key, const YAML::Node& value)
{
    Parameter p{key.Scalar(), {}, key.Mark()};
    if (!is_parameter_name(p.name))
        fail(file, key.Mark(), fmt::format("'{}' is not a sweep parameter's name; names are lower-case letters, "
                                           "digits and '-', e.g. ds-ttl", p.name));
    if (value.IsMap()) {
        p.values = range_values(file, value, p.name);
        return p;
    }
    if (!value.IsSequence() || value.size() == 0)
        fail(file, value.IsDefined() && !value.IsNull() ? value.Mark() : key.Mark(),
             fmt::format("sweep parameter '{}' takes a list of values ([30m, 1h]) or a range ({{ from: 0s, to: 2h, "
                         "step: 30m }})", p.name));
    for (const auto& v : value) {
        if (!v.IsScalar() || v.Scalar().empty())
            fail(file, v.Mark(), fmt::format("sweep parameter '{}': each value is one word such as 1h", p.name));
        if (std::find(p.values.begin(), p.values.end(), v.Scalar()) != p.values.end())
            fail(file, v.Mark(), fmt::format("sweep parameter '{}' lists '{}' twice", p.name, v.Scalar()));
        p.values.push_back(v.Scalar());
    }
    return p;
}

std::vector<Parameter> read_parameters(const std::string& file, const YAML::Node& key, const YAML::Node& sweep)
{
    if (!sweep.IsMap() || sweep.size() == 0)
        fail(file, sweep.IsNull() ? key.Mark() : sweep.Mark(),
             "sweep must map each parameter to its values, e.g. sweep: { ds-ttl: [1h, 2h] }, and use ${ds-ttl} "
             "where the value goes");
    std::vector<Parameter> out;
    std::size_t variants = 1;
    for (const auto& kv : sweep) {
        out.push_back(read_parameter(file, kv.first, kv.second));
        variants *= out.back().values.size();
        if (variants > kMaxSweepVariants)
            fail(file, kv.first.Mark(), fmt::format("the sweep has more than {} variants by '{}'; fewer values or "
                                                    "a longer step", kMaxSweepVariants, out.back().name));
    }
    return out;
}

// Every placeholder names a parameter, and every parameter is used.
void check_names(const std::string& file, const std::vector<Parameter>& parameters,
                 const std::vector<Placeholder>& placeholders)
{
    std::vector<std::string> names;
    for (const auto& p : parameters) names.push_back(p.name);
    for (const auto& h : placeholders)
        if (std::find(names.begin(), names.end(), h.name) == names.end())
            throw ScenarioError(file, h.line, h.column,
                                fmt::format("${{{}}} names no sweep parameter{}", h.name, detail::suggest(h.name, names)));
    for (const auto& p : parameters)
        if (std::none_of(placeholders.begin(), placeholders.end(), [&](const Placeholder& h) { return h.name == p.name; }))
            fail(file, p.mark, fmt::format("sweep parameter '{}' is not used; write ${{{}}} where its value goes", p.name,
                                           p.name));
}

SweepVariant variant(const std::string& text, const std::string& file, const std::vector<Placeholder>& placeholders,
                     std::vector<std::pair<std::string, std::string>> values)
{
    SweepVariant v{std::move(values), "", text};
    for (auto it = placeholders.rbegin(); it != placeholders.rend(); ++it) {
        const auto value = std::find_if(v.values.begin(), v.values.end(), [&](const auto& nv) { return nv.first == it->name; });
        v.text.replace(it->offset, it->length, value->second);
    }
    std::vector<std::string> parts;
    for (const auto& [name, value] : v.values) parts.push_back(name + "=" + value);
    v.label = fmt::format("{}[{}]", file, detail::join(parts, ","));
    return v;
}

}  // namespace

std::optional<std::vector<SweepVariant>> expand_sweep(const std::string& text, const std::string& file)
{
    const auto placeholders = find_placeholders(text, file);
    YAML::Node root;
    try {
        root = YAML::Load(masked(text, placeholders));
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
    if (!root.IsMap()) return std::nullopt;
    std::optional<std::vector<Parameter>> parameters;
    for (const auto& kv : root)
        if (kv.first.IsScalar() && kv.first.Scalar() == "sweep") parameters = read_parameters(file, kv.first, kv.second);
    if (!parameters) return std::nullopt;
    check_names(file, *parameters, placeholders);

    std::vector<SweepVariant> out;
    std::vector<std::size_t> at(parameters->size(), 0);  // an odometer over the values
    while (true) {
        std::vector<std::pair<std::string, std::string>> values;
        for (std::size_t i = 0; i < at.size(); ++i) values.emplace_back((*parameters)[i].name, (*parameters)[i].values[at[i]]);
        out.push_back(variant(text, file, placeholders, std::move(values)));
        std::size_t i = at.size();
        while (i > 0 && ++at[i - 1] == (*parameters)[i - 1].values.size()) at[--i] = 0;
        if (i == 0) break;
    }
    return out;
}

Scenario parse_sweep_variant(const SweepVariant& variant, const std::filesystem::path& file,
                             const std::filesystem::path& template_root)
{
    try {
        Scenario sc = parse_scenario_text(variant.text, file.string(), file.parent_path(), template_root);
        sc.file = variant.label;
        return sc;
    } catch (const ScenarioError& e) {
        throw ScenarioError(e.file(), e.line(), e.column(),
                            fmt::format("{} (sweep variant {})", e.message(), values_text(variant.values)));
    }
}

std::string values_text(const std::vector<std::pair<std::string, std::string>>& values)
{
    std::vector<std::string> parts;
    for (const auto& [name, value] : values) parts.push_back(name + "=" + value);
    return detail::join(parts, ", ");
}

}  // namespace rollsim::scenario
