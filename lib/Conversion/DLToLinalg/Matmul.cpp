//===- Matmul.cpp - dl.matmul to linalg contractions ----------------------===//
//
// torch.matmul semantics on named linalg ops, whose structure later tiling
// and vectorization recognize:
//   [K] @ [K]           -> linalg.dot
//   [M, K] @ [K]        -> linalg.matvec
//   [K] @ [K, N]        -> linalg.vecmat
//   [M, K] @ [K, N]     -> linalg.matmul
//   [B..., M, K] @ [K, N] or [K]
//                       -> the batch dimensions collapsed into M, one
//                          linalg.matmul or linalg.matvec, expanded back
//   anything else       -> both operands broadcast to the common batch
//                          shape, batch dimensions collapsed into one,
//                          linalg.batch_matmul, expanded back
// Accumulators start from a linalg.fill of zero. Contracted extents that
// are not statically equal are checked at run time.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dl::lowering;

namespace {

/// The reassociation collapsing dimensions [0, count) into one and keeping
/// the others.
SmallVector<ReassociationIndices> collapseLeading(int64_t rank, int64_t count) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices first;
  for (int64_t d = 0; d < count; ++d)
    first.push_back(d);
  groups.push_back(first);
  for (int64_t d = count; d < rank; ++d)
    groups.push_back({d});
  return groups;
}

Value collapseLeadingDims(OpBuilder &b, Location loc, Value value,
                          int64_t count) {
  if (count == 1)
    return value;
  return tensor::CollapseShapeOp::create(
      b, loc, value, collapseLeading(tensorType(value).getRank(), count));
}

struct MatmulToLinalg : OpConversionPattern<dl::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    RankedTensorType lhsType = tensorType(lhs), rhsType = tensorType(rhs);
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    // The contracted extents must agree.
    int64_t rhsK = rhsRank == 1 ? 0 : rhsRank - 2;
    emitEqualityCheck(rewriter, loc,
                      getDimValue(rewriter, loc, lhs, lhsRank - 1),
                      getDimValue(rewriter, loc, rhs, rhsK),
                      "contracted extents %lld and %lld of matmul differ");

    Value zero = createConstant(rewriter, loc, elementType, 0);
    auto zeroFilled = [&](ArrayRef<OpFoldResult> extents) {
      return createFilled(rewriter, loc, extents, zero);
    };

    Value result;
    if (lhsRank == 1 && rhsRank == 1) {
      result = linalg::DotOp::create(rewriter, loc, ValueRange{lhs, rhs},
                                     ValueRange{zeroFilled({})})
                   .getResult(0);
    } else if (lhsRank == 1 && rhsRank == 2) {
      result = linalg::VecmatOp::create(rewriter, loc, ValueRange{lhs, rhs},
                                        ValueRange{zeroFilled(*sizes)})
                   .getResult(0);
    } else if (rhsRank <= 2) {
      // [B..., M, K] @ [K, N] or [K]: fold the batch dimensions into M.
      Value rows = collapseLeadingDims(rewriter, loc, lhs, lhsRank - 1);
      SmallVector<OpFoldResult> flatSizes = {
          getDimOpFoldResult(rewriter, loc, rows, 0)};
      if (rhsRank == 2)
        flatSizes.push_back(getDimOpFoldResult(rewriter, loc, rhs, 1));
      Value init = zeroFilled(flatSizes);
      if (rhsRank == 2)
        result = linalg::MatmulOp::create(rewriter, loc, ValueRange{rows, rhs},
                                          ValueRange{init})
                     .getResult(0);
      else
        result = linalg::MatvecOp::create(rewriter, loc, ValueRange{rows, rhs},
                                          ValueRange{init})
                     .getResult(0);
      if (lhsRank > 2)
        result = tensor::ExpandShapeOp::create(
            rewriter, loc, resultType, result,
            collapseLeading(resultType.getRank(), lhsRank - 1), *sizes);
    } else {
      result = lowerBatched(rewriter, loc, op, lhs, rhs, *sizes);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  /// The general case: the right operand has batch dimensions.
  static Value lowerBatched(OpBuilder &b, Location loc, dl::MatmulOp op,
                            Value lhs, Value rhs,
                            ArrayRef<OpFoldResult> resultSizes) {
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    bool lhsVector = tensorType(lhs).getRank() == 1;
    bool rhsVector = tensorType(rhs).getRank() == 1;
    // Vectors become matrices with a unit dimension, removed at the end.
    if (lhsVector)
      lhs = insertUnitDims(
          b, loc, lhs,
          RankedTensorType::get({1, tensorType(lhs).getDimSize(0)},
                                elementType),
          {true, false},
          {b.getIndexAttr(1), getDimOpFoldResult(b, loc, lhs, 0)});
    if (rhsVector)
      rhs = insertUnitDims(
          b, loc, rhs,
          RankedTensorType::get({tensorType(rhs).getDimSize(0), 1},
                                elementType),
          {false, true},
          {getDimOpFoldResult(b, loc, rhs, 0), b.getIndexAttr(1)});
    RankedTensorType lhsType = tensorType(lhs), rhsType = tensorType(rhs);
    int64_t batchRank = std::max(lhsType.getRank(), rhsType.getRank()) - 2;

    // The common batch shape, that of the result (inferred by the op); the
    // dynamic extents that meet in it must agree at run time.
    ArrayRef<int64_t> lhsBatch = lhsType.getShape().drop_back(2);
    ArrayRef<int64_t> rhsBatch = rhsType.getShape().drop_back(2);
    ArrayRef<int64_t> batchShape =
        resultType.getShape().take_front(batchRank);
    SmallVector<OpFoldResult> batchSizes(resultSizes.take_front(batchRank));
    for (int64_t j = 0; j < batchRank; ++j) {
      int64_t li = j - (batchRank - (int64_t)lhsBatch.size());
      int64_t ri = j - (batchRank - (int64_t)rhsBatch.size());
      if (li < 0 || ri < 0 || !ShapedType::isDynamic(lhsBatch[li]) ||
          !ShapedType::isDynamic(rhsBatch[ri]))
        continue;
      emitEqualityCheck(b, loc, tensor::DimOp::create(b, loc, lhs, li),
                        tensor::DimOp::create(b, loc, rhs, ri),
                        "batch extents %lld and %lld of dimension " +
                            std::to_string(j) + " of matmul differ");
    }

    // Both operands broadcast to [batch..., rows, columns].
    auto broadcastOperand = [&](Value operand) {
      RankedTensorType type = tensorType(operand);
      SmallVector<int64_t> shape(batchShape);
      shape.append({type.getDimSize(type.getRank() - 2),
                    type.getDimSize(type.getRank() - 1)});
      SmallVector<OpFoldResult> extents(batchSizes);
      extents.push_back(
          getDimOpFoldResult(b, loc, operand, type.getRank() - 2));
      extents.push_back(
          getDimOpFoldResult(b, loc, operand, type.getRank() - 1));
      return broadcastTo(b, loc, operand, shape, extents);
    };
    Value lhs3 = collapseLeadingDims(b, loc, broadcastOperand(lhs), batchRank);
    Value rhs3 = collapseLeadingDims(b, loc, broadcastOperand(rhs), batchRank);

    SmallVector<OpFoldResult> extents = {getDimOpFoldResult(b, loc, lhs3, 0),
                                         getDimOpFoldResult(b, loc, lhs3, 1),
                                         getDimOpFoldResult(b, loc, rhs3, 2)};
    Value init =
        createFilled(b, loc, extents, createConstant(b, loc, elementType, 0));
    Value product = linalg::BatchMatmulOp::create(
                        b, loc, ValueRange{lhs3, rhs3}, ValueRange{init})
                        .getResult(0);

    // Back to [batch..., M, N], then without the vectors' unit dimensions.
    SmallVector<int64_t> fullShape(batchShape);
    fullShape.append({lhsType.getDimSize(lhsType.getRank() - 2),
                      rhsType.getDimSize(rhsType.getRank() - 1)});
    SmallVector<OpFoldResult> fullSizes(batchSizes);
    fullSizes.push_back(lhsVector ? b.getIndexAttr(1) : resultSizes[batchRank]);
    fullSizes.push_back(rhsVector ? b.getIndexAttr(1) : resultSizes.back());
    Value full = product;
    if (batchRank != 1)
      full = tensor::ExpandShapeOp::create(
          b, loc, RankedTensorType::get(fullShape, elementType), product,
          collapseLeading(batchRank + 2, batchRank), fullSizes);
    SmallVector<bool> isRemoved(batchRank, false);
    isRemoved.append({lhsVector, rhsVector});
    return dropUnitDims(b, loc, full, isRemoved);
  }
};

} // namespace

void dl::populateMatmulToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulToLinalg>(patterns.getContext());
}
