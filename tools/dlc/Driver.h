//===- Driver.h - dlc's commands --------------------------------*- C++ -*-===//
#ifndef DL_TOOLS_DLC_DRIVER_H
#define DL_TOOLS_DLC_DRIVER_H

#include "dl/runtime.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dl {

constexpr const char *kVersion = "0.1.0";

enum class EmitKind {
  None, AST, DL, Linalg, LLVMDialect, LLVMIR, Asm,
  /// The layers of the entry points as a Graphviz graph (GraphDot.cpp).
  Dot,
  /// Files for programs to link (Library.cpp, docs/embedding.md).
  Object, SharedLibrary
};

/// dl-repl's session (docs/repl.md): a training starts from the values of
/// `start` that name a parameter or state tensor of its step (others are
/// ignored) and gives each trained parameter and state tensor to `trained`.
struct TrainSessionValues {
  std::map<std::string, const dl_tensor *> start;
  std::function<void(const std::string &name, const dl_tensor &value)> trained;
};

/// dlc train and dlc eval (Train.cpp, docs/training.md). Numbers are kept
/// as written and checked by the command, which names the option.
struct TrainCommandOptions {
  std::vector<std::string> data, valData, scale, normalize;
  std::string valSplit, rows, shuffleRows, epochs, batch, patience;
  bool seedGiven = false;
  bool noShuffle = false;
  std::string monitor;
  /// --restore-best[=true|false]; unset: the block's setting.
  std::optional<bool> restoreBest;
  /// train: written after every epoch; eval: the weights to evaluate.
  std::string checkpoint;
  std::string resume, init, history, plot;
  std::string progress = "auto";
  bool gradNorms = false;
  /// dl-repl: values to start from and to keep (null for dlc train).
  TrainSessionValues *session = nullptr;
};

struct DriverOptions {
  std::string inputFile;
  std::vector<std::string> entries;
  std::vector<std::string> includeDirs;
  std::string outputFile = "-";
  bool color = false;
  std::string executablePath;
  EmitKind emit = EmitKind::None;
  /// --train NAME: the train block to compile (--emit, dlc train).
  std::string trainBlock;
  /// --check-numerics: the pipeline option check-numerics (every command
  /// that lowers code, through Session::lower).
  bool checkNumerics = false;
  // run
  std::vector<std::string> inputs;
  std::string inputsArchive;
  std::vector<std::string> outputs;
  std::string outputsArchive;
  std::string paramsFile;
  bool quiet = false;
  /// --train-mode: elaborate with `training` true (run, check-grad, --emit).
  bool trainMode = false;
  // check-grad
  double tolerance = 1e-5;
  double eps = 1e-6;
  /// --seed: the seed argument of entries and initializers that draw
  /// random numbers (and check-grad's random inputs).
  uint64_t seed = 0;
  /// run --checkpoint: parameters and state from a training checkpoint.
  std::string checkpointFile;
  TrainCommandOptions train;
  // -o model.so / model.o (docs/embedding.md)
  /// --mcpu, --mattr: the CPU to compile for (the host's when empty).
  std::string mcpu, mattr;
  /// --header: the C header (beside the library when empty).
  std::string headerFile;
  /// --prefix: of the C names (the output's stem and '_' when empty).
  std::string prefix;
  // summary
  /// --batch: the size of the batch extent (1 when empty).
  std::string summaryBatch;
  /// --dim NAME=N: sizes of other symbolic extents.
  std::vector<std::string> summaryDims;
};

int emitCommand(const DriverOptions &options);
int libraryCommand(const DriverOptions &options);
int runCommand(const DriverOptions &options);
int listEntriesCommand(const DriverOptions &options);
int checkGradCommand(const DriverOptions &options);
int listBuiltinsCommand(const DriverOptions &options);
int trainCommand(const DriverOptions &options);
int evalCommand(const DriverOptions &options);
int summaryCommand(const DriverOptions &options);

} // namespace dl

#endif // DL_TOOLS_DLC_DRIVER_H
