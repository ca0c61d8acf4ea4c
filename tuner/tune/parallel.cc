// Worker threads with a ticking owner thread (see the header).
#include "tuner/tune/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pietune::tuner {

void run_parallel(int n, int jobs, const std::function<void(int)>& work, const std::function<void(int done)>& tick) {
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max(n, 0)));
  const int count = std::clamp(jobs, 1, std::max(n, 1));
  int exited = 0;  // workers that left their loop (guarded by mutex)
  std::mutex mutex;
  std::condition_variable changed;
  const auto worker = [&] {
    for (int i = next++; i < n; i = next++) {
      try {
        work(i);
      } catch (...) {
        errors[static_cast<std::size_t>(i)] = std::current_exception();
        next = n;  // stop handing out work
      }
      ++done;
      changed.notify_one();
    }
    std::lock_guard lock(mutex);
    ++exited;
    changed.notify_one();
  };
  // A failing tick (the database refusing a write: full disk) stops the work too, and is rethrown
  // only once every worker has stopped: a std::thread destroyed while running would terminate.
  std::exception_ptr tick_error;
  const auto tick_once = [&] {
    if (tick_error) return;
    try {
      tick(done);
    } catch (...) {
      tick_error = std::current_exception();
      next = n;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < count; ++t) threads.emplace_back(worker);
  std::unique_lock lock(mutex);
  while (exited < count) {
    changed.wait_for(lock, std::chrono::milliseconds(50));
    lock.unlock();
    tick_once();
    lock.lock();
  }
  lock.unlock();
  for (std::thread& t : threads) t.join();
  tick_once();
  if (tick_error) std::rethrow_exception(tick_error);
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace pietune::tuner
