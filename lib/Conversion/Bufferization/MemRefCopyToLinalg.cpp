//===- MemRefCopyToLinalg.cpp - the dl-memref-copy-to-linalg pass ---------===//
//
// memref.copy between strided views would lower to a call of `memrefCopy`
// (MLIR's C runner utilities), which compiled DL code does not link; as
// linalg.copy it becomes loops.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dl {
#define GEN_PASS_DEF_DLMEMREFCOPYTOLINALG
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                op.getTarget());
    return success();
  }
};

struct DLMemRefCopyToLinalgPass
    : dl::impl::DLMemRefCopyToLinalgBase<DLMemRefCopyToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CopyToLinalg>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
