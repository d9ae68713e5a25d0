//===- Derivatives.cpp - grad(f) and value_and_grad(f) --------------------===//
//
// `grad(f, wrt)(args)` elaborates f into a private function of its tensor
// arguments and of the model parameters it uses (the "primal"), then emits
// `dl.grad @primal(...) wrt [...]`; the dl-autodiff pass later replaces that
// by f's derivative built from dl ops. Compile-time arguments (numbers,
// strings, models) are baked into the primal, as for any call. When f
// draws random numbers, the primal also takes the caller's seed, last
// (Random.cpp).
//
// wrt may name parameters of f (a string or a list of strings), give their
// positions (ints), or be a model instance: then the gradient is taken with
// respect to every learnable parameter of that model (state excluded), in
// declaration order. Without wrt: f's first parameter.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"

#include "dl/Dialect/DLOps.h"

using namespace dl;
using llvm::SMLoc;

Value Elaborator::importIntoPrimal(const Value &v,
                                   std::vector<Value> &operands,
                                   SMLoc at) {
  switch (v.kind) {
  case Value::Kind::Tensor: {
    mlir::Block &entry = current->func.getBody().front();
    mlir::Value arg = entry.addArgument(v.ir.getType(), loc(at));
    operands.push_back(v);
    for (int64_t d = 0; d < v.type.rank(); ++d) {
      const Dim &dim = v.type.dims[d];
      if (!dim.isStatic() && dim.getAtoms().size() == 1 &&
          dim.getCoefficient() == 1)
        current->argumentExtents.try_emplace(dim.getAtoms()[0], arg, d);
    }
    return Value::tensor(arg, v.type);
  }
  case Value::Kind::List:
  case Value::Kind::Tuple: {
    std::vector<Value> elements;
    for (const Value &e : *v.elements)
      elements.push_back(importIntoPrimal(e, operands, at));
    return v.kind == Value::Kind::List ? Value::list(std::move(elements))
                                       : Value::tuple(std::move(elements));
  }
  case Value::Kind::Extent:
    return Value::extent(extentValue(v.dim, at), v.dim);
  default:
    return v;
  }
}

std::optional<Elaborator::GradAnswer>
Elaborator::differentiate(const GradRequest &request, SMLoc at) {
  // The primal: the body as a private function of the tensors it receives
  // and the parameters it uses.
  mlir::ModuleOp moduleOp = current->func->getParentOfType<mlir::ModuleOp>();
  std::string primalName =
      request.name + ".primal" + std::to_string(primalCounter++);
  FunctionState primal;
  primal.captureParams = true;
  primal.outer = current; // its seed and random streams are the caller's
  std::vector<Value> operands; // the caller's values, in argument order
  std::vector<int64_t> argIndex(request.args.size(), -1);
  std::vector<Value> results;
  {
    FunctionScope scope(*this, primal, moduleOp, primalName, loc(at), {});
    mlir::func::FuncOp primalFunc = primal.func;
    primalFunc.setPrivate();
    std::vector<Value> inside;
    for (size_t i = 0; i < request.args.size(); ++i) {
      size_t before = operands.size();
      inside.push_back(importIntoPrimal(request.args[i], operands, at));
      if (request.args[i].isTensor())
        argIndex[i] = before;
    }
    // Parameters of wrt models are arguments even if the body does not use
    // them (their gradient is then 0).
    for (const ModelInstance *model : request.wrtModels) {
      std::vector<const ParamSlot *> slots;
      model->collectParams(slots);
      for (const ParamSlot *slot : slots)
        if (!slot->isState && !paramValue(*slot, at))
          return std::nullopt;
    }
    std::optional<std::vector<Value>> values = request.body(inside);
    if (!values)
      return std::nullopt;
    // State the body assigned (running statistics) leaves the primal as
    // extra results, passed through by dl.grad, not differentiated.
    for (const std::string &path : primal.assigned)
      for (const ParamSlot *slot : primal.captured)
        if (slot->path() == path)
          values->push_back(Value::tensor(primal.paramArgs[path], slot->type));
    llvm::SmallVector<mlir::Value> returned;
    for (size_t i = 0; i < values->size(); ++i) {
      std::optional<Value> t = materializeResult((*values)[i], at);
      if (!t)
        return std::nullopt;
      if (i == 0 && (t->type.rank() != 0 || !isFloat(t->type.dtype)))
        return error(at, request.what + " needs a function whose (first) "
                                        "result is a floating-point scalar; '" +
                             request.name + "' returns " + t->type.str()),
               std::nullopt;
      returned.push_back(t->ir);
      results.push_back(*t);
    }
    finishSeedArgument(primal);
    mlir::func::ReturnOp::create(builder, loc(at), returned);
    mlir::Block &entry = primalFunc.getBody().front();
    primalFunc.setType(builder.getFunctionType(
        entry.getArgumentTypes(), mlir::ValueRange(returned).getTypes()));
  }

  // The operands of dl.grad: the caller's tensors, then the caller's values
  // of the captured parameters.
  std::vector<Value> allOperands(operands.begin(), operands.end());
  for (const ParamSlot *slot : primal.captured) {
    std::optional<Value> v = paramValue(*slot, at);
    if (!v)
      return std::nullopt;
    allOperands.push_back(*v);
  }
  // The caller's seed, when the body draws random numbers (the primal's
  // last argument), so that the value and the gradient see the same ones.
  if (primal.seed) {
    mlir::Value seed = seedValue(at);
    if (!seed)
      return std::nullopt;
    allOperands.push_back(Value::tensor(seed, TensorType{DType::I64, {}}));
  }
  // wrt as operand indices: the arguments, then the parameters.
  llvm::SmallVector<int64_t> wrtIndices;
  for (int64_t i : request.wrtArgs)
    wrtIndices.push_back(argIndex[i]);
  std::vector<const ParamSlot *> wrtParams;
  for (size_t k = 0; k < primal.captured.size(); ++k) {
    const ParamSlot *slot = primal.captured[k];
    if (slot->isState)
      continue;
    bool wanted = request.wrtCaptured && request.wrtCaptured(*slot);
    for (const ModelInstance *m = slot->owner; m && !wanted; m = m->parent)
      wanted = llvm::is_contained(request.wrtModels, m);
    if (!wanted)
      continue;
    wrtParams.push_back(slot);
    wrtIndices.push_back(operands.size() + k);
  }
  // dl.grad wants sorted, distinct indices: map each gradient to its place.
  llvm::SmallVector<int64_t> sorted(wrtIndices);
  llvm::sort(sorted);
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  size_t numAssigned = primal.assigned.size();
  bool withValue = request.withValue || numAssigned > 0;
  llvm::SmallVector<mlir::Type> resultTypes;
  if (withValue)
    for (const Value &r : results)
      resultTypes.push_back(r.ir.getType());
  for (int64_t index : sorted)
    resultTypes.push_back(allOperands[index].ir.getType());
  llvm::SmallVector<mlir::Value> operandValues;
  for (const Value &v : allOperands)
    operandValues.push_back(v.ir);
  auto grad = GradOp::create(
      builder, loc(at), resultTypes,
      mlir::FlatSymbolRefAttr::get(&context, primalName), operandValues,
      builder.getDenseI64ArrayAttr(sorted),
      withValue ? builder.getUnitAttr() : mlir::UnitAttr());

  // The assigned state takes its new values in the caller.
  size_t firstAssigned = results.size() - numAssigned;
  for (size_t k = 0; k < numAssigned; ++k) {
    const std::string &path = primal.assigned[k];
    current->paramArgs[path] = grad.getResult(firstAssigned + k);
    if (!llvm::is_contained(current->assigned, path))
      current->assigned.push_back(path);
  }
  size_t firstGrad = withValue ? results.size() : 0;
  auto gradientOf = [&](int64_t index) {
    size_t position = llvm::find(sorted, index) - sorted.begin();
    return Value::tensor(grad.getResult(firstGrad + position),
                         allOperands[index].type);
  };
  GradAnswer answer;
  if (request.withValue)
    for (size_t i = 0; i < firstAssigned; ++i)
      answer.values.push_back(
          Value::tensor(grad.getResult(i), results[i].type));
  for (size_t i = 0; i < request.wrtArgs.size(); ++i)
    answer.argGrads.push_back(gradientOf(wrtIndices[i]));
  for (size_t k = 0; k < wrtParams.size(); ++k)
    answer.paramGrads.push_back(
        {wrtParams[k], gradientOf(wrtIndices[request.wrtArgs.size() + k])});
  return answer;
}

namespace {
/// One entry of wrt: a parameter of f, or every learnable parameter of a
/// model.
struct WrtItem {
  int64_t param = -1;            // index into f's parameters
  const ModelInstance *model = nullptr;
};
} // namespace

std::optional<Value> Elaborator::callDerivative(const Value &derivative,
                                                std::vector<CallArg> args,
                                                SMLoc at) {
  const Value &function = (*derivative.elements)[0];
  const Value &wrtSpec = (*derivative.elements)[1];
  bool withValue = derivative.boolValue;
  const char *what = withValue ? "value_and_grad()" : "grad()";
  if (!inFunction())
    return error(at, llvm::Twine(what) + " computes tensors: call it inside a "
                                         "function"),
           std::nullopt;

  // The function to differentiate; a derivative (grad(grad(f))) has the
  // parameters of the function underneath.
  const Value *underlying = &function;
  while (underlying->kind == Value::Kind::Derivative)
    underlying = &(*underlying->elements)[0];
  const ast::FnDecl *fn = nullptr;
  ModelInstance *self = nullptr;
  const LoadedModule *module = nullptr;
  if (underlying->kind == Value::Kind::Function) {
    fn = underlying->fn;
    self = underlying->model;
    module = underlying->module;
  } else if (underlying->kind == Value::Kind::Model) {
    self = underlying->model;
    module = self->module;
    fn = self->method("forward");
  }
  if (!fn)
    return error(at, llvm::Twine(what) + " differentiates a DL function or "
                                         "model, not " +
                         function.describe()),
           std::nullopt;
  std::string name = self ? self->decl->name + "." + fn->name : fn->name;

  // Its arguments, bound in the caller.
  Frame defaultsFrame;
  Scope defaultsScope;
  Env defaultsEnv;
  defaultsEnv.locals = &defaultsScope;
  defaultsEnv.frame = &defaultsFrame;
  defaultsEnv.self = self;
  defaultsEnv.module = module;
  std::optional<std::vector<Value>> bound =
      bindArguments(fn->params, std::move(args), name, at, defaultsEnv);
  if (!bound)
    return std::nullopt;

  // What to differentiate with respect to.
  std::vector<WrtItem> wrt;
  std::vector<Value> wrtValues;
  if (wrtSpec.kind == Value::Kind::None)
    wrtValues.push_back(Value::integer(0));
  else if (wrtSpec.kind == Value::Kind::List ||
           wrtSpec.kind == Value::Kind::Tuple)
    wrtValues = *wrtSpec.elements;
  else
    wrtValues.push_back(wrtSpec);
  bool single = wrtSpec.kind != Value::Kind::List &&
                wrtSpec.kind != Value::Kind::Tuple;
  for (const Value &w : wrtValues) {
    WrtItem item;
    if (w.kind == Value::Kind::Model) {
      item.model = w.model;
    } else if (w.kind == Value::Kind::String) {
      auto it = llvm::find_if(fn->params, [&](const ast::Param &p) {
        return p.name == w.stringValue;
      });
      if (it == fn->params.end())
        return error(at, "'" + name + "' has no parameter '" + w.stringValue +
                             "' to differentiate with respect to"),
               std::nullopt;
      item.param = it - fn->params.begin();
    } else if (w.kind == Value::Kind::Int) {
      if (w.intValue < 0 || w.intValue >= (int64_t)fn->params.size())
        return error(at, "'" + name + "' has no parameter " +
                             llvm::Twine(w.intValue) +
                             " to differentiate with respect to"),
               std::nullopt;
      item.param = w.intValue;
    } else {
      return error(at, llvm::Twine("wrt of ") + what +
                           " names parameters (strings or positions) or "
                           "models, not " +
                           w.describe()),
             std::nullopt;
    }
    if (item.param >= 0) {
      // A differentiated argument is a tensor even when given as a number.
      Value &v = (*bound)[item.param];
      std::optional<Value> t = toTensor(v, at);
      if (!t)
        return std::nullopt;
      if (!isFloat(t->type.dtype))
        return error(at, "cannot differentiate with respect to '" +
                             fn->params[item.param].name + "': " +
                             t->type.str() + " is not floating point"),
               std::nullopt;
      v = *t;
    }
    wrt.push_back(item);
  }

  GradRequest request;
  request.name = name;
  request.what = what;
  request.args = std::move(*bound);
  request.withValue = withValue;
  for (const WrtItem &item : wrt)
    if (item.model)
      request.wrtModels.push_back(item.model);
    else
      request.wrtArgs.push_back(item.param);
  request.body = [&](std::vector<Value> &inside)
      -> std::optional<std::vector<Value>> {
    std::vector<CallArg> callArgs;
    for (size_t i = 0; i < fn->params.size(); ++i)
      callArgs.push_back({fn->params[i].name, at, std::move(inside[i])});
    Env callerEnv;
    callerEnv.module = module;
    std::optional<Value> result = call(function, std::move(callArgs), at,
                                       callerEnv);
    if (!result)
      return std::nullopt;
    if (result->kind == Value::Kind::Tuple)
      return *result->elements;
    return std::vector<Value>{*result};
  };
  std::optional<GradAnswer> answer = differentiate(request, at);
  if (!answer)
    return std::nullopt;

  // The gradients in the shape of wrt.
  size_t nextArg = 0;
  std::vector<Value> gradients;
  for (const WrtItem &item : wrt) {
    if (!item.model) {
      gradients.push_back(answer->argGrads[nextArg++]);
      continue;
    }
    std::vector<Value> list;
    for (const auto &[slot, g] : answer->paramGrads)
      for (const ModelInstance *m = slot->owner; m; m = m->parent)
        if (m == item.model) {
          list.push_back(g);
          break;
        }
    gradients.push_back(Value::list(std::move(list)));
  }
  Value gradValue = single ? gradients.front() : Value::list(gradients);
  if (!withValue)
    return gradValue;
  Value value = answer->values.size() == 1 ? answer->values.front()
                                           : Value::tuple(answer->values);
  return Value::tuple({value, gradValue});
}
