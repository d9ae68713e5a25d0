//===- Checks.cpp - dl.assert to a call of dlrt_fail ----------------------===//
//
// An assertion becomes `scf.if (!cond) { dlrt_fail("<loc>: <message>") }`.
// dlrt_fail never returns: it unwinds to the runtime, which makes the entry
// point return an error (docs/runtime-abi.md), so no check ever aborts the
// process as cf.assert would.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace {

struct AssertToRuntimeCheck : OpConversionPattern<dl::AssertOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    dl::lowering::emitCheck(rewriter, op.getLoc(), adaptor.getCondition(),
                            dl::lowering::escapeFormat(op.getMessage()));
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void dl::populateChecksToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<AssertToRuntimeCheck>(patterns.getContext());
}
