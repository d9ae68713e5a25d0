//===- PrintFlopCounts.cpp - FlopCountOpInterface as remarks --------------===//
//
// dl-print-flop-counts: a remark per counted op and per function, so that
// lit tests check each op's count on its own input.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace dl {
#define GEN_PASS_DEF_DLPRINTFLOPCOUNTS
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

struct PrintFlopCountsPass
    : dl::impl::DLPrintFlopCountsBase<PrintFlopCountsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    int64_t total = 0;
    bool dynamic = false;
    func.walk([&](dl::FlopCountOpInterface op) {
      std::optional<int64_t> count = op.getFlopCount();
      if (!count) {
        dynamic = true;
        op->emitRemark("dynamic flops");
        return;
      }
      total += *count;
      op->emitRemark() << *count << " flops";
    });
    if (dynamic)
      func.emitRemark() << "at least " << total << " flops";
    else
      func.emitRemark() << total << " flops";
    markAllAnalysesPreserved();
  }
};

} // namespace
