//===- CheckFinite.cpp - dl.check_finite to a reduction and checks --------===//
//
// One linalg.generic reduces the whole tensor to the OR of the bit patterns
// of its non-finite elements (those whose exponent bits are all ones), as an
// integer of the element's width: no width changes and an associative
// integer OR, so LLVM vectorizes the loop compactly. A NaN leaves mantissa
// bits in the result, infinities only exponent and sign bits. Then three
// run-time checks through emitCheck, in this order: a NaN; an infinity
// without the sign bit (+inf alone); any infinity (-inf, also when both
// signs occur). The message says which, then the op's message, which names
// the checked value and its source location itself (so emitCheck adds no
// location):
//
//   non-finite value (NaN) in the result of dl.log at model.dl:12:9
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dl::lowering;

namespace {

struct CheckFiniteToLinalg : OpConversionPattern<dl::CheckFiniteOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::CheckFiniteOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Value input = adaptor.getInput();
    RankedTensorType type = tensorType(input);
    auto floatType = cast<FloatType>(type.getElementType());
    int64_t rank = type.getRank();
    unsigned width = floatType.getWidth();
    Type bitsType = rewriter.getIntegerType(width);
    // The exponent bits (those of +inf), the sign bit, the mantissa bits.
    APInt exponentMask =
        APFloat::getInf(floatType.getFloatSemantics()).bitcastToAPInt();
    APInt signMask = APInt::getSignMask(width);
    APInt mantissaMask = ~(exponentMask | signMask);
    auto bitsConstant = [&](OpBuilder &b, const APInt &value) -> Value {
      return arith::ConstantOp::create(b, loc,
                                       b.getIntegerAttr(bitsType, value));
    };

    // found = OR over the elements of (non-finite ? bits : 0), into a 0-d
    // tensor filled with 0.
    Value zero = bitsConstant(rewriter, APInt::getZero(width));
    Value init = createFilled(rewriter, loc, {}, zero);
    SmallVector<AffineMap> maps = {
        AffineMap::getMultiDimIdentityMap(rank, context),
        AffineMap::get(rank, 0, {}, context)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    auto reduction = linalg::GenericOp::create(
        rewriter, loc, init.getType(), ValueRange{input}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
          Value bits = arith::BitcastOp::create(b, loc, bitsType, args[0]);
          Value exponent = bitsConstant(b, exponentMask);
          Value nonFinite = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::eq,
              arith::AndIOp::create(b, loc, bits, exponent), exponent);
          Value picked = arith::SelectOp::create(
              b, loc, nonFinite, bits, bitsConstant(b, APInt::getZero(width)));
          linalg::YieldOp::create(
              b, loc, arith::OrIOp::create(b, loc, args[1], picked).getResult());
        });
    Value found = tensor::ExtractOp::create(
        rewriter, loc, reduction.getResult(0), ValueRange{});

    auto isZero = [&](Value v) -> Value {
      return arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, v,
                                   zero);
    };
    auto masked = [&](const APInt &mask) -> Value {
      return arith::AndIOp::create(rewriter, loc, found,
                                   bitsConstant(rewriter, mask));
    };
    std::string where = escapeFormat(op.getMessage());
    auto check = [&](Value ok, StringRef kind) {
      emitCheck(rewriter, loc, ok,
                ("non-finite value (" + kind + ") in ").str() + where,
                /*values=*/{}, /*withLocation=*/false);
    };
    check(isZero(masked(mantissaMask)), "NaN");
    check(arith::OrIOp::create(rewriter, loc, isZero(found),
                               arith::XOrIOp::create(
                                   rewriter, loc, isZero(masked(signMask)),
                                   createConstant(rewriter, loc,
                                                  rewriter.getI1Type(), 1))),
          "inf");
    check(isZero(found), "-inf");
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void dl::populateCheckFiniteToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CheckFiniteToLinalg>(patterns.getContext());
}
