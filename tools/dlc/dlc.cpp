//===- dlc.cpp - the DL compiler driver -----------------------------------===//
//
//   dlc FILE.dl --emit=ast|dl|linalg|llvm-dialect|llvm-ir|asm [--entry NAME]
//   dlc run FILE.dl [--entry NAME] [--input NAME=FILE.npy]... [--params F]
//
// Every error is a message (with its source location when it has one) and
// exit status 1.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::OptionCategory category("dlc options");
static cl::SubCommand runCommand("run",
                                 "JIT-compile an entry point and run it");
static cl::SubCommand checkGradCommand(
    "check-grad", "Compare an entry point's gradients with finite "
                  "differences");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.dl>"),
                                      cl::sub(cl::SubCommand::getTopLevel()),
                                      cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::opt<dl::EmitKind> emit(
    "emit", cl::desc("What to print"), cl::init(dl::EmitKind::None),
    cl::values(
        clEnumValN(dl::EmitKind::AST, "ast", "the syntax tree"),
        clEnumValN(dl::EmitKind::DL, "dl", "the dl dialect after MLIRGen"),
        clEnumValN(dl::EmitKind::Linalg, "linalg",
                   "linalg on tensors, after fusion"),
        clEnumValN(dl::EmitKind::LLVMDialect, "llvm-dialect",
                   "the LLVM dialect"),
        clEnumValN(dl::EmitKind::LLVMIR, "llvm-ir", "optimized LLVM IR"),
        clEnumValN(dl::EmitKind::Asm, "asm", "native assembly")),
    cl::cat(category));

static cl::list<std::string> entries(
    "entry", cl::desc("Entry point to compile or run (repeatable)"),
    cl::value_desc("NAME"), cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::list<std::string> includeDirs(
    "I", cl::desc("Add a folder to the import search path"),
    cl::value_desc("DIR"), cl::Prefix, cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::opt<std::string> outputFile(
    "o", cl::desc("Write the output to FILE instead of standard output"),
    cl::value_desc("FILE"), cl::init("-"), cl::cat(category));

static cl::list<std::string> inputs(
    "input", cl::desc("Bind an input argument to an .npy file"),
    cl::value_desc("NAME=FILE.npy"), cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::opt<std::string> inputsArchive(
    "inputs", cl::desc("Bind input arguments to the arrays of an .npz file"),
    cl::value_desc("FILE.npz"), cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::list<std::string> outputs(
    "output", cl::desc("Write a result to an .npy file (NAME is the result "
                       "index, or 'result' for the only one)"),
    cl::value_desc("NAME=FILE.npy"), cl::sub(runCommand), cl::cat(category));

static cl::opt<std::string> outputsArchive(
    "outputs", cl::desc("Write every result to an .npz file"),
    cl::value_desc("FILE.npz"), cl::sub(runCommand), cl::cat(category));

static cl::opt<std::string> paramsFile(
    "params", cl::desc("Parameter and state values by name, from an .npz"),
    cl::value_desc("FILE.npz"), cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::opt<bool> quiet("quiet", cl::desc("Do not print the results"),
                           cl::sub(runCommand), cl::cat(category));

static cl::opt<bool> noColor("no-color", cl::desc("Never color diagnostics"),
                             cl::sub(cl::SubCommand::getTopLevel()),
                             cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::opt<double> tolerance(
    "tolerance", cl::desc("Largest error check-grad accepts (default 1e-5)"),
    cl::init(1e-5), cl::sub(checkGradCommand), cl::cat(category));
static cl::opt<double> eps("eps",
                           cl::desc("Finite-difference step (default 1e-6)"),
                           cl::init(1e-6), cl::sub(checkGradCommand),
                           cl::cat(category));
static cl::opt<uint64_t> seed(
    "seed", cl::desc("Seed of the random inputs check-grad makes up"),
    cl::init(0), cl::sub(checkGradCommand), cl::cat(category));

static cl::opt<bool> listEntries(
    "list-entries", cl::desc("List the entry points of the file"),
    cl::cat(category));

static cl::opt<bool> listBuiltins(
    "list-builtins", cl::desc("List the built-in functions and exit"),
    cl::cat(category));

static void printVersion(raw_ostream &os) {
  os << "dlc " << dl::kVersion << " (LLVM/MLIR " << LLVM_VERSION_STRING
     << ")\n";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::SetVersionPrinter(printVersion);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "dlc: the DL compiler\n\n"
          "  dlc FILE.dl --emit=KIND [--entry NAME]   print a stage\n"
          "  dlc run FILE.dl [--entry NAME] [options] run an entry point\n"
          "  dlc check-grad FILE.dl [--entry NAME]    check its gradients\n",
          &errs()))
    return 1;

  dl::DriverOptions options;
  options.inputFile = inputFile;
  options.entries.assign(entries.begin(), entries.end());
  options.includeDirs.assign(includeDirs.begin(), includeDirs.end());
  options.outputFile = outputFile;
  options.color = !noColor && !sys::Process::GetEnv("NO_COLOR") &&
                  errs().has_colors();
  options.executablePath = sys::fs::getMainExecutable(argv[0], (void *)&main);

  if (listBuiltins)
    return dl::listBuiltinsCommand(options);
  if (inputFile.empty()) {
    WithColor::error(errs(), "dlc") << "no input file (try dlc --help)\n";
    return 1;
  }
  if (checkGradCommand) {
    options.inputs.assign(inputs.begin(), inputs.end());
    options.inputsArchive = inputsArchive;
    options.paramsFile = paramsFile;
    options.tolerance = tolerance;
    options.eps = eps;
    options.seed = seed;
    return dl::checkGradCommand(options);
  }
  if (runCommand) {
    options.inputs.assign(inputs.begin(), inputs.end());
    options.inputsArchive = inputsArchive;
    options.outputs.assign(outputs.begin(), outputs.end());
    options.outputsArchive = outputsArchive;
    options.paramsFile = paramsFile;
    options.quiet = quiet;
    return dl::runCommand(options);
  }
  if (listEntries)
    return dl::listEntriesCommand(options);
  if (emit == dl::EmitKind::None) {
    WithColor::error(errs(), "dlc")
        << "nothing to do: give --emit=KIND, or use 'dlc run' (try dlc "
           "--help)\n";
    return 1;
  }
  options.emit = emit;
  return dl::emitCommand(options);
}
