//===- NameCheck.cpp - names and duplicates, before elaboration -----------===//
//
// Elaboration only sees code that an entry point reaches, and a generic
// function is checked per call. This pass checks what does not depend on
// the call: every name used in every function and model resolves, and no
// name is defined twice in one scope. Names in the extents of types are
// symbols, so they always resolve.
//
//===----------------------------------------------------------------------===//

#include "dl/Frontend/NameCheck.h"

#include "Builtins.h"
#include "Suggest.h"

#include "dl/Frontend/Types.h"

#include "llvm/ADT/StringSet.h"

using namespace dl;
using namespace dl::ast;

namespace {
class NameChecker {
public:
  NameChecker(const LoadedModule &module, const LoadedModule *prelude,
              DiagnosticEngine &diags)
      : module(module), prelude(prelude), diags(diags) {}

  bool run();

private:
  using Scope = llvm::StringSet<>;
  bool declared(llvm::StringRef name) const;
  void checkFunction(const FnDecl &fn, const Scope *modelScope);
  void checkModel(const ModelDecl &model);
  void addTypeSymbols(const TypeExpr &type, Scope &scope);
  void block(const Block &b);
  void stmt(const Stmt &s);
  void expr(const Expr &e);
  void typeExtents(const TypeExpr &type);
  void unknown(const NameExpr &name);

  const LoadedModule &module;
  const LoadedModule *prelude;
  DiagnosticEngine &diags;
  std::vector<Scope> scopes;
  bool ok = true;
};
} // namespace

static bool definesTopLevel(const LoadedModule &m, llvm::StringRef name) {
  for (const auto &f : m.ast->functions)
    if (f->name == name)
      return true;
  for (const auto &d : m.ast->models)
    if (d->name == name)
      return true;
  for (const auto &g : m.ast->globals)
    if (g->name == name)
      return true;
  return false;
}

bool NameChecker::declared(llvm::StringRef name) const {
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it)
    if (it->contains(name))
      return true;
  if (definesTopLevel(module, name) || name == "self" ||
      name == "training" || parseDType(name) || findBuiltin(name))
    return true;
  for (const LoadedModule::Import &import : module.imports) {
    llvm::StringRef visibleAs = import.alias.empty()
                                    ? llvm::StringRef(import.decl->path.back())
                                    : llvm::StringRef(import.alias);
    if (visibleAs == name)
      return true;
    if (import.alias.empty() && definesTopLevel(*import.module, name))
      return true;
  }
  return prelude && definesTopLevel(*prelude, name);
}

void NameChecker::unknown(const NameExpr &name) {
  std::vector<std::string> candidates;
  for (const Scope &scope : scopes)
    for (const auto &entry : scope)
      candidates.push_back(entry.getKey().str());
  for (const auto &f : module.ast->functions)
    candidates.push_back(f->name);
  for (const auto &m : module.ast->models)
    candidates.push_back(m->name);
  for (const auto &g : module.ast->globals)
    candidates.push_back(g->name);
  if (prelude)
    for (const auto &f : prelude->ast->functions)
      candidates.push_back(f->name);
  for (const Builtin &b : allBuiltins())
    candidates.push_back(b.name);
  diags.error(name.getLoc(),
              "unknown name '" + name.name + "'" +
                  suggestName(name.name, candidates),
              {name.getRange()});
  ok = false;
}

void NameChecker::addTypeSymbols(const TypeExpr &type, Scope &scope) {
  for (const ExprPtr &dim : type.dims)
    if (auto *name = llvm::dyn_cast_or_null<NameExpr>(dim.get()))
      scope.insert(name->name);
}

void NameChecker::typeExtents(const TypeExpr &type) {
  // Names are symbols; anything else is an expression to check.
  for (const ExprPtr &dim : type.dims)
    if (dim && !llvm::isa<NameExpr>(dim.get()))
      expr(*dim);
}

void NameChecker::expr(const Expr &e) {
  if (diags.tooManyErrors())
    return;
  switch (e.getKind()) {
  case Expr::Kind::Name: {
    auto &name = llvm::cast<NameExpr>(e);
    if (!declared(name.name))
      unknown(name);
    return;
  }
  case Expr::Kind::Unary:
    expr(*llvm::cast<UnaryExpr>(e).operand);
    return;
  case Expr::Kind::Binary:
    expr(*llvm::cast<BinaryExpr>(e).lhs);
    expr(*llvm::cast<BinaryExpr>(e).rhs);
    return;
  case Expr::Kind::Call: {
    auto &call = llvm::cast<CallExpr>(e);
    expr(*call.callee);
    llvm::StringSet<> keywords;
    for (const Argument &arg : call.args) {
      if (!arg.name.empty() && !keywords.insert(arg.name).second) {
        diags.error(arg.nameLoc, "argument '" + arg.name + "' is given twice");
        ok = false;
      }
      expr(*arg.value);
    }
    return;
  }
  case Expr::Kind::Index: {
    auto &index = llvm::cast<IndexExpr>(e);
    expr(*index.base);
    for (const IndexItem &item : index.items)
      for (const ExprPtr *part :
           {&item.index, &item.start, &item.stop, &item.step})
        if (*part)
          expr(**part);
    return;
  }
  case Expr::Kind::Member:
    expr(*llvm::cast<MemberExpr>(e).base);
    return;
  case Expr::Kind::Array:
    for (const ExprPtr &element : llvm::cast<ArrayExpr>(e).elements)
      expr(*element);
    return;
  case Expr::Kind::Tuple:
    for (const ExprPtr &element : llvm::cast<TupleExpr>(e).elements)
      expr(*element);
    return;
  case Expr::Kind::Range:
    expr(*llvm::cast<RangeExpr>(e).start);
    expr(*llvm::cast<RangeExpr>(e).end);
    return;
  case Expr::Kind::Comprehension: {
    auto &comp = llvm::cast<ComprehensionExpr>(e);
    expr(*comp.iterable);
    scopes.emplace_back();
    scopes.back().insert(comp.var);
    expr(*comp.element);
    scopes.pop_back();
    return;
  }
  default:
    return;
  }
}

void NameChecker::stmt(const Stmt &s) {
  if (auto *let = llvm::dyn_cast<LetStmt>(&s)) {
    expr(*let->value);
    if (let->type)
      typeExtents(*let->type);
    for (const Binding &b : let->names)
      scopes.back().insert(b.name);
  } else if (auto *assign = llvm::dyn_cast<AssignStmt>(&s)) {
    expr(*assign->value);
    for (const IndexItem &item : assign->index)
      for (const ExprPtr *part :
           {&item.index, &item.start, &item.stop, &item.step})
        if (*part)
          expr(**part);
  } else if (auto *ret = llvm::dyn_cast<ReturnStmt>(&s)) {
    for (const ExprPtr &v : ret->values)
      expr(*v);
  } else if (auto *loop = llvm::dyn_cast<ForStmt>(&s)) {
    expr(*loop->iterable);
    scopes.emplace_back();
    scopes.back().insert(loop->var.name);
    block(loop->body);
    scopes.pop_back();
  } else if (auto *branch = llvm::dyn_cast<IfStmt>(&s)) {
    expr(*branch->condition);
    block(branch->thenBlock);
    block(branch->elseBlock);
  } else if (auto *e = llvm::dyn_cast<ExprStmt>(&s)) {
    expr(*e->value);
  }
}

void NameChecker::block(const Block &b) {
  scopes.emplace_back();
  for (const StmtPtr &s : b)
    stmt(*s);
  scopes.pop_back();
}

void NameChecker::checkFunction(const FnDecl &fn, const Scope *modelScope) {
  scopes.clear();
  if (modelScope)
    scopes.push_back(*modelScope);
  scopes.emplace_back();
  llvm::StringMap<llvm::SMLoc> params;
  for (const Param &p : fn.params) {
    if (auto [it, inserted] = params.try_emplace(p.name, p.range.Start);
        !inserted) {
      diags.error(p.range.Start, "parameter '" + p.name +
                                     "' is declared twice in '" + fn.name +
                                     "'");
      ok = false;
    }
    if (p.defaultValue)
      expr(*p.defaultValue);
    if (p.type) {
      typeExtents(*p.type);
      addTypeSymbols(*p.type, scopes.back());
    }
  }
  for (const Param &p : fn.params)
    scopes.back().insert(p.name);
  if (fn.results)
    for (const TypeExpr &t : *fn.results) {
      typeExtents(t);
      addTypeSymbols(t, scopes.back());
    }
  block(fn.body);
  scopes.clear();
}

void NameChecker::checkModel(const ModelDecl &model) {
  Scope members;
  llvm::StringMap<llvm::SMLoc> seen;
  for (const Param &p : model.params) {
    members.insert(p.name);
    seen.try_emplace(p.name, p.range.Start);
  }
  for (const Member &m : model.members) {
    members.insert(m.name);
    if (auto [it, inserted] = seen.try_emplace(m.name, m.nameRange.Start);
        !inserted) {
      diags.error(m.nameRange.Start, "'" + m.name +
                                         "' is already a member of '" +
                                         model.name + "'");
      diags.note(it->second, "the first definition is here");
      ok = false;
    }
  }
  // Initializers and fields see the compile-time parameters and members.
  scopes.clear();
  scopes.push_back(members);
  for (const Param &p : model.params)
    if (p.defaultValue)
      expr(*p.defaultValue);
  for (const Member &m : model.members) {
    if (m.type)
      typeExtents(*m.type);
    if (m.value)
      expr(*m.value);
  }
  scopes.clear();
  for (const Member &m : model.members)
    if (m.method)
      checkFunction(*m.method, &members);
}

bool NameChecker::run() {
  // Declarations in source order, so that errors come out in that order.
  llvm::StringMap<llvm::SMLoc> topLevel;
  auto define = [&](const std::string &name, llvm::SMLoc loc) {
    if (auto [it, inserted] = topLevel.try_emplace(name, loc); !inserted) {
      diags.error(loc, "'" + name + "' is defined twice");
      diags.note(it->second, "the first definition is here");
      ok = false;
    }
  };
  for (const Module::Item &item : module.ast->order) {
    if (diags.tooManyErrors())
      break;
    switch (item.kind) {
    case Module::Item::Kind::Function: {
      const FnDecl &f = *module.ast->functions[item.index];
      define(f.name, f.nameRange.Start);
      checkFunction(f, nullptr);
      break;
    }
    case Module::Item::Kind::Model: {
      const ModelDecl &m = *module.ast->models[item.index];
      define(m.name, m.nameRange.Start);
      checkModel(m);
      break;
    }
    case Module::Item::Kind::Train: {
      const ModelDecl &t = *module.ast->trains[item.index];
      define(t.name, t.nameRange.Start);
      checkModel(t);
      break;
    }
    case Module::Item::Kind::Global: {
      const GlobalDecl &g = *module.ast->globals[item.index];
      define(g.name, g.nameRange.Start);
      scopes.clear();
      scopes.emplace_back();
      expr(*g.value);
      break;
    }
    }
  }
  return ok;
}

bool dl::checkNames(const LoadedModule &module, const LoadedModule *prelude,
                    DiagnosticEngine &diags) {
  return NameChecker(module, prelude, diags).run();
}
