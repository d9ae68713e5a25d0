//===- Indexing.cpp - gather, scatter_add, one_hot, iota to linalg --------===//
//
// Ops that compute positions from values. Every index is checked at run
// time by a separate reduction (the smallest and largest index against the
// valid range) that fails the call with the op's location; the loops that
// use the indices clamp them as well, so that they never read or write out
// of bounds even where the check is compiled away.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dl::lowering;

namespace {

/// Checks that every element of `indices` lies in [low, high) (index
/// values): one linalg.generic computes the smallest and the largest index.
void emitIndexRangeCheck(OpBuilder &b, Location loc, Value indices, Value low,
                         Value high) {
  RankedTensorType type = tensorType(indices);
  Type elementType = type.getElementType();
  int64_t rank = type.getRank();
  MLIRContext *context = b.getContext();
  Value minInit = createFilled(b, loc, {}, createHighest(b, loc, elementType));
  Value maxInit = createFilled(b, loc, {}, createLowest(b, loc, elementType));
  AffineMap scalar = AffineMap::get(rank, 0, {}, context);
  auto extremes = linalg::GenericOp::create(
      b, loc, TypeRange{minInit.getType(), maxInit.getType()},
      ValueRange{indices}, ValueRange{minInit, maxInit},
      SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, context),
                             scalar, scalar},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [](OpBuilder &nested, Location loc, ValueRange args) {
        linalg::YieldOp::create(
            nested, loc,
            ValueRange{arith::MinSIOp::create(nested, loc, args[0], args[1]),
                       arith::MaxSIOp::create(nested, loc, args[0], args[2])});
      });
  auto toI64 = [&](Value v) -> Value {
    if (v.getType().isIndex())
      return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
    if (v.getType() != b.getI64Type())
      return arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
    return v;
  };
  Value smallest = toI64(
      tensor::ExtractOp::create(b, loc, extremes.getResult(0), ValueRange{}));
  Value largest = toI64(
      tensor::ExtractOp::create(b, loc, extremes.getResult(1), ValueRange{}));
  Value low64 = toI64(low), high64 = toI64(high);
  Value ok = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, smallest, low64),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, largest,
                            high64));
  emitCheck(b, loc, ok,
            "index out of range [%lld, %lld): the indices go from %lld to %lld",
            {low64, high64, smallest, largest});
}

/// The position along an axis of extent `extent` that the index `index` (an
/// element of an index tensor) denotes: negative indices count from the
/// end, and the result is clamped to [0, extent - 1].
Value wrapAndClamp(OpBuilder &b, Location loc, Value index, Value extent) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = arith::SelectOp::create(
      b, loc, negative, arith::AddIOp::create(b, loc, i, extent), i);
  Value last = arith::SubIOp::create(b, loc, extent, one);
  return arith::MaxSIOp::create(b, loc, zero,
                                arith::MinSIOp::create(b, loc, wrapped, last));
}

Value negate(OpBuilder &b, Location loc, Value v) {
  return arith::SubIOp::create(b, loc,
                               arith::ConstantIndexOp::create(b, loc, 0), v);
}

//===----------------------------------------------------------------------===//
// gather
//===----------------------------------------------------------------------===//

struct GatherToLinalg : OpConversionPattern<dl::GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    RankedTensorType inType = tensorType(input),
                     indexType = tensorType(indices);
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank(), axis = op.getAxis();
    MLIRContext *context = rewriter.getContext();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    // The other dimensions broadcast; dynamic ones must agree.
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && inType.isDynamicDim(d) && indexType.isDynamicDim(d))
        emitEqualityCheck(rewriter, loc,
                          tensor::DimOp::create(rewriter, loc, input, d),
                          tensor::DimOp::create(rewriter, loc, indices, d),
                          "extents %lld and %lld of dimension " +
                              std::to_string(d) + " differ");
    Value extent = getDimValue(rewriter, loc, input, axis);
    emitIndexRangeCheck(rewriter, loc, indices, negate(rewriter, loc, extent),
                        extent);

    // A static 1 of the input stretched over the result reads position 0.
    auto stretched = [&](RankedTensorType type, int64_t d) {
      return type.getDimSize(d) == 1 && resultType.getDimSize(d) != 1;
    };
    Value init =
        createEmpty(rewriter, loc, *sizes, resultType.getElementType());
    SmallVector<AffineMap> maps = {
        getBroadcastMap(context, indexType.getShape(), resultType.getShape()),
        AffineMap::getMultiDimIdentityMap(rank, context)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{indices}, ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          SmallVector<Value> position;
          for (int64_t d = 0; d < rank; ++d) {
            if (d == axis)
              position.push_back(wrapAndClamp(b, loc, args[0], extent));
            else if (stretched(inType, d))
              position.push_back(arith::ConstantIndexOp::create(b, loc, 0));
            else
              position.push_back(linalg::IndexOp::create(b, loc, d));
          }
          linalg::YieldOp::create(
              b, loc,
              tensor::ExtractOp::create(b, loc, input, position).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// scatter_add
//===----------------------------------------------------------------------===//

/// A loop nest over the source that accumulates into a tensor carried by
/// the loops (tensor.extract / tensor.insert), which bufferizes to loads and
/// stores into one buffer. Positions may repeat, so the loops run in order.
struct ScatterAddToLoops : OpConversionPattern<dl::ScatterAddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::ScatterAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value source = adaptor.getSource(), dest = adaptor.getDest(),
          indices = adaptor.getIndices();
    RankedTensorType sourceType = tensorType(source);
    int64_t rank = sourceType.getRank(), axis = op.getAxis();
    bool isFloat = isa<FloatType>(sourceType.getElementType());

    for (int64_t d = 0; d < rank; ++d) {
      if (sourceType.isDynamicDim(d))
        emitEqualityCheck(rewriter, loc,
                          tensor::DimOp::create(rewriter, loc, source, d),
                          getDimValue(rewriter, loc, indices, d),
                          "source extent %lld differs from the index extent "
                          "%lld in dimension " +
                              std::to_string(d));
      if (d != axis &&
          (sourceType.isDynamicDim(d) || tensorType(dest).isDynamicDim(d)))
        emitEqualityCheck(rewriter, loc, getDimValue(rewriter, loc, source, d),
                          getDimValue(rewriter, loc, dest, d),
                          "source extent %lld differs from the destination "
                          "extent %lld in dimension " +
                              std::to_string(d));
    }
    Value extent = getDimValue(rewriter, loc, dest, axis);
    emitIndexRangeCheck(rewriter, loc, indices, negate(rewriter, loc, extent),
                        extent);

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<Value> lbs(rank, zero), steps(rank, one), ubs;
    for (int64_t d = 0; d < rank; ++d)
      ubs.push_back(getDimValue(rewriter, loc, source, d));
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{dest},
        [&](OpBuilder &b, Location loc, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          Value index = tensor::ExtractOp::create(b, loc, indices, ivs);
          SmallVector<Value> position(ivs);
          position[axis] = wrapAndClamp(b, loc, index, extent);
          Value x = tensor::ExtractOp::create(b, loc, source, ivs);
          Value acc = tensor::ExtractOp::create(b, loc, carried[0], position);
          Value sum = isFloat
                          ? arith::AddFOp::create(b, loc, acc, x).getResult()
                          : arith::AddIOp::create(b, loc, acc, x).getResult();
          return {tensor::InsertOp::create(b, loc, sum, carried[0], position)
                      .getResult()};
        });
    rewriter.replaceOp(op, nest.results);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// one_hot, iota
//===----------------------------------------------------------------------===//

struct OneHotToLinalg : OpConversionPattern<dl::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value indices = adaptor.getIndices();
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    int64_t rank = resultType.getRank();
    MLIRContext *context = rewriter.getContext();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    emitIndexRangeCheck(
        rewriter, loc, indices,
        arith::ConstantIndexOp::create(rewriter, loc, 0),
        arith::ConstantIndexOp::create(rewriter, loc, op.getNumClasses()));

    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d + 1 < rank; ++d)
      indexExprs.push_back(getAffineDimExpr(d, context));
    Value init = createEmpty(rewriter, loc, *sizes, elementType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{indices}, ValueRange{init},
        SmallVector<AffineMap>{
            AffineMap::get(rank, 0, indexExprs, context),
            AffineMap::getMultiDimIdentityMap(rank, context)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value index =
              arith::IndexCastOp::create(b, loc, b.getIndexType(), args[0]);
          Value hot =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, index,
                                    linalg::IndexOp::create(b, loc, rank - 1));
          linalg::YieldOp::create(
              b, loc,
              arith::SelectOp::create(b, loc, hot,
                                      createConstant(b, loc, elementType, 1),
                                      createConstant(b, loc, elementType, 0))
                  .getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct IotaToLinalg : OpConversionPattern<dl::IotaOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::IotaOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    int64_t rank = resultType.getRank(), dim = op.getDim();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();
    Value init = createEmpty(rewriter, loc, *sizes, elementType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{
            AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange) {
          Value index = linalg::IndexOp::create(b, loc, dim);
          Value value;
          if (isa<FloatType>(elementType))
            value = arith::SIToFPOp::create(
                b, loc, elementType,
                arith::IndexCastOp::create(b, loc, b.getI64Type(), index));
          else
            value = arith::IndexCastOp::create(b, loc, elementType, index);
          linalg::YieldOp::create(b, loc, value);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void dl::populateIndexingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherToLinalg, ScatterAddToLoops, OneHotToLinalg, IotaToLinalg>(
      patterns.getContext());
}
