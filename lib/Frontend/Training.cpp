//===- Training.cpp - train blocks ----------------------------------------===//
//
// `train T { ... }` (docs/training.md) becomes the functions a training
// driver calls:
//   T.step            forward, backward, clipping and the optimizer update,
//                     writing parameters and optimizer state in place;
//   T.step.__init__   initial parameters, state and optimizer state;
//   T.evaluate        loss and prediction in eval mode;
//   T.metrics         the block's metrics over a whole data set.
// The step differentiates `loss(predict(inputs), targets)` through the same
// dl.grad path as grad() (Derivatives.cpp), with respect to every learnable
// parameter the loss reaches that is not frozen.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"
#include "Suggest.h"

#include "dl/Dialect/Attributes.h"

#include <cstdio>
#include <functional>

using namespace dl;
using llvm::SMLoc;
using llvm::StringRef;

/// A train block, checked: its functions and settings.
struct Elaborator::TrainBlock {
  const ast::ModelDecl *decl = nullptr;
  const LoadedModule *module = nullptr;
  ModelInstance *instance = nullptr;
  const ast::FnDecl *predict = nullptr;
  const ast::FnDecl *loss = nullptr;
  const ast::FnDecl *update = nullptr;
  const ast::FnDecl *lr = nullptr;
  ModelInstance *optimizer = nullptr;
  /// The data: predict's parameters (inputs), then the parameters of loss
  /// after the first that are not inputs (targets).
  std::vector<const ast::Param *> data;
  size_t numInputs = 0;
  /// For each parameter of loss after the first: its index in `data`.
  std::vector<size_t> lossData;
  std::vector<std::pair<std::string, Value>> metrics;
  std::vector<Value> frozen;
  std::optional<double> clipValue, clipNorm;
  mlir::NamedAttrList settings;

  bool isFrozen(const ParamSlot &slot) const {
    std::string path = slot.path();
    for (const Value &f : frozen) {
      if (f.kind == Value::Kind::Model) {
        for (const ModelInstance *m = slot.owner; m; m = m->parent)
          if (m == f.model)
            return true;
      } else if (path == f.stringValue ||
                 StringRef(path).starts_with(f.stringValue + ".")) {
        return true;
      }
    }
    return false;
  }
};

namespace {
/// Sets `training` for the lifetime of the guard.
class TrainingModeGuard {
public:
  TrainingModeGuard(bool &flag, bool value) : flag(flag), saved(flag) {
    flag = value;
  }
  ~TrainingModeGuard() { flag = saved; }

private:
  bool &flag;
  bool saved;
};

const char *const kSettings[] = {
    "optimizer", "metrics",  "batch",     "epochs",  "shuffle",
    "seed",      "frozen",   "clip_value", "clip_norm", "val_split",
    "monitor",   "patience", "restore_best"};
} // namespace

/// A number as C's %g prints it, for settings shown to people.
static std::string formatNumber(double x) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", x);
  return text;
}

std::vector<std::string> Elaborator::trainBlocks(const LoadedModule *main) {
  std::vector<std::string> names;
  for (const auto &t : main->ast->trains)
    names.push_back(t->name);
  return names;
}

//===----------------------------------------------------------------------===//
// The block and its settings
//===----------------------------------------------------------------------===//

std::optional<Elaborator::TrainBlock>
Elaborator::loadTrainBlock(const LoadedModule *main, StringRef name) {
  TrainBlock t;
  t.module = main;
  for (const auto &decl : main->ast->trains)
    if (decl->name == name)
      t.decl = decl.get();
  if (!t.decl)
    return std::nullopt;
  SMLoc at = t.decl->nameRange.Start;
  std::optional<ModelInstance *> instance =
      instantiate(*t.decl, main, {}, at);
  if (!instance)
    return std::nullopt;
  t.instance = *instance;
  mlir::Builder &b = builder;

  // Functions.
  t.predict = t.instance->method("predict");
  t.loss = t.instance->method("loss");
  t.update = t.instance->method("update");
  t.lr = t.instance->method("lr");
  if (!t.predict || !t.loss)
    return error(at, "train block '" + name + "' needs the functions "
                     "'predict(inputs...)' and 'loss(prediction, "
                     "targets...)'"),
           std::nullopt;
  for (const ast::Param &p : t.predict->params) {
    if (!p.type || p.type->kind != ast::TypeExpr::Kind::Tensor ||
        p.type->anyShape)
      return error(p.range.Start, "the parameters of 'predict' are the "
                                  "model's inputs: give '" +
                                      p.name + "' a tensor type with a "
                                               "shape ('f32[B, 784]')"),
             std::nullopt;
    t.data.push_back(&p);
  }
  t.numInputs = t.data.size();
  if (t.loss->params.empty())
    return error(t.loss->nameRange.Start,
                 "'loss' takes the prediction, then the targets"),
           std::nullopt;
  for (size_t i = 1; i < t.loss->params.size(); ++i) {
    const ast::Param &p = t.loss->params[i];
    auto shared = llvm::find_if(t.data, [&](const ast::Param *d) {
      return d->name == p.name;
    });
    if (shared != t.data.end()) {
      t.lossData.push_back(shared - t.data.begin());
      continue;
    }
    if (!p.type || p.type->kind != ast::TypeExpr::Kind::Tensor ||
        p.type->anyShape)
      return error(p.range.Start, "the parameters of 'loss' after the "
                                  "prediction are the targets: give '" +
                                      p.name + "' a tensor type with a "
                                               "shape ('i64[B]')"),
             std::nullopt;
    t.lossData.push_back(t.data.size());
    t.data.push_back(&p);
  }
  if (t.update)
    for (const ast::Param &p : t.update->params)
      if (!llvm::any_of(t.data, [&](const ast::Param *d) {
            return d->name == p.name;
          }))
        return error(p.range.Start,
                     "the parameters of 'update' are inputs of 'predict' or "
                     "targets of 'loss', by name; '" +
                         p.name + "' is neither"),
               std::nullopt;
  if (t.lr && t.lr->params.size() != 1)
    return error(t.lr->nameRange.Start,
                 "'lr' takes one argument, the epoch (from 0)"),
           std::nullopt;

  // Settings, with their defaults.
  int64_t batch = 32, epochs = 10, seed = 0, patience = 0;
  bool shuffle = true, restoreBest = false;
  double valSplit = 0;
  std::string monitor = "val_loss";
  SMLoc monitorLoc = at;
  for (const ast::Member &m : t.decl->members) {
    if (m.kind != ast::Member::Kind::Field)
      continue;
    SMLoc vat = m.value->getLoc();
    const Value &v = t.instance->scope.vars[m.name];
    auto intSetting = [&](int64_t &out, int64_t min) {
      std::optional<int64_t> i = toInt(v, vat, "'" + m.name + "'");
      if (!i)
        return false;
      if (*i < min)
        return error(vat, "'" + m.name + "' must be at least " +
                              llvm::Twine(min));
      out = *i;
      return true;
    };
    auto boolSetting = [&](bool &out) {
      std::optional<bool> x = toBool(v, vat, "'" + m.name + "'");
      if (x)
        out = *x;
      return x.has_value();
    };
    auto positive = [&](std::optional<double> &out) {
      std::optional<double> x = toDouble(v, vat, "'" + m.name + "'");
      if (!x)
        return false;
      if (!(*x > 0))
        return error(vat, "'" + m.name + "' must be positive");
      out = *x;
      return true;
    };
    bool ok = true;
    if (m.name == "batch") {
      ok = intSetting(batch, 0);
    } else if (m.name == "epochs") {
      ok = intSetting(epochs, 1);
    } else if (m.name == "seed") {
      ok = intSetting(seed, 0);
    } else if (m.name == "patience") {
      ok = intSetting(patience, 0);
    } else if (m.name == "shuffle") {
      ok = boolSetting(shuffle);
    } else if (m.name == "restore_best") {
      ok = boolSetting(restoreBest);
    } else if (m.name == "clip_value") {
      ok = positive(t.clipValue);
    } else if (m.name == "clip_norm") {
      ok = positive(t.clipNorm);
    } else if (m.name == "val_split") {
      std::optional<double> x = toDouble(v, vat, "'val_split'");
      if (!x)
        return std::nullopt;
      if (!(*x >= 0 && *x < 1))
        return error(vat, "'val_split' is a fraction in [0, 1)"),
               std::nullopt;
      valSplit = *x;
    } else if (m.name == "monitor") {
      if (v.kind != Value::Kind::String)
        return error(vat, "'monitor' is a string ('val_loss')"),
               std::nullopt;
      monitor = v.stringValue;
      monitorLoc = vat;
    } else if (m.name == "optimizer") {
      if (v.kind != Value::Kind::Model || !v.model->method("update"))
        return error(vat, "'optimizer' is an optimizer model such as "
                          "'Adam(lr = 1e-3)' (stdlib/optim.dl), not " +
                              v.describe()),
               std::nullopt;
      t.optimizer = v.model;
    } else if (m.name == "metrics" || m.name == "frozen") {
      std::vector<Value> items;
      if (v.kind == Value::Kind::List || v.kind == Value::Kind::Tuple)
        items = *v.elements;
      else
        items.push_back(v);
      for (const Value &item : items) {
        if (m.name == "metrics") {
          if (item.kind != Value::Kind::Function)
            return error(vat, "'metrics' lists functions (prediction, "
                              "target) -> f32, such as 'accuracy'; not " +
                                  item.describe()),
                   std::nullopt;
          t.metrics.push_back({item.fn->name, item});
        } else {
          if (item.kind != Value::Kind::Model &&
              item.kind != Value::Kind::String)
            return error(vat, "'frozen' lists models or parameter names, "
                              "not " +
                                  item.describe()),
                   std::nullopt;
          t.frozen.push_back(item);
        }
      }
    } else {
      std::vector<std::string> known(std::begin(kSettings),
                                     std::end(kSettings));
      return error(m.nameRange.Start,
                   "unknown setting '" + m.name + "' in train block '" +
                       name + "'" + suggestName(m.name, known)),
             std::nullopt;
    }
    if (!ok)
      return std::nullopt;
  }
  if (!t.optimizer && !t.update)
    return error(at, "train block '" + name + "' needs an optimizer "
                     "('optimizer = Adam()') or an 'update' function"),
           std::nullopt;
  // What early stopping can watch.
  std::vector<std::string> monitors = {"train_loss", "val_loss"};
  for (const auto &metric : t.metrics) {
    monitors.push_back("train_" + metric.first);
    monitors.push_back("val_" + metric.first);
  }
  if (!llvm::is_contained(monitors, monitor))
    return error(monitorLoc, "'monitor' is one of " +
                                 llvm::join(monitors, ", ") + "; not '" +
                                 monitor + "'" +
                                 suggestName(monitor, monitors)),
           std::nullopt;

  t.settings.append("batch", b.getI64IntegerAttr(batch));
  t.settings.append("epochs", b.getI64IntegerAttr(epochs));
  t.settings.append("shuffle", b.getBoolAttr(shuffle));
  t.settings.append("seed", b.getI64IntegerAttr(seed));
  t.settings.append("val_split", b.getF64FloatAttr(valSplit));
  t.settings.append("monitor", b.getStringAttr(monitor));
  t.settings.append("patience", b.getI64IntegerAttr(patience));
  t.settings.append("restore_best", b.getBoolAttr(restoreBest));
  llvm::SmallVector<mlir::Attribute> metricNames;
  for (const auto &metric : t.metrics)
    metricNames.push_back(b.getStringAttr(metric.first));
  t.settings.append("metrics", b.getArrayAttr(metricNames));
  if (t.clipValue)
    t.settings.append("clip_value", b.getF64FloatAttr(*t.clipValue));
  if (t.clipNorm)
    t.settings.append("clip_norm", b.getF64FloatAttr(*t.clipNorm));
  if (t.optimizer) {
    // The optimizer's compile-time arguments, for checkpoints and logs.
    t.settings.append("optimizer",
                      b.getStringAttr(t.optimizer->decl->name));
    mlir::NamedAttrList hyper;
    // Numbers as written in DL; tuples (Adam's betas) in parentheses.
    std::function<std::string(const Value &)> format =
        [&](const Value &v) -> std::string {
      switch (v.kind) {
      case Value::Kind::Float: return formatNumber(v.floatValue);
      case Value::Kind::Int: return std::to_string(v.intValue);
      case Value::Kind::Bool: return v.boolValue ? "true" : "false";
      case Value::Kind::String: return v.stringValue;
      case Value::Kind::Tuple: {
        std::string text = "(";
        for (const Value &e : *v.elements)
          text += (text.size() > 1 ? ", " : "") + format(e);
        return text + ")";
      }
      default: return v.describe();
      }
    };
    for (const ast::Param &p : t.optimizer->decl->params)
      hyper.append(p.name,
                   b.getStringAttr(format(t.optimizer->scope.vars[p.name])));
    t.settings.append("hyperparameters", hyper.getDictionary(&context));
  } else {
    t.settings.append("optimizer", b.getStringAttr("update"));
  }
  return t;
}

//===----------------------------------------------------------------------===//
// Functions of the data
//===----------------------------------------------------------------------===//

/// A function of the block's data and of the parameters of every model,
/// being built: the scaffolding the step and evaluate share.
struct Elaborator::DataFunction {
  FunctionState state;
  Frame frame;
  Scope scope;
  Env env;
  std::vector<Value> data; // one per TrainBlock::data
  std::vector<const ParamSlot *> params;
  std::optional<FunctionScope> function;
};

bool Elaborator::beginDataFunction(DataFunction &f, const TrainBlock &t,
                                   mlir::ModuleOp module, StringRef name) {
  f.env.locals = &f.scope;
  f.env.frame = &f.frame;
  f.env.self = t.instance;
  f.env.module = t.module;
  budget = 0;
  std::vector<EntryInput> inputs;
  llvm::SmallVector<mlir::Type> argTypes;
  for (const ast::Param *p : t.data) {
    std::optional<TensorType> type = inputType(*p, f.env, f.frame);
    if (!type)
      return false;
    inputs.push_back({p, *type});
    argTypes.push_back(type->toMLIR(&context));
  }
  EntryCandidate all;
  all.module = t.module;
  unsigned errorsBefore = diags.getNumErrors();
  f.params = paramsOf(all);
  if (diags.getNumErrors() != errorsBefore)
    return false;
  for (const ParamSlot *slot : f.params)
    argTypes.push_back(slot->type.toMLIR(&context));
  f.function.emplace(*this, f.state, module, name,
                     loc(t.decl->nameRange.Start), argTypes);
  for (size_t i = 0; i < inputs.size(); ++i)
    f.data.push_back(describeInput(i, inputs[i]));
  for (size_t k = 0; k < f.params.size(); ++k)
    describeParam(inputs.size() + k, *f.params[k]);
  return true;
}

std::optional<std::pair<Value, Value>>
Elaborator::predictAndLoss(const TrainBlock &t, llvm::ArrayRef<Value> data) {
  SMLoc at = t.decl->nameRange.Start;
  Env env;
  env.module = t.module;
  std::vector<CallArg> inputs;
  for (size_t i = 0; i < t.numInputs; ++i)
    inputs.push_back({t.predict->params[i].name, at, data[i]});
  std::optional<Value> prediction =
      call(Value::function(t.predict, t.module, t.instance),
           std::move(inputs), at, env);
  if (!prediction)
    return std::nullopt;
  std::vector<CallArg> lossArgs;
  lossArgs.push_back({t.loss->params[0].name, at, *prediction});
  for (size_t i = 0; i < t.lossData.size(); ++i)
    lossArgs.push_back({t.loss->params[i + 1].name, at, data[t.lossData[i]]});
  std::optional<Value> loss =
      call(Value::function(t.loss, t.module, t.instance), std::move(lossArgs),
           at, env);
  if (!loss)
    return std::nullopt;
  std::optional<Value> lossTensor = materializeResult(*loss, at);
  if (!lossTensor)
    return std::nullopt;
  if (lossTensor->type.rank() != 0 || !isFloat(lossTensor->type.dtype))
    return error(t.loss->nameRange.Start,
                 "'loss' must return a floating-point scalar, not " +
                     lossTensor->type.str()),
           std::nullopt;
  std::optional<Value> predictionTensor = materializeResult(*prediction, at);
  if (!predictionTensor)
    return std::nullopt;
  return std::make_pair(*lossTensor, *predictionTensor);
}

//===----------------------------------------------------------------------===//
// The step
//===----------------------------------------------------------------------===//

namespace {
/// A value the step returns, with its attributes.
struct StepResult {
  mlir::Value value;
  StringRef role;
  TensorType type;
};
} // namespace

bool Elaborator::buildTrainStep(mlir::ModuleOp module, const TrainBlock &t,
                                const TrainingOptions &options) {
  SMLoc at = t.decl->nameRange.Start;
  std::string name = t.decl->name + ".step";
  TrainingModeGuard mode(trainingMode, true);
  DataFunction f;
  if (!beginDataFunction(f, t, module, name))
    return false;
  mlir::func::FuncOp func = f.state.func;
  mlir::Block &body = func.getBody().front();
  TensorType i64Scalar{DType::I64, {}};
  TensorType f32Scalar{DType::F32, {}};
  mlir::Value stepArg =
      body.addArgument(i64Scalar.toMLIR(&context), func.getLoc());
  mlir::Value epochArg =
      body.addArgument(i64Scalar.toMLIR(&context), func.getLoc());
  Value epoch = Value::tensor(epochArg, i64Scalar);

  std::vector<StepResult> results;
  std::vector<std::tuple<mlir::Value, std::string, TensorType>> slotArgs;
  std::vector<std::pair<std::string, mlir::Value>> slotUpdates;
  mlir::NamedAttrList settings = t.settings;

  if (t.update) {
    // A hand-written rule: the loss before the update, for reporting.
    std::optional<std::pair<Value, Value>> lp = predictAndLoss(t, f.data);
    if (!lp)
      return false;
    results.push_back({lp->first.ir, "loss", lp->first.type});
    results.push_back({lp->second.ir, "prediction", lp->second.type});
    std::vector<CallArg> args;
    for (const ast::Param &p : t.update->params) {
      size_t i = llvm::find_if(t.data, [&](const ast::Param *d) {
                   return d->name == p.name;
                 }) - t.data.begin();
      args.push_back({p.name, at, f.data[i]});
    }
    Env env;
    env.module = t.module;
    if (!call(Value::function(t.update, t.module, t.instance),
              std::move(args), at, env))
      return false;
    Value lr = *full({}, Value::real(0.0), DType::F32, at);
    results.push_back({lr.ir, "lr", f32Scalar});
    settings.append("trained", builder.getArrayAttr({}));
  } else {
    // Forward and backward.
    GradRequest request;
    request.name = t.decl->name + ".loss";
    request.what = "the training step";
    request.args = f.data;
    request.withValue = true;
    request.wrtCaptured = [&](const ParamSlot &slot) {
      return !t.isFrozen(slot);
    };
    request.body = [&](std::vector<Value> &inside)
        -> std::optional<std::vector<Value>> {
      std::optional<std::pair<Value, Value>> lp = predictAndLoss(t, inside);
      if (!lp)
        return std::nullopt;
      return std::vector<Value>{lp->first, lp->second};
    };
    std::optional<GradAnswer> answer = differentiate(request, at);
    if (!answer)
      return false;
    results.push_back({answer->values[0].ir, "loss", answer->values[0].type});
    results.push_back(
        {answer->values[1].ir, "prediction", answer->values[1].type});
    std::vector<std::pair<const ParamSlot *, Value>> grads =
        answer->paramGrads;
    llvm::SmallVector<mlir::Attribute> trained;
    for (const auto &[slot, g] : grads)
      trained.push_back(builder.getStringAttr(slot->path()));
    settings.append("trained", builder.getArrayAttr(trained));

    auto binary = [&](ast::BinaryOp op, const Value &a, const Value &b) {
      return binaryOp(op, a, b, at);
    };
    auto sumOfSquares = [&](const Value &g) -> std::optional<Value> {
      std::optional<Value> sq = binary(ast::BinaryOp::Mul, g, g);
      if (!sq)
        return std::nullopt;
      llvm::SmallVector<int64_t> axes;
      for (int64_t d = 0; d < sq->type.rank(); ++d)
        axes.push_back(d);
      std::optional<Value> s =
          reduce((int)ReduceKind::sum, *sq, axes, false, at);
      if (!s)
        return std::nullopt;
      return cast(*s, DType::F32, at);
    };
    // Per-parameter norms, before clipping.
    if (options.gradNorms) {
      std::vector<Value> norms;
      for (const auto &[slot, g] : grads) {
        std::optional<Value> s = sumOfSquares(g);
        if (!s)
          return false;
        norms.push_back(*unary<SqrtOp>(*s, at, "sqrt", true));
      }
      if (norms.empty())
        norms.push_back(*full({}, Value::real(0.0), DType::F32, at));
      std::optional<Value> stacked = stack(norms, at);
      if (!stacked)
        return false;
      results.push_back({stacked->ir, "grad_norms", stacked->type});
    }
    // Clipping: by value, then by the global norm (torch.nn.utils).
    if (t.clipValue)
      for (auto &[slot, g] : grads) {
        std::optional<Value> lo = elementwise(
            Elementwise::Max, g, Value::real(-*t.clipValue), at, "max");
        std::optional<Value> hi =
            lo ? elementwise(Elementwise::Min, *lo, Value::real(*t.clipValue),
                             at, "min")
               : std::nullopt;
        if (!hi)
          return false;
        g = *hi;
      }
    if (t.clipNorm && !grads.empty()) {
      std::optional<Value> total;
      for (const auto &[slot, g] : grads) {
        std::optional<Value> s = sumOfSquares(g);
        if (!s)
          return false;
        total = total ? binary(ast::BinaryOp::Add, *total, *s) : s;
        if (!total)
          return false;
      }
      Value norm = *unary<SqrtOp>(*total, at, "sqrt", true);
      std::optional<Value> denominator =
          binary(ast::BinaryOp::Add, norm, Value::real(1e-6));
      std::optional<Value> ratio =
          denominator ? binary(ast::BinaryOp::Div, Value::real(*t.clipNorm),
                               *denominator)
                      : std::nullopt;
      std::optional<Value> coef =
          ratio ? elementwise(Elementwise::Min, *ratio, Value::real(1.0), at,
                              "min")
                : std::nullopt;
      if (!coef)
        return false;
      for (auto &[slot, g] : grads) {
        std::optional<Value> scaled =
            binary(ast::BinaryOp::Mul, g, cast(*coef, g.type.dtype, at));
        if (!scaled)
          return false;
        g = *scaled;
      }
    }

    // The learning rate of this epoch and the step number, from 1.
    std::optional<Value> lr;
    if (t.lr) {
      Env env;
      env.module = t.module;
      std::optional<Value> v =
          call(Value::function(t.lr, t.module, t.instance),
               {{t.lr->params[0].name, at, epoch}}, at, env);
      if (!v)
        return false;
      lr = toTensor(*v, t.lr->nameRange.Start);
      if (!lr)
        return false;
      if (lr->type.rank() != 0 || !isFloat(lr->type.dtype))
        return error(t.lr->nameRange.Start,
                     "'lr' must return a floating-point scalar, not " +
                         lr->type.str());
      lr = cast(*lr, DType::F32, at);
    } else {
      Value *base = t.optimizer->scope.find("lr");
      if (!base || !base->isNumber())
        return error(at, "the optimizer '" + t.optimizer->decl->name +
                             "' has no number 'lr'; give the train block "
                             "an 'lr(epoch)' function");
      lr = full({}, *base, DType::F32, at);
    }
    results.push_back({lr->ir, "lr", f32Scalar});
    std::optional<Value> stepsTaken = binary(
        ast::BinaryOp::Add, Value::tensor(stepArg, i64Scalar),
        Value::integer(1));
    if (!stepsTaken)
      return false;
    Value stepNumber = cast(*stepsTaken, DType::F32, at);

    // The update of each parameter and its slots.
    std::vector<std::string> slotNames;
    SMLoc optLoc = t.optimizer->decl->nameRange.Start;
    std::optional<Value> slots;
    if (const ast::FnDecl *slotsFn = t.optimizer->method("slots")) {
      Env env;
      env.module = t.optimizer->module;
      slots = call(Value::function(slotsFn, t.optimizer->module, t.optimizer),
                   {}, optLoc, env);
      if (!slots)
        return false;
    } else if (Value *field = t.optimizer->scope.find("slots")) {
      slots = *field;
    }
    if (slots) {
      if (slots->kind != Value::Kind::List)
        return error(optLoc, "the field 'slots' of an optimizer lists the "
                             "names of its per-parameter state");
      for (const Value &s : *slots->elements) {
        if (s.kind != Value::Kind::String)
          return error(optLoc, "the field 'slots' of an optimizer lists "
                               "names (strings), not " +
                                   s.describe());
        slotNames.push_back(s.stringValue);
      }
    }
    const ast::FnDecl *updateFn = t.optimizer->method("update");
    for (const auto &[slot, g] : grads) {
      std::string path = slot->path();
      std::optional<Value> p = paramValue(*slot, at);
      if (!p)
        return false;
      std::vector<Value> slotValues;
      for (const std::string &s : slotNames) {
        mlir::Value arg = body.addArgument(slot->type.toMLIR(&context),
                                           func.getLoc());
        slotArgs.push_back({arg, path + ":" + s, slot->type});
        slotValues.push_back(Value::tensor(arg, slot->type));
      }
      Env env;
      env.module = t.optimizer->module;
      std::optional<Value> r = call(
          Value::function(updateFn, t.optimizer->module, t.optimizer),
          {{"", at, *p},
           {"", at, g},
           {"", at, Value::list(slotValues)},
           {"", at, *lr},
           {"", at, stepNumber}},
          at, env);
      if (!r)
        return false;
      auto bad = [&]() {
        return error(updateFn->nameRange.Start,
                     "'update' of an optimizer returns the new parameter "
                     "and the list of its new slots: (p, [s...])");
      };
      if (r->kind != Value::Kind::Tuple || r->elements->size() != 2)
        return bad();
      const Value &newSlots = (*r->elements)[1];
      if ((newSlots.kind != Value::Kind::List &&
           newSlots.kind != Value::Kind::Tuple) ||
          newSlots.elements->size() != slotNames.size())
        return bad();
      auto conformTo = [&](const Value &v, const TensorType &type,
                           const std::string &what) -> std::optional<Value> {
        std::optional<Value> c = toTensor(v, at, type.dtype);
        if (c && c->type.dtype != type.dtype)
          c = cast(*c, type.dtype, at);
        if (c && c->type.rank() == 0 && type.rank() > 0)
          c = broadcastTo(*c, type.dims, at);
        if (c && !(c->type == type))
          return error(updateFn->nameRange.Start,
                       "the optimizer's update gives " + c->type.str() +
                           " for " + what + " of type " + type.str()),
                 std::nullopt;
        return c;
      };
      std::optional<Value> newP =
          conformTo((*r->elements)[0], slot->type, "'" + path + "'");
      if (!newP)
        return false;
      current->paramArgs[path] = newP->ir;
      current->assigned.push_back(path);
      for (size_t k = 0; k < slotNames.size(); ++k) {
        std::string slotName = path + ":" + slotNames[k];
        std::optional<Value> s =
            conformTo((*newSlots.elements)[k], slot->type, "'" + slotName + "'");
        if (!s)
          return false;
        slotUpdates.push_back({slotName, s->ir});
      }
    }
  }

  // Results, then the new values of what is updated in place.
  llvm::SmallVector<mlir::Value> values;
  llvm::SmallVector<mlir::Type> types;
  for (const StepResult &r : results) {
    values.push_back(r.value);
    types.push_back(r.value.getType());
  }
  size_t numResults = values.size();
  std::vector<std::string> updated = writeBack(values, types);
  for (const auto &[slotName, v] : slotUpdates) {
    values.push_back(v);
    types.push_back(v.getType());
    updated.push_back(slotName);
  }
  mlir::func::ReturnOp::create(builder, loc(t.decl->nameRange.End), values);
  func.setType(builder.getFunctionType(body.getArgumentTypes(), types));
  finishSeedArgument(f.state);
  unsigned stepIndex = llvm::cast<mlir::BlockArgument>(stepArg).getArgNumber();
  func.setArgAttr(stepIndex, attrs::kName, builder.getStringAttr("step"));
  func.setArgAttr(stepIndex, attrs::kRole, builder.getStringAttr("step"));
  unsigned epochIndex = llvm::cast<mlir::BlockArgument>(epochArg).getArgNumber();
  func.setArgAttr(epochIndex, attrs::kName, builder.getStringAttr("epoch"));
  func.setArgAttr(epochIndex, attrs::kRole, builder.getStringAttr("epoch"));
  for (const auto &[arg, slotName, type] : slotArgs) {
    unsigned i = llvm::cast<mlir::BlockArgument>(arg).getArgNumber();
    func.setArgAttr(i, attrs::kName, builder.getStringAttr(slotName));
    func.setArgAttr(i, attrs::kRole, builder.getStringAttr("slot"));
  }
  for (size_t i = 0; i < results.size(); ++i) {
    func.setResultAttr(i, attrs::kRole, builder.getStringAttr(results[i].role));
    func.setResultAttr(i, attrs::kName, builder.getStringAttr(results[i].role));
    if (mlir::Attribute dims = dimsAttr(builder, results[i].type))
      func.setResultAttr(i, attrs::kDims, dims);
  }
  markUpdates(func, numResults, updated);
  std::vector<const ParamSlot *> kept =
      pruneParams(t.data.size(), f.params, nullptr);

  func->setAttr(attrs::kEntry, builder.getUnitAttr());
  func->setAttr(attrs::kKind, builder.getStringAttr("train_step"));
  func->setAttr(attrs::kTrain, builder.getStringAttr(t.decl->name));
  func->setAttr(attrs::kTrainSettings, settings.getDictionary(&context));
  if (!t.decl->doc.empty())
    func->setAttr(attrs::kDoc, builder.getStringAttr(t.decl->doc));

  // Initial values: parameters with initializers, state, and zeros for
  // the optimizer's slots.
  std::vector<std::pair<std::string, TensorType>> zeros;
  for (const auto &[arg, slotName, type] : slotArgs)
    zeros.push_back({slotName, type});
  std::string initName = name + ".__init__";
  func->setAttr(attrs::kInit, builder.getStringAttr(initName));
  f.function.reset();
  return buildInitFunction(module, initName, kept, zeros);
}

//===----------------------------------------------------------------------===//
// Evaluation and metrics
//===----------------------------------------------------------------------===//

std::optional<TensorType>
Elaborator::buildEvaluate(mlir::ModuleOp module, const TrainBlock &t) {
  TrainingModeGuard mode(trainingMode, false);
  DataFunction f;
  if (!beginDataFunction(f, t, module, t.decl->name + ".evaluate"))
    return std::nullopt;
  mlir::func::FuncOp func = f.state.func;
  std::optional<std::pair<Value, Value>> lp = predictAndLoss(t, f.data);
  if (!lp)
    return std::nullopt;
  mlir::func::ReturnOp::create(builder, loc(t.decl->nameRange.End),
                               {lp->first.ir, lp->second.ir});
  mlir::Block &body = func.getBody().front();
  func.setType(builder.getFunctionType(
      body.getArgumentTypes(), {lp->first.ir.getType(), lp->second.ir.getType()}));
  finishSeedArgument(f.state);
  func.setResultAttr(0, attrs::kRole, builder.getStringAttr("loss"));
  func.setResultAttr(0, attrs::kName, builder.getStringAttr("loss"));
  func.setResultAttr(1, attrs::kRole, builder.getStringAttr("prediction"));
  func.setResultAttr(1, attrs::kName, builder.getStringAttr("prediction"));
  if (mlir::Attribute dims = dimsAttr(builder, lp->second.type))
    func.setResultAttr(1, attrs::kDims, dims);
  pruneParams(t.data.size(), f.params, nullptr);
  func->setAttr(attrs::kEntry, builder.getUnitAttr());
  func->setAttr(attrs::kKind, builder.getStringAttr("evaluate"));
  func->setAttr(attrs::kTrain, builder.getStringAttr(t.decl->name));
  return lp->second.type;
}

bool Elaborator::buildMetrics(mlir::ModuleOp module, const TrainBlock &t,
                              const TensorType &prediction) {
  SMLoc at = t.decl->nameRange.Start;
  if (t.metrics.empty())
    return true;
  // The prediction and the first target of a whole data set: N samples.
  const ast::Param *targetParam =
      t.lossData.empty() ? nullptr : t.data[t.lossData[0]];
  if (!targetParam)
    return error(at, "metrics compare predictions with a target: 'loss' "
                     "has no target parameter");
  Frame frame;
  Scope scope;
  Env env;
  env.locals = &scope;
  env.frame = &frame;
  env.module = t.module;
  std::optional<TensorType> target = inputType(*targetParam, env, frame);
  if (!target)
    return false;
  Dim n = Dim::symbol("N");
  auto overSamples = [&](TensorType type) -> std::optional<TensorType> {
    if (type.rank() == 0)
      return std::nullopt;
    type.dims[0] = n;
    return type;
  };
  std::optional<TensorType> predictionAll = overSamples(prediction);
  std::optional<TensorType> targetAll = overSamples(*target);
  if (!predictionAll || !targetAll)
    return error(at, "metrics need a prediction and a target with a batch "
                     "dimension first");
  ast::Param predictionDecl, targetDecl;
  predictionDecl.name = "prediction";
  targetDecl.name = "target";
  FunctionState state;
  FunctionScope function(*this, state, module, t.decl->name + ".metrics",
                         loc(at),
                         {predictionAll->toMLIR(&context),
                          targetAll->toMLIR(&context)});
  Value p = describeInput(0, {&predictionDecl, *predictionAll});
  Value y = describeInput(1, {&targetDecl, *targetAll});
  llvm::SmallVector<mlir::Value> values;
  for (const auto &[metricName, metric] : t.metrics) {
    std::optional<Value> v =
        call(metric, {{"", at, p}, {"", at, y}}, at, env);
    if (!v)
      return false;
    std::optional<Value> m = toTensor(*v, at);
    if (!m)
      return false;
    if (m->type.rank() != 0)
      return error(at, "the metric '" + metricName +
                           "' must return a scalar, not " + m->type.str());
    values.push_back(cast(*m, DType::F32, at).ir);
  }
  mlir::func::ReturnOp::create(builder, loc(at), values);
  mlir::func::FuncOp func = state.func;
  func.setType(builder.getFunctionType(
      func.getBody().front().getArgumentTypes(),
      mlir::ValueRange(values).getTypes()));
  finishSeedArgument(state);
  for (size_t i = 0; i < t.metrics.size(); ++i) {
    func.setResultAttr(i, attrs::kName,
                       builder.getStringAttr(t.metrics[i].first));
    func.setResultAttr(i, attrs::kRole, builder.getStringAttr("output"));
  }
  func->setAttr(attrs::kEntry, builder.getUnitAttr());
  func->setAttr(attrs::kKind, builder.getStringAttr("metrics"));
  func->setAttr(attrs::kTrain, builder.getStringAttr(t.decl->name));
  return true;
}

bool Elaborator::emitTraining(mlir::ModuleOp module, const LoadedModule *main,
                              StringRef name, const TrainingOptions &options) {
  std::optional<TrainBlock> t = loadTrainBlock(main, name);
  if (!t)
    return false;
  if (!buildTrainStep(module, *t, options))
    return false;
  std::optional<TensorType> prediction = buildEvaluate(module, *t);
  if (!prediction)
    return false;
  return buildMetrics(module, *t, *prediction);
}
