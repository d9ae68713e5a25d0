//===- dlrt-test.cpp - test driver of the runtime library -----------------===//
//
// Exercises libdlrt the way compiled code and programs use it, printing one
// line per check for the lit tests in test/Runtime to match.
//
//   dlrt-test invoke               dl_invoke with imitations of generated code
//   dlrt-test threads              concurrent calls
//   dlrt-test tensor               tensor and allocation functions
//   dlrt-test files DIR            writes .npy/.npz files into DIR, reads them
//   dlrt-test random FILE N SEED   writes N pseudo-random bytes
//   dlrt-test fuzz FILE SCRATCH N SEED  reads N corrupted copies of FILE
//   dlrt-test fuzz-data|fuzz-checkpoint FILE SCRATCH N SEED
//                                  the same through dl_array_load or
//                                  dl_checkpoint_open
//   dlrt-test permutation SEED N   dl_permutation's output
//   dlrt-test training DIR         batches, normalization, history files
//   dlrt-test progress             progress lines (stderr) and bar (stdout)
//   dlrt-test checkpoint DIR       checkpoint round trips, corruption,
//                                  atomic writes
//   dlrt-test checkpoint-fixture FILE  writes Inputs/data/model.ckpt
//
// Exits with status 1 if a check failed.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
bool failed = false;
} // namespace

void printStatus(const char *label, dl_status status) {
  if (status == DL_OK)
    printf("%s: ok\n", label);
  else
    printf("%s: %s: %s\n", label, dl_status_name(status), dl_last_error());
}

void fail(const char *label, const char *what) {
  printf("%s: FAILED: %s\n", label, what);
  failed = true;
}

bool check(const char *label, bool condition, const char *what) {
  if (!condition)
    fail(label, what);
  return condition;
}

bool anyFailure() { return failed; }

int main(int argc, char **argv) {
  const char *command = argc > 1 ? argv[1] : "";
  if (strcmp(command, "invoke") == 0 && argc == 2)
    runInvokeTests();
  else if (strcmp(command, "threads") == 0 && argc == 2)
    runThreadTests();
  else if (strcmp(command, "tensor") == 0 && argc == 2)
    runTensorTests();
  else if (strcmp(command, "files") == 0 && argc == 3)
    runFileTests(argv[2]);
  else if (strcmp(command, "random") == 0 && argc == 5) {
    if (!writeRandomFile(argv[2], strtoull(argv[3], nullptr, 10),
                         strtoull(argv[4], nullptr, 10)))
      fail("random", "cannot write the file");
  } else if (strcmp(command, "fuzz") == 0 && argc == 6) {
    fuzzFile(argv[2], argv[3], atoi(argv[4]), strtoull(argv[5], nullptr, 10));
  } else if ((strcmp(command, "fuzz-data") == 0 ||
              strcmp(command, "fuzz-checkpoint") == 0) &&
             argc == 6) {
    fuzzReader(command + 5, argv[2], argv[3], atoi(argv[4]),
               strtoull(argv[5], nullptr, 10));
  } else if (strcmp(command, "permutation") == 0 && argc == 4) {
    printPermutation(strtoull(argv[2], nullptr, 10),
                     strtoll(argv[3], nullptr, 10));
  } else if (strcmp(command, "training") == 0 && argc == 3) {
    runTrainingTests(argv[2]);
  } else if (strcmp(command, "progress") == 0 && argc == 2) {
    runProgressTests();
  } else if (strcmp(command, "checkpoint") == 0 && argc == 3) {
    runCheckpointTests(argv[2]);
  } else if (strcmp(command, "checkpoint-fixture") == 0 && argc == 3) {
    writeCheckpointFixture(argv[2]);
  } else {
    fprintf(stderr, "usage: dlrt-test invoke|threads|tensor|files DIR|"
                    "random FILE SIZE SEED|fuzz FILE SCRATCH N SEED|"
                    "fuzz-data FILE SCRATCH N SEED|"
                    "fuzz-checkpoint FILE SCRATCH N SEED|permutation SEED N|"
                    "training DIR|progress|checkpoint DIR|"
                    "checkpoint-fixture FILE\n");
    return 2;
  }
  return anyFailure() ? 1 : 0;
}
