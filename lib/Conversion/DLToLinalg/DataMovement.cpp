//===- DataMovement.cpp - shape and copy ops of dl to linalg/tensor -------===//
//
// transpose -> linalg.transpose; reshape -> tensor.collapse_shape /
// expand_shape when the static structure allows, else tensor.reshape;
// broadcast_to -> a broadcasting linalg.generic; sum_to -> linalg.reduce;
// concat -> tensor.insert_slice into a tensor.empty; slice / insert_slice ->
// tensor.extract_slice / insert_slice; pad -> tensor.pad. Whatever the
// types cannot prove (element counts, windows inside tensors, extents that
// must agree) is checked at run time.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dl::lowering;

namespace {

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

struct TransposeToLinalg : OpConversionPattern<dl::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();
    Value init = createEmpty(rewriter, op.getLoc(), *sizes,
                             op.getType().getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPermutation())
                               .getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

/// The reassociation between a shape and a reshaped one of lower rank,
/// usable when it is safe with dynamic extents: in each group the two sides
/// are both static or both have dynamic extents, and at most one group has
/// dynamic extents (so that equal element counts imply equal groups).
std::optional<SmallVector<ReassociationIndices>>
getSafeReassociation(RankedTensorType high, RankedTensorType low) {
  std::optional<SmallVector<ReassociationIndices>> groups =
      getReassociationIndicesForReshape(high, low);
  if (!groups || groups->size() != (size_t)low.getRank())
    return std::nullopt;
  int64_t dynamicGroups = 0;
  for (auto [i, group] : llvm::enumerate(*groups)) {
    bool highDynamic =
        llvm::any_of(group, [&](int64_t d) { return high.isDynamicDim(d); });
    if (highDynamic != low.isDynamicDim(i))
      return std::nullopt;
    dynamicGroups += highDynamic;
  }
  if (dynamicGroups > 1)
    return std::nullopt;
  return groups;
}

struct ReshapeToTensor : OpConversionPattern<dl::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType inType = tensorType(input), outType = op.getType();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    if (!inType.hasStaticShape() || !outType.hasStaticShape()) {
      Value inCount = getProduct(rewriter, loc, getSizes(rewriter, loc, input));
      Value outCount = getProduct(rewriter, loc, *sizes);
      emitEqualityCheck(rewriter, loc, inCount, outCount,
                        "cannot reshape %lld elements into %lld");
    }
    rewriter.replaceOp(op, reshape(rewriter, loc, input, outType, *sizes));
    return success();
  }

  static Value reshape(OpBuilder &b, Location loc, Value input,
                       RankedTensorType outType, ArrayRef<OpFoldResult> sizes) {
    RankedTensorType inType = tensorType(input);
    if (inType == outType)
      return input;
    if (inType.getRank() > outType.getRank())
      if (auto groups = getSafeReassociation(inType, outType))
        return tensor::CollapseShapeOp::create(b, loc, outType, input, *groups);
    if (inType.getRank() < outType.getRank())
      if (auto groups = getSafeReassociation(outType, inType))
        return tensor::ExpandShapeOp::create(b, loc, outType, input, *groups,
                                             sizes);
    if (inType.hasStaticShape() && outType.hasStaticShape()) {
      // Through the flat vector of elements: always possible statically.
      auto flatType = RankedTensorType::get({inType.getNumElements()},
                                            inType.getElementType());
      Value flat = reshape(b, loc, input, flatType,
                           {b.getIndexAttr(inType.getNumElements())});
      return reshape(b, loc, flat, outType, sizes);
    }
    SmallVector<Value> extents;
    for (OpFoldResult size : sizes)
      extents.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
    Value shape = tensor::FromElementsOp::create(
        b, loc,
        RankedTensorType::get({(int64_t)extents.size()}, b.getIndexType()),
        extents);
    return tensor::ReshapeOp::create(b, loc, outType, input, shape);
  }
};

//===----------------------------------------------------------------------===//
// broadcast_to, sum_to
//===----------------------------------------------------------------------===//

struct BroadcastToLinalg : OpConversionPattern<dl::BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType inType = tensorType(input), outType = op.getType();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();
    int64_t lead = outType.getRank() - inType.getRank();
    for (int64_t d = 0; d < inType.getRank(); ++d) {
      if (!inType.isDynamicDim(d))
        continue;
      emitEqualityCheck(
          rewriter, loc, tensor::DimOp::create(rewriter, loc, input, d),
          getValueOrCreateConstantIndexOp(rewriter, loc, (*sizes)[lead + d]),
          "cannot broadcast extent %lld to %lld in dimension " +
              std::to_string(lead + d));
    }
    rewriter.replaceOp(
        op, broadcastTo(rewriter, loc, input, outType.getShape(), *sizes));
    return success();
  }
};

struct SumToLinalg : OpConversionPattern<dl::SumToOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::SumToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType inType = tensorType(input), outType = op.getType();
    int64_t lead = inType.getRank() - outType.getRank();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    // Summed: the leading dimensions, and those a unit result extent
    // stretches over. The latter come back as unit dimensions.
    SmallVector<int64_t> axes;
    SmallVector<OpFoldResult> keptSizes;
    SmallVector<bool> isInserted;
    for (int64_t d = 0; d < inType.getRank(); ++d) {
      bool stretched = d >= lead && outType.getDimSize(d - lead) == 1 &&
                       inType.getDimSize(d) != 1;
      if (d >= lead)
        isInserted.push_back(stretched);
      if (d < lead || stretched)
        axes.push_back(d);
      else
        keptSizes.push_back(getDimOpFoldResult(rewriter, loc, input, d));
    }
    if (axes.empty()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    Type elementType = inType.getElementType();
    Value init = createFilled(rewriter, loc, keptSizes,
                              createConstant(rewriter, loc, elementType, 0));
    Value sum = linalg::ReduceOp::create(
                    rewriter, loc, ValueRange{input}, ValueRange{init}, axes,
                    [&](OpBuilder &b, Location loc, ValueRange args) {
                      Value add =
                          isa<FloatType>(elementType)
                              ? arith::AddFOp::create(b, loc, args[0], args[1])
                                    .getResult()
                              : arith::AddIOp::create(b, loc, args[0], args[1])
                                    .getResult();
                      linalg::YieldOp::create(b, loc, add);
                    })
                    .getResult(0);
    rewriter.replaceOp(
        op, insertUnitDims(rewriter, loc, sum, outType, isInserted, *sizes));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

OpFoldResult addSizes(OpBuilder &b, Location loc, OpFoldResult x,
                      OpFoldResult y) {
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getIndexAttr(*cx + *cy);
  return arith::AddIOp::create(b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, x),
                               getValueOrCreateConstantIndexOp(b, loc, y))
      .getResult();
}

struct ConcatToInsertSlices : OpConversionPattern<dl::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t axis = op.getAxis(), rank = type.getRank();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    // Every input has the result's extents, except along the axis.
    for (Value input : adaptor.getInputs())
      for (int64_t d = 0; d < rank; ++d)
        if (d != axis && tensorType(input).isDynamicDim(d))
          emitEqualityCheck(
              rewriter, loc, tensor::DimOp::create(rewriter, loc, input, d),
              getValueOrCreateConstantIndexOp(rewriter, loc, (*sizes)[d]),
              "extents %lld and %lld of dimension " + std::to_string(d) +
                  " of concatenated tensors differ");

    Value result = createEmpty(rewriter, loc, *sizes, type.getElementType());
    OpFoldResult offset = rewriter.getIndexAttr(0);
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    for (Value input : adaptor.getInputs()) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = offset;
      SmallVector<OpFoldResult> inputSizes = getSizes(rewriter, loc, input);
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, inputSizes, strides);
      offset = addSizes(rewriter, loc, offset, inputSizes[axis]);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// slice, insert_slice
//===----------------------------------------------------------------------===//

/// Checks at run time that a strided window lies inside `whole`, for every
/// dimension that the verifier could not check statically.
void emitWindowChecks(OpBuilder &b, Location loc, Value whole,
                      ArrayRef<OpFoldResult> offsets,
                      ArrayRef<OpFoldResult> sizes,
                      ArrayRef<OpFoldResult> strides) {
  RankedTensorType type = tensorType(whole);
  for (int64_t d = 0; d < type.getRank(); ++d) {
    bool allStatic = !type.isDynamicDim(d) && getConstantIntValue(offsets[d]) &&
                     getConstantIntValue(sizes[d]) &&
                     getConstantIntValue(strides[d]);
    if (allStatic)
      continue;
    auto value = [&](OpFoldResult v) {
      return getValueOrCreateConstantIndexOp(b, loc, v);
    };
    Value offset = value(offsets[d]), size = value(sizes[d]),
          stride = value(strides[d]);
    Value extent = getDimValue(b, loc, whole, d);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
      return arith::CmpIOp::create(b, loc, p, x, y).getResult();
    };
    // size == 0, or offset >= 0, stride >= 1 and the last element
    // offset + (size - 1) * stride < extent; and size >= 0 in any case.
    Value last = arith::AddIOp::create(
        b, loc, offset,
        arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, size, one),
                              stride));
    Value inside = arith::AndIOp::create(
        b, loc,
        arith::AndIOp::create(b, loc,
                              cmp(arith::CmpIPredicate::sge, offset, zero),
                              cmp(arith::CmpIPredicate::sge, stride, one)),
        cmp(arith::CmpIPredicate::slt, last, extent));
    Value ok = arith::AndIOp::create(
        b, loc, cmp(arith::CmpIPredicate::sge, size, zero),
        arith::OrIOp::create(b, loc, cmp(arith::CmpIPredicate::eq, size, zero),
                             inside));
    emitCheck(b, loc, ok,
              "window (offset %lld, size %lld, stride %lld) is out of bounds "
              "of dimension " +
                  std::to_string(d) + " of extent %lld",
              {offset, size, stride, extent});
  }
}

struct SliceToExtractSlice : OpConversionPattern<dl::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> offsets =
        getMixedValues(op.getStaticOffsets(), adaptor.getOffsets(), rewriter);
    SmallVector<OpFoldResult> sizes =
        getMixedValues(op.getStaticSizes(), adaptor.getSizes(), rewriter);
    SmallVector<OpFoldResult> strides =
        getMixedValues(op.getStaticStrides(), adaptor.getStrides(), rewriter);
    emitWindowChecks(rewriter, loc, adaptor.getInput(), offsets, sizes,
                     strides);
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, op.getType(), adaptor.getInput(), offsets, sizes, strides);
    return success();
  }
};

struct InsertSliceToTensor : OpConversionPattern<dl::InsertSliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::InsertSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value source = adaptor.getSource();
    SmallVector<OpFoldResult> offsets =
        getMixedValues(op.getStaticOffsets(), adaptor.getOffsets(), rewriter);
    SmallVector<OpFoldResult> sizes =
        getMixedValues(op.getStaticSizes(), adaptor.getSizes(), rewriter);
    SmallVector<OpFoldResult> strides =
        getMixedValues(op.getStaticStrides(), adaptor.getStrides(), rewriter);
    emitWindowChecks(rewriter, loc, adaptor.getDest(), offsets, sizes, strides);
    for (int64_t d = 0, e = tensorType(source).getRank(); d < e; ++d)
      if (tensorType(source).isDynamicDim(d))
        emitEqualityCheck(
            rewriter, loc, tensor::DimOp::create(rewriter, loc, source, d),
            getValueOrCreateConstantIndexOp(rewriter, loc, sizes[d]),
            "source extent %lld differs from the window size %lld in "
            "dimension " +
                std::to_string(d));
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        op, source, adaptor.getDest(), offsets, sizes, strides);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// pad
//===----------------------------------------------------------------------===//

struct PadToTensor : OpConversionPattern<dl::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value padValue = arith::ConstantOp::create(rewriter, loc, op.getValue());
    SmallVector<OpFoldResult> low =
        getAsIndexOpFoldResult(rewriter.getContext(), op.getLow());
    SmallVector<OpFoldResult> high =
        getAsIndexOpFoldResult(rewriter.getContext(), op.getHigh());
    rewriter.replaceOpWithNewOp<tensor::PadOp>(
        op, op.getType(), adaptor.getInput(), low, high, padValue);
    return success();
  }
};

} // namespace

void dl::populateDataMovementToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<TransposeToLinalg, ReshapeToTensor, BroadcastToLinalg,
               SumToLinalg, ConcatToInsertSlices, SliceToExtractSlice,
               InsertSliceToTensor, PadToTensor>(patterns.getContext());
}
