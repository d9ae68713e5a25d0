//===- Parallel.cpp - the thread pool of dlrt_parallel_for ----------------===//
//
// One process-wide pool of worker threads (POSIX threads, started when a
// loop first needs them, never stopped). A loop is one "generation": the
// caller cuts [0, n) into chunks (their bounds depend on n, the cost and
// the thread count only), publishes the job, wakes the workers and claims
// chunks itself; workers claim chunks as they arrive. A chunk is claimed by
// a compare-and-swap on one word holding the generation and the next
// chunk, so a worker that wakes up late (a loaded machine) finds nothing
// left, or a newer generation, and never delays the caller: the caller only
// waits for chunks that were claimed and are running. A loop that finds
// the pool taken by another thread, or that is nested in a body, runs on
// its caller alone: never a deadlock, never an abort.
//
// Which thread runs a chunk never changes what it computes: generated
// bodies write disjoint elements (docs/pipeline.md, "Code generation").
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
    if (startWorkers(ranges - 1) < 1) {
      busy.store(false);
      runSerial(n, body, context);
      return;
    }
    // A few chunks per thread, so that a thread that starts late leaves its
    // share to the others.
    int64_t chunks = std::min<int64_t>(n, int64_t(ranges) * kChunksPerThread);

    uint64_t current = generation.load(std::memory_order_relaxed) + 1;
    jobBody.store(body, std::memory_order_relaxed);
    jobContext.store(context, std::memory_order_relaxed);
    jobN.store(n, std::memory_order_relaxed);
    jobChunks.store(chunks, std::memory_order_relaxed);
    jobThreads.store(ranges, std::memory_order_relaxed);
    finished.store(0, std::memory_order_relaxed);
    next.store(current << kChunkBits, std::memory_order_release);
    {
      std::lock_guard<std::mutex> guard(lock);
      generation.store(current, std::memory_order_release);
    }
    wake.notify_all();

    insideLoop = true;
    int64_t mine = runChunks(current, body, context, n, chunks);
    insideLoop = false;
    // Wait for the chunks that other threads claimed.
    int64_t total = finished.fetch_add(mine, std::memory_order_acq_rel) + mine;
    for (int i = 0; total < chunks; ++i) {
      if (i < kSpinPauses)
        pause();
      else
        sched_yield();
      total = finished.load(std::memory_order_acquire);
    }
    busy.store(false, std::memory_order_release);
  }

private:
  /// Bits of the chunk index in `next`; the generation is above them.
  static constexpr int kChunkBits = 24;
  static constexpr int64_t kChunksPerThread = 4;

  struct WorkerStart {
    Pool *pool;
    /// From 1 (the caller is thread 0).
    int index;
    /// The last generation the worker must not run: the one current when
    /// it was created (before the loop that starts it is published).
    uint64_t seen;
  };

  static int64_t chunkStart(int64_t n, int64_t index, int64_t count) {
    return static_cast<int64_t>(static_cast<__int128>(n) * index / count);
  }

  /// Claims and runs chunks of generation `current` until none is left;
  /// returns how many this thread ran. The job's fields are used only after
  /// a claim succeeded, which proves that they are the current job's.
  int64_t runChunks(uint64_t current, dlrt_parallel_body body, void *context,
                    int64_t n, int64_t chunks) {
    int64_t ran = 0;
    uint64_t word = next.load(std::memory_order_acquire);
    for (;;) {
      if ((word >> kChunkBits) != (current & kGenerationMask))
        return ran;
      int64_t chunk = static_cast<int64_t>(word & kChunkMask);
      if (chunk >= chunks)
        return ran;
      if (!next.compare_exchange_weak(word, word + 1,
                                      std::memory_order_acq_rel,
                                      std::memory_order_acquire))
        continue;
      body(context, chunkStart(n, chunk, chunks),
           chunkStart(n, chunk + 1, chunks));
      ++ran;
      word = next.load(std::memory_order_acquire);
    }
  }

  static constexpr uint64_t kChunkMask = (uint64_t(1) << kChunkBits) - 1;
  static constexpr uint64_t kGenerationMask =
      (uint64_t(1) << (64 - kChunkBits)) - 1;

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
      auto *start = new (std::nothrow)
          WorkerStart{this, workers + 1,
                      generation.load(std::memory_order_relaxed)};
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
      // Workers started for a larger thread count sit out smaller loops.
      if (index >= jobThreads.load(std::memory_order_relaxed))
        continue;
      int64_t ran = runChunks(current,
                              jobBody.load(std::memory_order_relaxed),
                              jobContext.load(std::memory_order_relaxed),
                              jobN.load(std::memory_order_relaxed),
                              jobChunks.load(std::memory_order_relaxed));
      if (ran > 0)
        finished.fetch_add(ran, std::memory_order_acq_rel);
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
  std::atomic<dlrt_parallel_body> jobBody{nullptr};
  std::atomic<void *> jobContext{nullptr};
  std::atomic<int64_t> jobN{0};
  std::atomic<int64_t> jobChunks{0};
  std::atomic<int> jobThreads{0};
  std::atomic<uint64_t> generation{0};
  /// (generation << kChunkBits) | the next chunk to claim.
  std::atomic<uint64_t> next{0};
  /// Chunks of the current generation that are done.
  std::atomic<int64_t> finished{0};
  std::mutex lock;
  std::condition_variable wake;
};

} // namespace

extern "C" void dlrt_parallel_for(int64_t n, int64_t cost,
                                  dlrt_parallel_body body, void *context) {
  Pool::get().run(n, cost, body, context);
}

extern "C" int32_t dl_num_threads(void) { return Pool::get().threads(); }

extern "C" void dl_set_num_threads(int32_t n) { Pool::get().setThreads(n); }
