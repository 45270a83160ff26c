// Portfolios: many zones with the same settings, written once (docs/scenario-format.md,
// "Portfolios"). A zone key, a rollover's or an event's zone:, a probe name or an expectation's
// query may be a name pattern (scenario/pattern.hpp); the parser expands it. What is left for
// others to compute is the spread of a pattern's rollover starts (`stagger:`).
#pragma once

#include "core/time.hpp"

#include <cstddef>

namespace rollsim::scenario {

// How much later than its entry's start: zone `index` (0-based, in pattern order) of the `count`
// zones a rollover's pattern names starts its roll with `stagger:`: floor(index * stagger /
// count), rounded down to a whole `step` (`stagger-step:`, an hour unless given). Whole steps
// keep the instants a run stops at bounded by the stagger's steps (1000 zones over 30d share 720
// starts by the hour, 30 by the day), not by the number of zones.
Seconds stagger_offset(std::size_t index, std::size_t count, Seconds stagger, Seconds step = Seconds{3600});

}  // namespace rollsim::scenario
