//===- DLToLinalg.h - patterns lowering dl to linalg ------------*- C++ -*-===//
//
// The patterns of convert-dl-to-linalg, one group per kind of op, so that
// other passes (and tests) can pick the groups they need.
//
//===----------------------------------------------------------------------===//
#ifndef DL_CONVERSION_DLTOLINALG_H
#define DL_CONVERSION_DLTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace dl {

/// Every elementwise op (ElementwiseOpInterface) to one linalg.generic.
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// dl.matmul to linalg.dot/matvec/vecmat/matmul/batch_matmul.
void populateMatmulToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// dl.reduce, dl.argmax and dl.argmin.
void populateReductionsToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// transpose, reshape, broadcast_to, sum_to, concat, slice, insert_slice,
/// pad.
void populateDataMovementToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// gather, scatter_add, one_hot, iota.
void populateIndexingToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// softmax and log_softmax.
void populateSoftmaxToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// dl.assert.
void populateChecksToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// dl.check_finite.
void populateCheckFiniteToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// dl.constant.
void populateConstantsToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// random_uniform, random_normal, random_bits (Philox4x32-10).
void populateRandomToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// dl.orthogonalize (Gram-Schmidt loops on tensors).
void populateOrthogonalizeToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// All of the above.
void populateDLToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace dl

#endif // DL_CONVERSION_DLTOLINALG_H
