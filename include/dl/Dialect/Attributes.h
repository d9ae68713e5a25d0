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
/// String, on arguments and results: "input", "param", "state", "output";
/// in training steps also "slot" (optimizer state), "step", "epoch",
/// "loss", "prediction", "lr" and "grad_norms" (docs/training.md).
constexpr llvm::StringLiteral kRole = "dl.role";
/// Array, on arguments and results with dynamic extents: one entry per
/// dimension, an integer for a static extent, a string naming a symbol
/// (`"B"`), or `"?"` for an unnamed dynamic extent.
constexpr llvm::StringLiteral kDims = "dl.dims";
/// Unit, on arguments of entry points: the function writes a new value
/// into the argument's buffer (a parameter it assigns, optimizer state).
constexpr llvm::StringLiteral kInOut = "dl.inout";
/// String, on results of `dl` functions before bufferization: this result
/// is the new value of the `dl.inout` argument with this `dl.name`;
/// `dl-prepare-in-place-updates` turns it into a write into that argument,
/// and the result disappears from the compiled signature.
constexpr llvm::StringLiteral kUpdates = "dl.updates";
/// On a training step (docs/training.md): the train block's name (string)
/// and its settings (dictionary).
constexpr llvm::StringLiteral kTrain = "dl.train";
constexpr llvm::StringLiteral kTrainSettings = "dl.train_settings";

} // namespace dl::attrs

#endif // DL_DIALECT_ATTRIBUTES_H
