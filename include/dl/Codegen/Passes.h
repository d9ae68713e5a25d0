//===- Passes.h - code generation passes of dlc -----------------*- C++ -*-===//
//
// The passes declared in dialects/DL/DLCodegenPasses.td: dl-fold-transposes,
// dl-vectorize-contractions, dl-parallelize-elementwise,
// dl-parallel-to-runtime.
//
//===----------------------------------------------------------------------===//
#ifndef DL_CODEGEN_PASSES_H
#define DL_CODEGEN_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace dl {

#define GEN_PASS_DECL
#include "DL/DLCodegenPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "DL/DLCodegenPasses.h.inc"

/// The attribute of an scf.forall that tells dl-parallel-to-runtime how
/// much work one iteration does (an i64, in multiply-adds or elements).
constexpr llvm::StringLiteral kParallelCostAttr = "dl.parallel_cost";

} // namespace dl

#endif // DL_CODEGEN_PASSES_H
