//===- Trainer.h - the training loop's state --------------------*- C++ -*-===//
//
// What a dl_trainer holds (dl/trainer.h): the compiled functions, a copy of
// the configuration, the model's tensors (parameters, state and optimizer
// slots, owned and updated in place by the step), the data bound to each
// data argument per set with its preprocessing, and the position of the
// training. Shared by Trainer.cpp (the loop) and TrainerCheckpoint.cpp
// (saving and loading).
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_TRAINER_H
#define DLRT_TRAINER_H

#include "GrowableArray.h"
#include "OwnedMemory.h"
#include "dl/trainer.h"

#include <cmath>

namespace dlrt {

/// A malloc'd copy of a string (null for null); false when memory is
/// exhausted.
bool duplicateString(const char *text, MallocPtr<char> &out);

/// A parameter, state tensor or optimizer slot of the step.
struct ModelTensor {
  const char *name = nullptr; // the step signature's
  dl_role role = DL_ROLE_PARAM;
  dl_tensor tensor{};         // owned (dl_tensor_free); data null until set
  bool set = false;           // has a value
  bool updated = false;       // the step writes it in place
  dl_tensor best{};           // the weights of the best epoch (restore_best)
};

/// Data bound to one data argument in one set.
struct Binding {
  bool bound = false;
  /// Row-major, with the argument's per-sample shape: a view of the
  /// caller's tensor or of `owned`.
  dl_tensor source{};
  dl_tensor owned{}; // a row-major copy of a strided tensor, or nothing
  MallocPtr<char> sourceName;
};

enum class Preprocess { None, Scale, Normalize };

/// A data argument of the step (an input of predict or a target of loss).
struct DataArg {
  const dl_value_info *info = nullptr;
  Binding sets[3]; // indexed by dl_trainer_set
  Preprocess preprocess = Preprocess::None;
  dl_norm_kind kind = DL_NORM_STANDARDIZE;
  dl_norm_axis axis = DL_NORM_PER_FEATURE;
  /// The statistics: fitted (or loaded, or a scale) when `fitted`.
  bool fitted = false;
  int64_t count = 0;
  MallocPtr<double> shift, divisor;
  /// The batch buffer of the current run.
  dl_tensor batch{};
};

/// Where the results of a function are.
struct StepResults {
  int loss = -1, prediction = -1, lr = -1, gradNorms = -1;
};

} // namespace dlrt

struct dl_trainer {
  dl_trainer_functions functions{};
  dl_trainer_config config{};
  /// Owned copies of the configuration's strings.
  dlrt::MallocPtr<char> monitor, metricsTarget, model, optimizer,
      checkpointPath, historyPath, plotPath;
  dlrt::GrowableArray<char *> trainedNames; // malloc'd
  dlrt::GrowableArray<dl_checkpoint_kv> hyperparameters; // malloc'd strings

  dlrt::GrowableArray<dlrt::ModelTensor> tensors;
  dlrt::GrowableArray<dlrt::DataArg *> data; // new'd
  dlrt::StepResults step, evaluate;
  /// The data argument the metrics' target comes from, or -1.
  int metricsTargetIndex = -1;
  size_t numMetrics = 0;
  dlrt::GrowableArray<const char *> metricNames; // the metrics signature's

  /// The position: epochs completed, steps taken, samples seen.
  int64_t epoch = 0, stepCount = 0, samplesSeen = 0;
  uint64_t seed = 0;
  /// Early stopping: the best monitored value, its epoch (0: none), and
  /// the epochs since it.
  double bestValue = NAN;
  int64_t bestEpoch = 0, wait = 0;
  bool haveBestWeights = false;

  dlrt::DataArg *findData(const char *name) const;
  dlrt::ModelTensor *findTensor(const char *name);
  ~dl_trainer();
};

#endif // DLRT_TRAINER_H
