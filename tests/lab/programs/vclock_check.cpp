// What a process under librollsim_vclock.so sees, for tests/lab/test_vclock.cpp.
//
//   vclock_check clock      for every line read on stdin, one line on stdout:
//                           "REALTIME REALTIME_COARSE TAI GETTIMEOFDAY TIME TIMESPEC_GET MONOTONIC"
//                           (seconds, the first three and the last with nanoseconds)
//   vclock_check timestamp  sends itself a UDP datagram on 127.0.0.1 on each of two sockets, one
//                           with SO_TIMESTAMPNS read by recvmsg, one with SO_TIMESTAMP read by
//                           recvmmsg, and prints "timestampns SECONDS" and "timestamp SECONDS"
//                           from the control messages the kernel attached
//   vclock_check condwait   for every line read on stdin, an absolute wall-clock deadline in
//                           seconds: waits on a condition variable of the wall clock (no
//                           signal comes) until pthread_cond_timedwait says the deadline has
//                           passed, and prints the real seconds it waited
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>

#include <cerrno>
#include <cmath>

#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace {

double seconds_of(clockid_t clock)
{
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int clock_loop()
{
    for (std::string line; std::getline(std::cin, line);) {
        timeval tv{};
        ::gettimeofday(&tv, nullptr);
        timespec utc{};
        std::timespec_get(&utc, TIME_UTC);
        std::printf("%.6f %.6f %.6f %lld %lld %lld %.6f\n", seconds_of(CLOCK_REALTIME),
                    seconds_of(CLOCK_REALTIME_COARSE), seconds_of(CLOCK_TAI), static_cast<long long>(tv.tv_sec),
                    static_cast<long long>(::time(nullptr)), static_cast<long long>(utc.tv_sec),
                    seconds_of(CLOCK_MONOTONIC));
        std::fflush(stdout);
    }
    return 0;
}

// A UDP socket on 127.0.0.1 with receive timestamps of kind `option`, holding one datagram it
// sent itself.
int socket_with_datagram(int option)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const int on = 1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, option, &on, sizeof on) != 0 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&address), sizeof address) != 1) {
        std::perror("vclock_check: socket");
        return -1;
    }
    return fd;
}

// The control message of `type` in `message`, copied into `out`.
template <typename T>
bool control_message(msghdr& message, int type, T& out)
{
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == type) {
            std::memcpy(&out, CMSG_DATA(c), sizeof out);
            return true;
        }
    }
    return false;
}

int timestamps()
{
    char data[16];
    alignas(cmsghdr) char control[256];
    iovec io{data, sizeof data};

    const int ns_socket = socket_with_datagram(SO_TIMESTAMPNS);
    if (ns_socket < 0) return 1;
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    timespec ts{};
    if (::recvmsg(ns_socket, &message, 0) != 1 || !control_message(message, SCM_TIMESTAMPNS, ts)) {
        std::fprintf(stderr, "vclock_check: no SCM_TIMESTAMPNS from recvmsg\n");
        return 1;
    }
    std::printf("timestampns %lld\n", static_cast<long long>(ts.tv_sec));

    const int us_socket = socket_with_datagram(SO_TIMESTAMP);
    if (us_socket < 0) return 1;
    mmsghdr messages[1]{};
    messages[0].msg_hdr.msg_iov = &io;
    messages[0].msg_hdr.msg_iovlen = 1;
    messages[0].msg_hdr.msg_control = control;
    messages[0].msg_hdr.msg_controllen = sizeof control;
    timeval tv{};
    if (::recvmmsg(us_socket, messages, 1, 0, nullptr) != 1 ||
        !control_message(messages[0].msg_hdr, SCM_TIMESTAMP, tv)) {
        std::fprintf(stderr, "vclock_check: no SCM_TIMESTAMP from recvmmsg\n");
        return 1;
    }
    std::printf("timestamp %lld\n", static_cast<long long>(tv.tv_sec));
    ::close(ns_socket);
    ::close(us_socket);
    return 0;
}

int condwait_loop()
{
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond = PTHREAD_COND_INITIALIZER;  // CLOCK_REALTIME
    for (double deadline; std::cin >> deadline;) {
        timespec until{};
        until.tv_sec = static_cast<time_t>(std::floor(deadline));
        until.tv_nsec = static_cast<long>((deadline - std::floor(deadline)) * 1e9);
        const double start = seconds_of(CLOCK_MONOTONIC);
        ::pthread_mutex_lock(&mutex);
        while (::pthread_cond_timedwait(&cond, &mutex, &until) != ETIMEDOUT) {
        }
        ::pthread_mutex_unlock(&mutex);
        std::printf("%.6f\n", seconds_of(CLOCK_MONOTONIC) - start);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "clock") return clock_loop();
    if (mode == "timestamp") return timestamps();
    if (mode == "condwait") return condwait_loop();
    std::fprintf(stderr, "usage: vclock_check clock|timestamp|condwait\n");
    return 2;
}
