#pragma once
/// run_ordered: N work items produced in parallel, consumed in index order on the calling thread.
///
/// Why: EVTX chunks decode independently, but output must stay in file order and memory must not
/// grow with the input. Workers claim the next index only while it is within `window` of the
/// consumer, so at most `window` finished items wait in memory whatever the input size.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace cmdsentry {

/// Names the calling thread (at most 15 characters: the kernel's limit) so that `top -H`, perf
/// and gdb tell the engine's threads apart. No-op where the platform has no thread names.
inline void name_this_thread(const char* name) {
#if defined(__linux__)
  pthread_setname_np(pthread_self(), name);
#else
  (void)name;
#endif
}

/// Number of worker threads for a request of `requested` (0 = all cores).
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

/// Calls produce(worker, index, out) on `threads` workers and consume(index, out) in order on the
/// calling thread. With one thread everything runs inline. Exceptions from workers are rethrown.
template <class Out, class Produce, class Consume>
void run_ordered(std::size_t count, int threads, std::size_t window, Produce&& produce,
                 Consume&& consume) {
  threads = std::max(1, threads);
  if (threads == 1 || count <= 1) {
    Out out;
    for (std::size_t i = 0; i < count; ++i) {
      out = Out{};
      produce(0, i, out);
      consume(i, out);
    }
    return;
  }
  window = std::max<std::size_t>(window, static_cast<std::size_t>(threads));
  std::mutex mu;
  std::condition_variable cv_work, cv_done;
  std::vector<std::optional<Out>> slots(window);
  std::size_t next = 0, consumed = 0;
  bool stop = false;
  std::exception_ptr error;

  auto worker = [&](int id) {
    name_this_thread("cs-pool");
    while (true) {
      std::size_t i;
      {
        std::unique_lock lk(mu);
        cv_work.wait(lk, [&] { return stop || next >= count || next < consumed + window; });
        if (stop || next >= count) return;
        i = next++;
      }
      Out out;
      try {
        produce(id, i, out);
      } catch (...) {
        std::lock_guard lk(mu);
        if (!error) error = std::current_exception();
        stop = true;
        cv_done.notify_all();
        cv_work.notify_all();
        return;
      }
      std::lock_guard lk(mu);
      slots[i % window].emplace(std::move(out));
      cv_done.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);

  for (std::size_t i = 0; i < count; ++i) {
    Out out;
    {
      std::unique_lock lk(mu);
      cv_done.wait(lk, [&] { return stop || slots[i % window].has_value(); });
      if (stop) break;
      out = std::move(*slots[i % window]);
      slots[i % window].reset();
      ++consumed;
    }
    cv_work.notify_all();
    try {
      consume(i, out);
    } catch (...) {
      std::lock_guard lk(mu);
      if (!error) error = std::current_exception();
      stop = true;
      cv_work.notify_all();
      break;
    }
  }
  {
    std::lock_guard lk(mu);
    stop = true;
  }
  cv_work.notify_all();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace cmdsentry
