//===- Elaborator.cpp - names, expressions, statements, calls, models -----===//

#include "Elaborator.h"
#include "LayerTracer.h"
#include "Builtins.h"
#include "Suggest.h"

#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace dl;
using llvm::SMLoc;
using llvm::StringRef;

/// Elaboration work (expressions evaluated, loop iterations) is capped so
/// that no program makes the compiler run for long: compile-time loops
/// unroll, so `for i in 0..1000000000` must fail quickly.
static constexpr uint64_t kMaxWork = 4'000'000;
/// Calls nested deeper than this are almost certainly runaway recursion.
static constexpr size_t kMaxCallDepth = 200;

//===----------------------------------------------------------------------===//
// Value, ModelInstance
//===----------------------------------------------------------------------===//

std::string Value::describe() const {
  switch (kind) {
  case Kind::Invalid: return "nothing";
  case Kind::None: return "none";
  case Kind::Int: return "an int";
  case Kind::Float: return "a float";
  case Kind::Bool: return "a bool";
  case Kind::String: return "a string";
  case Kind::DType: return "the dtype " + dtypeName(dtype).str();
  case Kind::Extent: return "the extent " + dim.str();
  case Kind::Tensor: return "a tensor " + type.str();
  case Kind::Tuple: return "a tuple of " + std::to_string(elements->size());
  case Kind::List: return "a list";
  case Kind::Range: return "a range";
  case Kind::Function: return "the function '" + fn->name + "'";
  case Kind::Builtin: return "the built-in '" + builtinFn->name + "'";
  case Kind::ModelClass: return "the model '" + modelDecl->name + "'";
  case Kind::Model: return "a model instance '" + model->decl->name + "'";
  case Kind::Namespace: return "a module";
  case Kind::Derivative:
    return boolValue ? "a value_and_grad function" : "a grad function";
  }
  return "a value";
}

std::string ParamSlot::path() const {
  std::string prefix = owner->path();
  return prefix.empty() ? name : prefix + "." + name;
}

std::string ModelInstance::path() const {
  if (!parent)
    return name;
  std::string prefix = parent->path();
  return prefix.empty() ? name : prefix + "." + name;
}

const ast::FnDecl *ModelInstance::method(StringRef methodName) const {
  for (const ast::Member &m : decl->members)
    if (m.kind == ast::Member::Kind::Method && m.name == methodName)
      return m.method.get();
  return nullptr;
}

const ParamSlot *ModelInstance::param(StringRef paramName) const {
  for (const auto &slot : params)
    if (slot->name == paramName)
      return slot.get();
  return nullptr;
}

void ModelInstance::collectParams(std::vector<const ParamSlot *> &out) const {
  std::function<void(const Value &)> visit = [&](const Value &v) {
    if (v.kind == Value::Kind::Model && v.model->parent == this)
      v.model->collectParams(out);
    else if ((v.kind == Value::Kind::List || v.kind == Value::Kind::Tuple))
      for (const Value &e : *v.elements)
        visit(e);
  };
  for (const Item &item : order) {
    if (item.param)
      out.push_back(item.param);
    else if (auto it = scope.vars.find(item.field); it != scope.vars.end())
      visit(it->second);
  }
}

//===----------------------------------------------------------------------===//
// Elaborator
//===----------------------------------------------------------------------===//

Elaborator::Elaborator(mlir::MLIRContext &context, DiagnosticEngine &diags,
                       ModuleLoader &loader)
    : diags(diags), context(context), builder(&context), loader(loader),
      prelude(loader.getPrelude()) {}

Elaborator::~Elaborator() = default;

mlir::Location Elaborator::loc(SMLoc at) {
  llvm::SourceMgr &sm = diags.getSourceMgr();
  mlir::Location base = mlir::UnknownLoc::get(&context);
  if (at.isValid()) {
    unsigned id = sm.FindBufferContainingLoc(at);
    if (id) {
      auto [line, col] = sm.getLineAndColumn(at, id);
      base = mlir::FileLineColLoc::get(
          &context, sm.getMemoryBuffer(id)->getBufferIdentifier(), line, col);
    }
  }
  if (callStack.empty())
    return base;
  return mlir::CallSiteLoc::get(base, callStack.back().second);
}

bool Elaborator::charge(SMLoc at, uint64_t cost) {
  budget += cost;
  if (budget <= kMaxWork)
    return true;
  if (!budgetReported) {
    budgetReported = true;
    error(at, "the program unrolls into too much work at compile time (more "
              "than " +
                  llvm::Twine(kMaxWork) +
                  " steps); compile-time loops and recursion must stay small");
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

/// Names visible at the top of a module, for "did you mean" suggestions.
static void visibleNames(const LoadedModule *module,
                         std::vector<std::string> &names) {
  for (const auto &f : module->ast->functions)
    names.push_back(f->name);
  for (const auto &m : module->ast->models)
    names.push_back(m->name);
  for (const auto &g : module->ast->globals)
    names.push_back(g->name);
}

std::optional<Value> Elaborator::lookupInModule(const LoadedModule *module,
                                                StringRef name, SMLoc at,
                                                bool withImports) {
  for (const auto &f : module->ast->functions)
    if (f->name == name)
      return Value::function(f.get(), module, nullptr);
  for (const auto &m : module->ast->models)
    if (m->name == name)
      return Value::modelClass(m.get(), module);
  for (const auto &g : module->ast->globals)
    if (g->name == name)
      return evalGlobal(module, g.get());
  if (!withImports)
    return std::nullopt;
  for (const LoadedModule::Import &import : module->imports) {
    StringRef visibleAs =
        import.alias.empty() ? StringRef(import.decl->path.back())
                             : StringRef(import.alias);
    if (visibleAs == name)
      return Value::nameSpace(import.module);
  }
  const LoadedModule *foundIn = nullptr;
  std::optional<Value> found;
  for (const LoadedModule::Import &import : module->imports) {
    if (!import.alias.empty())
      continue;
    bool has = false;
    for (const auto &f : import.module->ast->functions)
      has |= f->name == name;
    for (const auto &m : import.module->ast->models)
      has |= m->name == name;
    for (const auto &g : import.module->ast->globals)
      has |= g->name == name;
    if (!has || foundIn == import.module)
      continue;
    if (foundIn) {
      error(at, "'" + name + "' is ambiguous: both '" + foundIn->name +
                    "' and '" + import.module->name +
                    "' define it; qualify it as module.name");
      return Value(); // reported
    }
    foundIn = import.module;
    found = lookupInModule(import.module, name, at, false);
    if (!found)
      return Value();
  }
  if (found)
    return found;
  if (prelude && module != prelude)
    if (auto v = lookupInModule(prelude, name, at, false))
      return v;
  if (const Builtin *b = findBuiltin(name))
    return Value::builtin(b);
  return std::nullopt;
}

std::optional<Value> Elaborator::memberOfModel(ModelInstance *model,
                                               StringRef name, SMLoc at) {
  if (const ParamSlot *slot = model->param(name))
    return paramValue(*slot, at);
  if (auto it = model->scope.vars.find(name); it != model->scope.vars.end())
    return it->second;
  if (const ast::FnDecl *fn = model->method(name))
    return Value::function(fn, model->module, model);
  return std::nullopt;
}

std::optional<Value> Elaborator::lookup(StringRef name, SMLoc at, Env &env) {
  if (env.locals)
    if (Value *v = env.locals->find(name))
      return *v;
  if (env.frame)
    if (auto it = env.frame->symbols.find(name);
        it != env.frame->symbols.end()) {
      if (!inFunction())
        return error(at, "the extent '" + name +
                             "' is only known inside a function"),
               std::nullopt;
      return Value::extent(extentValue(it->second, at), it->second);
    }
  if (env.self) {
    if (name == "self")
      return Value::modelInstance(env.self);
    unsigned errorsBefore = diags.getNumErrors();
    if (auto v = memberOfModel(env.self, name, at))
      return v;
    if (diags.getNumErrors() != errorsBefore)
      return std::nullopt;
  }
  if (env.module) {
    unsigned errorsBefore = diags.getNumErrors();
    std::optional<Value> v = lookupInModule(env.module, name, at, true);
    if (diags.getNumErrors() != errorsBefore)
      return std::nullopt;
    if (v)
      return v;
  }
  if (std::optional<DType> dtype = parseDType(name))
    return Value::dtypeValue(*dtype);
  if (name == "training")
    return Value::boolean(trainingMode);
  std::vector<std::string> candidates;
  if (env.locals)
    for (Scope *s = env.locals; s; s = s->parent)
      for (const auto &entry : s->vars)
        candidates.push_back(entry.getKey().str());
  if (env.module)
    visibleNames(env.module, candidates);
  if (prelude)
    visibleNames(prelude, candidates);
  for (const Builtin &b : allBuiltins())
    candidates.push_back(b.name);
  error(at, "unknown name '" + name + "'" + suggestName(name, candidates));
  return std::nullopt;
}

std::optional<Value> Elaborator::evalGlobal(const LoadedModule *module,
                                            const ast::GlobalDecl *global) {
  if (auto it = globals.find(global); it != globals.end())
    return it->second;
  if (llvm::is_contained(globalsInProgress, global)) {
    error(global->nameRange.Start,
          "'" + global->name + "' is defined in terms of itself");
    return std::nullopt;
  }
  globalsInProgress.push_back(global);
  // Globals are compile-time values: no function to emit tensor ops into.
  FunctionState *saved = current;
  current = nullptr;
  auto savedStack = std::move(callStack);
  callStack.clear();
  Env env;
  env.module = module;
  std::optional<Value> value = eval(*global->value, env);
  current = saved;
  callStack = std::move(savedStack);
  globalsInProgress.pop_back();
  if (!value)
    return std::nullopt;
  if (value->kind == Value::Kind::Model && value->model->parent == nullptr &&
      value->model->name.empty())
    value->model->name = global->name;
  else if (value->kind == Value::Kind::List)
    adopt(*value, nullptr, global->name);
  globals[global] = *value;
  return value;
}

std::optional<Value> Elaborator::paramValue(const ParamSlot &slot, SMLoc at) {
  std::string path = slot.path();
  if (initType) {
    error(at, "the initializer of a parameter cannot use the parameter '" +
                  path + "'");
    return std::nullopt;
  }
  if (!current) {
    error(at, "the parameter '" + path +
                  "' is a tensor: it can only be used inside a function");
    return std::nullopt;
  }
  auto it = current->paramArgs.find(path);
  if (it == current->paramArgs.end() && current->captureParams) {
    // A function built for differentiation takes the parameters it uses
    // as arguments.
    mlir::Block &entry = current->func.getBody().front();
    mlir::Value arg =
        entry.addArgument(slot.type.toMLIR(&context), current->func.getLoc());
    current->captured.push_back(&slot);
    it = current->paramArgs.try_emplace(path, arg).first;
  }
  if (it == current->paramArgs.end()) {
    error(at, "the parameter '" + path +
                  "' belongs to a model that this entry point does not use");
    return std::nullopt;
  }
  return Value::tensor(it->second, slot.type);
}

bool Elaborator::assignParam(const ast::AssignStmt &assign, Env &env) {
  // The model: `self` for a plain name, else the value of `a.b`.
  ModelInstance *model = env.self;
  ast::Binding last = assign.target;
  if (!assign.members.empty()) {
    std::optional<Value> base = lookup(assign.target.name, assign.target.loc,
                                       env);
    if (!base)
      return false;
    for (size_t i = 0; i + 1 < assign.members.size(); ++i) {
      if (base->kind != Value::Kind::Model)
        return error(assign.members[i].loc,
                     "'" + assign.members[i].name + "' is not a member of " +
                         base->describe());
      base = memberOfModel(base->model, assign.members[i].name,
                           assign.members[i].loc);
      if (!base)
        return false;
    }
    last = assign.members.back();
    if (base->kind != Value::Kind::Model)
      return error(assign.target.loc, "only parameters and state of models "
                                      "can be assigned with '.', not a "
                                      "member of " +
                                          base->describe());
    model = base->model;
  }
  const ParamSlot *slot = model->param(last.name);
  if (!slot)
    return error(last.loc, "'" + last.name + "' is not a parameter or "
                           "state of model '" +
                               model->decl->name + "'");
  std::string path = slot->path();
  if (!inFunction())
    return error(last.loc, "the parameter '" + path +
                               "' can only be assigned inside a function");
  if (current->captureParams && !slot->isState)
    return error(last.loc, "cannot assign to the learnable parameter '" +
                               path +
                               "' inside a function being differentiated");
  std::optional<Value> value = eval(*assign.value, env);
  if (!value)
    return false;
  SMLoc at = assign.value->getLoc();
  std::optional<Value> t = toTensor(*value, at, slot->type.dtype);
  if (!t)
    return false;
  if (t->type.dtype != slot->type.dtype)
    return error(at, "cannot assign " + t->type.str() + " to '" + path +
                         "' of type " + slot->type.str());
  if (t->type.rank() == 0 && slot->type.rank() > 0)
    t = broadcastTo(*t, slot->type.dims, at);
  if (!t)
    return false;
  if (!(t->type == slot->type))
    return error(at, "cannot assign " + t->type.str() + " to '" + path +
                         "' of type " + slot->type.str());
  if (!paramValue(*slot, last.loc))
    return false;
  current->paramArgs[path] = t->ir;
  if (!llvm::is_contained(current->assigned, path))
    current->assigned.push_back(path);
  return true;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

std::optional<Value> Elaborator::eval(const ast::Expr &expr, Env &env) {
  using K = ast::Expr::Kind;
  if (!charge(expr.getLoc()))
    return std::nullopt;
  switch (expr.getKind()) {
  case K::Int:
    return Value::integer(llvm::cast<ast::IntExpr>(expr).value);
  case K::Float:
    return Value::real(llvm::cast<ast::FloatExpr>(expr).value);
  case K::Bool:
    return Value::boolean(llvm::cast<ast::BoolExpr>(expr).value);
  case K::None:
    return Value::none();
  case K::String:
    return Value::string(llvm::cast<ast::StringExpr>(expr).value);
  case K::Name:
    return lookup(llvm::cast<ast::NameExpr>(expr).name, expr.getLoc(), env);
  case K::Unary:
    return evalUnary(llvm::cast<ast::UnaryExpr>(expr), env);
  case K::Binary:
    return evalBinary(llvm::cast<ast::BinaryExpr>(expr), env);
  case K::Call:
    return evalCall(llvm::cast<ast::CallExpr>(expr), env);
  case K::Member:
    return evalMember(llvm::cast<ast::MemberExpr>(expr), env);
  case K::Index: {
    auto &index = llvm::cast<ast::IndexExpr>(expr);
    std::optional<Value> base = eval(*index.base, env);
    if (!base)
      return std::nullopt;
    return evalIndex(*base, index.items, expr.getLoc(), env);
  }
  case K::Array: {
    auto elements = evalAll(llvm::cast<ast::ArrayExpr>(expr).elements, env);
    if (!elements)
      return std::nullopt;
    return Value::list(std::move(*elements));
  }
  case K::Tuple: {
    auto elements = evalAll(llvm::cast<ast::TupleExpr>(expr).elements, env);
    if (!elements)
      return std::nullopt;
    return Value::tuple(std::move(*elements));
  }
  case K::Range: {
    auto &range = llvm::cast<ast::RangeExpr>(expr);
    std::optional<Value> start = eval(*range.start, env);
    if (!start)
      return std::nullopt;
    std::optional<Value> end = eval(*range.end, env);
    if (!end)
      return std::nullopt;
    auto s = toInt(*start, range.start->getLoc(), "the start of a range");
    if (!s)
      return std::nullopt;
    auto e = toInt(*end, range.end->getLoc(), "the end of a range");
    if (!e)
      return std::nullopt;
    return Value::range(*s, *e);
  }
  case K::Comprehension: {
    auto &comp = llvm::cast<ast::ComprehensionExpr>(expr);
    std::optional<Value> iterable = eval(*comp.iterable, env);
    if (!iterable)
      return std::nullopt;
    std::vector<Value> items;
    if (iterable->kind == Value::Kind::Range) {
      for (int64_t i = iterable->rangeStart; i < iterable->rangeEnd; ++i)
        items.push_back(Value::integer(i));
    } else if (iterable->kind == Value::Kind::List ||
               iterable->kind == Value::Kind::Tuple) {
      items = *iterable->elements;
    } else {
      error(comp.iterable->getLoc(),
            "cannot iterate over " + iterable->describe() +
                "; comprehensions run at compile time over ranges and lists");
      return std::nullopt;
    }
    std::vector<Value> results;
    for (Value &item : items) {
      if (!charge(comp.getLoc()))
        return std::nullopt;
      Scope scope;
      scope.parent = env.locals;
      scope.vars[comp.var] = item;
      Env inner = env;
      inner.locals = &scope;
      std::optional<Value> v = eval(*comp.element, inner);
      if (!v)
        return std::nullopt;
      results.push_back(std::move(*v));
    }
    return Value::list(std::move(results));
  }
  }
  return std::nullopt;
}

std::optional<std::vector<Value>>
Elaborator::evalAll(const std::vector<ast::ExprPtr> &exprs, Env &env) {
  std::vector<Value> values;
  for (const ast::ExprPtr &e : exprs) {
    std::optional<Value> v = eval(*e, env);
    if (!v)
      return std::nullopt;
    values.push_back(std::move(*v));
  }
  return values;
}

std::optional<Value> Elaborator::evalUnary(const ast::UnaryExpr &expr,
                                           Env &env) {
  std::optional<Value> v = eval(*expr.operand, env);
  if (!v)
    return std::nullopt;
  SMLoc at = expr.opLoc;
  switch (expr.op) {
  case ast::UnaryOp::Plus:
    if (v->isNumber() || v->kind == Value::Kind::Extent || v->isTensor())
      return v;
    break;
  case ast::UnaryOp::Neg:
    if (v->kind == Value::Kind::Int) {
      if (v->intValue == INT64_MIN)
        return error(at, "integer overflow in negation"), std::nullopt;
      return Value::integer(-v->intValue);
    }
    if (v->kind == Value::Kind::Float)
      return Value::real(-v->floatValue);
    if (v->kind == Value::Kind::Bool)
      return Value::integer(-(int64_t)v->boolValue);
    if (v->isTensor() || v->kind == Value::Kind::List) {
      std::optional<Value> t = toTensor(*v, at);
      if (!t)
        return std::nullopt;
      if (t->type.dtype == DType::Bool)
        return error(at, "cannot negate a bool tensor; use 'not'"),
               std::nullopt;
      return unary<NegOp>(*t, at, "-", false);
    }
    break;
  case ast::UnaryOp::Not:
    if (v->kind == Value::Kind::Bool)
      return Value::boolean(!v->boolValue);
    if (v->isTensor()) {
      if (v->type.dtype != DType::Bool)
        return error(at, "'not' needs a bool tensor, got " + v->type.str() +
                             "; compare it first (x != 0)"),
               std::nullopt;
      return unary<NotOp>(*v, at, "not", false);
    }
    break;
  }
  error(at, "operator '" + ast::spell(expr.op) + "' cannot be applied to " +
                v->describe());
  return std::nullopt;
}

std::optional<Value> Elaborator::evalBinary(const ast::BinaryExpr &expr,
                                            Env &env) {
  std::optional<Value> lhs = eval(*expr.lhs, env);
  if (!lhs)
    return std::nullopt;
  // `and` / `or` on compile-time booleans short-circuit.
  if (lhs->kind == Value::Kind::Bool) {
    if (expr.op == ast::BinaryOp::And && !lhs->boolValue)
      return Value::boolean(false);
    if (expr.op == ast::BinaryOp::Or && lhs->boolValue)
      return Value::boolean(true);
  }
  std::optional<Value> rhs = eval(*expr.rhs, env);
  if (!rhs)
    return std::nullopt;
  return binaryOp(expr.op, *lhs, *rhs, expr.opLoc);
}

static bool isCompileTimeScalar(const Value &v) { return v.isNumber(); }

std::optional<Value> Elaborator::binaryOp(ast::BinaryOp op, const Value &lhs,
                                          const Value &rhs, SMLoc at) {
  using B = ast::BinaryOp;
  if (isCompileTimeScalar(lhs) && isCompileTimeScalar(rhs))
    return compileTimeBinary(op, lhs, rhs, at);
  // `x == none` / `x != none` test an optional argument whatever x holds
  // (a tensor, a list, an extent): only none equals none.
  if ((op == B::Eq || op == B::Ne) &&
      (lhs.kind == Value::Kind::None || rhs.kind == Value::Kind::None)) {
    bool equal = lhs.kind == rhs.kind;
    return Value::boolean(op == B::Eq ? equal : !equal);
  }
  // Equality of other compile-time values.
  if ((op == B::Eq || op == B::Ne) && !lhs.isTensor() && !rhs.isTensor() &&
      lhs.kind != Value::Kind::Extent && rhs.kind != Value::Kind::Extent &&
      lhs.kind != Value::Kind::List && rhs.kind != Value::Kind::List) {
    bool equal;
    if (lhs.kind != rhs.kind)
      equal = false;
    else if (lhs.kind == Value::Kind::String)
      equal = lhs.stringValue == rhs.stringValue;
    else if (lhs.kind == Value::Kind::DType)
      equal = lhs.dtype == rhs.dtype;
    else if (lhs.kind == Value::Kind::None)
      equal = true;
    else
      return error(at, "cannot compare " + lhs.describe() + " and " +
                           rhs.describe()),
             std::nullopt;
    return Value::boolean(op == B::Eq ? equal : !equal);
  }
  if (op == B::Add && lhs.kind == Value::Kind::String &&
      rhs.kind == Value::Kind::String)
    return Value::string(lhs.stringValue + rhs.stringValue);
  if (op == B::Add && lhs.kind == Value::Kind::List &&
      rhs.kind == Value::Kind::List) {
    std::vector<Value> joined(*lhs.elements);
    joined.insert(joined.end(), rhs.elements->begin(), rhs.elements->end());
    return Value::list(std::move(joined));
  }
  bool lhsExtent = lhs.kind == Value::Kind::Extent;
  bool rhsExtent = rhs.kind == Value::Kind::Extent;
  if ((lhsExtent || rhsExtent) &&
      (lhsExtent || lhs.kind == Value::Kind::Int) &&
      (rhsExtent || rhs.kind == Value::Kind::Int))
    return extentBinary(op, lhs, rhs, at);
  auto tensorLike = [](const Value &v) {
    return v.isTensor() || v.isNumber() || v.kind == Value::Kind::List ||
           v.kind == Value::Kind::Extent;
  };
  if (!tensorLike(lhs) || !tensorLike(rhs)) {
    error(at, "operator '" + ast::spell(op) + "' cannot be applied to " +
                  lhs.describe() + " and " + rhs.describe());
    return std::nullopt;
  }
  StringRef spelling = ast::spell(op);
  switch (op) {
  case B::Add: return elementwise(Elementwise::Add, lhs, rhs, at, spelling);
  case B::Sub: return elementwise(Elementwise::Sub, lhs, rhs, at, spelling);
  case B::Mul: return elementwise(Elementwise::Mul, lhs, rhs, at, spelling);
  case B::Div: return elementwise(Elementwise::Div, lhs, rhs, at, spelling);
  case B::Eq: return elementwise(Elementwise::Eq, lhs, rhs, at, spelling);
  case B::Ne: return elementwise(Elementwise::Ne, lhs, rhs, at, spelling);
  case B::Lt: return elementwise(Elementwise::Lt, lhs, rhs, at, spelling);
  case B::Le: return elementwise(Elementwise::Le, lhs, rhs, at, spelling);
  case B::Gt: return elementwise(Elementwise::Gt, lhs, rhs, at, spelling);
  case B::Ge: return elementwise(Elementwise::Ge, lhs, rhs, at, spelling);
  case B::And: return elementwise(Elementwise::And, lhs, rhs, at, spelling);
  case B::Or: return elementwise(Elementwise::Or, lhs, rhs, at, spelling);
  case B::MatMul: {
    std::optional<Value> a = toTensor(lhs, at), b = toTensor(rhs, at);
    if (!a || !b)
      return std::nullopt;
    return matmul(*a, *b, at);
  }
  case B::Pow:
    return power(lhs, rhs, at);
  case B::FloorDiv:
    return floorDivide(lhs, rhs, at, /*remainder=*/false);
  case B::Mod:
    return floorDivide(lhs, rhs, at, /*remainder=*/true);
  }
  return std::nullopt;
}

std::optional<Value> Elaborator::compileTimeBinary(ast::BinaryOp op,
                                                   const Value &lhs,
                                                   const Value &rhs,
                                                   SMLoc at) {
  using B = ast::BinaryOp;
  auto asInt = [](const Value &v) {
    return v.kind == Value::Kind::Bool ? (int64_t)v.boolValue : v.intValue;
  };
  auto asDouble = [&](const Value &v) {
    return v.kind == Value::Kind::Float ? v.floatValue : (double)asInt(v);
  };
  if (op == B::And || op == B::Or) {
    if (lhs.kind != Value::Kind::Bool || rhs.kind != Value::Kind::Bool)
      return error(at, "'" + ast::spell(op) + "' needs two bools, got " +
                           lhs.describe() + " and " + rhs.describe()),
             std::nullopt;
    return Value::boolean(op == B::And ? lhs.boolValue && rhs.boolValue
                                       : lhs.boolValue || rhs.boolValue);
  }
  if (op == B::MatMul)
    return error(at, "'@' needs tensors, got " + lhs.describe() + " and " +
                         rhs.describe()),
           std::nullopt;
  bool floating =
      lhs.kind == Value::Kind::Float || rhs.kind == Value::Kind::Float;
  switch (op) {
  case B::Eq: case B::Ne: case B::Lt: case B::Le: case B::Gt: case B::Ge: {
    bool r;
    if (floating) {
      double a = asDouble(lhs), b = asDouble(rhs);
      r = op == B::Eq ? a == b : op == B::Ne ? a != b : op == B::Lt ? a < b
          : op == B::Le ? a <= b : op == B::Gt ? a > b : a >= b;
    } else {
      int64_t a = asInt(lhs), b = asInt(rhs);
      r = op == B::Eq ? a == b : op == B::Ne ? a != b : op == B::Lt ? a < b
          : op == B::Le ? a <= b : op == B::Gt ? a > b : a >= b;
    }
    return Value::boolean(r);
  }
  default:
    break;
  }
  if (floating || op == B::Div) {
    double a = asDouble(lhs), b = asDouble(rhs), r = 0;
    switch (op) {
    case B::Add: r = a + b; break;
    case B::Sub: r = a - b; break;
    case B::Mul: r = a * b; break;
    case B::Div:
      if (b == 0)
        return error(at, "division by zero"), std::nullopt;
      r = a / b;
      break;
    case B::FloorDiv:
    case B::Mod: {
      if (b == 0)
        return error(at, "division by zero"), std::nullopt;
      // Python's float floor division and remainder, from fmod.
      double mod = std::fmod(a, b);
      double div = (a - mod) / b;
      if (mod != 0 && ((b < 0) != (mod < 0))) {
        mod += b;
        div -= 1;
      }
      if (op == B::Mod) {
        r = mod != 0 ? mod : std::copysign(0.0, b);
        break;
      }
      if (div != 0) {
        r = std::floor(div);
        if (div - r > 0.5)
          r += 1;
      } else {
        r = std::copysign(0.0, a / b);
      }
      break;
    }
    case B::Pow: r = std::pow(a, b); break;
    default: break;
    }
    return Value::real(r);
  }
  int64_t a = asInt(lhs), b = asInt(rhs), r = 0;
  bool overflow = false;
  switch (op) {
  case B::Add: overflow = llvm::AddOverflow(a, b, r); break;
  case B::Sub: overflow = llvm::SubOverflow(a, b, r); break;
  case B::Mul: overflow = llvm::MulOverflow(a, b, r); break;
  case B::FloorDiv:
  case B::Mod: {
    if (b == 0)
      return error(at, "division by zero"), std::nullopt;
    if (a == INT64_MIN && b == -1) {
      overflow = op == B::FloorDiv;
      r = 0;
      break;
    }
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
      q -= 1;
      m += b;
    }
    r = op == B::FloorDiv ? q : m;
    break;
  }
  case B::Pow:
    if (b < 0)
      return Value::real(std::pow((double)a, (double)b));
    r = 1;
    for (int64_t i = 0; i < b && !overflow; ++i) {
      overflow = llvm::MulOverflow(r, a, r);
      if (r == 0 || r == 1)
        break;
    }
    break;
  default: break;
  }
  if (overflow)
    return error(at, "integer overflow in compile-time arithmetic"),
           std::nullopt;
  return Value::integer(r);
}

std::optional<Value> Elaborator::extentBinary(ast::BinaryOp op,
                                              const Value &lhs,
                                              const Value &rhs, SMLoc at) {
  using B = ast::BinaryOp;
  auto dimOfValue = [](const Value &v) {
    return v.kind == Value::Kind::Extent ? v.dim : Dim::fixed(v.intValue);
  };
  Dim a = dimOfValue(lhs), b = dimOfValue(rhs);
  if (!inFunction())
    return error(at, "extents are only known inside a function"),
           std::nullopt;
  mlir::Location l = loc(at);
  mlir::Value x = extentValue(a, at), y = extentValue(b, at);
  switch (op) {
  case B::Add:
  case B::Sub: {
    Dim d = op == B::Add ? Dim::add(a, b) : Dim::subtract(a, b);
    mlir::Value v =
        op == B::Add ? (mlir::Value)mlir::arith::AddIOp::create(builder, l, x, y)
                     : (mlir::Value)mlir::arith::SubIOp::create(builder, l, x, y);
    if (!d.isStatic() && !d.asSymbol())
      current->atoms.try_emplace(d.str(), v);
    return Value::extent(v, d);
  }
  case B::Mul: {
    std::optional<Dim> d = Dim::multiply(a, b);
    if (!d)
      return error(at, "extent overflow"), std::nullopt;
    return Value::extent(mlir::arith::MulIOp::create(builder, l, x, y), *d);
  }
  case B::FloorDiv: {
    std::optional<Dim> d = Dim::divideExact(a, b);
    mlir::Value v = mlir::arith::FloorDivSIOp::create(builder, l, x, y);
    if (!d) {
      d = Dim::opaque("(" + a.str() + "//" + b.str() + ")");
      current->atoms.try_emplace(d->str(), v);
    }
    return Value::extent(v, *d);
  }
  case B::Eq:
  case B::Ne:
    if (a.isStatic() == b.isStatic() || a == b)
      if (a == b || (a.isStatic() && b.isStatic()))
        return Value::boolean((a == b) == (op == B::Eq));
    [[fallthrough]];
  default:
    error(at, "operator '" + ast::spell(op) + "' on the extents " + a.str() +
                  " and " + b.str() + " is not known at compile time");
    return std::nullopt;
  }
}

std::optional<Value> Elaborator::evalCall(const ast::CallExpr &expr,
                                          Env &env) {
  std::optional<Value> callee = eval(*expr.callee, env);
  if (!callee)
    return std::nullopt;
  std::vector<CallArg> args;
  for (const ast::Argument &arg : expr.args) {
    std::optional<Value> v = eval(*arg.value, env);
    if (!v)
      return std::nullopt;
    args.push_back({arg.name, arg.name.empty() ? arg.value->getLoc()
                                               : arg.nameLoc,
                    std::move(*v)});
  }
  return call(*callee, std::move(args), expr.getLoc(), env);
}

std::optional<Value> Elaborator::evalMember(const ast::MemberExpr &expr,
                                            Env &env) {
  std::optional<Value> base = eval(*expr.base, env);
  if (!base)
    return std::nullopt;
  StringRef name = expr.member;
  SMLoc at = expr.memberLoc;
  switch (base->kind) {
  case Value::Kind::Model: {
    unsigned before = diags.getNumErrors();
    if (auto v = memberOfModel(base->model, name, at))
      return v;
    if (diags.getNumErrors() != before)
      return std::nullopt;
    std::vector<std::string> names;
    for (const ast::Member &m : base->model->decl->members)
      names.push_back(m.name);
    for (const ast::Param &p : base->model->decl->params)
      names.push_back(p.name);
    error(at, "model '" + base->model->decl->name + "' has no member '" +
                  name + "'" + suggestName(name, names));
    return std::nullopt;
  }
  case Value::Kind::Namespace: {
    unsigned before = diags.getNumErrors();
    if (auto v = lookupInModule(base->module, name, at, false))
      return v;
    if (diags.getNumErrors() == before) {
      std::vector<std::string> names;
      visibleNames(base->module, names);
      error(at, "module '" + base->module->name + "' has no '" + name + "'" +
                    suggestName(name, names));
    }
    return std::nullopt;
  }
  case Value::Kind::Tensor: {
    if (name == "shape") {
      std::vector<Value> dims;
      for (int64_t d = 0; d < base->type.rank(); ++d) {
        const Dim &dim = base->type.dims[d];
        dims.push_back(dim.isStatic()
                           ? Value::integer(dim.size())
                           : Value::extent(dimValueOf(*base, d, at), dim));
      }
      return Value::list(std::move(dims));
    }
    if (name == "ndim")
      return Value::integer(base->type.rank());
    if (name == "dtype")
      return Value::dtypeValue(base->type.dtype);
    if (name == "T") {
      llvm::SmallVector<int64_t> perm;
      for (int64_t d = base->type.rank() - 1; d >= 0; --d)
        perm.push_back(d);
      return transpose(*base, perm, at);
    }
    error(at, "tensors have no member '" + name +
                  "' (they have shape, ndim, dtype and T)");
    return std::nullopt;
  }
  case Value::Kind::List:
  case Value::Kind::Tuple: {
    int64_t index;
    if (!name.getAsInteger(10, index) && index >= 0 &&
        index < (int64_t)base->elements->size())
      return (*base->elements)[index];
    break;
  }
  default:
    break;
  }
  error(at, base->describe() + " has no member '" + name + "'");
  return std::nullopt;
}

std::optional<Value> Elaborator::evalIndex(
    const Value &base, const std::vector<ast::IndexItem> &items, SMLoc at,
    Env &env) {
  if (base.kind == Value::Kind::List || base.kind == Value::Kind::Tuple) {
    if (items.size() != 1 || items[0].kind != ast::IndexItem::Kind::Index)
      return error(at, "lists are indexed by one integer"), std::nullopt;
    std::optional<Value> i = eval(*items[0].index, env);
    if (!i)
      return std::nullopt;
    std::optional<int64_t> index =
        toInt(*i, items[0].index->getLoc(), "a list index");
    if (!index)
      return std::nullopt;
    int64_t size = base.elements->size();
    int64_t normalized = *index < 0 ? *index + size : *index;
    if (normalized < 0 || normalized >= size)
      return error(items[0].index->getLoc(),
                   "index " + llvm::Twine(*index) +
                       " is out of range for a list of " + llvm::Twine(size)),
             std::nullopt;
    return (*base.elements)[normalized];
  }
  if (base.isTensor())
    return indexTensor(base, items, at, env, nullptr);
  error(at, "cannot index " + base.describe());
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

bool Elaborator::exec(const ast::Block &block, Env &env) {
  Scope scope;
  scope.parent = env.locals;
  Env inner = env;
  inner.locals = &scope;
  for (const ast::StmtPtr &stmt : block) {
    if (!execStmt(*stmt, inner))
      return false;
    if (env.frame && env.frame->returned)
      return true;
  }
  return true;
}

bool Elaborator::bind(const ast::LetStmt &let, Value value, Env &env) {
  if (let.names.size() == 1) {
    if (let.type) {
      llvm::StringMap<Dim> scratch;
      llvm::StringMap<Dim> &symbols = env.frame ? env.frame->symbols : scratch;
      std::optional<Value> conformed =
          conform(value, *let.type, env, symbols, let.value->getLoc(),
                  "the value of '" + let.names[0].name + "'");
      if (!conformed)
        return false;
      value = std::move(*conformed);
    }
    env.locals->vars[let.names[0].name] = std::move(value);
    return true;
  }
  if (value.kind != Value::Kind::Tuple && value.kind != Value::Kind::List)
    return error(let.value->getLoc(),
                 "cannot unpack " + value.describe() + " into " +
                     llvm::Twine(let.names.size()) + " names");
  if (value.elements->size() != let.names.size())
    return error(let.value->getLoc(),
                 "cannot unpack " + llvm::Twine(value.elements->size()) +
                     " values into " + llvm::Twine(let.names.size()) +
                     " names");
  if (let.type)
    return error(let.type->range.Start,
                 "a type annotation needs a single name");
  for (size_t i = 0; i < let.names.size(); ++i)
    env.locals->vars[let.names[i].name] = (*value.elements)[i];
  return true;
}

bool Elaborator::execStmt(const ast::Stmt &stmt, Env &env) {
  if (!charge(stmt.getLoc()))
    return false;
  if (auto *let = llvm::dyn_cast<ast::LetStmt>(&stmt)) {
    std::optional<Value> value = eval(*let->value, env);
    return value && bind(*let, std::move(*value), env);
  }
  if (auto *assign = llvm::dyn_cast<ast::AssignStmt>(&stmt)) {
    Value *target = env.locals ? env.locals->find(assign->target.name)
                               : nullptr;
    if (!assign->members.empty() ||
        (!target && env.self && env.self->param(assign->target.name)))
      return assignParam(*assign, env);
    if (!target)
      return error(assign->target.loc,
                   "cannot assign to '" + assign->target.name +
                       "': it is not a local name; declare it with 'let'");
    std::optional<Value> value = eval(*assign->value, env);
    if (!value)
      return false;
    if (assign->index.empty()) {
      *target = std::move(*value);
      return true;
    }
    if (!target->isTensor())
      return error(assign->target.loc, "cannot assign into " +
                                           target->describe());
    std::optional<Value> updated =
        indexTensor(*target, assign->index, assign->target.loc, env, &*value);
    if (!updated)
      return false;
    *target = std::move(*updated);
    return true;
  }
  if (auto *ret = llvm::dyn_cast<ast::ReturnStmt>(&stmt)) {
    if (!env.frame)
      return error(stmt.getLoc(), "'return' outside a function");
    std::optional<std::vector<Value>> evaluated = evalAll(ret->values, env);
    if (!evaluated)
      return false;
    std::vector<Value> values = std::move(*evaluated);
    if (values.empty())
      return error(stmt.getLoc(), "'return' needs a value");
    env.frame->result = values.size() == 1 ? std::move(values[0])
                                           : Value::tuple(std::move(values));
    env.frame->returned = true;
    env.frame->returnLoc = ret->values.front()->getLoc();
    return true;
  }
  if (auto *loop = llvm::dyn_cast<ast::ForStmt>(&stmt)) {
    std::optional<Value> iterable = eval(*loop->iterable, env);
    if (!iterable)
      return false;
    std::vector<Value> items;
    if (iterable->kind == Value::Kind::Range) {
      if (iterable->rangeEnd - iterable->rangeStart > (int64_t)kMaxWork)
        return charge(loop->iterable->getLoc(), kMaxWork + 1);
      for (int64_t i = iterable->rangeStart; i < iterable->rangeEnd; ++i)
        items.push_back(Value::integer(i));
    } else if (iterable->kind == Value::Kind::List ||
               iterable->kind == Value::Kind::Tuple) {
      items = *iterable->elements;
    } else {
      return error(loop->iterable->getLoc(),
                   "cannot iterate over " + iterable->describe() +
                       "; 'for' runs at compile time over ranges and lists");
    }
    for (Value &item : items) {
      Scope scope;
      scope.parent = env.locals;
      scope.vars[loop->var.name] = std::move(item);
      Env inner = env;
      inner.locals = &scope;
      if (!exec(loop->body, inner))
        return false;
      if (env.frame && env.frame->returned)
        return true;
    }
    return true;
  }
  if (auto *e = llvm::dyn_cast<ast::ExprStmt>(&stmt))
    return eval(*e->value, env).has_value();
  if (auto *branch = llvm::dyn_cast<ast::IfStmt>(&stmt)) {
    std::optional<Value> condition = eval(*branch->condition, env);
    if (!condition)
      return false;
    if (condition->kind != Value::Kind::Bool) {
      if (condition->isTensor())
        return error(branch->condition->getLoc(),
                     "the condition of 'if' must be known at compile time, "
                     "but it is a tensor; use where(condition, a, b)");
      return error(branch->condition->getLoc(),
                   "the condition of 'if' must be a bool, got " +
                       condition->describe());
    }
    if (condition->boolValue)
      return exec(branch->thenBlock, env);
    return !branch->hasElse || exec(branch->elseBlock, env);
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

std::optional<std::vector<Value>>
Elaborator::bindArguments(const std::vector<ast::Param> &params,
                          std::vector<CallArg> args, StringRef calleeName,
                          SMLoc at, Env &defaultsEnv) {
  std::vector<std::optional<Value>> bound(params.size());
  size_t positional = 0;
  bool sawKeyword = false;
  for (CallArg &arg : args) {
    if (arg.name.empty()) {
      if (sawKeyword)
        return error(arg.loc, "positional argument after a keyword argument"),
               std::nullopt;
      if (positional >= params.size())
        return error(arg.loc, "too many arguments to '" + calleeName +
                                  "': it takes " +
                                  llvm::Twine(params.size())),
               std::nullopt;
      bound[positional++] = std::move(arg.value);
      continue;
    }
    sawKeyword = true;
    auto it = llvm::find_if(
        params, [&](const ast::Param &p) { return p.name == arg.name; });
    if (it == params.end()) {
      std::vector<std::string> names;
      for (const ast::Param &p : params)
        names.push_back(p.name);
      return error(arg.loc, "'" + calleeName + "' has no parameter named '" +
                                arg.name + "'" + suggestName(arg.name, names)),
             std::nullopt;
    }
    size_t index = it - params.begin();
    if (bound[index])
      return error(arg.loc, "argument '" + arg.name + "' of '" + calleeName +
                                "' is given twice"),
             std::nullopt;
    bound[index] = std::move(arg.value);
  }
  std::vector<Value> values;
  for (size_t i = 0; i < params.size(); ++i) {
    if (bound[i]) {
      values.push_back(std::move(*bound[i]));
      continue;
    }
    if (!params[i].defaultValue) {
      error(at, "missing argument '" + params[i].name + "' in the call to '" +
                    calleeName + "'");
      diags.note(params[i].range.Start, "'" + params[i].name +
                                            "' is declared here");
      return std::nullopt;
    }
    std::optional<Value> v = eval(*params[i].defaultValue, defaultsEnv);
    if (!v)
      return std::nullopt;
    values.push_back(std::move(*v));
  }
  return values;
}

std::optional<Value> Elaborator::call(const Value &callee,
                                      std::vector<CallArg> args, SMLoc at,
                                      Env &env) {
  switch (callee.kind) {
  case Value::Kind::Function:
    return callFunction(*callee.fn, callee.module, callee.model,
                        std::move(args), at);
  case Value::Kind::Model: {
    const ast::FnDecl *forward = callee.model->method("forward");
    if (!forward)
      return error(at, "model '" + callee.model->decl->name +
                           "' has no 'forward' method to call"),
             std::nullopt;
    return callFunction(*forward, callee.model->module, callee.model,
                        std::move(args), at);
  }
  case Value::Kind::Builtin:
    return callBuiltin(*this, *callee.builtinFn, std::move(args), at, env);
  case Value::Kind::Derivative:
    return callDerivative(callee, std::move(args), at);
  case Value::Kind::ModelClass: {
    if (inFunction())
      return error(at, "models are created in model fields or in a top-level "
                       "'let', not inside functions"),
             std::nullopt;
    std::optional<ModelInstance *> instance =
        instantiate(*callee.modelDecl, callee.module, std::move(args), at);
    if (!instance)
      return std::nullopt;
    return Value::modelInstance(*instance);
  }
  case Value::Kind::DType: {
    if (args.size() != 1 || !args[0].name.empty())
      return error(at, "a dtype conversion takes one argument"), std::nullopt;
    const Value &v = args[0].value;
    DType d = callee.dtype;
    if (v.isNumber()) {
      double x = v.kind == Value::Kind::Float ? v.floatValue
                 : v.kind == Value::Kind::Bool ? (double)v.boolValue
                                               : (double)v.intValue;
      if (d == DType::Bool)
        return Value::boolean(x != 0);
      if (isFloat(d))
        return Value::real(x);
      if (v.kind == Value::Kind::Int)
        return v;
      if (!(std::fabs(x) < 9.2e18))
        return error(at, "value out of range for an integer"), std::nullopt;
      return Value::integer((int64_t)x);
    }
    std::optional<Value> t = toTensor(v, args[0].loc);
    if (!t)
      return std::nullopt;
    return cast(*t, d, at);
  }
  default:
    break;
  }
  error(at, callee.describe() + " is not callable");
  return std::nullopt;
}

void Elaborator::setTracing(LayerTracer *layerTracer,
                            const SymbolSizes *sizes) {
  tracer = layerTracer;
  symbolSizes = sizes;
  builder.setListener(layerTracer);
}

std::optional<Value> Elaborator::callFunction(const ast::FnDecl &fn,
                                              const LoadedModule *module,
                                              ModelInstance *self,
                                              std::vector<CallArg> args,
                                              SMLoc at) {
  if (!tracer || !self)
    return callFunctionBody(fn, module, self, std::move(args), at);
  std::vector<Value> argValues;
  for (const CallArg &arg : args)
    argValues.push_back(arg.value);
  bool layer = tracer->enter(*self, fn.name, argValues);
  std::optional<Value> result =
      callFunctionBody(fn, module, self, std::move(args), at);
  if (layer)
    tracer->exit(result ? &*result : nullptr);
  return result;
}

std::optional<Value> Elaborator::callFunctionBody(const ast::FnDecl &fn,
                                                  const LoadedModule *module,
                                                  ModelInstance *self,
                                                  std::vector<CallArg> args,
                                                  SMLoc at) {
  if (callStack.size() >= kMaxCallDepth)
    return error(at, "calls are nested more than " +
                         llvm::Twine(kMaxCallDepth) +
                         " deep (is '" + fn.name + "' recursive?)"),
           std::nullopt;
  std::string calleeName =
      self ? self->decl->name + "." + fn.name : fn.name;
  Frame frame;
  frame.fn = &fn;
  Scope scope;
  Env env;
  env.locals = &scope;
  env.frame = &frame;
  env.self = self;
  env.module = module;
  std::vector<SMLoc> argLocs;
  for (const CallArg &a : args)
    argLocs.push_back(a.loc);
  std::optional<std::vector<Value>> values =
      bindArguments(fn.params, std::move(args), calleeName, at, env);
  if (!values)
    return std::nullopt;
  for (size_t i = 0; i < fn.params.size(); ++i) {
    const ast::Param &param = fn.params[i];
    Value value = std::move((*values)[i]);
    if (param.type) {
      SMLoc argLoc = i < argLocs.size() ? argLocs[i] : at;
      std::optional<Value> conformed =
          conform(value, *param.type, env, frame.symbols, argLoc,
                  "argument '" + param.name + "' of '" + calleeName + "'");
      if (!conformed) {
        diags.note(param.range.Start, "'" + param.name + "' is declared here");
        return std::nullopt;
      }
      value = std::move(*conformed);
    }
    scope.vars[param.name] = std::move(value);
  }
  // The call site, named by the callee: the ops of the body get
  // CallSiteLoc(their position, NameLoc(callee, call site)), from which
  // run-time messages say "in the call to f at file:line:col".
  mlir::Location callerLoc =
      mlir::NameLoc::get(builder.getStringAttr(calleeName), loc(at));
  callStack.push_back({at, callerLoc});
  diags.pushContext(at, "in the call to '" + calleeName + "' here");
  bool ok = exec(fn.body, env);
  // A function without declared results and without `return` is called for
  // its effects (assignments to parameters, fail()): it returns none.
  if (ok && !frame.returned && fn.results)
    ok = error(fn.endLoc, "'" + calleeName + "' ends without returning a value");
  diags.popContext();
  callStack.pop_back();
  if (!ok)
    return std::nullopt;
  if (!frame.returned)
    return Value::none();
  Value result = std::move(*frame.result);
  if (!fn.results)
    return result;
  // Check the results against the declared types.
  std::vector<Value> results;
  if (fn.results->size() == 1) {
    results.push_back(std::move(result));
  } else if (result.kind == Value::Kind::Tuple &&
             result.elements->size() == fn.results->size()) {
    results = *result.elements;
  } else {
    return error(frame.returnLoc, "'" + calleeName + "' returns " +
                                result.describe() + " but declares " +
                                llvm::Twine(fn.results->size()) + " results"),
           std::nullopt;
  }
  for (size_t i = 0; i < results.size(); ++i) {
    std::optional<Value> conformed =
        conform(results[i], (*fn.results)[i], env, frame.symbols,
                frame.returnLoc,
                "result " + llvm::Twine(i) + " of '" + calleeName + "'");
    if (!conformed)
      return std::nullopt;
    results[i] = std::move(*conformed);
  }
  if (results.size() == 1)
    return std::move(results[0]);
  return Value::tuple(std::move(results));
}

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

void Elaborator::adopt(Value &value, ModelInstance *parent,
                       const std::string &name) {
  if (value.kind == Value::Kind::Model) {
    if (value.model->parent || !value.model->name.empty())
      return; // already placed (an alias of an existing sub-model)
    value.model->parent = parent;
    value.model->name = name;
    return;
  }
  if (value.kind == Value::Kind::List || value.kind == Value::Kind::Tuple)
    for (size_t i = 0; i < value.elements->size(); ++i)
      adopt((*value.elements)[i], parent, name + "." + std::to_string(i));
}

std::optional<ModelInstance *>
Elaborator::instantiate(const ast::ModelDecl &decl, const LoadedModule *module,
                        std::vector<CallArg> args, SMLoc at) {
  if (callStack.size() >= kMaxCallDepth)
    return error(at, "models are nested more than " +
                         llvm::Twine(kMaxCallDepth) + " deep (is '" +
                         decl.name + "' recursive?)"),
           std::nullopt;
  instances.push_back(std::make_unique<ModelInstance>());
  ModelInstance *instance = instances.back().get();
  instance->decl = &decl;
  instance->module = module;
  Env env;
  env.locals = &instance->scope;
  env.module = module;
  std::optional<std::vector<Value>> values =
      bindArguments(decl.params, std::move(args), decl.name, at, env);
  if (!values)
    return std::nullopt;
  llvm::StringMap<Dim> noSymbols;
  for (size_t i = 0; i < decl.params.size(); ++i) {
    const ast::Param &param = decl.params[i];
    Value value = std::move((*values)[i]);
    if (param.type) {
      if (param.type->kind == ast::TypeExpr::Kind::Tensor ||
          param.type->kind == ast::TypeExpr::Kind::AnyTensor)
        return error(param.range.Start,
                     "model parameters are compile-time values (int, float, "
                     "bool, str); learnable tensors are 'param' members"),
               std::nullopt;
      std::optional<Value> conformed =
          conform(value, *param.type, env, noSymbols, at,
                  "argument '" + param.name + "' of '" + decl.name + "'");
      if (!conformed)
        return std::nullopt;
      value = std::move(*conformed);
    }
    // Models passed as arguments become children named by the parameter
    // (`Sequential(layers)` owns `layers.0`, `layers.1`, ...).
    adopt(value, instance, param.name);
    instance->scope.vars[param.name] = std::move(value);
    instance->order.push_back({nullptr, param.name});
  }
  callStack.push_back({at, loc(at)});
  diags.pushContext(at, "in the model '" + decl.name + "' created here");
  auto finish = [&](bool ok) -> std::optional<ModelInstance *> {
    diags.popContext();
    callStack.pop_back();
    if (!ok)
      return std::nullopt;
    return instance;
  };
  llvm::StringMap<SMLoc> seen;
  for (const ast::Param &p : decl.params)
    seen[p.name] = p.range.Start;
  for (const ast::Member &member : decl.members) {
    if (auto [it, inserted] = seen.try_emplace(member.name,
                                               member.nameRange.Start);
        !inserted) {
      error(member.nameRange.Start, "'" + member.name +
                                        "' is already a member of '" +
                                        decl.name + "'");
      diags.note(it->second, "the first definition is here");
      return finish(false);
    }
    switch (member.kind) {
    case ast::Member::Kind::Method:
      break;
    case ast::Member::Kind::Param:
    case ast::Member::Kind::State: {
      std::optional<ResolvedType> type =
          resolveType(*member.type, env, noSymbols, /*allowSymbols=*/false);
      if (!type)
        return finish(false);
      std::optional<TensorType> known = type->known();
      if (!known)
        return finish(error(member.type->range.Start,
                            "a parameter needs a tensor type with a static "
                            "shape, like f32[3, 4]"));
      auto slot = std::make_unique<ParamSlot>();
      slot->name = member.name;
      slot->member = &member;
      slot->type = *known;
      slot->isState = member.kind == ast::Member::Kind::State;
      slot->owner = instance;
      instance->order.push_back({slot.get(), ""});
      instance->params.push_back(std::move(slot));
      break;
    }
    case ast::Member::Kind::Field: {
      Env fieldEnv = env;
      fieldEnv.self = instance;
      std::optional<Value> value = eval(*member.value, fieldEnv);
      if (!value)
        return finish(false);
      adopt(*value, instance, member.name);
      instance->scope.vars[member.name] = std::move(*value);
      instance->order.push_back({nullptr, member.name});
      break;
    }
    }
  }
  return finish(true);
}
