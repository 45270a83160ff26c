#include "cli/play_progress.hpp"

#include <ostream>

#include <fmt/format.h>

namespace rollsim::cli {

PlayProgress::PlayProgress(std::ostream& out, bool terminal, TimePoint start, Clock clock)
    : m_out(out), m_terminal(terminal), m_start(start), m_clock(std::move(clock))
{
}

void PlayProgress::begin(Seconds target)
{
    m_active = true;
    m_target = target;
    m_instants = 0;
    m_since_line = 0;
    m_last = m_clock();
}

void PlayProgress::instant(const runner::Progress& p)
{
    if (!m_active) return;
    ++m_instants;
    ++m_since_line;
    const auto now = m_clock();
    if (m_terminal) {
        if (m_shown && now - m_last < kTerminalEvery) return;
        m_out << "\r\x1b[K" << line(p.offset) << std::flush;
        m_shown = true;
    } else {
        if (m_since_line < kPipeEveryInstants && now - m_last < kPipeEvery) return;
        m_out << line(p.offset) << "\n" << std::flush;
        m_since_line = 0;
    }
    m_last = now;
}

void PlayProgress::end()
{
    if (m_shown) m_out << "\r\x1b[K" << std::flush;
    m_shown = false;
    m_active = false;
}

std::string PlayProgress::line(Seconds reached) const
{
    return fmt::format("  playing: {} ({}) of {}, {} instant{}", format_offset(reached), format_time(m_start + reached),
                       format_offset(m_target), m_instants, m_instants == 1 ? "" : "s");
}

}  // namespace rollsim::cli
