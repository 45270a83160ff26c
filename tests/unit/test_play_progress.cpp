// rollsim play's progress while virtual time advances (cli/play_progress.hpp): rewritten in
// place on a terminal, a line now and then in a pipe, nothing outside a command.
#include "cli/play_progress.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace rollsim::cli {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart = *parse_time("2027-03-01T00:00:00Z");

// A wall clock the test moves by hand.
struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    PlayProgress::Clock fn() { return [this] { return now; }; }
};

runner::Progress at(Seconds offset) { return {offset, Seconds(2 * 86400), 0, 0}; }

TEST(PlayProgress, SaysWhereVirtualTimeIsAndHowManyInstantsWerePlayed)
{
    std::ostringstream out;
    PlayProgress p(out, false, kStart);
    p.begin(Seconds(2 * 86400));
    EXPECT_EQ(p.line(Seconds(86400 + 7200)), "  playing: +1d2h (2027-03-02T02:00:00Z) of +2d, 0 instants");
}

TEST(PlayProgress, InAPipeALineEveryHundredInstants)
{
    std::ostringstream out;
    FakeClock clock;
    PlayProgress p(out, false, kStart, clock.fn());
    p.instant(at(Seconds(60)));  // before begin(): Session::start(), not shown
    p.begin(Seconds(86400));
    for (int i = 1; i <= 250; ++i) p.instant(at(Seconds(60 * i)));
    p.end();
    EXPECT_EQ(out.str(), "  playing: +1h40m (2027-03-01T01:40:00Z) of +1d, 100 instants\n"
                         "  playing: +3h20m (2027-03-01T03:20:00Z) of +1d, 200 instants\n");
}

TEST(PlayProgress, InAPipeALineAfterFiveSecondsOfWallTime)
{
    std::ostringstream out;
    FakeClock clock;
    PlayProgress p(out, false, kStart, clock.fn());
    p.begin(Seconds(3600));
    clock.now += 4s;
    p.instant(at(Seconds(600)));  // slow instants (a server down), not yet 5 s
    EXPECT_EQ(out.str(), "");
    clock.now += 2s;
    p.instant(at(Seconds(1200)));
    EXPECT_EQ(out.str(), "  playing: +20m (2027-03-01T00:20:00Z) of +1h, 2 instants\n");
}

TEST(PlayProgress, OnATerminalOneLineRewrittenThenCleared)
{
    std::ostringstream out;
    FakeClock clock;
    PlayProgress p(out, true, kStart, clock.fn());
    p.begin(Seconds(3600));
    p.instant(at(Seconds(600)));
    p.instant(at(Seconds(1200)));  // within 100 ms of the last: not redrawn
    clock.now += 200ms;
    p.instant(at(Seconds(1800)));
    p.end();
    const std::string s = out.str();
    EXPECT_EQ(s, "\r\x1b[K  playing: +10m (2027-03-01T00:10:00Z) of +1h, 1 instant"
                 "\r\x1b[K  playing: +30m (2027-03-01T00:30:00Z) of +1h, 3 instants"
                 "\r\x1b[K");
    EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 0);
}

TEST(PlayProgress, ACommandThatPlaysNoInstantShowsNothing)
{
    std::ostringstream out;
    PlayProgress p(out, true, kStart);
    p.begin(Seconds(3600));
    p.end();
    EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace rollsim::cli
