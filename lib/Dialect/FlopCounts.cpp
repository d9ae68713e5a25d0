//===- FlopCounts.cpp - arithmetic of the ops that are not elementwise ----===//
//
// FlopCountOpInterface for the ops whose count is not one operation per
// result element. A multiply-add counts 2 (docs/tools.md, `dlc summary`).
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DLOps.h"

using namespace mlir;

namespace dl {

/// `perElement` operations for each element of `type`.
static std::optional<int64_t> perElement(Type type, int64_t perElement) {
  std::optional<int64_t> count = staticElementCount(type);
  if (!count)
    return std::nullopt;
  return *count * perElement;
}

/// Each result element is a dot product of length K: K multiplies and K
/// adds.
std::optional<int64_t> MatmulOp::getFlopCount() {
  auto lhs = cast<RankedTensorType>(getLhs().getType());
  int64_t k = lhs.getShape().back();
  if (ShapedType::isDynamic(k))
    return std::nullopt;
  return perElement(getType(), 2 * k);
}

/// One add (or compare) per input element.
std::optional<int64_t> ReduceOp::getFlopCount() {
  return perElement(getInput().getType(), 1);
}
std::optional<int64_t> SumToOp::getFlopCount() {
  return perElement(getInput().getType(), 1);
}
std::optional<int64_t> ArgMaxOp::getFlopCount() {
  return perElement(getInput().getType(), 1);
}
std::optional<int64_t> ArgMinOp::getFlopCount() {
  return perElement(getInput().getType(), 1);
}
std::optional<int64_t> ScatterAddOp::getFlopCount() {
  return perElement(getSource().getType(), 1);
}

/// The maximum, a subtraction, exp, the sum and a division (log_softmax: a
/// second subtraction) per element.
std::optional<int64_t> SoftmaxOp::getFlopCount() {
  return perElement(getType(), 5);
}
std::optional<int64_t> LogSoftmaxOp::getFlopCount() {
  return perElement(getType(), 5);
}

/// Gram-Schmidt with reorthogonalization on the k = min(m, n) vectors of
/// length l = max(m, n): two projections of each vector on the previous
/// ones, a dot product and a multiply-add of length l each, 4 l k^2.
std::optional<int64_t> OrthogonalizeOp::getFlopCount() {
  auto type = cast<RankedTensorType>(getType());
  if (!type.hasStaticShape())
    return std::nullopt;
  int64_t k = std::min(type.getDimSize(0), type.getDimSize(1));
  int64_t l = std::max(type.getDimSize(0), type.getDimSize(1));
  return 4 * l * k * k;
}

} // namespace dl
