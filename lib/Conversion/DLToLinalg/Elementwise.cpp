//===- Elementwise.cpp - elementwise dl ops to linalg.generic -------------===//
//
// One pattern for every op of ElementwiseOpInterface: a linalg.generic over
// the result whose operands are read through broadcasting indexing maps and
// whose body is the op's buildScalar. Chains of these fuse into one loop
// nest with linalg-fuse-elementwise-ops.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dl::lowering;

namespace {

struct ElementwiseToGeneric
    : OpInterfaceConversionPattern<dl::ElementwiseOpInterface> {
  using OpInterfaceConversionPattern::OpInterfaceConversionPattern;

  LogicalResult
  matchAndRewrite(dl::ElementwiseOpInterface op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op->getLoc();
    if (op->getNumResults() != 1)
      return rewriter.notifyMatchFailure(op, "expects one result");
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "expects a ranked tensor result");
    FailureOr<SmallVector<OpFoldResult>> sizes = reifyResultSizes(rewriter, op);
    if (failed(sizes))
      return failure();

    int64_t rank = resultType.getRank();
    emitBroadcastChecks(rewriter, loc, operands, rank);

    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineMap> maps;
    for (Value operand : operands)
      maps.push_back(getBroadcastMap(context, tensorType(operand).getShape(),
                                     resultType.getShape()));
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, context));
    Value init =
        createEmpty(rewriter, loc, *sizes, resultType.getElementType());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, operands, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value result = op.buildScalar(b, loc, args.drop_back());
          linalg::YieldOp::create(b, loc, result);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void dl::populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseToGeneric>(patterns.getContext());
}
