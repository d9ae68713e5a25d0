//===- GradBuilder.cpp - building derivatives from dl ops -----------------===//

#include "dl/Dialect/GradBuilder.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace dl;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

Value GradBuilder::constant(double value, Type elementType) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element = isa<FloatType>(elementType)
                          ? (Attribute)b.getFloatAttr(elementType, value)
                          : (Attribute)b.getIntegerAttr(elementType,
                                                        (int64_t)value);
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, element));
}

Value GradBuilder::constantLike(double value, Value like) {
  return constant(value, tensorType(like).getElementType());
}

Value GradBuilder::add(Value x, Value y) { return AddOp::create(b, loc, x, y); }
Value GradBuilder::sub(Value x, Value y) { return SubOp::create(b, loc, x, y); }
Value GradBuilder::mul(Value x, Value y) { return MulOp::create(b, loc, x, y); }
Value GradBuilder::div(Value x, Value y) { return DivOp::create(b, loc, x, y); }
Value GradBuilder::neg(Value x) { return NegOp::create(b, loc, x); }
Value GradBuilder::exp(Value x) { return ExpOp::create(b, loc, x); }
Value GradBuilder::log(Value x) { return LogOp::create(b, loc, x); }
Value GradBuilder::sign(Value x) { return SignOp::create(b, loc, x); }
Value GradBuilder::cmp(CmpPredicate predicate, Value x, Value y) {
  return CmpOp::create(b, loc, predicate, x, y);
}
Value GradBuilder::select(Value condition, Value x, Value y) {
  return SelectOp::create(b, loc, condition, x, y);
}
Value GradBuilder::logicalAnd(Value x, Value y) {
  return AndOp::create(b, loc, x, y);
}
Value GradBuilder::cast(Value x, Type elementType) {
  auto type = tensorType(x);
  if (type.getElementType() == elementType)
    return x;
  return CastOp::create(b, loc, type.clone(elementType), x);
}

Value GradBuilder::dim(Value v, int64_t d) {
  return getDimValue(b, loc, v, d);
}

SmallVector<Value> GradBuilder::dynamicDims(Value like) {
  SmallVector<Value> dims;
  auto type = tensorType(like);
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dims.push_back(tensor::DimOp::create(b, loc, like, d));
  return dims;
}

Value GradBuilder::sumTo(Value grad, Value like) {
  auto from = tensorType(grad), to = tensorType(like);
  if (from.getShape() == to.getShape())
    return grad;
  return SumToOp::create(b, loc, to.clone(from.getElementType()), grad);
}

Value GradBuilder::broadcastLike(Value v, Value like) {
  auto from = tensorType(v), to = tensorType(like);
  if (from.getShape() == to.getShape())
    return v;
  return BroadcastToOp::create(b, loc, to.clone(from.getElementType()), v,
                               dynamicDims(like));
}

Value GradBuilder::zerosLike(Value like) {
  return broadcastLike(constantLike(0.0, like), like);
}

Value GradBuilder::reshapeLike(Value v, Value like) {
  auto to = tensorType(like);
  return reshape(v, to.clone(tensorType(v).getElementType()),
                 dynamicDims(like));
}

Value GradBuilder::reshape(Value v, RankedTensorType type,
                           ValueRange dynamicSizes) {
  if (v.getType() == type && type.hasStaticShape())
    return v;
  return ReshapeOp::create(b, loc, type, v, dynamicSizes);
}

Value GradBuilder::transpose(Value v, ArrayRef<int64_t> permutation) {
  return TransposeOp::create(b, loc, v, b.getDenseI64ArrayAttr(permutation));
}

Value GradBuilder::matmul(Value x, Value y) {
  return MatmulOp::create(b, loc, x, y);
}

Value GradBuilder::sumKeep(Value v, ArrayRef<int64_t> axes) {
  return ReduceOp::create(b, loc, ReduceKind::sum, v, axes,
                          /*keepdims=*/true);
}

Value GradBuilder::keepReducedAxes(Value reduced, Value input,
                                   ArrayRef<int64_t> axes) {
  auto in = tensorType(input), out = tensorType(reduced);
  if (out.getRank() == in.getRank())
    return reduced; // already kept
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (llvm::is_contained(axes, d)) {
      shape.push_back(1);
      continue;
    }
    shape.push_back(in.getDimSize(d));
    if (in.isDynamicDim(d))
      dynamic.push_back(tensor::DimOp::create(b, loc, input, d));
  }
  return reshape(reduced, RankedTensorType::get(shape, out.getElementType()),
                 dynamic);
}
