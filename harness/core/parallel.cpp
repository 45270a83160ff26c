#include "core/parallel.hpp"

#include "core/kept_threads.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace rollsim {

unsigned thread_count(unsigned requested)
{
    if (requested != 0) return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(std::size_t count, unsigned threads, std::size_t block,
                  const std::function<void(std::size_t index, unsigned worker)>& body)
{
    block = std::max<std::size_t>(block, 1);
    const std::size_t blocks = (count + block - 1) / block;
    const std::size_t workers = std::min<std::size_t>(thread_count(threads), blocks);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto work = [&](unsigned worker) {
        for (std::size_t b = next++; b < blocks && !failed; b = next++) {
            try {
                const std::size_t end = std::min(count, (b + 1) * block);
                for (std::size_t i = b * block; i < end; ++i) body(i, worker);
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    if (workers <= 1) {
        work(0);
    } else if (run_on_kept_threads(static_cast<unsigned>(workers), work)) {
        // Done on the threads kept for this (core/kept_threads.hpp), as inside a lab.
    } else {
        // The calling thread works too, as worker 0; the others join when the vector goes.
        std::vector<std::jthread> pool;
        pool.reserve(workers - 1);
        try {
            for (unsigned w = 1; w < workers; ++w) pool.emplace_back(work, w);
        } catch (const std::system_error&) {
            // No more threads here (see parallel.hpp): those started and this one share the work.
        }
        work(0);
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace rollsim
