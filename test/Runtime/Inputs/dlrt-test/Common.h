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
/// Writes `size` pseudo-random bytes (a fixed sequence per seed) to `path`.
bool writeRandomFile(const char *path, uint64_t size, uint64_t seed);

#endif // DLRT_TEST_COMMON_H
