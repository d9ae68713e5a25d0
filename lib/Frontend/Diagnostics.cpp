//===- Diagnostics.cpp - clang-style diagnostics for DL source ------------===//

#include "dl/Frontend/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/WithColor.h"

using namespace dl;
using llvm::SMLoc;
using llvm::SourceMgr;

void DiagnosticEngine::print(SMLoc loc, SourceMgr::DiagKind kind,
                             const llvm::Twine &message,
                             llvm::ArrayRef<llvm::SMRange> ranges) {
  if (suppressed)
    return;
  if (loc.isValid()) {
    llvm::SMDiagnostic diag =
        sourceMgr.GetMessage(loc, kind, message, ranges, {});
    // Show at most kWindow columns of a long line, around the caret.
    constexpr int kWindow = 120;
    llvm::StringRef text = diag.getLineContents();
    int column = diag.getColumnNo();
    if ((int)text.size() > kWindow && column >= 0) {
      int start = std::max(0, column - kWindow / 2);
      int end = std::min<int>(text.size(), start + kWindow);
      std::string shown = (start > 0 ? "..." : "") +
                          text.slice(start, end).str() +
                          (end < (int)text.size() ? "..." : "");
      int shownColumn = column - start + (start > 0 ? 3 : 0);
      // The header keeps the real position; the excerpt is a window.
      llvm::SMDiagnostic header(sourceMgr, diag.getLoc(), diag.getFilename(),
                                diag.getLineNo(), column, kind,
                                diag.getMessage(), /*LineStr=*/"", {}, {});
      std::string headerText;
      llvm::raw_string_ostream headerStream(headerText);
      header.print(nullptr, headerStream, /*ShowColors=*/false);
      os << llvm::StringRef(headerText).split('\n').first << "\n"
         << shown << "\n";
      os.indent(shownColumn);
      if (color)
        os.changeColor(llvm::raw_ostream::GREEN, /*Bold=*/true);
      os << "^\n";
      if (color)
        os.resetColor();
      return;
    }
    diag.print(nullptr, os, color, /*ShowKindLabel=*/true);
    return;
  }
  // No position: "error: message", colored like SourceMgr does.
  llvm::raw_ostream::Colors colorFor =
      kind == SourceMgr::DK_Error     ? llvm::raw_ostream::RED
      : kind == SourceMgr::DK_Warning ? llvm::raw_ostream::MAGENTA
                                      : llvm::raw_ostream::BLACK;
  llvm::StringRef label = kind == SourceMgr::DK_Error     ? "error"
                          : kind == SourceMgr::DK_Warning ? "warning"
                                                          : "note";
  if (color)
    os.changeColor(colorFor, /*Bold=*/true);
  os << label << ": ";
  if (color)
    os.resetColor();
  os << message << "\n";
}

void DiagnosticEngine::error(SMLoc loc, const llvm::Twine &message,
                             llvm::ArrayRef<llvm::SMRange> ranges) {
  ++numErrors;
  if (numErrors > kMaxErrors) {
    if (!suppressed) {
      print(SMLoc(), SourceMgr::DK_Note,
            "too many errors emitted, stopping now", {});
      suppressed = true;
    }
    return;
  }
  print(loc, SourceMgr::DK_Error, message, ranges);
  for (auto it = context.rbegin(); it != context.rend(); ++it)
    print(it->first, SourceMgr::DK_Note, it->second, {});
}

void DiagnosticEngine::error(const llvm::Twine &message) {
  error(SMLoc(), message);
}

void DiagnosticEngine::warning(SMLoc loc, const llvm::Twine &message) {
  print(loc, SourceMgr::DK_Warning, message, {});
}

void DiagnosticEngine::note(SMLoc loc, const llvm::Twine &message) {
  print(loc, SourceMgr::DK_Note, message, {});
}

SMLoc DiagnosticEngine::toSMLoc(mlir::Location loc) {
  if (auto callSite = llvm::dyn_cast<mlir::CallSiteLoc>(loc))
    return toSMLoc(callSite.getCallee());
  if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc))
    return toSMLoc(name.getChildLoc());
  if (auto fused = llvm::dyn_cast<mlir::FusedLoc>(loc)) {
    for (mlir::Location inner : fused.getLocations())
      if (SMLoc found = toSMLoc(inner); found.isValid())
        return found;
    return SMLoc();
  }
  auto fileLoc = llvm::dyn_cast<mlir::FileLineColLoc>(loc);
  if (!fileLoc)
    return SMLoc();
  for (unsigned id = 1, e = sourceMgr.getNumBuffers(); id <= e; ++id) {
    if (sourceMgr.getMemoryBuffer(id)->getBufferIdentifier() !=
        fileLoc.getFilename().getValue())
      continue;
    return sourceMgr.FindLocForLineAndColumn(id, fileLoc.getLine(),
                                             fileLoc.getColumn());
  }
  return SMLoc();
}

/// The chain of call sites of a location (code inlined from a call carries
/// CallSiteLoc(callee, caller), the caller named by the callee:
/// NameLoc(callee, call site)), innermost first.
static void collectCallers(mlir::Location loc,
                           llvm::SmallVectorImpl<mlir::Location> &callers) {
  while (true) {
    if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc)) {
      loc = name.getChildLoc();
      continue;
    }
    auto callSite = llvm::dyn_cast<mlir::CallSiteLoc>(loc);
    if (!callSite)
      return;
    loc = callSite.getCaller();
    callers.push_back(loc);
  }
}

void DiagnosticEngine::attachTo(mlir::MLIRContext &context) {
  context.getDiagEngine().registerHandler([this](mlir::Diagnostic &diag) {
    SMLoc loc = toSMLoc(diag.getLocation());
    std::string message = diag.str();
    switch (diag.getSeverity()) {
    case mlir::DiagnosticSeverity::Error:
      error(loc, message);
      break;
    case mlir::DiagnosticSeverity::Warning:
      warning(loc, message);
      break;
    default:
      note(loc, message);
      break;
    }
    llvm::SmallVector<mlir::Location> callers;
    collectCallers(diag.getLocation(), callers);
    for (mlir::Location caller : callers)
      if (SMLoc callerLoc = toSMLoc(caller); callerLoc.isValid() &&
                                             callerLoc != loc)
        note(callerLoc, "called from here");
    for (mlir::Diagnostic &attached : diag.getNotes())
      note(toSMLoc(attached.getLocation()), attached.str());
    return mlir::success();
  });
}
