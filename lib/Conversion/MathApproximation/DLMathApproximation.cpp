//===- DLMathApproximation.cpp - the dl-math-approximation pass -----------===//
//
// Replaces f32 transcendental functions by MLIR's polynomial approximations
// (arith ops that LLVM vectorizes) where they are as accurate as libm for
// our purposes. The set was chosen by measuring every approximation against
// libm in double precision over wide input ranges (docs/pipeline.md has the
// numbers): only those within about 2 ulp, or 1e-6 relative error, are
// enabled. Other functions, and every other element type, stay math ops and
// become libm calls or LLVM intrinsics later.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/StringSwitch.h"

namespace dl {
#define GEN_PASS_DEF_DLMATHAPPROXIMATION
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

/// Whether the approximation of the math op named `name` ("math.tanh") is
/// accurate enough. Measured against libm in double precision on 4 million
/// points each (docs/pipeline.md): tanh 4 ulp, erf 5 ulp, exp 5 ulp, log 1
/// ulp, log1p 2 ulp, all below 3.2e-7 relative error on normal floats.
/// Not enabled: sin and cos (large relative error near their zeros), atan
/// (40 ulp), cbrt (12 ulp), expm1 (overflows early), asin, acos, erfc,
/// log2, atan2 and rsqrt, which no dl op uses.
bool isAccurateEnough(StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases({"math.tanh", "math.erf", "math.exp", "math.log", "math.log1p"},
             true)
      .Default(false);
}

struct DLMathApproximationPass
    : dl::impl::DLMathApproximationBase<DLMathApproximationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, isAccurateEnough);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
