//===- GradBuilder.h - building derivatives from dl ops ---------*- C++ -*-===//
//
// The vocabulary the ops' VJPs (buildVJP) are written in: dl ops with
// inferred types, and the shape plumbing every derivative needs (summing a
// broadcast gradient back to its operand's shape, zeros of a value's shape,
// reshaping to a value's shape with its run-time extents).
//
//===----------------------------------------------------------------------===//
#ifndef DL_DIALECT_GRADBUILDER_H
#define DL_DIALECT_GRADBUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace dl {

enum class CmpPredicate : uint32_t;

class GradBuilder {
public:
  GradBuilder(mlir::OpBuilder &b, mlir::Location loc) : b(b), loc(loc) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location location() const { return loc; }

  /// A 0-d constant of `elementType` (a float type).
  mlir::Value constant(double value, mlir::Type elementType);
  /// A 0-d constant with the element type of `like`.
  mlir::Value constantLike(double value, mlir::Value like);

  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value neg(mlir::Value x);
  mlir::Value exp(mlir::Value x);
  mlir::Value log(mlir::Value x);
  mlir::Value sign(mlir::Value x);
  mlir::Value cmp(CmpPredicate predicate, mlir::Value x, mlir::Value y);
  mlir::Value select(mlir::Value condition, mlir::Value x, mlir::Value y);
  mlir::Value logicalAnd(mlir::Value x, mlir::Value y);
  mlir::Value cast(mlir::Value x, mlir::Type elementType);

  /// The extent of dimension `d` of `v` (index).
  mlir::Value dim(mlir::Value v, int64_t d);
  /// The run-time extents of the dynamic dimensions of `like`.
  llvm::SmallVector<mlir::Value> dynamicDims(mlir::Value like);

  /// Sums a gradient of a broadcast result back to the shape of `like`, the
  /// operand that was broadcast (dl.sum_to; nothing when shapes agree).
  mlir::Value sumTo(mlir::Value grad, mlir::Value like);
  /// Broadcasts `v` to the shape of `like` (dl.broadcast_to).
  mlir::Value broadcastLike(mlir::Value v, mlir::Value like);
  /// Zeros with the type and run-time shape of `like`.
  mlir::Value zerosLike(mlir::Value like);
  /// `v` reshaped to the type and run-time shape of `like`.
  mlir::Value reshapeLike(mlir::Value v, mlir::Value like);
  /// `v` reshaped to `type`, whose dynamic extents are `dynamicSizes`.
  mlir::Value reshape(mlir::Value v, mlir::RankedTensorType type,
                      mlir::ValueRange dynamicSizes);
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> permutation);
  mlir::Value matmul(mlir::Value x, mlir::Value y);
  /// Sum over `axes`, keeping them as extents of 1.
  mlir::Value sumKeep(mlir::Value v, llvm::ArrayRef<int64_t> axes);
  /// A reduction's result with the reduced axes put back as extents of 1
  /// (undoing a reduction without keepdims), so it broadcasts against the
  /// reduction's input.
  mlir::Value keepReducedAxes(mlir::Value reduced, mlir::Value input,
                              llvm::ArrayRef<int64_t> axes);

private:
  mlir::OpBuilder &b;
  mlir::Location loc;
};

} // namespace dl

#endif // DL_DIALECT_GRADBUILDER_H
