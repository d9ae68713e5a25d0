//===- Derivatives.cpp - grad(f) and value_and_grad(f) --------------------===//
//
// `grad(f, wrt)(args)` elaborates f into a private function of its tensor
// arguments and of the model parameters it uses (the "primal"), then emits
// `dl.grad @primal(...) wrt [...]`; the dl-autodiff pass later replaces that
// by f's derivative built from dl ops. Compile-time arguments (numbers,
// strings, models) are baked into the primal, as for any call.
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

  // The primal: f as a private function of the tensors it receives and
  // the parameters it uses.
  mlir::ModuleOp moduleOp =
      current->func->getParentOfType<mlir::ModuleOp>();
  std::string primalName =
      name + ".primal" + std::to_string(primalCounter++);
  FunctionState primal;
  primal.captureParams = true;
  std::vector<Value> operands; // the caller's values, in argument order
  std::vector<int64_t> paramArgIndex(fn->params.size(), -1);
  std::vector<Value> results;
  mlir::func::FuncOp primalFunc;
  {
    FunctionScope scope(*this, primal, moduleOp, primalName, loc(at), {});
    primalFunc = primal.func;
    primalFunc.setPrivate();
    std::vector<CallArg> callArgs;
    for (size_t i = 0; i < fn->params.size(); ++i) {
      size_t before = operands.size();
      Value inside = importIntoPrimal((*bound)[i], operands, at);
      if ((*bound)[i].isTensor())
        paramArgIndex[i] = before;
      callArgs.push_back({fn->params[i].name, at, std::move(inside)});
    }
    // Parameters of wrt models are arguments even if f does not use them
    // (their gradient is then 0).
    for (const WrtItem &item : wrt)
      if (item.model) {
        std::vector<const ParamSlot *> slots;
        item.model->collectParams(slots);
        for (const ParamSlot *slot : slots)
          if (!slot->isState && !paramValue(*slot, at))
            return std::nullopt;
      }
    Env callerEnv;
    callerEnv.module = module;
    std::optional<Value> result = call(function, std::move(callArgs), at,
                                       callerEnv);
    if (!result)
      return std::nullopt;
    std::vector<Value> values;
    if (result->kind == Value::Kind::Tuple)
      values = *result->elements;
    else
      values.push_back(*result);
    llvm::SmallVector<mlir::Value> returned;
    for (size_t i = 0; i < values.size(); ++i) {
      std::optional<Value> t = materializeResult(values[i], at);
      if (!t)
        return std::nullopt;
      if (i == 0 && (t->type.rank() != 0 || !isFloat(t->type.dtype)))
        return error(at, llvm::Twine(what) + " needs a function whose (first) "
                                             "result is a floating-point "
                                             "scalar; '" +
                             name + "' returns " + t->type.str()),
               std::nullopt;
      returned.push_back(t->ir);
      results.push_back(*t);
    }
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
  // wrt as argument indices, and the shape of the answer.
  llvm::SmallVector<int64_t> wrtIndices;
  std::vector<std::vector<size_t>> groups; // per wrt item: gradient slots
  for (const WrtItem &item : wrt) {
    std::vector<size_t> group;
    if (item.model) {
      for (size_t k = 0; k < primal.captured.size(); ++k) {
        bool inModel = false;
        for (const ModelInstance *m = primal.captured[k]->owner; m;
             m = m->parent)
          inModel |= m == item.model;
        if (inModel && !primal.captured[k]->isState) {
          group.push_back(wrtIndices.size());
          wrtIndices.push_back(operands.size() + k);
        }
      }
    } else {
      group.push_back(wrtIndices.size());
      wrtIndices.push_back(paramArgIndex[item.param]);
    }
    groups.push_back(group);
  }
  // dl.grad wants sorted, distinct indices: map each gradient to its place.
  llvm::SmallVector<int64_t> sorted(wrtIndices);
  llvm::sort(sorted);
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
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

  size_t firstGrad = withValue ? results.size() : 0;
  auto gradientOf = [&](size_t slot) {
    int64_t index = wrtIndices[slot];
    size_t position = llvm::find(sorted, index) - sorted.begin();
    return Value::tensor(grad.getResult(firstGrad + position),
                         allOperands[index].type);
  };
  std::vector<Value> gradients;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (wrt[g].model) {
      std::vector<Value> list;
      for (size_t slot : groups[g])
        list.push_back(gradientOf(slot));
      gradients.push_back(Value::list(std::move(list)));
    } else {
      gradients.push_back(gradientOf(groups[g].front()));
    }
  }
  Value gradValue = single ? gradients.front() : Value::list(gradients);
  if (!withValue)
    return gradValue;
  std::vector<Value> values;
  for (size_t i = 0; i < results.size(); ++i)
    values.push_back(Value::tensor(grad.getResult(i), results[i].type));
  Value value = values.size() == 1 ? values.front() : Value::tuple(values);
  return Value::tuple({value, gradValue});
}
