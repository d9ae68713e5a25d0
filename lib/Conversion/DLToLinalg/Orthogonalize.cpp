//===- Orthogonalize.cpp - dl.orthogonalize to loops on tensors -----------===//
//
// The Q factor (with a positive diagonal of R) of a QR decomposition, by
// modified Gram-Schmidt applied twice ("twice is enough": the columns come
// out orthonormal to about machine precision whatever A's conditioning, as
// long as it has full rank). Computed in f64 on a copy W whose rows are the
// vectors to orthonormalize (A's columns, transposed, when A has at least as
// many rows as columns; A's rows otherwise), so that the inner loops read
// contiguous memory. The loops are scf.for over tensor.extract/insert, which
// bufferize in place. Used once per orthogonal initializer: O(m n^2).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dl::lowering;

namespace {

/// `source` (2-D) converted to `elementType`, transposed when `transpose`.
Value convertMatrix(OpBuilder &b, Location loc, Value source,
                    Type elementType, bool transpose) {
  ArrayRef<int64_t> shape = tensorType(source).getShape();
  SmallVector<int64_t> resultShape{shape[transpose ? 1 : 0],
                                   shape[transpose ? 0 : 1]};
  auto resultType = RankedTensorType::get(resultShape, elementType);
  MLIRContext *context = b.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, context);
  AffineMap read = transpose ? AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, context)
                             : identity;
  Value init = tensor::EmptyOp::create(b, loc, resultShape, elementType);
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{source}, ValueRange{init},
             SmallVector<AffineMap>{read, identity},
             SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
             [&](OpBuilder &nested, Location loc, ValueRange args) {
               Value v = args[0];
               unsigned from = v.getType().getIntOrFloatBitWidth();
               unsigned to = elementType.getIntOrFloatBitWidth();
               if (from < to)
                 v = arith::ExtFOp::create(nested, loc, elementType, v);
               else if (from > to)
                 v = arith::TruncFOp::create(nested, loc, elementType, v);
               linalg::YieldOp::create(nested, loc, v);
             })
      .getResult(0);
}

struct OrthogonalizeToLoops : OpConversionPattern<dl::OrthogonalizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(dl::OrthogonalizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
    // The vectors to orthonormalize are W's rows.
    bool transpose = rows >= cols;
    int64_t count = transpose ? cols : rows, length = transpose ? rows : cols;
    Type f64 = rewriter.getF64Type();
    Value w = convertMatrix(rewriter, loc, adaptor.getInput(), f64, transpose);

    auto index = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto real = [&](OpBuilder &b, double v) -> Value {
      return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
    };
    Value zero = index(rewriter, 0), one = index(rewriter, 1);
    Value lengthValue = index(rewriter, length);
    // sum over k of f(k), as an scf.for carrying the sum.
    auto sumOver = [&](OpBuilder &b, llvm::function_ref<Value(OpBuilder &,
                                                              Value)> term) {
      return scf::ForOp::create(
                 b, loc, zero, lengthValue, one, ValueRange{real(b, 0.0)},
                 [&](OpBuilder &nested, Location, Value k, ValueRange acc) {
                   Value sum = arith::AddFOp::create(nested, loc, acc[0],
                                                     term(nested, k));
                   scf::YieldOp::create(nested, loc, sum);
                 })
          .getResult(0);
    };
    // W[j, k] = f(k, W[j, k]) for every k.
    auto updateRow = [&](OpBuilder &b, Value matrix, Value j,
                         llvm::function_ref<Value(OpBuilder &, Value, Value,
                                                  Value)> f) {
      return scf::ForOp::create(
                 b, loc, zero, lengthValue, one, ValueRange{matrix},
                 [&](OpBuilder &nested, Location, Value k, ValueRange args) {
                   Value old = tensor::ExtractOp::create(nested, loc, args[0],
                                                         ValueRange{j, k});
                   Value updated = f(nested, args[0], k, old);
                   Value next = tensor::InsertOp::create(
                       nested, loc, updated, args[0], ValueRange{j, k});
                   scf::YieldOp::create(nested, loc, next);
                 })
          .getResult(0);
    };

    auto rowsLoop = scf::ForOp::create(
        rewriter, loc, zero, index(rewriter, count), one, ValueRange{w},
        [&](OpBuilder &b, Location, Value j, ValueRange jArgs) {
          // Two passes of modified Gram-Schmidt against rows 0 .. j-1.
          auto passes = scf::ForOp::create(
              b, loc, zero, index(b, 2), one, ValueRange{jArgs[0]},
              [&](OpBuilder &b, Location, Value, ValueRange passArgs) {
                auto earlier = scf::ForOp::create(
                    b, loc, zero, j, one, ValueRange{passArgs[0]},
                    [&](OpBuilder &b, Location, Value i, ValueRange iArgs) {
                      Value m = iArgs[0];
                      Value r = sumOver(b, [&](OpBuilder &b, Value k) {
                        Value qi = tensor::ExtractOp::create(
                            b, loc, m, ValueRange{i, k});
                        Value v = tensor::ExtractOp::create(
                            b, loc, m, ValueRange{j, k});
                        return arith::MulFOp::create(b, loc, qi, v);
                      });
                      Value next = updateRow(
                          b, m, j,
                          [&](OpBuilder &b, Value current, Value k, Value old) {
                            Value qi = tensor::ExtractOp::create(
                                b, loc, current, ValueRange{i, k});
                            return arith::SubFOp::create(
                                b, loc, old, arith::MulFOp::create(b, loc, r, qi));
                          });
                      scf::YieldOp::create(b, loc, next);
                    });
                scf::YieldOp::create(b, loc, earlier.getResult(0));
              });
          Value m = passes.getResult(0);
          // Normalize; a row that is 0 stays 0.
          Value squares = sumOver(b, [&](OpBuilder &b, Value k) {
            Value v = tensor::ExtractOp::create(b, loc, m, ValueRange{j, k});
            return arith::MulFOp::create(b, loc, v, v);
          });
          Value positive = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OGT, squares, real(b, 0.0));
          Value scale = arith::SelectOp::create(
              b, loc, positive,
              arith::DivFOp::create(b, loc, real(b, 1.0),
                                    math::SqrtOp::create(b, loc, squares)),
              real(b, 0.0));
          Value normalized =
              updateRow(b, m, j, [&](OpBuilder &b, Value, Value, Value old) {
                return arith::MulFOp::create(b, loc, old, scale);
              });
          scf::YieldOp::create(b, loc, normalized);
        });
    Value q = convertMatrix(rewriter, loc, rowsLoop.getResult(0),
                            type.getElementType(), transpose);
    rewriter.replaceOp(op, q);
    return success();
  }
};

} // namespace

void dl::populateOrthogonalizeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<OrthogonalizeToLoops>(patterns.getContext());
}
