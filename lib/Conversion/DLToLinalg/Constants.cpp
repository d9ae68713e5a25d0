//===- Constants.cpp - dl.constant, and identities ------------------------===//
//
// dl.constant becomes arith.constant; dl.stop_gradient, an identity once
// derivatives are built, becomes its operand.
//
//===----------------------------------------------------------------------===//

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

struct StopGradientToIdentity : OpConversionPattern<dl::StopGradientOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::StopGradientOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void dl::populateConstantsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantToArith, StopGradientToIdentity>(patterns.getContext());
}
