//===- Reductions.cpp - dl.reduce, dl.argmax, dl.argmin to linalg ---------===//
//
// dl.reduce becomes a linalg.reduce into a tensor filled with the identity
// of the reduction (mean divides the sum by the element count, computed at
// run time when dynamic). argmax/argmin become a linalg.generic reduction
// carrying (value, index) pairs. keepdims re-inserts the reduced dimensions
// with tensor.expand_shape.
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

/// The extents of `input` without the dimensions flagged in `isReduced`.
SmallVector<OpFoldResult> keptSizes(OpBuilder &b, Location loc, Value input,
                                    ArrayRef<bool> isReduced) {
  SmallVector<OpFoldResult> sizes;
  for (auto [d, size] : llvm::enumerate(getSizes(b, loc, input)))
    if (!isReduced[d])
      sizes.push_back(size);
  return sizes;
}

SmallVector<bool> flagAxes(int64_t rank, ArrayRef<int64_t> axes) {
  SmallVector<bool> flags(rank, false);
  for (int64_t axis : axes)
    flags[axis] = true;
  return flags;
}

/// The identity of a reduction kind on an element type.
Value createIdentity(OpBuilder &b, Location loc, dl::ReduceKind kind,
                     Type type) {
  switch (kind) {
  case dl::ReduceKind::sum:
  case dl::ReduceKind::mean:
    return createConstant(b, loc, type, 0);
  case dl::ReduceKind::prod:
    return createConstant(b, loc, type, 1);
  case dl::ReduceKind::max:
    return createLowest(b, loc, type);
  case dl::ReduceKind::min:
    return createHighest(b, loc, type);
  }
  llvm_unreachable("unknown reduction kind");
}

/// Combines two partial results; max and min propagate NaN.
Value combine(OpBuilder &b, Location loc, dl::ReduceKind kind, Value x,
              Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case dl::ReduceKind::sum:
  case dl::ReduceKind::mean:
    return isFloat ? arith::AddFOp::create(b, loc, x, y).getResult()
                   : arith::AddIOp::create(b, loc, x, y).getResult();
  case dl::ReduceKind::prod:
    return isFloat ? arith::MulFOp::create(b, loc, x, y).getResult()
                   : arith::MulIOp::create(b, loc, x, y).getResult();
  case dl::ReduceKind::max:
    return isFloat ? arith::MaximumFOp::create(b, loc, x, y).getResult()
                   : arith::MaxSIOp::create(b, loc, x, y).getResult();
  case dl::ReduceKind::min:
    return isFloat ? arith::MinimumFOp::create(b, loc, x, y).getResult()
                   : arith::MinSIOp::create(b, loc, x, y).getResult();
  }
  llvm_unreachable("unknown reduction kind");
}

/// `value` divided elementwise by the scalar `divisor`.
Value divideBy(OpBuilder &b, Location loc, Value value, Value divisor) {
  RankedTensorType type = tensorType(value);
  int64_t rank = type.getRank();
  MLIRContext *context = b.getContext();
  Value init =
      createEmpty(b, loc, getSizes(b, loc, value), type.getElementType());
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{value}, ValueRange{init},
             SmallVector<AffineMap>{identity, identity},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nested, Location loc, ValueRange args) {
               linalg::YieldOp::create(
                   nested, loc,
                   arith::DivFOp::create(nested, loc, args[0], divisor)
                       .getResult());
             })
      .getResult(0);
}

struct ReduceToLinalg : OpConversionPattern<dl::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType inputType = tensorType(input);
    Type elementType = inputType.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    dl::ReduceKind kind = op.getKind();
    // Reducing over no axis changes nothing: every result element is one
    // input element.
    if (axes.empty()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    SmallVector<bool> isReduced = flagAxes(inputType.getRank(), axes);
    Value init =
        createFilled(rewriter, loc, keptSizes(rewriter, loc, input, isReduced),
                     createIdentity(rewriter, loc, kind, elementType));
    Value result = linalg::ReduceOp::create(
                       rewriter, loc, ValueRange{input}, ValueRange{init}, axes,
                       [&](OpBuilder &b, Location loc, ValueRange args) {
                         linalg::YieldOp::create(
                             b, loc, combine(b, loc, kind, args[0], args[1]));
                       })
                       .getResult(0);

    if (kind == dl::ReduceKind::mean) {
      SmallVector<OpFoldResult> reducedSizes;
      for (int64_t axis : axes)
        reducedSizes.push_back(getDimOpFoldResult(rewriter, loc, input, axis));
      Value count = getProduct(rewriter, loc, reducedSizes);
      Value countAsFloat = arith::UIToFPOp::create(
          rewriter, loc, elementType,
          arith::IndexCastUIOp::create(rewriter, loc, rewriter.getI64Type(),
                                       count));
      result = divideBy(rewriter, loc, result, countAsFloat);
    }
    if (op.getKeepdims())
      result = insertUnitDims(rewriter, loc, result, op.getType(), isReduced,
                              *sizes);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// argmax/argmin: the first index of the extreme value, a NaN counting as
/// more extreme than any number (the first NaN wins).
template <typename ArgOp, bool isMax>
struct ArgReduceToLinalg : OpConversionPattern<ArgOp> {
  using OpConversionPattern<ArgOp>::OpConversionPattern;
  using OpAdaptor = typename ArgOp::Adaptor;

  LogicalResult
  matchAndRewrite(ArgOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType inputType = tensorType(input);
    Type elementType = inputType.getElementType();
    int64_t rank = inputType.getRank();
    int64_t axis = op.getAxis();
    MLIRContext *context = rewriter.getContext();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    SmallVector<bool> isReduced = flagAxes(rank, {axis});
    SmallVector<OpFoldResult> outSizes =
        keptSizes(rewriter, loc, input, isReduced);
    Value start = isMax ? createLowest(rewriter, loc, elementType)
                        : createHighest(rewriter, loc, elementType);
    Value valueInit = createFilled(rewriter, loc, outSizes, start);
    Value indexInit =
        createFilled(rewriter, loc, outSizes,
                     createConstant(rewriter, loc, rewriter.getI64Type(), 0));

    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(d == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (d != axis)
        outExprs.push_back(getAffineDimExpr(d, context));
    }
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, context);
    SmallVector<AffineMap> maps = {
        AffineMap::getMultiDimIdentityMap(rank, context), outMap, outMap};

    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueInit.getType(), indexInit.getType()},
        ValueRange{input}, ValueRange{valueInit, indexInit}, maps, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(
              b, loc, b.getI64Type(), linalg::IndexOp::create(b, loc, axis));
          // Ties go to the smaller index whatever the iteration order, so
          // that the reduction may later be split or reordered.
          Value earlier = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::slt, index, bestIndex);
          Value take;
          if (isa<FloatType>(elementType)) {
            Value better = arith::CmpFOp::create(
                b, loc,
                isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
                x, best);
            Value equal = arith::CmpFOp::create(
                b, loc, arith::CmpFPredicate::OEQ, x, best);
            Value xIsNaN =
                arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
            Value bestIsNaN = arith::CmpFOp::create(
                b, loc, arith::CmpFPredicate::UNO, best, best);
            // NaN beats numbers; among NaNs or equal values the earlier one.
            Value nanBeatsNumber = arith::AndIOp::create(
                b, loc, xIsNaN,
                arith::XOrIOp::create(
                    b, loc, bestIsNaN,
                    arith::ConstantOp::create(b, loc, b.getBoolAttr(true))));
            Value bothNaN = arith::AndIOp::create(b, loc, xIsNaN, bestIsNaN);
            Value tie = arith::AndIOp::create(
                b, loc, arith::OrIOp::create(b, loc, equal, bothNaN), earlier);
            // (An ordered comparison with a NaN is false.)
            take = arith::OrIOp::create(
                b, loc, arith::OrIOp::create(b, loc, better, nanBeatsNumber),
                tie);
          } else {
            Value better = arith::CmpIOp::create(
                b, loc,
                isMax ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt,
                x, best);
            Value equal = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq, x, best);
            take = arith::OrIOp::create(
                b, loc, better, arith::AndIOp::create(b, loc, equal, earlier));
          }
          linalg::YieldOp::create(
              b, loc,
              ValueRange{
                  arith::SelectOp::create(b, loc, take, x, best),
                  arith::SelectOp::create(b, loc, take, index, bestIndex)});
        });

    Value result = generic.getResult(1);
    if (op.getKeepdims())
      result = insertUnitDims(rewriter, loc, result,
                              cast<RankedTensorType>(op.getType()), isReduced,
                              *sizes);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void dl::populateReductionsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceToLinalg, ArgReduceToLinalg<ArgMaxOp, true>,
               ArgReduceToLinalg<ArgMinOp, false>>(patterns.getContext());
}
