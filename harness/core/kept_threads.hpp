// Threads kept for the life of the process, for work spread over the cores (the signer's
// parallel loops, core/parallel.hpp) and for questions that wait on the network (a large
// run's probes of a daemon, probe/daemon_probe.hpp).
//
// Why kept: a lab's runner enters a PID namespace of its own with unshare(CLONE_NEWPID), and
// from then on Linux refuses it new threads (clone(2): CLONE_THREAD is EINVAL once the caller's
// PID namespace for children differs from its own). Threads started before keep running, and
// as they only compute they need none of the namespaces the runner enters. So the runner starts
// them first (lab/namespace.cpp) and the signer uses every core inside a lab too.
#pragma once

#include <functional>

namespace rollsim {

// Starts the kept threads, once per process (a forked child starts its own: threads are not
// copied by fork): kKeptThreads beyond the caller's, or one per core beyond it when there are
// more cores. Returns how many threads a job can then run on, the caller included. Where no
// thread can start, keeps none and returns 1. A job asks for as many as it can use: the
// signer one per core, the probes kKeptThreads + 1 in flight.
constexpr unsigned kKeptThreads = 15;
unsigned start_kept_threads();

// Runs job(worker) on `wanted` threads at once, the caller being worker 0 and kept threads
// workers 1.. (fewer when fewer are kept), and returns once every call returned. Returns false,
// running nothing, when this process keeps no threads or another job is running (a nested
// call): the caller then does the work another way. `job` must not throw.
bool run_on_kept_threads(unsigned wanted, const std::function<void(unsigned worker)>& job);

}  // namespace rollsim
