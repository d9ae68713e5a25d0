/*===- dl/parallel.h - the runtime's thread pool ---------------------------===*
 *
 * Generated code runs its parallel loops (dl-parallel-to-runtime) through
 * dlrt_parallel_for; programs may choose the number of threads. C99 and
 * C++. See docs/pipeline.md, "Code generation".
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_PARALLEL_H
#define DL_PARALLEL_H

#include "dl/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The body of a parallel loop: runs iterations [begin, end). */
typedef void (*dlrt_parallel_body)(void *context, int64_t begin,
                                   int64_t end);

/* Runs body(context, b, e) on disjoint ranges [b, e) that cover [0, n), on
 * the calling thread and the pool's workers, and returns when every range
 * is done. `cost` is the work of one iteration (about one multiply-add or
 * one element each unit): the loop runs on the calling thread alone when
 * n * cost is below 32768, and on at most (n * cost) / 16384 threads.
 * [0, n) is cut into up to 4 contiguous chunks per thread (their bounds
 * depend only on n, cost and the thread count), which the threads claim
 * as they become free: a thread that starts late leaves its share to the
 * others. n <= 0 does nothing.
 *
 * Never fails and never aborts: if the pool is busy with a loop of another
 * thread, if called from inside a body (nested), or if a worker thread
 * cannot be started, the caller runs the ranges itself. Bodies must not
 * call dlrt_fail or allocate through the runtime on worker threads (the
 * compiler guarantees it): those belong to the thread in dl_invoke. */
DL_EXPORT void dlrt_parallel_for(int64_t n, int64_t cost,
                                 dlrt_parallel_body body, void *context);

/* The number of threads parallel loops use, the calling thread included:
 * dl_set_num_threads's value if set, else the environment variable
 * DL_NUM_THREADS (1 to 1024) when the first loop runs, else the number of
 * CPUs the process may run on. */
DL_EXPORT int32_t dl_num_threads(void);
/* Sets the number of threads for later loops (1 = no worker threads;
 * 0 = back to the default; values above 1024 are taken as 1024). Workers
 * are started when a loop first needs them and kept until the process
 * exits. */
DL_EXPORT void dl_set_num_threads(int32_t n);

#ifdef __cplusplus
}
#endif

#endif /* DL_PARALLEL_H */
