//===- DLPasses.td - passes of the dl compiler -------------*- tablegen -*-===//

#ifndef DL_PASSES_TD
#define DL_PASSES_TD

include "mlir/Pass/PassBase.td"

def DLAutodiff : Pass<"dl-autodiff", "mlir::ModuleOp"> {
  let summary = "Replace dl.grad by generated reverse-mode derivatives";
  let description = [{
    For each `dl.grad @f(args) wrt [...]`, generates (once per callee and
    wrt list) a private function of dl ops computing `f`'s results and the
    gradients of its first result with respect to the chosen arguments,
    and replaces the op by a call to it, inlined. The function holds the
    forward computation followed by its reverse: walking `f`'s ops backwards,
    each op that implements `DifferentiableOpInterface` turns the cotangents
    of its results into cotangents of its operands; cotangents of a value
    used several times add up. Values that are not floating point, and
    `dl.stop_gradient`, carry no gradient. Nested `dl.grad` ops are
    differentiated innermost first, so higher derivatives work.
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def DLRetypeToF64 : Pass<"dl-retype-to-f64", "mlir::ModuleOp"> {
  let summary = "Clone functions with every f32 tensor made f64";
  let description = [{
    For each function named in `functions`, adds a copy named
    `<name>.f64` in which every f32 tensor (arguments, results, constants,
    padding values) is f64; the functions it references (the primal of a
    `dl.grad`, a callee) get `.f64` copies too, used by the copy. `dlc
    check-grad` compares gradients with finite differences on these copies,
    where rounding does not hide errors.
  }];
  let options = [
    ListOption<"functions", "functions", "std::string",
               "The functions to copy in f64">,
  ];
}

def DLCheckNumerics : Pass<"dl-check-numerics"> {
  let summary = "Check every floating-point result of a dl op for NaN and infinities";
  let description = [{
    Inserts a `dl.check_finite` after each op of the `dl` dialect that
    produces a floating-point tensor, except `dl.constant`, so that a run
    stops at the first op whose result holds a NaN or an infinity, with a
    message naming the op and its source location:
    `non-finite value (NaN) in the result of dl.log at model.dl:12:9`.
    Code inlined from calls adds `, in the call to NAME at FILE:LINE:COL`
    (a call-site location whose caller is named) or `, called from
    FILE:LINE:COL` for each call, innermost first; ops of a derivative
    name the op they differentiate, `(derivative of dl.sqrt)`.

    Results that are finite whenever the op's floating-point operands are
    (pure data movement, `select`, `max`/`min`, `neg`, `abs`, `sign`,
    rounding, `one_hot`, casts that cannot overflow, max/min reductions over
    non-empty static extents, padding with a finite value) are not checked
    when every such operand is: a checked result, the result of another
    such op, or a constant with finite elements. Function arguments are not
    checked; the first op that reads one is. `check-all` checks those
    results too. Running the pass twice adds nothing.

    `dl-cpu-pipeline` runs it with `check-numerics=true`, after `dl-autodiff`
    and inlining, so that gradient code is checked too.
  }];
  let options = [
    Option<"checkAll", "check-all", "bool", /*default=*/"false",
           "Also check results that are finite whenever the op's operands "
           "are (data movement, select, max/min, neg, abs, rounding, ...)">,
  ];
}

def ConvertDLToLinalg : Pass<"convert-dl-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower the dl dialect to linalg, tensor, arith and math";
  let description = [{
    Elementwise ops become one `linalg.generic` each (with broadcasting
    indexing maps), so that `linalg-fuse-elementwise-ops` can fuse chains;
    matmuls, transposes and reductions become named linalg ops. Run-time
    checks (`dl.assert`, dynamic extents that must agree, index bounds)
    become an `scf.if` whose body calls `dlrt_fail` with a message that
    starts with the op's source location (an `llvm.mlir.global` string,
    formatted with `snprintf` when it reports run-time values), which makes
    the entry point return an error instead of aborting. Every op of the
    `dl` dialect is converted; an op that cannot be lowered is an error.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::scf::SCFDialect", "mlir::func::FuncDialect",
    "mlir::LLVM::LLVMDialect"];
}

def DLMathApproximation : Pass<"dl-math-approximation"> {
  let summary = "Replace f32 transcendental functions by vectorizable polynomials";
  let description = [{
    Rewrites f32 `math.tanh`, `math.erf`, `math.exp`, `math.log` and
    `math.log1p` into MLIR's polynomial approximations built from arith ops,
    which LLVM vectorizes, instead of calls to libm: the functions whose
    approximation is within a few ulp (below 3.2e-7 relative error) of libm
    on normal floats, as measured in docs/pipeline.md. Other functions and
    other element types are left to libm.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def DLMemRefCopyToLinalg : Pass<"dl-memref-copy-to-linalg"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    Bufferization copies tensors with `memref.copy`. Between strided views
    (inserting into a slice, padding, concatenation), the LLVM lowering of
    `memref.copy` calls `memrefCopy` of MLIR's C runner utilities, a library
    that compiled DL code does not link. As `linalg.copy` the copy becomes
    loops, which LLVM vectorizes (or turns into memcpy when contiguous).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def DLPrepareInPlaceUpdates : Pass<"dl-prepare-in-place-updates",
                                    "mlir::ModuleOp"> {
  let summary = "Make entry points write updated arguments in place";
  let description = [{
    Runs on tensors, before bufferization. In every function carrying
    `dl.entry`, a result with `dl.updates = "name"` is the new value of the
    argument with that `dl.name`, which must carry `dl.inout` and have the
    result's type (a parameter assigned, optimizer state): the returned value
    becomes `bufferization.materialize_in_destination` into that argument,
    so that One-Shot Bufferize computes it in the argument's buffer (after
    `eliminate-empty-tensors`, without a copy when nothing reads the old
    value afterwards). Every other tensor argument gets
    `bufferization.writable = false`: inputs are the caller's memory and
    are never written. `dl-drop-in-place-results` removes the updated
    results after bufferization.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def DLDropInPlaceResults : Pass<"dl-drop-in-place-results",
                                "mlir::ModuleOp"> {
  let summary = "Remove the results of entry points that were written in place";
  let description = [{
    Runs on bufferized functions. Each result of a `dl.entry` function
    carrying `dl.updates` must now return its argument's own buffer (as
    `dl-prepare-in-place-updates` arranged); the result is removed from the
    function, so that the compiled signature has only the real results and
    the caller sees the update in its buffer. A result that is not its
    argument is an error.
  }];
}

def DLPrepareEntryPoints : Pass<"dl-prepare-entry-points", "mlir::ModuleOp"> {
  let summary = "Check entry-point signatures and request their C interface";
  let description = [{
    Runs on bufferized functions, before `convert-func-to-llvm`. Every
    function carrying the unit attribute `dl.entry` must take and return
    only memrefs of rank at most 8 (`DL_MAX_RANK`) with the identity layout
    (docs/runtime-abi.md); it gets `llvm.emit_c_interface`, so that the
    LLVM lowering emits its `_mlir_ciface_<name>` wrapper, which
    `dl-emit-entry-points` calls.
  }];
}

def DLEmitEntryPoints : Pass<"dl-emit-entry-points", "mlir::ModuleOp"> {
  let summary = "Emit the packed entry point of every dl.entry function";
  let description = [{
    Runs on the LLVM dialect. For every function carrying `dl.entry`, whose
    C interface wrapper `_mlir_ciface_<name>` exists, emits
    `void <name>__dl_packed(void **argv)`: `argv[i]` points to the memref
    descriptor of argument `i`, and `argv[n]` to storage for the result
    descriptors, laid out one after another (docs/runtime-abi.md).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def DLPrintFlopCounts : Pass<"dl-print-flop-counts", "mlir::func::FuncOp"> {
  let summary = "Report the arithmetic of each op and function as remarks";
  let description = [{
    An analysis for tests and for reading costs: each op that implements
    `FlopCountOpInterface` gets a remark `N flops` (`dynamic flops` when a
    shape it depends on is not static), and each function a remark with the
    total of its ops. Changes nothing. `dlc summary` adds the same counts up
    per layer.
  }];
}

#endif // DL_PASSES_TD
