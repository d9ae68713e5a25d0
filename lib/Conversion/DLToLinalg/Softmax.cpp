//===- Softmax.cpp - softmax and log_softmax to linalg --------------------===//
//
// The numerically stable decomposition, m = max(x), e = exp(x - m),
// s = sum(e), then e / s (softmax) or (x - m) - log(s) (log_softmax): no
// exponent exceeds 0, so no input overflows. Every step is a
// linalg.generic (the reductions too), so that linalg-fuse-elementwise-ops
// can fuse the exponentials into the sum.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dl::lowering;

namespace {

using ScalarFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Shapes of one softmax: the full iteration space and the map that drops
/// the axis.
struct SoftmaxShape {
  int64_t rank;
  int64_t axis;
  SmallVector<OpFoldResult> sizes;
  SmallVector<OpFoldResult> reducedSizes;
  AffineMap identity;
  AffineMap reduced;
};

SoftmaxShape getShape(OpBuilder &b, Location loc, Value x, int64_t axis) {
  MLIRContext *context = b.getContext();
  SoftmaxShape shape;
  shape.rank = tensorType(x).getRank();
  shape.axis = axis;
  shape.sizes = getSizes(b, loc, x);
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < shape.rank; ++d) {
    if (d == axis)
      continue;
    shape.reducedSizes.push_back(shape.sizes[d]);
    exprs.push_back(getAffineDimExpr(d, context));
  }
  shape.identity = AffineMap::getMultiDimIdentityMap(shape.rank, context);
  shape.reduced = AffineMap::get(shape.rank, 0, exprs, context);
  return shape;
}

/// Reduces `x` along the axis, from `start`, with `combine(element, acc)`.
Value reduceAlongAxis(OpBuilder &b, Location loc, const SoftmaxShape &shape,
                      Value x, Value start, ScalarFn combine) {
  Value init = createFilled(b, loc, shape.reducedSizes, start);
  SmallVector<utils::IteratorType> iterators(shape.rank,
                                             utils::IteratorType::parallel);
  iterators[shape.axis] = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x}, ValueRange{init},
             SmallVector<AffineMap>{shape.identity, shape.reduced}, iterators,
             [&](OpBuilder &nested, Location loc, ValueRange args) {
               linalg::YieldOp::create(nested, loc, combine(nested, loc, args));
             })
      .getResult(0);
}

/// An elementwise generic over the full shape; `full` operands have the
/// full shape, `perRow` ones lack the axis.
Value mapFull(OpBuilder &b, Location loc, const SoftmaxShape &shape,
              ValueRange full, ValueRange perRow, ScalarFn body) {
  Type elementType = tensorType(full[0]).getElementType();
  Value init = createEmpty(b, loc, shape.sizes, elementType);
  SmallVector<Value> inputs(full);
  inputs.append(perRow.begin(), perRow.end());
  SmallVector<AffineMap> maps(full.size(), shape.identity);
  maps.append(perRow.size(), shape.reduced);
  maps.push_back(shape.identity);
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(shape.rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nested, Location loc, ValueRange args) {
               linalg::YieldOp::create(nested, loc,
                                       body(nested, loc, args.drop_back()));
             })
      .getResult(0);
}

template <typename SoftmaxLikeOp, bool isLog>
struct SoftmaxToLinalg : OpConversionPattern<SoftmaxLikeOp> {
  using OpConversionPattern<SoftmaxLikeOp>::OpConversionPattern;
  using OpAdaptor = typename SoftmaxLikeOp::Adaptor;

  LogicalResult
  matchAndRewrite(SoftmaxLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Type elementType = tensorType(x).getElementType();
    SoftmaxShape shape = getShape(rewriter, loc, x, op.getAxis());

    Value max = reduceAlongAxis(
        rewriter, loc, shape, x, createLowest(rewriter, loc, elementType),
        [](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::MaximumFOp::create(b, loc, args[0], args[1]);
        });
    Value exp =
        mapFull(rewriter, loc, shape, {x}, {max},
                [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                  return math::ExpOp::create(
                      b, loc, arith::SubFOp::create(b, loc, args[0], args[1]));
                });
    Value sum = reduceAlongAxis(
        rewriter, loc, shape, exp,
        createConstant(rewriter, loc, elementType, 0),
        [](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::AddFOp::create(b, loc, args[0], args[1]);
        });
    Value result;
    if (isLog)
      result = mapFull(
          rewriter, loc, shape, {x}, {max, sum},
          [](OpBuilder &b, Location loc, ValueRange args) -> Value {
            Value shifted = arith::SubFOp::create(b, loc, args[0], args[1]);
            return arith::SubFOp::create(b, loc, shifted,
                                         math::LogOp::create(b, loc, args[2]));
          });
    else
      result =
          mapFull(rewriter, loc, shape, {exp}, {sum},
                  [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                    return arith::DivFOp::create(b, loc, args[0], args[1]);
                  });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void dl::populateSoftmaxToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxToLinalg<SoftmaxOp, false>,
               SoftmaxToLinalg<LogSoftmaxOp, true>>(patterns.getContext());
}
