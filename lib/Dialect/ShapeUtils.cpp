//===- ShapeUtils.cpp - shapes, broadcasting and dimensions ---------------===//

#include "dl/Dialect/ShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace dl {

static std::string formatExtent(int64_t extent) {
  return ShapedType::isDynamic(extent) ? "?" : std::to_string(extent);
}

std::optional<SmallVector<int64_t>>
broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes, std::string *error) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // Position i counted from the end.
    std::optional<int64_t> fixed; // the static extent other than 1, if any
    bool anyDynamic = false;
    for (ArrayRef<int64_t> shape : shapes) {
      if (i >= shape.size())
        continue;
      int64_t extent = shape[shape.size() - 1 - i];
      if (ShapedType::isDynamic(extent)) {
        anyDynamic = true;
      } else if (extent != 1) {
        if (fixed && *fixed != extent) {
          if (error)
            *error = "extents " + std::to_string(*fixed) + " and " +
                     std::to_string(extent) + " differ and neither is 1";
          return std::nullopt;
        }
        fixed = extent;
      }
    }
    if (fixed && anyDynamic) {
      if (error)
        *error = "a dynamic extent cannot be broadcast against the static "
                 "extent " +
                 std::to_string(*fixed);
      return std::nullopt;
    }
    result[rank - 1 - i] =
        fixed ? *fixed : (anyDynamic ? ShapedType::kDynamic : 1);
  }
  return result;
}

std::string formatType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto shaped = dyn_cast<ShapedType>(type);
  Type element = shaped ? shaped.getElementType() : type;
  element.print(os);
  if (shaped && shaped.hasRank() && shaped.getRank() > 0) {
    os << '[';
    llvm::interleave(
        shaped.getShape(), os, [&](int64_t d) { os << formatExtent(d); },
        ", ");
    os << ']';
  }
  return text;
}

std::optional<int64_t> staticElementCount(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return std::nullopt;
  return shaped.getNumElements();
}

std::optional<int64_t> staticByteSize(Type type) {
  std::optional<int64_t> count = staticElementCount(type);
  if (!count)
    return std::nullopt;
  auto shaped = cast<ShapedType>(type);
  return *count * (((int64_t)shaped.getElementTypeBitWidth() + 7) / 8);
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

Value getDimValue(OpBuilder &b, Location loc, Value value, int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, value, dim);
}

OpFoldResult getDimOpFoldResult(OpBuilder &b, Location loc, Value value,
                                int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, value, dim).getResult();
}

SmallVector<OpFoldResult> getBroadcastResultDims(OpBuilder &b, Location loc,
                                                 ValueRange operands,
                                                 ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size();
  SmallVector<OpFoldResult> dims;
  for (int64_t i = 0; i < rank; ++i) {
    if (!ShapedType::isDynamic(resultShape[i])) {
      dims.push_back(b.getIndexAttr(resultShape[i]));
      continue;
    }
    // A dynamic result extent comes from an operand whose extent is dynamic
    // in that position (broadcastShapes never makes one up). Should the
    // types disagree, the first operand that reaches the position answers.
    OpFoldResult found;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t d = i - (rank - type.getRank());
      if (d >= 0 && (type.isDynamicDim(d) || !found))
        found = getDimOpFoldResult(b, loc, operand, d);
      if (d >= 0 && type.isDynamicDim(d))
        break;
    }
    dims.push_back(found ? found : b.getIndexAttr(1));
  }
  return dims;
}

SmallVector<OpFoldResult> getMixedSizes(OpBuilder &b, RankedTensorType type,
                                        ValueRange dynamicSizes) {
  SmallVector<OpFoldResult> sizes;
  unsigned next = 0;
  for (int64_t extent : type.getShape()) {
    if (ShapedType::isDynamic(extent))
      sizes.push_back(dynamicSizes[next++]);
    else
      sizes.push_back(b.getIndexAttr(extent));
  }
  return sizes;
}

} // namespace dl
