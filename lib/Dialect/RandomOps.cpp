//===- RandomOps.cpp - verifiers and shapes of the random-number ops ------===//
//
// dl.random_uniform, dl.random_normal, dl.random_bits (counter-based:
// Philox4x32-10, docs/random.md) and dl.orthogonalize, which the orthogonal
// initializer applies to a matrix of normal numbers.
//
//===----------------------------------------------------------------------===//

#include "dl/Dialect/DLOps.h"

using namespace mlir;
using namespace dl;

/// The dynamic extents of a random op's result are its `sizes`, in order.
static LogicalResult verifyRandomSizes(Operation *op, RankedTensorType type,
                                       ValueRange sizes) {
  if (sizes.size() != static_cast<size_t>(type.getNumDynamicDims()))
    return op->emitOpError("expects ")
           << type.getNumDynamicDims() << " dynamic sizes for "
           << formatType(type) << ", got " << sizes.size();
  return success();
}

LogicalResult RandomUniformOp::verify() {
  return verifyRandomSizes(*this, getType(), getSizes());
}

LogicalResult RandomNormalOp::verify() {
  return verifyRandomSizes(*this, getType(), getSizes());
}

LogicalResult RandomBitsOp::verify() {
  RankedTensorType type = getType();
  if (type.getRank() == 0 || type.getShape().back() != 4)
    return emitOpError("expects a result whose last dimension has extent 4 "
                       "(the words of a Philox4x32 block), got ")
           << formatType(type);
  return verifyRandomSizes(*this, type, getSizes());
}

#define DL_REIFY_RANDOM(OP)                                                    \
  LogicalResult OP::reifyResultShapes(OpBuilder &b,                           \
                                      ReifiedRankedShapedTypeDims &shapes) {   \
    shapes.push_back(getMixedSizes(b, getType(), getSizes()));                 \
    return success();                                                          \
  }
DL_REIFY_RANDOM(RandomUniformOp)
DL_REIFY_RANDOM(RandomNormalOp)
DL_REIFY_RANDOM(RandomBitsOp)
#undef DL_REIFY_RANDOM

LogicalResult OrthogonalizeOp::verify() {
  if (getType().getRank() != 2 || !getType().hasStaticShape())
    return emitOpError("expects a matrix (rank 2) of static shape, got ")
           << formatType(getType());
  return success();
}

LogicalResult
OrthogonalizeOp::reifyResultShapes(OpBuilder &b,
                                   ReifiedRankedShapedTypeDims &shapes) {
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < 2; ++d)
    dims.push_back(getDimOpFoldResult(b, getLoc(), getInput(), d));
  shapes.push_back(dims);
  return success();
}
