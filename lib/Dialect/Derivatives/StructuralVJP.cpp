//===- StructuralVJP.cpp - derivatives of shape and data-movement ops -----===//
//
// matmul (all of torch.matmul's cases), transpose, reshape, broadcast_to and
// sum_to (each other's derivative), concat, slice / insert_slice and pad.
//
//===----------------------------------------------------------------------===//

#include "dl/Dialect/DLOps.h"
#include "dl/Dialect/GradBuilder.h"

#include "mlir/IR/TypeUtilities.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
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

/// `v` with an extent of 1 inserted at `position`.
static Value insertUnitDim(GradBuilder &b, Value v, int64_t position) {
  auto type = tensorType(v);
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + position, 1);
  return b.reshape(v, RankedTensorType::get(shape, type.getElementType()),
                   b.dynamicDims(v));
}

/// The permutation swapping the last two dimensions of a rank-n tensor.
static SmallVector<int64_t> swapLastTwo(int64_t rank) {
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d)
    perm.push_back(d);
  std::swap(perm[rank - 1], perm[rank - 2]);
  return perm;
}

LogicalResult MatmulOp::buildVJP(OpBuilder &builder,
                                 ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value x = getLhs(), y = getRhs(), g = resultGrads[0];
  bool xVector = tensorType(x).getRank() == 1;
  bool yVector = tensorType(y).getRank() == 1;
  // Make both operands (and the gradient) matrices or batches of them:
  // a 1-D x is a row [1, K], a 1-D y a column [K, 1].
  Value x2 = xVector ? insertUnitDim(b, x, 0) : x;
  Value y2 = yVector ? insertUnitDim(b, y, 1) : y;
  Value g2 = g;
  if (xVector)
    g2 = insertUnitDim(b, g2, tensorType(g2).getRank() - (yVector ? 0 : 1));
  if (yVector)
    g2 = insertUnitDim(b, g2, tensorType(g2).getRank());
  // dx = g @ y^T, dy = x^T @ g, summed over broadcast batch dimensions.
  Value dx = b.matmul(g2, b.transpose(y2, swapLastTwo(tensorType(y2).getRank())));
  Value dy = b.matmul(b.transpose(x2, swapLastTwo(tensorType(x2).getRank())), g2);
  dx = b.sumTo(dx, x2);
  dy = b.sumTo(dy, y2);
  grads[0] = xVector ? b.reshapeLike(dx, x) : dx;
  grads[1] = yVector ? b.reshapeLike(dy, y) : dy;
  return success();
}

LogicalResult TransposeOp::buildVJP(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inverse[perm[i]] = i;
  grads[0] = b.transpose(resultGrads[0], inverse);
  return success();
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  grads[0] = b.reshapeLike(resultGrads[0], getInput());
  return success();
}

LogicalResult BroadcastToOp::buildVJP(OpBuilder &builder,
                                      ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  grads[0] = b.sumTo(resultGrads[0], getInput());
  return success();
}

LogicalResult SumToOp::buildVJP(OpBuilder &builder,
                                ArrayRef<Value> resultGrads,
                                SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  grads[0] = b.broadcastLike(resultGrads[0], getInput());
  return success();
}

/// A window of `whole` with the given offsets (static or dynamic), the
/// extents of `shapeOf`, and unit strides.
static Value window(GradBuilder &b, Value whole, ArrayRef<OpFoldResult> offsets,
                    Value shapeOf) {
  auto type = tensorType(shapeOf).clone(tensorType(whole).getElementType());
  SmallVector<int64_t> staticOffsets, staticSizes, strides;
  SmallVector<Value> dynOffsets, dynSizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (auto attr = llvm::dyn_cast_if_present<Attribute>(offsets[d])) {
      staticOffsets.push_back(cast<IntegerAttr>(attr).getInt());
    } else {
      staticOffsets.push_back(ShapedType::kDynamic);
      dynOffsets.push_back(cast<Value>(offsets[d]));
    }
    staticSizes.push_back(type.getDimSize(d));
    if (type.isDynamicDim(d))
      dynSizes.push_back(b.dim(shapeOf, d));
    strides.push_back(1);
  }
  OpBuilder &builder = b.builder();
  return SliceOp::create(builder, b.location(), type, whole, dynOffsets,
                         dynSizes, ValueRange{},
                         builder.getDenseI64ArrayAttr(staticOffsets),
                         builder.getDenseI64ArrayAttr(staticSizes),
                         builder.getDenseI64ArrayAttr(strides));
}

LogicalResult ConcatOp::buildVJP(OpBuilder &builder,
                                 ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0];
  int64_t axis = getAxis(), rank = tensorType(g).getRank();
  // Each input's gradient is its window of g along the axis.
  OpFoldResult offset = builder.getIndexAttr(0);
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    SmallVector<OpFoldResult> offsets(rank, builder.getIndexAttr(0));
    offsets[axis] = offset;
    grads[i] = window(b, g, offsets, input);
    auto extent = tensorType(input).getDimSize(axis);
    auto staticOffset = getConstantIntValue(offset);
    if (staticOffset && !ShapedType::isDynamic(extent)) {
      offset = builder.getIndexAttr(*staticOffset + extent);
    } else {
      Value current = getValueOrCreateConstantIndexOp(builder, getLoc(), offset);
      offset = arith::AddIOp::create(builder, getLoc(), current,
                                     b.dim(input, axis))
                   .getResult();
    }
  }
  return success();
}

LogicalResult SliceOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                                SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  // The gradient lands in the window it came from; zeros elsewhere.
  grads[0] = InsertSliceOp::create(
      builder, getLoc(), getInput().getType(), resultGrads[0],
      b.zerosLike(getInput()), getOffsets(), getSizes(), getStrides(),
      getStaticOffsetsAttr(), getStaticSizesAttr(), getStaticStridesAttr());
  return success();
}

LogicalResult InsertSliceOp::buildVJP(OpBuilder &builder,
                                      ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  Value g = resultGrads[0];
  // The source gets the window of g; the destination g with that window
  // zeroed (what was there was overwritten).
  grads[0] = SliceOp::create(
      builder, getLoc(), getSource().getType(), g, getOffsets(), getSizes(),
      getStrides(), getStaticOffsetsAttr(), getStaticSizesAttr(),
      getStaticStridesAttr());
  grads[1] = InsertSliceOp::create(
      builder, getLoc(), g.getType(), b.zerosLike(getSource()), g,
      getOffsets(), getSizes(), getStrides(), getStaticOffsetsAttr(),
      getStaticSizesAttr(), getStaticStridesAttr());
  return success();
}

LogicalResult PadOp::buildVJP(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &grads) {
  if (!start(*this, resultGrads, grads))
    return success();
  GradBuilder b(builder, getLoc());
  SmallVector<OpFoldResult> offsets;
  for (int64_t low : getLow())
    offsets.push_back(builder.getIndexAttr(low));
  grads[0] = window(b, resultGrads[0], offsets, getInput());
  return success();
}
