// Whether one warm resolver's cache could have shown a predicted failure window. A predicted
// window (rollover/chain_lint.hpp) is the worst case over where a resolver's cache refreshes
// fall; a real resolver refreshes at its own instants, which its probes decide: an answer is
// fetched again at the first probe after its TTL has passed, the zone's DNSKEY set with it once
// that has expired, and the parent's DS set with the DNSKEY set once that has (RFC 4035 5: a
// validator needs the DNSKEY set only to validate a fetched answer, and the DS set only to
// validate a fetched DNSKEY set). An entry is still answered at the second its TTL ends
// (docs/faults.md). This rebuilds that history and says whether a fetch inside the window paired
// sets that do not validate. The lab propagates at once, so the spans are the TTLs alone.
// Pure: no clock, no I/O.
#pragma once

#include "rollover/chain_lint.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rollsim::rollover {

// One probe of a name in the zone, as the resolver was asked it.
struct CacheProbe {
    Seconds at{0};
    std::string query;  // "www.example.com. A": each query is its own cache entry
    Seconds ttl{300};   // of its answer
};

// The first probe of `probes` (in time order) inside `window` whose fetch validated with a DS
// set and a DNSKEY set, or a DNSKEY set and the data's signatures, that do not match; nullopt
// when the resolver's cache never held such a pair inside it. `ttls.no_dnskey` is not used.
std::optional<Seconds> first_failing_fetch(const std::vector<ChainPhase>& phases, const CacheSpans& ttls,
                                           const std::vector<CacheProbe>& probes, const PredictedWindow& window,
                                           bool check_ds);

// The first of `starts` at which a warm resolver started then, and asked `queries` at every
// instant of `grid` from its start on, would see `window` (first_failing_fetch); nullopt when
// none would. What a report suggests to observe a window no resolver of the run could.
std::optional<Seconds> first_observing_start(const std::vector<ChainPhase>& phases, const CacheSpans& ttls,
                                             const std::vector<CacheProbe>& queries, const std::vector<Seconds>& grid,
                                             const PredictedWindow& window, bool check_ds);

}  // namespace rollsim::rollover
