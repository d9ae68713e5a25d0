//===- Common.h - shared pieces of the dlrt-test driver ---------*- C++ -*-===//
#ifndef DLRT_TEST_COMMON_H
#define DLRT_TEST_COMMON_H

#include "dl/runtime.h"

#include <cstdint>

/// An MLIR memref descriptor of the given rank, as generated code sees it.
template <int Rank> struct MemRef {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};
template <> struct MemRef<0> {
  void *allocated;
  void *aligned;
  int64_t offset;
};

/// Prints "label: ok" for DL_OK, else "label: <status name>: <message>".
void printStatus(const char *label, dl_status status);
/// Prints "label: FAILED: what" and remembers that a check failed.
void fail(const char *label, const char *what);
/// Checks a condition, printing a failure naming it.
bool check(const char *label, bool condition, const char *what);
/// Whether any check failed so far.
bool anyFailure();

/// The tests of dl_invoke and dl_result_shapes.
void runInvokeTests();
/// Many calls on several threads at once.
void runThreadTests();
/// The tensor and allocation functions.
void runTensorTests();
/// Writes .npy and .npz files into `dir` and reads them back.
void runFileTests(const char *dir);
/// Reads mutated copies of `input` (.npy in memory, .npz through the file
/// `scratch`): each must be read or rejected as a format error.
void fuzzFile(const char *input, const char *scratch, int iterations,
              uint64_t seed);
/// xorshift64*: a fixed sequence for each seed on every platform.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed * 2654435761u + 1) {}
  uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dULL;
  }
  uint64_t below(uint64_t bound) { return next() % bound; }

private:
  uint64_t state;
};

/// Writes `size` pseudo-random bytes (a fixed sequence per seed) to `path`.
bool writeRandomFile(const char *path, uint64_t size, uint64_t seed);

/// dl_permutation(seed, n), printed as "permutation SEED N: ...".
void printPermutation(uint64_t seed, int64_t n);
/// Batches, normalization, the training history (CSV and SVG in `dir`).
void runTrainingTests(const char *dir);
/// Progress output: log lines on stderr (not a terminal under lit) and a
/// bar forced onto stdout, at explicit times.
void runProgressTests();
/// Writes the checkpoint fixture of Inputs/data (model.ckpt).
void writeCheckpointFixture(const char *path);
/// Checkpoint round trips, corruption and atomic writes, in `dir`.
void runCheckpointTests(const char *dir);
/// Reads mutated copies of `input` through the file `scratch` with
/// dl_array_load (`kind` "data") or dl_checkpoint_open ("checkpoint"): each
/// must be read or rejected as a format or dtype error.
void fuzzReader(const char *kind, const char *input, const char *scratch,
                int iterations, uint64_t seed);

#endif // DLRT_TEST_COMMON_H
