//===- Frontend.cpp - DL source to the `dl` dialect -----------------------===//

#include "dl/Frontend/Frontend.h"

#include "Builtins.h"
#include "Elaborator.h"
#include "LayerTracer.h"

#include "dl/Dialect/DLDialect.h"
#include "dl/Frontend/NameCheck.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"

using namespace dl;

void dl::registerFrontendDialects(mlir::MLIRContext &context) {
  context.loadDialect<DLDialect, mlir::func::FuncDialect,
                      mlir::arith::ArithDialect, mlir::tensor::TensorDialect>();
}

Frontend::Frontend(mlir::MLIRContext &context, DiagnosticEngine &diags,
                   SearchPath searchPath)
    : context(context), diags(diags),
      loader(diags.getSourceMgr(), diags, std::move(searchPath)) {
  registerFrontendDialects(context);
  elaborator = std::make_unique<Elaborator>(context, diags, loader);
}

Frontend::~Frontend() = default;

/// Checks the names of a module and of everything it imports, once each.
static bool checkAll(const LoadedModule *module, const LoadedModule *prelude,
                     DiagnosticEngine &diags,
                     llvm::SmallPtrSetImpl<const LoadedModule *> &checked) {
  if (!checked.insert(module).second)
    return true;
  bool ok = true;
  for (const LoadedModule::Import &import : module->imports)
    ok &= checkAll(import.module, prelude, diags, checked);
  return checkNames(*module, prelude, diags) && ok;
}

bool Frontend::check() {
  if (!main || diags.hadError())
    return false;
  llvm::SmallPtrSet<const LoadedModule *, 8> checked;
  return checkAll(main, loader.getPrelude(), diags, checked);
}

bool Frontend::load(llvm::StringRef path) {
  main = loader.loadFile(path);
  return check();
}

bool Frontend::loadBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer) {
  main = loader.loadBuffer(std::move(buffer));
  return check();
}

void Frontend::setTrainingMode(bool on) { elaborator->setTrainingMode(on); }

std::vector<EntryPoint> Frontend::entryPoints() {
  std::vector<EntryPoint> result;
  if (!main)
    return result;
  for (const EntryCandidate &c : elaborator->entryCandidates(main))
    result.push_back({c.name, c.fn->nameRange.Start, c.whyNot, c.fn->doc,
                      c.self    ? c.self->decl->name
                      : c.model ? c.model->name
                                : std::string(),
                      c.self != nullptr});
  return result;
}

void Frontend::reportUnknownEntry(
    llvm::StringRef name, const std::vector<EntryCandidate> &candidates) {
  std::string known;
  for (const EntryCandidate &c : candidates)
    if (c.whyNot.empty())
      known += (known.empty() ? "" : ", ") + c.name;
  diags.error("no entry point named '" + name.str() + "' in " + main->path +
              (known.empty() ? "" : " (it has " + known + ")"));
}

mlir::OwningOpRef<mlir::ModuleOp>
Frontend::emit(llvm::ArrayRef<std::string> names) {
  if (!main)
    return nullptr;
  mlir::OpBuilder builder(&context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(builder.getUnknownLoc());
  std::vector<EntryCandidate> candidates = elaborator->entryCandidates(main);
  if (diags.hadError())
    return nullptr;
  bool ok = true;
  if (names.empty()) {
    for (const EntryCandidate &c : candidates)
      if (c.whyNot.empty())
        ok &= elaborator->emitEntry(*module, c);
  } else {
    for (const std::string &name : names) {
      auto it = llvm::find_if(candidates, [&](const EntryCandidate &c) {
        return c.name == name;
      });
      if (it == candidates.end()) {
        reportUnknownEntry(name, candidates);
        return nullptr;
      }
      ok &= elaborator->emitEntry(*module, *it);
    }
  }
  if (!ok || diags.hadError())
    return nullptr;
  if (mlir::failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

std::optional<LayerTrace> Frontend::traceLayers(llvm::StringRef name,
                                                const SymbolSizes &sizes) {
  if (!main)
    return std::nullopt;
  std::vector<EntryCandidate> candidates = elaborator->entryCandidates(main);
  if (diags.hadError())
    return std::nullopt;
  auto it = llvm::find_if(candidates, [&](const EntryCandidate &c) {
    return c.name == name;
  });
  if (it == candidates.end()) {
    reportUnknownEntry(name, candidates);
    return std::nullopt;
  }
  mlir::OpBuilder builder(&context);
  LayerTrace trace;
  trace.module = mlir::ModuleOp::create(builder.getUnknownLoc());
  LayerTracer tracer(context, trace.calls);
  elaborator->setTracing(&tracer, &sizes);
  bool ok = elaborator->emitEntry(*trace.module, *it);
  elaborator->setTracing(nullptr, nullptr);
  if (!ok || diags.hadError() || mlir::failed(mlir::verify(*trace.module)))
    return std::nullopt;
  trace.function = trace.module->lookupSymbol<mlir::func::FuncOp>(name);
  if (!trace.function)
    return std::nullopt;
  tracer.finish(trace.function);
  return trace;
}

std::vector<std::string> Frontend::trainBlocks() {
  if (!main)
    return {};
  return elaborator->trainBlocks(main);
}

mlir::OwningOpRef<mlir::ModuleOp>
Frontend::emitTraining(llvm::StringRef name, const TrainingOptions &options) {
  if (!main)
    return nullptr;
  std::vector<std::string> blocks = trainBlocks();
  if (!llvm::is_contained(blocks, name)) {
    diags.error(blocks.empty()
                    ? main->path + " has no train block"
                    : "no train block named '" + name.str() + "' in " +
                          main->path + " (it has " +
                          llvm::join(blocks, ", ") + ")");
    return nullptr;
  }
  mlir::OpBuilder builder(&context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(builder.getUnknownLoc());
  if (!elaborator->emitTraining(*module, main, name, options) ||
      diags.hadError())
    return nullptr;
  if (mlir::failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

static std::string formatReal(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  std::string s = text;
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

std::vector<BuiltinInfo> dl::listBuiltins(DiagnosticEngine &diags) {
  std::vector<BuiltinInfo> result;
  for (const Builtin &b : allBuiltins()) {
    std::string signature = b.name + "(";
    for (size_t i = 0; i < b.params.size(); ++i) {
      const BuiltinParam &p = b.params[i];
      signature += (i ? ", " : "") + p.name;
      switch (p.kind) {
      case BuiltinParam::Default::Required: break;
      case BuiltinParam::Default::None: signature += "=none"; break;
      case BuiltinParam::Default::Int:
        signature += "=" + std::to_string(p.intValue);
        break;
      case BuiltinParam::Default::Float:
        signature += "=" + formatReal(p.floatValue);
        break;
      case BuiltinParam::Default::Bool:
        signature += p.boolValue ? "=true" : "=false";
        break;
      }
    }
    result.push_back({b.name, signature + ")", b.summary});
  }
  ModuleLoader loader(diags.getSourceMgr(), diags, SearchPath());
  if (const LoadedModule *prelude = loader.getPrelude())
    for (const auto &fn : prelude->ast->functions) {
      std::string signature = fn->name + "(";
      for (size_t i = 0; i < fn->params.size(); ++i) {
        const ast::Param &p = fn->params[i];
        signature += (i ? ", " : "") + p.name;
        const ast::Expr *value = p.defaultValue.get();
        std::string sign;
        if (auto *u = llvm::dyn_cast_or_null<ast::UnaryExpr>(value);
            u && u->op == ast::UnaryOp::Neg) {
          sign = "-";
          value = u->operand.get();
        }
        if (auto *f = llvm::dyn_cast_or_null<ast::FloatExpr>(value))
          signature += "=" + sign + formatReal(f->value);
        else if (auto *s = llvm::dyn_cast_or_null<ast::StringExpr>(
                     p.defaultValue.get()))
          signature += "=\"" + s->value + "\"";
      }
      std::string summary = llvm::StringRef(fn->doc).split('\n').first.str();
      result.push_back({fn->name, signature + ")", summary});
    }
  return result;
}
