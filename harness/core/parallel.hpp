// Work spread over threads: a loop whose iterations are independent, run on every core (the
// signer) or with several waits on the network at once (a large run's probes of a daemon). Iterations write only their own result slot, so what a caller builds from the
// slots afterwards does not depend on the number of threads. The work runs on the threads the
// process keeps (core/kept_threads.hpp: a lab's runner starts them before it enters its PID
// namespace, where Linux starts no new thread), or else on threads started for the loop; where
// neither is possible the caller does all the work.
#pragma once

#include <cstddef>
#include <functional>

namespace rollsim {

// The threads to use for `requested` (0 = one per core the machine reports, at least one).
unsigned thread_count(unsigned requested);

// Calls body(i, worker) for every i in [0, count) on up to `threads` threads (0 = every core),
// handing out indices in blocks of `block`; returns when all are done. `worker` (below
// thread_count(threads)) names the thread, for state a thread keeps to itself. The first
// exception a body throws stops the handing out and is rethrown here once every thread has
// ended.
void parallel_for(std::size_t count, unsigned threads, std::size_t block,
                  const std::function<void(std::size_t index, unsigned worker)>& body);

}  // namespace rollsim
