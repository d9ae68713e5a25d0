//===- PrepareEntryPoints.cpp - the dl-prepare-entry-points pass ----------===//
//
// Entry points (functions with `dl.entry`) are called through the packed
// wrapper of dl-emit-entry-points, which forwards memref descriptors as the
// runtime lays them out. This pass checks, on bufferized functions, that an
// entry signature fits that ABI, and asks the LLVM lowering for the C
// interface wrapper the packed wrapper calls.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinTypes.h"

namespace dl {
#define GEN_PASS_DEF_DLPREPAREENTRYPOINTS
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

/// DL_MAX_RANK of include/dl/runtime.h.
constexpr int64_t kMaxEntryRank = 8;

LogicalResult checkEntryType(func::FuncOp function, Type type, StringRef what,
                             unsigned position) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return function.emitError("entry point '")
           << function.getSymName() << "': " << what << " " << position
           << " has type " << type << ", but entry points take and return "
           << "tensors only";
  if (memref.getRank() > kMaxEntryRank)
    return function.emitError("entry point '")
           << function.getSymName() << "': " << what << " " << position
           << " has rank " << memref.getRank()
           << ", more than the runtime's limit of " << kMaxEntryRank;
  if (!memref.getLayout().isIdentity())
    return function.emitError("entry point '")
           << function.getSymName() << "': " << what << " " << position
           << " has type " << type << ", not the identity layout";
  return success();
}

/// The `dl.*` attributes of arguments and results describe the signature
/// for the runtime, which reads them before lowering; LLVM IR has no use for
/// them (its translation warns about unknown parameter attributes).
void stripSignatureAttributes(func::FuncOp function) {
  auto strip = [](DictionaryAttr attrs) -> DictionaryAttr {
    if (!attrs)
      return attrs;
    SmallVector<NamedAttribute> kept;
    for (NamedAttribute attr : attrs)
      if (!attr.getName().getValue().starts_with("dl."))
        kept.push_back(attr);
    return DictionaryAttr::get(attrs.getContext(), kept);
  };
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    function.setArgAttrs(i, strip(function.getArgAttrDict(i)));
  for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
    function.setResultAttrs(i, strip(function.getResultAttrDict(i)));
}

struct DLPrepareEntryPointsPass
    : dl::impl::DLPrepareEntryPointsBase<DLPrepareEntryPointsPass> {
  void runOnOperation() override {
    bool ok = true;
    for (auto function : getOperation().getOps<func::FuncOp>()) {
      if (!function->hasAttr("dl.entry"))
        continue;
      FunctionType type = function.getFunctionType();
      for (auto [i, input] : llvm::enumerate(type.getInputs()))
        ok &= succeeded(checkEntryType(function, input, "argument", i));
      for (auto [i, result] : llvm::enumerate(type.getResults()))
        ok &= succeeded(checkEntryType(function, result, "result", i));
      function->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                        UnitAttr::get(&getContext()));
      stripSignatureAttributes(function);
    }
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
