// Reading values (scenario/parser.hpp): a map's entries with duplicate names refused, single
// values, durations (signed or not), times as offsets or UTC instants, TTLs, whole numbers in
// a range, booleans and queries, each failing with the field's position and an example.
#include "scenario/parser.hpp"

#include "dns/names.hpp"


namespace rollsim::scenario::detail {

std::string describe(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Null: return "empty";
    case YAML::NodeType::Scalar: return fmt::format("'{}'", node.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    default: return "undefined";
    }
}

std::vector<Field> Parser::entries(const YAML::Node& node, std::string_view what, const SourceLoc& where) const
{
    if (node.IsNull()) return {};
    if (!node.IsMap()) fail(node.Mark().line >= 0 ? loc(node) : where,
                            fmt::format("{} must be a map, not {}", what, describe(node)));
    std::vector<Field> out;
    for (const auto& kv : node) {
        YAML::Node key = kv.first;
        if (!key.IsScalar())
            fail(loc(key), fmt::format("the field names in {} must be plain words, not {}", what, describe(key)));
        for (const auto& seen : out)
            if (seen.name == key.Scalar())
                fail(loc(key), fmt::format("'{}' appears twice in {} (first at line {}); keep one", key.Scalar(),
                                           what, key_loc(seen).line));
        out.push_back({key.Scalar(), key, kv.second});
    }
    return out;
}

const YAML::Node& Parser::items(const Field& f, std::string_view shape) const
{
    if (!f.value.IsSequence()) fail(loc(f), fmt::format("{} must be {}, not {}", f.name, shape, describe(f.value)));
    return f.value;
}

void Parser::require_map(const YAML::Node& item, const SourceLoc& at, std::string_view noun,
                         std::string_view example) const
{
    if (!item.IsMap()) fail(at, fmt::format("each {} must be a map such as {}, not {}", noun, example, describe(item)));
}

std::string Parser::scalar(const Field& f) const
{
    if (f.value.IsNull()) fail(loc(f), fmt::format("{} has no value; give one after '{}:'", f.name, f.name));
    if (!f.value.IsScalar())
        fail(loc(f), fmt::format("{} must be a single value, not {}", f.name, describe(f.value)));
    return f.value.Scalar();
}

Seconds Parser::duration(const Field& f) const
{
    const std::string text = scalar(f);
    auto d = parse_duration(text);
    if (!d)
        fail(loc(f), fmt::format("bad duration '{}' for {} (write seconds or a number with units s, m, h, d, w, "
                                 "e.g. 300, 10m, 1h30m, 2w; at most 100 years)", text, f.name));
    return *d;
}

Seconds Parser::positive_duration(const Field& f) const
{
    const Seconds d = duration(f);
    if (d.count() <= 0) fail(loc(f), fmt::format("{} must be longer than 0s", f.name));
    return d;
}

// A duration that may be negative: "-2d", "+3h", "90m", "0".
Seconds Parser::signed_duration(const Field& f) const
{
    const std::string text = scalar(f);
    std::string_view rest = text;
    const bool negative = !rest.empty() && rest.front() == '-';
    if (negative) rest.remove_prefix(1);
    // parse_duration takes an optional '+' itself; after a '-' no second sign may follow.
    auto d = negative && !rest.empty() && rest.front() == '+' ? std::nullopt : parse_duration(rest);
    if (!d)
        fail(loc(f), fmt::format("bad duration '{}' for {} (write a duration with an optional sign, e.g. -2d, +3h, "
                                 "90m or 0)", text, f.name));
    return negative ? -*d : *d;
}

bool Parser::boolean(const Field& f) const
{
    const std::string text = scalar(f);
    bool value = false;
    if (!YAML::convert<bool>::decode(f.value, value))
        fail(loc(f), fmt::format("{} must be true or false, not '{}'", f.name, text));
    return value;
}

Seconds Parser::time(const Field& f)
{
    const std::string text = scalar(f);
    Seconds offset{0};
    if (auto d = parse_duration(text)) {
        offset = *d;
    } else if (auto t = parse_time(text)) {
        if (*t < m_scenario.start)
            fail(loc(f), fmt::format("{} ({}) is before start ({}); use a time at or after start", f.name, text,
                                     format_time(m_scenario.start)));
        offset = *t - m_scenario.start;
    } else if (!text.empty() && text.front() == '-') {
        fail(loc(f), fmt::format("{} ({}) is before start; times are offsets from start and cannot be negative",
                                 f.name, text));
    } else {
        fail(loc(f), fmt::format("bad time '{}' for {} (write an offset from start such as +1d10m, or a UTC time "
                                 "such as 2027-03-02T00:10:00Z)", text, f.name));
    }
    m_times.push_back({offset, loc(f), f.name});
    return offset;
}

std::uint32_t Parser::ttl(const Field& f) const
{
    const std::string text = scalar(f);
    auto d = parse_duration(text);
    if (!d)
        fail(loc(f), fmt::format("bad TTL '{}' for {} (write seconds or a duration, e.g. 300 or 1h)", text, f.name));
    if (d->count() <= 0) fail(loc(f), fmt::format("TTL {} must be at least 1s (write e.g. 300 or 1h)", f.name));
    if (d->count() > kMaxTtl)
        fail(loc(f), fmt::format("TTL '{}' for {} is too large (at most {} seconds, RFC 2181 section 8)", text,
                                 f.name, kMaxTtl));
    return std::uint32_t(d->count());
}

long long Parser::integer(const Field& f, long long low, long long high) const
{
    const std::string text = scalar(f);
    auto v = parse_integer(text);
    if (!v || *v < low || *v > high)
        fail(loc(f), fmt::format("{} must be a whole number from {} to {}, not '{}'", f.name, low, high, text));
    return *v;
}

// "www.example.com. A" -> {"www.example.com.", "A"}
Query Parser::query(const std::string& text, const SourceLoc& where) const
{
    auto words = split_words(text);
    if (words.size() != 2)
        fail(where, fmt::format("bad query '{}' (write a name and a type, e.g. 'www.example.com. A')", text));
    auto name = dns::normalise_name(words[0], "", false);
    if (!name.error.empty()) fail(where, fmt::format("bad name '{}' in query: {}", words[0], name.error));
    std::string type = to_upper(words[1]);
    if (!is_record_type(type))
        fail(where, fmt::format("unknown query type '{}'{}", words[1], record_type_hint(words[1])));
    return {name.name, type};
}

}  // namespace rollsim::scenario::detail
