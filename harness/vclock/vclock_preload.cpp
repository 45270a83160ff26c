// librollsim_vclock.so: the virtual clock inside a daemon, loaded with LD_PRELOAD.
//
// The wall clock a process reads (clock_gettime on CLOCK_REALTIME, CLOCK_REALTIME_COARSE and
// CLOCK_TAI, gettimeofday, time, timespec_get) is the real clock plus an offset in
// nanoseconds that the lab writes into an 8-byte file (vclock/clock_file.hpp). The file is
// mapped shared and read-only at load time, so a new offset is seen by the next call without
// any file access. Receive timestamps the kernel attaches to datagrams (SO_TIMESTAMP,
// SO_TIMESTAMPNS) are shifted by the same offset: they are stamped on the real clock, and a
// daemon that compares them with its own clock (PowerDNS Recursor drops queries it thinks
// waited too long) must see both on one clock.
//
// Monotonic and CPU clocks stay real: event loops and timeouts run on them.
//
// A wait on a condition variable of the wall clock (pthread_cond_timedwait on a condition
// variable without a monotonic clock attribute) has a virtual deadline, which the kernel would
// wait for on the real clock: with the clock ahead by a day, a day of real time. named 9.18's
// timer thread waits so for its next timer, and a timer armed for now (rndc loadkeys) does not
// wake it unless it is the earliest one. Such a wait here ends at the deadline turned into real
// time, or after a short real slice, whichever comes first; at the end of a slice it returns as
// a spurious wake-up (POSIX allows them; callers re-check their condition), so that the caller
// reads the clock again and sees a new offset.
//
// Why this shape: named and kresd link jemalloc, whose start-up reads the clock before other
// preload libraries have initialised, and a library that resolves libc's clock_gettime
// through dlsym on first use recurses into the allocator. Here no interposed clock function
// calls into libc's clock, allocates, or depends on initialisation: the real time comes from
// the clock_gettime system call, and before the constructor has run the offset is zero.
// Nothing in this file throws, allocates in an interposed path, or can crash a daemon: without
// ROLLSIM_VCLOCK_FILE, or when the file cannot be mapped, every call passes through.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include <cerrno>

#include <dlfcn.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/time_types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define ROLLSIM_VCLOCK_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Set once by the constructor, before the daemon's main() and its threads; read-only after.
const std::int64_t* g_offset = nullptr;

using RecvmsgFunction = ssize_t (*)(int, msghdr*, int);
using RecvmmsgFunction = int (*)(int, mmsghdr*, unsigned int, int, timespec*);
RecvmsgFunction g_real_recvmsg = nullptr;
RecvmmsgFunction g_real_recvmmsg = nullptr;
using CondTimedwaitFunction = int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
CondTimedwaitFunction g_real_cond_timedwait = nullptr;

// The longest real time a wall-clock condition wait sleeps before it looks at the offset again.
constexpr std::int64_t kWaitSliceNanoseconds = 20'000'000;

// The offset in nanoseconds, as last stored by the lab (a release store): one 8-byte atomic
// load. std::atomic_ref cannot refer to const memory before C++26 and the mapping is
// read-only, hence the builtin.
std::int64_t offset_nanoseconds()
{
    const std::int64_t* offset = g_offset;
    return offset == nullptr ? 0 : __atomic_load_n(offset, __ATOMIC_ACQUIRE);
}

// The offset split into whole seconds and a nanosecond part in [0, 1 s), so that adding it to a
// time never overflows the nanosecond field.
struct Shift {
    std::int64_t seconds = 0;
    std::int64_t nanoseconds = 0;
};

Shift current_shift()
{
    const std::int64_t offset = offset_nanoseconds();
    Shift shift{offset / kNanosPerSecond, offset % kNanosPerSecond};
    if (shift.nanoseconds < 0) {
        shift.nanoseconds += kNanosPerSecond;
        shift.seconds -= 1;
    }
    return shift;
}

// Adds `shift` to a (seconds, fraction) pair whose fraction counts `units_per_second`.
template <typename Seconds, typename Fraction>
void add_shift(Seconds& seconds, Fraction& fraction, const Shift& shift, std::int64_t units_per_second)
{
    if (shift.seconds == 0 && shift.nanoseconds == 0) return;
    std::int64_t part = static_cast<std::int64_t>(fraction) + shift.nanoseconds / (kNanosPerSecond / units_per_second);
    std::int64_t whole = static_cast<std::int64_t>(seconds) + shift.seconds;
    if (part >= units_per_second) {
        part -= units_per_second;
        whole += 1;
    }
    seconds = static_cast<Seconds>(whole);
    fraction = static_cast<Fraction>(part);
}

bool is_wall_clock(clockid_t clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

// The kernel's clock, never libc's: libc's clock_gettime is the function interposed here.
int real_clock_gettime(clockid_t clock, timespec* ts)
{
    return static_cast<int>(::syscall(SYS_clock_gettime, clock, ts));
}

int shifted_clock_gettime(clockid_t clock, timespec* ts)
{
    const int status = real_clock_gettime(clock, ts);
    if (status == 0 && is_wall_clock(clock)) add_shift(ts->tv_sec, ts->tv_nsec, current_shift(), kNanosPerSecond);
    return status;
}

// Shifts the time of type T (struct timeval or timespec, or the kernel's 64-bit twins) that a
// control message holds at `data`, possibly unaligned; `fraction` counts `units_per_second`.
template <typename T, typename Fraction>
void shift_stored_time(unsigned char* data, std::size_t size, Fraction T::*fraction,
                       std::int64_t units_per_second, const Shift& shift)
{
    if (size < sizeof(T)) return;
    T time;
    __builtin_memcpy(&time, data, sizeof time);
    add_shift(time.tv_sec, time.*fraction, shift, units_per_second);
    __builtin_memcpy(data, &time, sizeof time);
}

// Receive timestamps of the control messages of one received message, shifted in place. Both
// the historical layouts (SO_TIMESTAMP_OLD: struct timeval, SO_TIMESTAMPNS_OLD: struct
// timespec) and the 64-bit ones (SO_TIMESTAMP_NEW, SO_TIMESTAMPNS_NEW) are stamped on the
// real clock by the kernel (net/socket.c __sock_recv_timestamp).
void shift_receive_timestamps(msghdr* message, const Shift& shift)
{
    if (message == nullptr || message->msg_control == nullptr) return;
    for (cmsghdr* c = CMSG_FIRSTHDR(message); c != nullptr; c = CMSG_NXTHDR(message, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        unsigned char* data = CMSG_DATA(c);
        const std::size_t size = c->cmsg_len - CMSG_LEN(0);
        switch (c->cmsg_type) {
        // clang-format off
        case SO_TIMESTAMP_OLD: shift_stored_time(data, size, &timeval::tv_usec, kMicrosPerSecond, shift); break;
        case SO_TIMESTAMPNS_OLD: shift_stored_time(data, size, &timespec::tv_nsec, kNanosPerSecond, shift); break;
        case SO_TIMESTAMP_NEW:
            shift_stored_time(data, size, &__kernel_sock_timeval::tv_usec, kMicrosPerSecond, shift); break;
        case SO_TIMESTAMPNS_NEW:
            shift_stored_time(data, size, &__kernel_timespec::tv_nsec, kNanosPerSecond, shift); break;
        default: break;
        // clang-format on
        }
    }
}

// Maps the offset file named by ROLLSIM_VCLOCK_FILE. Any failure leaves the offset at zero.
void map_offset_file()
{
    const char* path = ::getenv("ROLLSIM_VCLOCK_FILE");
    if (path == nullptr || *path == '\0') return;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    void* map = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && st.st_size >= static_cast<off_t>(sizeof(std::int64_t)))
        map = ::mmap(nullptr, sizeof(std::int64_t), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map != MAP_FAILED) g_offset = static_cast<const std::int64_t*>(map);
}

std::int64_t nanoseconds_of(const timespec& ts) { return ts.tv_sec * kNanosPerSecond + ts.tv_nsec; }

timespec timespec_of(std::int64_t nanoseconds)
{
    return timespec{static_cast<time_t>(nanoseconds / kNanosPerSecond), static_cast<long>(nanoseconds % kNanosPerSecond)};
}

// glibc (2.25 and later) keeps a condition variable's clock in bit 1 of __wrefs: set for
// CLOCK_MONOTONIC (pthread_condattr_setclock), clear for CLOCK_REALTIME.
bool waits_on_wall_clock(const pthread_cond_t* cond) { return (cond->__data.__wrefs & 2u) == 0; }

__attribute__((constructor)) void initialise_virtual_clock()
{
    // Resolved here, once: dlsym may allocate, which an interposed call must never do.
    g_real_recvmsg = reinterpret_cast<RecvmsgFunction>(::dlsym(RTLD_NEXT, "recvmsg"));
    g_real_recvmmsg = reinterpret_cast<RecvmmsgFunction>(::dlsym(RTLD_NEXT, "recvmmsg"));
    // The current condition variables (GLIBC_2.3.2), not the 2.2.5 compatibility ones.
    g_real_cond_timedwait =
        reinterpret_cast<CondTimedwaitFunction>(::dlvsym(RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.3.2"));
    map_offset_file();
}

}  // namespace

ROLLSIM_VCLOCK_EXPORT int clock_gettime(clockid_t clock, timespec* ts) noexcept
{
    return shifted_clock_gettime(clock, ts);
}

// glibc's own alias (GLIBC_PRIVATE); x86-64 glibc 2.36 has no clock_gettime64.
ROLLSIM_VCLOCK_EXPORT int __clock_gettime(clockid_t clock, timespec* ts) noexcept
{
    return shifted_clock_gettime(clock, ts);
}

ROLLSIM_VCLOCK_EXPORT int gettimeofday(timeval* tv, void* tz) noexcept
{
    // The obsolete time zone argument is still answered by the kernel.
    if (tz != nullptr && ::syscall(SYS_gettimeofday, nullptr, tz) != 0) return -1;
    // glibc declares `tv` nonnull, yet gettimeofday(NULL, &tz) is valid for the system call:
    // hide the pointer from the optimiser so that the test below is kept.
    asm("" : "+r"(tv));
    if (tv == nullptr) return 0;
    timespec ts{};
    if (shifted_clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}

ROLLSIM_VCLOCK_EXPORT time_t time(time_t* result) noexcept
{
    timespec ts{};
    if (shifted_clock_gettime(CLOCK_REALTIME, &ts) != 0) return static_cast<time_t>(-1);
    if (result != nullptr) *result = ts.tv_sec;
    return ts.tv_sec;
}

// C11 and C++17 std::timespec_get: glibc implements it on its internal clock_gettime, past
// the interposed symbol.
ROLLSIM_VCLOCK_EXPORT int timespec_get(timespec* ts, int base) noexcept
{
    if (base != TIME_UTC || shifted_clock_gettime(CLOCK_REALTIME, ts) != 0) return 0;
    return base;
}

ROLLSIM_VCLOCK_EXPORT ssize_t recvmsg(int fd, msghdr* message, int flags)
{
    const ssize_t received = g_real_recvmsg != nullptr
                                 ? g_real_recvmsg(fd, message, flags)
                                 : static_cast<ssize_t>(::syscall(SYS_recvmsg, fd, message, flags));
    if (received >= 0) shift_receive_timestamps(message, current_shift());
    return received;
}

ROLLSIM_VCLOCK_EXPORT int recvmmsg(int fd, mmsghdr* messages, unsigned int count, int flags, timespec* timeout)
{
    const int received = g_real_recvmmsg != nullptr
                             ? g_real_recvmmsg(fd, messages, count, flags, timeout)
                             : static_cast<int>(::syscall(SYS_recvmmsg, fd, messages, count, flags, timeout));
    if (received > 0) {
        const Shift shift = current_shift();
        for (int i = 0; i < received; ++i) shift_receive_timestamps(&messages[i].msg_hdr, shift);
    }
    return received;
}

ROLLSIM_VCLOCK_EXPORT int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const timespec* abstime)
{
    if (g_real_cond_timedwait == nullptr) return EINVAL;
    if (g_offset == nullptr || !waits_on_wall_clock(cond))
        return g_real_cond_timedwait(cond, mutex, abstime);
    timespec now{};
    real_clock_gettime(CLOCK_REALTIME, &now);
    const std::int64_t real_now = nanoseconds_of(now);
    const std::int64_t deadline = nanoseconds_of(*abstime) - offset_nanoseconds();  // on the real clock
    const bool last_slice = deadline <= real_now + kWaitSliceNanoseconds;
    const timespec until = timespec_of(last_slice ? deadline : real_now + kWaitSliceNanoseconds);
    const int status = g_real_cond_timedwait(cond, mutex, &until);
    if (status != ETIMEDOUT) return status;
    // The slice ran out: the deadline has come only if the virtual clock says so now.
    real_clock_gettime(CLOCK_REALTIME, &now);
    return nanoseconds_of(now) + offset_nanoseconds() >= nanoseconds_of(*abstime) ? ETIMEDOUT : 0;
}
