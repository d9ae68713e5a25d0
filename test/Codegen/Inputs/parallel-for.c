/* dlrt_parallel_for from C99 (parallel-for.test): every iteration runs
 * exactly once, whatever the thread count, the cost and the nesting. */
#include "dl/parallel.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { kMax = 100000 };
static atomic_int visits[kMax];

static void mark(void *context, int64_t begin, int64_t end) {
  (void)context;
  for (int64_t i = begin; i < end; ++i)
    atomic_fetch_add(&visits[i], 1);
}

static void nop(void *context, int64_t begin, int64_t end) {
  (void)context;
  (void)begin;
  (void)end;
}

static void count(void *context, int64_t begin, int64_t end) {
  atomic_fetch_add((atomic_long *)context, (long)(end - begin));
}

static void nested(void *context, int64_t begin, int64_t end) {
  atomic_long *total = (atomic_long *)context;
  for (int64_t i = begin; i < end; ++i)
    dlrt_parallel_for(100, 1000000, count, total);
}

static int check(int64_t n, int64_t cost) {
  for (int64_t i = 0; i < kMax; ++i)
    atomic_store(&visits[i], 0);
  dlrt_parallel_for(n, cost, mark, NULL);
  for (int64_t i = 0; i < kMax; ++i) {
    int expected = i < n ? 1 : 0;
    if (atomic_load(&visits[i]) != expected) {
      printf("n %lld cost %lld: iteration %lld ran %d times\n", (long long)n,
             (long long)cost, (long long)i, atomic_load(&visits[i]));
      return 1;
    }
  }
  return 0;
}

int main(void) {
  static const int threads[] = {1, 2, 3, 8, 2};
  static const int64_t sizes[] = {0, 1, 2, 3, 7, 64, 1000, 99991, kMax};
  static const int64_t costs[] = {1, 100, 1000000};
  int failures = 0;
  for (size_t t = 0; t < sizeof threads / sizeof *threads; ++t) {
    dl_set_num_threads(threads[t]);
    if (dl_num_threads() != threads[t])
      printf("dl_num_threads %d after dl_set_num_threads(%d)\n",
             dl_num_threads(), threads[t]), ++failures;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; ++s)
      for (size_t c = 0; c < sizeof costs / sizeof *costs; ++c)
        failures += check(sizes[s], costs[c]);
    /* Many loops in a row, as a training step makes them. */
    for (int i = 0; i < 2000; ++i)
      dlrt_parallel_for(4096, 1000, nop, NULL);
    /* Nested loops run on the thread that runs the outer body. */
    atomic_long total = 0;
    dlrt_parallel_for(64, 1000000, nested, &total);
    if (atomic_load(&total) != 64 * 100)
      printf("nested: %ld iterations\n", atomic_load(&total)), ++failures;
  }
  dlrt_parallel_for(-5, 1, nop, NULL);
  dl_set_num_threads(0);
  printf("default threads >= 1: %d\n", dl_num_threads() >= 1);
  printf("failures: %d\n", failures);
  return failures != 0;
}
