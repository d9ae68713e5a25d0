//===- EmitEntryPoints.cpp - the dl-emit-entry-points pass ----------------===//
//
// For each entry function `f` (with `dl.entry`), emits in the LLVM dialect
//
//   void f__dl_packed(void **argv) {
//     _mlir_ciface_f(argv[n], argv[0], ..., argv[n - 1]);  // with results
//     _mlir_ciface_f(argv[0], ..., argv[n - 1]);           // without
//   }
//
// so that the runtime calls every entry point through one C type
// (dl_packed_fn). argv[i] points to the memref descriptor of argument i;
// argv[n] to storage for the result descriptors, which the C interface
// wrapper stores as one struct: for one result its descriptor, for several
// a struct of descriptors. Every field of a descriptor is 8 bytes (pointers
// and i64), so that struct has no padding and result j starts at word
// sum_{k<j} (3 + 2 rank_k), as docs/runtime-abi.md says; the pass checks it.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace dl {
#define GEN_PASS_DEF_DLEMITENTRYPOINTS
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kWrapperPrefix = "_mlir_ciface_";

/// Whether `type` is a memref descriptor made of 8-byte fields only:
/// {ptr, ptr, i64} or {ptr, ptr, i64, [r x i64], [r x i64]}.
bool isPackedDescriptor(Type type) {
  auto descriptor = dyn_cast<LLVM::LLVMStructType>(type);
  if (!descriptor)
    return false;
  ArrayRef<Type> fields = descriptor.getBody();
  if (fields.size() != 3 && fields.size() != 5)
    return false;
  auto isI64 = [](Type t) { return t.isInteger(64); };
  auto isI64Array = [&](Type t) {
    auto array = dyn_cast<LLVM::LLVMArrayType>(t);
    return array && isI64(array.getElementType());
  };
  return isa<LLVM::LLVMPointerType>(fields[0]) &&
         isa<LLVM::LLVMPointerType>(fields[1]) && isI64(fields[2]) &&
         (fields.size() == 3 ||
          (isI64Array(fields[3]) && isI64Array(fields[4])));
}

/// Whether the results of an entry function, as the LLVM lowering returns
/// them (one descriptor, or a struct of several), are laid out as the ABI
/// says.
bool hasPackedResults(Type resultType) {
  if (isPackedDescriptor(resultType))
    return true;
  auto results = dyn_cast<LLVM::LLVMStructType>(resultType);
  return results && llvm::all_of(results.getBody(), isPackedDescriptor);
}

struct DLEmitEntryPointsPass
    : dl::impl::DLEmitEntryPointsBase<DLEmitEntryPointsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> entries;
    // convert-func-to-llvm copies dl.entry to the C interface wrapper too.
    for (auto function : module.getOps<LLVM::LLVMFuncOp>())
      if (function->hasAttr("dl.entry") && !function.isExternal() &&
          !function.getSymName().starts_with(kWrapperPrefix))
        entries.push_back(function);
    for (LLVM::LLVMFuncOp entry : entries)
      if (failed(emitPackedEntry(module, entry)))
        return signalPassFailure();
  }

  LogicalResult emitPackedEntry(ModuleOp module, LLVM::LLVMFuncOp entry) {
    StringRef name = entry.getSymName();
    auto wrapper =
        module.lookupSymbol<LLVM::LLVMFuncOp>((kWrapperPrefix + name).str());
    if (!wrapper)
      return entry.emitError("entry point '")
             << name << "' has no C interface wrapper _mlir_ciface_" << name
             << " (run dl-prepare-entry-points before convert-func-to-llvm)";

    MLIRContext *context = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    LLVM::LLVMFunctionType entryType = entry.getFunctionType();
    bool hasResults = !isa<LLVM::LLVMVoidType>(entryType.getReturnType());
    LLVM::LLVMFunctionType wrapperType = wrapper.getFunctionType();
    if (!llvm::all_of(wrapperType.getParams(),
                      [](Type t) { return isa<LLVM::LLVMPointerType>(t); }))
      return entry.emitError("entry point '")
             << name << "' takes an argument that is not a tensor";
    unsigned numParams = wrapperType.getNumParams();
    unsigned numArgs = numParams - (hasResults ? 1 : 0);
    if (hasResults && !hasPackedResults(entryType.getReturnType()))
      return entry.emitError("entry point '")
             << name << "' returns " << entryType.getReturnType()
             << ", not memref descriptors";

    OpBuilder b(context);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = entry.getLoc();
    auto packed = LLVM::LLVMFuncOp::create(
        b, loc, (name + "__dl_packed").str(),
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                    {ptrType}));
    Block *body = packed.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    Value argv = body->getArgument(0);
    auto load = [&](unsigned i) -> Value {
      Value address =
          LLVM::GEPOp::create(b, loc, ptrType, ptrType, argv,
                              ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
      return LLVM::LoadOp::create(b, loc, ptrType, address);
    };
    SmallVector<Value> operands;
    if (hasResults)
      operands.push_back(load(numArgs));
    for (unsigned i = 0; i < numArgs; ++i)
      operands.push_back(load(i));
    LLVM::CallOp::create(b, loc, wrapper, operands);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return success();
  }
};

} // namespace
