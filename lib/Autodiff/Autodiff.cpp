//===- Autodiff.cpp - reverse-mode differentiation of dl functions --------===//
//
// `dl.grad @f(args) wrt [...]` becomes a call to a generated function
// `f__grad_<wrt>` (or `f__value_and_grad_<wrt>`) that computes f's results,
// then walks f's ops backwards asking each for the cotangents of its
// operands (DifferentiableOpInterface::buildVJP), and returns the
// cotangents of the wrt arguments. The call is inlined at once, so that a
// function containing it is call-free again and can itself be
// differentiated: derivatives of derivatives work.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DLOps.h"
#include "dl/Dialect/GradBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/Inliner.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/ADT/SetVector.h"

namespace dl {
#define GEN_PASS_DEF_DLAUTODIFF
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;
using namespace dl;

namespace {

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// Inlines every call in `func` (transitively), so that its body is one
/// straight sequence of ops to differentiate.
LogicalResult inlineCalls(func::FuncOp func, SymbolTable &symbols) {
  InlinerInterface interface(func.getContext());
  InlinerConfig config;
  for (int round = 0; round < 64; ++round) {
    SmallVector<func::CallOp> calls;
    func.walk([&](func::CallOp call) { calls.push_back(call); });
    if (calls.empty())
      return success();
    for (func::CallOp call : calls) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (!callee || callee.isExternal())
        return call.emitError("cannot differentiate through a call to '")
               << call.getCallee() << "': it has no body";
      if (failed(inlineCall(interface, config.getCloneCallback(), call,
                            callee, &callee.getBody())))
        return call.emitError("cannot inline '")
               << call.getCallee() << "' to differentiate it";
      call.erase();
    }
  }
  return func.emitError("calls nest too deeply (recursion?) to differentiate");
}

/// Whether `func`, or a function it calls, still contains a dl.grad.
bool reachesGrad(func::FuncOp func, SymbolTable &symbols,
                 llvm::SmallPtrSetImpl<Operation *> &visited) {
  if (!visited.insert(func).second)
    return false;
  bool found = false;
  func.walk([&](Operation *op) {
    if (isa<GradOp>(op)) {
      found = true;
      return WalkResult::interrupt();
    }
    if (auto call = dyn_cast<func::CallOp>(op))
      if (auto callee = symbols.lookup<func::FuncOp>(call.getCallee()))
        if (reachesGrad(callee, symbols, visited)) {
          found = true;
          return WalkResult::interrupt();
        }
    return WalkResult::advance();
  });
  return found;
}

/// Builds the body of a derivative function: the forward computation,
/// cloned, then the reverse pass.
class ReverseBuilder {
public:
  ReverseBuilder(OpBuilder &builder) : builder(builder) {}

  LogicalResult build(func::FuncOp primal, func::FuncOp derivative,
                      ArrayRef<int64_t> wrt, bool withValue,
                      SymbolTable &symbols);

private:
  void accumulate(Value v, Value grad);

  OpBuilder &builder;
  DenseMap<Value, Value> adjoints;
};

void ReverseBuilder::accumulate(Value v, Value grad) {
  if (!grad || !isFloatTensor(v))
    return;
  auto it = adjoints.find(v);
  if (it == adjoints.end()) {
    adjoints[v] = grad;
    return;
  }
  it->second = AddOp::create(builder, grad.getLoc(), it->second, grad);
}

LogicalResult ReverseBuilder::build(func::FuncOp primal,
                                    func::FuncOp derivative,
                                    ArrayRef<int64_t> wrt, bool withValue,
                                    SymbolTable &symbols) {
  if (!primal.getBody().hasOneBlock())
    return primal.emitError("cannot differentiate '")
           << primal.getSymName() << "': its body has several blocks";
  // Forward: the primal's body, cloned.
  Block *body = derivative.addEntryBlock();
  IRMapping mapping;
  mapping.map(primal.getArguments(), body->getArguments());
  builder.setInsertionPointToStart(body);
  Operation *primalReturn = primal.getBody().front().getTerminator();
  for (Operation &op : primal.getBody().front().without_terminator())
    builder.clone(op, mapping);
  SmallVector<Value> results;
  for (Value v : primalReturn->getOperands())
    results.push_back(mapping.lookup(v));
  // The clone may still call functions (hand-written IR): inline them.
  auto terminatorless = func::ReturnOp::create(builder, derivative.getLoc(),
                                               results);
  if (failed(inlineCalls(derivative, symbols)))
    return failure();
  SmallVector<Operation *> forward;
  for (Operation &op : body->without_terminator())
    forward.push_back(&op);
  results.assign(terminatorless.getOperands().begin(),
                 terminatorless.getOperands().end());
  terminatorless.erase();

  // Reverse: the value's cotangent is 1.
  builder.setInsertionPointToEnd(body);
  Value value = results.front();
  GradBuilder seed(builder, derivative.getLoc());
  adjoints[value] = seed.constantLike(1.0, value);
  for (Operation *op : llvm::reverse(forward)) {
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value result : op->getResults()) {
      resultGrads.push_back(adjoints.lookup(result));
      any |= (bool)resultGrads.back();
    }
    if (!any || isa<StopGradientOp>(op))
      continue;
    auto differentiable = dyn_cast<DifferentiableOpInterface>(op);
    if (!differentiable) {
      // Constants and ops of integers, booleans or extents pass no gradient
      // on; an op from floats to floats without a derivative is an error.
      if (llvm::none_of(op->getResults(), isFloatTensor) ||
          llvm::none_of(op->getOperands(), isFloatTensor))
        continue;
      return op->emitError("'") << op->getName()
                                << "' is not differentiable";
    }
    SmallVector<Value> operandGrads;
    Operation *last = body->empty() ? nullptr : &body->back();
    if (failed(differentiable.buildVJP(builder, resultGrads, operandGrads)))
      return op->emitError("cannot build the derivative of '")
             << op->getName() << "'";
    // The ops of a derivative keep the location of the op they
    // differentiate, labelled "derivative of dl.<op>", so that run-time
    // messages (dl-check-numerics) can say which derivative they are in.
    auto label = builder.getStringAttr("derivative of " +
                                       op->getName().getStringRef());
    for (Operation &created :
         llvm::make_range(last ? std::next(last->getIterator()) : body->begin(),
                          body->end()))
      created.walk([&](Operation *nested) {
        nested->setLoc(NameLoc::get(label, nested->getLoc()));
      });
    for (auto [operand, grad] : llvm::zip(op->getOperands(), operandGrads))
      accumulate(operand, grad);
  }

  SmallVector<Value> returned;
  if (withValue)
    returned.append(results.begin(), results.end());
  for (int64_t index : wrt) {
    Value arg = body->getArgument(index);
    Value grad = adjoints.lookup(arg);
    returned.push_back(grad ? grad : seed.zerosLike(arg));
  }
  func::ReturnOp::create(builder, derivative.getLoc(), returned);
  return success();
}

struct AutodiffPass : dl::impl::DLAutodiffBase<AutodiffPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    OpBuilder builder(&getContext());
    while (true) {
      // Innermost first: a dl.grad whose callee reaches no other dl.grad.
      GradOp ready;
      bool pending = false;
      module.walk([&](GradOp op) {
        pending = true;
        auto callee = symbols.lookup<func::FuncOp>(op.getCallee());
        llvm::SmallPtrSet<Operation *, 8> visited;
        if (callee && !reachesGrad(callee, symbols, visited)) {
          ready = op;
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (!pending)
        return;
      if (!ready) {
        module.emitError("dl.grad ops differentiate each other in a cycle");
        return signalPassFailure();
      }
      if (failed(replace(ready, symbols, builder)))
        return signalPassFailure();
    }
  }

  /// The derivative function for a callee and wrt list, made once.
  FailureOr<func::FuncOp> derivativeOf(func::FuncOp primal,
                                       ArrayRef<int64_t> wrt, bool withValue,
                                       SymbolTable &symbols,
                                       OpBuilder &builder) {
    std::string name = primal.getSymName().str() +
                       (withValue ? "__value_and_grad" : "__grad");
    for (int64_t index : wrt)
      name += "_" + std::to_string(index);
    if (auto existing = symbols.lookup<func::FuncOp>(name))
      return existing;
    SmallVector<Type> resultTypes;
    if (withValue)
      llvm::append_range(resultTypes, primal.getResultTypes());
    for (int64_t index : wrt)
      resultTypes.push_back(primal.getArgumentTypes()[index]);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointAfter(primal);
    auto derivative = func::FuncOp::create(
        builder, primal.getLoc(), name,
        builder.getFunctionType(primal.getArgumentTypes(), resultTypes));
    derivative.setPrivate();
    symbols.insert(derivative);
    ReverseBuilder reverse(builder);
    if (failed(reverse.build(primal, derivative, wrt, withValue, symbols))) {
      symbols.erase(derivative);
      return failure();
    }
    return derivative;
  }

  LogicalResult replace(GradOp op, SymbolTable &symbols, OpBuilder &builder) {
    auto primal = symbols.lookup<func::FuncOp>(op.getCallee());
    FailureOr<func::FuncOp> derivative = derivativeOf(
        primal, op.getWrt(), op.getWithValue(), symbols, builder);
    if (failed(derivative))
      return failure();
    builder.setInsertionPoint(op);
    auto call = func::CallOp::create(builder, op.getLoc(), *derivative,
                                     op.getArguments());
    op.replaceAllUsesWith(call.getResults());
    op.erase();
    InlinerInterface interface(&getContext());
    InlinerConfig config;
    if (failed(inlineCall(interface, config.getCloneCallback(), call,
                          *derivative, &derivative->getBody())))
      return call.emitError("cannot inline the derivative");
    call.erase();
    return success();
  }
};

} // namespace
