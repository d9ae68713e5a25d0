//===- Pipelines.cpp - the dl lowering pipelines --------------------------===//
//
// The pipelines are built from stages, each a function below, in the order
// they run. The places where tiling, vectorization and multi-threading will
// go are the stages addLinalgFusion (tiling and fusion on tensors),
// addLoopLowering (vectorization, scf.forall and its lowering to threads).
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Pipelines.h"

#include "dl/Codegen/Passes.h"
#include "dl/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dl {

namespace {

/// Stage 1: derivatives (dl.grad becomes dl ops, dl-autodiff), then cleanup
/// of the dl functions.
void addDLCleanup(OpPassManager &pm) {
  pm.addPass(createDLAutodiff());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Stage 2: one function per entry point (private helpers are inlined into
/// their callers and deleted, so that every later pass sees whole entry
/// functions: fusion across calls, no call boundaries to bufferize), then
/// dl to linalg, tensor, arith, math and scf, on tensors. With
/// check-numerics, the NaN/Inf checks go in last at the dl level: after
/// dl-autodiff (derivatives are checked too), inlining and canonicalization
/// (only ops that are computed get a check, and dl patterns never see one).
void addDLToLinalg(OpPassManager &pm, const CPUPipelineOptions &options) {
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  if (options.checkNumerics)
    pm.addPass(createDLCheckNumerics());
  pm.addPass(createConvertDLToLinalg());
  pm.addPass(createCanonicalizerPass());
}

/// Stage 3: fusion on tensors. Elementwise chains (and the elementwise
/// producers of reductions) become one linalg.generic. Tiling and fusion
/// into tiles of matmuls and reductions go here.
void addLinalgFusion(OpPassManager &pm) {
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createDLFoldTransposes());
}

/// Stage 4: tensors to buffers. Function boundaries take and return
/// memrefs with the identity layout, as the runtime ABI passes them;
/// arguments are read-only except those an entry updates in place, whose
/// new values are computed in their buffers (dl-prepare-in-place-updates,
/// dl-drop-in-place-results);
/// buffers that are not returned are freed with the ownership-based
/// deallocation, which needs no garbage at the end of a call. Copies
/// become linalg.copy, lowered with the other linalg ops.
void addBufferization(OpPassManager &pm) {
  pm.addPass(createDLPrepareInPlaceUpdates());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createDLDropInPlaceResults());
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createDLMemRefCopyToLinalg());
  pm.addPass(createCanonicalizerPass());
}

/// Stage 5: linalg to loops, then to a CFG. Vectorization runs here, before
/// convert-linalg-to-loops; threads (scf.forall / scf.parallel lowered to
/// OpenMP or runtime calls) before convert-scf-to-cf.
void addLoopLowering(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createDLVectorizeContractions());
  pm.addNestedPass<func::FuncOp>(createDLParallelizeElementwise());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createDLParallelToRuntime());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Stage 6: math functions. f32 polynomials where they are accurate
/// (dl-math-approximation); then the LLVM intrinsics (sqrt, floor, fabs, exp,
/// ... which LLVM lowers to instructions or vectorizable libm calls); then
/// libm calls for what remains (erf, log1p, ...). convert-math-to-libm
/// runs last because it would also turn sqrt, floor and fabs into calls,
/// and rsqrt into a call of a function libm does not have;
/// approximate-log1p=false keeps log1p accurate near 0 (libm's log1p).
void addMathLowering(OpPassManager &pm, const CPUPipelineOptions &options) {
  if (options.mathApproximation)
    pm.addPass(createDLMathApproximation());
  ConvertMathToLLVMPassOptions mathToLLVM;
  mathToLLVM.approximateLog1p = false;
  pm.addPass(createConvertMathToLLVMPass(mathToLLVM));
  pm.addPass(createConvertMathToLibmPass());
}

/// Stage 7: everything to the LLVM dialect. Memory comes from the runtime
/// (use-generic-functions): _mlir_memref_to_llvm_aligned_alloc
/// (use-aligned-alloc), so that a buffer's allocated and aligned pointers
/// are equal and the runtime can hand a result over without a copy, and
/// _mlir_memref_to_llvm_free. Entry points get their C interface and then
/// their packed wrapper.
void addLLVMLowering(OpPassManager &pm) {
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  memrefToLLVM.useAlignedAlloc = true;
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createDLPrepareEntryPoints());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createDLEmitEntryPoints());
  pm.addPass(createCanonicalizerPass());
}

} // namespace

void buildDLToLinalgPipeline(OpPassManager &pm,
                             const CPUPipelineOptions &options) {
  addDLCleanup(pm);
  addDLToLinalg(pm, options);
  addLinalgFusion(pm);
}

void buildLinalgToLLVMPipeline(OpPassManager &pm,
                               const CPUPipelineOptions &options) {
  addBufferization(pm);
  addLoopLowering(pm);
  addMathLowering(pm, options);
  addLLVMLowering(pm);
}

void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options) {
  buildDLToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm, options);
}

void registerPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "dl-to-linalg-pipeline", "Lower dl functions to fused linalg on tensors",
      buildDLToLinalgPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "dl-linalg-to-llvm-pipeline",
      "Lower linalg on tensors to the LLVM dialect with packed entry points",
      buildLinalgToLLVMPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "dl-cpu-pipeline", "Lower dl functions to the LLVM dialect for the CPU",
      buildCPUPipeline);
}

} // namespace dl
