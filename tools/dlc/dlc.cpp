//===- dlc.cpp - the DL compiler driver -----------------------------------===//
//
//   dlc FILE.dl --emit=ast|dl|linalg|llvm-dialect|llvm-ir|asm [--entry NAME]
//   dlc FILE.dl -o FILE.so|FILE.o [--checkpoint F] [--mcpu CPU] [--header H]
//   dlc run FILE.dl [--entry NAME] [--input NAME=FILE[:SELECTOR]]... [--params F]
//   dlc train FILE.dl [--train NAME] --data NAME=FILE... [options]
//   dlc eval FILE.dl [--train NAME] --checkpoint F --data NAME=FILE...
//   dlc summary FILE.dl [--entry NAME] [--batch N] [--dim NAME=N]
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
static cl::SubCommand trainSubcommand(
    "train", "Train a model: run a train block's epochs on data files");
static cl::SubCommand evalSubcommand(
    "eval", "Loss and metrics of a checkpoint's model on a data set");
static cl::SubCommand summarySubcommand(
    "summary", "The layers of a model: output shapes, parameters, FLOPs "
               "and memory");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.dl>"),
                                      cl::sub(cl::SubCommand::getTopLevel()),
                                      cl::sub(runCommand), cl::sub(checkGradCommand),
                                      cl::sub(trainSubcommand),
                                      cl::sub(evalSubcommand),
                                      cl::sub(summarySubcommand), cl::cat(category));

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
        clEnumValN(dl::EmitKind::Asm, "asm", "native assembly"),
        clEnumValN(dl::EmitKind::Dot, "dot",
                   "the layers as a Graphviz graph"),
        clEnumValN(dl::EmitKind::Object, "obj",
                   "an object file with a C header (-o FILE.o)"),
        clEnumValN(dl::EmitKind::SharedLibrary, "so",
                   "a shared library with a C header (-o FILE.so)")),
    cl::cat(category));

static cl::list<std::string> entries(
    "entry", cl::desc("Entry point to compile or run (repeatable)"),
    cl::value_desc("NAME"), cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(runCommand), cl::sub(checkGradCommand),
    cl::sub(summarySubcommand), cl::cat(category));

static cl::list<std::string> includeDirs(
    "I", cl::desc("Add a folder to the import search path"),
    cl::value_desc("DIR"), cl::Prefix, cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(runCommand), cl::sub(checkGradCommand), cl::sub(trainSubcommand),
    cl::sub(evalSubcommand), cl::sub(summarySubcommand), cl::cat(category));

static cl::opt<std::string> outputFile(
    "o", cl::desc("Write the output to FILE instead of standard output"),
    cl::value_desc("FILE"), cl::init("-"), cl::cat(category));

static cl::list<std::string> inputs(
    "input",
    cl::desc("Bind an input argument to an array of a .npy, .npz, .csv or "
             "IDX file, gzipped or not, converted to its dtype; SELECTOR "
             "picks an .npz member or CSV columns"),
    cl::value_desc("NAME=FILE[:SELECTOR]"), cl::sub(runCommand), cl::sub(checkGradCommand), cl::cat(category));

static cl::opt<std::string> inputsArchive(
    "inputs", cl::desc("Bind input arguments to the arrays of an .npz file"),
    cl::value_desc("FILE.npz"), cl::sub(runCommand), cl::sub(checkGradCommand),
    cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));

static cl::list<std::string> outputs(
    "output", cl::desc("Write a result to an .npy file (NAME is the result "
                       "index, or 'result' for the only one)"),
    cl::value_desc("NAME=FILE[:SELECTOR]"), cl::sub(runCommand), cl::cat(category));

static cl::opt<std::string> outputsArchive(
    "outputs", cl::desc("Write every result to an .npz file"),
    cl::value_desc("FILE.npz"), cl::sub(runCommand), cl::cat(category));

static cl::opt<std::string> paramsFile(
    "params", cl::desc("Parameter and state values by name, from an .npz"),
    cl::value_desc("FILE.npz"), cl::sub(runCommand), cl::sub(checkGradCommand),
    cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));

static cl::opt<bool> quiet(
    "quiet",
    cl::desc("Do not print the results (run); print nothing but errors "
             "(train)"),
    cl::sub(runCommand), cl::sub(trainSubcommand), cl::cat(category));

static cl::opt<bool> checkNumerics(
    "check-numerics",
    cl::desc("Check every floating-point result for NaN and infinities as "
             "the code runs: stop at the first one with an error naming the "
             "operation and its source line (slower: see docs/tools.md)"),
    cl::sub(cl::SubCommand::getTopLevel()), cl::sub(runCommand),
    cl::sub(trainSubcommand), cl::sub(evalSubcommand), cl::cat(category));

static cl::opt<bool> noColor("no-color", cl::desc("Never color diagnostics"),
                             cl::sub(cl::SubCommand::getTopLevel()),
                             cl::sub(runCommand), cl::sub(checkGradCommand),
                             cl::sub(trainSubcommand), cl::sub(evalSubcommand),
                             cl::sub(summarySubcommand), cl::cat(category));

static cl::opt<double> tolerance(
    "tolerance", cl::desc("Largest error check-grad accepts (default 1e-5)"),
    cl::init(1e-5), cl::sub(checkGradCommand), cl::cat(category));
static cl::opt<double> eps("eps",
                           cl::desc("Finite-difference step (default 1e-6)"),
                           cl::init(1e-6), cl::sub(checkGradCommand),
                           cl::cat(category));
static cl::opt<uint64_t> seed(
    "seed",
    cl::desc("Seed of the random numbers the entry point and its parameter "
             "initializer draw (default 0); check-grad: also of the random "
             "inputs it makes up; train: of shuffling, dropout and "
             "initializers, instead of the train block's"),
    cl::init(0), cl::sub(runCommand), cl::sub(checkGradCommand),
    cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<bool> trainMode(
    "train-mode",
    cl::desc("Compile with the built-in 'training' true (dropout active), "
             "as in a training step"),
    cl::sub(cl::SubCommand::getTopLevel()), cl::sub(runCommand),
    cl::sub(checkGradCommand), cl::sub(summarySubcommand), cl::cat(category));

static cl::opt<std::string> trainBlock(
    "train", cl::desc("The train block (train, eval: optional when the file "
                      "has one); with --emit: its training functions "
                      "instead of entry points"),
    cl::value_desc("NAME"), cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(trainSubcommand), cl::sub(evalSubcommand), cl::cat(category));

// dlc train and dlc eval (docs/training.md).
static cl::list<std::string> trainData(
    "data",
    cl::desc("Bind a data argument (an input of predict or a target of "
             "loss) to an array of a .npy, .npz, .csv or IDX file, gzipped "
             "or not; SELECTOR picks an .npz member or CSV columns; FILE.npz "
             "alone binds its arrays by name (repeatable)"),
    cl::value_desc("NAME=FILE[:SELECTOR]"), cl::sub(trainSubcommand),
    cl::sub(evalSubcommand), cl::cat(category));
static cl::list<std::string> valData(
    "val-data", cl::desc("Validation data, bound as --data (repeatable)"),
    cl::value_desc("NAME=FILE[:SELECTOR]"), cl::sub(trainSubcommand),
    cl::cat(category));
static cl::opt<std::string> valSplit(
    "val-split",
    cl::desc("Hold out this fraction of the training data for validation "
             "(the last samples, before shuffling)"),
    cl::value_desc("F"), cl::sub(trainSubcommand), cl::cat(category));
static cl::list<std::string> scaleData(
    "scale", cl::desc("Divide a data argument by V (images: x=255)"),
    cl::value_desc("NAME=V"), cl::sub(trainSubcommand), cl::cat(category));
static cl::list<std::string> normalizeData(
    "normalize",
    cl::desc("Normalize a data argument per feature with statistics of the "
             "training split (kept in checkpoints): standardize or minmax"),
    cl::value_desc("NAME=KIND"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> rowsOption(
    "rows",
    cl::desc("Use samples START to END-1 (from 0) of each data file; "
             "either may be left out, negative ones count from the end "
             "(train on :1500, evaluate on 1500:)"),
    cl::value_desc("START:END"), cl::sub(trainSubcommand), cl::sub(evalSubcommand),
    cl::cat(category));
static cl::opt<std::string> shuffleRows(
    "shuffle-rows",
    cl::desc("Put the samples of every data file in a random order drawn "
             "from SEED before --rows selects them: the same seed gives "
             "train and eval the two sides of one random split"),
    cl::value_desc("SEED"), cl::sub(trainSubcommand), cl::sub(evalSubcommand),
    cl::cat(category));
static cl::opt<std::string> epochs(
    "epochs", cl::desc("Train up to this epoch (default: the block's)"),
    cl::value_desc("N"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> batchSize(
    "batch",
    cl::desc("Samples per step; 1: per-sample SGD; 0: the whole data set "
             "(default: the block's); summary: the size of the batch extent "
             "(default 1)"),
    cl::value_desc("N"), cl::sub(trainSubcommand), cl::sub(evalSubcommand),
    cl::sub(summarySubcommand), cl::cat(category));
static cl::list<std::string> summaryDims(
    "dim", cl::desc("summary: the size of a symbolic extent of the inputs "
                    "other than the batch (repeatable)"),
    cl::value_desc("NAME=N"), cl::sub(summarySubcommand), cl::cat(category));
static cl::opt<bool> noShuffle(
    "no-shuffle", cl::desc("Keep the samples in file order every epoch"),
    cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> patience(
    "patience",
    cl::desc("Stop after N epochs without improvement of the monitored "
             "value (0: never)"),
    cl::value_desc("N"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> monitor(
    "monitor",
    cl::desc("What early stopping watches: train_loss, val_loss, "
             "train_METRIC or val_METRIC"),
    cl::value_desc("NAME"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<bool> restoreBest(
    "restore-best",
    cl::desc("At the end, restore the weights of the best epoch "
             "(--restore-best=false: do not, whatever the block says)"),
    cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> checkpointFile(
    "checkpoint",
    cl::desc("train: write a checkpoint after every epoch; eval, run: the "
             "parameters and state to use"),
    cl::value_desc("FILE"), cl::sub(trainSubcommand), cl::sub(evalSubcommand),
    cl::sub(runCommand), cl::sub(cl::SubCommand::getTopLevel()),
    cl::cat(category));
static cl::opt<std::string> resumeFile(
    "resume", cl::desc("Continue the training saved in a checkpoint"),
    cl::value_desc("FILE"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> initFile(
    "init",
    cl::desc("Initial parameters and state by name from an .npz archive or "
             "a checkpoint"),
    cl::value_desc("FILE"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> historyFile(
    "history", cl::desc("Write the per-epoch history as CSV"),
    cl::value_desc("FILE.csv"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> plotFile(
    "plot", cl::desc("Plot the history (losses, metrics) as SVG"),
    cl::value_desc("FILE.svg"), cl::sub(trainSubcommand), cl::cat(category));
static cl::opt<std::string> progress(
    "progress",
    cl::desc("Progress during an epoch: auto (a bar on a terminal, lines "
             "otherwise), bar, lines or none"),
    cl::value_desc("STYLE"), cl::init("auto"), cl::sub(trainSubcommand),
    cl::cat(category));
static cl::opt<bool> gradNorms(
    "grad-norms",
    cl::desc("Report the mean and largest gradient norm of every trained "
             "parameter per epoch"),
    cl::sub(trainSubcommand), cl::cat(category));

static cl::opt<std::string> mcpu(
    "mcpu",
    cl::desc("-o FILE.so/.o: the x86-64 CPU to compile for (default: this "
             "machine's)"),
    cl::value_desc("CPU"), cl::cat(category));
static cl::opt<std::string> mattr(
    "mattr",
    cl::desc("-o FILE.so/.o: CPU features to add or remove (+avx2,-avx512f)"),
    cl::value_desc("FEATURES"), cl::cat(category));
static cl::opt<std::string> headerFile(
    "header",
    cl::desc("-o FILE.so/.o: where to write the C header (default: FILE.h)"),
    cl::value_desc("FILE.h"), cl::cat(category));
static cl::opt<std::string> prefix(
    "prefix",
    cl::desc("-o FILE.so/.o: prefix of the C names (default: FILE's stem "
             "and '_')"),
    cl::value_desc("NAME"), cl::cat(category));

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
          "  dlc FILE.dl -o FILE.so (or FILE.o)       a library and its C header\n"
          "  dlc run FILE.dl [--entry NAME] [options] run an entry point\n"
          "  dlc check-grad FILE.dl [--entry NAME]    check its gradients\n"
          "  dlc train FILE.dl --data NAME=FILE...    train a train block\n"
          "  dlc eval FILE.dl --checkpoint F --data NAME=FILE...\n"
          "                                           evaluate a checkpoint\n"
          "  dlc summary FILE.dl [--batch N]          layers, shapes, "
          "parameters, FLOPs\n",
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
  options.checkNumerics = checkNumerics;

  options.trainMode = trainMode;
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
  if (trainSubcommand || evalSubcommand) {
    dl::TrainCommandOptions &t = options.train;
    options.trainBlock = trainBlock;
    options.quiet = quiet;
    options.seed = seed;
    t.seedGiven = seed.getNumOccurrences() > 0;
    t.data.assign(trainData.begin(), trainData.end());
    t.valData.assign(valData.begin(), valData.end());
    t.scale.assign(scaleData.begin(), scaleData.end());
    t.normalize.assign(normalizeData.begin(), normalizeData.end());
    t.valSplit = valSplit;
    t.rows = rowsOption;
    t.shuffleRows = shuffleRows;
    t.epochs = epochs;
    t.batch = batchSize;
    t.patience = patience;
    t.noShuffle = noShuffle;
    t.monitor = monitor;
    if (restoreBest.getNumOccurrences())
      t.restoreBest = restoreBest;
    t.checkpoint = checkpointFile;
    t.resume = resumeFile;
    t.init = initFile;
    t.history = historyFile;
    t.plot = plotFile;
    t.progress = progress;
    t.gradNorms = gradNorms;
    return trainSubcommand ? dl::trainCommand(options)
                           : dl::evalCommand(options);
  }
  if (summarySubcommand) {
    options.summaryBatch = batchSize;
    options.summaryDims.assign(summaryDims.begin(), summaryDims.end());
    return dl::summaryCommand(options);
  }
  if (runCommand) {
    options.checkpointFile = checkpointFile;
    options.inputs.assign(inputs.begin(), inputs.end());
    options.inputsArchive = inputsArchive;
    options.outputs.assign(outputs.begin(), outputs.end());
    options.outputsArchive = outputsArchive;
    options.paramsFile = paramsFile;
    options.quiet = quiet;
    options.seed = seed;
    return dl::runCommand(options);
  }
  if (listEntries)
    return dl::listEntriesCommand(options);
  dl::EmitKind kind = emit;
  if (kind == dl::EmitKind::None && emit.getNumOccurrences() == 0) {
    StringRef out = outputFile;
    if (out.ends_with(".so"))
      kind = dl::EmitKind::SharedLibrary;
    else if (out.ends_with(".o"))
      kind = dl::EmitKind::Object;
  }
  if (kind == dl::EmitKind::Object || kind == dl::EmitKind::SharedLibrary) {
    options.emit = kind;
    options.trainBlock = trainBlock;
    options.checkpointFile = checkpointFile;
    options.paramsFile = paramsFile;
    options.mcpu = mcpu;
    options.mattr = mattr;
    options.headerFile = headerFile;
    options.prefix = prefix;
    return dl::libraryCommand(options);
  }
  if (!mcpu.empty() || !mattr.empty() || !headerFile.empty() ||
      !prefix.empty() || !checkpointFile.empty() || !paramsFile.empty()) {
    WithColor::error(errs(), "dlc")
        << "--mcpu, --mattr, --header, --prefix, --checkpoint and --params "
           "go with -o FILE.so or -o FILE.o (or --emit=so/obj)\n";
    return 1;
  }
  if (emit == dl::EmitKind::None) {
    WithColor::error(errs(), "dlc")
        << "nothing to do: give --emit=KIND, or use 'dlc run' (try dlc "
           "--help)\n";
    return 1;
  }
  options.emit = emit;
  options.trainBlock = trainBlock;
  return dl::emitCommand(options);
}
