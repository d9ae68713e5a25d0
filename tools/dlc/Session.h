//===- Session.h - what every dlc command sets up ---------------*- C++ -*-===//
#ifndef DL_TOOLS_DLC_SESSION_H
#define DL_TOOLS_DLC_SESSION_H

#include "Driver.h"

#include "dl/Frontend/Frontend.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SourceMgr.h"

namespace dl {

/// Sources, diagnostics, an MLIR context with every dialect the pipeline
/// uses, and the front end.
struct Session {
  explicit Session(const DriverOptions &options);

  /// Loads the input file; false after errors (already reported).
  bool load();
  /// The entry point to use: the one asked for, else `main`, else the only
  /// one. Empty after reporting an error.
  std::string chooseEntry();
  /// Lowers a module of `dl` IR in place through the given stage.
  bool lower(mlir::ModuleOp module, EmitKind upTo);

  const DriverOptions &options;
  llvm::SourceMgr sourceMgr;
  DiagnosticEngine diags;
  mlir::MLIRContext context;
  Frontend frontend;
};

/// The import search path: -I folders, DLC_PATH, and the standard library
/// installed beside the executable (<prefix>/share/dlc/stdlib for
/// <prefix>/bin/dlc), else the source tree's.
SearchPath searchPathFor(const DriverOptions &options);

/// Reports "dlc: error: ..." and returns exit status 1.
int fail(const llvm::Twine &message);

} // namespace dl

#endif // DL_TOOLS_DLC_SESSION_H
