//===- Random.cpp - random_uniform, random_normal, random_bits to linalg --===//
//
// Counter-based random numbers: each element is computed from (seed, stream,
// its linear index) by Philox4x32-10 (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC 2011), so one linalg.generic without
// inputs produces them in any order, fuses with its consumers and
// vectorizes. Only arith ops: the 32-bit multiplications with high words
// are arith.mului_extended. docs/random.md has the algorithm bit by bit.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <array>

using namespace mlir;
using namespace dl::lowering;

namespace {

// Philox4x32's constants (Random123's PHILOX_M4x32_0/1, PHILOX_W32_0/1).
constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;
constexpr int kPhiloxRounds = 10;

Value i32Constant(OpBuilder &b, Location loc, uint32_t value) {
  return arith::ConstantOp::create(
      b, loc, b.getI32IntegerAttr(static_cast<int32_t>(value)));
}
Value i64Constant(OpBuilder &b, Location loc, uint64_t value) {
  return arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(static_cast<int64_t>(value)));
}

/// The round keys of Philox4x32-10 from a seed (an i64 value): round r uses
/// (lo32(seed) + r W0, hi32(seed) + r W1) mod 2^32.
SmallVector<std::pair<Value, Value>> buildRoundKeys(OpBuilder &b, Location loc,
                                                    Value seed) {
  Type i32 = b.getI32Type();
  Value k0 = arith::TruncIOp::create(b, loc, i32, seed);
  Value k1 = arith::TruncIOp::create(
      b, loc, i32, arith::ShRUIOp::create(b, loc, seed, i64Constant(b, loc, 32)));
  SmallVector<std::pair<Value, Value>> keys{{k0, k1}};
  for (int r = 1; r < kPhiloxRounds; ++r)
    keys.push_back(
        {arith::AddIOp::create(b, loc, k0, i32Constant(b, loc, r * kPhiloxW0)),
         arith::AddIOp::create(b, loc, k1,
                               i32Constant(b, loc, r * kPhiloxW1))});
  return keys;
}

/// The four words of the Philox4x32-10 block of `counter` (i32 values).
std::array<Value, 4>
buildPhilox(OpBuilder &b, Location loc, std::array<Value, 4> c,
            ArrayRef<std::pair<Value, Value>> keys) {
  Value m0 = i32Constant(b, loc, kPhiloxM0), m1 = i32Constant(b, loc, kPhiloxM1);
  for (const auto &[k0, k1] : keys) {
    auto p0 = arith::MulUIExtendedOp::create(b, loc, m0, c[0]);
    auto p1 = arith::MulUIExtendedOp::create(b, loc, m1, c[2]);
    Value x0 = arith::XOrIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, p1.getHigh(), c[1]), k0);
    Value x2 = arith::XOrIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, p0.getHigh(), c[3]), k1);
    c = {x0, p1.getLow(), x2, p0.getLow()};
  }
  return c;
}

/// A uniform number in [0, 1) of type f32 from one word, `(x >> 8) 2^-24`,
/// or of type f64 from two, `((lo + 2^32 hi) >> 11) 2^-53`. Exact.
Value buildUniform(OpBuilder &b, Location loc, FloatType type, Value lo,
                   Value hi) {
  if (type.isF32()) {
    Value bits = arith::ShRUIOp::create(b, loc, lo, i32Constant(b, loc, 8));
    Value f = arith::UIToFPOp::create(b, loc, type, bits);
    return arith::MulFOp::create(
        b, loc, f, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0x1p-24f)));
  }
  Type i64 = b.getI64Type();
  Value wide = arith::OrIOp::create(
      b, loc, arith::ExtUIOp::create(b, loc, i64, lo),
      arith::ShLIOp::create(b, loc, arith::ExtUIOp::create(b, loc, i64, hi),
                            i64Constant(b, loc, 32)));
  Value bits = arith::ShRUIOp::create(b, loc, wide, i64Constant(b, loc, 11));
  Value f = arith::UIToFPOp::create(b, loc, type, bits);
  return arith::MulFOp::create(
      b, loc, f, arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0x1p-53)));
}

/// Box-Muller from two uniform numbers: sqrt(-2 ln(1 - u1)) cos(2 pi u2).
Value buildNormal(OpBuilder &b, Location loc, FloatType type, Value u1,
                  Value u2) {
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
  };
  Value t = arith::SubFOp::create(b, loc, constant(1.0), u1); // in (0, 1]
  Value r = math::SqrtOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, constant(-2.0),
                            math::LogOp::create(b, loc, t)));
  Value angle =
      arith::MulFOp::create(b, loc, constant(6.283185307179586), u2);
  return arith::MulFOp::create(b, loc, r, math::CosOp::create(b, loc, angle));
}

/// The linear (row-major) index of the current element over the first
/// `rank` loops of a linalg.generic, as i64.
Value buildLinearIndex(OpBuilder &b, Location loc, ArrayRef<Value> extents,
                       int64_t rank) {
  if (rank == 0)
    return i64Constant(b, loc, 0);
  Value linear = linalg::IndexOp::create(b, loc, 0);
  for (int64_t d = 1; d < rank; ++d)
    linear = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, linear, extents[d]),
        linalg::IndexOp::create(b, loc, d));
  return arith::IndexCastUIOp::create(b, loc, b.getI64Type(), linear);
}

enum class Distribution { Uniform, Normal, Bits };

/// One pattern for the three ops: a linalg.generic over the result whose
/// body computes the Philox block of the element's counter and derives the
/// element from its words.
template <typename OpTy, Distribution kind>
struct RandomToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    int64_t rank = resultType.getRank();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();
    SmallVector<Value> extents;
    for (OpFoldResult size : *sizes)
      extents.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));

    Value seed =
        tensor::ExtractOp::create(rewriter, loc, adaptor.getSeed(), ValueRange{});
    SmallVector<std::pair<Value, Value>> keys =
        buildRoundKeys(rewriter, loc, seed);
    uint64_t stream = static_cast<uint64_t>(op.getStream());
    Value c2 = i32Constant(rewriter, loc, static_cast<uint32_t>(stream));
    Value c3 = i32Constant(rewriter, loc, static_cast<uint32_t>(stream >> 32));
    uint64_t offset = 0;
    if constexpr (kind == Distribution::Bits)
      offset = static_cast<uint64_t>(op.getOffset());

    Value init = createEmpty(rewriter, loc, *sizes, elementType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{
            AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange) {
          // Bits: the block index runs over the leading dimensions only.
          int64_t blockRank = kind == Distribution::Bits ? rank - 1 : rank;
          Value index = buildLinearIndex(b, loc, extents, blockRank);
          if (offset != 0)
            index = arith::AddIOp::create(b, loc, index,
                                          i64Constant(b, loc, offset));
          Type i32 = b.getI32Type();
          Value c0 = arith::TruncIOp::create(b, loc, i32, index);
          Value c1 = arith::TruncIOp::create(
              b, loc, i32,
              arith::ShRUIOp::create(b, loc, index, i64Constant(b, loc, 32)));
          std::array<Value, 4> x = buildPhilox(b, loc, {c0, c1, c2, c3}, keys);
          Value value;
          if constexpr (kind == Distribution::Bits) {
            Value w = linalg::IndexOp::create(b, loc, rank - 1);
            auto is = [&](int64_t k) {
              return arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::eq, w,
                  arith::ConstantIndexOp::create(b, loc, k));
            };
            value = arith::SelectOp::create(
                b, loc, is(0), x[0],
                arith::SelectOp::create(
                    b, loc, is(1), x[1],
                    arith::SelectOp::create(b, loc, is(2), x[2], x[3])));
            if (!elementType.isInteger(32))
              value = arith::ExtUIOp::create(b, loc, elementType, value);
          } else {
            auto type = cast<FloatType>(elementType);
            bool f32 = type.isF32();
            Value u1 = buildUniform(b, loc, type, x[0], x[1]);
            value = u1;
            if constexpr (kind == Distribution::Normal) {
              Value u2 = f32 ? buildUniform(b, loc, type, x[1], x[1])
                             : buildUniform(b, loc, type, x[2], x[3]);
              value = buildNormal(b, loc, type, u1, u2);
            }
          }
          linalg::YieldOp::create(b, loc, value);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void dl::populateRandomToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RandomToLinalg<dl::RandomUniformOp, Distribution::Uniform>,
               RandomToLinalg<dl::RandomNormalOp, Distribution::Normal>,
               RandomToLinalg<dl::RandomBitsOp, Distribution::Bits>>(
      patterns.getContext());
}
