//===- Frontend.h - DL source to the `dl` dialect ---------------*- C++ -*-===//
//
// The front end's entry point for tools: load a file (and its imports), list
// its entry points, and emit them as a module of `dl` IR.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_FRONTEND_H
#define DL_FRONTEND_FRONTEND_H

#include "dl/Frontend/Diagnostics.h"
#include "dl/Frontend/LayerTrace.h"
#include "dl/Frontend/ModuleLoader.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <vector>

namespace dl {

class Elaborator;
struct EntryCandidate;

/// How a train block is compiled (docs/training.md).
struct TrainingOptions {
  /// The step also returns the L2 norm of each parameter's gradient.
  bool gradNorms = false;
};

struct EntryPoint {
  std::string name;
  llvm::SMLoc loc;
  std::string whyNot; // empty when it can be compiled as an entry point
  std::string doc;
  /// A method's model ("Classifier" for Classifier.forward and for
  /// net.forward with `let net = Classifier()`); empty for a function.
  std::string model;
  /// A method of a top-level instance (net.forward), not of its model.
  bool ofInstance = false;
};

class Frontend {
public:
  Frontend(mlir::MLIRContext &context, DiagnosticEngine &diags,
           SearchPath searchPath);
  ~Frontend();

  /// Loads and parses a file and everything it imports; false after errors.
  bool load(llvm::StringRef path);
  /// Loads source text (the REPL, standard input).
  bool loadBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer);

  const LoadedModule *getMainModule() const { return main; }
  /// The entry points the main module defines.
  std::vector<EntryPoint> entryPoints();
  /// Emits the named entry points (every valid one when `names` is empty)
  /// into a new module. Returns null after reporting errors.
  mlir::OwningOpRef<mlir::ModuleOp> emit(llvm::ArrayRef<std::string> names);
  /// Elaborates entry point `name` alone, recording the layers it calls
  /// (dl/Frontend/LayerTrace.h). The symbols of its inputs that `sizes`
  /// gives a size become static extents. std::nullopt after reporting
  /// errors.
  std::optional<LayerTrace> traceLayers(llvm::StringRef name,
                                        const SymbolSizes &sizes = {});
  /// The train blocks of the main module, in source order.
  std::vector<std::string> trainBlocks();
  /// Emits the training functions of train block `name` (its step, the
  /// step's initializer, evaluate and metrics) into a new module. Returns
  /// null after reporting errors.
  mlir::OwningOpRef<mlir::ModuleOp>
  emitTraining(llvm::StringRef name, const TrainingOptions &options);
  /// Elaborates with the built-in name `training` true (dlc --train-mode):
  /// dropout and other training-only code is compiled in.
  void setTrainingMode(bool on);

private:
  bool check();
  void reportUnknownEntry(llvm::StringRef name,
                          const std::vector<EntryCandidate> &candidates);

  mlir::MLIRContext &context;
  DiagnosticEngine &diags;
  ModuleLoader loader;
  std::unique_ptr<Elaborator> elaborator;
  const LoadedModule *main = nullptr;
};

/// The built-in functions (implemented in C++) and the prelude's functions
/// (written in DL): name, parameters and a one-line summary each.
struct BuiltinInfo {
  std::string name;
  std::string signature; // "sum(x, axis=none, keepdims=false)"
  std::string summary;
};
std::vector<BuiltinInfo> listBuiltins(DiagnosticEngine &diags);

/// Registers the dialects the front end produces.
void registerFrontendDialects(mlir::MLIRContext &context);

} // namespace dl

#endif // DL_FRONTEND_FRONTEND_H
