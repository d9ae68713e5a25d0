//===- Pipelines.h - the dl lowering pipelines ------------------*- C++ -*-===//
//
// dl-to-linalg-pipeline: dl functions -> fused linalg on tensors.
// dl-linalg-to-llvm-pipeline: linalg on tensors -> the LLVM dialect, with
//   packed entry points.
// dl-cpu-pipeline: both.
// docs/pipeline.md describes every stage, pass and option.
//
//===----------------------------------------------------------------------===//
#ifndef DL_CONVERSION_PIPELINES_H
#define DL_CONVERSION_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace dl {

/// Options of the CPU pipelines. Later stages (tiling, vectorization,
/// multi-threading) add their options here; the stage functions of
/// Pipelines.cpp say where they run.
struct CPUPipelineOptions : mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> mathApproximation{
      *this, "math-approximation",
      llvm::cl::desc("Replace f32 tanh, erf, exp, log and log1p by "
                     "vectorizable polynomials (dl-math-approximation)"),
      llvm::cl::init(true)};
  Option<bool> checkNumerics{
      *this, "check-numerics",
      llvm::cl::desc("Check every floating-point result of a dl op for NaN "
                     "and infinities at run time (dl-check-numerics): the "
                     "call fails at the first one, naming the op and its "
                     "source location"),
      llvm::cl::init(false)};
};

/// Inlining, cleanup, convert-dl-to-linalg and elementwise fusion (and
/// dl-check-numerics with `check-numerics`).
void buildDLToLinalgPipeline(
    mlir::OpPassManager &pm,
    const CPUPipelineOptions &options = CPUPipelineOptions());

/// Bufferization, deallocation, loops, and the lowering to the LLVM
/// dialect, ending with dl-emit-entry-points.
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm,
                               const CPUPipelineOptions &options);

/// buildDLToLinalgPipeline then buildLinalgToLLVMPipeline.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options);

/// Registers dl-to-linalg-pipeline, dl-linalg-to-llvm-pipeline and
/// dl-cpu-pipeline for command-line tools.
void registerPipelines();

} // namespace dl

#endif // DL_CONVERSION_PIPELINES_H
