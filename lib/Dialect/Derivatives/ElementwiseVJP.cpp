//===- ElementwiseVJP.cpp - derivatives of elementwise ops ----------------===//
//
// Each op's buildVJP, with PyTorch's conventions at the points where the
// derivative is not defined: abs'(0) = 0; sign, floor, ceil and round have
// zero gradient; maximum/minimum split the gradient evenly on ties;
// pow's exponent gradient is 0 where the base is 0 and the exponent >= 0.
// Gradients of a broadcast operand are summed back to its shape.
//
//===----------------------------------------------------------------------===//

#include "dl/Dialect/DLOps.h"
#include "dl/Dialect/GradBuilder.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace dl;

static bool isFloatTensor(Value v) {
  return isa<FloatType>(getElementTypeOrSelf(v.getType()));
}

/// Sets up `grads` for `op` and says whether there is anything to do: a
/// cotangent for its (single) result, which is floating point.
static bool start(Operation *op, ArrayRef<Value> resultGrads,
                  SmallVectorImpl<Value> &grads) {
  grads.assign(op->getNumOperands(), Value());
  return !resultGrads.empty() && resultGrads[0] &&
         isFloatTensor(op->getResult(0));
}

/// Unary ops whose derivative is `grad * factor(x, result)`.
#define DL_UNARY_VJP(OP, FACTOR)                                               \
  LogicalResult OP::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,  \
                             SmallVectorImpl<Value> &grads) {                 \
    if (!start(*this, resultGrads, grads))                                     \
      return success();                                                        \
    GradBuilder b(builder, getLoc());                                          \
    Value g = resultGrads[0], x = getInput(), r = getResult();                 \
    (void)x;                                                                   \
    (void)r;                                                                   \
    grads[0] = FACTOR;                                                         \
    return success();                                                          \
  }

/// Ops with a zero derivative almost everywhere (PyTorch's convention at
/// the jumps): no gradient flows.
#define DL_ZERO_VJP(OP)                                                        \
  LogicalResult OP::buildVJP(OpBuilder &, ArrayRef<Value> resultGrads,         \
                             SmallVectorImpl<Value> &grads) {                 \
    grads.assign(getOperation()->getNumOperands(), Value());                   \
    return success();                                                          \
  }

DL_UNARY_VJP(NegOp, b.neg(g))
DL_UNARY_VJP(AbsOp, b.mul(g, b.sign(x)))
DL_UNARY_VJP(ExpOp, b.mul(g, r))
DL_UNARY_VJP(Expm1Op, b.mul(g, b.add(r, b.constantLike(1, r))))
DL_UNARY_VJP(LogOp, b.div(g, x))
DL_UNARY_VJP(Log1pOp, b.div(g, b.add(x, b.constantLike(1, x))))
DL_UNARY_VJP(SqrtOp, b.div(b.mul(g, b.constantLike(0.5, r)), r))
DL_UNARY_VJP(RsqrtOp,
             b.mul(b.mul(g, b.constantLike(-0.5, r)), b.mul(r, b.mul(r, r))))
DL_UNARY_VJP(SinOp, b.mul(g, CosOp::create(b.builder(), getLoc(), x)))
DL_UNARY_VJP(CosOp, b.neg(b.mul(g, SinOp::create(b.builder(), getLoc(), x))))
DL_UNARY_VJP(TanhOp,
             b.mul(g, b.sub(b.constantLike(1, r), b.mul(r, r))))
DL_UNARY_VJP(ErfOp, b.mul(g, b.mul(b.constantLike(2.0 / std::sqrt(M_PI), x),
                                   b.exp(b.neg(b.mul(x, x))))))
DL_UNARY_VJP(SigmoidOp,
             b.mul(g, b.mul(r, b.sub(b.constantLike(1, r), r))))
DL_ZERO_VJP(SignOp)
DL_ZERO_VJP(FloorOp)
DL_ZERO_VJP(CeilOp)
DL_ZERO_VJP(RoundOp)

LogicalResult AddOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0];
  grads[0] = b.sumTo(g, getLhs());
  grads[1] = b.sumTo(g, getRhs());
  return success();
}

LogicalResult SubOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0];
  grads[0] = b.sumTo(g, getLhs());
  grads[1] = b.sumTo(b.neg(g), getRhs());
  return success();
}

LogicalResult MulOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0];
  grads[0] = b.sumTo(b.mul(g, getRhs()), getLhs());
  grads[1] = b.sumTo(b.mul(g, getLhs()), getRhs());
  return success();
}

LogicalResult DivOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0], x = getLhs(), y = getRhs();
  grads[0] = b.sumTo(b.div(g, y), x);
  // As PyTorch: -g * x / (y * y).
  grads[1] = b.sumTo(b.neg(b.div(b.mul(g, x), b.mul(y, y))), y);
  return success();
}

LogicalResult RemOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  // fmod(x, y) = x - trunc(x / y) * y.
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0], x = getLhs(), y = getRhs();
  Value q = b.div(x, y);
  Value negative = b.cmp(CmpPredicate::lt, q, b.constantLike(0, q));
  Value trunc = b.select(negative, CeilOp::create(builder, getLoc(), q),
                         FloorOp::create(builder, getLoc(), q));
  grads[0] = b.sumTo(g, x);
  grads[1] = b.sumTo(b.neg(b.mul(g, trunc)), y);
  return success();
}

LogicalResult PowOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0], x = getLhs(), y = getRhs(), r = getResult();
  Value zero = b.constantLike(0, x), one = b.constantLike(1, y);
  // d/dx = y * x^(y-1), 0 where y == 0 (PyTorch).
  Value dx = b.mul(y, PowOp::create(builder, getLoc(), x, b.sub(y, one)));
  dx = b.select(b.cmp(CmpPredicate::eq, y, zero), zero, dx);
  grads[0] = b.sumTo(b.mul(g, dx), x);
  // d/dy = result * log(x), 0 where x == 0 and y >= 0 (PyTorch).
  Value dy = b.mul(r, b.log(x));
  Value masked = b.logicalAnd(b.cmp(CmpPredicate::eq, x, zero),
                              b.cmp(CmpPredicate::ge, y, zero));
  dy = b.select(masked, zero, dy);
  grads[1] = b.sumTo(b.mul(g, dy), y);
  return success();
}

/// maximum and minimum: the gradient goes to the winner, half each on a tie
/// (torch.maximum's derivative); `loses` is `lt` for max, `gt` for min.
static void extremumVJP(GradBuilder &b, Value g, Value x, Value y,
                        CmpPredicate loses, SmallVectorImpl<Value> &grads) {
  CmpPredicate wins =
      loses == CmpPredicate::lt ? CmpPredicate::gt : CmpPredicate::lt;
  Value zero = b.constantLike(0, g);
  Value half = b.div(g, b.constantLike(2, g));
  Value tie = b.cmp(CmpPredicate::eq, x, y);
  Value shared = b.select(tie, half, g);
  grads[0] = b.sumTo(b.select(b.cmp(loses, x, y), zero, shared), x);
  grads[1] = b.sumTo(b.select(b.cmp(wins, x, y), zero, shared), y);
}

LogicalResult MaxOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  extremumVJP(b, resultGrads[0], getLhs(), getRhs(), CmpPredicate::lt, grads);
  return success();
}

LogicalResult MinOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  extremumVJP(b, resultGrads[0], getLhs(), getRhs(), CmpPredicate::gt, grads);
  return success();
}

LogicalResult SelectOp::buildVJP(OpBuilder &builder,
                                 ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0], zero = b.constantLike(0, g);
  grads[1] = b.sumTo(b.select(getCondition(), g, zero), getLhs());
  grads[2] = b.sumTo(b.select(getCondition(), zero, g), getRhs());
  return success();
}

LogicalResult CastOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                               SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads) || !isFloatTensor(getInput()))
    return success();
  GradBuilder b(builder, getLoc());
  grads[0] = b.cast(resultGrads[0], getElementTypeOrSelf(getInput().getType()));
  return success();
}
