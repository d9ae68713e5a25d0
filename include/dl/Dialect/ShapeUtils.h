//===- ShapeUtils.h - shapes, broadcasting and dimensions -------*- C++ -*-===//
#ifndef DL_DIALECT_SHAPEUTILS_H
#define DL_DIALECT_SHAPEUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace dl {

/// Broadcasts shapes by NumPy's rules, resolved statically: dimensions
/// align at the end; equal extents agree; a static 1 stretches to the other
/// extent; dynamic extents agree with each other and with a static 1 (they
/// must be equal at run time), but never with a static extent other than 1.
/// On failure, returns std::nullopt and, when `error` is given, says why.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                std::string *error = nullptr);

/// "tensor<4x?xf32>" as the DL language writes it: "f32[4, ?]".
std::string formatType(mlir::Type type);

/// The number of elements of a shaped type with a static shape, else
/// std::nullopt.
std::optional<int64_t> staticElementCount(mlir::Type type);
/// Its size in bytes (an element takes whole bytes: i1 takes 1).
std::optional<int64_t> staticByteSize(mlir::Type type);

/// Normalizes an axis in [-rank, rank) to [0, rank), or std::nullopt.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// The extent of dimension `dim` of `value` as an index value: a constant
/// when static, tensor.dim otherwise.
mlir::Value getDimValue(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, int64_t dim);
mlir::OpFoldResult getDimOpFoldResult(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::Value value, int64_t dim);

/// For a value of the broadcast result of `operands` (of shape
/// `resultShape`), the extents of the result: static ones as attributes,
/// dynamic ones as tensor.dim of an operand that has that extent dynamic.
llvm::SmallVector<mlir::OpFoldResult>
getBroadcastResultDims(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::ValueRange operands,
                       llvm::ArrayRef<int64_t> resultShape);

/// Mixed static/dynamic extents of a ranked type from its static shape and
/// the list of dynamic extents in order.
llvm::SmallVector<mlir::OpFoldResult>
getMixedSizes(mlir::OpBuilder &b, mlir::RankedTensorType type,
              mlir::ValueRange dynamicSizes);

} // namespace dl

#endif // DL_DIALECT_SHAPEUTILS_H
