//===- ReductionVJP.cpp - derivatives of reductions, softmax, indexing ----===//
//
// Conventions (as PyTorch): max and min reductions share the gradient
// evenly among the elements equal to the extreme; prod handles zeros
// exactly (one zero: only it gets a gradient, the product of the others;
// two or more: none).
//
//===----------------------------------------------------------------------===//

#include "dl/Dialect/DLOps.h"
#include "dl/Dialect/GradBuilder.h"

#include "mlir/IR/TypeUtilities.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace dl;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static bool start(Operation *op, ArrayRef<Value> resultGrads,
                  SmallVectorImpl<Value> &grads) {
  grads.assign(op->getNumOperands(), Value());
  return !resultGrads.empty() && resultGrads[0] &&
         isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType()));
}

/// The number of elements a reduction over `axes` of `input` combines, as
/// a 0-d tensor of the input's element type.
static Value countOf(GradBuilder &b, Value input, ArrayRef<int64_t> axes) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  Value count = arith::ConstantIndexOp::create(builder, loc, 1);
  for (int64_t axis : axes)
    count = arith::MulIOp::create(builder, loc, count, b.dim(input, axis));
  Value asInt = arith::IndexCastOp::create(builder, loc,
                                           builder.getI64Type(), count);
  Value tensor = tensor::FromElementsOp::create(
      builder, loc, RankedTensorType::get({}, builder.getI64Type()),
      ValueRange{asInt});
  return b.cast(tensor, tensorType(input).getElementType());
}

LogicalResult ReduceOp::buildVJP(OpBuilder &builder,
                                 ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value x = getInput();
  ArrayRef<int64_t> axes = getAxes();
  // The gradient (and the result) broadcast back over the reduced axes.
  Value g = b.broadcastLike(b.keepReducedAxes(resultGrads[0], x, axes), x);
  switch (getKind()) {
  case ReduceKind::sum:
    grads[0] = g;
    break;
  case ReduceKind::mean:
    grads[0] = b.div(g, countOf(b, x, axes));
    break;
  case ReduceKind::max:
  case ReduceKind::min: {
    Value r = b.broadcastLike(b.keepReducedAxes(getResult(), x, axes), x);
    Value chosen = b.cmp(CmpPredicate::eq, x, r);
    Value asFloat = b.cast(chosen, tensorType(x).getElementType());
    Value ties = b.broadcastLike(b.sumKeep(asFloat, axes), x);
    grads[0] = b.select(chosen, b.div(g, ties), b.constantLike(0, x));
    break;
  }
  case ReduceKind::prod: {
    Value zero = b.constantLike(0, x), one = b.constantLike(1, x);
    Value isZero = b.cmp(CmpPredicate::eq, x, zero);
    Value zeros = b.broadcastLike(
        b.sumKeep(b.cast(isZero, tensorType(x).getElementType()), axes), x);
    Value nonZero = b.select(isZero, one, x);
    Value productOfNonZero = b.broadcastLike(
        ReduceOp::create(builder, getLoc(), ReduceKind::prod, nonZero, axes,
                         /*keepdims=*/true),
        x);
    Value scaled = b.mul(g, productOfNonZero);
    Value noZeros = b.cmp(CmpPredicate::eq, zeros, zero);
    Value oneZero = b.cmp(CmpPredicate::eq, zeros, one);
    Value atTheZero = b.select(b.logicalAnd(oneZero, isZero), scaled, zero);
    grads[0] = b.select(noZeros, b.div(scaled, nonZero), atTheZero);
    break;
  }
  }
  return success();
}

LogicalResult SoftmaxOp::buildVJP(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  // dx = r * (g - sum(g * r)) along the axis.
  Value g = resultGrads[0], r = getResult();
  Value dot = b.sumKeep(b.mul(g, r), {(int64_t)getAxis()});
  grads[0] = b.mul(r, b.sub(g, dot));
  return success();
}

LogicalResult LogSoftmaxOp::buildVJP(OpBuilder &builder,
                                     ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  // dx = g - softmax(x) * sum(g) along the axis.
  Value g = resultGrads[0];
  Value total = b.sumKeep(g, {(int64_t)getAxis()});
  grads[0] = b.sub(g, b.mul(b.exp(getResult()), total));
  return success();
}

LogicalResult GatherOp::buildVJP(OpBuilder &builder,
                                 ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0], x = getInput();
  int64_t axis = getAxis();
  // Scatter the gradient back to the positions it was read from. Where x
  // was broadcast (an extent of 1 against the indices'), scatter into the
  // broadcast shape, then sum back to x's shape.
  Value indices = b.broadcastLike(getIndices(), g);
  auto xType = tensorType(x), gType = tensorType(g);
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < xType.getRank(); ++d) {
    Value from = d == axis ? x : g;
    auto fromType = tensorType(from);
    shape.push_back(fromType.getDimSize(d));
    if (fromType.isDynamicDim(d))
      dynamic.push_back(b.dim(from, d));
  }
  auto wideType = RankedTensorType::get(shape, gType.getElementType());
  Value zeros = BroadcastToOp::create(builder, getLoc(), wideType,
                                      b.constantLike(0, g), dynamic);
  Value scattered = ScatterAddOp::create(builder, getLoc(), wideType, g, zeros,
                                         indices, getAxisAttr());
  grads[0] = b.sumTo(scattered, x);
  return success();
}

LogicalResult ScatterAddOp::buildVJP(OpBuilder &builder,
                                     ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  // result = dest + (source scattered): dest gets g as it is; each source
  // element gets the gradient of the position it was added to.
  Value g = resultGrads[0];
  grads[0] = GatherOp::create(builder, getLoc(), getSource().getType(), g,
                              getIndices(), getAxisAttr());
  grads[1] = g;
  return success();
}
