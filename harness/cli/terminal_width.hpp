// How wide the terminal summary may be.
#pragma once

#include <cstddef>

namespace rollsim::cli {

// The columns of the terminal on `fd`: $COLUMNS when set to a number, else the terminal's own
// size (TIOCGWINSZ) when `fd` is one, else 100 (a file, a pipe, a CI log).
std::size_t terminal_width(int fd);

}  // namespace rollsim::cli
