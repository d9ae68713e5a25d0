//===- LoweringUtils.h - helpers shared by the dl lowerings -----*- C++ -*-===//
//
// Shapes, broadcasting maps, initial tensors and run-time checks, used by
// the pattern groups of convert-dl-to-linalg.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_CONVERSION_DLTOLINALG_LOWERINGUTILS_H
#define DL_LIB_CONVERSION_DLTOLINALG_LOWERINGUTILS_H

#include "dl/Dialect/ShapeUtils.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>

namespace dl::lowering {

using ::dl::getDimOpFoldResult;
using ::dl::getDimValue;

//===----------------------------------------------------------------------===//
// Run-time checks
//===----------------------------------------------------------------------===//

/// "file:line:col" of the first file location inside `loc`, or "" when it
/// has none.
std::string formatLocation(mlir::Location loc);

/// `text` with every `%` doubled, so that printf prints it as it is.
std::string escapeFormat(llvm::StringRef text);

/// Emits a check that `ok` (i1) holds at run time. When it does not, the
/// generated code calls `dlrt_fail` with "<location>: <message>", which
/// never returns. `message` is a printf format in which each `%lld` is
/// replaced by the next of `values` (index or integer values, printed as
/// 64-bit integers); a literal `%` must be written `%%`. Without
/// `withLocation` the message is used as it is (for messages that say
/// where they come from themselves, as dl.check_finite's).
void emitCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ok,
               llvm::StringRef message, mlir::ValueRange values = {},
               bool withLocation = true);

/// Emits a check that two index values are equal, unless they are known to
/// be (the same value, or equal constants). `message` receives both values
/// as its two `%lld`.
void emitEqualityCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                       mlir::Value c, llvm::StringRef message);

//===----------------------------------------------------------------------===//
// Shapes and tensors
//===----------------------------------------------------------------------===//

inline mlir::RankedTensorType tensorType(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

/// The extents of the (single) result of `op`, from its
/// ReifyRankedShapedTypeOpInterface.
llvm::FailureOr<llvm::SmallVector<mlir::OpFoldResult>>
reifyResultSizes(mlir::OpBuilder &b, mlir::Operation *op);

/// The extents of `value` (constants for static extents).
llvm::SmallVector<mlir::OpFoldResult>
getSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// A `tensor.empty` with these extents.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type elementType);

/// A tensor with these extents filled with `value` (tensor.empty and
/// linalg.fill).
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value value);

/// The indexing map that reads an operand of shape `operandShape` while
/// iterating over `resultShape` with NumPy broadcasting: operand dimensions
/// align with the trailing result dimensions, missing leading dimensions
/// are dropped, and a static 1 stretched to another extent reads index 0.
mlir::AffineMap getBroadcastMap(mlir::MLIRContext *context,
                                llvm::ArrayRef<int64_t> operandShape,
                                llvm::ArrayRef<int64_t> resultShape);

/// Emits the run-time checks that the dynamic extents of `operands` that
/// meet in one dimension of the broadcast result (of rank `resultRank`)
/// are equal.
void emitBroadcastChecks(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::ValueRange operands, int64_t resultRank);

/// `source` broadcast to `sizes`/`resultShape` by a linalg.generic with a
/// broadcasting map; `source` itself when nothing is broadcast.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value source, llvm::ArrayRef<int64_t> resultShape,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// The reassociation that inserts unit dimensions into a shape:
/// `isInserted[i]` says whether dimension i of the larger shape is a new
/// unit dimension. Each new dimension joins the group of the next kept one
/// (the last kept one at the end).
llvm::SmallVector<mlir::ReassociationIndices>
getUnitDimReassociation(llvm::ArrayRef<bool> isInserted);

/// `value` expanded with unit dimensions to `type` (of extents `sizes`),
/// with `isInserted` as for getUnitDimReassociation; `value` when nothing is
/// inserted.
mlir::Value insertUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value, mlir::RankedTensorType type,
                           llvm::ArrayRef<bool> isInserted,
                           llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// `value` with the unit dimensions flagged in `isRemoved` dropped.
mlir::Value dropUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, llvm::ArrayRef<bool> isRemoved);

/// The product of `sizes` as an index value.
mlir::Value getProduct(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// The constant `value` of a scalar type: a float for float types, an
/// integer otherwise.
mlir::Value createConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// The smallest and largest values of an element type: -inf/+inf for
/// floats, the integer limits otherwise.
mlir::Value createLowest(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type);
mlir::Value createHighest(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type);

} // namespace dl::lowering

#endif // DL_LIB_CONVERSION_DLTOLINALG_LOWERINGUTILS_H
