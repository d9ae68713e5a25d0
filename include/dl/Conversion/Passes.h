//===- Passes.h - passes of the dl lowering pipeline ------------*- C++ -*-===//
//
// The passes declared in dialects/DL/DLPasses.td: convert-dl-to-linalg,
// dl-math-approximation, dl-prepare-entry-points and dl-emit-entry-points.
//
//===----------------------------------------------------------------------===//
#ifndef DL_CONVERSION_PASSES_H
#define DL_CONVERSION_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace dl {

#define GEN_PASS_DECL
#include "DL/DLPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "DL/DLPasses.h.inc"

} // namespace dl

#endif // DL_CONVERSION_PASSES_H
