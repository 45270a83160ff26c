// Lab processes over Boost.Process v1. The child's standard descriptors are set up by our own
// exec-setup handler (stdin from /dev/null, stdout+stderr appended to the log), which also
// arms PR_SET_PDEATHSIG so the kernel kills the child when the runner dies.
#include "lab/process.hpp"

#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "lab/sandbox.hpp"

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bp = boost::process;

namespace rollsim::lab {

namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int err) { return std::strerror(err); }

// Runs in the forked child before exec: async-signal-safe calls only.
struct ChildSetup : bp::extend::handler {
    int stdin_fd;
    int output_fd;
    pid_t runner;
    char** envp;  // the child's whole environment (child_environment()), null-terminated

    // In the runner, before the fork: the child's environment is ours, given to execve as it
    // is, so Boost.Process's environment class never runs (its lookup in Boost 1.74 compares
    // "NAME=" against each entry without regard to the entry's length, reading past the end of
    // a shorter one: a heap overflow AddressSanitizer reports on every spawn).
    template <class Executor>
    void on_setup(Executor& exec) const
    {
        exec.env = envp;
    }
    const WriteConfinement* confinement = nullptr;
    int confine_report = -1;  // write end of the pipe a failed confinement is reported on

    static void place(int fd, int target)
    {
        if (fd == target) {
            int flags = ::fcntl(fd, F_GETFD);
            if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
        } else {
            ::dup2(fd, target);  // the duplicate does not inherit close-on-exec
        }
    }

    template <class Executor>
    void on_exec_setup(Executor& exec) const
    {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // The runner may have died before the prctl took effect. Inside the lab's PID
        // namespace the runner (outside it) shows as parent 0; a reparented orphan sees 1.
        pid_t parent = ::getppid();
        if (parent != runner && parent != 0) ::_exit(127);
        // Its own process group: a Ctrl-C at the terminal reaches the runner, which stops the
        // lab in order, and not the daemons behind its back.
        ::setpgid(0, 0);
        // Start with the default signal mask and dispositions the runner may have changed.
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        place(stdin_fd, STDIN_FILENO);
        place(output_fd, STDOUT_FILENO);
        place(output_fd, STDERR_FILENO);
        // Descriptors the runner opened without close-on-exec (fopen, ofstream) must not
        // leak into lab daemons. Marking them, rather than closing, keeps Boost's own
        // exec-error pipe working until the exec.
        mark_cloexec_from(3);
        if (confinement) confine(exec);
    }

    // Never runs the command unconfined: what failed goes back through Boost's exec-error
    // pipe, and the parent's bp::child constructor throws it.
    template <class Executor>
    void confine(Executor& exec) const
    {
        if (const char* failed = confinement->apply()) {
            // Its own pipe, in one write (atomic below PIPE_BUF): Boost 1.74's exec-error pipe
            // writes code, length and text in three writes that its reader may split, reading
            // a length that was never written.
            char report[256];
            const int err = errno;
            const std::size_t text = std::min(std::strlen(failed), sizeof report - sizeof err);
            std::memcpy(report, &err, sizeof err);
            std::memcpy(report + sizeof err, failed, text);
            [[maybe_unused]] const auto written = ::write(confine_report, report, sizeof err + text);
            ::_exit(127);
        }
    }

    static void mark_cloexec_from(int first)
    {
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
        if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
        for (int fd = first; fd < 4096; ++fd) {
            int flags = ::fcntl(fd, F_GETFD);
            if (flags >= 0 && !(flags & FD_CLOEXEC)) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
        }
    }
};

UniqueFd open_devnull()
{
    UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw LabError("cannot open /dev/null: " + errno_text(errno));
    return fd;
}

UniqueFd open_log(const std::filesystem::path& log)
{
    if (log.empty()) {
        UniqueFd fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
        if (fd.get() < 0) throw LabError("cannot open /dev/null: " + errno_text(errno));
        return fd;
    }
    UniqueFd fd(::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw LabError("cannot open log file " + log.string() + ": " + errno_text(errno));
    return fd;
}

// The runner's environment with `overrides` added or replacing the variables of their names,
// as "NAME=VALUE" entries.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides)
{
    std::vector<std::string> out;
    for (char** entry = ::environ; entry && *entry; ++entry) {
        const std::string_view text(*entry);
        if (!overrides.contains(std::string(text.substr(0, text.find('='))))) out.emplace_back(text);
    }
    for (const auto& [name, value] : overrides) out.push_back(name + "=" + value);
    return out;
}

// After the fork of a confined child: its report pipe is empty when the exec closed it (the
// confinement held), else it holds the errno and the step that failed; the child is then gone.
void confirm_confined(bp::child& child, const ProcessSpec& spec, const UniqueFd& report, UniqueFd write_end)
{
    write_end = UniqueFd();  // ours closed: end of file once the child's copy goes at its exec
    char buffer[256];
    ssize_t got;
    do got = ::read(report.get(), buffer, sizeof buffer);
    while (got < 0 && errno == EINTR);
    int err = 0;
    if (got < static_cast<ssize_t>(sizeof err)) return;
    std::memcpy(&err, buffer, sizeof err);
    const std::string step(buffer + sizeof err, static_cast<std::size_t>(got) - sizeof err);
    std::error_code ignored;
    child.wait(ignored);
    throw LabError("cannot confine " + spec.program + " to writing in " + spec.writable_only.string() + ": " + step +
                   ": " + errno_text(err) + " (" + kConfinementNeeds + ")");
}

bp::child spawn(const ProcessSpec& spec, int stdin_fd, int output_fd)
{
    if (spec.program.empty() || spec.program.front() != '/')
        throw LabError("cannot start '" + spec.program + "': an absolute program path is required");
    if (::access(spec.program.c_str(), X_OK) != 0)
        throw LabError("cannot start " + spec.program + ": " + errno_text(errno));
    std::vector<std::string> environment = child_environment(spec.env);
    std::vector<char*> envp;
    for (auto& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    ChildSetup setup;
    setup.stdin_fd = stdin_fd;
    setup.output_fd = output_fd;
    setup.runner = ::getpid();
    setup.envp = envp.data();
    std::optional<WriteConfinement> confinement;
    UniqueFd report_read, report_write;
    if (!spec.writable_only.empty()) {
        setup.confinement = &confinement.emplace(spec.writable_only);
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0) throw LabError("cannot make a pipe: " + errno_text(errno));
        report_read = UniqueFd(ends[0]);
        report_write = UniqueFd(ends[1]);
        setup.confine_report = ends[1];
    }
    try {
        bp::child child(bp::exe = spec.program, bp::args = spec.args, setup);
        if (confinement) confirm_confined(child, spec, report_read, std::move(report_write));
        return child;
    } catch (const bp::process_error& e) {
        // A message from the child ends at its NUL, before the reason (ec.message()).
        std::string what = e.what();
        const std::string reason = e.code().message();
        if (what.find(reason) == std::string::npos) what += ": " + reason;
        throw LabError("cannot start " + spec.program + ": " + what);
    } catch (const LabError&) {
        throw;
    } catch (const std::exception& e) {
        throw LabError("cannot start " + spec.program + ": " + e.what());
    }
}

int pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

// Waits until `child` has exited (and reaps it) or `deadline` passes. Event-driven through a
// pidfd when the kernel has one; otherwise polls waitpid with short waits.
bool wait_until(bp::child& child, const UniqueFd& pidfd, Clock::time_point deadline)
{
    std::error_code ec;
    for (;;) {
        if (!child.running(ec)) return true;
        auto now = Clock::now();
        if (now >= deadline) return false;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
        if (pidfd.get() >= 0) {
            struct pollfd pfd {pidfd.get(), POLLIN, 0};
            ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(left, 5)));
        }
    }
}

// Conventional shell-like status: the exit code, or 128 + signal.
int exit_status_of(const bp::child& child)
{
    int raw = child.native_exit_code();
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
    return -1;
}

}  // namespace

struct Process::Impl {
    ProcessSpec spec;
    bp::child child;
    UniqueFd pidfd;
    bool stopped = false;
};

Process::Process(const ProcessSpec& spec) : m_impl(std::make_unique<Impl>())
{
    m_impl->spec = spec;
    UniqueFd in = open_devnull();
    UniqueFd out = open_log(spec.log);
    m_impl->child = spawn(spec, in.get(), out.get());
    m_impl->pidfd.reset(pidfd_open(m_impl->child.id()));
}

Process::Process(Process&&) noexcept = default;

Process& Process::operator=(Process&& other) noexcept
{
    if (this != &other) {
        if (m_impl) stop();
        m_impl = std::move(other.m_impl);
    }
    return *this;
}

Process::~Process()
{
    if (m_impl) stop();
}

bool Process::running()
{
    if (!m_impl || m_impl->stopped) return false;
    std::error_code ec;
    return m_impl->child.running(ec);
}

int Process::pid() const { return m_impl ? m_impl->child.id() : -1; }

void Process::stop(std::chrono::milliseconds grace)
{
    if (!m_impl || m_impl->stopped) return;
    auto& child = m_impl->child;
    std::error_code ec;
    // running() reaps an exited child, so a pid we signal is still ours (at worst a zombie).
    if (child.running(ec)) {
        ::kill(child.id(), SIGTERM);
        if (!wait_until(child, m_impl->pidfd, Clock::now() + grace)) {
            if (child.running(ec)) ::kill(child.id(), SIGKILL);
            wait_until(child, m_impl->pidfd, Clock::time_point::max());
        }
    }
    m_impl->stopped = true;
}

std::string Process::log_tail(std::size_t max_lines) const
{
    if (!m_impl || m_impl->spec.log.empty() || max_lines == 0) return {};
    std::ifstream in(m_impl->spec.log, std::ios::binary);
    if (!in) return {};
    constexpr std::streamoff window = 64 * 1024;
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    std::streamoff start = size > window ? size - window : 0;
    in.seekg(start);
    std::string text(static_cast<std::size_t>(size - start), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));

    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(std::move(line));
        pos = end + 1;
    }
    if (start > 0 && !lines.empty()) lines.erase(lines.begin());  // probably a partial line
    std::size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
    std::string out;
    for (std::size_t i = first; i < lines.size(); ++i) {
        if (!out.empty()) out += '\n';
        out += lines[i];
    }
    return out;
}

namespace {

// A child's combined output, read from the pipe it writes to until EOF.
struct OutputPipe {
    UniqueFd read_end;
    std::string& output;
    bool open = true;  // false once EOF was read

    // Reads what is there without blocking.
    void drain()
    {
        char buffer[4096];
        while (open) {
            const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
            if (n > 0) {
                output.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0) {
                open = false;
            } else if (errno != EINTR) {
                open = errno == EAGAIN || errno == EWOULDBLOCK;
                return;
            }
        }
    }
};

// Collects `child`'s output until it exits (true) or `end` passes (false), waking for output
// and, through the pidfd when the kernel has one, for the exit.
bool collect_until_exit(bp::child& child, OutputPipe& pipe, const UniqueFd& pidfd, Clock::time_point end)
{
    std::error_code ec;
    for (;;) {
        pipe.drain();
        if (!child.running(ec)) return true;
        const auto now = Clock::now();
        if (now >= end) return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - now).count() + 1;
        struct pollfd pfds[2];
        int n = 0;
        if (pipe.open) pfds[n++] = {pipe.read_end.get(), POLLIN, 0};
        if (pidfd.valid()) pfds[n++] = {pidfd.get(), POLLIN, 0};
        const int wait_ms = static_cast<int>(std::min<long long>(left, pidfd.valid() ? 1000 : 5));
        if (n > 0)
            ::poll(pfds, static_cast<nfds_t>(n), wait_ms);
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
}

}  // namespace

int run_command(const ProcessSpec& spec, std::string& output, std::chrono::milliseconds deadline)
{
    output.clear();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw LabError("cannot create a pipe: " + errno_text(errno));
    OutputPipe pipe{UniqueFd(fds[0]), output};
    UniqueFd write_end(fds[1]);
    UniqueFd in = open_devnull();

    bp::child child = spawn(spec, in.get(), write_end.get());
    write_end.reset();  // only the child holds the write end now: EOF when it (and heirs) exit
    UniqueFd pidfd(pidfd_open(child.id()));
    ::fcntl(pipe.read_end.get(), F_SETFL, ::fcntl(pipe.read_end.get(), F_GETFL) | O_NONBLOCK);

    int status;
    if (!collect_until_exit(child, pipe, pidfd, Clock::now() + deadline)) {
        std::error_code ec;
        if (child.running(ec)) ::kill(child.id(), SIGKILL);
        // And what it started: the child leads its own process group (ChildSetup), so a shell
        // script's hanging grandchild does not outlive the deadline either.
        ::kill(-child.id(), SIGKILL);
        wait_until(child, pidfd, Clock::time_point::max());
        pipe.drain();
        if (!output.empty() && output.back() != '\n') output += '\n';
        output += spec.program + " did not finish within " + std::to_string(deadline.count()) +
                  " ms and was killed";
        status = -1;
    } else {
        // Whatever the child wrote before exiting is in the pipe already.
        pipe.drain();
        status = exit_status_of(child);
    }

    if (!spec.log.empty()) {
        std::ofstream log(spec.log, std::ios::app | std::ios::binary);
        log << output;
        if (!output.empty() && output.back() != '\n') log << '\n';
    }
    return status;
}

}  // namespace rollsim::lab
