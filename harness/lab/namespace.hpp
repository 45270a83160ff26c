// Isolation of a lab: the runner moves itself into fresh network and PID namespaces (and a
// user namespace when it is not root) before it starts anything. Inside, only loopback
// exists and is brought up; every 127.x address is usable on port 53 without configuration.
// A tiny reaper process becomes PID 1 of the new PID namespace; it dies with the runner
// (PR_SET_PDEATHSIG), and when it dies the kernel kills every process of the lab, NSD's and
// Unbound's forked children included, even when the runner was SIGKILLed.
#pragma once

namespace rollsim::lab {

// Call once, before any thread is started and before any lab process is spawned.
// Throws LabError naming the fix when namespaces are not allowed (exit status 3).
void enter_isolated_namespaces();

// True once enter_isolated_namespaces() succeeded in this process.
bool in_isolated_namespaces();

}  // namespace rollsim::lab
