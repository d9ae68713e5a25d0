//===- LayerTracer.cpp - records layer calls during elaboration -----------===//

#include "LayerTracer.h"

#include "Elaborator.h"

#include "dl/Dialect/Attributes.h"
#include "dl/Dialect/ShapeUtils.h"

#include "llvm/ADT/DenseSet.h"

using namespace dl;

/// Adds a parameter (or state tensor) of this type to the call's counts.
static void countParam(LayerCall &call, mlir::Type type, bool isState) {
  int64_t count = staticElementCount(type).value_or(0);
  int64_t bytes = staticByteSize(type).value_or(0);
  (isState ? call.state : call.params) += count;
  (isState ? call.stateBytes : call.paramBytes) += bytes;
}

/// The tensors of a value: itself, or those of a tuple or list.
static void collectTensors(const Value &value, std::vector<TensorType> &types,
                           std::vector<mlir::Value> &values) {
  if (value.isTensor()) {
    types.push_back(value.type);
    values.push_back(value.ir);
    return;
  }
  if ((value.kind == Value::Kind::Tuple || value.kind == Value::Kind::List) &&
      value.elements)
    for (const Value &element : *value.elements)
      collectTensors(element, types, values);
}

void LayerTracer::beginEntry(llvm::StringRef name, const ModelInstance *self,
                             llvm::StringRef method,
                             llvm::ArrayRef<Value> inputs) {
  LayerCall root;
  if (self) {
    root.name = self->path();
    root.model = self->decl->name;
    if (root.name.empty())
      root.name = root.model;
    seen.insert(self);
  } else {
    root.name = name.str();
  }
  root.method = method.str();
  for (const Value &input : inputs)
    collectTensors(input, root.inputTypes, root.inputs);
  calls.push_back(std::move(root));
  stack.push_back(0);
  instances.push_back(self);
}

bool LayerTracer::enter(const ModelInstance &self, llvm::StringRef method,
                        llvm::ArrayRef<Value> args) {
  if (!instances.empty() && instances.back() == &self)
    return false;
  LayerCall call;
  call.name = self.path();
  call.model = self.decl->name;
  call.method = method.str();
  call.parent = stack.empty() ? -1 : stack.back();
  call.depth = stack.size();
  call.repeated = !seen.insert(&self).second;
  if (!call.repeated) {
    std::vector<const ParamSlot *> slots;
    self.collectParams(slots);
    for (const ParamSlot *slot : slots)
      countParam(call, slot->type.toMLIR(&context), slot->isState);
  }
  for (const Value &arg : args)
    collectTensors(arg, call.inputTypes, call.inputs);
  stack.push_back(calls.size());
  instances.push_back(&self);
  calls.push_back(std::move(call));
  return true;
}

void LayerTracer::exit(const Value *result) {
  if (result)
    collectTensors(*result, calls[stack.back()].outputTypes,
                   calls[stack.back()].outputs);
  stack.pop_back();
  instances.pop_back();
}

void LayerTracer::endEntry(llvm::ArrayRef<TensorType> types,
                           llvm::ArrayRef<mlir::Value> values) {
  calls.front().outputTypes.assign(types.begin(), types.end());
  calls.front().outputs.assign(values.begin(), values.end());
}

void LayerTracer::finish(mlir::func::FuncOp function) {
  if (calls.empty())
    return;
  LayerCall &root = calls.front();
  llvm::DenseSet<mlir::Value> live;
  for (unsigned i = 0; i < function.getNumArguments(); ++i) {
    mlir::Value arg = function.getArgument(i);
    live.insert(arg);
    auto role = function.getArgAttrOfType<mlir::StringAttr>(i, attrs::kRole);
    if (role && (role.getValue() == "param" || role.getValue() == "state"))
      countParam(root, arg.getType(), role.getValue() == "state");
  }
  function.walk([&](mlir::Operation *op) {
    if (op == function.getOperation())
      return;
    for (mlir::Value result : op->getResults())
      live.insert(result);
    if (op->getParentOp() != function.getOperation() ||
        llvm::isa<mlir::func::ReturnOp>(op))
      return;
    auto it = owner.find(op);
    calls[it == owner.end() ? 0 : it->second].ops.push_back(op);
  });
  // Values the elaborator erased (dead code) become null.
  for (LayerCall &call : calls)
    for (std::vector<mlir::Value> *values : {&call.inputs, &call.outputs})
      for (mlir::Value &v : *values)
        if (!live.count(v))
          v = nullptr;
}
