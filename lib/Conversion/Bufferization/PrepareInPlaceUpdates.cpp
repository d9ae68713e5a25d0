//===- PrepareInPlaceUpdates.cpp - the dl-prepare-in-place-updates pass ---===//
//
// Results marked `dl.updates` become writes into their `dl.inout`
// argument (bufferization.materialize_in_destination), and other results
// of the same value copies of it; other arguments are marked read-only for
// One-Shot Bufferize.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"
#include "dl/Dialect/Attributes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace dl {
#define GEN_PASS_DEF_DLPREPAREINPLACEUPDATES
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

/// The argument of `func` with `dl.name = name`, or null.
BlockArgument argumentNamed(func::FuncOp func, StringRef name) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto n = func.getArgAttrOfType<StringAttr>(i, dl::attrs::kName))
      if (n.getValue() == name)
        return func.getArgument(i);
  return nullptr;
}

LogicalResult prepare(func::FuncOp func) {
  auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
  llvm::SmallPtrSet<BlockArgument, 8> updated;
  llvm::SmallPtrSet<Value, 8> written;
  SmallVector<std::pair<unsigned, BlockArgument>> updates; // result, argument
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    auto name = func.getResultAttrOfType<StringAttr>(i, dl::attrs::kUpdates);
    if (!name)
      continue;
    BlockArgument arg = argumentNamed(func, name.getValue());
    if (!arg)
      return func.emitError() << "result " << i << " updates '"
                              << name.getValue() << "', which is not an "
                              << "argument";
    if (!func.getArgAttr(arg.getArgNumber(), dl::attrs::kInOut))
      return func.emitError() << "result " << i << " updates '"
                              << name.getValue() << "', which is not "
                              << "marked " << dl::attrs::kInOut;
    Value value = returnOp.getOperand(i);
    if (value.getType() != arg.getType())
      return func.emitError() << "result " << i << " of type "
                              << value.getType() << " cannot update '"
                              << name.getValue() << "' of type "
                              << arg.getType();
    if (!updated.insert(arg).second)
      return func.emitError() << "'" << name.getValue()
                              << "' is updated twice";
    updates.push_back({i, arg});
    written.insert(value);
  }
  OpBuilder builder(returnOp);
  // A value both written into an argument and returned (`n = n + 1;
  // return n`): the result is a copy, made before the write, so that it does
  // not alias the argument's buffer.
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    Value value = returnOp.getOperand(i);
    if (func.getResultAttr(i, dl::attrs::kUpdates) || !written.count(value))
      continue;
    auto copy = bufferization::AllocTensorOp::create(
        builder, returnOp.getLoc(), cast<RankedTensorType>(value.getType()),
        /*dynamicSizes=*/{}, /*copy=*/value);
    returnOp.setOperand(i, copy.getResult());
  }
  for (auto [i, arg] : updates) {
    auto write = bufferization::MaterializeInDestinationOp::create(
        builder, returnOp.getLoc(), returnOp.getOperand(i), arg);
    returnOp.setOperand(i, write.getResult());
  }
  for (BlockArgument arg : func.getArguments())
    if (isa<TensorType>(arg.getType()) && !updated.contains(arg))
      func.setArgAttr(arg.getArgNumber(),
                      bufferization::BufferizationDialect::kWritableAttrName,
                      BoolAttr::get(func.getContext(), false));
  return success();
}

struct DLPrepareInPlaceUpdatesPass
    : dl::impl::DLPrepareInPlaceUpdatesBase<DLPrepareInPlaceUpdatesPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(dl::attrs::kEntry) && !func.isExternal() &&
          failed(prepare(func)))
        return signalPassFailure();
  }
};

} // namespace
