//===- Constants.cpp - dl.constant to arith.constant ----------------------===//

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace {

struct ConstantToArith : OpConversionPattern<dl::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return op.emitOpError("has a value that arith.constant cannot hold");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

} // namespace

void dl::populateConstantsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantToArith>(patterns.getContext());
}
