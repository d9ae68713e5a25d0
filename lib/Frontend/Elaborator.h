//===- Elaborator.h - DL programs to `dl` IR --------------------*- C++ -*-===//
//
// Elaboration is MLIRGen for DL: it runs the program at compile time and
// emits the tensor operations as `dl` IR. Calls to DL functions are inlined
// as they are elaborated (their ops carry CallSiteLoc locations), compile-
// time loops unroll, models are instantiated into trees of parameters with
// hierarchical names. Each entry point becomes one `func.func` whose
// arguments are its tensor inputs followed by the parameters and state of
// the models it uses.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_ELABORATOR_H
#define DL_LIB_FRONTEND_ELABORATOR_H

#include "Value.h"

#include "dl/Dialect/DLOps.h"

#include "dl/Frontend/Diagnostics.h"
#include "dl/Frontend/Frontend.h"
#include "dl/Frontend/LayerTrace.h"
#include "dl/Frontend/ModuleLoader.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <deque>
#include <functional>
#include <map>
#include <set>

namespace dl {

struct Scope {
  Scope *parent = nullptr;
  llvm::StringMap<Value> vars;
  Value *find(llvm::StringRef name) {
    for (Scope *s = this; s; s = s->parent)
      if (auto it = s->vars.find(name); it != s->vars.end())
        return &it->second;
    return nullptr;
  }
};

struct ModelInstance;
class LayerTracer;

/// A learnable parameter or state tensor of a model instance.
struct ParamSlot {
  std::string name;
  const ast::Member *member;
  TensorType type;
  bool isState;
  ModelInstance *owner;
  std::string path() const;
};

struct ModelInstance {
  const ast::ModelDecl *decl;
  const LoadedModule *module;
  ModelInstance *parent = nullptr;
  std::string name; // the last segments of the path: "fc1", "layers.2"
  Scope scope;      // compile-time parameters and fields
  std::vector<std::unique_ptr<ParamSlot>> params;
  /// Members in declaration order: a parameter slot, or a field name.
  struct Item {
    ParamSlot *param = nullptr;
    std::string field;
  };
  std::vector<Item> order;

  std::string path() const;
  const ast::FnDecl *method(llvm::StringRef name) const;
  const ParamSlot *param(llvm::StringRef name) const;
  /// Every parameter and state slot of the tree, in declaration order.
  void collectParams(std::vector<const ParamSlot *> &out) const;
};

/// The symbols of one call being elaborated, and its result.
struct Frame {
  const ast::FnDecl *fn = nullptr;
  llvm::StringMap<Dim> symbols; // symbols of the declared parameter types
  std::optional<Value> result;
  bool returned = false;
  llvm::SMLoc returnLoc; // the returned expression, for result errors
};

/// Where names are looked up: local scopes, the call's symbols, the model
/// the code belongs to, then its module (and imports, prelude, built-ins).
struct Env {
  Scope *locals = nullptr;
  Frame *frame = nullptr;
  ModelInstance *self = nullptr;
  const LoadedModule *module = nullptr;
};

/// An argument at a call site.
struct CallArg {
  std::string name; // keyword, or empty
  llvm::SMLoc loc;
  Value value;
};

struct EntryCandidate {
  std::string name;
  const ast::FnDecl *fn;
  const LoadedModule *module;
  const ast::ModelDecl *model = nullptr; // a method of this model...
  ModelInstance *self = nullptr;         // ...or of this instance
  std::string whyNot;  // empty when it can be an entry point
};

class Elaborator {
public:
  Elaborator(mlir::MLIRContext &context, DiagnosticEngine &diags,
             ModuleLoader &loader);
  ~Elaborator();

  /// Entry points that `main` defines.
  std::vector<EntryCandidate> entryCandidates(const LoadedModule *main);
  /// Emits an entry function (and its parameter initializer) into `module`.
  bool emitEntry(mlir::ModuleOp module, const EntryCandidate &entry);
  /// The train blocks `main` defines.
  std::vector<std::string> trainBlocks(const LoadedModule *main);
  /// Emits the functions of train block `name` (docs/training.md).
  bool emitTraining(mlir::ModuleOp module, const LoadedModule *main,
                    llvm::StringRef name, const TrainingOptions &options);

  //===--------------------------------------------------------------------===//
  // Used by the built-in functions.
  //===--------------------------------------------------------------------===//

  DiagnosticEngine &diags;
  mlir::MLIRContext &context;
  mlir::OpBuilder builder;

  bool error(llvm::SMLoc loc, const llvm::Twine &message,
             llvm::ArrayRef<llvm::SMRange> ranges = {}) {
    diags.error(loc, message, ranges);
    return false;
  }
  mlir::Location loc(llvm::SMLoc at);
  /// Whether tensor operations can be emitted here (inside an entry).
  bool inFunction() const { return current != nullptr; }

  // Conversions.
  std::optional<Value> toTensor(const Value &v, llvm::SMLoc at,
                                std::optional<DType> dtype = std::nullopt);
  Value cast(const Value &tensor, DType dtype, llvm::SMLoc at);
  bool listsToTensors(llvm::ArrayRef<Value *> values, llvm::SMLoc at);
  std::optional<int64_t> toInt(const Value &v, llvm::SMLoc at,
                               llvm::StringRef what);
  std::optional<double> toDouble(const Value &v, llvm::SMLoc at,
                                 llvm::StringRef what);
  std::optional<bool> toBool(const Value &v, llvm::SMLoc at,
                             llvm::StringRef what);
  std::optional<DType> toDType(const Value &v, llvm::SMLoc at,
                               llvm::StringRef what);
  /// A shape: a list of ints and extents (`[B, 784]`).
  std::optional<llvm::SmallVector<Dim, 4>> toShape(const Value &v,
                                                   llvm::SMLoc at,
                                                   llvm::StringRef what);
  /// An axis or list of axes normalized to [0, rank), sorted.
  std::optional<llvm::SmallVector<int64_t>>
  toAxes(const Value &v, int64_t rank, llvm::SMLoc at, llvm::StringRef what);
  std::optional<int64_t> toAxis(const Value &v, int64_t rank, llvm::SMLoc at,
                                llvm::StringRef what);

  // Extents.
  mlir::Value extentValue(const Dim &dim, llvm::SMLoc at);
  Dim dimOf(const Value &tensor, int64_t axis);
  mlir::Value dimValueOf(const Value &tensor, int64_t axis, llvm::SMLoc at);
  /// Dynamic extents of `dims` in order, as index values.
  llvm::SmallVector<mlir::Value> dynamicExtents(llvm::ArrayRef<Dim> dims,
                                                llvm::SMLoc at);

  // Tensor operations with DL-level checks and messages.
  enum class Elementwise {
    Add, Sub, Mul, Div, FloorDivInt, Rem, Pow, Max, Min, And, Or,
    Eq, Ne, Lt, Le, Gt, Ge,
  };
  std::optional<Value> elementwise(Elementwise op, const Value &lhs,
                                   const Value &rhs, llvm::SMLoc at,
                                   llvm::StringRef spelling);
  template <typename OpTy>
  std::optional<Value> unary(const Value &x, llvm::SMLoc at,
                             llvm::StringRef name, bool floatOnly);
  std::optional<Value> select(const Value &cond, const Value &a,
                              const Value &b, llvm::SMLoc at);
  std::optional<Value> matmul(const Value &a, const Value &b, llvm::SMLoc at);
  std::optional<Value> reduce(int kind, const Value &x,
                              llvm::ArrayRef<int64_t> axes, bool keepdims,
                              llvm::SMLoc at);
  std::optional<Value> argReduce(bool isMax, const Value &x, int64_t axis,
                                 bool keepdims, llvm::SMLoc at);
  std::optional<Value> reshape(const Value &x, llvm::ArrayRef<Dim> dims,
                               llvm::SMLoc at);
  std::optional<Value> broadcastTo(const Value &x, llvm::ArrayRef<Dim> dims,
                                   llvm::SMLoc at);
  std::optional<Value> sumTo(const Value &x, llvm::ArrayRef<Dim> dims,
                             llvm::SMLoc at);
  std::optional<Value> transpose(const Value &x,
                                 llvm::ArrayRef<int64_t> permutation,
                                 llvm::SMLoc at);
  std::optional<Value> concat(llvm::ArrayRef<Value> xs, int64_t axis,
                              llvm::SMLoc at);
  /// A strided window; `starts`/`sizes` are extents, steps positive.
  std::optional<Value> slice(const Value &x, llvm::ArrayRef<Dim> starts,
                             llvm::ArrayRef<Dim> sizes,
                             llvm::ArrayRef<int64_t> steps, llvm::SMLoc at);
  std::optional<Value> insertSlice(const Value &dest, const Value &src,
                                   llvm::ArrayRef<Dim> starts,
                                   llvm::ArrayRef<int64_t> steps,
                                   llvm::SMLoc at);
  std::optional<Value> pad(const Value &x, llvm::ArrayRef<int64_t> low,
                           llvm::ArrayRef<int64_t> high, const Value &value,
                           llvm::SMLoc at);
  std::optional<Value> gather(const Value &x, const Value &indices,
                              int64_t axis, llvm::SMLoc at);
  std::optional<Value> scatterAdd(const Value &dest, const Value &indices,
                                  const Value &src, int64_t axis,
                                  llvm::SMLoc at);
  std::optional<Value> oneHot(const Value &indices, int64_t classes,
                              DType dtype, llvm::SMLoc at);
  std::optional<Value> iota(llvm::ArrayRef<Dim> dims, int64_t axis,
                            DType dtype, llvm::SMLoc at);
  std::optional<Value> softmax(bool log, const Value &x, int64_t axis,
                               llvm::SMLoc at);
  std::optional<Value> full(llvm::ArrayRef<Dim> dims, const Value &value,
                            std::optional<DType> dtype, llvm::SMLoc at);
  /// Stacks tensors of one shape along a new leading axis.
  std::optional<Value> stack(llvm::ArrayRef<Value> xs, llvm::SMLoc at);
  /// Emits a run-time check.
  void check(mlir::Value condition, const llvm::Twine &message,
             llvm::SMLoc at);

  /// x ** y with PyTorch's special exponents, and exact integer powers.
  std::optional<Value> power(const Value &x, const Value &y, llvm::SMLoc at);
  /// floor_divide (or, with `remainder`, Python's %) with PyTorch's
  /// semantics for floats (from fmod) and a run-time error for an integer
  /// divisor of 0.
  std::optional<Value> floorDivide(const Value &x, const Value &y,
                                   llvm::SMLoc at, bool remainder);
  /// Fails the call at run time (dl.assert) unless every element is true.
  void checkAll(const Value &condition, const llvm::Twine &message,
                llvm::SMLoc at);
  /// A binary operator of the language applied to two values.
  std::optional<Value> binaryOp(ast::BinaryOp op, const Value &lhs,
                                const Value &rhs, llvm::SMLoc at);
  /// Calls any callable value.
  std::optional<Value> call(const Value &callee, std::vector<CallArg> args,
                            llvm::SMLoc at, Env &env);
  /// The type a parameter slot would get in the current initializer.
  const TensorType *initializerType() const { return initType; }

  // Random numbers (Random.cpp, docs/random.md).
  /// The seed of the function being built: a 0-d i64 argument, added on
  /// first use (`dl.role = "seed"`, `dl.name = "seed"`, after every other
  /// argument). A function built for differentiation receives its caller's.
  mlir::Value seedValue(llvm::SMLoc at);
  /// The stream of the next random op: entries count 0, 1, 2, ... in the
  /// order ops are elaborated (functions built for differentiation continue
  /// their caller's count); the initializer of a parameter counts from a
  /// hash of the parameter's path.
  int64_t nextStream();
  enum class RandomKind { Uniform, Normal };
  /// A tensor of random numbers of this float type (dl.random_*).
  std::optional<Value> random(RandomKind kind, llvm::ArrayRef<Dim> dims,
                              DType dtype, llvm::SMLoc at);
  /// Whether `training` is true (dlc --train-mode; training steps).
  void setTrainingMode(bool on) { trainingMode = on; }
  /// While set, layer calls are reported to `tracer` (the builder's
  /// listener) and the symbols of entry inputs with a size in `sizes` are
  /// static.
  void setTracing(LayerTracer *tracer, const SymbolSizes *sizes);

private:
  friend struct BuiltinContext;

  // Names.
  std::optional<Value> lookup(llvm::StringRef name, llvm::SMLoc at,
                              Env &env);
  std::optional<Value> lookupInModule(const LoadedModule *module,
                                      llvm::StringRef name, llvm::SMLoc at,
                                      bool withImports);
  std::optional<Value> memberOfModel(ModelInstance *model,
                                     llvm::StringRef name, llvm::SMLoc at);
  std::optional<Value> evalGlobal(const LoadedModule *module,
                                  const ast::GlobalDecl *global);
  std::optional<Value> paramValue(const ParamSlot &slot, llvm::SMLoc at);

  // Expressions and statements.
  std::optional<Value> eval(const ast::Expr &expr, Env &env);
  std::optional<std::vector<Value>>
  evalAll(const std::vector<ast::ExprPtr> &exprs, Env &env);
  std::optional<Value> evalBinary(const ast::BinaryExpr &expr, Env &env);
  std::optional<Value> evalUnary(const ast::UnaryExpr &expr, Env &env);
  std::optional<Value> evalCall(const ast::CallExpr &expr, Env &env);
  std::optional<Value> evalMember(const ast::MemberExpr &expr, Env &env);
  std::optional<Value> evalIndex(const Value &base,
                                 const std::vector<ast::IndexItem> &items,
                                 llvm::SMLoc at, Env &env);
  std::optional<Value> indexTensor(const Value &base,
                                   const std::vector<ast::IndexItem> &items,
                                   llvm::SMLoc at, Env &env,
                                   const Value *assign);
  std::optional<Value> compileTimeBinary(ast::BinaryOp op, const Value &lhs,
                                         const Value &rhs, llvm::SMLoc at);
  std::optional<Value> extentBinary(ast::BinaryOp op, const Value &lhs,
                                    const Value &rhs, llvm::SMLoc at);
  bool exec(const ast::Block &block, Env &env);
  bool execStmt(const ast::Stmt &stmt, Env &env);
  bool bind(const ast::LetStmt &let, Value value, Env &env);
  /// `a.b.w = e` or `w = e` in a method: the parameter or state gets a new
  /// value for the rest of the function, written back at its end.
  bool assignParam(const ast::AssignStmt &assign, Env &env);
  bool charge(llvm::SMLoc at, uint64_t cost = 1);

  // Calls and models.
  std::optional<Value> callFunction(const ast::FnDecl &fn,
                                    const LoadedModule *module,
                                    ModelInstance *self,
                                    std::vector<CallArg> args, llvm::SMLoc at);
  std::optional<Value> callFunctionBody(const ast::FnDecl &fn,
                                        const LoadedModule *module,
                                        ModelInstance *self,
                                        std::vector<CallArg> args,
                                        llvm::SMLoc at);
  std::optional<std::vector<Value>>
  bindArguments(const std::vector<ast::Param> &params,
                std::vector<CallArg> args, llvm::StringRef calleeName,
                llvm::SMLoc at, Env &defaultsEnv);
  std::optional<ModelInstance *> instantiate(const ast::ModelDecl &decl,
                                             const LoadedModule *module,
                                             std::vector<CallArg> args,
                                             llvm::SMLoc at);
  /// Gives every model in `value` its place in the tree.
  void adopt(Value &value, ModelInstance *parent, const std::string &name);

  // Types.
  /// An extent of a declared type: known, a symbol to bind, or `?`.
  struct DimSpec {
    enum class Kind { Known, Symbol, Any } kind;
    Dim dim;          // Known
    std::string name; // Symbol; for Known, the symbol it was bound as
  };
  struct ResolvedType {
    ast::TypeExpr::Kind kind;
    DType dtype = DType::F32;
    std::vector<DimSpec> dims; // Tensor
    bool anyShape = false;     // Tensor `f32[...]`
    /// The tensor type when every extent is known.
    std::optional<TensorType> known() const;
  };
  std::optional<Value> lookupQuiet(llvm::StringRef name, Env &env);
  /// Resolves the extents of a type; names that are not compile-time ints
  /// become symbols (unless `allowSymbols` is false: parameter shapes).
  std::optional<ResolvedType> resolveType(const ast::TypeExpr &type,
                                          Env &env,
                                          const llvm::StringMap<Dim> &symbols,
                                          bool allowSymbols);
  /// Checks (and converts) a value against a declared type, binding the
  /// symbols of the type in `symbols`.
  std::optional<Value> conform(const Value &value, const ast::TypeExpr &type,
                               Env &env, llvm::StringMap<Dim> &symbols,
                               llvm::SMLoc at, const llvm::Twine &what);

  // Entries.
  struct EntryInput {
    const ast::Param *param;
    TensorType type;
  };
  /// The type of an entry point's tensor parameter; its symbols are bound
  /// in `frame`.
  std::optional<TensorType> inputType(const ast::Param &p, Env &env,
                                      Frame &frame);
  /// Names argument `i` of the current function as an input and records
  /// its dynamic extents; returns its value.
  Value describeInput(unsigned i, const EntryInput &input);
  /// Names argument `i` of the current function as the parameter `slot`.
  void describeParam(unsigned i, const ParamSlot &slot);
  /// Erases the arguments [first, first + params.size()) that the current
  /// function neither uses nor assigns (except parameters of `self`, so that
  /// every method of a model has the same ones); returns those kept.
  std::vector<const ParamSlot *>
  pruneParams(unsigned first, const std::vector<const ParamSlot *> &params,
              const ModelInstance *self);
  bool buildEntryFunction(mlir::ModuleOp module, const EntryCandidate &entry,
                          const std::vector<const ParamSlot *> &params);
  /// The initializer function: initial values of `params` that have an
  /// initializer, then zeros for each of `slots` (optimizer state).
  bool buildInitFunction(
      mlir::ModuleOp module, llvm::StringRef name,
      const std::vector<const ParamSlot *> &params,
      llvm::ArrayRef<std::pair<std::string, TensorType>> slots = {});
  // Train blocks (Training.cpp).
  struct TrainBlock;
  struct DataFunction;
  std::optional<TrainBlock> loadTrainBlock(const LoadedModule *main,
                                           llvm::StringRef name);
  bool beginDataFunction(DataFunction &f, const TrainBlock &t,
                         mlir::ModuleOp module, llvm::StringRef name);
  /// loss(predict(inputs), targets) for the block's data values.
  std::optional<std::pair<Value, Value>>
  predictAndLoss(const TrainBlock &t, llvm::ArrayRef<Value> data);
  bool buildTrainStep(mlir::ModuleOp module, const TrainBlock &t,
                      const TrainingOptions &options);
  /// Returns the type of the prediction.
  std::optional<TensorType> buildEvaluate(mlir::ModuleOp module,
                                          const TrainBlock &t);
  bool buildMetrics(mlir::ModuleOp module, const TrainBlock &t,
                    const TensorType &prediction);
  std::optional<Value> evalInitializer(const ParamSlot &slot);
  /// Random ops of the initializer of `slot` take streams from a hash of
  /// its path, so that its values do not depend on the entry point.
  void beginInitializerStreams(const ParamSlot &slot);
  /// Appends the final values of the parameters the current function
  /// assigned to its results; returns their paths.
  std::vector<std::string>
  writeBack(llvm::SmallVectorImpl<mlir::Value> &values,
            llvm::SmallVectorImpl<mlir::Type> &types);
  /// Marks results [firstUpdate, ...) as updating the arguments named
  /// `paths` in place (`dl.updates`, `dl.inout`).
  void markUpdates(mlir::func::FuncOp func, size_t firstUpdate,
                   llvm::ArrayRef<std::string> paths);
  std::vector<const ParamSlot *> paramsOf(const EntryCandidate &entry);
  std::optional<ModelInstance *> rootInstance(const EntryCandidate &entry);
  std::map<const ast::ModelDecl *, ModelInstance *> roots;
  std::optional<Value> materializeResult(const Value &v, llvm::SMLoc at);

  ModuleLoader &loader;
  const LoadedModule *prelude;
  std::deque<std::unique_ptr<ModelInstance>> instances;
  std::map<const ast::GlobalDecl *, Value> globals;
  std::vector<const ast::GlobalDecl *> globalsInProgress;

  /// The entry function being built.
  struct FunctionState {
    mlir::func::FuncOp func;
    llvm::StringMap<mlir::Value> paramArgs; // parameter path -> argument
    llvm::StringMap<mlir::Value> atoms;     // extent atom -> index value
    /// Extents of the arguments, turned into tensor.dim on first use.
    llvm::StringMap<std::pair<mlir::Value, int64_t>> argumentExtents;
    /// In a function built to be differentiated: parameters of models
    /// become arguments when first used (in this order).
    bool captureParams = false;
    std::vector<const ParamSlot *> captured;
    /// Random numbers: the seed argument once used; the function whose
    /// seed and streams a function built for differentiation shares (its
    /// caller); the next stream is streamBase + streamCount.
    mlir::Value seed;
    FunctionState *outer = nullptr;
    uint64_t streamBase = 0, streamCount = 0;
    /// Paths of the parameters and state assigned, in order.
    std::vector<std::string> assigned;
  };
  FunctionState *current = nullptr;
  /// Moves the seed argument of `state` (if any) after every other
  /// argument, and, for an entry or initializer, adds it to the function's
  /// type with its attributes.
  void finishSeedArgument(FunctionState &state);
  /// Creates `name` with an entry block, points the builder into it and
  /// makes it the current function for the scope's lifetime.
  class FunctionScope {
  public:
    FunctionScope(Elaborator &e, FunctionState &state, mlir::ModuleOp module,
                  llvm::StringRef name, mlir::Location loc,
                  mlir::TypeRange argTypes);
    ~FunctionScope() { e.current = previous; }

  private:
    Elaborator &e;
    mlir::OpBuilder::InsertionGuard insertion;
    FunctionState *previous;
  };
  /// Calls grad(f) / value_and_grad(f): builds f as a function of its
  /// tensor arguments and the model parameters it uses, and emits dl.grad.
  std::optional<Value> callDerivative(const Value &derivative,
                                      std::vector<CallArg> args,
                                      llvm::SMLoc at);
  /// A derivative to build: `body` computes values from `args` (as seen
  /// inside the primal function); the first is differentiated with respect
  /// to the tensor arguments `wrtArgs`, every learnable parameter of
  /// `wrtModels`, and every learnable parameter the body uses that
  /// `wrtCaptured` accepts.
  struct GradRequest {
    std::string name;
    std::string what; // "grad()": for messages
    std::vector<Value> args;
    std::function<std::optional<std::vector<Value>>(std::vector<Value> &)>
        body;
    std::vector<int64_t> wrtArgs;
    std::vector<const ModelInstance *> wrtModels;
    std::function<bool(const ParamSlot &)> wrtCaptured;
    bool withValue = false;
  };
  struct GradAnswer {
    std::vector<Value> values;   // the body's results, with withValue
    std::vector<Value> argGrads; // one per wrtArgs
    /// One per differentiated parameter, in the order the body used them
    /// (wrtModels' parameters first, in declaration order).
    std::vector<std::pair<const ParamSlot *, Value>> paramGrads;
  };
  /// Builds the primal function and emits dl.grad.
  std::optional<GradAnswer> differentiate(const GradRequest &request,
                                          llvm::SMLoc at);
  /// A caller's value as seen inside the function being built for
  /// differentiation: tensors (also inside lists) become its arguments.
  Value importIntoPrimal(const Value &v, std::vector<Value> &operands,
                         llvm::SMLoc at);
  unsigned primalCounter = 0;
  const TensorType *initType = nullptr;
  /// The value of `training`: true while a training step is elaborated.
  bool trainingMode = false;
  LayerTracer *tracer = nullptr;
  const SymbolSizes *symbolSizes = nullptr;

  /// Call sites of the calls being elaborated, outermost first.
  std::vector<std::pair<llvm::SMLoc, mlir::Location>> callStack;
  uint64_t budget = 0;
  bool budgetReported = false;
};

/// `dl.dims` for a type whose extents are not all static (null otherwise).
mlir::Attribute dimsAttr(mlir::Builder &b, const TensorType &type);

/// How a value takes part in dtype promotion.
PromotionOperand promotionOf(const Value &v);

template <typename OpTy>
std::optional<Value> Elaborator::unary(const Value &x, llvm::SMLoc at,
                                       llvm::StringRef name, bool floatOnly) {
  std::optional<Value> t = toTensor(x, at);
  if (!t)
    return std::nullopt;
  Value v = *t;
  if (floatOnly && !isFloat(v.type.dtype))
    v = cast(v, DType::F32, at); // as torch.exp(int tensor): float32
  mlir::Value r = OpTy::create(builder, loc(at), v.ir);
  return Value::tensor(r, v.type);
}

} // namespace dl

#endif // DL_LIB_FRONTEND_ELABORATOR_H
