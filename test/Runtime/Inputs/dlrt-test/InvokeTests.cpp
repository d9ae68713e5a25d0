//===- InvokeTests.cpp - dl_invoke with imitations of generated code ------===//
//
// Each packed function below does what compiled code does: it reads memref
// descriptors from argv, allocates through _mlir_memref_to_llvm_alloc, fails
// through dlrt_fail, and writes result descriptors after the arguments.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <thread>
#include <vector>

namespace {

//===----------------------------------------------------------------------===//
// Signatures
//===----------------------------------------------------------------------===//

dl_dim fixed(int64_t size) { return {size, nullptr}; }
dl_dim symbol(const char *name) { return {-1, name}; }
dl_dim unknown() { return {-1, nullptr}; }

dl_value_info value(const char *name, dl_role role, dl_dtype dtype,
                    std::initializer_list<dl_dim> dims) {
  dl_value_info info;
  memset(&info, 0, sizeof(info));
  info.name = name;
  info.role = role;
  info.dtype = dtype;
  info.rank = int32_t(dims.size());
  int i = 0;
  for (dl_dim dim : dims)
    info.dims[i++] = dim;
  return info;
}

dl_value_info input(const char *name, dl_dtype dtype,
                    std::initializer_list<dl_dim> dims) {
  return value(name, DL_ROLE_INPUT, dtype, dims);
}
dl_value_info output(dl_dtype dtype, std::initializer_list<dl_dim> dims) {
  return value(nullptr, DL_ROLE_OUTPUT, dtype, dims);
}

/// A signature that owns its value lists.
struct Signature {
  std::vector<dl_value_info> args, results;
  dl_signature sig;

  Signature(const char *name, std::vector<dl_value_info> args,
            std::vector<dl_value_info> results)
      : args(std::move(args)), results(std::move(results)) {
    sig.name = name;
    sig.num_args = int32_t(this->args.size());
    sig.args = this->args.data();
    sig.num_results = int32_t(this->results.size());
    sig.results = this->results.data();
  }
  const dl_signature *operator&() const { return &sig; }
};

dl_tensor tensor(void *data, dl_dtype dtype,
                 std::initializer_list<int64_t> shape) {
  dl_tensor t;
  std::vector<int64_t> extents(shape);
  dl_tensor_init(&t, data, dtype, int32_t(extents.size()), extents.data());
  return t;
}

/// A result descriptor for the runtime to fill.
dl_tensor emptyResult() {
  dl_tensor t;
  memset(&t, 0, sizeof(t));
  return t;
}

//===----------------------------------------------------------------------===//
// Imitations of generated code
//===----------------------------------------------------------------------===//

/// What the last packed function on this thread saw and did.
thread_local void *lastAllocation;
thread_local MemRef<2> lastArgument;
std::atomic<int> calls{0};

/// (x: f32[B, 3]) -> f32[B, 3]: x + 1 in a new allocation.
void addOne(void **argv) {
  ++calls;
  auto *x = static_cast<MemRef<2> *>(argv[0]);
  auto *result = static_cast<MemRef<2> *>(argv[1]);
  lastArgument = *x;
  int64_t n = x->sizes[0] * x->sizes[1];
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc(n * 4));
  lastAllocation = out;
  const float *in = static_cast<const float *>(x->aligned) + x->offset;
  for (int64_t i = 0; i < n; ++i)
    out[i] = in[i] + 1;
  *result = {out, out, 0, {x->sizes[0], x->sizes[1]}, {x->sizes[1], 1}};
}

/// (x: f32[B, 3]) -> f32[B, 3]: returns its argument (an alias).
void returnArgument(void **argv) {
  *static_cast<MemRef<2> *>(argv[1]) = *static_cast<MemRef<2> *>(argv[0]);
}

/// (x: f32[2, 3]) -> f32[3, 2]: a transposed view of a new allocation.
void transposeView(void **argv) {
  auto *x = static_cast<MemRef<2> *>(argv[0]);
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc(6 * 4));
  memcpy(out, x->aligned, 6 * 4);
  *static_cast<MemRef<2> *>(argv[1]) = {out, out, 0, {3, 2}, {1, 3}};
}

/// () -> f32[4]: elements 2..5 of a new allocation of 10 (offset view).
void sliceView(void **argv) {
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc(10 * 4));
  for (int i = 0; i < 10; ++i)
    out[i] = float(i);
  *static_cast<MemRef<1> *>(argv[0]) = {out, out, 2, {4}, {1}};
}

/// () -> f32[3]: a constant global.
const float Constants[3] = {1.5f, 2.5f, 3.5f};
void returnGlobal(void **argv) {
  void *global = const_cast<float *>(Constants);
  *static_cast<MemRef<1> *>(argv[0]) = {global, global, 0, {3}, {1}};
}

/// () -> (f32[2], f32[2]): the same allocation twice.
void sameTwice(void **argv) {
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc(2 * 4));
  out[0] = 7;
  out[1] = 8;
  auto *results = static_cast<MemRef<1> *>(argv[0]);
  results[0] = {out, out, 0, {2}, {1}};
  results[1] = results[0];
}

/// (x: f32[B, 3]) -> f32[B, 3]: allocates, frees one block, then fails.
void failAfterAllocating(void **argv) {
  ++calls;
  void *a = _mlir_memref_to_llvm_alloc(100);
  void *b = _mlir_memref_to_llvm_alloc(1000);
  _mlir_memref_to_llvm_aligned_alloc(128, 10);
  _mlir_memref_to_llvm_free(a);
  (void)b;
  dlrt_fail("index 7 is out of range for an extent of 5");
}

/// () -> (): fails without a message.
void failWithoutMessage(void **) { dlrt_fail(nullptr); }

/// () -> (): asks for more memory than there is.
void exhaustMemory(void **) {
  _mlir_memref_to_llvm_alloc(100);
  _mlir_memref_to_llvm_alloc(SIZE_MAX / 4);
}

/// (x: i64[N]) -> (f32, i64[N], bool[2, N]): the sum, 2 * x, and the rows
/// x > 0 and x even. Results of ranks 0, 1 and 2 after one another.
void threeResults(void **argv) {
  auto *x = static_cast<MemRef<1> *>(argv[0]);
  int64_t n = x->sizes[0];
  const int64_t *in = static_cast<const int64_t *>(x->aligned);
  auto *sum = static_cast<float *>(_mlir_memref_to_llvm_alloc(4));
  auto *twice = static_cast<int64_t *>(_mlir_memref_to_llvm_alloc(8 * n));
  auto *flags = static_cast<uint8_t *>(_mlir_memref_to_llvm_alloc(2 * n));
  *sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    *sum += float(in[i]);
    twice[i] = 2 * in[i];
    flags[i] = in[i] > 0;
    flags[n + i] = in[i] % 2 == 0;
  }
  auto *area = static_cast<int64_t *>(argv[1]);
  *reinterpret_cast<MemRef<0> *>(area) = {sum, sum, 0};
  *reinterpret_cast<MemRef<1> *>(area + 3) = {twice, twice, 0, {n}, {1}};
  *reinterpret_cast<MemRef<2> *>(area + 8) = {flags, flags, 0, {2, n}, {n, 1}};
}

/// (a: f64, b: f64) -> f64: a * b.
void multiplyScalars(void **argv) {
  auto *a = static_cast<MemRef<0> *>(argv[0]);
  auto *b = static_cast<MemRef<0> *>(argv[1]);
  auto *out = static_cast<double *>(_mlir_memref_to_llvm_alloc(8));
  *out =
      *static_cast<double *>(a->aligned) * *static_cast<double *>(b->aligned);
  *static_cast<MemRef<0> *>(argv[2]) = {out, out, 0};
}

/// (x: f32[N]) -> f32[?]: the positive elements (an extent known only after
/// the computation).
void keepPositive(void **argv) {
  auto *x = static_cast<MemRef<1> *>(argv[0]);
  const float *in = static_cast<const float *>(x->aligned);
  auto *out = static_cast<float *>(
      _mlir_memref_to_llvm_aligned_alloc(256, 4 * x->sizes[0]));
  int64_t n = 0;
  for (int64_t i = 0; i < x->sizes[0]; ++i)
    if (in[i] > 0)
      out[n++] = in[i];
  *static_cast<MemRef<1> *>(argv[1]) = {out, out, 0, {n}, {1}};
}

/// () -> f32[4] according to the signature, but returns 3 elements (a
/// compiler bug the runtime reports).
void wrongResultShape(void **argv) {
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc(12));
  *static_cast<MemRef<1> *>(argv[0]) = {out, out, 0, {3}, {1}};
}

void doNothing(void **) { ++calls; }

const Signature AddOne("add_one", {input("x", DL_F32, {symbol("B"), fixed(3)})},
                       {output(DL_F32, {symbol("B"), fixed(3)})});
const Signature Fail("fail", {input("x", DL_F32, {symbol("B"), fixed(3)})},
                     {output(DL_F32, {symbol("B"), fixed(3)})});

/// (x: f32[B, 3]) -> f32[B, 3]: x + 1 computed by a nested dl_invoke of
/// add_one, plus a nested call that fails, while this call owns a block.
void nestedOuter(void **argv) {
  auto *x = static_cast<MemRef<2> *>(argv[0]);
  void *scratch = _mlir_memref_to_llvm_alloc(64);
  dl_tensor arg = tensor(x->aligned, DL_F32, {x->sizes[0], x->sizes[1]});
  dl_tensor inner = emptyResult();
  if (dl_invoke(&AddOne, addOne, &arg, 1, &inner, 1) != DL_OK)
    dlrt_fail("the nested call failed");
  dl_tensor failed = emptyResult();
  if (dl_invoke(&Fail, failAfterAllocating, &arg, 1, &failed, 1) !=
      DL_ERROR_RUNTIME)
    dlrt_fail("the failing nested call did not fail");
  int64_t n = x->sizes[0] * x->sizes[1];
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc(n * 4));
  memcpy(out, inner.data, n * 4);
  dl_tensor_free(&inner);
  _mlir_memref_to_llvm_free(scratch);
  *static_cast<MemRef<2> *>(argv[1]) = {
      out, out, 0, {x->sizes[0], x->sizes[1]}, {x->sizes[1], 1}};
}

//===----------------------------------------------------------------------===//
// Helpers for checking results
//===----------------------------------------------------------------------===//

void printFloats(const char *label, const dl_tensor &t) {
  printf("%s:", label);
  int64_t n = dl_tensor_numel(&t);
  for (int64_t i = 0; i < n; ++i)
    printf(" %g", double(static_cast<const float *>(t.data)[i]));
  printf("\n");
}

/// "label: f32[2, 3] data=set", "f32" for rank 0.
void printShape(const char *label, const dl_tensor &t) {
  printf("%s: %s", label, dl_dtype_name(t.dtype));
  for (int32_t i = 0; i < t.rank; ++i)
    printf("%s%lld", i ? ", " : "[", static_cast<long long>(t.shape[i]));
  printf("%s data=%s\n", t.rank ? "]" : "", t.data ? "set" : "null");
}

/// Checks that no block allocated since `baseline` is still alive.
void checkNoLeak(const char *label, size_t baseline) {
  if (dl_alloc_count() != baseline) {
    char what[64];
    snprintf(what, sizeof(what), "%zu blocks leaked",
             dl_alloc_count() - baseline);
    fail(label, what);
  }
}

//===----------------------------------------------------------------------===//
// The tests
//===----------------------------------------------------------------------===//

void testAllocatedResult() {
  size_t baseline = dl_alloc_count();
  float data[6] = {0, 1, 2, 3, 4, 5};
  dl_tensor x = tensor(data, DL_F32, {2, 3});
  dl_tensor r = emptyResult();
  printStatus("allocated-result", dl_invoke(&AddOne, addOne, &x, 1, &r, 1));
  printShape("allocated-result shape", r);
  printFloats("allocated-result values", r);
  check("allocated-result", r.data == lastAllocation,
        "the allocation was copied instead of handed over");
  check("allocated-result", lastArgument.aligned == data,
        "a contiguous argument was copied");
  check("allocated-result", dl_tensor_is_contiguous(&r), "not row-major");
  dl_tensor_free(&r);
  checkNoLeak("allocated-result", baseline);
}

void testStridedArgument() {
  size_t baseline = dl_alloc_count();
  // A [2, 3] view of the transpose of a [3, 2] array.
  float storage[6] = {0, 3, 1, 4, 2, 5};
  dl_tensor x = tensor(storage, DL_F32, {2, 3});
  x.strides[0] = 1;
  x.strides[1] = 2;
  dl_tensor r = emptyResult();
  printStatus("strided-argument", dl_invoke(&AddOne, addOne, &x, 1, &r, 1));
  printFloats("strided-argument values", r);
  check("strided-argument",
        lastArgument.aligned != storage && lastArgument.offset == 0 &&
            lastArgument.strides[0] == 3 && lastArgument.strides[1] == 1,
        "the generated code did not get a row-major copy");
  dl_tensor_free(&r);
  checkNoLeak("strided-argument", baseline);
}

void testAliasAndViews() {
  size_t baseline = dl_alloc_count();
  float data[6] = {0, 1, 2, 3, 4, 5};
  dl_tensor x = tensor(data, DL_F32, {2, 3});
  dl_tensor r = emptyResult();
  Signature alias("alias", {input("x", DL_F32, {symbol("B"), fixed(3)})},
                  {output(DL_F32, {symbol("B"), fixed(3)})});
  printStatus("alias", dl_invoke(&alias, returnArgument, &x, 1, &r, 1));
  printFloats("alias values", r);
  check("alias", r.data != data, "an alias of the argument was handed over");
  dl_tensor_free(&r);

  Signature transpose("transpose", {input("x", DL_F32, {fixed(2), fixed(3)})},
                      {output(DL_F32, {fixed(3), fixed(2)})});
  printStatus("transposed-view",
              dl_invoke(&transpose, transposeView, &x, 1, &r, 1));
  printShape("transposed-view shape", r);
  printFloats("transposed-view values", r);
  dl_tensor_free(&r);

  Signature slice("slice", {}, {output(DL_F32, {fixed(4)})});
  printStatus("offset-view", dl_invoke(&slice, sliceView, nullptr, 0, &r, 1));
  printFloats("offset-view values", r);
  dl_tensor_free(&r);

  Signature global("global", {}, {output(DL_F32, {fixed(3)})});
  printStatus("global", dl_invoke(&global, returnGlobal, nullptr, 0, &r, 1));
  printFloats("global values", r);
  check("global", r.data != Constants, "a global was handed over");
  dl_tensor_free(&r);

  Signature twice("twice", {},
                  {output(DL_F32, {fixed(2)}), output(DL_F32, {fixed(2)})});
  dl_tensor pair[2] = {emptyResult(), emptyResult()};
  printStatus("same-twice", dl_invoke(&twice, sameTwice, nullptr, 0, pair, 2));
  printFloats("same-twice first", pair[0]);
  printFloats("same-twice second", pair[1]);
  check("same-twice", pair[0].data != pair[1].data,
        "one block was handed over twice");
  dl_tensor_free(&pair[0]);
  dl_tensor_free(&pair[1]);
  checkNoLeak("views", baseline);
}

void testFailures() {
  size_t baseline = dl_alloc_count();
  float data[6] = {0, 1, 2, 3, 4, 5};
  dl_tensor x = tensor(data, DL_F32, {2, 3});
  dl_tensor r = emptyResult();
  printStatus("fail", dl_invoke(&Fail, failAfterAllocating, &x, 1, &r, 1));
  check("fail", r.data == nullptr, "a failed call filled a result");
  checkNoLeak("fail", baseline);

  Signature quiet("quiet", {}, {});
  printStatus("fail-without-message",
              dl_invoke(&quiet, failWithoutMessage, nullptr, 0, nullptr, 0));

  Signature hungry("hungry", {}, {});
  printStatus("out-of-memory",
              dl_invoke(&hungry, exhaustMemory, nullptr, 0, nullptr, 0));
  checkNoLeak("out-of-memory", baseline);

  Signature wrong("wrong", {}, {output(DL_F32, {fixed(4)})});
  printStatus("wrong-result-shape",
              dl_invoke(&wrong, wrongResultShape, nullptr, 0, &r, 1));
  checkNoLeak("wrong-result-shape", baseline);

  // After a failure the thread's calls work as before.
  printStatus("after-failure", dl_invoke(&AddOne, addOne, &x, 1, &r, 1));
  dl_tensor_free(&r);
  checkNoLeak("after-failure", baseline);
}

void testResults() {
  size_t baseline = dl_alloc_count();
  Signature three("three", {input("x", DL_I64, {symbol("N")})},
                  {output(DL_F32, {}), output(DL_I64, {symbol("N")}),
                   output(DL_BOOL, {fixed(2), symbol("N")})});
  int64_t data[4] = {3, -2, 5, 8};
  dl_tensor x = tensor(data, DL_I64, {4});
  dl_tensor r[3] = {emptyResult(), emptyResult(), emptyResult()};
  printStatus("three-results", dl_invoke(&three, threeResults, &x, 1, r, 3));
  printShape("three-results 0", r[0]);
  printShape("three-results 1", r[1]);
  printShape("three-results 2", r[2]);
  printf("three-results values: %g |",
         double(*static_cast<float *>(r[0].data)));
  for (int i = 0; i < 4; ++i)
    printf(" %lld",
           static_cast<long long>(static_cast<int64_t *>(r[1].data)[i]));
  printf(" |");
  for (int i = 0; i < 8; ++i)
    printf(" %d", static_cast<uint8_t *>(r[2].data)[i]);
  printf("\n");
  for (dl_tensor &t : r)
    dl_tensor_free(&t);

  dl_tensor shapes[3];
  printStatus("result-shapes", dl_result_shapes(&three, &x, 1, shapes, 3));
  for (dl_tensor &t : shapes)
    printShape("result-shapes", t);

  Signature scalars("scalars", {input("a", DL_F64, {}), input("b", DL_F64, {})},
                    {output(DL_F64, {})});
  double a = 1.5, b = -4;
  dl_tensor ab[2] = {tensor(&a, DL_F64, {}), tensor(&b, DL_F64, {})};
  dl_tensor product = emptyResult();
  printStatus("rank-0",
              dl_invoke(&scalars, multiplyScalars, ab, 2, &product, 1));
  printf("rank-0 value: rank %d, %g\n", product.rank,
         *static_cast<double *>(product.data));
  dl_tensor_free(&product);
  checkNoLeak("results", baseline);
}

void testCallerBuffers() {
  size_t baseline = dl_alloc_count();
  float data[6] = {0, 1, 2, 3, 4, 5};
  dl_tensor x = tensor(data, DL_F32, {2, 3});
  // The result f32[2, 3] goes into the transpose of a [3, 2] array.
  float storage[6] = {};
  dl_tensor r = tensor(storage, DL_F32, {2, 3});
  r.strides[0] = 1;
  r.strides[1] = 2;
  printStatus("caller-buffer", dl_invoke(&AddOne, addOne, &x, 1, &r, 1));
  dl_tensor plain = tensor(storage, DL_F32, {3, 2});
  printFloats("caller-buffer storage", plain);
  check("caller-buffer", r.data == storage, "the buffer was replaced");
  checkNoLeak("caller-buffer", baseline);

  calls = 0;
  dl_tensor wrongType = tensor(storage, DL_I32, {2, 3});
  printStatus("caller-buffer-dtype",
              dl_invoke(&AddOne, addOne, &x, 1, &wrongType, 1));
  dl_tensor wrongExtent = tensor(storage, DL_F32, {2, 2});
  printStatus("caller-buffer-static",
              dl_invoke(&AddOne, addOne, &x, 1, &wrongExtent, 1));
  dl_tensor wrongSymbol = tensor(storage, DL_F32, {3, 3});
  printStatus("caller-buffer-symbol",
              dl_invoke(&AddOne, addOne, &x, 1, &wrongSymbol, 1));
  check("caller-buffer", calls == 0, "the function ran despite a bad buffer");

  // An extent known only after the call: checked afterwards.
  Signature positive("positive", {input("x", DL_F32, {symbol("N")})},
                     {output(DL_F32, {unknown()})});
  float mixed[5] = {1, -2, 3, -4, 5};
  dl_tensor m = tensor(mixed, DL_F32, {5});
  dl_tensor shapes;
  printStatus("dynamic-result-shapes",
              dl_result_shapes(&positive, &m, 1, &shapes, 1));
  dl_tensor small = tensor(storage, DL_F32, {2});
  printStatus("dynamic-result-buffer",
              dl_invoke(&positive, keepPositive, &m, 1, &small, 1));
  dl_tensor right = tensor(storage, DL_F32, {3});
  printStatus("dynamic-result-right-buffer",
              dl_invoke(&positive, keepPositive, &m, 1, &right, 1));
  printFloats("dynamic-result-right-buffer values", right);
  dl_tensor fresh = emptyResult();
  printStatus("dynamic-result",
              dl_invoke(&positive, keepPositive, &m, 1, &fresh, 1));
  printShape("dynamic-result shape", fresh);
  check("dynamic-result", reinterpret_cast<uintptr_t>(fresh.data) % 256 == 0,
        "the 256-byte aligned block was not handed over");
  dl_tensor_free(&fresh);
  checkNoLeak("dynamic-result", baseline);
}

void testValidation() {
  calls = 0;
  Signature pair("pair",
                 {input("x", DL_F32, {symbol("B"), fixed(4)}),
                  input("y", DL_F32, {symbol("B"), fixed(3)})},
                 {});
  std::vector<float> storage(64 * 5);
  float *data = storage.data();
  auto run = [&](const char *label, dl_tensor x, dl_tensor y) {
    dl_tensor args[2] = {x, y};
    printStatus(label, dl_invoke(&pair, doNothing, args, 2, nullptr, 0));
  };
  run("symbols-agree", tensor(data, DL_F32, {32, 4}),
      tensor(data, DL_F32, {32, 3}));
  run("static-extent", tensor(data, DL_F32, {32, 4}),
      tensor(data, DL_F32, {32, 5}));
  run("symbol-mismatch", tensor(data, DL_F32, {32, 4}),
      tensor(data, DL_F32, {16, 3}));
  run("first-binding", tensor(data, DL_F32, {32, 3}),
      tensor(data, DL_F32, {32, 3}));
  run("rank", tensor(data, DL_F32, {32}), tensor(data, DL_F32, {32, 3}));
  run("dtype", tensor(data, DL_I32, {32, 4}), tensor(data, DL_F32, {32, 3}));
  run("null-data", tensor(nullptr, DL_F32, {2, 4}),
      tensor(data, DL_F32, {2, 3}));
  run("null-data-empty", tensor(nullptr, DL_F32, {0, 4}),
      tensor(nullptr, DL_F32, {0, 3}));
  dl_tensor negative = tensor(data, DL_F32, {2, 4});
  negative.shape[0] = -2;
  run("negative-extent", negative, tensor(data, DL_F32, {2, 3}));
  dl_tensor bigRank = tensor(data, DL_F32, {2, 4});
  bigRank.rank = 9;
  run("invalid-rank", bigRank, tensor(data, DL_F32, {2, 3}));

  Signature square("square", {input("a", DL_F32, {symbol("N"), symbol("N")})},
                   {});
  dl_tensor a = tensor(data, DL_F32, {3, 4});
  printStatus("repeated-symbol",
              dl_invoke(&square, doNothing, &a, 1, nullptr, 0));
  Signature unnamed("unnamed",
                    {input("x", DL_F32, {symbol("N")}),
                     input(nullptr, DL_I64, {symbol("N"), unknown()})},
                    {});
  dl_tensor args[2] = {tensor(data, DL_F32, {4}), tensor(data, DL_I64, {5, 7})};
  printStatus("unnamed-argument",
              dl_invoke(&unnamed, doNothing, args, 2, nullptr, 0));
  args[1] = tensor(data, DL_I64, {4, 7});
  printStatus("unnamed-extent",
              dl_invoke(&unnamed, doNothing, args, 2, nullptr, 0));

  dl_tensor x = tensor(data, DL_F32, {2, 3});
  dl_tensor r = emptyResult();
  printStatus("null-signature", dl_invoke(nullptr, addOne, &x, 1, &r, 1));
  printStatus("null-function", dl_invoke(&AddOne, nullptr, &x, 1, &r, 1));
  printStatus("argument-count", dl_invoke(&AddOne, addOne, &x, 2, &r, 1));
  printStatus("result-count", dl_invoke(&AddOne, addOne, &x, 1, &r, 0));
  printStatus("null-arguments", dl_invoke(&AddOne, addOne, nullptr, 1, &r, 1));
  printStatus("null-results", dl_invoke(&AddOne, addOne, &x, 1, nullptr, 1));
  printStatus("result-shapes-null",
              dl_result_shapes(&AddOne, &x, 1, nullptr, 1));
  // Only the three valid calls ran.
  check("validation", calls == 3, "the function ran for invalid calls");
}

void testNested() {
  size_t baseline = dl_alloc_count();
  Signature outer("outer", {input("x", DL_F32, {symbol("B"), fixed(3)})},
                  {output(DL_F32, {symbol("B"), fixed(3)})});
  float data[6] = {0, 1, 2, 3, 4, 5};
  dl_tensor x = tensor(data, DL_F32, {2, 3});
  dl_tensor r = emptyResult();
  printStatus("nested", dl_invoke(&outer, nestedOuter, &x, 1, &r, 1));
  printFloats("nested values", r);
  dl_tensor_free(&r);
  checkNoLeak("nested", baseline);
}

} // namespace

void runInvokeTests() {
  testAllocatedResult();
  testStridedArgument();
  testAliasAndViews();
  testFailures();
  testResults();
  testCallerBuffers();
  testValidation();
  testNested();
}

void runThreadTests() {
  size_t baseline = dl_alloc_count();
  constexpr int Threads = 4, Iterations = 2000;
  std::atomic<int> wrong{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < Threads; ++t)
    threads.emplace_back([t, &wrong, &failures] {
      std::vector<float> data(3 * 16);
      for (int i = 0; i < Iterations; ++i) {
        int64_t rows = 1 + (i + t) % 16;
        for (int64_t k = 0; k < rows * 3; ++k)
          data[k] = float(t * 1000 + i + k);
        dl_tensor x = tensor(data.data(), DL_F32, {rows, 3});
        dl_tensor r = emptyResult();
        if (i % 7 == 0) {
          // Failing calls interleaved with good ones; the message is this
          // thread's own.
          if (dl_invoke(&Fail, failAfterAllocating, &x, 1, &r, 1) !=
                  DL_ERROR_RUNTIME ||
              strstr(dl_last_error(), "index 7") == nullptr)
            ++failures;
          continue;
        }
        if (dl_invoke(&AddOne, addOne, &x, 1, &r, 1) != DL_OK) {
          ++failures;
          continue;
        }
        for (int64_t k = 0; k < rows * 3; ++k)
          if (static_cast<float *>(r.data)[k] != data[k] + 1)
            ++wrong;
        dl_tensor_free(&r);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  printf("threads: %d threads x %d calls, %d wrong values, %d unexpected "
         "statuses\n",
         Threads, Iterations, wrong.load(), failures.load());
  checkNoLeak("threads", baseline);
}

void runTensorTests() {
  int64_t shape[3] = {2, 3, 4};
  dl_tensor t;
  printStatus("init", dl_tensor_init(&t, nullptr, DL_F64, 3, shape));
  printf("init strides: %lld %lld %lld\n", static_cast<long long>(t.strides[0]),
         static_cast<long long>(t.strides[1]),
         static_cast<long long>(t.strides[2]));
  printStatus("init-null", dl_tensor_init(nullptr, nullptr, DL_F64, 3, shape));
  printStatus("init-dtype", dl_tensor_init(&t, nullptr, dl_dtype(9), 3, shape));
  printStatus("init-rank", dl_tensor_init(&t, nullptr, DL_F32, 9, shape));
  int64_t negative[2] = {2, -1};
  printStatus("init-negative",
              dl_tensor_init(&t, nullptr, DL_F32, 2, negative));
  int64_t huge[3] = {INT64_MAX / 2, 3, 1};
  printStatus("init-overflow", dl_tensor_init(&t, nullptr, DL_F32, 3, huge));

  dl_tensor_init(&t, nullptr, DL_F32, 3, shape);
  printf("numel: %lld\n", static_cast<long long>(dl_tensor_numel(&t)));
  t.shape[0] = INT64_MAX / 2;
  printf("numel-overflow: %lld\n", static_cast<long long>(dl_tensor_numel(&t)));
  printf("numel-null: %lld\n",
         static_cast<long long>(dl_tensor_numel(nullptr)));

  dl_tensor_init(&t, nullptr, DL_F32, 3, shape);
  printf("contiguous: %d\n", dl_tensor_is_contiguous(&t));
  t.strides[0] = 100;
  printf("contiguous-bad-stride: %d\n", dl_tensor_is_contiguous(&t));
  int64_t unit[3] = {1, 3, 1};
  dl_tensor_init(&t, nullptr, DL_F32, 3, unit);
  t.strides[0] = 42;
  t.strides[2] = -7;
  printf("contiguous-unit-extents: %d\n", dl_tensor_is_contiguous(&t));

  size_t baseline = dl_alloc_count();
  dl_tensor a;
  printStatus("alloc", dl_tensor_alloc(&a, DL_I32, 3, shape));
  bool zero = true;
  for (int i = 0; i < 24; ++i)
    zero = zero && static_cast<int32_t *>(a.data)[i] == 0;
  check("alloc", zero, "not zero-filled");
  check("alloc", reinterpret_cast<uintptr_t>(a.data) % 64 == 0,
        "not 64-byte aligned");
  for (int i = 0; i < 24; ++i)
    static_cast<int32_t *>(a.data)[i] = i;
  // Copy the transpose of the last two axes through strided views, and a
  // reversed view (negative strides).
  int64_t transposedShape[3] = {2, 4, 3};
  dl_tensor b;
  dl_tensor_alloc(&b, DL_I32, 3, transposedShape);
  dl_tensor view = a;
  view.shape[1] = 4;
  view.shape[2] = 3;
  view.strides[1] = 1;
  view.strides[2] = 4;
  printStatus("copy-strided", dl_tensor_copy(&b, &view));
  printf("copy-strided values:");
  for (int i = 0; i < 24; ++i)
    printf(" %d", static_cast<int32_t *>(b.data)[i]);
  printf("\n");
  dl_tensor reversed = a;
  reversed.rank = 1;
  reversed.shape[0] = 24;
  reversed.strides[0] = -1;
  reversed.data = static_cast<int32_t *>(a.data) + 23;
  dl_tensor flat = b;
  flat.rank = 1;
  flat.shape[0] = 24;
  flat.strides[0] = 1;
  printStatus("copy-reversed", dl_tensor_copy(&flat, &reversed));
  printf("copy-reversed values:");
  for (int i = 0; i < 24; ++i)
    printf(" %d", static_cast<int32_t *>(b.data)[i]);
  printf("\n");
  printStatus("copy-shape", dl_tensor_copy(&b, &a));
  dl_tensor f = a;
  f.dtype = DL_F32;
  printStatus("copy-dtype", dl_tensor_copy(&f, &a));
  printStatus("copy-null", dl_tensor_copy(nullptr, &a));
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  check("free", a.data == nullptr, "dl_tensor_free did not clear data");
  dl_tensor_free(&a);
  dl_tensor_free(nullptr);
  checkNoLeak("tensor", baseline);

  int64_t tooBig[2] = {INT64_MAX / 4, 2};
  printStatus("alloc-too-big", dl_tensor_alloc(&a, DL_F64, 2, tooBig));
  void *empty = dl_alloc(0);
  check("alloc-zero", empty != nullptr, "dl_alloc(0) returned null");
  dl_free(empty);
  dl_free(nullptr);
  checkNoLeak("alloc", baseline);

  for (int s = 0; s <= 8; ++s)
    printf("status %d: %s\n", s, dl_status_name(dl_status(s)));
  for (int d = 0; d <= 5; ++d)
    printf("dtype %d: %s %zu\n", d, dl_dtype_name(dl_dtype(d)),
           dl_dtype_size(dl_dtype(d)));
}
