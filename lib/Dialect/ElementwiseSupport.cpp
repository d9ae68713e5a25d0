//===- ElementwiseSupport.cpp - scalar bodies and folding -----------------===//

#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace dl {

//===----------------------------------------------------------------------===//
// Scalar builders
//===----------------------------------------------------------------------===//

static Value constantLike(OpBuilder &b, Location loc, Type type, double v) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
  return arith::ConstantOp::create(b, loc,
                                   b.getIntegerAttr(type, int64_t(v)));
}

Value buildSignScalar(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value zero = constantLike(b, loc, type, 0);
  if (isa<FloatType>(type)) {
    // x > 0 ? 1 : (x < 0 ? -1 : 0): zeros and NaN give 0, as torch.sign.
    Value one = constantLike(b, loc, type, 1);
    Value minusOne = constantLike(b, loc, type, -1);
    Value pos =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    Value neg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    Value inner = arith::SelectOp::create(b, loc, neg, minusOne, zero);
    return arith::SelectOp::create(b, loc, pos, one, inner);
  }
  Value pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
  return arith::SubIOp::create(b, loc, arith::ExtUIOp::create(b, loc, type, pos),
                               arith::ExtUIOp::create(b, loc, type, neg));
}

Value buildSigmoidScalar(OpBuilder &b, Location loc, Value x) {
  // With e = exp(-|x|) <= 1: x >= 0 ? 1 / (1 + e) : e / (1 + e).
  Type type = x.getType();
  Value one = constantLike(b, loc, type, 1);
  Value zero = constantLike(b, loc, type, 0);
  Value e = math::ExpOp::create(
      b, loc, arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x)));
  Value denominator = arith::AddFOp::create(b, loc, one, e);
  Value nonNegative =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UGE, x, zero);
  Value numerator = arith::SelectOp::create(b, loc, nonNegative, one, e);
  return arith::DivFOp::create(b, loc, numerator, denominator);
}

Value buildFloorDivScalar(OpBuilder &b, Location loc, Value x, Value y) {
  // Floor division that never traps: x // 0 is 0 and x // -1 is -x (which
  // wraps for the most negative value).
  Type type = x.getType();
  Value zero = constantLike(b, loc, type, 0);
  Value one = constantLike(b, loc, type, 1);
  Value minusOne = constantLike(b, loc, type, -1);
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value unsafe = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value safeY = arith::SelectOp::create(b, loc, unsafe, one, y);
  Value quotient = arith::FloorDivSIOp::create(b, loc, x, safeY);
  Value negated = arith::SubIOp::create(b, loc, zero, x);
  Value special = arith::SelectOp::create(b, loc, isZero, zero, negated);
  return arith::SelectOp::create(b, loc, unsafe, special, quotient);
}

Value buildRemainderScalar(OpBuilder &b, Location loc, Value x, Value y) {
  // Truncating remainder that never traps: x rem 0 is x, x rem -1 is 0.
  Type type = x.getType();
  Value zero = constantLike(b, loc, type, 0);
  Value one = constantLike(b, loc, type, 1);
  Value minusOne = constantLike(b, loc, type, -1);
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value unsafe = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value safeY = arith::SelectOp::create(b, loc, unsafe, one, y);
  Value remainder = arith::RemSIOp::create(b, loc, x, safeY);
  Value special = arith::SelectOp::create(b, loc, isZero, x, zero);
  return arith::SelectOp::create(b, loc, unsafe, special, remainder);
}

Value buildCompareScalar(OpBuilder &b, Location loc, CmpPredicate predicate,
                         Value x, Value y) {
  Type type = x.getType();
  if (isa<FloatType>(type)) {
    arith::CmpFPredicate p;
    switch (predicate) {
    case CmpPredicate::eq: p = arith::CmpFPredicate::OEQ; break;
    case CmpPredicate::ne: p = arith::CmpFPredicate::UNE; break;
    case CmpPredicate::lt: p = arith::CmpFPredicate::OLT; break;
    case CmpPredicate::le: p = arith::CmpFPredicate::OLE; break;
    case CmpPredicate::gt: p = arith::CmpFPredicate::OGT; break;
    case CmpPredicate::ge: p = arith::CmpFPredicate::OGE; break;
    }
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  // Booleans order false < true, so they compare unsigned.
  bool isBool = type.isInteger(1);
  arith::CmpIPredicate p;
  switch (predicate) {
  case CmpPredicate::eq: p = arith::CmpIPredicate::eq; break;
  case CmpPredicate::ne: p = arith::CmpIPredicate::ne; break;
  case CmpPredicate::lt:
    p = isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    break;
  case CmpPredicate::le:
    p = isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    break;
  case CmpPredicate::gt:
    p = isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    break;
  case CmpPredicate::ge:
    p = isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    break;
  }
  return arith::CmpIOp::create(b, loc, p, x, y);
}

Value buildCastScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  bool fromBool = from.isInteger(1), toBool = to.isInteger(1);
  if (toBool) {
    Value zero = constantLike(b, loc, from, 0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  if (fromFloat && toFloat) {
    if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, x);
  if (toFloat) {
    if (fromBool)
      return arith::UIToFPOp::create(b, loc, to, x);
    return arith::SIToFPOp::create(b, loc, to, x);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth < toWidth) {
    if (fromBool)
      return arith::ExtUIOp::create(b, loc, to, x);
    return arith::ExtSIOp::create(b, loc, to, x);
  }
  return arith::TruncIOp::create(b, loc, to, x);
}

//===----------------------------------------------------------------------===//
// Scalar folders
//===----------------------------------------------------------------------===//

static TypedAttr makeInt(Type type, int64_t value) {
  unsigned width = type.getIntOrFloatBitWidth();
  return IntegerAttr::get(type, APInt(64, value, /*isSigned=*/true)
                                    .trunc(width));
}

static int64_t intValue(IntegerAttr attr) {
  if (attr.getType().isInteger(1))
    return attr.getValue().getZExtValue();
  return attr.getValue().getSExtValue();
}

TypedAttr foldUnaryFloat(TypedAttr x, FloatFn1 fn) {
  if (auto f = dyn_cast_or_null<FloatAttr>(x))
    return FloatAttr::get(f.getType(), fn(f.getValueAsDouble()));
  return {};
}

TypedAttr foldUnary(TypedAttr x, FloatFn1 floatFn, IntFn1 intFn) {
  if (auto f = dyn_cast_or_null<FloatAttr>(x))
    return FloatAttr::get(f.getType(), floatFn(f.getValueAsDouble()));
  if (auto i = dyn_cast_or_null<IntegerAttr>(x))
    if (intFn && !i.getType().isInteger(1))
      return makeInt(i.getType(), intFn(intValue(i)));
  return {};
}

TypedAttr foldBinary(ArrayRef<TypedAttr> args, FloatFn2 floatFn,
                     IntFn2 intFn) {
  if (args.size() != 2)
    return {};
  auto fx = dyn_cast_or_null<FloatAttr>(args[0]);
  auto fy = dyn_cast_or_null<FloatAttr>(args[1]);
  if (fx && fy && floatFn)
    return FloatAttr::get(fx.getType(),
                          floatFn(fx.getValueAsDouble(), fy.getValueAsDouble()));
  auto ix = dyn_cast_or_null<IntegerAttr>(args[0]);
  auto iy = dyn_cast_or_null<IntegerAttr>(args[1]);
  if (ix && iy && intFn && !ix.getType().isInteger(1))
    return makeInt(ix.getType(), intFn(intValue(ix), intValue(iy)));
  return {};
}

TypedAttr foldLogical(ArrayRef<TypedAttr> args, bool (*fn)(bool, bool)) {
  auto x = dyn_cast_or_null<IntegerAttr>(args[0]);
  auto y = dyn_cast_or_null<IntegerAttr>(args[1]);
  if (!x || !y || !x.getType().isInteger(1))
    return {};
  return IntegerAttr::get(x.getType(),
                          fn(!x.getValue().isZero(), !y.getValue().isZero()));
}

TypedAttr foldCompare(CmpPredicate predicate, TypedAttr x, TypedAttr y) {
  Builder b(x.getContext());
  auto fx = dyn_cast_or_null<FloatAttr>(x);
  auto fy = dyn_cast_or_null<FloatAttr>(y);
  auto compare = [&](auto l, auto r) -> TypedAttr {
    bool result = false;
    switch (predicate) {
    case CmpPredicate::eq: result = l == r; break;
    case CmpPredicate::ne: result = l != r; break;
    case CmpPredicate::lt: result = l < r; break;
    case CmpPredicate::le: result = l <= r; break;
    case CmpPredicate::gt: result = l > r; break;
    case CmpPredicate::ge: result = l >= r; break;
    }
    return b.getBoolAttr(result);
  };
  if (fx && fy)
    return compare(fx.getValueAsDouble(), fy.getValueAsDouble());
  auto ix = dyn_cast_or_null<IntegerAttr>(x);
  auto iy = dyn_cast_or_null<IntegerAttr>(y);
  if (ix && iy)
    return compare(intValue(ix), intValue(iy));
  return {};
}

TypedAttr foldCast(TypedAttr x, Type to) {
  if (!x)
    return {};
  if (x.getType() == to)
    return x;
  if (auto f = dyn_cast<FloatAttr>(x)) {
    double v = f.getValueAsDouble();
    if (isa<FloatType>(to))
      return FloatAttr::get(to, v);
    if (to.isInteger(1))
      return BoolAttr::get(x.getContext(), v != 0);
    // Out-of-range conversions are unspecified at run time: do not fold.
    if (!std::isfinite(v) || std::fabs(v) >= 9.2e18)
      return {};
    return makeInt(to, int64_t(v));
  }
  auto i = cast<IntegerAttr>(x);
  int64_t v = intValue(i);
  if (isa<FloatType>(to))
    return FloatAttr::get(to, double(v));
  if (to.isInteger(1))
    return BoolAttr::get(x.getContext(), v != 0);
  return makeInt(to, v);
}

//===----------------------------------------------------------------------===//
// Whole-tensor folding
//===----------------------------------------------------------------------===//

OpFoldResult foldElementwiseConstants(Operation *op,
                                      ArrayRef<Attribute> operands) {
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.hasStaticShape() || operands.empty())
    return {};
  SmallVector<DenseElementsAttr> inputs;
  bool allSplat = true;
  for (Attribute attr : operands) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
    if (!dense)
      return {};
    allSplat &= dense.isSplat();
    inputs.push_back(dense);
  }
  auto elementwise = cast<ElementwiseOpInterface>(op);
  Type elementType = resultType.getElementType();
  auto compute = [&](ArrayRef<TypedAttr> args) -> TypedAttr {
    TypedAttr r = elementwise.foldScalar(args, elementType);
    return r && r.getType() == elementType ? r : TypedAttr();
  };
  if (allSplat) {
    SmallVector<TypedAttr> args;
    for (DenseElementsAttr input : inputs)
      args.push_back(input.getSplatValue<TypedAttr>());
    TypedAttr r = compute(args);
    return r ? DenseElementsAttr::get(resultType, r) : nullptr;
  }
  int64_t count = resultType.getNumElements();
  if (count > kMaxFoldedElements)
    return {};
  // Materialize every operand's elements once.
  SmallVector<SmallVector<TypedAttr>> values;
  for (DenseElementsAttr input : inputs) {
    SmallVector<TypedAttr> v;
    if (input.isSplat())
      v.push_back(input.getSplatValue<TypedAttr>());
    else
      for (Attribute a : input.getValues<Attribute>())
        v.push_back(cast<TypedAttr>(a));
    values.push_back(std::move(v));
  }
  ArrayRef<int64_t> shape = resultType.getShape();
  int64_t rank = shape.size();
  SmallVector<Attribute> results;
  results.reserve(count);
  SmallVector<int64_t> index(rank, 0);
  SmallVector<TypedAttr> args(inputs.size());
  for (int64_t linear = 0; linear < count; ++linear) {
    for (size_t k = 0; k < inputs.size(); ++k) {
      if (inputs[k].isSplat()) {
        args[k] = values[k][0];
        continue;
      }
      ArrayRef<int64_t> inShape = inputs[k].getType().getShape();
      int64_t offset = 0, lead = rank - inShape.size();
      for (size_t d = 0; d < inShape.size(); ++d)
        offset = offset * inShape[d] + (inShape[d] == 1 ? 0 : index[lead + d]);
      args[k] = values[k][offset];
    }
    TypedAttr r = compute(args);
    if (!r)
      return {};
    results.push_back(r);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(resultType, results);
}

} // namespace dl
