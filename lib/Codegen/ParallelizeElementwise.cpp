//===- ParallelizeElementwise.cpp - the dl-parallelize-elementwise pass ---===//
//
// Elementwise linalg ops on buffers become
//
//   scf.forall (outer dimensions) { scf.for (innermost dimension) { body } }
//
// (an scf.forall over the elements for one dimension), with the work of
// one iteration in dl.parallel_cost for dl-parallel-to-runtime.
//
//===----------------------------------------------------------------------===//

#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace dl {
#define GEN_PASS_DEF_DLPARALLELIZEELEMENTWISE
#include "DL/DLCodegenPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

constexpr int64_t kDynamicExtentGuess = 256;

static bool isParallelOnBuffers(linalg::LinalgOp op) {
  return op.hasPureBufferSemantics() && op.getNumLoops() >= 1 &&
         llvm::all_of(op.getIteratorTypesArray(), linalg::isParallelIterator);
}

/// Rewrites the scf.parallel nest that linalgOpToParallelLoops made.
static void toForall(RewriterBase &rewriter, scf::ParallelOp parallel,
                     int64_t bodyOps) {
  Location loc = parallel.getLoc();
  rewriter.setInsertionPoint(parallel);
  size_t rank = parallel.getNumLoops();
  size_t outer = rank == 1 ? 1 : rank - 1;
  SmallVector<OpFoldResult> lbs, ubs, steps;
  for (size_t d = 0; d < outer; ++d) {
    lbs.push_back(parallel.getLowerBound()[d]);
    ubs.push_back(parallel.getUpperBound()[d]);
    steps.push_back(parallel.getStep()[d]);
  }
  int64_t inner = 1;
  if (rank > 1) {
    std::optional<int64_t> lb =
        getConstantIntValue(parallel.getLowerBound()[rank - 1]);
    std::optional<int64_t> ub =
        getConstantIntValue(parallel.getUpperBound()[rank - 1]);
    inner = lb && ub ? std::max<int64_t>(1, *ub - *lb) : kDynamicExtentGuess;
  }
  auto forall = scf::ForallOp::create(rewriter, loc, lbs, ubs, steps,
                                      ValueRange{}, std::nullopt);
  forall->setAttr(dl::kParallelCostAttr,
                  rewriter.getI64IntegerAttr(inner * bodyOps));
  IRMapping mapping;
  for (size_t d = 0; d < outer; ++d)
    mapping.map(parallel.getInductionVars()[d], forall.getInductionVars()[d]);
  rewriter.setInsertionPointToStart(forall.getBody());
  if (rank > 1) {
    auto loop = scf::ForOp::create(rewriter, loc,
                                   parallel.getLowerBound()[rank - 1],
                                   parallel.getUpperBound()[rank - 1],
                                   parallel.getStep()[rank - 1]);
    mapping.map(parallel.getInductionVars()[rank - 1],
                loop.getInductionVar());
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  for (Operation &op : parallel.getBody()->without_terminator())
    rewriter.clone(op, mapping);
  rewriter.eraseOp(parallel);
}

struct DLParallelizeElementwisePass
    : dl::impl::DLParallelizeElementwiseBase<DLParallelizeElementwisePass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isParallelOnBuffers(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      int64_t bodyOps =
          std::max<int64_t>(1, op.getBlock()->getOperations().size());
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          linalg::linalgOpToParallelLoops(rewriter, op);
      if (failed(loops)) {
        op.emitError("cannot lower this op to parallel loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
      if (loops->empty())
        continue;
      auto parallel = dyn_cast<scf::ParallelOp>(loops->front());
      if (!parallel || parallel.getNumReductions() != 0)
        continue;
      toForall(rewriter, parallel, bodyOps);
    }
  }
};

} // namespace
