// Network + PID (+ user) namespaces for a lab, loopback up, and a PID-1 reaper that takes the
// whole lab down with it when the runner dies.
#include "lab/namespace.hpp"

#include "core/error.hpp"
#include "core/kept_threads.hpp"
#include "core/unique_fd.hpp"

#include <atomic>
#include <limits>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rollsim::lab {

namespace {

bool g_entered = false;
// The runner's own PID namespace, opened before unshare(CLONE_NEWPID); -1 when not entered.
int g_own_pid_namespace = -1;
// Whether the runner's later children are born in its own PID namespace again (at exit).
bool g_children_home = true;
// The lab's reaper (PID 1 of its PID namespace), as the runner sees it; 0 when none.
pid_t g_reaper = 0;

// At exit, after the lab has gone: the runner's next children are born in its own PID namespace
// again. LeakSanitizer's exit check needs it: the tracer it clones checks that getppid() is the
// runner, and a child in the lab's namespace sees its parent (outside) as 0, so the tracer quits
// at once while the runner spins waiting for it, for ever. setns(2) back to one's own PID
// namespace needs CAP_SYS_ADMIN there: root has it; a runner in a user namespace does not.
void children_back_home()
{
    if (g_own_pid_namespace >= 0 && ::setns(g_own_pid_namespace, CLONE_NEWPID) == 0) g_children_home = true;
}

// At a normal exit: the lab ends before the runner does. Killing the namespace's PID 1 makes the
// kernel kill every process of the namespace, and the reaper's exit completes only once they are
// all gone (pid_namespaces(7)), so waiting for it leaves neither a lab process nor a zombie
// reaper behind: PR_SET_PDEATHSIG alone kills the lab, but only after the runner has gone, and
// leaves the reaper for the runner's parent to reap.
void end_lab_namespace()
{
    if (g_reaper <= 0) return;
    ::kill(g_reaper, SIGKILL);
    int status;
    while (::waitpid(g_reaper, &status, 0) < 0 && errno == EINTR) {
    }
    g_reaper = 0;
}

std::string errno_text(int err) { return std::strerror(err); }

void write_proc_file(const std::string& path, const std::string& text)
{
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.get() < 0)
        throw LabError("cannot open " + path + ": " + errno_text(errno) +
                       " (enable unprivileged user namespaces, or run as root)");
    ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n != static_cast<ssize_t>(text.size()))
        throw LabError("cannot write " + path + ": " + errno_text(errno) +
                       " (enable unprivileged user namespaces, or run as root)");
}

void bring_up_loopback()
{
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (sock.get() < 0) throw LabError("cannot create a socket to configure loopback: " + errno_text(errno));
    struct ifreq ifr {};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &ifr) < 0)
        throw LabError("cannot read the flags of loopback in the lab namespace: " + errno_text(errno));
    if (ifr.ifr_flags & IFF_UP) return;
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &ifr) < 0)
        throw LabError("cannot bring loopback up in the lab namespace: " + errno_text(errno));
}

void on_sigchld(int) {}

// The reaper, PID 1 of the lab's PID namespace. Only async-signal-safe calls from here on.
[[noreturn]] void reaper_main(int parent_alive_fd)
{
    // Die with the runner; the kernel then kills everything else in the namespace.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ::_exit(1);
    // If the runner died before the prctl, the pipe's write end (held only by the runner)
    // is gone and the read end reports a hangup.
    struct pollfd pfd {};
    pfd.fd = parent_alive_fd;
    pfd.events = POLLIN;
    int ready;
    do {
        ready = ::poll(&pfd, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready != 0) ::_exit(0);  // runner already gone (or the pipe is broken)

    // Don't keep the runner's descriptors (log files, sockets) open for the lab's lifetime.
    // The standard descriptors stay, so nothing else gets them by accident.
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3, ~0U, 0) != 0)
#endif
        for (int fd = 3; fd < 4096; ++fd) ::close(fd);

    // Race-free reaping: SIGCHLD stays blocked except inside sigsuspend(). As PID 1 of the
    // namespace, signals without a handler are ignored, except SIGKILL from an ancestor
    // namespace (the PDEATHSIG above) which always kills.
    struct sigaction sa {};
    sa.sa_handler = on_sigchld;
    ::sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NOCLDSTOP;
    ::sigaction(SIGCHLD, &sa, nullptr);
    sigset_t chld;
    ::sigemptyset(&chld);
    ::sigaddset(&chld, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &chld, nullptr);
    sigset_t wait_mask;
    ::sigprocmask(SIG_BLOCK, nullptr, &wait_mask);
    ::sigdelset(&wait_mask, SIGCHLD);

    for (;;) {
        int status;
        while (::waitpid(-1, &status, WNOHANG) > 0) {
        }
        // Nothing (more) to reap: sleep until an orphan reparented to us exits.
        ::sigsuspend(&wait_mask);
    }
}

}  // namespace

// The kept threads (started above, before unshare) are still in the host's network namespace:
// a thread's namespaces are its own. Those that open sockets (a large run's probes) must reach
// the lab's loopback, so each joins the runner's new network namespace.
static void kept_threads_join_the_lab_network()
{
    const UniqueFd net(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (net.get() < 0) throw LabError("cannot open the lab's network namespace: " + errno_text(errno));
    std::atomic<int> error{0};
    run_on_kept_threads(std::numeric_limits<unsigned>::max(), [&](unsigned worker) {
        if (worker != 0 && ::setns(net.get(), CLONE_NEWNET) != 0) error = errno;
    });
    if (error) throw LabError("cannot move the runner's threads into the lab's network namespace: " + errno_text(error));
}

void enter_isolated_namespaces()
{
    if (g_entered) return;

    const uid_t uid = ::geteuid();
    const gid_t gid = ::getegid();
    int flags = CLONE_NEWNET | CLONE_NEWPID;
    if (uid != 0) flags |= CLONE_NEWUSER;

    // Threads for the signer, while they can still start (core/kept_threads.hpp). Not with a user
    // namespace: unshare(CLONE_NEWUSER) wants a process of one thread.
    if (uid == 0) start_kept_threads();
    g_own_pid_namespace = ::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (::unshare(flags) != 0) {
        int err = errno;
        if (uid == 0)
            throw LabError("cannot create network/PID namespaces: " + errno_text(err) +
                           " (run as root on a kernel with namespaces, outside a restricted container)");
        std::string hint = " (run as root, or enable unprivileged user namespaces: "
                           "sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces>0";
        if (err == EINVAL) hint += "; also fails once the process has started threads";
        throw LabError("cannot create user/network/PID namespaces: " + errno_text(err) + hint + ")");
    }

    if (uid != 0) {
        write_proc_file("/proc/self/setgroups", "deny");
        write_proc_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
        write_proc_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
    }

    bring_up_loopback();
    if (uid == 0) kept_threads_join_the_lab_network();

    // The first child after unshare(CLONE_NEWPID) is PID 1 of the new namespace.
    int alive[2];
    if (::pipe2(alive, O_CLOEXEC) != 0)
        throw LabError("cannot create a pipe for the lab reaper: " + errno_text(errno));
    UniqueFd alive_read(alive[0]);
    UniqueFd alive_write(alive[1]);

    pid_t pid = ::fork();
    if (pid < 0) throw LabError("cannot start the lab reaper (fork): " + errno_text(errno));
    if (pid == 0) {
        int fd = alive_read.release();
        alive_write.reset();
        reaper_main(fd);
    }
    // The runner keeps the write end for its lifetime (close-on-exec, so lab processes do
    // not inherit it): the reaper checks it once at startup to detect an early runner death.
    alive_write.release();
    g_reaper = pid;
    g_entered = true;
    g_children_home = false;
    std::atexit(end_lab_namespace);
    std::atexit(children_back_home);  // runs before LeakSanitizer's check, installed earlier
}

bool in_isolated_namespaces() { return g_entered; }

void add_loopback_address(const std::string& ipv4)
{
    in_addr address{};
    if (::inet_pton(AF_INET, ipv4.c_str(), &address) != 1) throw LabError("not an IPv4 address: '" + ipv4 + "'");
    const unsigned loopback = ::if_nametoindex("lo");
    if (loopback == 0) throw LabError("no loopback interface in the lab namespace: " + errno_text(errno));
    // RTM_NEWADDR (rtnetlink(7)): the address as IFA_LOCAL and IFA_ADDRESS, acknowledged.
    struct {
        nlmsghdr header;
        ifaddrmsg message;
        char attributes[2 * RTA_SPACE(sizeof(in_addr))];
    } request{};
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
    request.header.nlmsg_type = RTM_NEWADDR;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    request.message.ifa_family = AF_INET;
    request.message.ifa_prefixlen = 32;
    request.message.ifa_scope = RT_SCOPE_HOST;
    request.message.ifa_index = loopback;
    for (unsigned short type : {IFA_LOCAL, IFA_ADDRESS}) {
        auto* attribute = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&request) + NLMSG_ALIGN(request.header.nlmsg_len));
        attribute->rta_type = type;
        attribute->rta_len = RTA_LENGTH(sizeof(in_addr));
        std::memcpy(RTA_DATA(attribute), &address, sizeof(in_addr));
        request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + RTA_SPACE(sizeof(in_addr));
    }
    UniqueFd sock(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (sock.get() < 0) throw LabError("cannot open a netlink socket to add " + ipv4 + ": " + errno_text(errno));
    if (::send(sock.get(), &request, request.header.nlmsg_len, 0) < 0)
        throw LabError("cannot ask for the address " + ipv4 + " on loopback: " + errno_text(errno));
    char reply[512];
    const ssize_t n = ::recv(sock.get(), reply, sizeof reply, 0);
    const auto* answer = reinterpret_cast<const nlmsghdr*>(reply);
    if (n < static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr))) || answer->nlmsg_type != NLMSG_ERROR)
        throw LabError("no acknowledgement from the kernel for the address " + ipv4 + " on loopback");
    const int error = -static_cast<const nlmsgerr*>(NLMSG_DATA(answer))->error;
    if (error != 0 && error != EEXIST)
        throw LabError("cannot add the address " + ipv4 + " to loopback: " + errno_text(error));
}

}  // namespace rollsim::lab

// LeakSanitizer's hook (sanitizer/lsan_interface.h), read in sanitizer builds only: no leak
// check at exit when the runner's children would still be born in the lab's PID namespace (an
// unprivileged runner could not go back, see children_back_home), where the check would hang.
extern "C" int __lsan_is_turned_off() { return rollsim::lab::g_children_home ? 0 : 1; }
