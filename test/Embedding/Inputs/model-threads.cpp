// One model called from several threads at once (threads.test), built with
// ThreadSanitizer on the instrumented runtime (dlrt_tsan): a data race in
// the runtime (its messages, current calls, allocator, thread pool, the
// model's tables and lock) is a report, which fails the test.
//
//   dl-model-threads infer IRIS.so     examples/mlp_forward.dl, weights
//                                      embedded: net.forward and
//                                      net.classify from 4 threads, each
//                                      on its own flowers, with failing
//                                      calls in between
//   dl-model-threads state COUNTER.so DIR
//                                      Inputs/counter.dl: 4 threads add to
//                                      the state the model holds while 2
//                                      read it
//
// Each prints one line of counts that must be zero, and "leaked blocks: 0".

#include "dl/model.h"
#include "dl/parallel.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int Threads = 4;

std::atomic<int> failures{0};

void fail(const char *format, const char *detail) {
  if (failures++ < 20) {
    std::printf(format, detail);
    std::printf("\n");
  }
}

/// Whether the model library's calls reach this program's runtime (the
/// instrumented one) rather than the libdlrt.so it names: the program
/// exports the functions generated code imports, and the dynamic linker
/// looks in the program first.
void checkRuntime() {
  struct {
    const char *name;
    void *address;
  } imports[] = {
      {"dl_invoke", reinterpret_cast<void *>(&dl_invoke)},
      {"dlrt_fail", reinterpret_cast<void *>(&dlrt_fail)},
      {"dlrt_parallel_for", reinterpret_cast<void *>(&dlrt_parallel_for)},
      {"_mlir_memref_to_llvm_alloc",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_alloc)},
      {"_mlir_memref_to_llvm_aligned_alloc",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_aligned_alloc)},
      {"_mlir_memref_to_llvm_free",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_free)},
  };
  int exported = 0;
  for (const auto &import : imports)
    if (dlsym(RTLD_DEFAULT, import.name) == import.address)
      ++exported;
    else
      fail("%s: the model would call another runtime's", import.name);
  std::printf("runtime: %d of %d imports from this program\n", exported,
              int(sizeof(imports) / sizeof(imports[0])));
}

dl_tensor makeTensor(void *data, dl_dtype dtype, int32_t rank,
                     const int64_t *shape) {
  dl_tensor t;
  std::memset(&t, 0, sizeof(t));
  if (dl_tensor_init(&t, data, dtype, rank, shape) != DL_OK)
    fail("dl_tensor_init: %s", dl_last_error());
  return t;
}

/// One thread's flowers (enough rows for generated code to run its loops
/// on the thread pool) and what a single thread computed for them.
struct Work {
  int64_t rows;
  std::vector<float> x;
  std::vector<float> probabilities;
  std::vector<int64_t> labels;
};

/// net.forward and net.classify on `work`'s flowers; false if a call
/// failed.
bool infer(dl_model *model, const Work &work, std::vector<float> &probs,
           std::vector<int64_t> &labels, bool callerBuffer) {
  int64_t shape[2] = {work.rows, 4};
  dl_tensor x = makeTensor(const_cast<float *>(work.x.data()), DL_F32, 2,
                           shape);
  dl_tensor y;
  std::memset(&y, 0, sizeof(y));
  int64_t probShape[2] = {work.rows, 3};
  probs.assign(size_t(work.rows) * 3, 0.0f);
  if (callerBuffer)
    y = makeTensor(probs.data(), DL_F32, 2, probShape);
  if (dl_model_invoke(model, "net.forward", &x, 1, &y, 1) != DL_OK) {
    fail("net.forward: %s", dl_last_error());
    return false;
  }
  if (!callerBuffer) {
    std::memcpy(probs.data(), y.data, probs.size() * sizeof(float));
    dl_tensor_free(&y);
  }
  dl_tensor z;
  std::memset(&z, 0, sizeof(z));
  if (dl_model_invoke(model, "net.classify", &x, 1, &z, 1) != DL_OK) {
    fail("net.classify: %s", dl_last_error());
    return false;
  }
  labels.assign(static_cast<int64_t *>(z.data),
                static_cast<int64_t *>(z.data) + work.rows);
  dl_tensor_free(&z);
  return true;
}

int runInfer(const char *library) {
  size_t baseline = dl_alloc_count();
  checkRuntime();
  dl_model *model;
  if (dl_model_open(library, &model) != DL_OK) {
    std::printf("open: %s\n", dl_last_error());
    return 1;
  }
  // Distinct batch sizes, so that each thread's error message is its own.
  std::vector<Work> work(Threads);
  for (int t = 0; t < Threads; ++t) {
    Work &w = work[size_t(t)];
    w.rows = 2048 + 61 * t;
    w.x.resize(size_t(w.rows) * 4);
    uint32_t state = 12345u + uint32_t(t);
    for (float &v : w.x) {
      state = state * 1664525u + 1013904223u;
      v = float(state >> 8) / float(1u << 24) * 8.0f;
    }
    if (!infer(model, w, w.probabilities, w.labels, false))
      return 1;
  }

  constexpr int Calls = 40;
  std::atomic<int> wrong{0}, statuses{0}, messages{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < Threads; ++t)
    threads.emplace_back([&, t] {
      const Work &w = work[size_t(t)];
      std::vector<float> probs;
      std::vector<int64_t> labels;
      int64_t badShape[2] = {w.rows, 3};
      dl_tensor bad = makeTensor(const_cast<float *>(w.x.data()), DL_F32, 2,
                                 badShape);
      std::string rows = std::to_string(w.rows);
      std::string shapeError = "net.forward: argument 'x' has shape f32[" +
                               rows + ", 3] but the signature says f32[B, 4] "
                               "(B = " + rows + ")";
      std::string missing = "net.forward" + std::to_string(t);
      std::string missingError =
          "the model has no entry point '" + missing + "' (it has main, ";
      std::string last;
      for (int i = 0; i < Calls; ++i) {
        if (i % 4 == 3) {
          // Failing calls in between: each thread reads its own message.
          dl_tensor y;
          std::memset(&y, 0, sizeof(y));
          bool shape = i % 8 == 3;
          dl_status status =
              shape ? dl_model_invoke(model, "net.forward", &bad, 1, &y, 1)
                    : dl_model_invoke(model, missing.c_str(), &bad, 1, &y, 1);
          if (status != (shape ? DL_ERROR_SHAPE : DL_ERROR_INVALID_ARGUMENT))
            ++statuses;
          last = dl_last_error();
          const std::string &expected = shape ? shapeError : missingError;
          if (last.compare(0, expected.size(), expected) != 0) {
            ++messages;
            fail("unexpected message: %s", last.c_str());
          }
          continue;
        }
        if (!infer(model, w, probs, labels, i % 2 == 0)) {
          ++statuses;
          continue;
        }
        // Success leaves the thread's last message as it was.
        if (last != dl_last_error())
          ++messages;
        // Bit for bit: the thread that runs a chunk of a loop never changes
        // what it computes.
        if (std::memcmp(probs.data(), w.probabilities.data(),
                        probs.size() * sizeof(float)) != 0 ||
            labels != w.labels)
          ++wrong;
        // Read-only accessors meanwhile.
        const dl_signature *sig = dl_model_find(model, "net.forward");
        if (!sig || !dl_model_binds(model, sig, 1) ||
            dl_model_binds(model, sig, 0))
          ++wrong;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  dl_model_close(model);
  std::printf("infer: %d threads x %d calls, %d wrong results, %d wrong "
              "statuses, %d wrong messages\n",
              Threads, Calls, wrong.load(), statuses.load(), messages.load());
  std::printf("leaked blocks: %d\n", int(dl_alloc_count() - baseline));
  return failures.load() ? 1 : 0;
}

/// counter.add(x) adds x to the state counter.total (f32[N]), which the
/// model holds; counter.read() returns it.
int runState(const char *library, const char *dir) {
  size_t baseline = dl_alloc_count();
  checkRuntime();
  dl_model *model;
  if (dl_model_open(library, &model) != DL_OK) {
    std::printf("open: %s\n", dl_last_error());
    return 1;
  }
  const dl_signature *add = dl_model_find(model, "counter.add");
  if (!add || add->num_args != 2 || !add->args[1].updated) {
    std::printf("counter.add does not update counter.total\n");
    return 1;
  }
  int64_t n = add->args[1].dims[0].size;
  // The model holds the state once it is loaded (zeros).
  std::vector<float> zeros(size_t(n), 0.0f);
  dl_tensor zero = makeTensor(zeros.data(), DL_F32, 1, &n);
  std::string npz = std::string(dir) + "/zeros.npz";
  const char *name = "counter.total";
  const dl_tensor *tensors[1] = {&zero};
  if (dl_npz_write(npz.c_str(), 1, &name, tensors) != DL_OK ||
      dl_model_load_params(model, npz.c_str()) != DL_OK) {
    std::printf("load: %s\n", dl_last_error());
    return 1;
  }
  std::printf("bound: %d\n", dl_model_binds(model, add, 1));

  constexpr int Adds = 100, Readers = 2;
  std::atomic<int> statuses{0}, torn{0}, backwards{0}, done{0};
  std::atomic<long> reads{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < Threads; ++t)
    threads.emplace_back([&, t] {
      // Thread t adds t + 1 to every element.
      std::vector<float> ones(size_t(n), float(t + 1));
      dl_tensor x = makeTensor(ones.data(), DL_F32, 1, &n);
      for (int i = 0; i < Adds; ++i) {
        dl_tensor sum;
        std::memset(&sum, 0, sizeof(sum));
        if (dl_model_invoke(model, "counter.add", &x, 1, &sum, 1) != DL_OK) {
          ++statuses;
          fail("counter.add: %s", dl_last_error());
          continue;
        }
        dl_tensor_free(&sum);
      }
      ++done;
    });
  for (int r = 0; r < Readers; ++r)
    threads.emplace_back([&] {
      float previous = 0.0f;
      // At least a few reads, and on until the updates are done.
      for (int i = 0; i < 20 || done.load() < Threads; ++i) {
        dl_tensor total;
        std::memset(&total, 0, sizeof(total));
        if (dl_model_invoke(model, "counter.read", nullptr, 0, &total, 1) !=
            DL_OK) {
          ++statuses;
          fail("counter.read: %s", dl_last_error());
          continue;
        }
        // A read sees the state between two updates: every element the
        // same, never less than before.
        const float *v = static_cast<const float *>(total.data);
        for (int64_t k = 1; k < n; ++k)
          if (v[k] != v[0]) {
            ++torn;
            break;
          }
        if (v[0] < previous)
          ++backwards;
        previous = v[0];
        dl_tensor_free(&total);
        ++reads;
      }
    });
  for (std::thread &thread : threads)
    thread.join();

  dl_tensor total;
  std::memset(&total, 0, sizeof(total));
  if (dl_model_invoke(model, "counter.read", nullptr, 0, &total, 1) != DL_OK) {
    std::printf("read: %s\n", dl_last_error());
    return 1;
  }
  const float *v = static_cast<const float *>(total.data);
  int lost = 0;
  float expected = float(Adds * Threads * (Threads + 1) / 2);
  for (int64_t k = 0; k < n; ++k)
    lost += v[k] != expected;
  std::printf("state: %d threads x %d adds, %d readers: total %g (expected "
              "%g), %d elements short, %d wrong statuses, %d torn reads, %d "
              "reads going back\n",
              Threads, Adds, Readers, double(v[0]), double(expected), lost,
              statuses.load(), torn.load(), backwards.load());
  dl_tensor_free(&total);
  dl_model_close(model);
  std::printf("leaked blocks: %d\n", int(dl_alloc_count() - baseline));
  return failures.load() ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  // Worker threads besides the callers, whatever the machine.
  dl_set_num_threads(4);
  if (argc == 3 && std::strcmp(argv[1], "infer") == 0)
    return runInfer(argv[2]);
  if (argc == 4 && std::strcmp(argv[1], "state") == 0)
    return runState(argv[2], argv[3]);
  std::fprintf(stderr, "usage: dl-model-threads infer IRIS.so | state "
                       "COUNTER.so DIR\n");
  return 2;
}
