// How far virtual time has got while a `rollsim play` command advances it. An advance can take
// a while (a server that is down costs real seconds at every instant), and a silent terminal
// looks stuck: on a terminal one line is rewritten in place ('\r') and cleared when the
// command is done; in a pipe (a rehearsal's log, CI) a line is written every few seconds of
// wall time or every `kPipeEveryInstants` instants, whichever comes first.
#pragma once

#include "core/time.hpp"
#include "runner/runner.hpp"

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string>

namespace rollsim::cli {

class PlayProgress {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr int kPipeEveryInstants = 100;
    static constexpr std::chrono::seconds kPipeEvery{5};
    static constexpr std::chrono::milliseconds kTerminalEvery{100};

    // `start`: the scenario's start, for the absolute time; `clock`: the wall clock (tests
    // give their own).
    PlayProgress(std::ostream& out, bool terminal, TimePoint start, Clock clock = std::chrono::steady_clock::now);

    // A command starts moving virtual time towards `target`.
    void begin(Seconds target);
    // After every instant the runner played (runner::RunOptions::on_progress); shown only
    // between begin() and end().
    void instant(const runner::Progress& p);
    // The command is done: on a terminal the line goes away, before its output.
    void end();

    // "  playing: +1d2h (2027-03-02T02:00:00Z) of +2d, 100 instants"
    std::string line(Seconds reached) const;

private:
    std::ostream& m_out;
    bool m_terminal;
    TimePoint m_start;
    Clock m_clock;
    bool m_active = false;
    bool m_shown = false;  // a terminal line is on the screen
    Seconds m_target{0};
    int m_instants = 0;       // played since begin()
    int m_since_line = 0;     // played since the last line (pipe)
    std::chrono::steady_clock::time_point m_last;  // begin() or the last line
};

}  // namespace rollsim::cli
