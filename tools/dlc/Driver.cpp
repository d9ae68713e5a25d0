//===- Driver.cpp - dlc's session, --emit and --list-entries --------------===//

#include "LayerReport.h"
#include "Session.h"

#include "dl/Conversion/Pipelines.h"
#include "dl/Dialect/DLDialect.h"
#include "dl/Frontend/AST.h"
#include "dl/JIT/Codegen.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace dl;

int dl::fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "dlc") << message << "\n";
  return 1;
}

/// The standard library: installed beside the executable
/// (<prefix>/share/dlc/stdlib for <prefix>/bin/dlc), else the source tree's.
static std::string stdlibDir(const std::string &executablePath) {
  llvm::SmallString<256> installed(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(executablePath)));
  llvm::sys::path::append(installed, "share", "dlc", "stdlib");
  if (llvm::sys::fs::is_directory(installed))
    return installed.str().str();
  return DL_SOURCE_STDLIB_DIR;
}

SearchPath dl::searchPathFor(const DriverOptions &options) {
  SearchPath path;
  path.includeDirs = options.includeDirs;
  path.envDirs = SearchPath::fromEnvironment();
  path.stdlibDir = stdlibDir(options.executablePath);
  return path;
}

static mlir::DialectRegistry makeRegistry() {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<DLDialect>();
  return registry;
}

Session::Session(const DriverOptions &options)
    : options(options), diags(sourceMgr, llvm::errs(), options.color),
      context(makeRegistry()),
      frontend(context, diags, searchPathFor(options)) {
  // Diagnostics point at DL source; the IR of the op is noise for users.
  context.printOpOnDiagnostic(false);
  diags.attachTo(context);
  frontend.setTrainingMode(options.trainMode);
}

bool Session::load() { return frontend.load(options.inputFile); }

std::string Session::chooseEntry() {
  std::vector<EntryPoint> entries = frontend.entryPoints();
  if (diags.hadError())
    return "";
  if (!options.entries.empty())
    return options.entries.front();
  std::vector<std::string> valid;
  for (const EntryPoint &e : entries)
    if (e.whyNot.empty())
      valid.push_back(e.name);
  if (llvm::is_contained(valid, "main"))
    return "main";
  if (valid.size() == 1)
    return valid.front();
  if (valid.empty())
    fail(options.inputFile + " has no entry point (a function whose "
                             "parameters all have tensor types)");
  else
    fail(options.inputFile + " has several entry points; choose one with "
                             "--entry: " +
         llvm::join(valid, ", "));
  return "";
}

bool Session::lower(mlir::ModuleOp module, EmitKind upTo) {
  mlir::PassManager pm(&context);
  CPUPipelineOptions pipelineOptions;
  pipelineOptions.checkNumerics = options.checkNumerics;
  if (upTo == EmitKind::Linalg)
    buildDLToLinalgPipeline(pm, pipelineOptions);
  else
    buildCPUPipeline(pm, pipelineOptions);
  return mlir::succeeded(pm.run(module));
}

static std::unique_ptr<llvm::ToolOutputFile>
openOutput(const std::string &path) {
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
  if (!session.load())
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
  if (!session.load())
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
  if (options.emit == EmitKind::Dot) {
    if (!options.trainBlock.empty())
      return fail("--emit=dot draws entry points; for a train block, give "
                  "its model's entry point with --entry");
    if (!writeLayerGraphs(session, out->os()))
      return 1;
    out->keep();
    return 0;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      options.trainBlock.empty()
          ? session.frontend.emit(options.entries)
          : session.frontend.emitTraining(options.trainBlock, {});
  if (!module)
    return 1;
  if (options.emit != EmitKind::DL &&
      !session.lower(*module, options.emit))
    return 1;
  switch (options.emit) {
  case EmitKind::DL:
  case EmitKind::Linalg:
  case EmitKind::LLVMDialect:
    module->print(out->os());
    break;
  case EmitKind::LLVMIR:
  case EmitKind::Asm: {
    initializeNativeTarget();
    auto targetMachine = createHostTargetMachine();
    if (!targetMachine)
      return fail(llvm::toString(targetMachine.takeError()));
    llvm::LLVMContext llvmContext;
    auto llvmModule =
        translateAndOptimize(*module, llvmContext, **targetMachine);
    if (!llvmModule)
      return fail(llvm::toString(llvmModule.takeError()));
    if (options.emit == EmitKind::LLVMIR) {
      (*llvmModule)->print(out->os(), nullptr);
    } else if (llvm::Error e =
                   emitAssembly(**llvmModule, **targetMachine, out->os())) {
      return fail(llvm::toString(std::move(e)));
    }
    break;
  }
  default:
    break;
  }
  out->keep();
  return 0;
}

int dl::listBuiltinsCommand(const DriverOptions &options) {
  llvm::SourceMgr sourceMgr;
  DiagnosticEngine diags(sourceMgr, llvm::errs(), options.color);
  for (const BuiltinInfo &b : listBuiltins(diags))
    llvm::outs() << llvm::left_justify(b.signature, 56) << " " << b.summary
                 << "\n";
  return diags.hadError() ? 1 : 0;
}
