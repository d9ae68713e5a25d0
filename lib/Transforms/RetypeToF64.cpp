//===- RetypeToF64.cpp - a copy of a function computing in f64 ------------===//
//
// Every dl op infers or states its result type from its operands' element
// type and shapes, so retyping is local: each f32 tensor type becomes f64,
// and the attributes that carry an f32 element (constants, pad values) are
// converted.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

namespace dl {
#define GEN_PASS_DEF_DLRETYPETOF64
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

Type toF64(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (tensor && tensor.getElementType().isF32())
    return tensor.clone(Float64Type::get(type.getContext()));
  if (type.isF32())
    return Float64Type::get(type.getContext());
  return type;
}

/// f32 elements of an attribute as f64 (constants, splats included).
Attribute toF64(Attribute attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return attr;
    auto type = cast<ShapedType>(toF64(dense.getType()));
    return dense.mapValues(type.getElementType(), [](const APFloat &v) {
      bool lost;
      APFloat wide = v;
      wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                   &lost);
      return wide.bitcastToAPInt();
    });
  }
  if (auto value = dyn_cast<FloatAttr>(attr); value && value.getType().isF32())
    return FloatAttr::get(Float64Type::get(attr.getContext()),
                          value.getValueAsDouble());
  return attr;
}

struct RetypeToF64Pass : dl::impl::DLRetypeToF64Base<RetypeToF64Pass> {
  using DLRetypeToF64Base::DLRetypeToF64Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (const std::string &name : functions) {
      auto func = symbols.lookup<func::FuncOp>(name);
      if (!func) {
        module.emitError("dl-retype-to-f64: no function named '")
            << name << "'";
        return signalPassFailure();
      }
      copyOf(func, symbols);
    }
  }

  /// The f64 copy of `func`, made once; the functions it references (the
  /// primal of a dl.grad, a callee) get f64 copies too.
  func::FuncOp copyOf(func::FuncOp func, SymbolTable &symbols) {
    std::string name = func.getSymName().str() + ".f64";
    if (auto existing = symbols.lookup<func::FuncOp>(name))
      return existing;
    auto copy = cast<func::FuncOp>(func->clone());
    copy.setSymName(name);
    symbols.insert(copy, std::next(Block::iterator(func)));
    retype(copy);
    copy.walk([&](Operation *op) {
      for (NamedAttribute attr : op->getAttrs()) {
        auto ref = dyn_cast<FlatSymbolRefAttr>(attr.getValue());
        auto callee = ref ? symbols.lookup<func::FuncOp>(ref.getValue())
                          : func::FuncOp();
        if (!callee || callee == copy)
          continue;
        func::FuncOp wide = copyOf(callee, symbols);
        op->setAttr(attr.getName(),
                    FlatSymbolRefAttr::get(wide.getSymNameAttr()));
      }
    });
    return copy;
  }

  void retype(func::FuncOp func) {
    for (BlockArgument arg : func.getArguments())
      arg.setType(toF64(arg.getType()));
    func.walk([](Operation *op) {
      for (OpResult result : op->getResults())
        result.setType(toF64(result.getType()));
      for (NamedAttribute attr : op->getAttrs())
        if (Attribute wide = toF64(attr.getValue()); wide != attr.getValue())
          op->setAttr(attr.getName(), wide);
    });
    SmallVector<Type> inputs, results;
    for (Type t : func.getArgumentTypes())
      inputs.push_back(toF64(t));
    for (Type t : func.getResultTypes())
      results.push_back(toF64(t));
    func.setType(FunctionType::get(func.getContext(), inputs, results));
  }
};

} // namespace
