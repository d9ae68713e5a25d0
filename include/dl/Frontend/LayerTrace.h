//===- LayerTrace.h - the layers an entry point calls -----------*- C++ -*-===//
//
// A trace of the model instances an entry point calls while it is
// elaborated: for each call, the instance's hierarchical name, its model,
// its parameters, the types of its inputs and outputs, and the `dl` ops it
// emitted. `dlc summary` and `dlc --emit=dot` are built on it.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_LAYERTRACE_H
#define DL_FRONTEND_LAYERTRACE_H

#include "dl/Frontend/Types.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>
#include <vector>

namespace dl {

/// One call of a method of a model instance (a layer), or the entry point
/// itself (the root, first in the trace). A method calling another method
/// of its own instance stays one call.
struct LayerCall {
  /// Hierarchical name: "net.fc1", "layers.2". The root is named by the
  /// entry's instance ("net"), its model, or its function ("main").
  std::string name;
  std::string model;  // the model's name, "Dense"; empty for a function
  std::string method; // "forward"
  int parent = -1;    // index of the enclosing call; -1 for the root
  unsigned depth = 0;
  /// The instance was called before in this trace; its parameters are
  /// counted at that first call.
  bool repeated = false;
  /// Elements and bytes of the parameters and state of the instance and
  /// the instances it holds (for the root: every parameter and state
  /// tensor the entry point takes).
  int64_t params = 0, paramBytes = 0, state = 0, stateBytes = 0;
  /// Tensor arguments and results, as the language types them (symbolic
  /// extents stay symbols: "f32[B, 512]"); `inputs`/`outputs` are their
  /// values in the entry function, when still there.
  std::vector<TensorType> inputTypes, outputTypes;
  std::vector<mlir::Value> inputs, outputs;
  /// The ops this call emitted itself, not those of the calls it made.
  std::vector<mlir::Operation *> ops;
};

struct LayerTrace {
  mlir::OwningOpRef<mlir::ModuleOp> module; // holds the entry function
  mlir::func::FuncOp function;
  std::vector<LayerCall> calls; // in call order: parents before children
};

/// Sizes for symbolic extents of an entry's inputs ("B" -> 32). With a size
/// for each, the traced function has static shapes.
using SymbolSizes = std::map<std::string, int64_t>;

} // namespace dl

#endif // DL_FRONTEND_LAYERTRACE_H
