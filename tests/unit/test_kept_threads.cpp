#include "core/kept_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using rollsim::run_on_kept_threads;
using rollsim::start_kept_threads;

TEST(KeptThreads, AJobRunsOnceOnEveryWorkerAndReturnsWhenAllAreDone)
{
    const unsigned threads = start_kept_threads();
    EXPECT_EQ(threads, std::max(rollsim::kKeptThreads + 1, std::thread::hardware_concurrency()));
    if (threads < 2) GTEST_SKIP() << "one core: no thread is kept";
    for (int round = 0; round < 50; ++round) {
        std::mutex m;
        std::multiset<unsigned> seen;
        std::set<std::thread::id> ids;
        ASSERT_TRUE(run_on_kept_threads(threads, [&](unsigned worker) {
            const std::lock_guard lock(m);
            seen.insert(worker);
            ids.insert(std::this_thread::get_id());
        }));
        EXPECT_EQ(seen.size(), threads);
        EXPECT_EQ(ids.size(), threads);
        for (unsigned w = 0; w < threads; ++w) EXPECT_EQ(seen.count(w), 1u);
    }
}

TEST(KeptThreads, ANestedJobOrAForkedChildFallsBack)
{
    if (start_kept_threads() < 2) GTEST_SKIP() << "one core: no thread is kept";
    std::atomic<int> nested_ran{0};
    ASSERT_TRUE(run_on_kept_threads(2, [&](unsigned worker) {
        if (worker == 0 && !run_on_kept_threads(2, [&](unsigned) { ++nested_ran; })) nested_ran = -1;
    }));
    EXPECT_EQ(nested_ran, -1);
    // A child of fork has none of its parent's threads: it may not use them.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(run_on_kept_threads(2, [](unsigned) {}) ? 1 : 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
