// SIGINT and SIGTERM for the command line: they ask the program to stop, and every blocking
// call that waits on something (waitpid for a batch's children, reading a facilitator's next
// command) returns at once with EINTR, because the handler is installed without SA_RESTART.
// What stops is then up to the caller: a run ends its scenario between instants (exit 130), a
// batch passes the signal on to its children, an exercise writes its transcript.
#pragma once

namespace rollsim::cli {

// Installs the handler (and ignores SIGPIPE: a closed pipe is an error to report, not a death).
void catch_stop_signals();

// True once SIGINT or SIGTERM arrived.
bool stop_requested();

}  // namespace rollsim::cli
