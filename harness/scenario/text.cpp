#include "scenario/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

#include <fmt/format.h>

namespace rollsim::scenario::detail {

namespace {

// Record types a scenario may name (in records, probes and ttl). The lab generates some of them.
constexpr std::string_view kRecordTypes[] = {
    "A",     "AAAA",   "AFSDB", "APL",   "CAA",   "CDNSKEY", "CDS",        "CERT",       "CNAME",
    "CSYNC", "DHCID",  "DNAME", "DNSKEY", "DS",   "EUI48",   "EUI64",      "HINFO",      "HIP",
    "HTTPS", "IPSECKEY", "KX",  "LOC",   "MX",    "NAPTR",   "NS",         "NSEC",       "NSEC3",
    "NSEC3PARAM", "OPENPGPKEY", "PTR", "RP", "RRSIG", "SMIMEA", "SOA",     "SPF",        "SRV",
    "SSHFP", "SVCB",   "TLSA",  "TXT",   "URI",   "ZONEMD",
};

}  // namespace

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

namespace {

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

}  // namespace

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

std::string suggest(std::string_view word, const std::vector<std::string>& candidates, bool list_all)
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

const std::vector<std::string>& record_types()
{
    static const std::vector<std::string> types = to_strings(kRecordTypes);
    return types;
}

bool is_record_type(std::string_view upper_type)
{
    return std::find(std::begin(kRecordTypes), std::end(kRecordTypes), upper_type) != std::end(kRecordTypes);
}

std::string record_type_hint(std::string_view word)
{
    if (auto m = closest(to_upper(word), record_types())) return fmt::format(" (did you mean '{}'?)", *m);
    return " (use a type such as A, AAAA, CNAME, MX, NS, TXT, SRV, CAA or TLSA)";
}

}  // namespace rollsim::scenario::detail
