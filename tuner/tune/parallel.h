// Runs work(i) for i in [0, n) on `jobs` threads while the calling thread calls tick() about every
// 50 ms and once at the end (it owns the database: tick flushes results and shows progress).
// An exception from work(i) is rethrown on the calling thread after every thread has stopped
// (the first one by index); one from tick() stops handing out work and is rethrown the same way,
// before any from work.
#pragma once

#include <functional>

namespace pietune::tuner {

void run_parallel(int n, int jobs, const std::function<void(int)>& work, const std::function<void(int done)>& tick);

}  // namespace pietune::tuner
