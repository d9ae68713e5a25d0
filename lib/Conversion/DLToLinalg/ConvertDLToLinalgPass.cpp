//===- ConvertDLToLinalgPass.cpp - the convert-dl-to-linalg pass ----------===//

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dl {
#define GEN_PASS_DEF_CONVERTDLTOLINALG
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

void dl::populateDLToLinalgPatterns(RewritePatternSet &patterns) {
  populateElementwiseToLinalgPatterns(patterns);
  populateMatmulToLinalgPatterns(patterns);
  populateReductionsToLinalgPatterns(patterns);
  populateDataMovementToLinalgPatterns(patterns);
  populateIndexingToLinalgPatterns(patterns);
  populateSoftmaxToLinalgPatterns(patterns);
  populateChecksToLinalgPatterns(patterns);
  populateCheckFiniteToLinalgPatterns(patterns);
  populateConstantsToLinalgPatterns(patterns);
  populateRandomToLinalgPatterns(patterns);
  populateOrthogonalizeToLinalgPatterns(patterns);
}

namespace {

struct ConvertDLToLinalgPass
    : dl::impl::ConvertDLToLinalgBase<ConvertDLToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addIllegalDialect<dl::DLDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(context);
    dl::populateDLToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
