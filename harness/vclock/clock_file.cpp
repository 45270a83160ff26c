#include "vclock/clock_file.hpp"

#include "core/error.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace rollsim::vclock {

namespace {

namespace fs = std::filesystem;

static_assert(std::atomic_ref<std::int64_t>::is_always_lock_free,
              "the preload library reads the offset with a plain 8-byte atomic load");

std::string system_reason() { return std::strerror(errno); }

// Creates `file` as 8 zero bytes (offset 0) readable by every daemon, and maps it shared.
std::int64_t* create_offset_file(const fs::path& file)
{
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw LabError("cannot create the virtual clock file " + file.string() + ": " + system_reason());
    void* map = MAP_FAILED;
    if (::ftruncate(fd, sizeof(std::int64_t)) == 0)
        map = ::mmap(nullptr, sizeof(std::int64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    const std::string reason = system_reason();
    ::close(fd);
    if (map == MAP_FAILED) {
        std::error_code ignored;
        fs::remove(file, ignored);
        throw LabError("cannot map the virtual clock file " + file.string() + ": " + reason);
    }
    return static_cast<std::int64_t*>(map);
}

}  // namespace

std::chrono::nanoseconds offset_between(TimePoint virtual_now,
                                        std::chrono::sys_time<std::chrono::nanoseconds> real_now)
{
    return std::chrono::time_point_cast<std::chrono::nanoseconds>(virtual_now) - real_now;
}

VirtualClock::VirtualClock(const fs::path& dir, std::string library, const std::string& name)
    : m_file(dir / name), m_library(std::move(library)), m_offset(create_offset_file(m_file))
{
}

VirtualClock::~VirtualClock() { release(); }

VirtualClock::VirtualClock(VirtualClock&& other) noexcept
    : m_file(std::move(other.m_file)),
      m_library(std::move(other.m_library)),
      m_offset(std::exchange(other.m_offset, nullptr))
{
}

VirtualClock& VirtualClock::operator=(VirtualClock&& other) noexcept
{
    if (this != &other) {
        release();
        m_file = std::move(other.m_file);
        m_library = std::move(other.m_library);
        m_offset = std::exchange(other.m_offset, nullptr);
    }
    return *this;
}

void VirtualClock::release() noexcept
{
    if (m_offset == nullptr) return;
    ::munmap(m_offset, sizeof(std::int64_t));
    m_offset = nullptr;
    std::error_code ignored;
    fs::remove(m_file, ignored);
}

void VirtualClock::set_offset(std::chrono::nanoseconds offset)
{
    // Release pairs with the library's acquire load; one aligned 8-byte store, so a reader
    // sees the old offset or the new one, never a mix.
    std::atomic_ref<std::int64_t>(*m_offset).store(offset.count(), std::memory_order_release);
}

std::chrono::nanoseconds VirtualClock::offset() const
{
    return std::chrono::nanoseconds(std::atomic_ref<std::int64_t>(*m_offset).load(std::memory_order_acquire));
}

void VirtualClock::set(TimePoint virtual_now)
{
    // Sub-second precision, as for Unbound's clock (lab/unbound.cpp): a whole-second offset
    // would leave the daemons up to a second past the instant, depending on the real clock's
    // phase.
    const auto real_now = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    set_offset(offset_between(virtual_now, real_now));
}

std::map<std::string, std::string> VirtualClock::environment() const
{
    return {{"LD_PRELOAD", m_library}, {kFileVariable, m_file.string()}};
}

}  // namespace rollsim::vclock
