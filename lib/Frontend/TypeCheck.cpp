//===- TypeCheck.cpp - declared types against values ----------------------===//
//
// A declared tensor type `f32[B, in]` checks a value's dtype and rank, and
// its extents: a compile-time name (`in`) must match exactly; a symbol (`B`)
// binds to the value's extent on first use and must agree afterwards; `?`
// accepts anything. Symbols bound by a call's arguments also check its
// results.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"

using namespace dl;
using llvm::SMLoc;
using llvm::StringRef;

std::optional<TensorType> Elaborator::ResolvedType::known() const {
  if (kind != ast::TypeExpr::Kind::Tensor || anyShape)
    return std::nullopt;
  TensorType type{dtype, {}};
  for (const DimSpec &d : dims) {
    if (d.kind != DimSpec::Kind::Known)
      return std::nullopt;
    type.dims.push_back(d.dim);
  }
  return type;
}

std::optional<Value> Elaborator::lookupQuiet(StringRef name, Env &env) {
  if (env.locals)
    if (Value *v = env.locals->find(name))
      return *v;
  if (env.frame)
    if (auto it = env.frame->symbols.find(name);
        it != env.frame->symbols.end())
      return Value::extent(mlir::Value(), it->second);
  if (env.self && !env.self->param(name))
    if (auto it = env.self->scope.vars.find(name);
        it != env.self->scope.vars.end())
      return it->second;
  if (env.module)
    return lookupInModule(env.module, name, SMLoc(), true);
  return std::nullopt;
}

std::optional<Elaborator::ResolvedType>
Elaborator::resolveType(const ast::TypeExpr &type, Env &env,
                        const llvm::StringMap<Dim> &symbols,
                        bool allowSymbols) {
  ResolvedType resolved;
  resolved.kind = type.kind;
  if (type.kind != ast::TypeExpr::Kind::Tensor)
    return resolved;
  resolved.dtype = *parseDType(type.dtype);
  resolved.anyShape = type.anyShape;
  int64_t elements = 1;
  for (const ast::ExprPtr &dimExpr : type.dims) {
    DimSpec spec;
    if (!dimExpr) {
      if (!allowSymbols)
        return error(type.range.Start,
                     "'?' is not allowed here: parameter shapes are static"),
               std::nullopt;
      spec.kind = DimSpec::Kind::Any;
      resolved.dims.push_back(spec);
      continue;
    }
    std::optional<Value> value;
    if (auto *name = llvm::dyn_cast<ast::NameExpr>(dimExpr.get())) {
      if (auto it = symbols.find(name->name); it != symbols.end()) {
        spec.kind = DimSpec::Kind::Known;
        spec.dim = it->second;
        spec.name = name->name; // for messages: "(B = 32)"
        resolved.dims.push_back(spec);
        continue;
      }
      value = lookupQuiet(name->name, env);
      if (!value || value->kind == Value::Kind::Invalid) {
        if (!allowSymbols)
          return error(dimExpr->getLoc(),
                       "'" + name->name +
                           "' is not a compile-time int; parameter shapes "
                           "must be static"),
                 std::nullopt;
        spec.kind = DimSpec::Kind::Symbol;
        spec.name = name->name;
        resolved.dims.push_back(spec);
        continue;
      }
    } else {
      value = eval(*dimExpr, env);
      if (!value)
        return std::nullopt;
    }
    if (value->kind == Value::Kind::Extent) {
      spec.kind = DimSpec::Kind::Known;
      spec.dim = value->dim;
    } else if (value->kind == Value::Kind::Int) {
      if (value->intValue < 0 || value->intValue > kMaxExtent)
        return error(dimExpr->getLoc(),
                     "extent " + llvm::Twine(value->intValue) +
                         " is out of range (0 to 2^40)"),
               std::nullopt;
      if (llvm::MulOverflow(elements, value->intValue, elements) ||
          elements > kMaxElements)
        return error(type.range.Start,
                     "the type has too many elements (more than 2^48)"),
               std::nullopt;
      spec.kind = DimSpec::Kind::Known;
      spec.dim = Dim::fixed(value->intValue);
    } else {
      return error(dimExpr->getLoc(),
                   "an extent must be an int or a symbol, got " +
                       value->describe()),
             std::nullopt;
    }
    resolved.dims.push_back(spec);
  }
  return resolved;
}

/// "f32[B, 4]" for a declared type, with bound symbols shown as declared.
static std::string declaredString(DType dtype, const ast::TypeExpr &type) {
  std::string s = dtypeName(dtype).str();
  if (type.anyShape)
    return s + "[...]";
  if (type.dims.empty())
    return s;
  s += "[";
  for (size_t i = 0; i < type.dims.size(); ++i) {
    if (i)
      s += ", ";
    const ast::Expr *e = type.dims[i].get();
    if (!e)
      s += "?";
    else if (auto *n = llvm::dyn_cast<ast::NameExpr>(e))
      s += n->name;
    else if (auto *v = llvm::dyn_cast<ast::IntExpr>(e))
      s += std::to_string(v->value);
    else
      s += "...";
  }
  return s + "]";
}

std::optional<Value> Elaborator::conform(const Value &value,
                                         const ast::TypeExpr &type, Env &env,
                                         llvm::StringMap<Dim> &symbols,
                                         SMLoc at, const llvm::Twine &what) {
  using K = ast::TypeExpr::Kind;
  switch (type.kind) {
  case K::Int:
    if (value.kind == Value::Kind::Int)
      return value;
    if (value.kind == Value::Kind::Extent && value.dim.isStatic())
      return Value::integer(value.dim.size());
    error(at, what + " must be an int, got " + value.describe());
    return std::nullopt;
  case K::Float:
    if (value.kind == Value::Kind::Float)
      return value;
    if (value.kind == Value::Kind::Int)
      return Value::real((double)value.intValue);
    error(at, what + " must be a float, got " + value.describe());
    return std::nullopt;
  case K::Bool:
    if (value.kind == Value::Kind::Bool)
      return value;
    error(at, what + " must be a bool, got " + value.describe());
    return std::nullopt;
  case K::Str:
    if (value.kind == Value::Kind::String)
      return value;
    error(at, what + " must be a string, got " + value.describe());
    return std::nullopt;
  case K::AnyTensor: {
    if (!value.isTensor() && !value.isNumber() &&
        value.kind != Value::Kind::List && value.kind != Value::Kind::Extent) {
      error(at, what + " must be a tensor, got " + value.describe());
      return std::nullopt;
    }
    return toTensor(value, at);
  }
  case K::Tensor:
    break;
  }
  std::optional<ResolvedType> resolved =
      resolveType(type, env, symbols, /*allowSymbols=*/true);
  if (!resolved)
    return std::nullopt;
  if (!value.isTensor() && !value.isNumber() &&
      value.kind != Value::Kind::List && value.kind != Value::Kind::Extent) {
    error(at, what + " must be a tensor " +
                  declaredString(resolved->dtype, type) + ", got " +
                  value.describe());
    return std::nullopt;
  }
  std::optional<Value> t = toTensor(value, at, resolved->dtype);
  if (!t)
    return std::nullopt;
  std::string declared = declaredString(resolved->dtype, type);
  if (t->type.dtype != resolved->dtype) {
    error(at, what + " has type " + t->type.str() + " but " + declared +
                  " is expected; convert it with cast(x, " +
                  dtypeName(resolved->dtype) + ")");
    return std::nullopt;
  }
  if (resolved->anyShape)
    return t;
  if ((size_t)t->type.rank() != resolved->dims.size()) {
    error(at, what + " has type " + t->type.str() + " but " + declared +
                  " is expected (rank " + llvm::Twine(t->type.rank()) +
                  " instead of " + llvm::Twine(resolved->dims.size()) + ")");
    return std::nullopt;
  }
  for (size_t i = 0; i < resolved->dims.size(); ++i) {
    const DimSpec &spec = resolved->dims[i];
    const Dim &actual = t->type.dims[i];
    std::optional<Dim> expected;
    if (spec.kind == DimSpec::Kind::Known) {
      expected = spec.dim;
    } else if (spec.kind == DimSpec::Kind::Symbol) {
      if (auto it = symbols.find(spec.name); it != symbols.end())
        expected = it->second;
      else
        symbols[spec.name] = actual;
    }
    if (expected && *expected != actual) {
      std::string binding;
      if (!spec.name.empty() && spec.name != expected->str())
        binding = " (" + spec.name + " = " + expected->str() + ")";
      error(at, what + " has type " + t->type.str() + " but " + declared +
                    " is expected: dimension " + llvm::Twine(i) + " is " +
                    actual.str() + ", expected " + expected->str() + binding);
      return std::nullopt;
    }
  }
  return t;
}
