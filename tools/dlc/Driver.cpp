//===- Driver.cpp - dlc's commands ----------------------------------------===//

#include "Driver.h"

#include "dl/Frontend/AST.h"
#include "dl/Frontend/Frontend.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace dl;

/// The standard library: installed beside the executable
/// (<prefix>/share/dlc/stdlib for <prefix>/bin/dlc), else the source tree's.
static std::string stdlibDir(const std::string &executablePath) {
  llvm::SmallString<256> installed(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(executablePath)));
  llvm::sys::path::append(installed, "share", "dlc", "stdlib");
  if (llvm::sys::fs::is_directory(installed))
    return installed.str().str();
  return DL_SOURCE_STDLIB_DIR;
}

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "dlc") << message << "\n";
  return 1;
}

namespace {
/// What every command needs: sources, diagnostics, a context, the front end.
struct Session {
  llvm::SourceMgr sourceMgr;
  DiagnosticEngine diags;
  mlir::MLIRContext context;
  Frontend frontend;

  explicit Session(const DriverOptions &options)
      : diags(sourceMgr, llvm::errs(), options.color),
        frontend(context, diags, searchPath(options)) {
    diags.attachTo(context);
  }

  static SearchPath searchPath(const DriverOptions &options) {
    SearchPath path;
    path.includeDirs = options.includeDirs;
    path.envDirs = SearchPath::fromEnvironment();
    path.stdlibDir = stdlibDir(options.executablePath);
    return path;
  }
};
} // namespace

static std::unique_ptr<llvm::ToolOutputFile> openOutput(const std::string &path) {
  std::error_code ec;
  auto out = std::make_unique<llvm::ToolOutputFile>(path, ec,
                                                    llvm::sys::fs::OF_None);
  if (ec) {
    fail("cannot write '" + path + "': " + ec.message());
    return nullptr;
  }
  return out;
}

int dl::listEntriesCommand(const DriverOptions &options) {
  Session session(options);
  if (!session.frontend.load(options.inputFile))
    return 1;
  for (const EntryPoint &entry : session.frontend.entryPoints()) {
    llvm::outs() << entry.name;
    if (!entry.whyNot.empty())
      llvm::outs() << "  (not an entry point: " << entry.whyNot << ")";
    llvm::outs() << "\n";
  }
  return session.diags.hadError() ? 1 : 0;
}

int dl::emitCommand(const DriverOptions &options) {
  Session session(options);
  if (!session.frontend.load(options.inputFile))
    return 1;
  auto out = openOutput(options.outputFile);
  if (!out)
    return 1;
  if (options.emit == EmitKind::AST) {
    ast::print(*session.frontend.getMainModule()->ast, session.sourceMgr,
               out->os());
    out->keep();
    return 0;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      session.frontend.emit(options.entries);
  if (!module)
    return 1;
  if (options.emit == EmitKind::DL) {
    module->print(out->os());
    out->keep();
    return 0;
  }
  return fail("this --emit kind is not available yet");
}

int dl::runCommand(const DriverOptions &options) {
  return fail("'dlc run' is not available yet");
}
