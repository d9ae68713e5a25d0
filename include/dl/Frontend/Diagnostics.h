//===- Diagnostics.h - clang-style diagnostics for DL source ----*- C++ -*-===//
//
// Every error in a DL source file is printed as
//
//   file:line:col: error: message
//     source line
//         ^~~~
//
// followed by notes (for example the call chain through inlined functions).
// Errors are counted; after kMaxErrors the engine stops reporting, so that a
// file of random bytes does not print a million lines.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_DIAGNOSTICS_H
#define DL_FRONTEND_DIAGNOSTICS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
class MLIRContext;
class Location;
} // namespace mlir

namespace dl {

class DiagnosticEngine {
public:
  static constexpr unsigned kMaxErrors = 20;

  DiagnosticEngine(llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os,
                   bool color)
      : sourceMgr(sourceMgr), os(os), color(color) {}

  void error(llvm::SMLoc loc, const llvm::Twine &message,
             llvm::ArrayRef<llvm::SMRange> ranges = {});
  void warning(llvm::SMLoc loc, const llvm::Twine &message);
  void note(llvm::SMLoc loc, const llvm::Twine &message);
  /// An error without a source location ("dlc: error: ...").
  void error(const llvm::Twine &message);

  /// Notes printed after every error until popped: the chain of calls being
  /// elaborated, innermost last.
  void pushContext(llvm::SMLoc loc, std::string message) {
    context.push_back({loc, std::move(message)});
  }
  void popContext() { context.pop_back(); }

  unsigned getNumErrors() const { return numErrors; }
  bool hadError() const { return numErrors > 0; }
  /// True once kMaxErrors errors were reported: callers should stop.
  bool tooManyErrors() const { return numErrors >= kMaxErrors; }

  llvm::SourceMgr &getSourceMgr() { return sourceMgr; }
  llvm::raw_ostream &getStream() { return os; }
  bool useColor() const { return color; }

  /// Routes MLIR diagnostics (verifier errors, for example) through this
  /// engine, mapping FileLineColLoc back to source positions.
  void attachTo(mlir::MLIRContext &context);

  /// The source position of an MLIR location, if it is in a loaded buffer.
  llvm::SMLoc toSMLoc(mlir::Location loc);

private:
  void print(llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind,
             const llvm::Twine &message, llvm::ArrayRef<llvm::SMRange> ranges);

  llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
  bool color;
  unsigned numErrors = 0;
  bool suppressed = false;
  llvm::SmallVector<std::pair<llvm::SMLoc, std::string>> context;
};

} // namespace dl

#endif // DL_FRONTEND_DIAGNOSTICS_H
