#include "core/unique_fd.hpp"

#include <unistd.h>

namespace rollsim {

void UniqueFd::reset(int fd)
{
    // close(2) releases the descriptor even when it reports an error (EINTR included, on
    // Linux): it is not retried.
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
}

}  // namespace rollsim
