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
  } else {
    fprintf(stderr, "usage: dlrt-test invoke|threads|tensor|files DIR|"
                    "random FILE SIZE SEED|fuzz FILE SCRATCH N SEED\n");
    return 2;
  }
  return anyFailure() ? 1 : 0;
}
