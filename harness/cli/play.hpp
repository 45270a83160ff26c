// `rollsim play`: a scenario as a tabletop exercise. The lab starts as for `run`; then the
// facilitator moves virtual time with commands read from a terminal or a pipe (next, advance,
// inject, repair, query, status, help, quit), sees each event's narrative and what every
// resolver answers, and gets a Markdown transcript of the session at the end. docs/tabletop.md
// is the facilitator's guide.
#pragma once

#include <iosfwd>
#include <string>

namespace rollsim::cli {

struct PlayArgs {
    std::string scenario;    // one scenario file
    std::string transcript;  // empty: <scenario basename>-transcript.md in the current directory
    std::string lab_dir;     // build the lab here and keep it
    std::string template_root;  // empty: the scenario's repository (scenario/parse.hpp)
    bool keep_lab = false;
};

// Plays the exercise, reading commands from `in` and writing the session to `out`, until quit,
// end of input, an interrupt or the end of the scenario; then writes the transcript. Returns 0
// (130 when interrupted); throws ScenarioError (exit 2) for an invalid scenario and LabError
// (exit 3) when the lab cannot start, as `run` does.
int play(const PlayArgs& args, std::istream& in, std::ostream& out);

}  // namespace rollsim::cli
