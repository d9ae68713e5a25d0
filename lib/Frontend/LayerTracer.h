//===- LayerTracer.h - records layer calls during elaboration ---*- C++ -*-===//
//
// The elaborator tells the tracer when a method of a model instance is
// called and when it returns; as the builder's listener, the tracer sees
// every op inserted meanwhile and charges it to the innermost call.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_LAYERTRACER_H
#define DL_LIB_FRONTEND_LAYERTRACER_H

#include "Value.h"

#include "dl/Frontend/LayerTrace.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

#include <set>

namespace dl {

struct ModelInstance;

class LayerTracer : public mlir::OpBuilder::Listener {
public:
  LayerTracer(mlir::MLIRContext &context, std::vector<LayerCall> &calls)
      : context(context), calls(calls) {}

  /// Starts the root call: the entry point `name`, a method of `self`
  /// (null for a top-level function), with its tensor inputs.
  void beginEntry(llvm::StringRef name, const ModelInstance *self,
                  llvm::StringRef method, llvm::ArrayRef<Value> inputs);
  /// The entry point returns these tensors.
  void endEntry(llvm::ArrayRef<TensorType> types,
                llvm::ArrayRef<mlir::Value> values);
  /// A call of `method` of `self` begins; returns whether it is a new
  /// layer call (not a method of the instance already being called).
  bool enter(const ModelInstance &self, llvm::StringRef method,
             llvm::ArrayRef<Value> args);
  /// The layer call begun last returns `result` (null after an error).
  void exit(const Value *result);

  /// After elaboration: the root's parameters from `function`'s arguments,
  /// and each call's ops among those `function` still has.
  void finish(mlir::func::FuncOp function);

  void notifyOperationInserted(mlir::Operation *op,
                               mlir::OpBuilder::InsertPoint) override {
    owner[op] = stack.empty() ? 0 : stack.back();
  }

private:
  mlir::MLIRContext &context;
  std::vector<LayerCall> &calls;
  std::vector<int> stack; // indices of the calls being elaborated
  std::vector<const ModelInstance *> instances; // of the calls on `stack`
  std::set<const ModelInstance *> seen;
  llvm::DenseMap<mlir::Operation *, int> owner;
};

} // namespace dl

#endif // DL_LIB_FRONTEND_LAYERTRACER_H
