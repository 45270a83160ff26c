#include "cli/terminal_width.hpp"

#include <algorithm>
#include <cstdlib>

#include <sys/ioctl.h>
#include <unistd.h>

namespace rollsim::cli {

std::size_t terminal_width(int fd)
{
    constexpr std::size_t kDefault = 100;
    constexpr std::size_t kNarrowest = 40;  // below this, nothing useful fits on a line
    if (const char* columns = std::getenv("COLUMNS")) {
        char* end = nullptr;
        const long n = std::strtol(columns, &end, 10);
        if (end != columns && *end == '\0' && n > 0) return std::max<std::size_t>(kNarrowest, static_cast<std::size_t>(n));
    }
    winsize size{};
    if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return std::max<std::size_t>(kNarrowest, size.ws_col);
    return kDefault;
}

}  // namespace rollsim::cli
