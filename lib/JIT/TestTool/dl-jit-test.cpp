//===- dl-jit-test.cpp - run lowered dl functions in the JIT --------------===//
//
//   dl-jit-test FILE... -e NAME [-arg TYPE=VALUES]... [-O N]
//                       [--emit=llvm-ir|asm]
//
// Lowers each FILE (dl dialect) with dl-cpu-pipeline and adds it to one JIT,
// in order; then calls the packed entry point NAME__dl_packed with the
// arguments and prints every result. An argument is `f32[2,3]=1,2,3,4,5,6`
// (dtype f32, f64, i32, i64 or i1; shape; row-major values, or a single
// value for all elements; nan, inf and -inf are floats). The runtime is
// replaced by stand-ins: malloc/free for allocations, and a dlrt_fail that
// prints "dlrt_fail: MESSAGE" and exits with status 3; parallel loops run on
// the runtime's own thread pool (lib/Runtime/Parallel.cpp is compiled in,
// DL_NUM_THREADS applies). With --emit, prints
// the optimized LLVM IR or the assembly of the (single) file instead.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"
#include "dl/Conversion/Pipelines.h"
#include "dl/Dialect/DLDialect.h"
#include "dl/JIT/Codegen.h"
#include "dl/JIT/JIT.h"
#include "dl/parallel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace mlir;

static llvm::cl::list<std::string> inputFiles(llvm::cl::Positional,
                                              llvm::cl::OneOrMore,
                                              llvm::cl::desc("<input files>"));
static llvm::cl::opt<std::string>
    entryName("e", llvm::cl::desc("Entry point to call"));
static llvm::cl::list<std::string>
    arguments("arg", llvm::cl::desc("An argument: TYPE=VALUES"));
static llvm::cl::opt<unsigned> optLevel("O", llvm::cl::desc("LLVM opt level"),
                                        llvm::cl::init(3));
static llvm::cl::opt<std::string>
    emit("emit", llvm::cl::desc("Print llvm-ir or asm instead of running"));

//===----------------------------------------------------------------------===//
// Runtime stand-ins
//===----------------------------------------------------------------------===//

extern "C" {
static void standInFail(const char *message) {
  std::printf("dlrt_fail: %s\n", message);
  std::fflush(stdout);
  std::exit(3);
}
static void *standInAlloc(size_t size) { return std::malloc(size ? size : 1); }
static void *standInAlignedAlloc(size_t alignment, size_t size) {
  return std::aligned_alloc(alignment,
                            (size + alignment - 1) / alignment * alignment);
}
static void standInFree(void *pointer) { std::free(pointer); }
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

namespace {

struct HostTensor {
  Type elementType;
  std::vector<int64_t> shape;
  std::vector<char> bytes;
};

size_t elementSize(Type type) {
  return type.isInteger(1) ? 1 : type.getIntOrFloatBitWidth() / 8;
}

int fail(const llvm::Twine &message) {
  llvm::errs() << "dl-jit-test: " << message << "\n";
  return 1;
}

/// Parses `f32[2,3]=1,2,3,4,5,6` for a parameter of type `type`.
bool parseArgument(StringRef text, RankedTensorType type, HostTensor &out,
                   std::string &error) {
  auto [head, values] = text.split('=');
  auto [dtype, shapeText] = head.split('[');
  std::string expected;
  llvm::raw_string_ostream os(expected);
  os << type.getElementType();
  if (dtype != expected) {
    error = "argument '" + text.str() + "' is not of element type " + expected;
    return false;
  }
  out.elementType = type.getElementType();
  SmallVector<StringRef> extents;
  shapeText.rtrim(']').split(extents, ',', -1, false);
  int64_t count = 1;
  for (StringRef extent : extents) {
    int64_t value;
    if (extent.trim().getAsInteger(10, value)) {
      error = "bad extent in '" + text.str() + "'";
      return false;
    }
    out.shape.push_back(value);
    count *= value;
  }
  if ((int64_t)out.shape.size() != type.getRank()) {
    error = "argument '" + text.str() + "' has the wrong rank";
    return false;
  }
  SmallVector<StringRef> items;
  values.split(items, ',', -1, false);
  if (items.size() != 1 && (int64_t)items.size() != count) {
    error = "argument '" + text.str() + "' needs " + std::to_string(count) +
            " values";
    return false;
  }
  size_t size = elementSize(out.elementType);
  out.bytes.resize(count * size);
  for (int64_t i = 0; i < count; ++i) {
    std::string item = items[items.size() == 1 ? 0 : i].trim().str();
    char *at = out.bytes.data() + i * size;
    if (out.elementType.isF32()) {
      float v = std::strtof(item.c_str(), nullptr);
      std::memcpy(at, &v, size);
    } else if (out.elementType.isF64()) {
      double v = std::strtod(item.c_str(), nullptr);
      std::memcpy(at, &v, size);
    } else {
      long long v = std::strtoll(item.c_str(), nullptr, 10);
      if (size == 1)
        *at = v != 0;
      else if (size == 4) {
        int32_t w = v;
        std::memcpy(at, &w, size);
      } else {
        int64_t w = v;
        std::memcpy(at, &w, size);
      }
    }
  }
  return true;
}

void printElement(Type type, const char *at) {
  if (type.isF32()) {
    float v;
    std::memcpy(&v, at, 4);
    std::printf("%g", v);
  } else if (type.isF64()) {
    double v;
    std::memcpy(&v, at, 8);
    std::printf("%.10g", v);
  } else if (type.isInteger(1)) {
    std::printf("%d", *at ? 1 : 0);
  } else if (type.isInteger(32)) {
    int32_t v;
    std::memcpy(&v, at, 4);
    std::printf("%d", v);
  } else {
    int64_t v;
    std::memcpy(&v, at, 8);
    std::printf("%lld", (long long)v);
  }
}

/// Prints a result from its memref descriptor (words of 8 bytes) and
/// returns the number of words it takes.
int64_t printResult(unsigned index, RankedTensorType type,
                    const int64_t *words) {
  int64_t rank = type.getRank();
  const char *aligned = reinterpret_cast<const char *>(words[1]);
  int64_t offset = words[2];
  const int64_t *sizes = words + 3, *strides = words + 3 + rank;
  Type elementType = type.getElementType();
  size_t size = elementSize(elementType);
  std::printf("result %u: ", index);
  std::string typeText;
  llvm::raw_string_ostream os(typeText);
  os << elementType;
  std::printf("%s[", typeText.c_str());
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    std::printf(d ? ", %lld" : "%lld", (long long)sizes[d]);
    count *= sizes[d];
  }
  std::printf("] = [");
  for (int64_t i = 0; i < count; ++i) {
    int64_t position = offset, rest = i;
    for (int64_t d = rank - 1; d >= 0; --d) {
      position += (rest % sizes[d]) * strides[d];
      rest /= sizes[d];
    }
    if (i)
      std::printf(", ");
    printElement(elementType, aligned + position * size);
  }
  std::printf("]\n");
  return 3 + 2 * rank;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  dl::registerDLPasses();
  llvm::cl::ParseCommandLineOptions(argc, argv, "dl JIT test driver\n");

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<dl::DLDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  dl::JITOptions options;
  options.optLevel = optLevel;
  options.symbols["dlrt_fail"] = reinterpret_cast<void *>(&standInFail);
  options.symbols["_mlir_memref_to_llvm_alloc"] =
      reinterpret_cast<void *>(&standInAlloc);
  options.symbols["_mlir_memref_to_llvm_aligned_alloc"] =
      reinterpret_cast<void *>(&standInAlignedAlloc);
  options.symbols["_mlir_memref_to_llvm_free"] =
      reinterpret_cast<void *>(&standInFree);
  // The runtime's thread pool itself (lib/Runtime/Parallel.cpp is compiled
  // into this tool): parallel loops run on threads as under dlc.
  options.symbols["dlrt_parallel_for"] =
      reinterpret_cast<void *>(&dlrt_parallel_for);
  auto jit = dl::JIT::create(options);
  if (!jit)
    return fail(llvm::toString(jit.takeError()));

  FunctionType signature;
  for (const std::string &file : inputFiles) {
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(file, &context);
    if (!module)
      return 1;
    if (auto entry = module->lookupSymbol<func::FuncOp>(entryName))
      signature = entry.getFunctionType();
    PassManager pm(&context);
    dl::buildCPUPipeline(pm, dl::CPUPipelineOptions());
    if (failed(pm.run(*module)))
      return 1;
    if (!emit.empty()) {
      auto machine = dl::createHostTargetMachine(optLevel);
      if (!machine)
        return fail(llvm::toString(machine.takeError()));
      llvm::LLVMContext llvmContext;
      auto llvmModule =
          dl::translateAndOptimize(*module, llvmContext, **machine, optLevel);
      if (!llvmModule)
        return fail(llvm::toString(llvmModule.takeError()));
      if (emit == "llvm-ir") {
        (*llvmModule)->print(llvm::outs(), nullptr);
        return 0;
      }
      if (llvm::Error error =
              dl::emitAssembly(**llvmModule, **machine, llvm::outs()))
        return fail(llvm::toString(std::move(error)));
      return 0;
    }
    if (llvm::Error error = (*jit)->addModule(*module))
      return fail(llvm::toString(std::move(error)));
  }
  if (entryName.empty())
    return 0;
  if (!signature)
    return fail("no function '" + entryName + "'");
  if (signature.getNumInputs() != arguments.size())
    return fail("'" + entryName + "' takes " +
                std::to_string(signature.getNumInputs()) + " arguments");

  auto packed = (*jit)->lookup(entryName + "__dl_packed");
  if (!packed)
    return fail(llvm::toString(packed.takeError()));

  // Arguments: memref descriptors of row-major data.
  std::vector<HostTensor> tensors(arguments.size());
  std::vector<std::vector<int64_t>> descriptors(arguments.size());
  std::vector<void *> packedArgs;
  for (unsigned i = 0; i < arguments.size(); ++i) {
    auto type = dyn_cast<RankedTensorType>(signature.getInput(i));
    std::string error;
    if (!type || !parseArgument(arguments[i], type, tensors[i], error))
      return fail(error.empty() ? "argument is not a tensor" : error);
    std::vector<int64_t> &words = descriptors[i];
    int64_t rank = type.getRank();
    words.resize(3 + 2 * rank);
    words[0] = words[1] = reinterpret_cast<int64_t>(tensors[i].bytes.data());
    words[2] = 0;
    int64_t stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      words[3 + d] = tensors[i].shape[d];
      words[3 + rank + d] = stride;
      stride *= tensors[i].shape[d];
    }
    packedArgs.push_back(words.data());
  }
  int64_t resultWords = 0;
  for (Type type : signature.getResults())
    resultWords += 3 + 2 * cast<RankedTensorType>(type).getRank();
  std::vector<int64_t> results(resultWords + 1);
  packedArgs.push_back(results.data());

  reinterpret_cast<void (*)(void **)> (*packed)(packedArgs.data());

  const int64_t *words = results.data();
  for (auto [i, type] : llvm::enumerate(signature.getResults()))
    words += printResult(i, cast<RankedTensorType>(type), words);
  return 0;
}
