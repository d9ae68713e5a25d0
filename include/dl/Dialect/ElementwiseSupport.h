//===- ElementwiseSupport.h - scalar bodies and folding ---------*- C++ -*-===//
//
// Helpers for the elementwise ops of the dialect: building the computation
// of one element (used when lowering to linalg.generic) and evaluating it on
// constants (used by folders). Declared here so that the op definitions in
// DLOps.td stay one line each.
//
//===----------------------------------------------------------------------===//
#ifndef DL_DIALECT_ELEMENTWISESUPPORT_H
#define DL_DIALECT_ELEMENTWISESUPPORT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>

namespace dl {
enum class CmpPredicate : uint32_t;

// Scalar builders.
mlir::Value buildSignScalar(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x);
mlir::Value buildSigmoidScalar(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value x);
mlir::Value buildFloorDivScalar(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value x, mlir::Value y);
mlir::Value buildRemainderScalar(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value x, mlir::Value y);
mlir::Value buildCompareScalar(mlir::OpBuilder &b, mlir::Location loc,
                               CmpPredicate predicate, mlir::Value x,
                               mlir::Value y);
mlir::Value buildCastScalar(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x, mlir::Type to);

// Scalar folders: each returns a null attribute when it cannot fold.
using FloatFn1 = double (*)(double);
using IntFn1 = int64_t (*)(int64_t);
using FloatFn2 = double (*)(double, double);
using IntFn2 = int64_t (*)(int64_t, int64_t);
mlir::TypedAttr foldUnaryFloat(mlir::TypedAttr x, FloatFn1 fn);
mlir::TypedAttr foldUnary(mlir::TypedAttr x, FloatFn1 floatFn, IntFn1 intFn);
mlir::TypedAttr foldBinary(llvm::ArrayRef<mlir::TypedAttr> args,
                           FloatFn2 floatFn, IntFn2 intFn);
mlir::TypedAttr foldLogical(llvm::ArrayRef<mlir::TypedAttr> args,
                            bool (*fn)(bool, bool));
mlir::TypedAttr foldCompare(CmpPredicate predicate, mlir::TypedAttr x,
                            mlir::TypedAttr y);
mlir::TypedAttr foldCast(mlir::TypedAttr x, mlir::Type to);

/// Folds an elementwise op whose operands are all constants, by evaluating
/// `op`'s foldScalar on every element (with broadcasting). Gives up above
/// kMaxFoldedElements elements so that folding never bloats the IR.
constexpr int64_t kMaxFoldedElements = 4096;
mlir::OpFoldResult foldElementwiseConstants(mlir::Operation *op,
                                            llvm::ArrayRef<mlir::Attribute>
                                                operands);
} // namespace dl

#endif // DL_DIALECT_ELEMENTWISESUPPORT_H
