// The lab's side of the virtual clock: the 8-byte offset file that librollsim_vclock.so
// (vclock/vclock_preload.cpp) maps into every daemon started with environment(). The file
// holds one native-endian signed 64-bit count of nanoseconds, the offset from the real clock
// to the virtual one; a daemon's wall clock reads real time + offset from its next call on.
// Monotonic clocks are not shifted (docs/architecture.md, "The virtual clock").
#pragma once

#include "core/time.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace rollsim::vclock {

// The environment variable naming the offset file for the preload library.
inline constexpr const char* kFileVariable = "ROLLSIM_VCLOCK_FILE";

// The offset that makes a clock reading `real_now` read `virtual_now`. Pure: the caller
// reads the real clock.
std::chrono::nanoseconds offset_between(TimePoint virtual_now,
                                        std::chrono::sys_time<std::chrono::nanoseconds> real_now);

class VirtualClock {
public:
    // Creates `dir`/`name` holding offset 0 and maps it; `library` is the path of
    // librollsim_vclock.so (lab::locate_vclock_library()). Throws LabError when the file
    // cannot be created or mapped.
    VirtualClock(const std::filesystem::path& dir, std::string library, const std::string& name = "vclock");
    ~VirtualClock();  // unmaps and removes the file
    VirtualClock(VirtualClock&& other) noexcept;
    VirtualClock& operator=(VirtualClock&& other) noexcept;
    VirtualClock(const VirtualClock&) = delete;
    VirtualClock& operator=(const VirtualClock&) = delete;

    // One atomic release store: every process mapping the file sees it at its next clock call.
    void set_offset(std::chrono::nanoseconds offset);
    std::chrono::nanoseconds offset() const;

    // Puts the daemons' wall clock at `virtual_now` as of now on the real clock, from which it
    // runs on at real speed. The one read of the real clock here.
    void set(TimePoint virtual_now);

    // LD_PRELOAD and ROLLSIM_VCLOCK_FILE, for lab::ProcessSpec::env of a daemon or of a
    // control tool talking to it (rndc refuses a server whose clock differs from its own).
    std::map<std::string, std::string> environment() const;

    const std::filesystem::path& file() const { return m_file; }

private:
    void release() noexcept;

    std::filesystem::path m_file;
    std::string m_library;
    std::int64_t* m_offset = nullptr;  // the shared mapping of m_file
};

}  // namespace rollsim::vclock
