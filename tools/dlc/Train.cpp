//===- Train.cpp - dlc train and dlc eval ---------------------------------===//
//
// Compiles the functions of a train block (Frontend::emitTraining: T.step,
// its initializer, T.evaluate, T.metrics) with the CPU pipeline into the
// JIT, loads the data files named on the command line, and hands both to
// the runtime's trainer (dl/trainer.h), which runs the epochs, or
// evaluates a checkpoint on a data set. docs/training.md.
//
//===----------------------------------------------------------------------===//

#include "Arguments.h"
#include "Session.h"

#include "dl/Dialect/Attributes.h"
#include "dl/Frontend/AST.h"
#include "dl/JIT/JIT.h"
#include "dl/data.h"
#include "dl/trainer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <optional>

using namespace dl;

namespace {

/// The compiled functions of a train block.
struct TrainingProgram {
  std::string block;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  Compiled step, init, evaluate, metrics;
  bool hasInit = false, hasEvaluate = false, hasMetrics = false;
  mlir::DictionaryAttr settings;
  /// The first target of `loss`: what the metrics compare predictions with.
  std::string metricsTarget;
  std::unique_ptr<JIT> jit;

  /// The step's data arguments: inputs of predict, targets of loss.
  std::vector<const dl_value_info *> data() const {
    std::vector<const dl_value_info *> out;
    for (const dl_value_info &info : step.signature.args())
      if (info.role == DL_ROLE_INPUT)
        out.push_back(&info);
    return out;
  }
  const dl_value_info *findData(llvm::StringRef name) const {
    for (const dl_value_info *info : data())
      if (name == info->name)
        return info;
    return nullptr;
  }
  std::string dataNames() const {
    std::string names;
    for (const dl_value_info *info : data())
      names += (names.empty() ? "" : ", ") + std::string(info->name);
    return names;
  }
};

/// The train block to use: --train, else the only one.
std::string chooseBlock(Session &session) {
  const DriverOptions &options = session.options;
  std::vector<std::string> blocks = session.frontend.trainBlocks();
  if (!options.trainBlock.empty()) {
    if (llvm::is_contained(blocks, options.trainBlock))
      return options.trainBlock;
    fail(blocks.empty()
             ? options.inputFile + " has no train block"
             : "no train block named '" + options.trainBlock + "' in " +
                   options.inputFile + " (it has " + llvm::join(blocks, ", ") +
                   ")");
    return "";
  }
  if (blocks.size() == 1)
    return blocks.front();
  if (blocks.empty())
    fail(options.inputFile + " has no train block (train NAME { ... }, "
                             "docs/training.md)");
  else
    fail(options.inputFile + " has several train blocks; choose one with "
                             "--train: " +
         llvm::join(blocks, ", "));
  return "";
}

/// The name of the first target of `loss` in the block's source.
std::string firstTarget(Session &session, llvm::StringRef block) {
  const LoadedModule *main = session.frontend.getMainModule();
  if (!main)
    return "";
  for (const auto &decl : main->ast->trains) {
    if (decl->name != block)
      continue;
    for (const ast::Member &m : decl->members)
      if (m.kind == ast::Member::Kind::Method && m.method &&
          m.method->name == "loss" && m.method->params.size() > 1)
        return m.method->params[1].name;
  }
  return "";
}

bool buildSignature(mlir::ModuleOp module, const std::string &name,
                    Compiled &compiled, bool &present, bool required) {
  auto func = module.lookupSymbol<mlir::func::FuncOp>(name);
  present = func != nullptr;
  if (!func) {
    if (required)
      fail("the training module has no function '" + name + "'");
    return !required;
  }
  std::string error;
  if (!compiled.signature.build(func, error)) {
    fail("cannot call '" + name + "': " + error);
    return false;
  }
  return true;
}

/// Compiles the block's functions into the JIT.
bool compileTraining(Session &session, bool gradNorms,
                     TrainingProgram &program) {
  program.block = chooseBlock(session);
  if (program.block.empty())
    return false;
  TrainingOptions trainingOptions;
  trainingOptions.gradNorms = gradNorms;
  program.module =
      session.frontend.emitTraining(program.block, trainingOptions);
  if (!program.module)
    return false;
  std::string stepName = program.block + ".step";
  std::string evaluateName = program.block + ".evaluate";
  std::string metricsName = program.block + ".metrics";
  auto stepFunc = program.module->lookupSymbol<mlir::func::FuncOp>(stepName);
  if (!stepFunc) {
    fail("the training module has no function '" + stepName + "'");
    return false;
  }
  program.settings =
      stepFunc->getAttrOfType<mlir::DictionaryAttr>(attrs::kTrainSettings);
  std::string initName;
  if (auto attr = stepFunc->getAttrOfType<mlir::StringAttr>(attrs::kInit))
    initName = attr.str();
  bool stepPresent;
  if (!buildSignature(*program.module, stepName, program.step, stepPresent,
                      true) ||
      !buildSignature(*program.module, evaluateName, program.evaluate,
                      program.hasEvaluate, false) ||
      !buildSignature(*program.module, metricsName, program.metrics,
                      program.hasMetrics, false))
    return false;
  if (!initName.empty() &&
      !buildSignature(*program.module, initName, program.init,
                      program.hasInit, false))
    return false;
  program.metricsTarget = firstTarget(session, program.block);

  if (!session.lower(*program.module, EmitKind::LLVMDialect))
    return false;
  llvm::Expected<std::unique_ptr<JIT>> jit = JIT::create();
  if (!jit) {
    fail(llvm::toString(jit.takeError()));
    return false;
  }
  program.jit = std::move(*jit);
  if (llvm::Error e = program.jit->addModule(*program.module)) {
    fail(llvm::toString(std::move(e)));
    return false;
  }
  return lookupEntry(*program.jit, stepName, program.step) &&
         (!program.hasInit || lookupEntry(*program.jit, initName, program.init)) &&
         (!program.hasEvaluate ||
          lookupEntry(*program.jit, evaluateName, program.evaluate)) &&
         (!program.hasMetrics ||
          lookupEntry(*program.jit, metricsName, program.metrics));
}

dl_trainer_functions functionsOf(const TrainingProgram &program) {
  dl_trainer_functions f{};
  f.step = {&program.step.signature.get(), program.step.fn};
  if (program.hasInit)
    f.init = {&program.init.signature.get(), program.init.fn};
  if (program.hasEvaluate)
    f.evaluate = {&program.evaluate.signature.get(), program.evaluate.fn};
  if (program.hasMetrics)
    f.metrics = {&program.metrics.signature.get(), program.metrics.fn};
  return f;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

bool parseInt(const std::string &text, llvm::StringRef option, int64_t min,
              int64_t &out) {
  int64_t value;
  if (llvm::StringRef(text).trim().getAsInteger(10, value) || value < min) {
    fail("--" + option + " expects a whole number" +
         (min > 0 ? " of at least " + std::to_string(min)
                  : std::string(" (0 or more)")) +
         ", not '" + text + "'");
    return false;
  }
  out = value;
  return true;
}

/// --rows START:END: the samples [START, END) of every data file, counted
/// from 0; either bound may be left out, and a negative one counts from the
/// end (Python's slices).
/// With --shuffle-rows SEED, the samples are first put in the order of
/// dl_permutation(SEED, samples): one seeded random split for train and
/// eval.
struct RowRange {
  std::optional<int64_t> start, end;
  std::string text;
  std::optional<uint64_t> shuffleSeed;

  /// Narrows `view` (the data of `source`, held in `owned`) to the range,
  /// or reports why not.
  bool apply(dl_tensor &view, OwnedTensor &owned,
             const std::string &source) const {
    if (shuffleSeed && view.rank > 0 && !shuffle(view, owned, source))
      return false;
    if (text.empty() || view.rank == 0)
      return true;
    int64_t n = view.shape[0];
    auto resolve = [&](std::optional<int64_t> bound, int64_t otherwise) {
      if (!bound)
        return otherwise;
      return *bound < 0 ? n + *bound : *bound;
    };
    int64_t b = resolve(start, 0), e = resolve(end, n);
    if (b < 0 || b > n || e < b || e > n) {
      fail("--rows " + text + " does not fit " + source + ", which has " +
           std::to_string(n) + " samples");
      return false;
    }
    if (b == e) {
      fail("--rows " + text + " selects no samples of " + source);
      return false;
    }
    view.data = static_cast<char *>(view.data) +
                b * view.strides[0] * dl_dtype_size(view.dtype);
    view.shape[0] = e - b;
    return true;
  }

private:
  /// Replaces `view` by a row-major copy whose samples are permuted.
  bool shuffle(dl_tensor &view, OwnedTensor &owned,
               const std::string &source) const {
    std::vector<int64_t> order(view.shape[0]);
    OwnedTensor copy;
    if (dl_permutation(*shuffleSeed, view.shape[0], order.data()) != DL_OK ||
        dl_tensor_alloc(&copy.tensor, view.dtype, view.rank, view.shape) !=
            DL_OK ||
        dl_gather_rows(&view, order.data(), view.shape[0], &copy.tensor) !=
            DL_OK) {
      fail(source + ": " + dl_last_error());
      return false;
    }
    std::swap(owned.tensor, copy.tensor);
    view = owned.tensor;
    return true;
  }
};

bool parseRows(const std::string &text, RowRange &out) {
  out.text = text;
  auto [first, second] = llvm::StringRef(text).trim().split(':');
  auto bound = [](llvm::StringRef part, std::optional<int64_t> &value) {
    part = part.trim();
    if (part.empty())
      return true;
    int64_t v;
    if (part.getAsInteger(10, v))
      return false;
    value = v;
    return true;
  };
  if (!llvm::StringRef(text).contains(':') || !bound(first, out.start) ||
      !bound(second, out.end)) {
    fail("--rows expects START:END (whole numbers, either may be left out, "
         "negative ones count from the end), not '" + text + "'");
    return false;
  }
  return true;
}

bool parseShuffleRows(const std::string &text, RowRange &out) {
  if (text.empty())
    return true;
  uint64_t seed;
  if (llvm::StringRef(text).trim().getAsInteger(10, seed)) {
    fail("--shuffle-rows expects a seed (a whole number, 0 or more), not '" +
         text + "'");
    return false;
  }
  out.shuffleSeed = seed;
  return true;
}

bool parseDouble(llvm::StringRef text, double &out) {
  text = text.trim();
  return !text.empty() && !text.getAsDouble(out) && std::isfinite(out);
}

/// One --data or --val-data: NAME=FILE[:SELECTOR], or FILE.npz.
struct DataSpec {
  std::string name, file, selector;
  bool archive = false; // FILE.npz: its arrays by name
  std::string source() const {
    return selector.empty() ? file : file + ":" + selector;
  }
};

bool parseDataSpec(llvm::StringRef text, llvm::StringRef option,
                   DataSpec &spec) {
  if (!text.contains('=')) {
    spec.archive = true;
    spec.file = text.str();
    if (spec.file.empty()) {
      fail("--" + option + " expects NAME=FILE[:SELECTOR] or FILE.npz");
      return false;
    }
    return true;
  }
  auto [name, rest] = text.split('=');
  if (name.empty() || rest.empty()) {
    fail("--" + option + " expects NAME=FILE[:SELECTOR] or FILE.npz, not '" +
         text + "'");
    return false;
  }
  spec.name = name.str();
  splitFileSelector(rest, spec.file, spec.selector);
  return true;
}

/// Data loaded from files, owned here, and bound into a trainer.
class DataSet {
public:
  DataSet(const TrainingProgram &program, dl_trainer *trainer,
          dl_trainer_set set, const char *option)
      : program(program), trainer(trainer), set(set), option(option) {}

  /// Loads and binds every --data (or --val-data) option.
  bool load(const std::vector<std::string> &specs, const RowRange &rows) {
    for (const std::string &text : specs) {
      DataSpec spec;
      if (!parseDataSpec(text, option, spec))
        return false;
      if (spec.archive) {
        if (!(isArchive(spec.file) ? loadArchive(spec.file, rows)
                                   : loadColumns(spec.file, rows)))
          return false;
        continue;
      }
      if (!loadOne(spec.name, spec.file, spec.selector, spec.source(), rows))
        return false;
    }
    return true;
  }

  /// Reports the first data argument not bound.
  bool complete(const char *what) const {
    for (const dl_value_info *info : program.data()) {
      if (bound.contains(info->name))
        continue;
      fail("missing " + std::string(what) + "data '" + info->name + "' (" +
           Signature::format(*info) + "): give it with --" + option + " " +
           info->name + "=FILE");
      return false;
    }
    return true;
  }
  bool empty() const { return bound.empty(); }
  int64_t samples() const { return samplesCount; }

private:
  bool loadOne(const std::string &name, const std::string &file,
               const std::string &selector, const std::string &source,
               const RowRange &rows) {
    const dl_value_info *info = program.findData(name);
    if (!info) {
      fail("the training has no data named '" + name + "' (its data: " +
           program.dataNames() + ")");
      return false;
    }
    if (!bound.insert(name).second) {
      fail("--" + std::string(option) + " binds '" + name + "' twice");
      return false;
    }
    tensors.emplace_back();
    dl_tensor &t = tensors.back().tensor;
    if (dl_array_load(file.c_str(), selector.empty() ? nullptr : selector.c_str(),
                      info->dtype, &t) != DL_OK) {
      fail(llvm::Twine(dl_last_error()));
      return false;
    }
    dl_tensor view = t;
    if (!rows.apply(view, tensors.back(), source))
      return false;
    if (dl_trainer_set_data(trainer, set, name.c_str(), &view,
                            source.c_str()) != DL_OK) {
      fail(llvm::Twine(dl_last_error()));
      return false;
    }
    samplesCount = view.rank > 0 ? view.shape[0] : 0;
    return true;
  }

  /// Whether a file is a zip archive (an .npz), by its first bytes.
  static bool isArchive(const std::string &file) {
    char magic[4] = {0};
    if (FILE *f = std::fopen(file.c_str(), "rb")) {
      size_t n = std::fread(magic, 1, sizeof(magic), f);
      std::fclose(f);
      return n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
             ((magic[2] == 3 && magic[3] == 4) ||
              (magic[2] == 5 && magic[3] == 6));
    }
    return llvm::StringRef(file).ends_with(".npz");
  }

  /// A table (CSV) without NAME=: its columns go to the data arguments in
  /// order, each taking as many as it has values per sample.
  bool loadColumns(const std::string &file, const RowRange &rows) {
    OwnedTensor table;
    if (dl_array_load_native(file.c_str(), nullptr, &table.tensor) != DL_OK) {
      fail(llvm::Twine(dl_last_error()));
      return false;
    }
    std::vector<const dl_value_info *> data = program.data();
    std::vector<int64_t> widths;
    std::string described;
    int64_t total = 0;
    for (const dl_value_info *info : data) {
      int64_t width = 1;
      for (int32_t d = 1; d < info->rank; ++d) {
        if (info->dims[d].size < 0) {
          fail("--" + std::string(option) + " " + file +
               " binds columns in order, but '" + info->name + "' (" +
               Signature::format(*info) +
               ") has no fixed number of values per sample; bind it with "
               "--" +
               option + " " + info->name + "=FILE:COLUMNS");
          return false;
        }
        width *= info->dims[d].size;
      }
      widths.push_back(width);
      total += width;
      described += (described.empty() ? "" : ", ") + std::string(info->name) +
                   " (" + Signature::format(*info) + ")";
    }
    const dl_tensor &t = table.tensor;
    if (t.rank != 2 || t.shape[1] != total) {
      fail("--" + std::string(option) + " " + file +
           " without NAME= binds the arrays of an .npz archive by name, or "
           "the columns of a table in order: " +
           described + " take " + std::to_string(total) +
           " columns, but the file has " +
           (t.rank == 2 ? std::to_string(t.shape[1]) + " columns"
                        : "the shape " + formatShape(t)) +
           "; bind each with --" + option + " NAME=FILE:COLUMNS");
      return false;
    }
    int64_t column = 0;
    for (size_t i = 0; i < data.size(); ++i) {
      std::string selector =
          widths[i] == 1 && data[i]->rank == 1
              ? std::to_string(column)
              : std::to_string(column) + ":" +
                    std::to_string(column + widths[i]);
      column += widths[i];
      if (!loadOne(data[i]->name, file, selector, file + ":" + selector,
                   rows))
        return false;
    }
    return true;
  }

  static std::string formatShape(const dl_tensor &t) {
    std::string s = "[";
    for (int32_t d = 0; d < t.rank; ++d)
      s += (d ? ", " : "") + std::to_string(t.shape[d]);
    return s + "]";
  }

  bool loadArchive(const std::string &file, const RowRange &rows) {
    dl_npz *npz = nullptr;
    if (dl_npz_open(file.c_str(), &npz) != DL_OK) {
      fail("--" + std::string(option) + " " + file +
           ": an option without NAME= binds the arrays of an .npz archive "
           "by name: " +
           dl_last_error());
      return false;
    }
    std::vector<std::string> names;
    for (size_t i = 0, e = dl_npz_count(npz); i < e; ++i)
      names.push_back(dl_npz_name(npz, i));
    dl_npz_close(npz);
    for (const std::string &name : names) {
      if (!program.findData(name)) {
        fail(file + " has an array '" + name +
             "' but the training has no data of that name (its data: " +
             program.dataNames() + ")");
        return false;
      }
      if (!loadOne(name, file, name, file + ":" + name, rows))
        return false;
    }
    return true;
  }

  const TrainingProgram &program;
  dl_trainer *trainer;
  dl_trainer_set set;
  const char *option;
  std::deque<OwnedTensor> tensors;
  llvm::StringSet<> bound;
  int64_t samplesCount = 0;
};

/// A trainer, destroyed on scope exit.
struct TrainerHandle {
  dl_trainer *trainer = nullptr;
  ~TrainerHandle() { dl_trainer_destroy(trainer); }
};

std::string formatValue(double v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (std::isnan(v))
    os << "nan";
  else if (v == 0 || (std::fabs(v) >= 1e-3 && std::fabs(v) < 1e5))
    os << llvm::format("%.4f", v);
  else
    os << llvm::format("%.3e", v);
  return s;
}

} // namespace

//===----------------------------------------------------------------------===//
// dlc train
//===----------------------------------------------------------------------===//

int dl::trainCommand(const DriverOptions &options) {
  const TrainCommandOptions &o = options.train;
  // Options that need no compiling are checked first.
  int64_t epochs = -1, batch = -1, patience = -1;
  RowRange rows;
  double valSplit = -1;
  if ((!o.epochs.empty() && !parseInt(o.epochs, "epochs", 1, epochs)) ||
      (!o.batch.empty() && !parseInt(o.batch, "batch", 0, batch)) ||
      (!o.patience.empty() && !parseInt(o.patience, "patience", 0, patience)) ||
      (!o.rows.empty() && !parseRows(o.rows, rows)) ||
      !parseShuffleRows(o.shuffleRows, rows))
    return 1;
  if (!o.valSplit.empty() &&
      (!parseDouble(o.valSplit, valSplit) || valSplit < 0 || valSplit >= 1))
    return fail("--val-split expects a fraction in [0, 1), not '" +
                o.valSplit + "'");
  if (!o.valSplit.empty() && !o.valData.empty())
    return fail("give --val-split or --val-data, not both");
  if (!o.resume.empty() && o.seedGiven)
    return fail("--resume continues a training with its checkpoint's seed; "
                "it cannot be combined with --seed");
  if (!o.resume.empty() && !o.init.empty())
    return fail("--resume continues a training with its own weights; it "
                "cannot be combined with --init");
  dl_progress_style style = DL_PROGRESS_AUTO;
  bool showProgress = !options.quiet;
  if (o.progress == "bar")
    style = DL_PROGRESS_BAR;
  else if (o.progress == "lines")
    style = DL_PROGRESS_LINES;
  else if (o.progress == "none")
    showProgress = false;
  else if (o.progress != "auto")
    return fail("--progress is auto, bar, lines or none, not '" + o.progress +
                "'");
  struct Scale {
    std::string name;
    double divisor;
  };
  std::vector<Scale> scales;
  for (const std::string &text : o.scale) {
    auto [name, value] = llvm::StringRef(text).split('=');
    double divisor;
    if (name.empty() || !parseDouble(value, divisor) || divisor == 0)
      return fail("--scale expects NAME=NUMBER (a divisor other than 0), "
                  "not '" +
                  text + "'");
    scales.push_back({name.str(), divisor});
  }
  struct Normalize {
    std::string name;
    dl_norm_kind kind;
  };
  std::vector<Normalize> normalizations;
  for (const std::string &text : o.normalize) {
    auto [name, kind] = llvm::StringRef(text).split('=');
    if (name.empty() || (kind != "standardize" && kind != "minmax"))
      return fail("--normalize expects NAME=standardize or NAME=minmax, not "
                  "'" +
                  text + "'");
    normalizations.push_back(
        {name.str(), kind == "minmax" ? DL_NORM_MINMAX : DL_NORM_STANDARDIZE});
  }

  Session session(options);
  if (!session.load())
    return 1;
  TrainingProgram program;
  if (!compileTraining(session, o.gradNorms, program))
    return 1;

  // The block's settings, then the command line.
  mlir::DictionaryAttr s = program.settings;
  auto intSetting = [&](llvm::StringRef key, int64_t fallback) {
    auto attr = s ? s.getAs<mlir::IntegerAttr>(key) : nullptr;
    return attr ? attr.getInt() : fallback;
  };
  auto boolSetting = [&](llvm::StringRef key, bool fallback) {
    auto attr = s ? s.getAs<mlir::BoolAttr>(key) : nullptr;
    return attr ? attr.getValue() : fallback;
  };
  auto stringSetting = [&](llvm::StringRef key) -> std::string {
    auto attr = s ? s.getAs<mlir::StringAttr>(key) : nullptr;
    return attr ? attr.str() : "";
  };
  if (o.gradNorms && stringSetting("optimizer") == "update")
    return fail("--grad-norms: train block '" + program.block +
                "' updates its parameters with its own update function, "
                "which computes no gradients");
  dl_trainer_config config;
  dl_trainer_config_init(&config);
  config.batch = batch >= 0 ? batch : intSetting("batch", 32);
  config.epochs = epochs >= 0 ? epochs : intSetting("epochs", 10);
  config.shuffle = !o.noShuffle && boolSetting("shuffle", true);
  config.seed = o.seedGiven ? options.seed
                            : uint64_t(intSetting("seed", 0));
  double blockSplit = 0;
  if (auto attr = s ? s.getAs<mlir::FloatAttr>("val_split") : nullptr)
    blockSplit = attr.getValueAsDouble();
  config.val_split = valSplit >= 0 ? valSplit : blockSplit;
  std::string monitor =
      !o.monitor.empty() ? o.monitor : stringSetting("monitor");
  config.monitor = monitor.empty() ? nullptr : monitor.c_str();
  config.patience = patience >= 0 ? patience : intSetting("patience", 0);
  config.restore_best =
      o.restoreBest.value_or(boolSetting("restore_best", false));
  config.grad_norms = o.gradNorms;
  std::vector<std::string> trained;
  if (auto list = s ? s.getAs<mlir::ArrayAttr>("trained") : nullptr)
    for (mlir::Attribute a : list)
      if (auto name = llvm::dyn_cast<mlir::StringAttr>(a))
        trained.push_back(name.str());
  std::vector<const char *> trainedNames;
  for (const std::string &name : trained)
    trainedNames.push_back(name.c_str());
  config.num_trained = trainedNames.size();
  config.trained = trainedNames.data();
  if (!program.metricsTarget.empty())
    config.metrics_target = program.metricsTarget.c_str();
  config.model = program.block.c_str();
  std::string optimizer = stringSetting("optimizer");
  config.optimizer = optimizer.empty() ? nullptr : optimizer.c_str();
  // A hand-written update rule has no learning rate.
  config.show_lr = !optimizer.empty() && optimizer != "update";
  std::vector<std::pair<std::string, std::string>> hyper;
  if (auto dict = s ? s.getAs<mlir::DictionaryAttr>("hyperparameters")
                    : nullptr)
    for (mlir::NamedAttribute a : dict)
      if (auto value = llvm::dyn_cast<mlir::StringAttr>(a.getValue()))
        hyper.push_back({a.getName().str(), value.str()});
  std::vector<dl_checkpoint_kv> kvs;
  for (const auto &[key, value] : hyper)
    kvs.push_back({key.c_str(), value.c_str()});
  config.num_hyperparameters = kvs.size();
  config.hyperparameters = kvs.data();
  config.checkpoint_path = o.checkpoint.empty() ? nullptr : o.checkpoint.c_str();
  config.history_path = o.history.empty() ? nullptr : o.history.c_str();
  config.plot_path = o.plot.empty() ? nullptr : o.plot.c_str();
  config.show_progress = showProgress;
  config.progress.style = style;
  config.log_fd = options.quiet ? -1 : 1;

  TrainerHandle handle;
  dl_trainer_functions functions = functionsOf(program);
  if (dl_trainer_create(&functions, &config, &handle.trainer) != DL_OK)
    return fail(llvm::Twine(dl_last_error()));
  dl_trainer *trainer = handle.trainer;

  DataSet train(program, trainer, DL_TRAINER_TRAIN, "data");
  DataSet validation(program, trainer, DL_TRAINER_VALIDATION, "val-data");
  if (!train.load(o.data, rows) || !train.complete("") ||
      !validation.load(o.valData, rows) ||
      (!validation.empty() && !validation.complete("validation ")))
    return 1;
  for (const Scale &scale : scales)
    if (dl_trainer_scale(trainer, scale.name.c_str(), scale.divisor) != DL_OK)
      return fail(llvm::Twine(dl_last_error()));
  for (const Normalize &n : normalizations)
    if (dl_trainer_normalize(trainer, n.name.c_str(), n.kind,
                             DL_NORM_PER_FEATURE) != DL_OK)
      return fail(llvm::Twine(dl_last_error()));
  if (!o.init.empty() &&
      dl_trainer_load(trainer, o.init.c_str(), DL_TRAINER_LOAD_INIT) != DL_OK)
    return fail(llvm::Twine(dl_last_error()));
  if (!o.resume.empty() &&
      dl_trainer_load(trainer, o.resume.c_str(), DL_TRAINER_LOAD_RESUME) !=
          DL_OK)
    return fail(llvm::Twine(dl_last_error()));
  if (o.session && o.init.empty() && o.resume.empty())
    for (const auto &[name, value] : o.session->start)
      if (dl_trainer_find(trainer, name.c_str()) &&
          dl_trainer_set_tensor(trainer, name.c_str(), value) != DL_OK)
        return fail(llvm::Twine(dl_last_error()));

  if (!options.quiet) {
    int64_t n = train.samples();
    int64_t held = validation.empty() && config.val_split > 0
                       ? n - int64_t(double(n) * (1.0 - config.val_split))
                       : 0;
    llvm::outs() << "train " << program.block << ": " << n - held
                 << " samples";
    if (!validation.empty())
      llvm::outs() << ", " << validation.samples() << " for validation";
    else if (held)
      llvm::outs() << ", " << held << " held out for validation";
    int64_t b = config.batch == 0 || config.batch > n - held ? n - held
                                                             : config.batch;
    llvm::outs() << "; batch " << b << ", " << config.epochs
                 << (config.epochs == 1 ? " epoch" : " epochs");
    if (config.show_lr) {
      llvm::outs() << "; " << optimizer << "(";
      for (size_t i = 0; i < hyper.size(); ++i)
        llvm::outs() << (i ? ", " : "") << hyper[i].first << " = "
                     << hyper[i].second;
      llvm::outs() << ")";
    }
    llvm::outs() << "\n";
    if (!o.resume.empty()) {
      int64_t epoch, step;
      dl_trainer_position(trainer, &epoch, &step, nullptr, nullptr);
      llvm::outs() << "resuming from " << o.resume << " after epoch " << epoch
                   << " (step " << step << ")\n";
    }
    llvm::outs().flush();
  }
  if (dl_trainer_fit(trainer, nullptr) != DL_OK)
    return fail(llvm::Twine(dl_last_error()));
  if (o.session)
    for (size_t i = 0, e = dl_trainer_num_tensors(trainer); i < e; ++i) {
      dl_role role = dl_trainer_tensor_role(trainer, i);
      if (role == DL_ROLE_PARAM || role == DL_ROLE_STATE)
        o.session->trained(dl_trainer_tensor_name(trainer, i),
                           *dl_trainer_tensor(trainer, i));
    }
  return 0;
}

//===----------------------------------------------------------------------===//
// dlc eval
//===----------------------------------------------------------------------===//

int dl::evalCommand(const DriverOptions &options) {
  const TrainCommandOptions &o = options.train;
  int64_t batch = -1;
  RowRange rows;
  if ((!o.batch.empty() && !parseInt(o.batch, "batch", 0, batch)) ||
      (!o.rows.empty() && !parseRows(o.rows, rows)) ||
      !parseShuffleRows(o.shuffleRows, rows))
    return 1;
  if (o.checkpoint.empty())
    return fail("dlc eval needs the weights to evaluate: --checkpoint FILE");
  if (o.data.empty())
    return fail("dlc eval needs the data to evaluate on: --data NAME=FILE "
                "for each input and target");
  Session session(options);
  if (!session.load())
    return 1;
  TrainingProgram program;
  if (!compileTraining(session, false, program))
    return 1;
  if (!program.hasEvaluate)
    return fail("the training '" + program.block +
                "' has no evaluation function");
  dl_trainer_config config;
  dl_trainer_config_init(&config);
  int64_t blockBatch = 32;
  if (auto attr = program.settings
                      ? program.settings.getAs<mlir::IntegerAttr>("batch")
                      : nullptr)
    blockBatch = attr.getInt();
  config.batch = batch >= 0 ? batch : blockBatch;
  config.show_progress = 0;
  config.log_fd = -1;
  if (!program.metricsTarget.empty())
    config.metrics_target = program.metricsTarget.c_str();
  config.model = program.block.c_str();
  TrainerHandle handle;
  dl_trainer_functions functions = functionsOf(program);
  if (dl_trainer_create(&functions, &config, &handle.trainer) != DL_OK)
    return fail(llvm::Twine(dl_last_error()));
  dl_trainer *trainer = handle.trainer;
  if (dl_trainer_load(trainer, o.checkpoint.c_str(), DL_TRAINER_LOAD_MODEL) !=
      DL_OK)
    return fail(llvm::Twine(dl_last_error()));
  DataSet test(program, trainer, DL_TRAINER_TEST, "data");
  if (!test.load(o.data, rows) || !test.complete(""))
    return 1;
  size_t numMetrics = dl_trainer_num_metrics(trainer);
  std::vector<double> metrics(numMetrics);
  double loss;
  int64_t samples;
  if (dl_trainer_evaluate(trainer, DL_TRAINER_TEST, &loss, metrics.data(),
                          &samples) != DL_OK)
    return fail(llvm::Twine(dl_last_error()));
  llvm::outs() << "loss " << formatValue(loss);
  for (size_t i = 0; i < numMetrics; ++i)
    llvm::outs() << "  " << dl_trainer_metric_name(trainer, i) << " "
                 << formatValue(metrics[i]);
  llvm::outs() << "  (" << samples << " samples)\n";
  return 0;
}
