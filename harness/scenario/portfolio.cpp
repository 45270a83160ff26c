// Name patterns where the file names zones and queries (scenario/portfolio.hpp): the parser's
// expansion of a pattern into the names it stands for, with its errors at the pattern's
// position; the zones a zone: pattern names; and a rollover's stagger:.
#include "scenario/portfolio.hpp"

#include "scenario/parser.hpp"
#include "scenario/pattern.hpp"

namespace rollsim::scenario {

Seconds stagger_offset(std::size_t index, std::size_t count, Seconds stagger, Seconds step)
{
    if (count == 0 || step.count() <= 0) return Seconds{0};
    const long long spread = static_cast<long long>(index) * stagger.count() / static_cast<long long>(count);
    return Seconds{spread / step.count() * step.count()};
}

namespace detail {

std::vector<std::string> Parser::expand(const std::string& text, const SourceLoc& where) const
{
    PatternExpansion e = expand_pattern(text);
    if (!e.error.empty()) fail(where, e.error);
    return std::move(e.names);
}

std::string Parser::zone_ref(const Field& f) const
{
    const std::string text = scalar(f);
    if (is_pattern(text))
        fail(loc(f), fmt::format("'{}' is a pattern, which stands for many zones; name one zone here", text));
    return zone_name_ref(text, loc(f));
}

std::vector<std::string> Parser::zone_refs(const Field& f) const
{
    const std::string text = scalar(f);
    if (!is_pattern(text)) return {zone_name_ref(text, loc(f))};
    std::vector<std::string> out;
    for (const auto& name : expand(text, loc(f))) out.push_back(zone_name_ref(name, loc(f)));
    return out;
}

std::string Parser::zone_name_ref(const std::string& text, const SourceLoc& where) const
{
    auto n = dns::normalise_name(text, "", false);
    if (!n.error.empty()) fail(where, fmt::format("bad zone name '{}': {}", text, n.error));
    if (!m_all_zones.count(n.name)) {
        std::vector<std::string> known(m_all_zones.begin(), m_all_zones.end());
        fail(where, fmt::format("zone {} is not in the scenario{}", n.name, suggest(n.name, known)));
    }
    return n.name;
}

std::optional<Field> Parser::pattern_field(const YAML::Node& item, std::string_view name) const
{
    if (!item.IsMap()) return std::nullopt;
    for (const auto& kv : item)
        if (kv.first.IsScalar() && kv.first.Scalar() == name && kv.second.IsScalar() &&
            is_pattern(kv.second.Scalar()))
            return Field{std::string(name), kv.first, kv.second};
    return std::nullopt;
}

std::optional<std::string> Parser::zone_below(const std::string& name, const std::string& zone) const
{
    // `name` and its ancestors strictly below `zone`: walking them costs the labels, not the zones.
    for (std::string a = name; a != zone && a != "."; a = dns::parent_name(a))
        if (m_all_zones.count(a)) return a;
    return std::nullopt;
}

// stagger: spreads the starts of the rolls a pattern names over the given span, so that a
// portfolio's zones do not all roll at the same instant (stagger_offset says how).
void Parser::parse_stagger(RolloverSpec& r, const Fields& f, const PatternSlot* slot)
{
    const Field* s = f.find("stagger");
    const Field* step_field = f.find("stagger-step");
    if (step_field && !s)
        fail(key_loc(*step_field), "stagger-step rounds the starts stagger: spreads; give stagger: too, or remove "
                                   "stagger-step");
    if (!s) return;
    if (!slot)
        fail(key_loc(*s), fmt::format("stagger spreads the starts of the zones a pattern names, and zone: {} is one "
                                      "zone; write zone: as a pattern such as shop{{1..100}}.com., or remove stagger",
                                      r.zone));
    const Seconds stagger = positive_duration(*s);
    if (r.every && stagger > *r.every)
        fail(loc(*s), fmt::format("stagger ({}) is longer than every ({}): the last zones would start after the "
                                  "first ones roll again; make stagger at most every",
                                  format_duration(stagger), format_duration(*r.every)));
    Seconds step{3600};
    if (step_field) {
        step = positive_duration(*step_field);
        if (step > stagger)
            fail(loc(*step_field), fmt::format("stagger-step ({}) is longer than stagger ({}): every zone would start "
                                               "at once; make stagger-step at most stagger",
                                               format_duration(step), format_duration(stagger)));
    }
    r.stagger_offset = stagger_offset(slot->index, slot->count, stagger, step);
    r.start += r.stagger_offset;
    if (slot->index + 1 == slot->count)
        m_times.push_back({r.start, loc(*s), fmt::format("the staggered start of {}'s rollover", r.zone)});
}

}  // namespace detail
}  // namespace rollsim::scenario
