//===- Entries.cpp - entry points and parameter initializers --------------===//
//
// An entry point is a top-level function, a method of a model without
// compile-time parameters (`MLP.forward`), or a method of a top-level model
// instance (`net.forward`). Its func.func takes the function's tensor
// parameters, then the parameters and state of the models it uses, named by
// their hierarchical paths. A second function, named by the entry's
// `dl.init` attribute, computes the initial values of those that have an
// initializer.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"
#include "LayerTracer.h"

#include "dl/Dialect/Attributes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/BitVector.h"

using namespace dl;
using llvm::SMLoc;
using llvm::StringRef;

Elaborator::FunctionScope::FunctionScope(Elaborator &e, FunctionState &state,
                                         mlir::ModuleOp module, StringRef name,
                                         mlir::Location location,
                                         mlir::TypeRange argTypes)
    : e(e), insertion(e.builder), previous(e.current) {
  e.builder.setInsertionPointToEnd(module.getBody());
  state.func = mlir::func::FuncOp::create(
      e.builder, location, name, e.builder.getFunctionType(argTypes, {}));
  e.builder.setInsertionPointToStart(state.func.addEntryBlock());
  e.current = &state;
}

/// Why `fn` cannot be called from outside, or "" when it can.
static std::string entryProblem(const ast::FnDecl &fn) {
  for (const ast::Param &p : fn.params) {
    if (!p.type) {
      if (!p.defaultValue)
        return "parameter '" + p.name + "' has no type";
      continue;
    }
    switch (p.type->kind) {
    case ast::TypeExpr::Kind::Tensor:
      if (p.type->anyShape)
        return "parameter '" + p.name + "' has no fixed rank ([...])";
      break;
    case ast::TypeExpr::Kind::AnyTensor:
      return "parameter '" + p.name + "' has no dtype and shape ('tensor')";
    default:
      if (!p.defaultValue)
        return "compile-time parameter '" + p.name + "' has no default";
      break;
    }
  }
  return "";
}

std::vector<EntryCandidate>
Elaborator::entryCandidates(const LoadedModule *main) {
  std::vector<EntryCandidate> candidates;
  for (const auto &fn : main->ast->functions) {
    EntryCandidate c;
    c.name = fn->name;
    c.fn = fn.get();
    c.module = main;
    c.whyNot = entryProblem(*fn);
    candidates.push_back(std::move(c));
  }
  for (const auto &model : main->ast->models) {
    std::string modelProblem;
    for (const ast::Param &p : model->params)
      if (!p.defaultValue)
        modelProblem = "model '" + model->name + "' needs the argument '" +
                       p.name + "'; call the methods of an instance instead";
    for (const ast::Member &m : model->members) {
      if (m.kind != ast::Member::Kind::Method)
        continue;
      EntryCandidate c;
      c.name = model->name + "." + m.name;
      c.fn = m.method.get();
      c.module = main;
      c.model = model.get();
      c.whyNot = modelProblem.empty() ? entryProblem(*m.method) : modelProblem;
      candidates.push_back(std::move(c));
    }
  }
  for (const auto &global : main->ast->globals) {
    if (!llvm::isa<ast::CallExpr>(global->value.get()))
      continue;
    std::optional<Value> v = evalGlobal(main, global.get());
    if (!v || v->kind != Value::Kind::Model)
      continue;
    for (const ast::Member &m : v->model->decl->members) {
      if (m.kind != ast::Member::Kind::Method)
        continue;
      EntryCandidate c;
      c.name = global->name + "." + m.name;
      c.fn = m.method.get();
      c.module = main;
      c.self = v->model;
      c.whyNot = entryProblem(*m.method);
      candidates.push_back(std::move(c));
    }
  }
  return candidates;
}

std::optional<ModelInstance *>
Elaborator::rootInstance(const EntryCandidate &entry) {
  if (entry.self)
    return entry.self;
  if (!entry.model)
    return nullptr;
  if (auto it = roots.find(entry.model); it != roots.end())
    return it->second;
  std::optional<ModelInstance *> root =
      instantiate(*entry.model, entry.module, {}, entry.model->nameRange.Start);
  if (!root)
    return std::nullopt;
  roots[entry.model] = *root;
  return *root;
}

std::vector<const ParamSlot *>
Elaborator::paramsOf(const EntryCandidate &entry) {
  std::vector<const ParamSlot *> params;
  std::set<const ModelInstance *> seen;
  if (entry.self) {
    entry.self->collectParams(params);
    seen.insert(entry.self);
  }
  // The models of every top-level `let`, in every loaded module; those the
  // entry does not use are pruned after elaboration.
  std::vector<const LoadedModule *> modules{entry.module};
  for (const LoadedModule::Import &import : entry.module->imports)
    modules.push_back(import.module);
  for (const LoadedModule *module : modules)
    for (const auto &global : module->ast->globals) {
      if (!llvm::isa<ast::CallExpr>(global->value.get()))
        continue;
      std::optional<Value> v = evalGlobal(module, global.get());
      if (v && v->kind == Value::Kind::Model && seen.insert(v->model).second)
        v->model->collectParams(params);
    }
  return params;
}

mlir::Attribute dl::dimsAttr(mlir::Builder &b, const TensorType &type) {
  if (type.hasStaticShape())
    return {};
  llvm::SmallVector<mlir::Attribute> dims;
  for (const Dim &d : type.dims) {
    if (d.isStatic())
      dims.push_back(b.getI64IntegerAttr(d.size()));
    else
      dims.push_back(b.getStringAttr(d.asSymbol().value_or("?")));
  }
  return b.getArrayAttr(dims);
}

std::optional<TensorType> Elaborator::inputType(const ast::Param &p,
                                                Env &env, Frame &frame) {
  std::optional<ResolvedType> resolved =
      resolveType(*p.type, env, frame.symbols, /*allowSymbols=*/true);
  if (!resolved)
    return std::nullopt;
  TensorType type{resolved->dtype, {}};
  for (size_t i = 0; i < resolved->dims.size(); ++i) {
    const DimSpec &spec = resolved->dims[i];
    if (spec.kind == DimSpec::Kind::Known) {
      type.dims.push_back(spec.dim);
    } else if (spec.kind == DimSpec::Kind::Symbol) {
      if (!frame.symbols.count(spec.name)) {
        Dim dim = Dim::symbol(spec.name);
        if (symbolSizes)
          if (auto it = symbolSizes->find(spec.name); it != symbolSizes->end())
            dim = Dim::fixed(it->second);
        frame.symbols[spec.name] = dim;
      }
      type.dims.push_back(frame.symbols[spec.name]);
    } else {
      type.dims.push_back(
          Dim::opaque(p.name + ".shape[" + std::to_string(i) + "]"));
    }
  }
  if (type.rank() > 8)
    return error(p.range.Start, "entry point arguments have at most 8 "
                                "dimensions (docs/runtime-abi.md)"),
           std::nullopt;
  return type;
}

Value Elaborator::describeInput(unsigned i, const EntryInput &in) {
  mlir::func::FuncOp func = current->func;
  mlir::Value arg = func.getArgument(i);
  func.setArgAttr(i, attrs::kName, builder.getStringAttr(in.param->name));
  func.setArgAttr(i, attrs::kRole, builder.getStringAttr("input"));
  if (mlir::Attribute dims = dimsAttr(builder, in.type))
    func.setArgAttr(i, attrs::kDims, dims);
  if (!in.param->doc.empty())
    func.setArgAttr(i, attrs::kDoc, builder.getStringAttr(in.param->doc));
  for (int64_t d = 0; d < in.type.rank(); ++d) {
    const Dim &dim = in.type.dims[d];
    if (!dim.isStatic())
      current->argumentExtents.try_emplace(dim.getAtoms()[0], arg, d);
  }
  return Value::tensor(arg, in.type);
}

void Elaborator::describeParam(unsigned i, const ParamSlot &slot) {
  mlir::func::FuncOp func = current->func;
  std::string path = slot.path();
  func.setArgAttr(i, attrs::kName, builder.getStringAttr(path));
  func.setArgAttr(i, attrs::kRole,
                  builder.getStringAttr(slot.isState ? "state" : "param"));
  if (!slot.member->doc.empty())
    func.setArgAttr(i, attrs::kDoc, builder.getStringAttr(slot.member->doc));
  current->paramArgs[path] = func.getArgument(i);
}

std::vector<const ParamSlot *>
Elaborator::pruneParams(unsigned first,
                        const std::vector<const ParamSlot *> &params,
                        const ModelInstance *self) {
  mlir::func::FuncOp func = current->func;
  std::vector<const ParamSlot *> kept;
  llvm::BitVector unused(func.getNumArguments());
  for (size_t k = 0; k < params.size(); ++k) {
    unsigned i = first + k;
    bool own = false;
    for (const ModelInstance *m = params[k]->owner; m && self; m = m->parent)
      own |= m == self;
    if (!own && func.getArgument(i).use_empty() &&
        !llvm::is_contained(current->assigned, params[k]->path()))
      unused.set(i);
    else
      kept.push_back(params[k]);
  }
  // Fails only for arguments that are used, which these are not.
  (void)func.eraseArguments(unused);
  return kept;
}

std::optional<Value> Elaborator::materializeResult(const Value &v, SMLoc at) {
  if (v.isTensor() || v.isNumber() || v.kind == Value::Kind::List ||
      v.kind == Value::Kind::Extent)
    return toTensor(v, at);
  error(at, "an entry point returns tensors, not " + v.describe());
  return std::nullopt;
}

bool Elaborator::emitEntry(mlir::ModuleOp module, const EntryCandidate &entry) {
  if (!entry.whyNot.empty())
    return error(entry.fn->nameRange.Start, "'" + entry.name +
                                                "' cannot be an entry point: " +
                                                entry.whyNot);
  std::optional<ModelInstance *> root = rootInstance(entry);
  if (!root)
    return false;
  EntryCandidate resolved = entry;
  resolved.self = *root;
  unsigned errorsBefore = diags.getNumErrors();
  std::vector<const ParamSlot *> params = paramsOf(resolved);
  if (diags.getNumErrors() != errorsBefore)
    return false;
  return buildEntryFunction(module, resolved, params);
}

bool Elaborator::buildEntryFunction(
    mlir::ModuleOp module, const EntryCandidate &entry,
    const std::vector<const ParamSlot *> &params) {
  const ast::FnDecl &fn = *entry.fn;
  FunctionState state;
  Frame frame;
  frame.fn = &fn;
  Scope scope;
  Env env;
  env.locals = &scope;
  env.frame = &frame;
  env.self = entry.self;
  env.module = entry.module;
  budget = 0;

  // Inputs: their types, with symbols bound in the entry's frame.
  std::vector<EntryInput> inputs;
  llvm::SmallVector<mlir::Type> argTypes;
  for (const ast::Param &p : fn.params) {
    if (!p.type || p.type->kind != ast::TypeExpr::Kind::Tensor) {
      std::optional<Value> v = eval(*p.defaultValue, env);
      if (!v)
        return false;
      if (p.type) {
        std::optional<Value> c = conform(*v, *p.type, env, frame.symbols,
                                         p.range.Start, "'" + p.name + "'");
        if (!c)
          return false;
        v = c;
      }
      scope.vars[p.name] = *v;
      continue;
    }
    std::optional<TensorType> type = inputType(p, env, frame);
    if (!type)
      return false;
    inputs.push_back({&p, *type});
    argTypes.push_back(type->toMLIR(&context));
  }
  for (const ParamSlot *slot : params)
    argTypes.push_back(slot->type.toMLIR(&context));

  FunctionScope scopeOfFunction(*this, state, module, entry.name,
                                loc(fn.nameRange.Start), argTypes);
  mlir::func::FuncOp func = state.func;

  // Arguments: values, attributes, and the run-time value of each symbol.
  std::vector<Value> inputValues;
  for (size_t i = 0; i < inputs.size(); ++i) {
    inputValues.push_back(describeInput(i, inputs[i]));
    scope.vars[inputs[i].param->name] = inputValues.back();
  }
  if (tracer)
    tracer->beginEntry(entry.name, entry.self, fn.name, inputValues);
  for (size_t k = 0; k < params.size(); ++k)
    describeParam(inputs.size() + k, *params[k]);

  // The body.
  if (!exec(fn.body, env))
    return false;
  if (!frame.returned)
    return error(fn.endLoc, "'" + entry.name + "' ends without returning a "
                                                "value");
  std::vector<Value> results;
  if (frame.result->kind == Value::Kind::Tuple)
    results = *frame.result->elements;
  else
    results.push_back(*frame.result);
  if (fn.results) {
    if (fn.results->size() != results.size())
      return error(frame.returnLoc, "'" + entry.name + "' returns " +
                                  llvm::Twine(results.size()) +
                                  " values but declares " +
                                  llvm::Twine(fn.results->size()));
    for (size_t i = 0; i < results.size(); ++i) {
      std::optional<Value> c =
          conform(results[i], (*fn.results)[i], env, frame.symbols,
                  frame.returnLoc,
                  "result " + llvm::Twine(i) + " of '" + entry.name + "'");
      if (!c)
        return false;
      results[i] = *c;
    }
  }
  llvm::SmallVector<mlir::Value> values;
  llvm::SmallVector<mlir::Type> resultTypes;
  std::vector<TensorType> resultTensorTypes;
  for (const Value &r : results) {
    std::optional<Value> t = materializeResult(r, fn.endLoc);
    if (!t)
      return false;
    if (t->type.rank() > 8)
      return error(fn.endLoc, "entry point results have at most 8 "
                              "dimensions (docs/runtime-abi.md)");
    values.push_back(t->ir);
    resultTypes.push_back(t->ir.getType());
    resultTensorTypes.push_back(t->type);
  }
  size_t numOutputs = values.size();
  if (tracer)
    tracer->endEntry(resultTensorTypes, values);
  std::vector<std::string> updated = writeBack(values, resultTypes);
  mlir::func::ReturnOp::create(builder, loc(fn.endLoc), values);
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (size_t i = 0; i < resultTensorTypes.size(); ++i) {
    func.setResultAttr(i, attrs::kRole, builder.getStringAttr("output"));
    if (mlir::Attribute dims = dimsAttr(builder, resultTensorTypes[i]))
      func.setResultAttr(i, attrs::kDims, dims);
  }
  markUpdates(func, numOutputs, updated);

  finishSeedArgument(state);

  // Drop the parameters of models the entry does not use (those of its own
  // model stay, so that every method of a model has the same parameters).
  std::vector<const ParamSlot *> kept =
      pruneParams(inputs.size(), params, entry.self);

  func->setAttr(attrs::kEntry, builder.getUnitAttr());
  if (!fn.doc.empty())
    func->setAttr(attrs::kDoc, builder.getStringAttr(fn.doc));
  if (entry.self) {
    func->setAttr(attrs::kModel, builder.getStringAttr(entry.self->decl->name));
    if (!entry.self->decl->doc.empty())
      func->setAttr(attrs::kModelDoc,
                    builder.getStringAttr(entry.self->decl->doc));
  }
  bool anyInitializer = llvm::any_of(
      kept, [](const ParamSlot *s) { return s->member->value != nullptr; });
  if (anyInitializer) {
    std::string initName = entry.name + ".__init__";
    func->setAttr(attrs::kInit, builder.getStringAttr(initName));
    current = nullptr;
    if (!buildInitFunction(module, initName, kept))
      return false;
  }
  return true;
}

std::vector<std::string>
Elaborator::writeBack(llvm::SmallVectorImpl<mlir::Value> &values,
                      llvm::SmallVectorImpl<mlir::Type> &types) {
  for (const std::string &path : current->assigned) {
    mlir::Value v = current->paramArgs[path];
    values.push_back(v);
    types.push_back(v.getType());
  }
  return current->assigned;
}

void Elaborator::markUpdates(mlir::func::FuncOp func, size_t firstUpdate,
                             llvm::ArrayRef<std::string> paths) {
  for (size_t k = 0; k < paths.size(); ++k) {
    func.setResultAttr(firstUpdate + k, attrs::kUpdates,
                       builder.getStringAttr(paths[k]));
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (auto name = func.getArgAttrOfType<mlir::StringAttr>(i, attrs::kName))
        if (name.getValue() == paths[k])
          func.setArgAttr(i, attrs::kInOut, builder.getUnitAttr());
  }
}

std::optional<Value> Elaborator::evalInitializer(const ParamSlot &slot) {
  const ast::Member &member = *slot.member;
  Env env;
  env.locals = &slot.owner->scope;
  env.self = slot.owner;
  env.module = slot.owner->module;
  initType = &slot.type;
  std::optional<Value> v = eval(*member.value, env);
  initType = nullptr;
  if (!v)
    return std::nullopt;
  SMLoc at = member.value->getLoc();
  std::string what = "the initial value of '" + slot.path() + "'";
  if (v->isNumber())
    return full(slot.type.dims, *v, slot.type.dtype, at);
  std::optional<Value> t = toTensor(*v, at, slot.type.dtype);
  if (!t)
    return std::nullopt;
  if (t->type.dtype != slot.type.dtype)
    return error(at, what + " has type " + t->type.str() + " but the "
                     "parameter is " + slot.type.str()),
           std::nullopt;
  if (t->type.rank() == 0 && slot.type.rank() > 0)
    return broadcastTo(*t, slot.type.dims, at);
  if (!(t->type == slot.type))
    return error(at, what + " has type " + t->type.str() + " but the "
                     "parameter is " + slot.type.str()),
           std::nullopt;
  return t;
}

bool Elaborator::buildInitFunction(
    mlir::ModuleOp module, StringRef name,
    const std::vector<const ParamSlot *> &params,
    llvm::ArrayRef<std::pair<std::string, TensorType>> slots) {
  FunctionState state;
  FunctionScope scopeOfFunction(*this, state, module, name,
                                mlir::UnknownLoc::get(&context), {});
  mlir::func::FuncOp func = state.func;
  llvm::SmallVector<mlir::Value> values;
  llvm::SmallVector<mlir::Type> types;
  std::vector<const ParamSlot *> initialized;
  for (const ParamSlot *slot : params) {
    if (!slot->member->value)
      continue;
    beginInitializerStreams(*slot);
    std::optional<Value> v = evalInitializer(*slot);
    if (!v)
      return false;
    values.push_back(v->ir);
    types.push_back(v->ir.getType());
    initialized.push_back(slot);
  }
  for (const auto &[slotName, type] : slots) {
    std::optional<Value> zero = full(type.dims, Value::real(0.0), type.dtype,
                                     SMLoc());
    if (!zero)
      return false;
    values.push_back(zero->ir);
    types.push_back(zero->ir.getType());
  }
  mlir::func::ReturnOp::create(builder, func.getLoc(), values);
  func.setType(builder.getFunctionType({}, types));
  finishSeedArgument(state);
  for (size_t i = 0; i < initialized.size(); ++i) {
    func.setResultAttr(i, attrs::kName,
                       builder.getStringAttr(initialized[i]->path()));
    func.setResultAttr(i, attrs::kRole,
                       builder.getStringAttr(initialized[i]->isState
                                                 ? "state"
                                                 : "param"));
  }
  for (size_t k = 0; k < slots.size(); ++k) {
    unsigned i = initialized.size() + k;
    func.setResultAttr(i, attrs::kName, builder.getStringAttr(slots[k].first));
    func.setResultAttr(i, attrs::kRole, builder.getStringAttr("slot"));
  }
  func->setAttr(attrs::kEntry, builder.getUnitAttr());
  func->setAttr(attrs::kKind, builder.getStringAttr("init"));
  return true;
}
