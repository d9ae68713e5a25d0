//===- Attributes.h - discardable attributes the compiler uses --*- C++ -*-===//
//
// MLIRGen records what the runtime and later stages need on functions and
// their arguments. All are discardable attributes named `dl.*`.
//
//===----------------------------------------------------------------------===//
#ifndef DL_DIALECT_ATTRIBUTES_H
#define DL_DIALECT_ATTRIBUTES_H

#include "llvm/ADT/StringRef.h"

namespace dl::attrs {

/// Unit, on a func.func: an entry point that programs call (it gets a
/// packed wrapper, docs/runtime-abi.md).
constexpr llvm::StringLiteral kEntry = "dl.entry";
/// String, on an entry: the function that computes the initial values of
/// its parameters and state (results named like the arguments).
constexpr llvm::StringLiteral kInit = "dl.init";
/// String, on a func.func: "init" for parameter initializers.
constexpr llvm::StringLiteral kKind = "dl.kind";
/// String: the doc comment of a function, model, parameter or argument.
constexpr llvm::StringLiteral kDoc = "dl.doc";
/// String and string, on an entry that is a method of a model: the model's
/// name and its doc comment.
constexpr llvm::StringLiteral kModel = "dl.model";
constexpr llvm::StringLiteral kModelDoc = "dl.model_doc";
/// String, on arguments and results: the source name; for parameters and
/// state the hierarchical path (`encoder.layers.2.w`).
constexpr llvm::StringLiteral kName = "dl.name";
/// String, on arguments and results: "input", "param", "state" or "output".
constexpr llvm::StringLiteral kRole = "dl.role";
/// Array, on arguments and results with dynamic extents: one entry per
/// dimension, an integer for a static extent, a string naming a symbol
/// (`"B"`), or `"?"` for an unnamed dynamic extent.
constexpr llvm::StringLiteral kDims = "dl.dims";

} // namespace dl::attrs

#endif // DL_DIALECT_ATTRIBUTES_H
