// The owner of one open file descriptor (a socket, a pipe end, a pidfd, /dev/null, a file
// being written): closed when its owner goes, moved and never copied, so every descriptor the
// harness opens is closed exactly once, on every path out of the code that opened it.
#pragma once

#include <utility>

namespace rollsim {

class UniqueFd {
public:
    UniqueFd() = default;
    // Takes `fd` as it comes from open(2), socket(2) and friends: -1 (a failed call) owns nothing.
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    // Gives the descriptor up without closing it (to a child about to exec, or to keep it
    // open for the rest of the process).
    int release() { return std::exchange(m_fd, -1); }
    // Closes the descriptor owned so far and owns `fd` instead.
    void reset(int fd = -1);

private:
    int m_fd = -1;
};

}  // namespace rollsim
