#include "core/time.hpp"

#include <cstdio>
#include <ctime>

namespace rollsim {

namespace {

std::optional<long long> unit_seconds(char unit)
{
    switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 7 * 86400;
    default: return std::nullopt;
    }
}

}  // namespace

std::optional<Seconds> parse_duration(std::string_view text)
{
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    long long total = 0;
    size_t i = 0;
    bool any = false;
    while (i < text.size()) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        long long value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            value = value * 10 + (text[i] - '0');
            if (value > 100LL * 365 * 86400) return std::nullopt;  // a century is plenty
            ++i;
        }
        long long mult = 1;
        if (i < text.size()) {
            auto u = unit_seconds(text[i]);
            if (!u) return std::nullopt;
            mult = *u;
            ++i;
        } else if (any) {
            return std::nullopt;  // "1h30" is ambiguous: require the unit
        }
        total += value * mult;
        if (total > 100LL * 365 * 86400) return std::nullopt;  // nor a sum of terms beyond it
        any = true;
    }
    return Seconds(total);
}

std::string format_duration(Seconds d)
{
    long long s = d.count();
    if (s == 0) return "0s";
    std::string out;
    if (s < 0) {
        out = "-";
        s = -s;
    }
    static const std::pair<char, long long> units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
    for (auto [u, n] : units) {
        if (s >= n) {
            out += std::to_string(s / n) + u;
            s %= n;
        }
    }
    return out;
}

std::string format_offset(Seconds d)
{
    return d.count() < 0 ? format_duration(d) : "+" + format_duration(d);
}

std::optional<TimePoint> parse_time(std::string_view text)
{
    int y, mo, da, h, mi, se;
    char tail[8] = {0};
    std::string s(text);
    int n = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &da, &h, &mi, &se, tail);
    if (n != 7) return std::nullopt;
    if (std::string(tail) != "Z" && std::string(tail) != "+00:00") return std::nullopt;
    if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(da)}};
    if (!ymd.ok()) return std::nullopt;
    return TimePoint(sys_days(ymd).time_since_epoch() + hours(h) + minutes(mi) + seconds(se));
}

static std::tm to_tm(TimePoint t)
{
    std::time_t tt = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

std::string format_time(TimePoint t)
{
    std::tm tm = to_tm(t);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string format_rrsig_time(TimePoint t)
{
    std::tm tm = to_tm(t);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
    return buf;
}

}  // namespace rollsim
