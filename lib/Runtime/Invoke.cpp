//===- Invoke.cpp - calling generated entry points ------------------------===//
//
// dl_invoke validates the arguments against the entry point's signature,
// builds the MLIR memref descriptors the packed function expects, runs it
// as the thread's current call (so that failures jump back here), and hands
// the results to the caller. docs/runtime-abi.md is the specification.
//
//===----------------------------------------------------------------------===//

#include "Allocator.h"
#include "CallContext.h"
#include "Errors.h"
#include "OwnedMemory.h"
#include "Tensor.h"

#include <cstring>

using namespace dlrt;

namespace {

/// Values of a call are numbered arguments first, then results.
const dl_value_info &valueInfo(const dl_signature &sig, size_t value) {
  size_t numArgs = size_t(sig.num_args);
  return value < numArgs ? sig.args[value] : sig.results[value - numArgs];
}

/// "argument 'x'", "argument 2" (unnamed), "result 0".
void appendValueName(Message &message, const dl_signature &sig, size_t value) {
  size_t numArgs = size_t(sig.num_args);
  const char *kind = value < numArgs ? "argument" : "result";
  const dl_value_info &info = valueInfo(sig, value);
  if (info.name)
    message.append("%s '%s'", kind, info.name);
  else
    message.append("%s %zu", kind, value < numArgs ? value : value - numArgs);
}

/// The values of the extent symbols ("B"), bound by the first value (in
/// argument order, then results) that has them.
class SymbolTable {
public:
  explicit SymbolTable(const dl_signature &sig) : sig(sig) {}

  /// Room for every symbolic extent of the signature.
  bool reserve() {
    size_t count = 0;
    for (size_t v = 0; v < size_t(sig.num_args) + size_t(sig.num_results); ++v)
      count += size_t(valueInfo(sig, v).rank);
    entries = mallocArray<Entry>(count);
    return entries != nullptr;
  }

  /// Whether `symbol` is bound, and to what.
  bool lookup(const char *symbol, int64_t *value) const {
    const Entry *entry = find(symbol);
    if (entry)
      *value = entry->value;
    return entry;
  }

  /// Checks `shape` against the signature of `value`, binding the symbols
  /// seen first here. Returns the first dimension that disagrees, or -1.
  int32_t match(size_t value, const int64_t *shape) {
    const dl_value_info &info = valueInfo(sig, value);
    int32_t mismatch = -1;
    for (int32_t i = 0; i < info.rank; ++i) {
      const dl_dim &dim = info.dims[i];
      int64_t expected;
      if (dim.size >= 0)
        expected = dim.size;
      else if (!dim.symbol)
        continue;
      else if (!lookup(dim.symbol, &expected)) {
        entries.get()[size++] = {dim.symbol, shape[i], value};
        continue;
      }
      if (shape[i] != expected && mismatch < 0)
        mismatch = i;
    }
    return mismatch;
  }

  /// " (B = 32, N = 4 from argument 'x')": the bound symbols of `value`'s
  /// signature, saying which other value bound them.
  void appendBindings(Message &message, size_t value) const {
    const dl_value_info &info = valueInfo(sig, value);
    bool first = true;
    for (int32_t i = 0; i < info.rank; ++i) {
      const char *symbol = info.dims[i].symbol;
      if (info.dims[i].size >= 0 || !symbol)
        continue;
      bool repeated = false;
      for (int32_t j = 0; j < i && !repeated; ++j)
        repeated = info.dims[j].size < 0 && info.dims[j].symbol &&
                   strcmp(info.dims[j].symbol, symbol) == 0;
      const Entry *entry = find(symbol);
      if (repeated || !entry)
        continue;
      message.append("%s%s = %lld", first ? " (" : ", ", symbol,
                     static_cast<long long>(entry->value));
      if (entry->boundBy != value) {
        message.append(" from ");
        appendValueName(message, sig, entry->boundBy);
      }
      first = false;
    }
    if (!first)
      message.append(")");
  }

private:
  struct Entry {
    const char *symbol;
    int64_t value;
    size_t boundBy;
  };

  const Entry *find(const char *symbol) const {
    for (size_t i = 0; i < size; ++i)
      if (strcmp(entries.get()[i].symbol, symbol) == 0)
        return &entries.get()[i];
    return nullptr;
  }

  const dl_signature &sig;
  MallocPtr<Entry> entries;
  size_t size = 0;
};

/// Checks of a call that need the signature: the arguments (binding the
/// symbols), the caller's result buffers, the results generated code
/// returns.
class CallChecker {
public:
  explicit CallChecker(const dl_signature &sig) : sig(sig), symbols(sig) {}

  dl_status checkCall(bool needFn, dl_packed_fn fn, const dl_tensor *args,
                      size_t numArgs, const dl_tensor *results,
                      size_t numResults);
  dl_status checkCallerBuffers(const dl_tensor *results);
  /// Checks the shape of result `i` as the generated code returned it.
  dl_status checkResult(size_t i, int32_t rank, const int64_t *sizes,
                        const void *data);
  /// Checks that the caller's buffer for result `i` has its actual shape.
  dl_status checkBufferShape(size_t i, const dl_tensor &buffer,
                             const int64_t *sizes);
  /// The shape of result `i` when the arguments determine it.
  dl_status resultShape(size_t i, int64_t *shape) const;

  const char *entryName() const { return sig.name ? sig.name : "entry point"; }

private:
  dl_status checkSignature() const;
  dl_status checkArgument(size_t i, const dl_tensor &arg);
  /// Checks the dtype, rank and extents of a descriptor the caller gives
  /// for `value` (`prefix` is "" or "the buffer for ").
  dl_status checkDescriptor(size_t value, const char *prefix,
                            const dl_tensor &t) const;
  /// A value's name for messages, "argument 'x'" between `prefix` and
  /// `suffix`; only formatted when a check fails, since calls are frequent.
  Message describe(size_t value, const char *prefix = "",
                   const char *suffix = "") const {
    Message text;
    text.append("%s", prefix);
    appendValueName(text, sig, value);
    text.append("%s", suffix);
    return text;
  }
  /// "f: argument 'x' has shape f32[3] but the signature says f32[B]
  /// (B = 2 from argument 'y')", for `what` ("argument 'x'", "the buffer
  /// for result 0") and its type.
  dl_status mismatch(dl_status status, size_t value, const char *what,
                     const char *aspect, dl_dtype dtype, int32_t rank,
                     const int64_t *shape) const;

  const dl_signature &sig;
  SymbolTable symbols;
};

dl_status CallChecker::checkCall(bool needFn, dl_packed_fn fn,
                                 const dl_tensor *args, size_t numArgs,
                                 const dl_tensor *results, size_t numResults) {
  if (dl_status status = checkSignature())
    return status;
  if (needFn && !fn)
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s: null function pointer",
                    entryName());
  if (numArgs != size_t(sig.num_args))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: takes %d argument%s, %zu given", entryName(),
                    sig.num_args, sig.num_args == 1 ? "" : "s", numArgs);
  if (numResults != size_t(sig.num_results))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: has %d result%s, %zu descriptors given", entryName(),
                    sig.num_results, sig.num_results == 1 ? "" : "s",
                    numResults);
  if ((numArgs && !args) || (numResults && !results))
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s: null %s array", entryName(),
                    numArgs && !args ? "argument" : "result");
  if (!symbols.reserve())
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", entryName());
  for (size_t i = 0; i < numArgs; ++i)
    if (dl_status status = checkArgument(i, args[i]))
      return status;
  return DL_OK;
}

dl_status CallChecker::checkSignature() const {
  if (sig.num_args < 0 || sig.num_results < 0 || (sig.num_args && !sig.args) ||
      (sig.num_results && !sig.results))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: the signature's value lists are invalid", entryName());
  for (size_t v = 0; v < size_t(sig.num_args) + size_t(sig.num_results); ++v) {
    const dl_value_info &info = valueInfo(sig, v);
    if (!isValidDtype(info.dtype) || info.rank < 0 || info.rank > DL_MAX_RANK)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: the signature of %s has an invalid dtype or rank",
                      entryName(), describe(v).str());
  }
  return DL_OK;
}

dl_status CallChecker::mismatch(dl_status status, size_t value,
                                const char *what, const char *aspect,
                                dl_dtype dtype, int32_t rank,
                                const int64_t *shape) const {
  Message message;
  message.append("%s: %s has %s ", entryName(), what, aspect);
  appendType(message, dtype, rank, shape);
  message.append(" but the signature says ");
  appendSignatureType(message, valueInfo(sig, value));
  symbols.appendBindings(message, value);
  return setError(status, "%s", message.str());
}

dl_status CallChecker::checkDescriptor(size_t value, const char *prefix,
                                       const dl_tensor &t) const {
  if (!isValidDtype(t.dtype))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: %s has an invalid dtype (%d)", entryName(),
                    describe(value, prefix).str(), dtypeCode(t.dtype));
  if (t.rank < 0 || t.rank > DL_MAX_RANK)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: %s has rank %d; ranks go from 0 to %d", entryName(),
                    describe(value, prefix).str(), t.rank, DL_MAX_RANK);
  if (checkedNumel(t.rank, t.shape) < 0) {
    Message type;
    appendType(type, t.dtype, t.rank, t.shape);
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s: %s has an invalid shape %s",
                    entryName(), describe(value, prefix).str(), type.str());
  }
  return DL_OK;
}

dl_status CallChecker::checkArgument(size_t i, const dl_tensor &arg) {
  if (dl_status status = checkDescriptor(i, "", arg))
    return status;
  int64_t numel = checkedNumel(arg.rank, arg.shape);
  const dl_value_info &info = sig.args[i];
  bool shapeAgrees = arg.rank == info.rank && symbols.match(i, arg.shape) < 0;
  if (arg.dtype != info.dtype)
    return mismatch(DL_ERROR_DTYPE, i, describe(i).str(), "type", arg.dtype,
                    arg.rank, arg.shape);
  if (!shapeAgrees)
    return mismatch(DL_ERROR_SHAPE, i, describe(i).str(), "shape", arg.dtype,
                    arg.rank, arg.shape);
  if (!arg.data && numel > 0)
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s: %s has null data",
                    entryName(), describe(i).str());
  return DL_OK;
}

dl_status CallChecker::checkCallerBuffers(const dl_tensor *results) {
  for (size_t i = 0; i < size_t(sig.num_results); ++i) {
    const dl_tensor &buffer = results[i];
    if (!buffer.data)
      continue;
    size_t value = size_t(sig.num_args) + i;
    const char *bufferFor = "the buffer for ";
    if (dl_status status = checkDescriptor(value, bufferFor, buffer))
      return status;
    if (hasOverlappingElements(buffer.rank, buffer.shape, buffer.strides)) {
      Message strides;
      for (int32_t d = 0; d < buffer.rank; ++d)
        strides.append("%s%lld", d ? ", " : "",
                       static_cast<long long>(buffer.strides[d]));
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: %s has strides [%s], under which elements overlap "
                      "(dl_tensor_init sets row-major strides)",
                      entryName(), describe(value, bufferFor).str(),
                      strides.str());
    }
    // Only the extents the arguments determine can be checked before the
    // call; checkBufferShape checks the rest afterwards.
    const dl_value_info &info = sig.results[i];
    bool agrees = buffer.rank == info.rank;
    for (int32_t d = 0; agrees && d < info.rank; ++d) {
      int64_t expected = info.dims[d].size;
      if (expected >= 0 || (info.dims[d].symbol &&
                            symbols.lookup(info.dims[d].symbol, &expected)))
        agrees = buffer.shape[d] == expected;
    }
    if (buffer.dtype != info.dtype)
      return mismatch(DL_ERROR_DTYPE, value, describe(value, bufferFor).str(),
                      "type", buffer.dtype, buffer.rank, buffer.shape);
    if (!agrees)
      return mismatch(DL_ERROR_SHAPE, value, describe(value, bufferFor).str(),
                      "shape", buffer.dtype, buffer.rank, buffer.shape);
  }
  return DL_OK;
}

dl_status CallChecker::checkResult(size_t i, int32_t rank, const int64_t *sizes,
                                   const void *data) {
  size_t value = size_t(sig.num_args) + i;
  const char *fromCode = " from the generated code";
  int64_t numel = checkedNumel(rank, sizes);
  if (numel < 0 || (numel > 0 && !data))
    return setError(DL_ERROR_RUNTIME, "%s: %s has an invalid descriptor",
                    entryName(), describe(value, "", fromCode).str());
  // A disagreement here is a bug in the compiler, not in the caller.
  if (symbols.match(value, sizes) >= 0)
    return mismatch(DL_ERROR_RUNTIME, value,
                    describe(value, "", fromCode).str(), "shape",
                    sig.results[i].dtype, rank, sizes);
  return DL_OK;
}

dl_status CallChecker::checkBufferShape(size_t i, const dl_tensor &buffer,
                                        const int64_t *sizes) {
  bool same = true;
  for (int32_t d = 0; d < buffer.rank; ++d)
    same = same && buffer.shape[d] == sizes[d];
  if (same)
    return DL_OK;
  Message message;
  message.append("%s: the buffer for ", entryName());
  appendValueName(message, sig, size_t(sig.num_args) + i);
  message.append(" has shape ");
  appendType(message, buffer.dtype, buffer.rank, buffer.shape);
  message.append(" but the result has shape ");
  appendType(message, buffer.dtype, buffer.rank, sizes);
  return setError(DL_ERROR_SHAPE, "%s", message.str());
}

dl_status CallChecker::resultShape(size_t i, int64_t *shape) const {
  const dl_value_info &info = sig.results[i];
  for (int32_t d = 0; d < info.rank; ++d) {
    const dl_dim &dim = info.dims[d];
    shape[d] = dim.size;
    if (dim.size >= 0 || (dim.symbol && symbols.lookup(dim.symbol, &shape[d])))
      continue;
    Message message;
    message.append("%s: the shape of ", entryName());
    appendValueName(message, sig, size_t(sig.num_args) + i);
    message.append(" (");
    appendSignatureType(message, info);
    message.append(") is not determined by the arguments");
    return setError(DL_ERROR_SHAPE, "%s", message.str());
  }
  return DL_OK;
}

/// One memref descriptor inside the packed argument words.
struct Descriptor {
  int64_t *words;
  int32_t rank;

  void *allocated() const { return reinterpret_cast<void *>(words[0]); }
  char *aligned() const { return reinterpret_cast<char *>(words[1]); }
  int64_t offset() const { return words[2]; }
  int64_t *sizes() const { return words + 3; }
  int64_t *strides() const { return words + 3 + rank; }
  static size_t wordCount(int32_t rank) { return 3 + 2 * size_t(rank); }
};

/// Runs the packed function as the thread's current call. Kept apart from
/// dl_invoke so that nothing live in this frame changes between sigsetjmp
/// and a longjmp back to it. Returns whether the function completed.
__attribute__((noinline)) bool runProtected(CallState &call, dl_packed_fn fn,
                                            void **argv) {
  if (sigsetjmp(call.env, 0) != 0)
    return false;
  fn(argv);
  return true;
}

/// Makes every argument row-major: generated code assumes an identity
/// layout, so other strides are copied into temporaries (owned by
/// `temporaries` until the call is over). Fills the argument descriptors.
dl_status prepareArguments(const CallChecker &checker, const dl_tensor *args,
                           size_t numArgs, int64_t *words, void **argv,
                           BlockList &temporaries) {
  for (size_t i = 0; i < numArgs; ++i) {
    const dl_tensor &arg = args[i];
    size_t elementSize = dl_dtype_size(arg.dtype);
    void *data = arg.data;
    if (!isRowMajor(arg.rank, arg.shape, arg.strides)) {
      size_t bytes;
      checkedByteSize(checkedNumel(arg.rank, arg.shape), elementSize, &bytes);
      if (!(data = dl_alloc(bytes)))
        return setError(DL_ERROR_OUT_OF_MEMORY,
                        "%s: out of memory copying argument %zu",
                        checker.entryName(), i);
      temporaries.add(data);
      int64_t strides[DL_MAX_RANK];
      fillRowMajorStrides(arg.rank, arg.shape, strides);
      copyStrided(data, strides, arg.data, arg.strides, arg.rank, arg.shape,
                  elementSize);
    }
    Descriptor descriptor{words, arg.rank};
    words[0] = words[1] = reinterpret_cast<int64_t>(data);
    words[2] = 0;
    memcpy(descriptor.sizes(), arg.shape, sizeof(int64_t) * size_t(arg.rank));
    fillRowMajorStrides(arg.rank, arg.shape, descriptor.strides());
    argv[i] = words;
    words += Descriptor::wordCount(arg.rank);
  }
  return DL_OK;
}

/// Gives the caller one result: copied into its buffer, or in a new
/// row-major tensor, which is the block the generated code allocated when
/// that block is exactly the result (no copy). Returns false when out of
/// memory.
bool deliverResult(dl_tensor &out, dl_dtype dtype, const Descriptor &result,
                   BlockList &callBlocks) {
  size_t elementSize = dl_dtype_size(dtype);
  const char *first = result.aligned() + result.offset() * int64_t(elementSize);
  if (out.data) {
    copyStrided(out.data, out.strides, first, result.strides(), result.rank,
                result.sizes(), elementSize);
    return true;
  }
  dl_tensor fresh;
  memset(&fresh, 0, sizeof(fresh));
  fresh.dtype = dtype;
  fresh.rank = result.rank;
  memcpy(fresh.shape, result.sizes(), sizeof(int64_t) * size_t(result.rank));
  fillRowMajorStrides(fresh.rank, fresh.shape, fresh.strides);
  void *allocated = result.allocated();
  if (allocated && allocated == result.aligned() && result.offset() == 0 &&
      isRowMajor(result.rank, result.sizes(), result.strides()) &&
      callBlocks.contains(allocated)) {
    BlockList::remove(allocated);
    fresh.data = allocated;
  } else {
    // A view, an alias of an argument or of another result, a global.
    size_t bytes;
    checkedByteSize(checkedNumel(fresh.rank, fresh.shape), elementSize, &bytes);
    if (!(fresh.data = dl_alloc(bytes)))
      return false;
    copyStrided(fresh.data, fresh.strides, first, result.strides(), result.rank,
                result.sizes(), elementSize);
  }
  out = fresh;
  return true;
}

/// Checks every result and then hands all of them to the caller; on failure
/// the caller's descriptors are left as they were and own nothing new.
dl_status deliverResults(CallChecker &checker, const dl_signature &sig,
                         int64_t *resultArea, dl_tensor *results,
                         size_t numResults, BlockList &callBlocks) {
  int64_t *words = resultArea;
  for (size_t i = 0; i < numResults; ++i) {
    Descriptor result{words, sig.results[i].rank};
    if (dl_status status = checker.checkResult(i, result.rank, result.sizes(),
                                               result.aligned()))
      return status;
    if (results[i].data)
      if (dl_status status =
              checker.checkBufferShape(i, results[i], result.sizes()))
        return status;
    words += Descriptor::wordCount(result.rank);
  }
  MallocPtr<dl_tensor> staged = mallocArray<dl_tensor>(numResults);
  if (!staged)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory",
                    checker.entryName());
  words = resultArea;
  for (size_t i = 0; i < numResults; ++i) {
    Descriptor result{words, sig.results[i].rank};
    staged.get()[i] = results[i];
    if (!deliverResult(staged.get()[i], sig.results[i].dtype, result,
                       callBlocks)) {
      for (size_t j = 0; j < i; ++j)
        if (!results[j].data)
          dl_free(staged.get()[j].data);
      return setError(DL_ERROR_OUT_OF_MEMORY,
                      "%s: out of memory copying result %zu",
                      checker.entryName(), i);
    }
    words += Descriptor::wordCount(result.rank);
  }
  if (numResults)
    memcpy(results, staged.get(), sizeof(dl_tensor) * numResults);
  return DL_OK;
}

} // namespace

extern "C" {

dl_status dl_invoke(const dl_signature *sig, dl_packed_fn fn,
                    const dl_tensor *args, size_t num_args, dl_tensor *results,
                    size_t num_results) {
  if (!sig)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_invoke: null signature");
  CallChecker checker(*sig);
  if (dl_status status = checker.checkCall(/*needFn=*/true, fn, args, num_args,
                                           results, num_results))
    return status;
  if (dl_status status = checker.checkCallerBuffers(results))
    return status;

  // The descriptor words of the arguments, then the result area; and argv.
  size_t argWords = 0, resultWords = 0;
  for (size_t i = 0; i < num_args; ++i)
    argWords += Descriptor::wordCount(sig->args[i].rank);
  for (size_t i = 0; i < num_results; ++i)
    resultWords += Descriptor::wordCount(sig->results[i].rank);
  MallocPtr<int64_t> words = mallocArray<int64_t>(argWords + resultWords);
  MallocPtr<void *> argv = mallocArray<void *>(num_args + 1);
  if (!words || !argv)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory",
                    checker.entryName());
  BlockList temporaries;
  if (dl_status status = prepareArguments(checker, args, num_args, words.get(),
                                          argv.get(), temporaries)) {
    temporaries.releaseAll();
    return status;
  }
  int64_t *resultArea = words.get() + argWords;
  memset(resultArea, 0, sizeof(int64_t) * resultWords);
  argv.get()[num_args] = resultArea;

  CallState call;
  call.entryName = checker.entryName();
  enterCall(&call);
  bool completed = runProtected(call, fn, argv.get());
  leaveCall(&call);

  dl_status status = completed
                         ? deliverResults(checker, *sig, resultArea, results,
                                          num_results, call.blocks)
                         : call.failure;
  // Whatever the generated code allocated and did not hand over.
  call.blocks.releaseAll();
  temporaries.releaseAll();
  return status;
}

dl_status dl_result_shapes(const dl_signature *sig, const dl_tensor *args,
                           size_t num_args, dl_tensor *results,
                           size_t num_results) {
  if (!sig)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_result_shapes: null signature");
  CallChecker checker(*sig);
  if (dl_status status = checker.checkCall(/*needFn=*/false, nullptr, args,
                                           num_args, results, num_results))
    return status;
  for (size_t i = 0; i < num_results; ++i) {
    int64_t shape[DL_MAX_RANK];
    if (dl_status status = checker.resultShape(i, shape))
      return status;
    const dl_value_info &info = sig->results[i];
    if (dl_status status =
            dl_tensor_init(&results[i], nullptr, info.dtype, info.rank, shape))
      return status;
  }
  return DL_OK;
}

} // extern "C"
