#include "core/kept_threads.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>

#include <unistd.h>

namespace rollsim {

namespace {

// Never destroyed: its threads wait on it until the process ends (exit_group ends them), so no
// destructor may join threads a forked child does not have.
class KeptThreads {
public:
    explicit KeptThreads(unsigned count) : m_owner(::getpid())
    {
        for (unsigned w = 1; w <= count; ++w) {
            try {
                std::thread(&KeptThreads::loop, this, w).detach();
                ++m_threads;
            } catch (const std::system_error&) {
                break;  // as many as could start
            }
        }
    }

    pid_t owner() const { return m_owner; }
    unsigned threads() const { return m_threads; }

    bool run(unsigned wanted, const std::function<void(unsigned)>& job)
    {
        std::unique_lock one_job(m_one_job, std::try_to_lock);
        if (!one_job || m_threads == 0) return false;
        wanted = std::min(wanted, m_threads + 1);
        {
            const std::lock_guard lock(m_mutex);
            m_job = &job;
            m_wanted = wanted;
            m_running = wanted - 1;
            ++m_generation;
        }
        m_start.notify_all();
        job(0);
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [&] { return m_running == 0; });
        m_job = nullptr;
        return true;
    }

private:
    void loop(unsigned worker)
    {
        std::uint64_t seen = 0;
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_start.wait(lock, [&] { return m_generation != seen; });
            seen = m_generation;
            if (worker >= m_wanted) continue;
            const auto* job = m_job;
            lock.unlock();
            (*job)(worker);
            lock.lock();
            if (--m_running == 0) m_done.notify_all();
        }
    }

    const pid_t m_owner;
    unsigned m_threads = 0;
    std::mutex m_one_job;
    std::mutex m_mutex;
    std::condition_variable m_start, m_done;
    const std::function<void(unsigned)>* m_job = nullptr;
    unsigned m_wanted = 0, m_running = 0;
    std::uint64_t m_generation = 0;
};

std::mutex g_mutex;
KeptThreads* g_kept = nullptr;  // this process's, or a parent's copied by fork (owner() differs)

KeptThreads* mine()
{
    const std::lock_guard lock(g_mutex);
    return g_kept && g_kept->owner() == ::getpid() ? g_kept : nullptr;
}

}  // namespace

unsigned start_kept_threads()
{
    const std::lock_guard lock(g_mutex);
    if (!g_kept || g_kept->owner() != ::getpid()) {
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        g_kept = new KeptThreads(std::max(kKeptThreads, cores - 1));  // a parent's copy is left as it is: its threads are not here
    }
    return g_kept->threads() + 1;
}

bool run_on_kept_threads(unsigned wanted, const std::function<void(unsigned worker)>& job)
{
    KeptThreads* kept = mine();
    return kept && wanted > 1 && kept->run(wanted, job);
}

}  // namespace rollsim
