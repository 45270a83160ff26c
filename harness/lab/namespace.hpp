// Isolation of a lab: the runner moves itself into fresh network and PID namespaces (and a
// user namespace when it is not root) before it starts anything. Inside, only loopback
// exists and is brought up; every 127.x address is usable on port 53 without configuration.
// A tiny reaper process becomes PID 1 of the new PID namespace; it dies with the runner
// (PR_SET_PDEATHSIG), and when it dies the kernel kills every process of the lab, NSD's and
// Unbound's forked children included, even when the runner was SIGKILLed.
#pragma once

#include <string>

namespace rollsim::lab {

// Call once, before any thread is started and before any lab process is spawned.
// Throws LabError naming the fix when namespaces are not allowed (exit status 3).
void enter_isolated_namespaces();

// True once enter_isolated_namespaces() succeeded in this process.
bool in_isolated_namespaces();

// Gives loopback the address `ipv4` (a /32, host scope) in the current network namespace, as
// `ip addr add ADDRESS/32 dev lo` would; an address it already has is fine. Every 127.x address
// can be bound without it, but named listens only on the addresses its interfaces have (it
// scans them), so a named resolver's address must exist first. Throws LabError.
void add_loopback_address(const std::string& ipv4);

}  // namespace rollsim::lab
