//===- DLCodegenPasses.td - code generation passes of dlc --*- tablegen -*-===//
//
// The passes that make generated code fast: contractions folded with their
// transposes (on tensors), register-blocked vector kernels for contractions,
// vectorized elementwise and reduction loops, and parallel loops run by the
// runtime's thread pool (on buffers). docs/pipeline.md, "Code generation",
// says where each runs; docs/performance.md what it gains.
//
//===----------------------------------------------------------------------===//

#ifndef DL_CODEGEN_PASSES_TD
#define DL_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def DLFoldTransposes : Pass<"dl-fold-transposes"> {
  let summary = "Read the operands of contractions through their transposes";
  let description = [{
    Runs on tensors, after elementwise fusion. A `linalg.transpose` whose
    result is an input of a contraction (`linalg.matmul`,
    `linalg.batch_matmul`, or a `linalg.generic` whose body multiplies and
    adds) is folded into the contraction's indexing map, so that the
    contraction reads the transposed operand where it lies; the contraction
    becomes a `linalg.generic` with the composed maps. `x^T @ w` and
    `x @ w^T`, which gradients of matmuls produce, no longer copy a
    transposed matrix, and `dl-vectorize-contractions` packs the operand in
    the order it needs instead. A transpose with other users stays for them.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def DLVectorizeContractions : Pass<"dl-vectorize-contractions",
                                   "mlir::func::FuncOp"> {
  let summary = "Tile, pack and vectorize floating-point contractions on buffers";
  let description = [{
    Runs on buffers, before `convert-linalg-to-loops`. Every linalg
    contraction with one M, one N and one K dimension and any number of
    batch dimensions (`linalg.matmul`, `linalg.batch_matmul`, generics with
    transposed operands, from `dl-fold-transposes`) on f32 or f64 memrefs
    whose result is contiguous along N (or along M: the roles of the two
    operands are then swapped) becomes:

    1. packing: the right operand B is copied into panels of `nr` columns,
       K rows each (`[batch][panel][k][nr]`, the last panel padded with
       zeros), in an `scf.forall` over batches and panels;
    2. a cache-blocked loop nest: an `scf.forall` over batches and
       `mc` x `nc` blocks of the result, then K in steps of `kc`, panels of
       `nr` columns, and rows in steps of `mr`;
    3. a register-blocked kernel: `mr` x `nr` accumulators (vectors of
       `vector-bits`) loaded from the result, an `scf.for` over K that
       broadcasts one element of A per row and multiplies it with one row of
       the packed panel (`vector.fma`), then stored back. Rows left over
       after the multiples of `mr` use kernels of 4 and 1 rows; columns past
       N are masked.

    Each element of the result is accumulated over K in order by one
    thread, so results do not depend on the number of threads. The
    `scf.forall` loops carry `dl.parallel_cost` (work per iteration) for
    `dl-parallel-to-runtime`. Contractions of other element types or
    shapes are left alone.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Width of the vector registers in bits">,
    Option<"mr", "mr", "int64_t", /*default=*/"8",
           "Rows of the register tile">,
    Option<"nrVectors", "nr-vectors", "int64_t", /*default=*/"2",
           "Columns of the register tile, in vectors">,
    Option<"mc", "mc", "int64_t", /*default=*/"128",
           "Rows of a cache block (a multiple of mr)">,
    Option<"nc", "nc", "int64_t", /*default=*/"256",
           "Columns of a cache block (rounded to a multiple of the "
           "register tile)">,
    Option<"kc", "kc", "int64_t", /*default=*/"256",
           "Depth of a cache block">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
}

def DLParallelizeElementwise : Pass<"dl-parallelize-elementwise",
                                    "mlir::func::FuncOp"> {
  let summary = "Run elementwise linalg ops on buffers as parallel loops";
  let description = [{
    Runs on buffers, after `dl-vectorize-contractions` and before
    `convert-linalg-to-loops`. A linalg op whose iterators are all parallel
    (elementwise generics, fills, copies, transposes, broadcasts) becomes an
    `scf.forall` over every dimension but the innermost, whose body is a
    sequential `scf.for` over the innermost dimension (contiguous, which
    LLVM vectorizes); a one-dimensional op becomes an `scf.forall` over its
    elements (each thread then runs one contiguous range of them). The
    loop's `dl.parallel_cost` is the innermost extent times the number of
    operations in the body (256 for a dynamic extent), so that
    `dl-parallel-to-runtime` runs small ops on one thread. Ops with
    reduction iterators are left to `convert-linalg-to-loops`: their
    summation order stays the one of the sequential loops. Every element is
    computed by exactly one iteration, so results do not depend on the
    number of threads.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def DLParallelToRuntime : Pass<"dl-parallel-to-runtime", "mlir::ModuleOp"> {
  let summary = "Run parallel loops on the runtime's thread pool";
  let description = [{
    Runs on buffers, before `convert-scf-to-cf`. The body of every
    outermost `scf.forall` without shared outputs (an N-d loop nest, taken
    as one loop over the linearized iterations) becomes a private function
    `<func>.parallel<i>(ctx, begin, end)` that runs iterations
    `[begin, end)`, and the loop becomes a call of the runtime's

    ```c
    void dlrt_parallel_for(int64_t n, int64_t cost,
                           void (*body)(void *ctx, int64_t begin, int64_t end),
                           void *ctx);
    ```

    (include/dl/parallel.h), with `ctx` pointing to a stack struct holding
    the values the body uses (memref descriptors, indices, scalars), stored
    and loaded as their LLVM types. `cost` is the loop's `dl.parallel_cost`
    attribute (work of one iteration; 1000000 when absent): the runtime
    runs small loops on the calling thread.

    A body that calls functions or allocates memory stays a sequential
    loop: the runtime's allocator and `dlrt_fail` belong to the thread that
    entered the generated code.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::func::FuncDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

#endif // DL_CODEGEN_PASSES_TD
