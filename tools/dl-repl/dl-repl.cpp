//===- dl-repl.cpp - an interactive DL session ----------------------------===//
//
//   dl-repl [-I DIR]... [FILE.dl]...
//
// Reads DL declarations, expressions and commands (`:help`), JIT-compiles
// each expression as an entry point of its own, runs it and prints its
// results as `dlc run` does. Definitions are kept as source and elaborated
// again only when an expression uses them; compiled expressions are cached
// by their source. docs/repl.md describes the design.
//
//===----------------------------------------------------------------------===//

#include "Arguments.h"
#include "Session.h"

#include "dl/Conversion/Pipelines.h"
#include "dl/Dialect/Attributes.h"
#include "dl/Dialect/DLDialect.h"
#include "dl/Frontend/AST.h"
#include "dl/Frontend/Parser.h"
#include "dl/JIT/Codegen.h"
#include "dl/JIT/JIT.h"
#include "dl/Support/TensorFormat.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <editline/readline.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <unistd.h>

using namespace dl;

namespace {

constexpr const char *kInputName = "<input>";

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

std::string formatSeconds(double seconds) {
  char text[32];
  if (seconds < 1)
    std::snprintf(text, sizeof(text), "%.1f ms", seconds * 1e3);
  else
    std::snprintf(text, sizeof(text), "%.2f s", seconds);
  return text;
}

size_t countLines(llvm::StringRef text) { return text.count('\n'); }

/// One accepted top-level declaration input (typed, or a :load'ed file):
/// its text and the names it defines.
struct Definition {
  std::string text;
  std::vector<std::string> names;
};

/// A value bound with `let x = expr` whose expression computes tensors:
/// kept as the tensor the expression returned, passed to later expressions
/// as an argument.
struct BoundValue {
  std::unique_ptr<OwnedTensor> tensor;
  std::string type; // "f32[2, 3]"
};

/// An expression compiled into a JIT of its own.
struct CompiledExpression {
  std::string entryName;
  std::unique_ptr<JIT> jit;
  Compiled entry, init;
  bool hasInit = false;
  std::vector<std::string> argumentNames; // the bound values it takes
};

/// What :ir prints.
std::optional<EmitKind> parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<EmitKind>>(name)
      .Case("ast", EmitKind::AST)
      .Case("dl", EmitKind::DL)
      .Case("linalg", EmitKind::Linalg)
      .Case("llvm-dialect", EmitKind::LLVMDialect)
      .Case("llvm-ir", EmitKind::LLVMIR)
      .Case("asm", EmitKind::Asm)
      .Default(std::nullopt);
}

mlir::DialectRegistry makeRegistry() {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<DLDialect>();
  return registry;
}

/// The nesting of brackets at the end of `text` (strings and comments
/// skipped): positive while a block, list or call is open.
int openBrackets(llvm::StringRef text) {
  int depth = 0, commentDepth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (commentDepth > 0) {
      if (c == '*' && next == '/') {
        --commentDepth;
        ++i;
      } else if (c == '/' && next == '*') {
        ++commentDepth;
        ++i;
      }
      continue;
    }
    if (c == '/' && next == '/') {
      while (i < text.size() && text[i] != '\n')
        ++i;
      continue;
    }
    if (c == '/' && next == '*') {
      ++commentDepth;
      ++i;
      continue;
    }
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{')
      ++depth;
    else if (c == ')' || c == ']' || c == '}')
      --depth;
  }
  return commentDepth > 0 ? std::max(depth, 1) : depth;
}

/// Whether an input continues on the next line: brackets are open, or the
/// last line ends with a binary operator (which DL continues across lines).
bool needsMoreInput(llvm::StringRef text) {
  if (openBrackets(text) > 0)
    return true;
  llvm::StringRef last = text.rsplit('\n').second;
  if (last.empty())
    last = text;
  if (last.contains("//"))
    return false;
  last = last.rtrim();
  if (last.empty())
    return false;
  if (llvm::StringRef("+-*/%@,=<>").contains(last.back()))
    return true;
  return last.ends_with(" and") || last.ends_with(" or");
}

/// The identifiers of `text` (for the bound values an expression uses).
llvm::StringSet<> identifiersOf(llvm::StringRef text) {
  llvm::StringSet<> names;
  for (size_t i = 0; i < text.size();) {
    if (llvm::isAlpha(text[i]) || text[i] == '_') {
      size_t start = i;
      while (i < text.size() && (llvm::isAlnum(text[i]) || text[i] == '_'))
        ++i;
      if (start == 0 || text[start - 1] != '.')
        names.insert(text.slice(start, i));
      continue;
    }
    ++i;
  }
  return names;
}

/// The chain of call sites of a location, innermost first (as
/// DiagnosticEngine::attachTo reports them).
void collectCallers(mlir::Location loc,
                    llvm::SmallVectorImpl<mlir::Location> &callers) {
  while (true) {
    if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc)) {
      loc = name.getChildLoc();
      continue;
    }
    auto callSite = llvm::dyn_cast<mlir::CallSiteLoc>(loc);
    if (!callSite)
      return;
    loc = callSite.getCaller();
    callers.push_back(loc);
  }
}

/// DiagnosticEngine::attachTo for an engine that lives shorter than the
/// context: returns the handler's id, to erase it.
uint64_t attachDiagnostics(mlir::MLIRContext &context,
                           DiagnosticEngine &diags) {
  return context.getDiagEngine().registerHandler(
      [&diags](mlir::Diagnostic &diag) {
        llvm::SMLoc loc = diags.toSMLoc(diag.getLocation());
        std::string message = diag.str();
        switch (diag.getSeverity()) {
        case mlir::DiagnosticSeverity::Error:
          diags.error(loc, message);
          break;
        case mlir::DiagnosticSeverity::Warning:
          diags.warning(loc, message);
          break;
        default:
          diags.note(loc, message);
          break;
        }
        llvm::SmallVector<mlir::Location> callers;
        collectCallers(diag.getLocation(), callers);
        for (mlir::Location caller : callers)
          if (llvm::SMLoc callerLoc = diags.toSMLoc(caller);
              callerLoc.isValid() && callerLoc != loc)
            diags.note(callerLoc, "called from here");
        for (mlir::Diagnostic &attached : diag.getNotes())
          diags.note(diags.toSMLoc(attached.getLocation()), attached.str());
        return mlir::success();
      });
}

void printResults(const std::deque<OwnedTensor> &results);

class Repl {
public:
  explicit Repl(DriverOptions &options)
      : options(options), context(makeRegistry()) {
    context.printOpOnDiagnostic(false);
    registerFrontendDialects(context);
  }

  /// Handles one complete input (a declaration, expression or command);
  /// false after errors (already reported). The state is kept either way.
  bool handle(llvm::StringRef input);
  bool quitRequested() const { return quit; }
  /// :load
  bool loadFile(llvm::StringRef path);

private:
  /// Front end state for one input: sources, diagnostics, the front end.
  /// The source buffer holds the definitions, then `header`, then the
  /// input; diagnostics are collected and printed with positions counted
  /// in the input (`<input>:1:5`).
  struct Compilation {
    Compilation(Repl &repl, llvm::StringRef name);
    ~Compilation();
    bool load(llvm::StringRef header, llvm::StringRef input);
    void flushDiagnostics();

    Repl &repl;
    std::string bufferName;
    size_t linesBefore = 0;
    std::string diagnosticText;
    llvm::raw_string_ostream diagnosticStream;
    llvm::SourceMgr sourceMgr;
    DiagnosticEngine diags;
    Frontend frontend;
    uint64_t handler;
  };

  std::string definitionsText() const;
  /// The names an input defines at top level (parsed on its own); false
  /// after syntax errors (reported).
  bool namesDefinedBy(llvm::StringRef text, llvm::StringRef name,
                      std::vector<std::string> &names);
  bool define(llvm::StringRef text, llvm::StringRef name);
  void forget(llvm::ArrayRef<std::string> names);

  /// The wrapper function of an expression: `fn NAME(bound values) {
  /// return (` on one line; the expression follows on the next, then `)}`.
  std::string wrapperHeader(llvm::StringRef entryName,
                            llvm::StringRef expression,
                            std::vector<std::string> &argumentNames) const;
  /// Emits an expression's wrapper as `dl` IR (null after errors).
  mlir::OwningOpRef<mlir::ModuleOp>
  emitExpression(Compilation &compilation, llvm::StringRef expression,
                 const std::string &entryName,
                 std::vector<std::string> &argumentNames);
  /// Compiles (or finds in the cache) and runs an expression.
  bool evaluate(llvm::StringRef expression,
                std::deque<OwnedTensor> &results, bool reportTimes);
  CompiledExpression *compile(llvm::StringRef expression, double &seconds,
                              bool &cached);
  bool bindValue(llvm::StringRef name, llvm::StringRef expression,
                 llvm::StringRef input);

  bool command(llvm::StringRef line);
  bool typeCommand(llvm::StringRef expression);
  bool irCommand(llvm::StringRef arguments);
  bool timeCommand(llvm::StringRef expression);
  bool trainCommandLine(llvm::StringRef arguments);
  void help();

  DriverOptions &options;
  mlir::MLIRContext context;
  std::vector<Definition> definitions;
  std::map<std::string, BoundValue> values;
  /// The parameters and state of the models the session used, by
  /// hierarchical name: initialized at their first use, then updated in
  /// place by calls that assign them and replaced by :train. Cleared when a
  /// declaration is replaced.
  std::map<std::string, std::unique_ptr<OwnedTensor>> modelValues;
  /// Stores a copy; false after reporting an error.
  bool keepModelValue(const std::string &name, const dl_tensor &value);
  /// Compiled expressions by the source of their wrapper (which names the
  /// types of the bound values they take) and the definitions.
  llvm::StringMap<std::unique_ptr<CompiledExpression>> cache;
  unsigned expressionCount = 0;
  bool quit = false;
};

Repl::Compilation::Compilation(Repl &repl, llvm::StringRef name)
    : repl(repl), bufferName(name.str()), diagnosticStream(diagnosticText),
      diags(sourceMgr, diagnosticStream, repl.options.color),
      frontend(repl.context, diags, searchPathFor(repl.options)) {
  handler = attachDiagnostics(repl.context, diags);
}

Repl::Compilation::~Compilation() {
  repl.context.getDiagEngine().eraseHandler(handler);
  flushDiagnostics();
}

bool Repl::Compilation::load(llvm::StringRef header, llvm::StringRef input) {
  std::string source = repl.definitionsText();
  source += header;
  linesBefore = countLines(source);
  source += input;
  source += "\n";
  if (!header.empty())
    source += ")}\n";
  return frontend.loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, bufferName));
}

/// Prints the collected diagnostics, with the line numbers of the input.
void Repl::Compilation::flushDiagnostics() {
  if (diagnosticText.empty())
    return;
  llvm::outs().flush();
  std::string prefix = bufferName + ":";
  llvm::StringRef text = diagnosticText;
  std::string out;
  while (!text.empty()) {
    size_t at = text.find(prefix);
    if (at == llvm::StringRef::npos) {
      out += text;
      break;
    }
    out += text.take_front(at);
    text = text.drop_front(at + prefix.size());
    size_t digits = 0;
    while (digits < text.size() && llvm::isDigit(text[digits]))
      ++digits;
    unsigned line;
    if (digits == 0 || text.take_front(digits).getAsInteger(10, line)) {
      out += prefix;
      continue;
    }
    text = text.drop_front(digits);
    if (line > linesBefore)
      out += prefix + std::to_string(line - linesBefore);
    else // in an earlier definition
      out += "<definitions>:" + std::to_string(line);
  }
  llvm::errs() << out;
  diagnosticText.clear();
}

std::string Repl::definitionsText() const {
  std::string text;
  for (const Definition &d : definitions) {
    text += d.text;
    text += "\n";
  }
  return text;
}

bool Repl::namesDefinedBy(llvm::StringRef text, llvm::StringRef name,
                          std::vector<std::string> &names) {
  llvm::SourceMgr sourceMgr;
  std::string diagnosticText;
  llvm::raw_string_ostream stream(diagnosticText);
  DiagnosticEngine diags(sourceMgr, stream, options.color);
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
  std::unique_ptr<ast::Module> module = parseModule(sourceMgr, id, diags);
  if (!module || diags.hadError()) {
    llvm::outs().flush();
    llvm::errs() << diagnosticText;
    return false;
  }
  for (const auto &f : module->functions)
    names.push_back(f->name);
  for (const auto &m : module->models)
    names.push_back(m->name);
  for (const auto &g : module->globals)
    names.push_back(g->name);
  for (const auto &t : module->trains)
    names.push_back(t->name);
  return true;
}

void Repl::forget(llvm::ArrayRef<std::string> names) {
  for (const std::string &name : names)
    values.erase(name);
  // A definition is replaced as a whole when a new input defines one of
  // its names again.
  llvm::erase_if(definitions, [&](const Definition &d) {
    return llvm::any_of(d.names, [&](const std::string &n) {
      return llvm::is_contained(names, n);
    });
  });
}

/// Adds declarations after checking them with the definitions so far.
bool Repl::define(llvm::StringRef text, llvm::StringRef name) {
  std::vector<std::string> names;
  if (!namesDefinedBy(text, name, names))
    return false;
  std::vector<Definition> saved = definitions;
  bool replaces = llvm::any_of(definitions, [&](const Definition &d) {
    return llvm::any_of(d.names, [&](const std::string &n) {
      return llvm::is_contained(names, n);
    });
  });
  forget(names); // values are dropped only if the definition is accepted
  bool ok;
  {
    Compilation compilation(*this, name);
    ok = compilation.load("", text) && !compilation.diags.hadError();
  }
  if (!ok) {
    definitions = std::move(saved);
    return false;
  }
  for (const std::string &n : names)
    values.erase(n);
  // A model or instance may have changed: parameters start over.
  if (replaces)
    modelValues.clear();
  definitions.push_back({text.str(), names});
  cache.clear(); // compiled expressions may use what was redefined
  return true;
}

std::string
Repl::wrapperHeader(llvm::StringRef entryName, llvm::StringRef expression,
                    std::vector<std::string> &argumentNames) const {
  llvm::StringSet<> used = identifiersOf(expression);
  std::string header = "fn " + entryName.str() + "(";
  argumentNames.clear();
  for (const auto &[name, value] : values) {
    if (!used.contains(name))
      continue;
    header += (argumentNames.empty() ? "" : ", ") + name + ": " + value.type;
    argumentNames.push_back(name);
  }
  return header + ") { return (\n";
}

mlir::OwningOpRef<mlir::ModuleOp>
Repl::emitExpression(Compilation &compilation, llvm::StringRef expression,
                     const std::string &entryName,
                     std::vector<std::string> &argumentNames) {
  std::string header = wrapperHeader(entryName, expression, argumentNames);
  if (!compilation.load(header, expression))
    return nullptr;
  for (const EntryPoint &entry : compilation.frontend.entryPoints())
    if (entry.name == entryName && !entry.whyNot.empty()) {
      compilation.diags.error("the expression cannot be compiled: " +
                              entry.whyNot);
      return nullptr;
    }
  return compilation.frontend.emit({entryName});
}

CompiledExpression *Repl::compile(llvm::StringRef expression, double &seconds,
                                  bool &cached) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> argumentNames;
  // The cache key: the definitions and the wrapper with a fixed name.
  std::string key = definitionsText() + "\x01" +
                    wrapperHeader("__repl", expression, argumentNames) +
                    expression.str();
  if (auto it = cache.find(key); it != cache.end()) {
    cached = true;
    seconds = secondsSince(start);
    return it->second.get();
  }
  cached = false;
  auto compiled = std::make_unique<CompiledExpression>();
  compiled->entryName = "__repl_" + std::to_string(++expressionCount);
  const std::string &entryName = compiled->entryName;
  Compilation compilation(*this, kInputName);
  mlir::OwningOpRef<mlir::ModuleOp> module = emitExpression(
      compilation, expression, entryName, compiled->argumentNames);
  if (!module)
    return nullptr;
  auto func = module->lookupSymbol<mlir::func::FuncOp>(entryName);
  std::string error;
  if (!func || !compiled->entry.signature.build(func, error)) {
    compilation.diags.error("cannot call the expression: " + error);
    return nullptr;
  }
  std::string initName;
  if (auto attr = func->getAttrOfType<mlir::StringAttr>(attrs::kInit)) {
    initName = attr.str();
    auto initFunc = module->lookupSymbol<mlir::func::FuncOp>(initName);
    if (!initFunc || !compiled->init.signature.build(initFunc, error)) {
      compilation.diags.error("cannot call the initializer: " + error);
      return nullptr;
    }
    compiled->hasInit = true;
  }
  mlir::PassManager pm(&context);
  CPUPipelineOptions pipelineOptions;
  buildCPUPipeline(pm, pipelineOptions);
  if (mlir::failed(pm.run(*module)))
    return nullptr;
  // Each expression gets a JIT of its own: expressions that use the same
  // model carry initializers with the same symbol names.
  llvm::Expected<std::unique_ptr<JIT>> jit = JIT::create();
  if (!jit) {
    compilation.diags.error(llvm::toString(jit.takeError()));
    return nullptr;
  }
  compiled->jit = std::move(*jit);
  if (llvm::Error e = compiled->jit->addModule(*module)) {
    compilation.diags.error(llvm::toString(std::move(e)));
    return nullptr;
  }
  compilation.flushDiagnostics();
  if (!lookupEntry(*compiled->jit, entryName, compiled->entry) ||
      (!initName.empty() &&
       !lookupEntry(*compiled->jit, initName, compiled->init)))
    return nullptr;
  seconds = secondsSince(start);
  return (cache[key] = std::move(compiled)).get();
}

bool Repl::evaluate(llvm::StringRef expression,
                    std::deque<OwnedTensor> &results, bool reportTimes) {
  double compileSeconds = 0;
  bool cached = false;
  CompiledExpression *compiled = compile(expression, compileSeconds, cached);
  if (!compiled)
    return false;
  auto start = std::chrono::steady_clock::now();
  ArgumentBinder binder;
  std::vector<dl_tensor> args;
  for (const std::string &name : compiled->argumentNames)
    binder.set(name, values[name].tensor->tensor);
  // Parameters and state the session holds; the others take their
  // initializers' values, which the session keeps from now on.
  const std::vector<dl_value_info> &infos = compiled->entry.signature.args();
  auto isModelValue = [](const dl_value_info &info) {
    return info.role == DL_ROLE_PARAM || info.role == DL_ROLE_STATE;
  };
  for (const dl_value_info &info : infos)
    if (isModelValue(info))
      if (auto it = modelValues.find(info.name); it != modelValues.end())
        binder.set(info.name, it->second->tensor);
  DriverOptions runOptions;
  runOptions.seed = options.seed;
  llvm::outs().flush();
  if (!binder.bind(runOptions, compiled->entryName, compiled->entry,
                   compiled->init, /*allowMissing=*/false) ||
      !binder.arguments(compiled->entryName, compiled->entry, args))
    return false;
  for (size_t i = 0; i < infos.size() && i < args.size(); ++i)
    if (isModelValue(infos[i])) {
      if (!modelValues.count(infos[i].name) &&
          !keepModelValue(infos[i].name, args[i]))
        return false;
      // Calls that assign a parameter write the session's copy.
      args[i] = modelValues[infos[i].name]->tensor;
    }
  if (!invoke(compiled->entry, args, results))
    return false;
  if (reportTimes)
    llvm::outs() << "compile " << formatSeconds(compileSeconds)
                 << (cached ? " (cached)" : "") << ", run "
                 << formatSeconds(secondsSince(start)) << "\n";
  return true;
}

bool Repl::keepModelValue(const std::string &name, const dl_tensor &value) {
  auto copy = std::make_unique<OwnedTensor>();
  if (dl_tensor_alloc(&copy->tensor, value.dtype, value.rank, value.shape) !=
          DL_OK ||
      dl_tensor_copy(&copy->tensor, &value) != DL_OK) {
    llvm::errs() << "error: cannot keep '" << name << "': " << dl_last_error()
                 << "\n";
    return false;
  }
  modelValues[name] = std::move(copy);
  return true;
}

void printResults(const std::deque<OwnedTensor> &results) {
  for (size_t i = 0; i < results.size(); ++i) {
    const dl_tensor &t = results[i].tensor;
    if (results.size() > 1)
      llvm::outs() << "result " << i << ": ";
    llvm::outs() << formatTensorType(t) << "\n" << formatTensor(t) << "\n";
  }
}

/// `let name = expression`: a tensor value when the expression computes
/// tensors, else (a model instance, a number, a list) a top-level `let`.
bool Repl::bindValue(llvm::StringRef name, llvm::StringRef expression,
                     llvm::StringRef input) {
  // Syntax and names first, as a declaration: errors point at the input.
  std::vector<std::string> names;
  if (!namesDefinedBy(input, kInputName, names))
    return false;
  bool tensorValued = false;
  {
    // Is it a tensor expression? Ask the front end without reporting.
    Compilation probe(*this, kInputName);
    std::vector<std::string> argumentNames;
    mlir::OwningOpRef<mlir::ModuleOp> module =
        emitExpression(probe, expression, "__repl_probe", argumentNames);
    tensorValued = static_cast<bool>(module);
    if (!tensorValued && probe.diags.hadError()) {
      // Not a tensor: the errors are reported below if the declaration
      // fails as well.
      probe.diagnosticText.clear();
    }
  }
  if (!tensorValued) {
    // Compile-time values are declarations; a failed one reports errors.
    if (define(input, kInputName))
      return true;
    return false;
  }
  std::deque<OwnedTensor> results;
  if (!evaluate(expression, results, /*reportTimes=*/false))
    return false;
  if (results.size() != 1) {
    llvm::outs().flush();
    llvm::errs() << "error: 'let " << name << "' binds one value, the "
                 << "expression has " << results.size() << "\n";
    return false;
  }
  // Move the result out of the deque (it owns the runtime's memory).
  auto tensor = std::make_unique<OwnedTensor>();
  tensor->tensor = results.front().tensor;
  results.front().tensor = dl_tensor{};
  forget({name.str()});
  BoundValue value;
  value.type = formatTensorType(tensor->tensor);
  value.tensor = std::move(tensor);
  values[name.str()] = std::move(value);
  cache.clear(); // the set of bound values changed
  return true;
}

bool Repl::handle(llvm::StringRef input) {
  llvm::StringRef text = input.trim();
  if (text.empty())
    return true;
  if (text.starts_with(":"))
    return command(text);
  llvm::StringRef firstWord = text.take_while(
      [](char c) { return llvm::isAlnum(c) || c == '_'; });
  if (firstWord == "fn" || firstWord == "model" || firstWord == "train" ||
      firstWord == "import" || text.starts_with("///"))
    return define(input.rtrim(), kInputName);
  if (firstWord == "let") {
    llvm::StringRef rest = text.drop_front(3).ltrim();
    llvm::StringRef name = rest.take_while(
        [](char c) { return llvm::isAlnum(c) || c == '_'; });
    llvm::StringRef afterName = rest.drop_front(name.size()).ltrim();
    if (!name.empty() && afterName.consume_front("=") &&
        !afterName.starts_with("="))
      return bindValue(name, afterName.trim(), input.rtrim());
    return define(input.rtrim(), kInputName); // reports the syntax error
  }
  std::deque<OwnedTensor> results;
  if (!evaluate(input.rtrim(), results, /*reportTimes=*/false))
    return false;
  printResults(results);
  return true;
}

bool Repl::loadFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!file) {
    llvm::outs().flush();
    llvm::errs() << "error: cannot read '" << path
                 << "': " << file.getError().message() << "\n";
    return false;
  }
  // Its imports are found beside it, as `dlc` finds them.
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(path));
  if (dir.empty())
    dir = ".";
  if (!llvm::is_contained(options.includeDirs, dir.str()))
    options.includeDirs.push_back(dir.str().str());
  return define((*file)->getBuffer().rtrim(), path);
}

bool Repl::typeCommand(llvm::StringRef expression) {
  Compilation compilation(*this, kInputName);
  std::vector<std::string> argumentNames;
  std::string entryName = "__repl_type";
  mlir::OwningOpRef<mlir::ModuleOp> module =
      emitExpression(compilation, expression, entryName, argumentNames);
  if (!module)
    return false;
  auto func = module->lookupSymbol<mlir::func::FuncOp>(entryName);
  Signature signature;
  std::string error;
  if (!func || !signature.build(func, error)) {
    compilation.diags.error("cannot type the expression: " + error);
    return false;
  }
  std::vector<std::string> types;
  for (const dl_value_info &info : signature.results())
    types.push_back(Signature::format(info));
  llvm::outs() << (types.size() == 1 ? types.front()
                                     : "(" + llvm::join(types, ", ") + ")")
               << "\n";
  return true;
}

bool Repl::irCommand(llvm::StringRef arguments) {
  // The stage is the last word when it names one.
  llvm::StringRef expression = arguments.trim();
  EmitKind stage = EmitKind::DL;
  size_t space = expression.find_last_of(" \t\n");
  if (space != llvm::StringRef::npos)
    if (std::optional<EmitKind> kind =
            parseStage(expression.drop_front(space + 1))) {
      stage = *kind;
      expression = expression.take_front(space).rtrim();
    }
  if (expression.empty()) {
    llvm::errs() << "error: :ir expects an expression, then optionally a "
                    "stage: ast, dl, linalg, llvm-dialect, llvm-ir, asm\n";
    return false;
  }
  Compilation compilation(*this, kInputName);
  std::vector<std::string> argumentNames;
  std::string entryName = "__repl_ir";
  if (stage == EmitKind::AST) {
    // The expression's own tree: its wrapper, parsed alone.
    std::string source = wrapperHeader(entryName, expression, argumentNames) +
                         expression.str() + "\n)}\n";
    unsigned id = compilation.sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, kInputName),
        llvm::SMLoc());
    compilation.linesBefore = 1;
    std::unique_ptr<ast::Module> module =
        parseModule(compilation.sourceMgr, id, compilation.diags);
    if (!module)
      return false;
    ast::print(*module, compilation.sourceMgr, llvm::outs());
    return true;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      emitExpression(compilation, expression, entryName, argumentNames);
  if (!module)
    return false;
  if (stage != EmitKind::DL) {
    mlir::PassManager pm(&context);
    CPUPipelineOptions pipelineOptions;
    if (stage == EmitKind::Linalg)
      buildDLToLinalgPipeline(pm, pipelineOptions);
    else
      buildCPUPipeline(pm, pipelineOptions);
    if (mlir::failed(pm.run(*module)))
      return false;
  }
  if (stage != EmitKind::LLVMIR && stage != EmitKind::Asm) {
    module->print(llvm::outs());
    return true;
  }
  initializeNativeTarget();
  auto targetMachine = createHostTargetMachine();
  if (!targetMachine) {
    compilation.diags.error(llvm::toString(targetMachine.takeError()));
    return false;
  }
  llvm::LLVMContext llvmContext;
  auto llvmModule = translateAndOptimize(*module, llvmContext, **targetMachine);
  if (!llvmModule) {
    compilation.diags.error(llvm::toString(llvmModule.takeError()));
    return false;
  }
  if (stage == EmitKind::LLVMIR) {
    (*llvmModule)->print(llvm::outs(), nullptr);
    return true;
  }
  if (llvm::Error e = emitAssembly(**llvmModule, **targetMachine, llvm::outs())) {
    compilation.diags.error(llvm::toString(std::move(e)));
    return false;
  }
  return true;
}

bool Repl::timeCommand(llvm::StringRef expression) {
  std::deque<OwnedTensor> results;
  if (!evaluate(expression, results, /*reportTimes=*/true))
    return false;
  printResults(results);
  return true;
}

/// Splits command arguments at white space; "quoted words" keep theirs.
std::vector<std::string> splitWords(llvm::StringRef text) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, inWord = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && llvm::isSpace(c)) {
      if (inWord)
        words.push_back(word);
      word.clear();
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord)
    words.push_back(word);
  return words;
}

/// `:train NAME [options]`: the options of `dlc train` that take a value
/// or none, parsed into the same structure (docs/repl.md lists them).
bool Repl::trainCommandLine(llvm::StringRef arguments) {
  std::vector<std::string> words = splitWords(arguments);
  DriverOptions trainOptions;
  trainOptions.includeDirs = options.includeDirs;
  trainOptions.executablePath = options.executablePath;
  trainOptions.color = options.color;
  TrainCommandOptions &t = trainOptions.train;
  if (words.empty() || llvm::StringRef(words.front()).starts_with("-")) {
    llvm::errs() << "error: :train expects the name of a train block, then "
                    "options (:help lists them)\n";
    return false;
  }
  trainOptions.trainBlock = words.front();
  for (size_t i = 1; i < words.size(); ++i) {
    llvm::StringRef word = words[i];
    llvm::StringRef option = word.split('=').first;
    llvm::StringRef inlineValue = word.split('=').second;
    bool hasInlineValue = word.contains('=') &&
                          (option == "--data" ? false : true);
    // --data x=FILE: the '=' belongs to the value.
    if (option == "--data" || option == "--val-data" ||
        option == "--scale" || option == "--normalize") {
      hasInlineValue = false;
      option = word;
    }
    auto value = [&](std::string &out) {
      if (hasInlineValue) {
        out = inlineValue.str();
        return true;
      }
      if (i + 1 >= words.size()) {
        llvm::errs() << "error: " << option << " expects a value\n";
        return false;
      }
      out = words[++i];
      return true;
    };
    auto append = [&](std::vector<std::string> &list) {
      std::string v;
      if (!value(v))
        return false;
      list.push_back(v);
      return true;
    };
    bool ok = true;
    std::string seedText;
    if (option == "--data")
      ok = append(t.data);
    else if (option == "--val-data")
      ok = append(t.valData);
    else if (option == "--scale")
      ok = append(t.scale);
    else if (option == "--normalize")
      ok = append(t.normalize);
    else if (option == "--val-split")
      ok = value(t.valSplit);
    else if (option == "--rows")
      ok = value(t.rows);
    else if (option == "--shuffle-rows")
      ok = value(t.shuffleRows);
    else if (option == "--epochs")
      ok = value(t.epochs);
    else if (option == "--batch")
      ok = value(t.batch);
    else if (option == "--patience")
      ok = value(t.patience);
    else if (option == "--monitor")
      ok = value(t.monitor);
    else if (option == "--checkpoint")
      ok = value(t.checkpoint);
    else if (option == "--resume")
      ok = value(t.resume);
    else if (option == "--init")
      ok = value(t.init);
    else if (option == "--history")
      ok = value(t.history);
    else if (option == "--plot")
      ok = value(t.plot);
    else if (option == "--progress")
      ok = value(t.progress);
    else if (option == "--no-shuffle")
      t.noShuffle = true;
    else if (option == "--restore-best")
      t.restoreBest = true;
    else if (option == "--quiet")
      trainOptions.quiet = true;
    else if (option == "--seed") {
      ok = value(seedText);
      if (ok && llvm::StringRef(seedText).getAsInteger(10, trainOptions.seed)) {
        llvm::errs() << "error: --seed expects a whole number, not '"
                     << seedText << "'\n";
        ok = false;
      }
      t.seedGiven = true;
    } else {
      llvm::errs() << "error: unknown :train option '" << word
                   << "' (:help lists them)\n";
      ok = false;
    }
    if (!ok)
      return false;
  }
  if (t.data.empty()) {
    llvm::errs() << "error: :train needs data: --data NAME=FILE[:SELECTOR] "
                    "for each input and target\n";
    return false;
  }
  // dlc train reads a file: the session's definitions, written to one.
  llvm::SmallString<128> path;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("dl-repl", "dl", fd, path)) {
    llvm::errs() << "error: cannot write a temporary file: " << ec.message()
                 << "\n";
    return false;
  }
  {
    llvm::raw_fd_ostream file(fd, /*shouldClose=*/true);
    file << definitionsText();
  }
  trainOptions.inputFile = path.str().str();
  // Imports the session resolved from the working folder.
  trainOptions.includeDirs.push_back(".");
  // Training starts from the session's parameters and leaves its result
  // there.
  TrainSessionValues session;
  for (const auto &[name, value] : modelValues)
    session.start[name] = &value->tensor;
  session.trained = [&](const std::string &name, const dl_tensor &value) {
    (void)keepModelValue(name, value); // reports its error
  };
  t.session = &session;
  llvm::outs().flush();
  int status = dl::trainCommand(trainOptions);
  llvm::outs().flush();
  llvm::sys::fs::remove(path);
  return status == 0;
}

void Repl::help() {
  llvm::outs()
      << "Type DL declarations (fn, model, train, import, let) or an "
         "expression to evaluate.\n"
         "Blocks continue over lines while brackets are open.\n"
         "  let x = EXPR        bind a value: tensors are computed now and "
         "passed to later inputs\n"
         "  :load FILE.dl       add the declarations of a file\n"
         "  :type EXPR          the static type of an expression\n"
         "  :ir EXPR [STAGE]    the IR of an expression; STAGE is ast, dl "
         "(default), linalg,\n"
         "                      llvm-dialect, llvm-ir or asm\n"
         "  :time EXPR          evaluate, printing compile and run times\n"
         "  :train NAME --data NAME=FILE[:SELECTOR]... [--epochs N] [--batch "
         "N] [--seed N]\n"
         "         [--val-data NAME=FILE | --val-split F] [--rows A:B] "
         "[--scale NAME=V]\n"
         "         [--normalize NAME=KIND] [--no-shuffle] [--checkpoint FILE] "
         "[--history FILE]\n"
         "         [--plot FILE] [--monitor M] [--patience N] "
         "[--restore-best] [--progress S] [--quiet]\n"
         "                      run a train block as `dlc train` does\n"
         "  :defs               the declarations and values of the session\n"
         "  :reset              forget every declaration and value\n"
         "  :help               this text\n"
         "  :quit               leave (also end of input)\n";
}

bool Repl::command(llvm::StringRef line) {
  size_t nameEnd = line.find_first_of(" \t\n");
  llvm::StringRef name = line.slice(1, nameEnd);
  llvm::StringRef rest = nameEnd == llvm::StringRef::npos ? "" : line.drop_front(nameEnd);
  rest = rest.trim();
  auto needsArgument = [&](llvm::StringRef what) {
    if (!rest.empty())
      return true;
    llvm::errs() << "error: :" << name << " expects " << what << "\n";
    return false;
  };
  if (name == "quit" || name == "q" || name == "exit") {
    quit = true;
    return true;
  }
  if (name == "help" || name == "h" || name == "?") {
    help();
    return true;
  }
  if (name == "load")
    return needsArgument("a file") && loadFile(rest);
  if (name == "type" || name == "t")
    return needsArgument("an expression") && typeCommand(rest);
  if (name == "ir")
    return needsArgument("an expression") && irCommand(rest);
  if (name == "time")
    return needsArgument("an expression") && timeCommand(rest);
  if (name == "train")
    return trainCommandLine(rest);
  if (name == "defs") {
    llvm::outs() << definitionsText();
    for (const auto &[valueName, value] : values)
      llvm::outs() << "let " << valueName << ": " << value.type
                   << "  (a value)\n";
    return true;
  }
  if (name == "reset") {
    definitions.clear();
    values.clear();
    modelValues.clear();
    cache.clear();
    return true;
  }
  llvm::errs() << "error: unknown command ':" << name
               << "' (:help lists the commands)\n";
  return false;
}

/// Reads inputs: with line editing and history on a terminal, else plain
/// lines (a script).
class LineReader {
public:
  explicit LineReader(bool interactive) : interactive(interactive) {
    if (!interactive)
      return;
    if (const char *home = std::getenv("HOME"))
      historyPath = std::string(home) + "/.dl_history";
    using_history();
    if (!historyPath.empty())
      read_history(historyPath.c_str());
  }
  ~LineReader() {
    if (interactive && !historyPath.empty())
      write_history(historyPath.c_str());
  }

  /// The next line, without its newline; false at the end of input.
  bool next(const char *prompt, std::string &line) {
    if (interactive) {
      char *text = readline(prompt);
      if (!text)
        return false;
      line = text;
      std::free(text);
      return true;
    }
    line.clear();
    int c;
    while ((c = std::getchar()) != EOF && c != '\n')
      line += static_cast<char>(c);
    return c != EOF || !line.empty();
  }
  void remember(const std::string &input) {
    if (interactive && !llvm::StringRef(input).trim().empty())
      add_history(input.c_str());
  }

private:
  bool interactive;
  std::string historyPath;
};

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  DriverOptions options;
  options.executablePath = llvm::sys::fs::getMainExecutable(
      argv[0], reinterpret_cast<void *>(&main));
  bool interactive = isatty(0) && isatty(1);
  options.color = llvm::sys::Process::StandardErrHasColors() &&
                  !std::getenv("NO_COLOR");
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      llvm::outs() << "usage: dl-repl [-I DIR]... [--no-color] [FILE.dl]...\n"
                      "An interactive DL session (docs/repl.md); reads a "
                      "script when standard input is not a terminal.\n";
      return 0;
    }
    if (arg == "--version") {
      llvm::outs() << "dl-repl " << kVersion << "\n";
      return 0;
    }
    if (arg == "--no-color") {
      options.color = false;
    } else if (arg == "-I" && i + 1 < argc) {
      options.includeDirs.push_back(argv[++i]);
    } else if (arg.starts_with("-I") && arg.size() > 2) {
      options.includeDirs.push_back(arg.drop_front(2).str());
    } else if (arg.starts_with("-")) {
      llvm::errs() << "dl-repl: error: unknown option '" << arg
                   << "' (--help)\n";
      return 1;
    } else {
      files.push_back(arg.str());
    }
  }

  Repl repl(options);
  bool allOk = true;
  for (const std::string &file : files)
    allOk &= repl.loadFile(file);
  if (interactive)
    llvm::outs() << "dl-repl " << kVersion << ": :help for help, :quit to "
                 << "leave\n";
  LineReader reader(interactive);
  std::string line;
  while (!repl.quitRequested()) {
    llvm::outs().flush();
    if (!reader.next(interactive ? "dl> " : "", line))
      break;
    std::string input = line;
    // Continue while brackets are open (commands are one line).
    if (!llvm::StringRef(input).ltrim().starts_with(":"))
      while (needsMoreInput(input) &&
             reader.next(interactive ? "...  " : "", line))
        input += "\n" + line;
    reader.remember(input);
    allOk &= repl.handle(input);
    llvm::outs().flush();
  }
  // A script's exit status says whether every input succeeded.
  return interactive || allOk ? 0 : 1;
}
