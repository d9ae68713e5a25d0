//===- Value.h - values during elaboration ----------------------*- C++ -*-===//
//
// Elaboration runs the DL program at compile time: compile-time values
// (numbers, strings, lists, models, functions) are computed directly, and
// every tensor operation is emitted as `dl` IR. A Value is either.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_VALUE_H
#define DL_LIB_FRONTEND_VALUE_H

#include "dl/Frontend/AST.h"
#include "dl/Frontend/Types.h"

#include "mlir/IR/Value.h"

#include <memory>
#include <string>
#include <vector>

namespace dl {

struct LoadedModule;
struct ModelInstance;
struct Builtin;

class Value {
public:
  enum class Kind {
    Invalid,
    None,
    Int,
    Float,
    Bool,
    String,
    DType,
    Extent,   // a run-time extent (index value), e.g. the symbol `B`
    Tensor,
    Tuple,    // several results
    List,     // `[a, b]`, comprehensions
    Range,    // `a..b`
    Function, // a DL function, or a method bound to a model
    Builtin,
    ModelClass,
    Model,
    Namespace, // an imported module: `nn.Dense`
    Derivative, // grad(f, wrt) or value_and_grad(f, wrt): callable
  };

  Value() = default;
  static Value none() { return Value(Kind::None); }
  static Value integer(int64_t v) {
    Value r(Kind::Int);
    r.intValue = v;
    return r;
  }
  static Value real(double v) {
    Value r(Kind::Float);
    r.floatValue = v;
    return r;
  }
  static Value boolean(bool v) {
    Value r(Kind::Bool);
    r.boolValue = v;
    return r;
  }
  static Value string(std::string v) {
    Value r(Kind::String);
    r.stringValue = std::move(v);
    return r;
  }
  static Value dtypeValue(DType d) {
    Value r(Kind::DType);
    r.dtype = d;
    return r;
  }
  static Value extent(mlir::Value index, Dim dim) {
    Value r(Kind::Extent);
    r.ir = index;
    r.dim = std::move(dim);
    return r;
  }
  static Value tensor(mlir::Value v, TensorType type) {
    Value r(Kind::Tensor);
    r.ir = v;
    r.type = std::move(type);
    return r;
  }
  static Value tuple(std::vector<Value> elements) {
    Value r(Kind::Tuple);
    r.elements = std::make_shared<std::vector<Value>>(std::move(elements));
    return r;
  }
  static Value list(std::vector<Value> elements) {
    Value r(Kind::List);
    r.elements = std::make_shared<std::vector<Value>>(std::move(elements));
    return r;
  }
  static Value range(int64_t start, int64_t end) {
    Value r(Kind::Range);
    r.rangeStart = start;
    r.rangeEnd = end;
    return r;
  }
  static Value function(const ast::FnDecl *fn, const LoadedModule *module,
                        ModelInstance *self) {
    Value r(Kind::Function);
    r.fn = fn;
    r.module = module;
    r.model = self;
    return r;
  }
  static Value builtin(const Builtin *b) {
    Value r(Kind::Builtin);
    r.builtinFn = b;
    return r;
  }
  static Value modelClass(const ast::ModelDecl *decl,
                          const LoadedModule *module) {
    Value r(Kind::ModelClass);
    r.modelDecl = decl;
    r.module = module;
    return r;
  }
  static Value modelInstance(ModelInstance *instance) {
    Value r(Kind::Model);
    r.model = instance;
    return r;
  }
  static Value nameSpace(const LoadedModule *module) {
    Value r(Kind::Namespace);
    r.module = module;
    return r;
  }
  /// `function` differentiated with respect to `wrt` (none, names, indices
  /// or models); with `withValue`, value_and_grad.
  static Value derivative(Value function, Value wrt, bool withValue) {
    Value r(Kind::Derivative);
    r.elements = std::make_shared<std::vector<Value>>(
        std::vector<Value>{std::move(function), std::move(wrt)});
    r.boolValue = withValue;
    return r;
  }

  Kind kind = Kind::Invalid;
  int64_t intValue = 0;
  double floatValue = 0;
  bool boolValue = false;
  std::string stringValue;
  DType dtype = DType::F32;
  mlir::Value ir;  // Tensor: the tensor; Extent: the index
  TensorType type; // Tensor
  Dim dim;         // Extent
  std::shared_ptr<std::vector<Value>> elements; // Tuple, List
  int64_t rangeStart = 0, rangeEnd = 0;
  const ast::FnDecl *fn = nullptr;            // Function
  const LoadedModule *module = nullptr;       // Function, ModelClass, Namespace
  ModelInstance *model = nullptr;             // Model; bound method's self
  const Builtin *builtinFn = nullptr;         // Builtin
  const ast::ModelDecl *modelDecl = nullptr;  // ModelClass

  bool isNumber() const {
    return kind == Kind::Int || kind == Kind::Float || kind == Kind::Bool;
  }
  bool isTensor() const { return kind == Kind::Tensor; }
  /// What the value is, for messages: "a tensor f32[3]", "an int", ...
  std::string describe() const;

private:
  explicit Value(Kind kind) : kind(kind) {}
};

} // namespace dl

#endif // DL_LIB_FRONTEND_VALUE_H
