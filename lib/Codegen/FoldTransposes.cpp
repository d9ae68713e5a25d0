//===- FoldTransposes.cpp - the dl-fold-transposes pass -------------------===//
//
// A contraction that reads a linalg.transpose reads the transpose's input
// instead, through the composed indexing map: the contraction becomes a
// linalg.generic (a named op is generalized first). The transpose stays if
// it has other users and is deleted otherwise.
//
//===----------------------------------------------------------------------===//

#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dl {
#define GEN_PASS_DEF_DLFOLDTRANSPOSES
#include "DL/DLCodegenPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

/// The map that reads the transpose's input, given the map that reads its
/// result: result dimension i of a transpose is input dimension perm[i].
static AffineMap composeWithTranspose(AffineMap map,
                                      ArrayRef<int64_t> permutation) {
  SmallVector<AffineExpr> results(map.getNumResults());
  for (auto [i, p] : llvm::enumerate(permutation))
    results[p] = map.getResult(i);
  return AffineMap::get(map.getNumDims(), map.getNumSymbols(), results,
                        map.getContext());
}

struct FoldTransposeIntoContraction
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
      return rewriter.notifyMatchFailure(op, "not a contraction on tensors");
    SmallVector<std::pair<unsigned, linalg::TransposeOp>> transposes;
    for (OpOperand *input : op.getDpsInputOperands())
      if (auto transpose = input->get().getDefiningOp<linalg::TransposeOp>())
        transposes.push_back({input->getOperandNumber(), transpose});
    if (transposes.empty())
      return rewriter.notifyMatchFailure(op, "no transposed operand");

    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        return rewriter.notifyMatchFailure(op, "cannot generalize");
      generic = *generalized;
    }
    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    rewriter.modifyOpInPlace(generic, [&] {
      for (auto [index, transpose] : transposes) {
        maps[index] =
            composeWithTranspose(maps[index], transpose.getPermutation());
        generic->setOperand(index, transpose.getInput());
      }
      generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

struct DLFoldTransposesPass
    : dl::impl::DLFoldTransposesBase<DLFoldTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldTransposeIntoContraction>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
