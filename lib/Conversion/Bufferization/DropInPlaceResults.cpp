//===- DropInPlaceResults.cpp - the dl-drop-in-place-results pass ---------===//
//
// After bufferization, the results marked `dl.updates` return their
// argument's buffer: they are removed from the entry point's signature.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"
#include "dl/Dialect/Attributes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/BitVector.h"

namespace dl {
#define GEN_PASS_DEF_DLDROPINPLACERESULTS
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

LogicalResult drop(func::FuncOp func) {
  auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
  llvm::BitVector dropped(func.getNumResults());
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    auto name = func.getResultAttrOfType<StringAttr>(i, dl::attrs::kUpdates);
    if (!name)
      continue;
    auto arg = dyn_cast<BlockArgument>(returnOp.getOperand(i));
    auto argName =
        arg && arg.getOwner()->isEntryBlock()
            ? func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                dl::attrs::kName)
            : nullptr;
    if (!argName || argName != name)
      return func.emitError() << "'" << name.getValue()
                              << "' could not be updated in place";
    dropped.set(i);
  }
  if (dropped.none())
    return success();
  returnOp->eraseOperands(dropped);
  return func.eraseResults(dropped);
}

struct DLDropInPlaceResultsPass
    : dl::impl::DLDropInPlaceResultsBase<DLDropInPlaceResultsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(dl::attrs::kEntry) && !func.isExternal() &&
          failed(drop(func)))
        return signalPassFailure();
  }
};

} // namespace
