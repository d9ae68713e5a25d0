//===- Parallel.cpp - the thread pool of dlrt_parallel_for ----------------===//
//
// One process-wide pool of worker threads (POSIX threads, started when a
// loop first needs them, never stopped). A loop is one "generation": the
// caller publishes the job, wakes the workers, runs range 0 itself, and
// waits until every started worker has seen the job (those without a range
// just acknowledge it), so that the next job can reuse the one slot. A loop
// that finds the pool taken by another thread, or that is nested in a body,
// runs on its caller alone: never a deadlock, never an abort.
//
//===----------------------------------------------------------------------===//

#include "dl/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

namespace {

constexpr int kMaxThreads = 1024;
/// Loops with less work than this run on the calling thread.
constexpr int64_t kMinParallelWork = 32768;
/// Each thread gets at least this much work.
constexpr int64_t kMinWorkPerThread = 16384;
/// Pauses a waiting thread spins for before it sleeps.
constexpr int kSpinPauses = 4000;

inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// True on worker threads, and on a caller while it runs its own range.
thread_local bool insideLoop = false;

int defaultThreads() {
  if (const char *env = getenv("DL_NUM_THREADS")) {
    char *end = nullptr;
    long value = strtol(env, &end, 10);
    if (end != env && *end == '\0' && value >= 1 && value <= kMaxThreads)
      return static_cast<int>(value);
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count >= 1)
      return std::min(count, kMaxThreads);
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online >= 1 ? static_cast<int>(std::min<long>(online, kMaxThreads))
                     : 1;
}

/// The part of [0, n) that range `index` of `count` covers.
inline int64_t rangeStart(int64_t n, int index, int count) {
  return static_cast<int64_t>(static_cast<__int128>(n) * index / count);
}

class Pool {
public:
  static Pool &get() {
    // Never destroyed: workers may still be waiting when the process exits.
    static Pool *pool = new Pool();
    return *pool;
  }

  int threads() {
    int requested = requestedThreads.load(std::memory_order_relaxed);
    if (requested > 0)
      return requested;
    std::call_once(defaultOnce, [this] { defaultCount = defaultThreads(); });
    return defaultCount;
  }

  void setThreads(int n) {
    requestedThreads.store(n <= 0 ? 0 : std::min(n, kMaxThreads),
                           std::memory_order_relaxed);
  }

  void run(int64_t n, int64_t cost, dlrt_parallel_body body, void *context) {
    if (n <= 0)
      return;
    int ranges = rangesFor(n, cost);
    if (ranges <= 1 || insideLoop || busy.exchange(true)) {
      runSerial(n, body, context);
      return;
    }
    ranges = std::min(ranges, startWorkers(ranges - 1) + 1);
    if (ranges <= 1) {
      busy.store(false);
      runSerial(n, body, context);
      return;
    }

    job = {body, context, n, ranges};
    pending.store(workers, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> guard(lock);
      generation.fetch_add(1, std::memory_order_release);
    }
    wake.notify_all();

    insideLoop = true;
    body(context, 0, rangeStart(n, 1, ranges));
    insideLoop = false;

    for (int i = 0; i < kSpinPauses &&
                    pending.load(std::memory_order_acquire) != 0;
         ++i)
      pause();
    if (pending.load(std::memory_order_acquire) != 0) {
      std::unique_lock<std::mutex> guard(lock);
      done.wait(guard, [this] {
        return pending.load(std::memory_order_acquire) == 0;
      });
    }
    busy.store(false, std::memory_order_release);
  }

private:
  struct Job {
    dlrt_parallel_body body;
    void *context;
    int64_t n;
    int ranges;
  };

  struct WorkerStart {
    Pool *pool;
    int index;
    /// The last generation the worker must not run: the one current when
    /// it was created (before the loop that starts it is published).
    uint64_t seen;
  };

  int rangesFor(int64_t n, int64_t cost) {
    if (cost < 1)
      cost = 1;
    // Saturating n * cost.
    int64_t work = n > INT64_MAX / cost ? INT64_MAX : n * cost;
    if (work < kMinParallelWork)
      return 1;
    int64_t ranges = std::min<int64_t>(threads(), n);
    return static_cast<int>(
        std::max<int64_t>(1, std::min(ranges, work / kMinWorkPerThread)));
  }

  static void runSerial(int64_t n, dlrt_parallel_body body, void *context) {
    bool outer = insideLoop;
    insideLoop = true;
    body(context, 0, n);
    insideLoop = outer;
  }

  /// Starts workers until there are `wanted` (only while holding `busy`);
  /// returns how many there are.
  int startWorkers(int wanted) {
    while (workers < wanted) {
      pthread_attr_t attributes;
      if (pthread_attr_init(&attributes) != 0)
        break;
      pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
      auto *start = new (std::nothrow) WorkerStart{
          this, workers + 1, generation.load(std::memory_order_relaxed)};
      pthread_t thread;
      bool started =
          start && pthread_create(&thread, &attributes, &Pool::workerMain,
                                  start) == 0;
      pthread_attr_destroy(&attributes);
      if (!started) {
        delete start;
        break;
      }
      ++workers;
    }
    return workers;
  }

  static void *workerMain(void *argument) {
    WorkerStart start = *static_cast<WorkerStart *>(argument);
    delete static_cast<WorkerStart *>(argument);
    start.pool->workerLoop(start.index, start.seen);
    return nullptr;
  }

  void workerLoop(int index, uint64_t seen) {
    insideLoop = true;
    for (;;) {
      uint64_t current = seen;
      for (int i = 0; i < kSpinPauses; ++i) {
        current = generation.load(std::memory_order_acquire);
        if (current != seen)
          break;
        pause();
      }
      if (current == seen) {
        std::unique_lock<std::mutex> guard(lock);
        wake.wait(guard, [&] {
          return generation.load(std::memory_order_acquire) != seen;
        });
        current = generation.load(std::memory_order_acquire);
      }
      seen = current;
      Job mine = job;
      if (index < mine.ranges)
        mine.body(mine.context, rangeStart(mine.n, index, mine.ranges),
                  rangeStart(mine.n, index + 1, mine.ranges));
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> guard(lock);
        done.notify_one();
      }
    }
  }

  std::atomic<int> requestedThreads{0};
  std::once_flag defaultOnce;
  int defaultCount = 1;

  /// Taken by the thread whose loop uses the pool.
  std::atomic<bool> busy{false};
  /// Started workers; changed only while holding `busy`.
  int workers = 0;
  /// The current loop, written before `generation` moves on.
  Job job{};
  std::atomic<uint64_t> generation{0};
  /// Workers that have not yet finished with the current generation.
  std::atomic<int> pending{0};
  std::mutex lock;
  std::condition_variable wake;
  std::condition_variable done;
};

} // namespace

extern "C" void dlrt_parallel_for(int64_t n, int64_t cost,
                                  dlrt_parallel_body body, void *context) {
  Pool::get().run(n, cost, body, context);
}

extern "C" int32_t dl_num_threads(void) { return Pool::get().threads(); }

extern "C" void dl_set_num_threads(int32_t n) { Pool::get().setThreads(n); }
