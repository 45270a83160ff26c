#include "scenario/parse.hpp"

#include "scenario/names.hpp"

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/names.hpp"
#include "rollover/planner.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

namespace rollsim::scenario {

namespace fs = std::filesystem;

using dns::is_at_or_below;
using dns::label_count;
using dns::normalise_name;

namespace {

// ---------------------------------------------------------------------------------------------
// Constant tables

constexpr Seconds kDay{86400};
constexpr int kMaxServers = 8;
constexpr int kMaxZones = 250;        // the lab numbers zone addresses 127.53.<zone>.<server>
constexpr int kMaxUnbound = 4;
constexpr std::string_view kReservedZone = "rollsim.";  // root servers: ns1.root-servers.rollsim.

// Record types a scenario may name (in records, probes and ttl). The lab generates some of them.
constexpr std::string_view kRecordTypes[] = {
    "A",     "AAAA",   "AFSDB", "APL",   "CAA",   "CDNSKEY", "CDS",        "CERT",       "CNAME",
    "CSYNC", "DHCID",  "DNAME", "DNSKEY", "DS",   "EUI48",   "EUI64",      "HINFO",      "HIP",
    "HTTPS", "IPSECKEY", "KX",  "LOC",   "MX",    "NAPTR",   "NS",         "NSEC",       "NSEC3",
    "NSEC3PARAM", "OPENPGPKEY", "PTR", "RP", "RRSIG", "SMIMEA", "SOA",     "SPF",        "SRV",
    "SSHFP", "SVCB",   "TLSA",  "TXT",   "URI",   "ZONEMD",
};

// The faults that take a parameter, in catalog order.
std::vector<std::string> fault_takers(unsigned param)
{
    std::vector<std::string> out;
    for (const auto& row : kFaultNames)
        if (row.takes & param) out.emplace_back(row.name);
    return out;
}

// Fault parameter defaults.
constexpr std::string_view kDefaultFaultType = "A";
constexpr Seconds kDefaultFaultOffset{2 * 86400};
constexpr int kDefaultNsec3Iterations = 200;  // nsec3-iterations
constexpr int kDefaultBadAlgorithm = 253;     // unsupported-algorithm: PRIVATEDNS
constexpr int kMaxNsec3Iterations = 2500;

constexpr std::string_view kTopFields[] = {"name",     "description", "start",     "duration", "zones",
                                             "timeline", "probes",      "resolvers", "expect",   "rollover"};
constexpr std::string_view kRolloverFields[] = {"zone",   "method",   "key",               "start",  "algorithm",
                                                  "parent", "override", "propagation-delay", "margin", "every",
                                                  "count"};
constexpr std::string_view kRolloverParentFields[] = {"registration-delay", "propagation-delay"};
constexpr std::string_view kRolloverOverrideFields[] = {"publish-interval", "retire-interval", "remove-interval"};
constexpr std::string_view kZoneFields[] = {"template", "records", "servers", "ttl", "signing", "keys", "parent-agent"};
constexpr std::string_view kParentAgentFields[] = {"scan-every", "registration-delay", "delete"};
constexpr std::string_view kSigningFields[] = {"algorithm", "validity", "refresh", "inception-offset",
                                                 "denial",    "nsec3"};
constexpr std::string_view kNsec3Fields[] = {"iterations", "salt"};
constexpr std::string_view kKeyFields[] = {"role",   "algorithm", "bits", "publish",   "activate",
                                             "retire", "remove",    "ds",   "ds-remove", "servers", "revoke"};
constexpr std::string_view kTtlFields[] = {"default", "dnskey", "ds", "soa", "ns", "negative"};
constexpr std::string_view kEventFields[] = {"at",     "do",   "fault", "key",    "zone",     "until",      "say",
                                               "server", "type", "name",  "offset", "validity", "iterations", "algorithm"};
constexpr std::string_view kProbeFields[] = {"every", "names"};
constexpr std::string_view kResolverFields[] = {"kind",
                                                  "clock-offset",
                                                  "serve-expired",
                                                  "val-sig-skew-min",
                                                  "val-sig-skew-max",
                                                  "val-bogus-ttl",
                                                  "harden-algo-downgrade",
                                                  "max-nsec3-iterations",
                                                  "trust-anchor",
                                                  "add-holddown",
                                                  "del-holddown",
                                                  "start",
                                                  "offline"};
constexpr std::string_view kOfflineFields[] = {"from", "until"};
constexpr std::string_view kExpectFields[] = {"query",       "resolver",       "from",           "until",
                                                "outcome",     "ede",            "otherwise",      "no-failures",
                                                "failure-window", "starts-between", "lasts-between", "predicted-windows"};
// What each kind of expectation takes (the kind's own field first).
constexpr std::string_view kNoFailuresFields[] = {"no-failures", "query", "resolver", "from", "until"};
constexpr std::string_view kFailureWindowFields[] = {"failure-window", "resolver", "starts-between", "lasts-between",
                                                       "ede"};

// Unbound's defaults for the signature-skew window (val-sig-skew-min / -max).
constexpr Seconds kUnboundSkewMin{3600};
constexpr Seconds kUnboundSkewMax{86400};

// ---------------------------------------------------------------------------------------------
// Small string helpers

std::string to_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string to_upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> split_words(std::string_view s)
{
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// "a", "a and b", "a, b and c"
std::string join_and(const std::vector<std::string>& items)
{
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? " and " : ", ";
        out += items[i];
    }
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep)
{
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += sep;
        out += items[i];
    }
    return out;
}

template <typename Range>
std::vector<std::string> to_strings(const Range& range)
{
    std::vector<std::string> out;
    for (const auto& s : range) out.emplace_back(s);
    return out;
}

// Optimal string alignment distance (edits, with adjacent transpositions), case-insensitive.
int edit_distance(std::string_view a_in, std::string_view b_in)
{
    const std::string a = to_lower(a_in), b = to_lower(b_in);
    const size_t n = a.size(), m = b.size();
    std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
    for (size_t i = 0; i <= n; ++i) d[i][0] = int(i);
    for (size_t j = 0; j <= m; ++j) d[0][j] = int(j);
    for (size_t i = 1; i <= n; ++i) {
        for (size_t j = 1; j <= m; ++j) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates)
{
    const int limit = word.size() <= 3 ? 1 : word.size() <= 6 ? 2 : 3;
    std::optional<std::string> best;
    int best_distance = limit + 1;
    for (const auto& c : candidates) {
        int d = edit_distance(word, c);
        if (d < best_distance && d < int(std::max(word.size(), c.size()))) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

// " (did you mean 'x'?)" or " (expected one of: a, b, c)"; `list_all` false leaves the list out.
std::string suggest(std::string_view word, const std::vector<std::string>& candidates, bool list_all = true)
{
    if (auto m = closest(word, candidates)) return fmt::format(" (did you mean '{}'?)", *m);
    if (list_all && !candidates.empty()) return fmt::format(" (expected one of: {})", join(candidates, ", "));
    return "";
}

std::optional<long long> parse_integer(std::string_view text)
{
    long long value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return value;
}

bool is_hex(std::string_view s)
{
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool is_record_type(std::string_view upper_type)
{
    return std::find(std::begin(kRecordTypes), std::end(kRecordTypes), upper_type) != std::end(kRecordTypes);
}

std::string record_type_hint(std::string_view word)
{
    if (auto m = closest(to_upper(word), to_strings(kRecordTypes))) return fmt::format(" (did you mean '{}'?)", *m);
    return " (use a type such as A, AAAA, CNAME, MX, NS, TXT, SRV, CAA or TLSA)";
}

// ---------------------------------------------------------------------------------------------
// Zone-file tokens

struct Token {
    std::string text;  // as written; quoted strings keep their quotes
    int line = 0;
    int column = 0;
    bool quoted = false;
};

struct TokenError {
    std::string message;
    int column = 0;
};

// Appends the tokens of one line: whitespace separates, "quoted strings" stay whole, ';' starts a
// comment, parentheses only change `depth` (a record continues while it is above zero).
std::optional<TokenError> tokenize(std::string_view text, int line, int column_offset, int& depth,
                                   std::vector<Token>& out)
{
    constexpr std::string_view kStops = " \t\r\n;()\"";
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const int column = column_offset + int(i) + 1;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
        } else if (c == ';') {
            break;
        } else if (c == '(') {
            ++depth;
            ++i;
        } else if (c == ')') {
            if (--depth < 0) return TokenError{"unbalanced ')'; remove it or add the matching '('", column};
            ++i;
        } else if (c == '"') {
            size_t j = i + 1;
            while (j < text.size() && text[j] != '"') j += (text[j] == '\\') ? 2 : 1;
            if (j >= text.size()) return TokenError{"unterminated quoted string; add the closing '\"'", column};
            out.push_back({std::string(text.substr(i, j - i + 1)), line, column, true});
            i = j + 1;
        } else {
            size_t j = i;
            while (j < text.size() && kStops.find(text[j]) == std::string_view::npos)
                j += (text[j] == '\\' && j + 1 < text.size()) ? 2 : 1;
            out.push_back({std::string(text.substr(i, j - i)), line, column, false});
            i = j;
        }
    }
    return std::nullopt;
}

// Where a record comes from and how to read its relative parts.
struct RecordContext {
    std::string file;                       // errors point here
    std::string origin;                     // completes relative names
    std::optional<std::uint32_t> dollar_ttl;  // $TTL in a template
    std::optional<std::string> owner;       // template line starting with a blank: previous owner
};

// ---------------------------------------------------------------------------------------------
// YAML access

struct Field {
    std::string name;
    YAML::Node key;
    YAML::Node value;
};

class Fields {
public:
    explicit Fields(std::vector<Field> fields) : m_fields(std::move(fields)) {}
    const Field* find(std::string_view name) const
    {
        for (const auto& f : m_fields)
            if (f.name == name) return &f;
        return nullptr;
    }
    const std::vector<Field>& all() const { return m_fields; }

private:
    std::vector<Field> m_fields;
};

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

struct TimeRef {
    Seconds value;
    SourceLoc loc;
    std::string what;
};

// ---------------------------------------------------------------------------------------------
// The parser: one instance per scenario text.

class Parser {
public:
    Parser(std::string file, fs::path base_dir) : m_file(std::move(file)), m_base_dir(std::move(base_dir)) {}

    Scenario run(const std::string& text);
    // One timeline event read against a scenario parsed before (parse_event_fields).
    Event run_event(const Scenario& scenario, const YAML::Node& node);

private:
    // -- positions and errors
    SourceLoc loc(const YAML::Node& node) const
    {
        const YAML::Mark m = node.Mark();
        if (m.line < 0) return {m_file, 0, 0};
        return {m_file, m.line + 1, m.column + 1};
    }
    SourceLoc key_loc(const Field& f) const { return loc(f.key); }
    // The value's position; an empty value has no useful one, so its key's.
    SourceLoc loc(const Field& f) const
    {
        if (f.value.IsNull() || f.value.Mark().line < 0) return key_loc(f);
        return loc(f.value);
    }
    [[noreturn]] void fail(const SourceLoc& where, const std::string& message) const
    {
        throw ScenarioError(where.file, where.line, where.column, message);
    }
    [[noreturn]] void missing(const SourceLoc& where, std::string_view field, std::string_view context,
                              std::string_view example) const
    {
        fail(where, fmt::format("missing required field '{}'{} (add e.g. '{}')", field,
                                context.empty() ? "" : fmt::format(" in {}", context), example));
    }

    // -- generic readers
    std::vector<Field> entries(const YAML::Node& node, std::string_view what, const SourceLoc& where) const;
    template <size_t N>
    Fields fields(const YAML::Node& node, std::string_view context, const SourceLoc& where,
                  const std::string_view (&allowed)[N]) const;
    std::string scalar(const Field& f) const;
    Seconds duration(const Field& f) const;
    Seconds positive_duration(const Field& f) const;
    Seconds signed_duration(const Field& f) const;
    bool boolean(const Field& f) const;
    Seconds time(const Field& f);
    std::uint32_t ttl(const Field& f) const;
    long long integer(const Field& f, long long low, long long high) const;
    template <typename E>
    E choice(const Field& f, std::string_view noun, bool lower_case = true) const;
    Query query(const std::string& text, const SourceLoc& where) const;

    // -- sections
    void parse_zones(const Field& f);
    ZoneSpec parse_zone(const std::string& name, const Field& f);
    Ttls parse_ttls(const Field& f) const;
    SigningPolicy parse_signing(const Field& f, Algorithm& algorithm_out) const;
    void parse_nsec3(const Field& f, SigningPolicy& policy) const;
    Algorithm algorithm(const Field& f) const;
    void parse_keys(const Field* f, ZoneSpec& zone, Algorithm algorithm);
    KeySpec parse_key(const Field& f, const ZoneSpec& zone, Algorithm zone_algorithm);
    std::vector<std::string> parse_key_servers(const Field& f, const ZoneSpec& zone, const std::string& key) const;
    std::string server_ref(const std::string& text, const ZoneSpec& zone, const SourceLoc& where) const;
    void check_key_order(const KeySpec& key, const Fields& fields) const;
    void load_template(const Field& f, ZoneSpec& zone) const;
    void parse_records(const Field& f, ZoneSpec& zone) const;
    std::string render_record(const std::vector<Token>& tokens, const RecordContext& ctx, const ZoneSpec& zone,
                              std::string& owner_out) const;
    void check_owner(const std::string& owner, const Token& at, const RecordContext& ctx, const ZoneSpec& zone) const;
    void check_generated(const std::string& type, const std::string& owner, const SourceLoc& where,
                         const ZoneSpec& zone) const;
    std::vector<std::string> render_rdata(const std::string& type, const std::vector<Token>& rdata,
                                          const Token& type_token, const RecordContext& ctx) const;
    void add_ancestors();
    void parse_resolvers(const Field* f);
    void parse_resolver_lifecycle(const Fields& rf, ResolverSpec& spec);
    void parse_probes(const Field& f);
    void parse_timeline(const Field& f);
    Event parse_event(const YAML::Node& node);
    void parse_fault(Event& ev, const Fields& f, const Field& fault_field);
    std::string zone_ref(const Field& f) const;
    std::string resolve_key(const std::string& key, const std::string& zone, const SourceLoc& where) const;
    const KeySpec* find_key(const std::string& zone, const std::string& key) const;
    void parse_expectations(const Field& f);
    Expectation parse_expectation(const YAML::Node& node, std::optional<SourceLoc>& otherwise_seen);
    template <size_t N>
    void only_fields(const Fields& f, std::string_view kind, const std::string_view (&allowed)[N]) const;
    const ResolverSpec* resolver_ref(const Field& f) const;
    std::optional<Query> probed_query(const Field& f, const std::string& text) const;
    void parse_ede(const Field& f, Expectation& e, const ResolverSpec* resolver) const;
    std::pair<Seconds, Seconds> bounds(const Field& f, bool times, std::string_view example);
    void settle_duration(const Field* f);
    void parse_rollovers(const Field& f);
    RolloverSpec parse_rollover(const YAML::Node& node);
    void check_turn(const RolloverSpec& r, const Field& method);
    void parse_rollover_timing(RolloverSpec& r, const Fields& f, const std::string& method_name);
    void apply_rollover_plan(rollover::RolloverPlan plan);

    std::string m_file;
    fs::path m_base_dir;
    Scenario m_scenario;
    std::vector<TimeRef> m_times;            // every time written in the file, checked against duration
    std::optional<Seconds> m_declared_duration;  // duration: as written (settled at the end)
    std::vector<std::string> m_listed;       // zones the file lists, in file order
    std::set<std::string> m_all_zones;       // listed zones and their ancestors
    std::map<std::string, SourceLoc> m_ancestor_loc;  // implicit zone -> the listed zone that needs it
};

// ---------------------------------------------------------------------------------------------
// Generic readers

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

template <size_t N>
Fields Parser::fields(const YAML::Node& node, std::string_view context, const SourceLoc& where,
                      const std::string_view (&allowed)[N]) const
{
    std::vector<Field> out = entries(node, context, where);
    const std::vector<std::string> names = to_strings(allowed);
    for (const auto& f : out)
        if (std::find(names.begin(), names.end(), f.name) == names.end())
            fail(key_loc(f), fmt::format("unknown field '{}' in {}{}", f.name, context, suggest(f.name, names)));
    return Fields(std::move(out));
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
                                 "e.g. 300, 10m, 1h30m, 2w)", text, f.name));
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
    if (d->count() > std::numeric_limits<std::uint32_t>::max())
        fail(loc(f), fmt::format("TTL '{}' for {} is too large (at most 4294967295 seconds)", text, f.name));
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

// One of the names of E's table (scenario/names.hpp), folded to lower (or upper) case first.
template <typename E>
E Parser::choice(const Field& f, std::string_view noun, bool lower_case) const
{
    const std::string text = scalar(f);
    const std::string key = lower_case ? to_lower(text) : to_upper(text);
    if (auto v = from_string<E>(key)) return *v;
    fail(loc(f), fmt::format("unknown {} '{}'{}", noun, text, suggest(text, names_of<E>())));
}

// "www.example.com. A" -> {"www.example.com.", "A"}
Query Parser::query(const std::string& text, const SourceLoc& where) const
{
    auto words = split_words(text);
    if (words.size() != 2)
        fail(where, fmt::format("bad query '{}' (write a name and a type, e.g. 'www.example.com. A')", text));
    auto name = normalise_name(words[0], "", false);
    if (!name.error.empty()) fail(where, fmt::format("bad name '{}' in query: {}", words[0], name.error));
    std::string type = to_upper(words[1]);
    if (!is_record_type(type))
        fail(where, fmt::format("unknown query type '{}'{}", words[1], record_type_hint(words[1])));
    return {name.name, type};
}

// ---------------------------------------------------------------------------------------------
// The whole file

Scenario Parser::run(const std::string& text)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        // yaml-cpp's "unknown token" is most often a record such as '- @ A 192.0.2.1', and "illegal block
        // entry" a lone '-' such as 'salt: -'.
        const std::string hint =
            e.msg == "unknown token"         ? " (quote values that start with @ or `, e.g. \"@ A 192.0.2.1\")"
            : e.msg == "illegal block entry" ? " (quote a value that is a lone '-', e.g. salt: \"-\")"
                                             : "";
        fail({m_file, e.mark.line + 1, e.mark.column + 1}, fmt::format("YAML syntax error: {}{}", e.msg, hint));
    }
    m_scenario.file = m_file;
    if (root.IsNull())
        fail({m_file, 0, 0}, "the file holds no scenario (a scenario needs name, start, zones and probes)");
    const SourceLoc top = loc(root);
    if (!root.IsMap())
        fail(top, fmt::format("a scenario must be a map of fields (name, start, zones, ...), not {}", describe(root)));
    Fields f = fields(root, "the scenario", top, kTopFields);

    const Field* name = f.find("name");
    if (!name) missing(top, "name", "", "name: ZSK pre-publication too short");
    m_scenario.name = scalar(*name);
    if (m_scenario.name.empty()) fail(loc(*name), "name is empty; give the scenario a short title");
    if (const Field* d = f.find("description")) m_scenario.description = d->value.IsNull() ? "" : scalar(*d);

    const Field* start = f.find("start");
    if (!start) missing(top, "start", "", "start: 2027-03-01T00:00:00Z");
    {
        const std::string t = scalar(*start);
        auto tp = parse_time(t);
        if (!tp)
            fail(loc(*start), fmt::format("bad time '{}' for start (write an ISO 8601 UTC time such as "
                                          "2027-03-01T00:00:00Z)", t));
        m_scenario.start = *tp;
    }

    const Field* zones = f.find("zones");
    if (!zones) missing(top, "zones", "", "zones: { example.com.: {} }");
    parse_zones(*zones);

    parse_resolvers(f.find("resolvers"));

    const Field* probes = f.find("probes");
    if (!probes) missing(top, "probes", "", "probes: { every: 1h, names: [www.example.com. A] }");
    parse_probes(*probes);

    if (const Field* d = f.find("duration")) m_declared_duration = duration(*d);
    if (const Field* r = f.find("rollover")) parse_rollovers(*r);
    if (const Field* t = f.find("timeline")) parse_timeline(*t);
    if (const Field* e = f.find("expect")) parse_expectations(*e);

    settle_duration(f.find("duration"));
    return std::move(m_scenario);
}

void Parser::settle_duration(const Field* f)
{
    if (!f) {
        Seconds last{0};
        for (const auto& t : m_times) last = std::max(last, t.value);
        m_scenario.duration = std::max(last + 2 * kDay, kDay);
        return;
    }
    m_scenario.duration = duration(*f);
    if (m_scenario.duration < kDay)
        fail(loc(*f), fmt::format("duration ({}) is too short; a scenario runs at least 1d",
                                  format_duration(m_scenario.duration)));
    for (const auto& t : m_times)
        if (t.value > m_scenario.duration)
            fail(t.loc, fmt::format("{} ({}) is beyond the end of the scenario (duration {}); raise duration or "
                                    "move it earlier", t.what, format_offset(t.value),
                                    format_duration(m_scenario.duration)));
}

// ---------------------------------------------------------------------------------------------
// Zones

void Parser::parse_zones(const Field& f)
{
    if (!f.value.IsNull() && !f.value.IsMap())
        fail(loc(f), fmt::format("zones must be a map of zone names to their settings, not {}", describe(f.value)));
    std::vector<Field> list = entries(f.value, "zones", loc(f));
    if (list.empty()) fail(loc(f), "zones is empty; list at least one zone, e.g. 'example.com.: {}'");

    // Pass 1: names, so that records can be checked against every zone cut.
    std::vector<std::string> names;
    for (const auto& z : list) {
        auto n = normalise_name(z.name, "", false);
        if (!n.error.empty()) fail(key_loc(z), fmt::format("bad zone name '{}': {}", z.name, n.error));
        if (n.name == kReservedZone)
            fail(key_loc(z), "zone 'rollsim.' is reserved: the lab names its root servers under it; use another name");
        if (is_at_or_below(n.name, kReservedZone))
            fail(key_loc(z), fmt::format("zone '{}' is under rollsim., which the lab reserves for its root servers; "
                                         "use another name", n.name));
        for (size_t i = 0; i < names.size(); ++i)
            if (names[i] == n.name)
                fail(key_loc(z), fmt::format("zone {} is listed twice (first at line {}); merge the two",
                                             n.name, key_loc(list[i]).line));
        names.push_back(n.name);
    }
    m_listed = names;
    for (size_t i = 0; i < names.size(); ++i) {
        m_all_zones.insert(names[i]);
        for (std::string a = names[i]; a != ".";) {
            a = dns::parent_name(a);
            m_all_zones.insert(a);
            m_ancestor_loc.emplace(a, key_loc(list[i]));
        }
    }
    if (int(m_all_zones.size()) > kMaxZones)
        fail(loc(f), fmt::format("the scenario has {} zones with their ancestors; the lab holds at most {}",
                                 m_all_zones.size(), kMaxZones));

    // Pass 2: settings.
    for (size_t i = 0; i < list.size(); ++i) m_scenario.zones.push_back(parse_zone(names[i], list[i]));
    add_ancestors();
}

ZoneSpec Parser::parse_zone(const std::string& name, const Field& f)
{
    ZoneSpec zone;
    zone.name = name;
    zone.loc = key_loc(f);
    const std::string context = fmt::format("zone {}", name);
    Fields z = fields(f.value, context, zone.loc, kZoneFields);

    if (const Field* s = z.find("servers")) zone.servers = int(integer(*s, 1, kMaxServers));
    if (const Field* t = z.find("ttl")) zone.ttl = parse_ttls(*t);
    // signing: algorithm is not part of the policy: it is the default for the zone's keys.
    Algorithm algorithm = Algorithm::ECDSAP256SHA256;
    if (const Field* s = z.find("signing")) zone.signing = parse_signing(*s, algorithm);
    parse_keys(z.find("keys"), zone, algorithm);
    if (const Field* t = z.find("template")) load_template(*t, zone);
    if (const Field* r = z.find("records")) parse_records(*r, zone);
    if (const Field* a = z.find("parent-agent")) {
        if (name == ".")
            fail(key_loc(*a), "the root has no parent, so no parent-agent; give parent-agent: to a zone below it");
        ParentAgent agent;
        agent.loc = key_loc(*a);
        Fields af = fields(a->value, "parent-agent", loc(*a), kParentAgentFields);
        if (const Field* x = af.find("scan-every")) agent.scan_every = positive_duration(*x);
        if (const Field* x = af.find("registration-delay")) agent.registration_delay = duration(*x);
        if (const Field* x = af.find("delete")) agent.on_delete = choice<DeletePolicy>(*x, "delete policy");
        zone.parent_agent = agent;
    }
    return zone;
}

Ttls Parser::parse_ttls(const Field& f) const
{
    Ttls t;
    std::vector<std::string> candidates = to_strings(kTtlFields);
    for (auto type : kRecordTypes) candidates.emplace_back(type);
    for (const auto& e : entries(f.value, "ttl", loc(f))) {
        const std::string upper = to_upper(e.name);
        if (e.name == "default") t.default_ttl = ttl(e);
        else if (e.name == "dnskey" || upper == "DNSKEY") t.dnskey = ttl(e);
        else if (e.name == "ds" || upper == "DS") t.ds = ttl(e);
        else if (e.name == "soa" || upper == "SOA") t.soa = ttl(e);
        else if (e.name == "ns" || upper == "NS") t.ns = ttl(e);
        else if (e.name == "negative") t.negative = ttl(e);
        else if (upper == "RRSIG") fail(key_loc(e), "RRSIG TTLs follow the RRset they cover; remove this field");
        else if (upper == "NSEC" || upper == "NSEC3")
            fail(key_loc(e), fmt::format("{} TTLs come from negative; set 'negative' instead", upper));
        else if (is_record_type(upper) && (e.name == upper || e.name == to_lower(upper))) t.by_type[upper] = ttl(e);
        else fail(key_loc(e), fmt::format("unknown field '{}' in ttl{}", e.name, suggest(e.name, candidates, false)));
    }
    return t;
}

Algorithm Parser::algorithm(const Field& f) const
{
    const std::string text = scalar(f);
    if (auto n = parse_integer(text)) {
        for (const auto& row : kAlgorithmNames)
            if (int(row.value) == *n) return row.value;
        fail(loc(f), fmt::format("unsupported algorithm number {} (use 8, 10, 13, 14 or 15, or a name such as "
                                 "ECDSAP256SHA256)", text));
    }
    return choice<Algorithm>(f, "algorithm", false);
}

SigningPolicy Parser::parse_signing(const Field& f, Algorithm& algorithm_out) const
{
    SigningPolicy p;
    Fields s = fields(f.value, "signing", loc(f), kSigningFields);
    if (const Field* a = s.find("algorithm")) algorithm_out = algorithm(*a);
    if (const Field* a = s.find("validity")) p.validity = duration(*a);
    if (const Field* r = s.find("refresh")) p.refresh = duration(*r);
    if (const Field* i = s.find("inception-offset")) p.inception_offset = duration(*i);
    if (const Field* d = s.find("denial")) p.denial = choice<Denial>(*d, "denial method");
    if (const Field* n = s.find("nsec3")) {
        if (p.denial != Denial::Nsec3)
            fail(key_loc(*n), "nsec3 settings apply only with denial: nsec3 (add 'denial: nsec3' to signing, or remove "
                              "nsec3)");
        parse_nsec3(*n, p);
    }
    if (p.validity <= p.refresh) {
        const Field* at = s.find("validity") ? s.find("validity") : s.find("refresh");
        fail(loc(*at), fmt::format("validity ({}) must be longer than refresh ({})", format_duration(p.validity),
                                   format_duration(p.refresh)));
    }
    return p;
}

// nsec3: { iterations: N, salt: hex | "-" }. RFC 9276 recommends the defaults: 0 and no salt.
void Parser::parse_nsec3(const Field& f, SigningPolicy& p) const
{
    Fields n = fields(f.value, "nsec3", loc(f), kNsec3Fields);
    if (const Field* i = n.find("iterations")) p.nsec3_iterations = int(integer(*i, 0, kMaxNsec3Iterations));
    if (const Field* s = n.find("salt")) {
        if (s->value.IsNull())
            fail(loc(*s), "salt has no value; write hex digits such as 'AABBCCDD', or \"-\" for no salt");
        const std::string text = scalar(*s);
        if (text == "-") {
            p.nsec3_salt.clear();
        } else if (!is_hex(text) || text.size() % 2 != 0 || text.size() > 510) {
            fail(loc(*s), fmt::format("bad salt '{}': write an even number of hex digits (at most 510, i.e. 255 "
                                      "octets) such as 'AABBCCDD', or \"-\" for no salt", text));
        } else {
            p.nsec3_salt = to_lower(text);
        }
    }
}

// Keys without algorithm: get the zone's signing algorithm. No keys: a ksk and a zsk.
void Parser::parse_keys(const Field* f, ZoneSpec& zone, Algorithm algorithm)
{
    if (f) {
        for (const auto& k : entries(f->value, fmt::format("keys of zone {}", zone.name), loc(*f)))
            zone.keys.push_back(parse_key(k, zone, algorithm));
    }
    if (!zone.keys.empty()) return;
    for (auto [name, role] : {std::pair{"ksk", KeyRole::Ksk}, std::pair{"zsk", KeyRole::Zsk}}) {
        KeySpec k;
        k.name = name;
        k.role = role;
        k.algorithm = algorithm;
        k.publish = Seconds{0};
        k.activate = Seconds{0};
        if (role == KeyRole::Ksk) k.ds_add = Seconds{0};
        k.loc = f ? key_loc(*f) : zone.loc;
        zone.keys.push_back(k);
    }
}

KeySpec Parser::parse_key(const Field& f, const ZoneSpec& zone, Algorithm zone_algorithm)
{
    KeySpec key;
    key.name = f.name;
    key.loc = key_loc(f);
    for (char c : key.name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            fail(key.loc, fmt::format("bad key name '{}': use letters, digits, '-', '_' and '.'", key.name));
    const std::string context = fmt::format("key '{}'", key.name);
    if (!f.value.IsNull() && !f.value.IsMap())
        fail(loc(f),
             fmt::format("key '{}' must be a map such as '{{ role: zsk }}', not {}", key.name, describe(f.value)));
    Fields k = fields(f.value, context, key.loc, kKeyFields);

    const Field* role = k.find("role");
    if (!role) missing(f.value.IsNull() ? key.loc : loc(f.value), "role", context, "role: zsk");
    key.role = choice<KeyRole>(*role, "key role");
    key.algorithm = zone_algorithm;
    if (const Field* a = k.find("algorithm")) key.algorithm = algorithm(*a);
    if (const Field* b = k.find("bits")) {
        if (key.algorithm != Algorithm::RSASHA256 && key.algorithm != Algorithm::RSASHA512)
            fail(key_loc(*b), fmt::format("bits applies only to RSA keys; key '{}' uses {}; remove bits", key.name,
                                          to_string(key.algorithm)));
        key.bits = int(integer(*b, 512, 4096));
    }
    if (const Field* t = k.find("publish")) key.publish = time(*t);
    if (const Field* t = k.find("activate")) key.activate = time(*t);
    if (const Field* t = k.find("retire")) key.retire = time(*t);
    if (const Field* t = k.find("remove")) key.remove = time(*t);
    if (const Field* t = k.find("ds")) key.ds_add = time(*t);
    if (const Field* t = k.find("ds-remove")) key.ds_remove = time(*t);
    if (const Field* t = k.find("revoke")) key.revoke = time(*t);
    if (const Field* s = k.find("servers")) key.servers = parse_key_servers(*s, zone, key.name);
    if (key.role == KeyRole::Zsk) {
        for (std::string_view ds : {"ds", "ds-remove"})
            if (const Field* t = k.find(ds))
                fail(key_loc(*t), fmt::format("{} applies to a ksk or csk; key '{}' is a zsk (remove {}, or make it "
                                              "role: ksk)", ds, key.name, ds));
    }

    // Defaults: a key without publish: is one the zone already has at the start.
    if (!key.publish) {
        key.publish = Seconds{0};
        if (!key.activate) key.activate = Seconds{0};
        if (key.role != KeyRole::Zsk && !key.ds_add) key.ds_add = Seconds{0};
    }
    check_key_order(key, k);
    return key;
}

// servers: [ns1, ns2]: the copies of the zone the key signs (multi-signer).
std::vector<std::string> Parser::parse_key_servers(const Field& f, const ZoneSpec& zone, const std::string& key) const
{
    if (!f.value.IsSequence())
        fail(loc(f), fmt::format("servers of key '{}' must be a list of server names such as [ns1, ns2], not {}", key,
                                 describe(f.value)));
    if (f.value.size() == 0)
        fail(loc(f), fmt::format("servers of key '{}' is empty; list the servers whose copy of the zone it signs, "
                                 "e.g. [ns1], or remove servers to sign on every server", key));
    std::vector<std::string> out;
    for (const auto& item : f.value) {
        const SourceLoc at = loc(item);
        if (!item.IsScalar())
            fail(at, fmt::format("each server of key '{}' must be a name such as ns1, not {}", key, describe(item)));
        std::string server = server_ref(item.Scalar(), zone, at);
        if (std::find(out.begin(), out.end(), server) != out.end())
            fail(at, fmt::format("server {} is listed twice for key '{}'; remove one", server, key));
        out.push_back(std::move(server));
    }
    return out;
}

// "ns2" -> "ns2" when the zone has at least two servers; the error says which servers exist.
std::string Parser::server_ref(const std::string& text, const ZoneSpec& zone, const SourceLoc& where) const
{
    std::vector<std::string> names;
    for (int i = 1; i <= zone.servers; ++i) names.push_back(fmt::format("ns{}", i));
    const std::string server = to_lower(text);
    if (std::find(names.begin(), names.end(), server) != names.end()) return server;
    std::optional<long long> number;
    if (server.size() > 2 && server.compare(0, 2, "ns") == 0 && std::isdigit(static_cast<unsigned char>(server[2])) &&
        server[2] != '0')
        number = parse_integer(std::string_view(server).substr(2));
    if (number && *number > zone.servers && *number <= kMaxServers)
        fail(where, fmt::format("zone {} has no server {} (it has {}: {}); raise the zone's servers: to {} or name "
                                "one it has", zone.name, server, zone.servers, join_and(names), *number));
    if (auto m = closest(server, names))
        fail(where, fmt::format("zone {} has no server '{}' (did you mean '{}'?)", zone.name, text, *m));
    fail(where, fmt::format("zone {} has no server '{}' (its servers are {})", zone.name, text, join_and(names)));
}

// Contradictions between a key's own times. Equal times are allowed.
void Parser::check_key_order(const KeySpec& key, const Fields& fields) const
{
    struct Rule {
        std::string_view later, earlier;
        const std::optional<Seconds>& later_value;
        const std::optional<Seconds>& earlier_value;
    };
    const Rule rules[] = {
        {"activate", "publish", key.activate, key.publish},
        {"retire", "activate", key.retire, key.activate},
        {"remove", "publish", key.remove, key.publish},
        {"remove", "activate", key.remove, key.activate},
        {"ds-remove", "ds", key.ds_remove, key.ds_add},
        {"revoke", "publish", key.revoke, key.publish},
        {"remove", "revoke", key.remove, key.revoke},
    };
    for (const auto& r : rules) {
        if (!r.later_value || !r.earlier_value || *r.later_value >= *r.earlier_value) continue;
        const Field* at = fields.find(r.later);
        if (!at) at = fields.find(r.earlier);
        fail(at ? loc(*at) : key.loc,
             fmt::format("{} ({}) is before {} ({}) for key '{}'; {} must not come before {}", r.later,
                         format_offset(*r.later_value), r.earlier, format_offset(*r.earlier_value), key.name,
                         r.later, r.earlier));
    }
}

// Candidates, in order: relative to the scenario's directory, then each parent directory.
std::optional<fs::path> find_upward(const fs::path& base_dir, const fs::path& relative)
{
    std::error_code ec;
    if (relative.is_absolute()) {
        if (fs::is_regular_file(relative, ec)) return relative;
        return std::nullopt;
    }
    fs::path dir = fs::absolute(base_dir, ec).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) dir = dir.parent_path();
    while (true) {
        fs::path candidate = (dir / relative).lexically_normal();
        if (fs::is_regular_file(candidate, ec)) return candidate;
        if (dir == dir.root_path() || dir.parent_path() == dir || dir.empty()) return std::nullopt;
        dir = dir.parent_path();
    }
}

// The template's path as errors show it: relative to the working directory when under it.
std::string display_path(const fs::path& p)
{
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (!ec) {
        fs::path rel = p.lexically_relative(cwd);
        if (!rel.empty() && *rel.begin() != "..") return rel.string();
    }
    return p.string();
}

void Parser::load_template(const Field& f, ZoneSpec& zone) const
{
    const std::string rel = scalar(f);
    if (rel.empty()) fail(loc(f), "template is empty; give the path of a zone template file");
    auto found = find_upward(m_base_dir, rel);
    if (!found)
        fail(loc(f), fmt::format("template file '{}' not found (looked in the scenario's directory and each "
                                 "directory above it); check the path", rel));
    std::ifstream in(*found);
    if (!in) fail(loc(f), fmt::format("cannot read template file '{}'", found->string()));

    RecordContext ctx{display_path(*found), zone.name, std::nullopt, std::nullopt};
    std::optional<std::string> last_owner;
    std::vector<Token> pending;
    bool owner_given = true;
    int depth = 0, open_line = 0, line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        std::vector<Token> tokens;
        if (auto err = tokenize(line, line_no, 0, depth, tokens)) fail({ctx.file, line_no, err->column}, err->message);
        if (pending.empty()) {
            if (tokens.empty()) {
                if (depth > 0) open_line = line_no;
                continue;
            }
            owner_given = !line.empty() && line[0] != ' ' && line[0] != '\t';
            open_line = line_no;
        }
        pending.insert(pending.end(), tokens.begin(), tokens.end());
        if (depth > 0 || pending.empty()) continue;

        const Token& first = pending.front();
        if (owner_given && !first.text.empty() && first.text[0] == '$') {
            const std::string directive = to_upper(first.text);
            const SourceLoc at{ctx.file, first.line, first.column};
            if (directive == "$TTL") {
                if (pending.size() != 2) fail(at, "$TTL takes one value, e.g. '$TTL 300'");
                auto d = parse_duration(pending[1].text);
                if (!d || d->count() > std::numeric_limits<std::uint32_t>::max())
                    fail({ctx.file, pending[1].line, pending[1].column},
                         fmt::format("bad TTL '{}' (write seconds or a duration, e.g. 300 or 1h)", pending[1].text));
                ctx.dollar_ttl = std::uint32_t(d->count());
            } else if (directive == "$ORIGIN") {
                if (pending.size() != 2) fail(at, "$ORIGIN takes one name, e.g. '$ORIGIN sub.example.com.'");
                auto n = normalise_name(pending[1].text, ctx.origin, false);
                if (!n.error.empty())
                    fail({ctx.file, pending[1].line, pending[1].column},
                         fmt::format("bad $ORIGIN '{}': {}", pending[1].text, n.error));
                if (!is_at_or_below(n.name, zone.name))
                    fail({ctx.file, pending[1].line, pending[1].column},
                         fmt::format("$ORIGIN {} is outside zone {}", n.name, zone.name));
                ctx.origin = n.name;
            } else {
                fail(at, fmt::format("{} is not supported in templates (only $TTL and $ORIGIN); remove it",
                                     first.text));
            }
        } else {
            if (!owner_given && !last_owner)
                fail({ctx.file, first.line, first.column},
                     "this line starts with a blank but no record before it names an owner; put the owner first");
            ctx.owner = owner_given ? std::nullopt : last_owner;
            std::string owner;
            zone.records.push_back(render_record(pending, ctx, zone, owner));
            last_owner = owner;
        }
        pending.clear();
    }
    if (depth > 0) fail({ctx.file, open_line, 0}, "unbalanced '(' opened on this line; add the closing ')'");
}

void Parser::parse_records(const Field& f, ZoneSpec& zone) const
{
    if (f.value.IsNull()) return;
    if (!f.value.IsSequence())
        fail(loc(f),
             fmt::format("records must be a list of records such as 'www A 192.0.2.1', not {}", describe(f.value)));
    for (const auto& item : f.value) {
        const SourceLoc at = loc(item);
        if (!item.IsScalar())
            fail(at, fmt::format("each record must be a string such as 'www A 192.0.2.1', not {} (quote records "
                                 "that contain ': ')", describe(item)));
        // Token columns are exact for one-line scalars; a quoted scalar starts one column later.
        const int offset = at.column - 1 + (item.Tag() == "!" ? 1 : 0);
        std::vector<Token> tokens;
        int depth = 0;
        if (auto err = tokenize(item.Scalar(), at.line, offset, depth, tokens))
            fail({m_file, at.line, err->column}, err->message);
        if (depth != 0) fail(at, "unbalanced '(' in record; add the closing ')'");
        if (tokens.empty()) fail(at, "empty record; write e.g. 'www A 192.0.2.1'");
        RecordContext ctx{m_file, zone.name, std::nullopt, std::nullopt};
        std::string owner;
        zone.records.push_back(render_record(tokens, ctx, zone, owner));
    }
}

// <owner> [<ttl>] [IN] <type> <rdata...>, TTL and class in either order.
std::string Parser::render_record(const std::vector<Token>& toks, const RecordContext& ctx, const ZoneSpec& zone,
                                  std::string& owner_out) const
{
    auto at = [&](const Token& t) { return SourceLoc{ctx.file, t.line, t.column}; };
    size_t i = 0;
    std::string owner;
    if (ctx.owner) {
        owner = *ctx.owner;
    } else {
        const Token& t = toks[i++];
        auto n = normalise_name(t.quoted ? "" : t.text, ctx.origin, true);
        if (!n.error.empty()) fail(at(t), fmt::format("bad owner name '{}': {}", t.text, n.error));
        owner = n.name;
        check_owner(owner, t, ctx, zone);
    }

    std::optional<std::uint32_t> explicit_ttl;
    bool class_seen = false;
    for (int n = 0; n < 2 && i < toks.size(); ++n) {
        const Token& t = toks[i];
        const std::string up = to_upper(t.text);
        if (!class_seen && (up == "IN" || up == "CH" || up == "HS" || up == "CS")) {
            if (up != "IN") fail(at(t), fmt::format("class {} is not supported; the lab serves class IN only", up));
            class_seen = true;
            ++i;
        } else if (!explicit_ttl && !t.text.empty() && std::isdigit(static_cast<unsigned char>(t.text[0]))) {
            auto d = parse_duration(t.text);
            if (!d)
                fail(at(t), fmt::format("expected a TTL, class or type, not '{}' (write e.g. 'www 300 IN A 192.0.2.1')",
                                        t.text));
            if (d->count() > std::numeric_limits<std::uint32_t>::max())
                fail(at(t), fmt::format("TTL '{}' is too large (at most 4294967295 seconds)", t.text));
            explicit_ttl = std::uint32_t(d->count());
            ++i;
        } else {
            break;
        }
    }
    if (i >= toks.size()) fail(at(toks.back()), "the record has no type; write e.g. 'www A 192.0.2.1'");
    const Token& type_token = toks[i++];
    const std::string type = to_upper(type_token.text);
    if (!is_record_type(type))
        fail(at(type_token),
             fmt::format("unknown record type '{}'{}", type_token.text, record_type_hint(type_token.text)));
    check_generated(type, owner, at(type_token), zone);

    std::vector<Token> rdata_tokens(toks.begin() + long(i), toks.end());
    std::vector<std::string> rdata = render_rdata(type, rdata_tokens, type_token, ctx);

    std::uint32_t ttl = zone.ttl.default_ttl;
    if (explicit_ttl) ttl = *explicit_ttl;
    else if (auto it = zone.ttl.by_type.find(type); it != zone.ttl.by_type.end()) ttl = it->second;
    else if (ctx.dollar_ttl) ttl = *ctx.dollar_ttl;

    owner_out = owner;
    return fmt::format("{} {} IN {} {}", owner, ttl, type, join(rdata, " "));
}

void Parser::check_owner(const std::string& owner, const Token& t, const RecordContext& ctx, const ZoneSpec& zone) const
{
    const SourceLoc at{ctx.file, t.line, t.column};
    if (!is_at_or_below(owner, zone.name))
        fail(at, fmt::format("owner {} is outside zone {}; a zone's records must be at or below its apex", owner,
                             zone.name));
    if (is_at_or_below(owner, kReservedZone))
        fail(at, fmt::format("owner {} is under rollsim., which the lab reserves for its root servers; use another "
                             "name", owner));
    for (int s = 1; s <= zone.servers && zone.name != "."; ++s)
        if (owner == fmt::format("ns{}.{}", s, zone.name))
            fail(at, fmt::format("{} is the name of one of the lab's servers for {} (servers: {}); use another name",
                                 owner, zone.name, zone.servers));
    for (const auto& other : m_all_zones)
        if (other != zone.name && is_at_or_below(other, zone.name) && is_at_or_below(owner, other))
            fail(at, fmt::format("{} is inside zone {}, which this scenario also has; put the record in that zone",
                                 owner, other));
}

void Parser::check_generated(const std::string& type, const std::string& owner, const SourceLoc& at,
                             const ZoneSpec& zone) const
{
    if (type == "SOA") fail(at, "the lab generates SOA records; remove this line");
    if (type == "DNSKEY") fail(at, "the lab generates DNSKEY records from keys:; remove this line");
    if (type == "RRSIG" || type == "NSEC" || type == "NSEC3" || type == "NSEC3PARAM")
        fail(at, fmt::format("the lab generates {} records when it signs; remove this line", type));
    if (owner != zone.name) return;
    if (type == "DS")
        fail(at, fmt::format("the lab generates the DS records of {} at its parent from keys:; remove this line",
                             zone.name));
    if (type == "NS") fail(at, "the lab generates the apex NS records (servers: sets how many); remove this line");
    if (type == "CNAME") fail(at, "a CNAME cannot be at the zone apex; remove this line or use A/AAAA records");
}

std::vector<std::string> Parser::render_rdata(const std::string& type, const std::vector<Token>& rd,
                                              const Token& type_token, const RecordContext& ctx) const
{
    auto at = [&](size_t k) {
        const Token& t = k < rd.size() ? rd[k] : type_token;
        return SourceLoc{ctx.file, t.line, t.column};
    };
    auto bad = [&](size_t k, std::string_view form) {
        fail(at(k), fmt::format("{} record data must be {}", type, form));
    };
    auto number = [&](size_t k, long long max, std::string_view form) {
        auto v = parse_integer(rd[k].text);
        if (rd[k].quoted || !v || *v < 0 || *v > max) bad(k, form);
    };
    std::vector<std::string> out;
    for (const auto& t : rd) out.push_back(t.text);
    auto name = [&](size_t k) {
        auto n = normalise_name(rd[k].quoted ? "" : rd[k].text, ctx.origin, false);
        if (!n.error.empty()) fail(at(k), fmt::format("bad name '{}' in {} record: {}", rd[k].text, type, n.error));
        out[k] = n.name;
    };

    if (type == "A") {
        constexpr std::string_view form = "one IPv4 address, e.g. 'A 192.0.2.1'";
        in_addr a{};
        if (rd.size() != 1) bad(rd.size() > 1 ? 1 : 0, form);
        if (inet_pton(AF_INET, rd[0].text.c_str(), &a) != 1) bad(0, form);
    } else if (type == "AAAA") {
        constexpr std::string_view form = "one IPv6 address, e.g. 'AAAA 2001:db8::1'";
        in6_addr a{};
        if (rd.size() != 1) bad(rd.size() > 1 ? 1 : 0, form);
        if (inet_pton(AF_INET6, rd[0].text.c_str(), &a) != 1) bad(0, form);
    } else if (type == "NS" || type == "CNAME" || type == "PTR" || type == "DNAME") {
        if (rd.size() != 1)
            bad(rd.size() > 1 ? 1 : 0, fmt::format("one domain name, e.g. '{} host.example.com.'", type));
        name(0);
    } else if (type == "MX") {
        constexpr std::string_view form = "a preference and a host name, e.g. 'MX 10 mail'";
        if (rd.size() != 2) bad(rd.size() > 2 ? 2 : 0, form);
        number(0, 65535, form);
        name(1);
    } else if (type == "SRV") {
        constexpr std::string_view form = "priority, weight, port and target, e.g. 'SRV 0 5 443 www'";
        if (rd.size() != 4) bad(rd.size() > 4 ? 4 : 0, form);
        for (size_t k = 0; k < 3; ++k) number(k, 65535, form);
        name(3);
    } else if (type == "CAA") {
        constexpr std::string_view form = "flags, tag and value, e.g. 'CAA 0 issue \"ca.example\"'";
        if (rd.size() != 3) bad(rd.size() > 3 ? 3 : 0, form);
        number(0, 255, form);
        if (rd[1].quoted || rd[1].text.empty() || !std::all_of(rd[1].text.begin(), rd[1].text.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c));
            }))
            bad(1, form);
    } else if (type == "TLSA" || type == "SMIMEA") {
        const std::string form =
            fmt::format("usage, selector, matching type and hex data, e.g. '{} 3 1 1 ABCD...'", type);
        if (rd.size() < 4) bad(0, form);
        for (size_t k = 0; k < 3; ++k) number(k, 255, form);
        for (size_t k = 3; k < rd.size(); ++k)
            if (!is_hex(rd[k].text)) bad(k, form);
    } else if (type == "SSHFP") {
        constexpr std::string_view form = "algorithm, fingerprint type and hex fingerprint, e.g. 'SSHFP 4 2 ABCD...'";
        if (rd.size() < 3) bad(0, form);
        for (size_t k = 0; k < 2; ++k) number(k, 255, form);
        for (size_t k = 2; k < rd.size(); ++k)
            if (!is_hex(rd[k].text)) bad(k, form);
    } else if (type == "HINFO") {
        if (rd.size() != 2) bad(rd.size() > 2 ? 2 : 0, "a CPU and an OS string, e.g. 'HINFO \"x86\" \"Linux\"'");
    } else if (type == "TXT" || type == "SPF") {
        if (rd.empty()) bad(0, fmt::format("one or more strings, e.g. '{} \"v=spf1 -all\"'", type));
    } else if (rd.empty()) {
        fail(at(0), fmt::format("the {} record has no data; add it after the type", type));
    }
    return out;
}

void Parser::add_ancestors()
{
    for (const auto& name : m_all_zones) {
        if (m_scenario.find_zone(name)) continue;
        ZoneSpec zone;
        zone.name = name;
        zone.implicit = true;
        zone.loc = m_ancestor_loc.at(name);
        parse_keys(nullptr, zone, Algorithm::ECDSAP256SHA256);
        m_scenario.zones.push_back(std::move(zone));
    }
    std::stable_sort(m_scenario.zones.begin(), m_scenario.zones.end(), [](const ZoneSpec& a, const ZoneSpec& b) {
        const int la = label_count(a.name), lb = label_count(b.name);
        return la != lb ? la < lb : a.name < b.name;
    });
}

// ---------------------------------------------------------------------------------------------
// Resolvers and probes

void Parser::parse_resolvers(const Field* f)
{
    if (!f) {
        for (auto [name, kind] : {std::pair{"warm", ResolverKind::Unbound}, std::pair{"cold", ResolverKind::Libunbound}}) {
            ResolverSpec spec;
            spec.name = name;
            spec.kind = kind;
            spec.loc = {m_file, 0, 0};
            m_scenario.resolvers.push_back(spec);
        }
        return;
    }
    if (!f->value.IsNull() && !f->value.IsMap())
        fail(loc(*f), fmt::format("resolvers must be a map of names to settings such as 'warm: {{ kind: unbound }}', "
                                  "not {}", describe(f->value)));
    auto list = entries(f->value, "resolvers", loc(*f));
    if (list.empty()) fail(loc(*f), "resolvers is empty; list at least one, e.g. 'warm: { kind: unbound }'");
    int unbound = 0;
    for (const auto& r : list) {
        ResolverSpec spec;
        spec.name = r.name;
        spec.loc = key_loc(r);
        bool ok = !r.name.empty() && r.name.size() <= 32;
        for (char c : r.name)
            ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                        c == '-' || c == '_');
        if (!ok)
            fail(spec.loc, fmt::format("bad resolver name '{}': use up to 32 lower-case letters, digits, '-' and '_'",
                                       r.name));
        const std::string context = fmt::format("resolver '{}'", r.name);
        Fields rf = fields(r.value, context, spec.loc, kResolverFields);
        const Field* kind = rf.find("kind");
        if (!kind) missing(r.value.IsNull() ? spec.loc : loc(r.value), "kind", context, "kind: unbound");
        spec.kind = choice<ResolverKind>(*kind, "resolver kind");
        if (spec.kind == ResolverKind::Unbound && ++unbound > kMaxUnbound)
            fail(spec.loc, fmt::format("at most {} unbound resolvers are supported; remove '{}'", kMaxUnbound, r.name));

        // Profile options. serve-expired and val-bogus-ttl are about a cache across probes, which only
        // the daemon keeps.
        for (std::string_view daemon_only : {"serve-expired", "val-bogus-ttl"})
            if (const Field* o = rf.find(daemon_only); o && spec.kind == ResolverKind::Libunbound)
                fail(key_loc(*o), fmt::format("{} applies only to unbound resolvers; '{}' is libunbound, a fresh "
                                              "validator at every probe with no cache to keep (remove {}, or make "
                                              "it kind: unbound)", daemon_only, r.name, daemon_only));
        if (const Field* o = rf.find("clock-offset")) spec.clock_offset = signed_duration(*o);
        if (const Field* o = rf.find("serve-expired")) spec.serve_expired = boolean(*o);
        if (const Field* o = rf.find("val-sig-skew-min")) spec.val_sig_skew_min = duration(*o);
        if (const Field* o = rf.find("val-sig-skew-max")) spec.val_sig_skew_max = duration(*o);
        if (const Field* o = rf.find("val-bogus-ttl")) spec.val_bogus_ttl = duration(*o);
        if (const Field* o = rf.find("harden-algo-downgrade")) spec.harden_algo_downgrade = boolean(*o);
        if (const Field* o = rf.find("max-nsec3-iterations")) spec.max_nsec3_iterations = int(integer(*o, 0, 65535));
        parse_resolver_lifecycle(rf, spec);
        // Unbound clamps the allowance to min, then to max: a min above the max would be ignored.
        if (spec.val_sig_skew_min) {
            const Seconds hi = spec.val_sig_skew_max.value_or(kUnboundSkewMax);
            if (*spec.val_sig_skew_min > hi) {
                const Field* at = spec.val_sig_skew_max ? rf.find("val-sig-skew-max") : rf.find("val-sig-skew-min");
                fail(loc(*at), fmt::format("val-sig-skew-min ({}) must not be longer than val-sig-skew-max ({}{}): "
                                           "Unbound would cap the allowance at {}{}",
                                           format_duration(*spec.val_sig_skew_min), format_duration(hi),
                                           spec.val_sig_skew_max ? "" : ", Unbound's default", format_duration(hi),
                                           spec.val_sig_skew_max ? "" : "; raise val-sig-skew-max too"));
            }
        }
        m_scenario.resolvers.push_back(spec);
    }
}

// trust-anchor, add-holddown, del-holddown, start, offline: a daemon's anchor and when it runs.
void Parser::parse_resolver_lifecycle(const Fields& rf, ResolverSpec& spec)
{
    const std::string& name = spec.name;
    for (std::string_view daemon_only : {"trust-anchor", "add-holddown", "del-holddown", "start", "offline"})
        if (const Field* o = rf.find(daemon_only); o && spec.kind == ResolverKind::Libunbound)
            fail(key_loc(*o), fmt::format("{} applies only to unbound resolvers; '{}' is libunbound, a fresh "
                                          "validator at every probe that uses the anchor published at that instant "
                                          "(remove {}, or make it kind: unbound)", daemon_only, name, daemon_only));
    if (const Field* o = rf.find("trust-anchor")) spec.trust_anchor = choice<TrustAnchorMode>(*o, "trust-anchor");
    for (std::string_view holddown : {"add-holddown", "del-holddown"}) {
        const Field* o = rf.find(holddown);
        if (!o) continue;
        if (spec.trust_anchor != TrustAnchorMode::Rfc5011)
            fail(key_loc(*o), fmt::format("{} applies to RFC 5011 anchors; resolver '{}' has a static anchor (add "
                                          "'trust-anchor: rfc5011', or remove {})", holddown, name, holddown));
        (holddown == "add-holddown" ? spec.add_holddown : spec.del_holddown) = duration(*o);
    }
    if (const Field* o = rf.find("start")) spec.start = time(*o);
    if (const Field* o = rf.find("offline")) {
        if (!o->value.IsSequence())
            fail(loc(*o), fmt::format("offline must be a list such as '[{{ from: +5d, until: +45d }}]', not {}",
                                      describe(o->value)));
        for (const auto& item : o->value) {
            const SourceLoc at = loc(item);
            if (!item.IsMap())
                fail(at, fmt::format("each offline span must be a map such as '{{ from: +5d, until: +45d }}', not {}",
                                     describe(item)));
            Fields sf = fields(item, "offline span", at, kOfflineFields);
            const Field* from = sf.find("from");
            if (!from) missing(at, "from", "offline span", "from: +5d");
            const Field* until = sf.find("until");
            if (!until) missing(at, "until", "offline span", "until: +45d");
            OfflineSpan span{time(*from), time(*until)};
            if (span.until <= span.from)
                fail(loc(*until), fmt::format("until ({}) must be after from ({})", format_offset(span.until),
                                              format_offset(span.from)));
            if (span.from <= spec.start)
                fail(loc(*from), fmt::format("offline span from {} is not after the resolver's start ({}); a daemon "
                                             "goes offline only once it runs (use start: instead)",
                                             format_offset(span.from), format_offset(spec.start)));
            if (!spec.offline.empty() && span.from <= spec.offline.back().until)
                fail(loc(*from), fmt::format("offline span from {} overlaps or touches the previous one (until {}); "
                                             "list spans in order and merge touching ones",
                                             format_offset(span.from), format_offset(spec.offline.back().until)));
            spec.offline.push_back(span);
        }
    }
}

void Parser::parse_probes(const Field& f)
{
    if (!f.value.IsMap())
        fail(loc(f), fmt::format("probes must be a map such as '{{ every: 1h, names: [www.example.com. A] }}', not {}",
                                 describe(f.value)));
    Fields p = fields(f.value, "probes", loc(f), kProbeFields);
    if (const Field* e = p.find("every")) {
        m_scenario.probes.every = duration(*e);
        if (m_scenario.probes.every.count() <= 0) fail(loc(*e), "every must be longer than 0s");
    }
    const Field* names = p.find("names");
    if (!names) missing(loc(f.value), "names", "probes", "names: [www.example.com. A]");
    if (!names->value.IsSequence())
        fail(loc(*names), fmt::format("names must be a list of queries such as [www.example.com. A], not {}",
                                      describe(names->value)));
    for (const auto& item : names->value) {
        const SourceLoc at = loc(item);
        if (!item.IsScalar())
            fail(at,
                 fmt::format("each probe name must be a query such as 'www.example.com. A', not {}", describe(item)));
        Query q = query(item.Scalar(), at);
        auto& qs = m_scenario.probes.queries;
        if (std::find(qs.begin(), qs.end(), q) != qs.end())
            fail(at, fmt::format("query '{}' is listed twice; remove one", q.text()));
        qs.push_back(q);
    }
    if (m_scenario.probes.queries.empty())
        fail(loc(*names), "names is empty; list at least one query, e.g. 'www.example.com. A'");
}

// ---------------------------------------------------------------------------------------------
// Timeline

std::string Parser::zone_ref(const Field& f) const
{
    const std::string text = scalar(f);
    auto n = normalise_name(text, "", false);
    if (!n.error.empty()) fail(loc(f), fmt::format("bad zone name '{}': {}", text, n.error));
    if (!m_all_zones.count(n.name)) {
        std::vector<std::string> known(m_all_zones.begin(), m_all_zones.end());
        fail(loc(f), fmt::format("zone {} is not in the scenario{}", n.name, suggest(n.name, known)));
    }
    return n.name;
}

const KeySpec* Parser::find_key(const std::string& zone, const std::string& key) const
{
    const ZoneSpec* z = m_scenario.find_zone(zone);
    if (!z) return nullptr;
    for (const auto& k : z->keys)
        if (k.name == key) return &k;
    return nullptr;
}

// The zone holding `key`: `zone` if given, else the one listed zone that has such a key.
std::string Parser::resolve_key(const std::string& key, const std::string& zone, const SourceLoc& where) const
{
    if (!zone.empty()) {
        if (find_key(zone, key)) return zone;
        std::vector<std::string> names;
        for (const auto& k : m_scenario.find_zone(zone)->keys) names.push_back(k.name);
        fail(where, fmt::format("zone {} has no key '{}'{}", zone, key, suggest(key, names)));
    }
    std::vector<std::string> holders;
    std::vector<std::string> all_keys;
    for (const auto& name : m_listed) {
        if (find_key(name, key)) holders.push_back(name);
        for (const auto& k : m_scenario.find_zone(name)->keys) all_keys.push_back(k.name);
    }
    if (holders.size() == 1) return holders.front();
    if (holders.size() > 1)
        fail(where, fmt::format("key '{}' exists in {}: add zone: to say which", key, join_and(holders)));
    fail(where, fmt::format("no zone in the scenario has a key '{}'{}", key, suggest(key, all_keys)));
}

void Parser::parse_timeline(const Field& f)
{
    if (f.value.IsNull()) return;
    if (!f.value.IsSequence())
        fail(loc(f), fmt::format("timeline must be a list of events such as '- {{ at: +1d, do: activate zsk-b }}', "
                                 "not {}", describe(f.value)));
    for (const auto& item : f.value) m_scenario.timeline.push_back(parse_event(item));
    std::stable_sort(m_scenario.timeline.begin(), m_scenario.timeline.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
}

Event Parser::parse_event(const YAML::Node& node)
{
    Event ev;
    ev.loc = loc(node);
    if (!node.IsMap())
        fail(ev.loc,
             fmt::format("each timeline event must be a map such as '{{ at: +1d, do: activate zsk-b }}', not {}",
                         describe(node)));
    Fields f = fields(node, "timeline event", ev.loc, kEventFields);
    const Field* at = f.find("at");
    if (!at) missing(ev.loc, "at", "timeline event", "at: +1d");
    ev.at = time(*at);
    const Field* act = f.find("do");
    const Field* flt = f.find("fault");
    if (act && flt) fail(key_loc(*flt), "an event has do: or fault:, not both; split it into two events");
    if (!act && !flt)
        fail(ev.loc, "an event needs do: (an action such as 'activate zsk-b') or fault: (such as ds-digest-mismatch)");
    if (const Field* z = f.find("zone")) ev.zone = zone_ref(*z);
    if (const Field* s = f.find("say")) ev.say = s->value.IsNull() ? "" : scalar(*s);
    const Field* key_field = f.find("key");
    const std::string key_text = key_field ? scalar(*key_field) : "";
    const Field* until = f.find("until");

    if (act) {
        const auto words = split_words(scalar(*act));
        if (words.empty()) fail(loc(*act), "do: is empty; write an action such as 'activate zsk-b'");
        if (words.size() > 2)
            fail(loc(*act), fmt::format("do: takes '<action> [key]', not '{}'; give one action per event",
                                        scalar(*act)));
        auto kind = from_string<ActionKind>(to_lower(words[0]));
        if (!kind)
            fail(loc(*act), fmt::format("unknown action '{}'{}", words[0], suggest(words[0], names_of<ActionKind>())));
        ev.action = kind;
        if (until) fail(key_loc(*until), "until: applies only to faults; remove it");
        for (const auto& field : f.all()) {
            auto bit = from_string<FaultParam>(field.name);
            if (!bit || *bit == kParamKey) continue;
            fail(key_loc(field), fmt::format("{}: applies only to faults ({}); remove it", field.name,
                                             join_and(fault_takers(*bit))));
        }
        if (*kind == ActionKind::StopSigner || *kind == ActionKind::StartSigner || *kind == ActionKind::CdsDelete) {
            if (words.size() > 1 || key_field)
                fail(words.size() > 1 ? loc(*act) : key_loc(*key_field),
                     fmt::format("action '{}' applies to a zone, not a key; remove the key and give zone:", words[0]));
            if (ev.zone.empty())
                fail(loc(*act), fmt::format("action '{}' needs zone: ({})", words[0],
                                            *kind == ActionKind::CdsDelete ? "the zone that publishes the delete signal"
                                                                           : "the zone whose signer stops or starts"));
            if (*kind == ActionKind::CdsDelete && ev.zone == ".")
                fail(loc(*act), "action 'cds-delete' asks the parent to remove the DS, and the root has no parent; "
                                "give a zone below it");
            return ev;
        }
        if (words.size() > 1 && key_field)
            fail(key_loc(*key_field), "the key is given twice, in do: and in key:; keep one");
        const std::string key = words.size() > 1 ? words[1] : key_text;
        if (key.empty()) fail(loc(*act), fmt::format("action '{}' needs a key: write '{} <key>'", words[0], words[0]));
        const SourceLoc key_at = words.size() > 1 ? loc(*act) : loc(*key_field);
        ev.zone = resolve_key(key, ev.zone, key_at);
        ev.key = key;
        if ((*kind == ActionKind::DsAdd || *kind == ActionKind::DsRemove || *kind == ActionKind::CdsPublish ||
             *kind == ActionKind::CdsRemove) &&
            find_key(ev.zone, key)->role == KeyRole::Zsk)
            fail(key_at, fmt::format("{} applies to a ksk or csk; key '{}' in {} is a zsk", words[0], key, ev.zone));
        return ev;
    }

    parse_fault(ev, f, *flt);
    return ev;
}

void Parser::parse_fault(Event& ev, const Fields& f, const Field& flt)
{
    const std::string fault_name = to_lower(scalar(flt));
    auto fault = from_string<FaultKind>(fault_name);
    if (!fault)
        fail(loc(flt), fmt::format("unknown fault '{}'{}", scalar(flt), suggest(fault_name, names_of<FaultKind>())));
    ev.fault = fault;
    if (ev.zone.empty())
        fail(loc(flt), fmt::format("fault {} needs zone: (the zone it applies to)", fault_name));
    const ZoneSpec& zone = *m_scenario.find_zone(ev.zone);
    const FaultRow& params = row_of(*fault);

    // Parameters the fault does not take, in file order.
    for (const auto& field : f.all()) {
        auto bit = from_string<FaultParam>(field.name);
        if (!bit || (params.takes & *bit)) continue;
        fail(key_loc(field), fmt::format("fault {} does not take {} ({} applies to {}); remove it", fault_name,
                                         field.name, field.name, join_and(fault_takers(*bit))));
    }
    // Parameters it cannot do without.
    if ((params.required & kParamKey) && !f.find("key"))
        fail(loc(flt), fmt::format("fault {} needs key: ({})", fault_name, params.key_is));
    if ((params.required & kParamName) && !f.find("name"))
        fail(loc(flt), fmt::format("fault {} needs name: (the name whose covering NSEC or NSEC3 record is removed, "
                                   "e.g. 'name: nothere.{}')", fault_name, ev.zone == "." ? "" : ev.zone));
    if ((params.required & kParamValidity) && !f.find("validity"))
        fail(loc(flt), fmt::format("fault {} needs validity: (the signature validity the signer switches to, "
                                   "shorter than the refresh of {}, which is {}; e.g. 'validity: {}')", fault_name,
                                   ev.zone, format_duration(zone.signing.refresh),
                                   format_duration(zone.signing.refresh / 2)));
    if ((params.takes & kParamServer) && !f.find("server") && zone.servers > 1)
        fail(loc(flt), fmt::format("fault {} needs server: (zone {} has {} servers, ns1 to ns{}; name the one it "
                                   "applies to, e.g. 'server: ns2')", fault_name, ev.zone, zone.servers,
                                   zone.servers));
    if ((*fault == FaultKind::Nsec3Iterations || *fault == FaultKind::Nsec3paramMismatch) &&
        zone.signing.denial != Denial::Nsec3)
        fail(loc(flt), fmt::format("fault {} needs NSEC3, but zone {} uses NSEC (set signing.denial: nsec3{})",
                                   fault_name, ev.zone, zone.implicit ? fmt::format(", listing {} under zones:", ev.zone)
                                                                      : fmt::format(" in zone {}", ev.zone)));

    if (*fault == FaultKind::CdsNotSignedByDsKey &&
        std::none_of(zone.keys.begin(), zone.keys.end(), [](const KeySpec& k) { return k.role == KeyRole::Zsk; }))
        fail(loc(flt), fmt::format("fault {} has the CDS signed by a zsk alone, and zone {} has none; add a key with "
                                   "role: zsk", fault_name, ev.zone));

    if (const Field* k = f.find("key")) {
        const std::string key_text = scalar(*k);
        resolve_key(key_text, ev.zone, loc(*k));  // fails unless the zone has the key
        const KeySpec* key = find_key(ev.zone, key_text);
        if (*fault == FaultKind::MultiSignerMissingZsk) {
            if (key->role == KeyRole::Ksk)
                fail(loc(*k), fmt::format("fault {} applies to a zsk or csk; key '{}' in {} is a ksk", fault_name,
                                          key_text, ev.zone));
        } else if ((params.required & kParamKey) == 0 && key->role == KeyRole::Zsk) {
            fail(loc(*k), fmt::format("fault {} applies to a ksk or csk; key '{}' in {} is a zsk", fault_name,
                                      key_text, ev.zone));
        }
        ev.key = key_text;
    }
    if (params.takes & kParamServer) {
        const Field* s = f.find("server");
        ev.server = s ? server_ref(scalar(*s), zone, loc(*s)) : "ns1";
    }
    if (params.takes & kParamType) {
        ev.type = std::string(kDefaultFaultType);
        if (const Field* t = f.find("type")) {
            const std::string text = scalar(*t);
            ev.type = to_upper(text);
            if (!is_record_type(ev.type))
                fail(loc(*t), fmt::format("unknown record type '{}'{}", text, record_type_hint(text)));
            if (ev.type == "RRSIG")
                fail(loc(*t), "RRSIG records are not signed themselves; name the type whose signatures the fault "
                              "breaks, e.g. A");
        }
    }
    if (const Field* n = f.find("name")) {
        const std::string text = scalar(*n);
        auto name = normalise_name(text, "", false);
        if (!name.error.empty()) fail(loc(*n), fmt::format("bad name '{}': {}", text, name.error));
        if (!is_at_or_below(name.name, ev.zone))
            fail(loc(*n), fmt::format("name {} is outside zone {}; give a name at or below the zone's apex", name.name,
                                      ev.zone));
        for (const auto& other : m_all_zones)
            if (other != ev.zone && is_at_or_below(other, ev.zone) && is_at_or_below(name.name, other))
                fail(loc(*n), fmt::format("name {} is inside zone {}, which this scenario also has; give zone: {} to "
                                          "break that zone's denial", name.name, other, other));
        ev.name = name.name;
    }
    if (params.takes & kParamOffset) {
        ev.offset = kDefaultFaultOffset;
        if (const Field* o = f.find("offset")) ev.offset = positive_duration(*o);
    }
    if (const Field* v = f.find("validity")) {
        ev.validity = positive_duration(*v);
        if (*ev.validity >= zone.signing.refresh)
            fail(loc(*v), fmt::format("validity ({}) must be shorter than the refresh of zone {} ({}): the fault is "
                                      "signatures that expire before the signer renews them", format_duration(*ev.validity),
                                      ev.zone, format_duration(zone.signing.refresh)));
    }
    if (params.takes & kParamIterations) {
        ev.iterations = kDefaultNsec3Iterations;
        if (const Field* i = f.find("iterations")) ev.iterations = int(integer(*i, 1, kMaxNsec3Iterations));
    }
    if (params.takes & kParamAlgorithm) {
        ev.algorithm = kDefaultBadAlgorithm;
        if (const Field* a = f.find("algorithm")) {
            ev.algorithm = int(integer(*a, 0, 255));
            for (const auto& [value, name] : kAlgorithmNames)
                if (int(value) == *ev.algorithm)
                    fail(loc(*a), fmt::format("algorithm {} ({}) is one validators implement; {} needs a number they "
                                              "do not, e.g. {} (the default)", *ev.algorithm, name, fault_name,
                                              kDefaultBadAlgorithm));
        }
    }
    if (const Field* until = f.find("until")) {
        ev.until = time(*until);
        if (*ev.until <= ev.at)
            fail(loc(*until), fmt::format("until ({}) must be after at ({})", format_offset(*ev.until),
                                          format_offset(ev.at)));
    }
}

// ---------------------------------------------------------------------------------------------
// Rollovers (planned by rollover/planner.hpp into keys and timeline events)

void Parser::parse_rollovers(const Field& f)
{
    if (f.value.IsNull()) return;
    if (!f.value.IsSequence())
        fail(loc(f), fmt::format("rollover must be a list such as '- {{ zone: example.com., method: zsk-prepublish, "
                                 "key: zsk, start: +1d }}', not {}", describe(f.value)));
    for (const auto& item : f.value) {
        RolloverSpec spec = parse_rollover(item);
        for (const auto& other : m_scenario.rollovers) {
            const bool turn = spec.key.empty() || other.key.empty();
            if (other.zone == spec.zone && (turn || other.key == spec.key))
                fail(spec.loc, turn ? fmt::format("zone {} is already changed by the rollover at line {}; a "
                                                  "turn-secure or turn-insecure rollover must be the zone's only "
                                                  "one: split them into two scenarios", spec.zone, other.loc.line)
                                    : fmt::format("key '{}' of {} is already rolled by the rollover at line {}; roll "
                                                  "it again with every: (repeating key lifetimes), or remove one",
                                                  spec.key, spec.zone, other.loc.line));
        }
        if (!spec.every) {
            m_scenario.rollovers.push_back(spec);
            const RolloverSpec& r = m_scenario.rollovers.back();
            apply_rollover_plan(rollover::plan_rollover(*m_scenario.find_zone(r.zone), r));
            continue;
        }
        // Repeating key lifetimes: generation g rolls the key generation g-1 introduced. Without
        // count:, as many generations as end within the scenario's duration.
        const Fields rf = fields(item, "rollover", spec.loc, kRolloverFields);
        const Field& every = *rf.find("every");
        const Field* count = rf.find("count");
        const int generations = count ? static_cast<int>(integer(*count, 1, 1000)) : 1000;
        if (!count && !m_declared_duration)
            fail(key_loc(every), "every: repeats the rollover until the scenario ends: give the scenario a "
                                 "duration, or the rollover a count (e.g. count: 12)");
        const std::string base = spec.key;
        for (int g = 1; g <= generations; ++g) {
            RolloverSpec gen = spec;
            gen.generation = g;
            gen.start = spec.start + (g - 1) * *spec.every;
            gen.key = g == 1 ? base : fmt::format("{}-{}", base, g);
            gen.new_key = fmt::format("{}-{}", base, g + 1);
            if (find_key(gen.zone, gen.new_key))
                fail(spec.loc, fmt::format("zone {} already has a key '{}', the name every: gives generation {} of "
                                           "'{}'; rename that key", gen.zone, gen.new_key, g + 1, base));
            auto plan = rollover::plan_rollover(*m_scenario.find_zone(gen.zone), gen);
            Seconds end = gen.start;
            for (const auto& step : plan.steps) end = std::max(end, step.at);
            if (end - gen.start >= *spec.every)
                fail(loc(every), fmt::format("every: {} is shorter than one {} rollover, whose last step comes {} "
                                             "after its start; use every: of more than {}",
                                             format_duration(*spec.every), to_string(spec.method),
                                             format_duration(end - gen.start), format_duration(end - gen.start)));
            if (!count && end > *m_declared_duration) {
                if (g == 1)
                    fail(loc(every), fmt::format("the first rollover ends at {}, beyond the scenario's duration "
                                                 "({}); raise duration or start it earlier", format_offset(end),
                                                 format_duration(*m_declared_duration)));
                break;
            }
            m_scenario.rollovers.push_back(gen);
            plan.spec = &m_scenario.rollovers.back();  // the same rollover, now in the scenario
            apply_rollover_plan(std::move(plan));
        }
    }
}

RolloverSpec Parser::parse_rollover(const YAML::Node& node)
{
    RolloverSpec r;
    r.loc = loc(node);
    if (!node.IsMap())
        fail(r.loc, fmt::format("each rollover must be a map such as '{{ zone: example.com., method: zsk-prepublish, "
                                "key: zsk, start: +1d }}', not {}", describe(node)));
    Fields f = fields(node, "rollover", r.loc, kRolloverFields);
    const Field* zone = f.find("zone");
    if (!zone) missing(r.loc, "zone", "rollover", "zone: example.com.");
    r.zone = zone_ref(*zone);
    const ZoneSpec& z = *m_scenario.find_zone(r.zone);
    const Field* method = f.find("method");
    if (!method) missing(r.loc, "method", "rollover", "method: zsk-prepublish");
    r.method = choice<RolloverMethod>(*method, "rollover method");
    const std::string method_name(to_string(r.method));
    const Field* start = f.find("start");
    if (!start) missing(r.loc, "start", "rollover", "start: +1d");
    r.start = time(*start);
    const Field* key = f.find("key");
    if (r.method == RolloverMethod::TurnSecure || r.method == RolloverMethod::TurnInsecure) {
        if (key)
            fail(key_loc(*key), fmt::format("method {} changes every key of the zone; remove key", method_name));
        for (const char* field : {"every", "count", "algorithm"})
            if (const Field* x = f.find(field))
                fail(key_loc(*x), fmt::format("{} does not apply to method {}; remove it", field, method_name));
        check_turn(r, *method);
        parse_rollover_timing(r, f, method_name);
        return r;
    }
    if (!key) missing(r.loc, "key", "rollover", "key: zsk");
    r.key = scalar(*key);
    const KeySpec* old = find_key(r.zone, r.key);
    if (!old) {
        std::vector<std::string> names;
        for (const auto& k : z.keys) names.push_back(k.name);
        fail(loc(*key), fmt::format("zone {} has no key '{}'{}", r.zone, r.key, suggest(r.key, names)));
    }
    if (const Field* e = f.find("every")) {
        if (r.method == RolloverMethod::Algorithm)
            fail(key_loc(*e), "every does not apply to method algorithm (an algorithm is rolled once); remove it");
        r.every = positive_duration(*e);
    } else if (const Field* c = f.find("count")) {
        fail(key_loc(*c), "count applies with every: (e.g. every: 30d, count: 12); add every or remove count");
    }

    // The key must suit the method.
    const bool zsk_method = r.method == RolloverMethod::ZskPrepublish || r.method == RolloverMethod::ZskDoubleSignature;
    const bool ksk_method = r.method == RolloverMethod::KskDoubleKsk || r.method == RolloverMethod::KskDoubleDs ||
                            r.method == RolloverMethod::KskDoubleRrset;
    const KeyRole want = zsk_method ? KeyRole::Zsk : ksk_method ? KeyRole::Ksk : KeyRole::Csk;
    if (r.method != RolloverMethod::Algorithm && old->role != want)
        fail(loc(*key), fmt::format("method {} rolls a {}; key '{}' in {} is a {} (use {})", method_name,
                                    to_string(want), r.key, r.zone, to_string(old->role),
                                    old->role == KeyRole::Zsk   ? "zsk-prepublish or zsk-double-signature"
                                    : old->role == KeyRole::Ksk ? "ksk-double-ksk, ksk-double-ds or ksk-double-rrset"
                                                                : "csk"));
    // The root has no parent: its "DS" is the trust anchor validators hold, which RFC 5011
    // resolvers learn from a DNSKEY set signed by a key they trust. Only double-KSK does that.
    if (r.zone == "." && !zsk_method && r.method != RolloverMethod::KskDoubleKsk)
        fail(loc(*method), fmt::format("method {} cannot roll the root's key: RFC 5011 resolvers learn a new root "
                                       "key only from a DNSKEY set the old key signs (use ksk-double-ksk)",
                                       method_name));
    if (!old->publish || *old->publish > r.start || (old->activate && *old->activate > r.start) || !old->activate)
        fail(loc(*start), fmt::format("key '{}' is not published and active at the rollover's start ({}); start the "
                                      "rollover once it is", r.key, format_offset(r.start)));
    for (const auto& [field, when] : {std::pair<const char*, const std::optional<Seconds>*>{"retire", &old->retire},
                                      {"remove", &old->remove}, {"ds-remove", &old->ds_remove}})
        if (*when)
            fail(loc(*key), fmt::format("key '{}' already has {}: {}; the rollover retires and removes it (remove "
                                        "{}: from the key)", r.key, field, format_offset(**when), field));
    for (const KeySpec* k : rollover::replaced_keys(z, RolloverSpec{r}))
        if (find_key(r.zone, rollover::next_key_name(k->name)))
            fail(loc(*key), fmt::format("zone {} already has a key '{}', the name the rollover gives {}'s successor; "
                                        "rename that key", r.zone, rollover::next_key_name(k->name), k->name));

    if (const Field* a = f.find("algorithm")) {
        if (r.method != RolloverMethod::Algorithm)
            fail(key_loc(*a), fmt::format("algorithm applies only to method algorithm (the new algorithm); method {} "
                                          "keeps the key's algorithm: remove it", method_name));
        r.algorithm = algorithm(*a);
        if (*r.algorithm == old->algorithm)
            fail(loc(*a), fmt::format("key '{}' already uses {}; an algorithm rollover needs another algorithm",
                                      r.key, to_string(old->algorithm)));
    } else if (r.method == RolloverMethod::Algorithm) {
        missing(r.loc, "algorithm", "an algorithm rollover", "algorithm: ED25519");
    }
    if (r.method == RolloverMethod::Algorithm && old->role == KeyRole::Zsk)
        fail(loc(*key), fmt::format("an algorithm rollover names the zone's ksk or csk as key (every key with its "
                                    "algorithm is rolled); '{}' is a zsk", r.key));

    parse_rollover_timing(r, f, method_name);
    return r;
}

// The delays, margin, parent and overrides of a rollover.
void Parser::parse_rollover_timing(RolloverSpec& r, const Fields& f, const std::string& method_name)
{
    const bool zsk_method = r.method == RolloverMethod::ZskPrepublish || r.method == RolloverMethod::ZskDoubleSignature;
    if (const Field* p = f.find("propagation-delay")) r.propagation = duration(*p);
    if (const Field* m = f.find("margin")) r.margin = duration(*m);
    if (const Field* p = f.find("parent")) {
        if (r.zone == "." && !zsk_method)
            fail(key_loc(*p), "parent does not apply to the root: its new trust anchor is published with the new "
                              "key's activation (remove parent)");
        if (zsk_method)
            fail(key_loc(*p), fmt::format("parent applies to rollovers that change the DS (ksk-*, csk, algorithm); "
                                          "method {} does not: remove it", method_name));
        Fields pf = fields(p->value, "rollover parent", loc(*p), kRolloverParentFields);
        if (const Field* x = pf.find("registration-delay")) {
            if (m_scenario.find_zone(r.zone)->parent_agent)
                fail(key_loc(*x), fmt::format("zone {} has a parent-agent, whose registration-delay (with its "
                                              "scan-every) times the DS changes; remove registration-delay here",
                                              r.zone));
            r.registration_delay = duration(*x);
        }
        if (const Field* x = pf.find("propagation-delay")) r.parent_propagation = duration(*x);
    }
    if (const Field* ov = f.find("override")) {
        Fields of = fields(ov->value, "rollover override", loc(*ov), kRolloverOverrideFields);
        const std::vector<std::string> takes = override_names(r.method);
        for (const auto& x : of.all()) {
            if (std::find(takes.begin(), takes.end(), x.name) == takes.end())
                fail(key_loc(x), fmt::format("method {} has no {} to override (it takes {}); remove it", method_name,
                                             x.name, join_and(takes)));
            // turn-secure: a negative publish-interval submits the DS before the zone is signed.
            r.overrides[x.name] = r.method == RolloverMethod::TurnSecure ? signed_duration(x) : duration(x);
        }
    }
}

// turn-secure starts from an unsigned zone: its keys come with no times, and the rollover
// publishes them. turn-insecure ends every key the zone has.
void Parser::check_turn(const RolloverSpec& r, const Field& method)
{
    const std::string method_name(to_string(r.method));
    for (const auto& other : m_scenario.rollovers)
        if (other.zone == r.zone)
            fail(r.loc, fmt::format("zone {} is already changed by the rollover at line {}; a turn-secure or "
                                    "turn-insecure rollover must be the zone's only one: split them into two scenarios",
                                    r.zone, other.loc.line));
    if (r.zone == ".")
        fail(loc(method), fmt::format("method {} changes whether the root is signed, and validators hold its key as "
                                      "their trust anchor; use it on a zone below the root", method_name));
    ZoneSpec& z = *std::find_if(m_scenario.zones.begin(), m_scenario.zones.end(),
                                [&](const ZoneSpec& zone) { return zone.name == r.zone; });
    if (r.method == RolloverMethod::TurnSecure && z.parent_agent)
        fail(loc(method), fmt::format("method turn-secure needs its first DS added by the parent, and {}'s parent "
                                      "agent accepts CDS only when signed by a key already in the DS set (RFC 8078 "
                                      "bootstrapping is not modelled); remove parent-agent from the zone", r.zone));
    for (auto& k : z.keys) {
        const bool defaults = k.publish == Seconds{0} && k.activate == Seconds{0} && !k.retire && !k.remove &&
                              !k.ds_remove && (!k.ds_add || *k.ds_add == Seconds{0});
        if (!defaults)
            fail(k.loc, fmt::format("key '{}' has its own times; method {} {} every key of {}: remove the key's "
                                    "times (publish, activate, retire, remove, ds, ds-remove)", k.name, method_name,
                                    r.method == RolloverMethod::TurnSecure ? "publishes" : "removes", r.zone));
        if (r.method == RolloverMethod::TurnSecure) {
            // Unsigned until the rollover signs it: the planned events publish, activate, add the DS.
            k.publish.reset();
            k.activate.reset();
            k.ds_add.reset();
        }
    }
}

// Adds a rollover's new keys to its zone and its steps to the timeline (at once, so that the next
// generation of a repeating rollover finds the key it rolls).
void Parser::apply_rollover_plan(rollover::RolloverPlan plan)
{
    const RolloverSpec& r = *plan.spec;
    for (auto& z : m_scenario.zones)
        if (z.name == r.zone)
            for (auto& k : plan.new_keys) z.keys.push_back(std::move(k));
    for (auto& ev : plan.events()) {
        m_times.push_back({ev.at, r.loc, fmt::format("a step of the {} rollover", to_string(r.method))});
        m_scenario.timeline.push_back(std::move(ev));
    }
    std::stable_sort(m_scenario.timeline.begin(), m_scenario.timeline.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
}

// ---------------------------------------------------------------------------------------------
// Expectations

std::string render_expectation(const Expectation& e)
{
    using Kind = Expectation::Kind;
    const std::string outcome(to_string(e.outcome));
    if (e.kind == Kind::Otherwise) return "otherwise: " + outcome;
    if (e.kind == Kind::PredictedWindows) return "failure windows match the rollover lint's predicted windows";
    std::string out = e.query ? e.query->text() : "every query";
    out += e.resolver.empty() ? " on every resolver" : " on " + e.resolver;
    if (e.from) out += " from " + format_offset(*e.from);
    if (e.until) out += " until " + format_offset(*e.until);
    if (e.kind == Kind::NoFailures) return out + ": no failures";
    if (e.kind == Kind::FailureWindow) {
        out += ": a failure window";
        if (e.start_min && e.start_max)
            out += fmt::format(" starting between {} and {}", format_offset(*e.start_min), format_offset(*e.start_max));
        if (e.start_min && e.length_min) out += ",";
        if (e.length_min && e.length_max)
            out += fmt::format(" lasting between {} and {}", format_duration(*e.length_min),
                               format_duration(*e.length_max));
    } else {
        out += ": " + outcome;
    }
    if (e.ede) out += fmt::format(" (EDE {})", *e.ede);
    return out;
}

void Parser::parse_expectations(const Field& f)
{
    if (f.value.IsNull()) return;
    if (!f.value.IsSequence())
        fail(loc(f),
             fmt::format("expect must be a list such as '- {{ otherwise: secure }}', not {}", describe(f.value)));
    std::optional<SourceLoc> otherwise_seen;
    for (const auto& item : f.value) m_scenario.expectations.push_back(parse_expectation(item, otherwise_seen));
}

// Fields outside `allowed` are errors naming what this kind of expectation takes.
template <size_t N>
void Parser::only_fields(const Fields& f, std::string_view kind, const std::string_view (&allowed)[N]) const
{
    const std::vector<std::string> names = to_strings(allowed);
    const std::vector<std::string> takes(names.begin() + 1, names.end());
    for (const auto& field : f.all()) {
        if (std::find(names.begin(), names.end(), field.name) != names.end()) continue;
        std::string hint;
        if (kind == "failure-window" && field.name == "query") hint = ": the failure-window value is its query";
        else if (kind == "failure-window" && (field.name == "from" || field.name == "until"))
            hint = ": bound the window's start with starts-between instead";
        fail(key_loc(field), fmt::format("'{}' does not apply to a {} expectation{} (it takes {}); remove it",
                                         field.name, kind, hint, join_and(takes)));
    }
}

const ResolverSpec* Parser::resolver_ref(const Field& f) const
{
    const std::string name = scalar(f);
    std::vector<std::string> names;
    for (const auto& spec : m_scenario.resolvers) {
        if (spec.name == name) return &spec;
        names.push_back(spec.name);
    }
    fail(loc(f), fmt::format("resolver '{}' is not defined{}", name, suggest(name, names)));
}

std::optional<Query> Parser::probed_query(const Field& f, const std::string& text) const
{
    Query q = query(text, loc(f));
    const auto& probed = m_scenario.probes.queries;
    if (std::find(probed.begin(), probed.end(), q) == probed.end())
        fail(loc(f), fmt::format("query '{}' is not probed; add it to probes.names", q.text()));
    return q;
}

void Parser::parse_ede(const Field& x, Expectation& e, const ResolverSpec* resolver) const
{
    e.ede = int(integer(x, 0, 65535));
    if (e.kind == Expectation::Kind::Window && e.outcome != Outcome::Servfail && e.outcome != Outcome::Bogus)
        fail(key_loc(x), fmt::format("ede applies only to servfail and bogus outcomes (resolvers attach EDE to "
                                     "SERVFAIL); remove ede or change the outcome"));
    if (resolver && resolver->kind == ResolverKind::Libunbound)
        fail(key_loc(x), fmt::format("resolver '{}' is libunbound, which reports no EDE; remove ede or use a "
                                     "daemon resolver", resolver->name));
}

// [a, b] with a <= b: times (starts-between) or durations (lasts-between).
std::pair<Seconds, Seconds> Parser::bounds(const Field& f, bool times, std::string_view example)
{
    const std::string_view what = times ? "times" : "durations";
    if (!f.value.IsSequence() || f.value.size() != 2)
        fail(loc(f), fmt::format("{} must be a list of two {}, [{}], not {}", f.name, what, example,
                                 f.value.IsSequence() ? fmt::format("{} item{}", f.value.size(),
                                                                    f.value.size() == 1 ? "" : "s")
                                                      : describe(f.value)));
    Seconds v[2];
    for (size_t i = 0; i < 2; ++i) {
        const Field item{fmt::format("the {} value of {}", i == 0 ? "first" : "second", f.name), f.key, f.value[i]};
        v[i] = times ? time(item) : duration(item);
    }
    if (v[0] > v[1]) {
        auto show = [&](Seconds s) { return times ? format_offset(s) : format_duration(s); };
        fail(loc(f.value[1]), fmt::format("{} [{}, {}]: the second bound is {} the first; write [{}, {}]", f.name,
                                          show(v[0]), show(v[1]), times ? "before" : "shorter than", show(v[1]),
                                          show(v[0])));
    }
    return {v[0], v[1]};
}

Expectation Parser::parse_expectation(const YAML::Node& node, std::optional<SourceLoc>& otherwise_seen)
{
    using Kind = Expectation::Kind;
    Expectation e;
    e.loc = loc(node);
    if (!node.IsMap())
        fail(e.loc, fmt::format("each expectation must be a map such as '{{ otherwise: secure }}' or "
                                "'{{ from: +1d, until: +2d, outcome: servfail }}', not {}", describe(node)));
    Fields f = fields(node, "expectation", e.loc, kExpectFields);

    if (const Field* o = f.find("otherwise")) {
        for (const auto& other : f.all())
            if (other.name != "otherwise")
                fail(key_loc(other), fmt::format("'otherwise' stands alone; move '{}' to an expectation of its own",
                                                 other.name));
        if (otherwise_seen)
            fail(key_loc(*o), fmt::format("only one 'otherwise' is allowed (the first is at line {}); remove this one",
                                          otherwise_seen->line));
        otherwise_seen = key_loc(*o);
        e.kind = Kind::Otherwise;
        e.outcome = choice<Outcome>(*o, "outcome");
        e.text = render_expectation(e);
        return e;
    }

    if (const Field* p = f.find("predicted-windows")) {
        for (const auto& other : f.all())
            if (other.name != "predicted-windows")
                fail(key_loc(other), fmt::format("'predicted-windows' stands alone; move '{}' to an expectation of "
                                                 "its own", other.name));
        if (scalar(*p) != "match")
            fail(loc(*p), fmt::format("predicted-windows takes 'match', not '{}'", scalar(*p)));
        if (m_scenario.rollovers.empty())
            fail(key_loc(*p), "predicted-windows compares failures with the rollover lint's predictions; this "
                              "scenario has no rollover: block");
        e.kind = Kind::PredictedWindows;
        e.text = render_expectation(e);
        return e;
    }

    // The kind: outcome (a window), no-failures or failure-window; one per expectation.
    const Field* outcome = f.find("outcome");
    const Field* no_failures = f.find("no-failures");
    const Field* failure_window = f.find("failure-window");
    {
        std::vector<const Field*> kinds;
        for (const Field* k : {outcome, no_failures, failure_window})
            if (k) kinds.push_back(k);
        if (kinds.size() > 1) {
            std::sort(kinds.begin(), kinds.end(),
                      [&](const Field* a, const Field* b) { return key_loc(*a).line < key_loc(*b).line ||
                                                                   (key_loc(*a).line == key_loc(*b).line &&
                                                                    key_loc(*a).column < key_loc(*b).column); });
            fail(key_loc(*kinds[1]), fmt::format("'{}' cannot be combined with '{}': an expectation has one of "
                                                 "outcome:, no-failures: and failure-window: (split it into two "
                                                 "expectations)", kinds[1]->name, kinds[0]->name));
        }
    }

    const ResolverSpec* resolver = nullptr;
    if (no_failures) {
        e.kind = Kind::NoFailures;
        only_fields(f, "no-failures", kNoFailuresFields);
        if (!boolean(*no_failures))
            fail(loc(*no_failures), "no-failures: false expects nothing; write no-failures: true, or remove the "
                                    "expectation");
    } else if (failure_window) {
        e.kind = Kind::FailureWindow;
        only_fields(f, "failure-window", kFailureWindowFields);
        e.query = probed_query(*failure_window, scalar(*failure_window));
        if (!f.find("starts-between") && !f.find("lasts-between"))
            fail(key_loc(*failure_window),
                 "a failure-window expectation needs starts-between: [earliest, latest], lasts-between: [shortest, "
                 "longest], or both");
    } else {
        if (!outcome) missing(e.loc, "outcome", "expectation", "outcome: secure");
        for (std::string_view only : {"starts-between", "lasts-between"})
            if (const Field* x = f.find(only))
                fail(key_loc(*x), fmt::format("{} applies only to failure-window expectations; remove it, or write "
                                              "failure-window: \"<qname> <TYPE>\"", only));
        e.outcome = choice<Outcome>(*outcome, "outcome");
    }

    if (const Field* q = f.find("query")) e.query = probed_query(*q, scalar(*q));
    if (const Field* r = f.find("resolver")) {
        resolver = resolver_ref(*r);
        e.resolver = resolver->name;
    }
    if (const Field* t = f.find("from")) e.from = time(*t);
    if (const Field* t = f.find("until")) {
        e.until = time(*t);
        if (e.from && *e.until <= *e.from)
            fail(loc(*t), fmt::format("until ({}) must be after from ({})", format_offset(*e.until),
                                      format_offset(*e.from)));
    }
    if (const Field* s = f.find("starts-between")) {
        auto [lo, hi] = bounds(*s, true, "+1d, +1d1h");
        e.start_min = lo;
        e.start_max = hi;
    }
    if (const Field* l = f.find("lasts-between")) {
        auto [lo, hi] = bounds(*l, false, "30m, 2h");
        e.length_min = lo;
        e.length_max = hi;
    }
    if (const Field* x = f.find("ede")) parse_ede(*x, e, resolver);
    e.text = render_expectation(e);
    return e;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

const Vocabulary& vocabulary()
{
    static const Vocabulary v = [] {
        Vocabulary out;
        out.fields = {
            {"scenario", to_strings(kTopFields)}, {"zone", to_strings(kZoneFields)},
            {"ttl", to_strings(kTtlFields)},      {"signing", to_strings(kSigningFields)},
            {"nsec3", to_strings(kNsec3Fields)},  {"key", to_strings(kKeyFields)},
            {"event", to_strings(kEventFields)},  {"probes", to_strings(kProbeFields)},
            {"resolver", to_strings(kResolverFields)}, {"expect", to_strings(kExpectFields)},
            {"rollover", to_strings(kRolloverFields)}, {"rollover-parent", to_strings(kRolloverParentFields)},
            {"rollover-override", to_strings(kRolloverOverrideFields)},
            {"parent-agent", to_strings(kParentAgentFields)},
        };
        out.rollover_methods = names_of<RolloverMethod>();
        out.faults = names_of<FaultKind>();
        for (const auto& fault : kFaultNames) {
            auto& takes = out.fault_parameters[std::string(fault.name)];
            auto& needs = out.fault_required[std::string(fault.name)];
            for (const auto& [bit, param] : kFaultParamNames) {
                if (fault.takes & bit) takes.emplace_back(param);
                if (fault.required & bit) needs.emplace_back(param);
            }
        }
        out.actions = names_of<ActionKind>();
        out.outcomes = names_of<Outcome>();
        out.algorithms = names_of<Algorithm>();
        for (const auto& row : kAlgorithmNames) out.algorithm_numbers.push_back(int(row.value));
        out.key_roles = names_of<KeyRole>();
        out.resolver_kinds = names_of<ResolverKind>();
        out.denials = names_of<Denial>();
        out.record_types = to_strings(kRecordTypes);
        return out;
    }();
    return v;
}

Event Parser::run_event(const Scenario& scenario, const YAML::Node& node)
{
    m_scenario = scenario;
    for (const auto& z : scenario.zones) {
        m_all_zones.insert(z.name);
        if (!z.implicit) m_listed.push_back(z.name);
    }
    Event ev = parse_event(node);
    for (const auto& t : m_times)
        if (t.value > scenario.duration)
            fail(t.loc, fmt::format("{} ({}) is beyond the end of the scenario (duration {})", t.what,
                                    format_offset(t.value), format_duration(scenario.duration)));
    return ev;
}

Event parse_event_fields(const Scenario& scenario, const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::string& label)
{
    YAML::Node node(YAML::NodeType::Map);
    for (const auto& [name, value] : fields) {
        if (static_cast<const YAML::Node&>(node)[name]) throw ScenarioError(label, 0, 0, fmt::format("'{}' is given twice; keep one", name));
        node[name] = value;
    }
    return Parser(label, ".").run_event(scenario, node);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates)
{
    return suggest(word, candidates);
}

Scenario parse_scenario_text(const std::string& text, const std::string& file_label, const fs::path& base_dir)
{
    return Parser(file_label, base_dir.empty() ? fs::path(".") : base_dir).run(text);
}

Scenario parse_scenario(const fs::path& file)
{
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        throw ScenarioError(file.string(), 0, 0, "no such scenario file; check the path");
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) throw ScenarioError(file.string(), 0, 0, "cannot read the scenario file; check its permissions");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_scenario_text(text.str(), file.string(), file.parent_path());
}

}  // namespace rollsim::scenario
