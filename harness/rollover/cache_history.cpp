#include "rollover/cache_history.hpp"

#include <algorithm>
#include <map>

namespace rollsim::rollover {

namespace {

const ChainState& state_at(const std::vector<ChainPhase>& phases, Seconds t)
{
    std::size_t i = 0;
    while (i + 1 < phases.size() && phases[i + 1].from <= t) ++i;
    return phases[i].state;
}

bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b)
{
    return std::none_of(a.begin(), a.end(), [&](const auto& x) { return b.count(x) > 0; });
}

// Fetched at `fetched` and still cached at `t`: answered until the second its TTL ends.
bool cached(const std::optional<Seconds>& fetched, Seconds ttl, Seconds t) { return fetched && t <= *fetched + ttl; }

}  // namespace

std::optional<Seconds> first_failing_fetch(const std::vector<ChainPhase>& phases, const CacheSpans& ttls,
                                           const std::vector<CacheProbe>& probes, const PredictedWindow& w,
                                           bool check_ds)
{
    if (phases.empty()) return std::nullopt;
    std::optional<Seconds> ds, key;
    std::map<std::string, Seconds> data;  // per query: when its answer was fetched
    for (const auto& p : probes) {
        const auto it = data.find(p.query);
        if (it != data.end() && p.at <= it->second + p.ttl) continue;  // answered from the cache
        data[p.query] = p.at;
        if (!cached(key, ttls.dnskey, p.at)) {
            key = p.at;
            if (!cached(ds, ttls.ds, p.at)) ds = p.at;
        }
        if (p.at < w.from || p.at >= w.until) continue;
        const ChainState &d = state_at(phases, *ds), &k = state_at(phases, *key), &now = state_at(phases, p.at);
        if (check_ds && !d.ds.empty() && disjoint(d.ds, k.dnskey_signers)) return p.at;
        if (!now.data_signers.empty() && !k.dnskey.empty() && disjoint(now.data_signers, k.dnskey)) return p.at;
    }
    return std::nullopt;
}

std::optional<Seconds> first_observing_start(const std::vector<ChainPhase>& phases, const CacheSpans& ttls,
                                             const std::vector<CacheProbe>& queries, const std::vector<Seconds>& grid,
                                             const PredictedWindow& w, bool check_ds)
{
    // Only a start whose first fetches can still be cached inside the window matters.
    const Seconds reach = ttls.ds + ttls.dnskey;
    for (auto s = grid.begin(); s != grid.end() && *s < w.until; ++s) {
        if (w.from > reach && *s < w.from - reach) continue;
        std::vector<CacheProbe> probes;
        for (auto t = s; t != grid.end() && *t < w.until; ++t)
            for (const auto& q : queries) probes.push_back({*t, q.query, q.ttl});
        if (first_failing_fetch(phases, ttls, probes, w, check_ds)) return *s;
    }
    return std::nullopt;
}

}  // namespace rollsim::rollover
