//===- DLOps.cpp - verifiers, type inference and folders of dl ops --------===//

#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <numeric>

using namespace mlir;
using namespace dl;

//===----------------------------------------------------------------------===//
// Custom assembly: `: T` when both operands have type T, else `: T1, T2`.
//===----------------------------------------------------------------------===//

static ParseResult parseBroadcastOperandTypes(OpAsmParser &parser, Type &lhs,
                                              Type &rhs) {
  if (parser.parseType(lhs))
    return failure();
  rhs = lhs;
  if (succeeded(parser.parseOptionalComma()))
    return parser.parseType(rhs);
  return success();
}

static void printBroadcastOperandTypes(OpAsmPrinter &printer, Operation *,
                                       Type lhs, Type rhs) {
  printer << lhs;
  if (rhs != lhs)
    printer << ", " << rhs;
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// The broadcast type of `operands` with element type `elementType`, or a
/// failure reported at `location`.
static LogicalResult inferBroadcastType(std::optional<Location> location,
                                        ValueRange operands, Type elementType,
                                        SmallVectorImpl<Type> &inferred) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value operand : operands)
    shapes.push_back(tensorType(operand).getShape());
  std::string why;
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(shapes, &why);
  if (!shape) {
    std::string types;
    llvm::raw_string_ostream os(types);
    llvm::interleave(
        operands, os, [&](Value v) { os << formatType(v.getType()); }, " and ");
    return emitOptionalError(location, "operands of shapes ", types,
                             " are not broadcastable: ", why);
  }
  inferred.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

static LogicalResult reifyBroadcast(Operation *op, OpBuilder &b,
                                    ReifiedRankedShapedTypeDims &shapes) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  shapes.push_back(getBroadcastResultDims(b, op->getLoc(), op->getOperands(),
                                          type.getShape()));
  return success();
}

static LogicalResult reifySameAs(Value source, Operation *op, OpBuilder &b,
                                 ReifiedRankedShapedTypeDims &shapes) {
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0, e = tensorType(source).getRank(); d < e; ++d)
    dims.push_back(getDimOpFoldResult(b, op->getLoc(), source, d));
  shapes.push_back(dims);
  return success();
}

static bool isSplatOf(Attribute attr, double value) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat())
    return false;
  Attribute element = dense.getSplatValue<Attribute>();
  if (auto f = dyn_cast<FloatAttr>(element))
    return f.getValueAsDouble() == value;
  if (auto i = dyn_cast<IntegerAttr>(element))
    return !i.getType().isInteger(1) && i.getValue().getSExtValue() == value;
  return false;
}

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp, IotaOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ConstantOp::verify() {
  if (!isa<RankedTensorType>(getValue().getType()))
    return emitOpError("value must be a ranked tensor");
  return success();
}

LogicalResult IotaOp::verify() {
  auto type = tensorType(getResult());
  if (failed(verifyAxis(*this, getDim(), type.getRank())))
    return failure();
  if (getSizes().size() != type.getNumDynamicDims())
    return emitOpError("expects ")
           << type.getNumDynamicDims() << " dynamic sizes, got "
           << getSizes().size();
  return success();
}

LogicalResult IotaOp::reifyResultShapes(OpBuilder &b,
                                        ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(getMixedSizes(b, tensorType(getResult()), getSizes()));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

#define DL_REIFY_BROADCAST(OP)                                                 \
  LogicalResult OP::reifyResultShapes(OpBuilder &b,                           \
                                      ReifiedRankedShapedTypeDims &shapes) {   \
    return reifyBroadcast(*this, b, shapes);                                   \
  }

#define DL_UNARY_OP(OP)                                                        \
  DL_REIFY_BROADCAST(OP)                                                       \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldElementwiseConstants(*this, adaptor.getOperands());             \
  }

DL_UNARY_OP(AbsOp)
DL_UNARY_OP(SignOp)
DL_UNARY_OP(ExpOp)
DL_UNARY_OP(Expm1Op)
DL_UNARY_OP(LogOp)
DL_UNARY_OP(Log1pOp)
DL_UNARY_OP(SqrtOp)
DL_UNARY_OP(RsqrtOp)
DL_UNARY_OP(SinOp)
DL_UNARY_OP(CosOp)
DL_UNARY_OP(TanhOp)
DL_UNARY_OP(ErfOp)
DL_UNARY_OP(FloorOp)
DL_UNARY_OP(CeilOp)
DL_UNARY_OP(RoundOp)
DL_UNARY_OP(SigmoidOp)
DL_REIFY_BROADCAST(NegOp)
DL_REIFY_BROADCAST(NotOp)

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NotOp>())
    return inner.getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (dense.isSplat())
      return DenseElementsAttr::get(getType(),
                                    !dense.getSplatValue<bool>());
  return {};
}

// Binary ops.
#define DL_BINARY_INFER(OP)                                                    \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> l, \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &inferred) {        \
    return inferBroadcastType(                                                 \
        l, adaptor.getOperands(),                                              \
        getElementTypeOrSelf(adaptor.getLhs().getType()), inferred);           \
  }                                                                            \
  DL_REIFY_BROADCAST(OP)

DL_BINARY_INFER(AddOp)
DL_BINARY_INFER(SubOp)
DL_BINARY_INFER(MulOp)
DL_BINARY_INFER(DivOp)
DL_BINARY_INFER(RemOp)
DL_BINARY_INFER(PowOp)
DL_BINARY_INFER(MaxOp)
DL_BINARY_INFER(MinOp)
DL_BINARY_INFER(AndOp)
DL_BINARY_INFER(OrOp)

/// x op identity -> x, when x already has the result type.
static OpFoldResult foldRightIdentity(Operation *op, Value lhs,
                                      Attribute rhsAttr, double identity) {
  if (lhs.getType() == op->getResult(0).getType() &&
      isSplatOf(rhsAttr, identity))
    return lhs;
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldRightIdentity(*this, getLhs(), adaptor.getRhs(), 0))
    return r;
  if (OpFoldResult r = foldRightIdentity(*this, getRhs(), adaptor.getLhs(), 0))
    return r;
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldRightIdentity(*this, getLhs(), adaptor.getRhs(), 0))
    return r;
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldRightIdentity(*this, getLhs(), adaptor.getRhs(), 1))
    return r;
  if (OpFoldResult r = foldRightIdentity(*this, getRhs(), adaptor.getLhs(), 1))
    return r;
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldRightIdentity(*this, getLhs(), adaptor.getRhs(), 1))
    return r;
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult RemOp::fold(FoldAdaptor adaptor) {
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldRightIdentity(*this, getLhs(), adaptor.getRhs(), 1))
    return r;
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

LogicalResult CmpOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcastType(location, adaptor.getOperands(),
                            IntegerType::get(context, 1), inferred);
}
DL_REIFY_BROADCAST(CmpOp)

OpFoldResult CmpOp::fold(FoldAdaptor adaptor) {
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferBroadcastType(location, adaptor.getOperands(),
                            getElementTypeOrSelf(adaptor.getLhs().getType()),
                            inferred);
}
DL_REIFY_BROADCAST(SelectOp)

LogicalResult SelectOp::verify() {
  if (getElementTypeOrSelf(getLhs().getType()) !=
      getElementTypeOrSelf(getRhs().getType()))
    return emitOpError("branches have different element types: ")
           << getLhs().getType() << " and " << getRhs().getType();
  return success();
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  Type type = getType();
  if (getLhs() == getRhs() && getLhs().getType() == type)
    return getLhs();
  if (auto cond = dyn_cast_or_null<DenseElementsAttr>(adaptor.getCondition()))
    if (cond.isSplat()) {
      Value chosen = cond.getSplatValue<bool>() ? getLhs() : getRhs();
      if (chosen.getType() == type)
        return chosen;
    }
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

DL_REIFY_BROADCAST(CastOp)

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return foldElementwiseConstants(*this, adaptor.getOperands());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

/// Whether two contracted extents can be equal.
static bool extentsMayMatch(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  auto mismatch = [&](StringRef what) {
    return emitOptionalError(location, "matmul of ", formatType(lhs), " and ",
                             formatType(rhs), ": ", what);
  };
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return mismatch("operands must have at least one dimension");
  SmallVector<int64_t> a(lhs.getShape()), b(rhs.getShape());
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  int64_t k1 = a[a.size() - 1], k2 = b[b.size() - 2];
  if (!extentsMayMatch(k1, k2))
    return mismatch("contracted dimensions differ (" + std::to_string(k1) +
                    " and " + std::to_string(k2) + ")");
  ArrayRef<int64_t> batchA(a.data(), a.size() - 2);
  ArrayRef<int64_t> batchB(b.data(), b.size() - 2);
  std::string why;
  auto batch = broadcastShapes({batchA, batchB}, &why);
  if (!batch)
    return mismatch("batch dimensions are not broadcastable: " + why);
  SmallVector<int64_t> shape(*batch);
  if (!lhsVector)
    shape.push_back(a[a.size() - 2]);
  if (!rhsVector)
    shape.push_back(b[b.size() - 1]);
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

LogicalResult MatmulOp::reifyResultShapes(OpBuilder &b,
                                          ReifiedRankedShapedTypeDims &shapes) {
  Location loc = getLoc();
  auto resultType = tensorType(getResult());
  int64_t ra = tensorType(getLhs()).getRank();
  int64_t rb = tensorType(getRhs()).getRank();
  int64_t rank = resultType.getRank();
  // Trailing result dimensions: M (from lhs) and N (from rhs), when present.
  int64_t trailing = (ra > 1 ? 1 : 0) + (rb > 1 ? 1 : 0);
  int64_t batchRank = rank - trailing;
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < batchRank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      dims.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    // A dynamic batch extent comes from an operand with a dynamic extent.
    int64_t da = d - (batchRank - std::max<int64_t>(ra - 2, 0));
    if (da >= 0 && tensorType(getLhs()).isDynamicDim(da))
      dims.push_back(getDimOpFoldResult(b, loc, getLhs(), da));
    else
      dims.push_back(getDimOpFoldResult(
          b, loc, getRhs(), d - (batchRank - std::max<int64_t>(rb - 2, 0))));
  }
  if (ra > 1)
    dims.push_back(getDimOpFoldResult(b, loc, getLhs(), ra - 2));
  if (rb > 1)
    dims.push_back(getDimOpFoldResult(b, loc, getRhs(), rb - 1));
  shapes.push_back(dims);
  return success();
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

static bool isPermutation(ArrayRef<int64_t> perm) {
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)perm.size() || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if ((int64_t)perm.size() != type.getRank() || !isPermutation(perm))
    return emitOptionalError(location, "invalid permutation for rank ",
                             type.getRank());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

LogicalResult TransposeOp::verify() { return success(); }

LogicalResult
TransposeOp::reifyResultShapes(OpBuilder &b,
                               ReifiedRankedShapedTypeDims &shapes) {
  SmallVector<OpFoldResult> dims;
  for (int64_t p : getPermutation())
    dims.push_back(getDimOpFoldResult(b, getLoc(), getInput(), p));
  shapes.push_back(dims);
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  for (int64_t i = 0, e = perm.size(); i < e; ++i)
    if (perm[i] != i)
      return {};
  return getInput();
}

namespace {
/// transpose(transpose(x, p), q) -> transpose(x, p o q).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPermutation())
      composed.push_back(inner.getPermutation()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, inner.getInput(),
                                             composed);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ComposeTransposes>(context);
}

//===----------------------------------------------------------------------===//
// ReshapeOp, BroadcastToOp, SumToOp
//===----------------------------------------------------------------------===//

static LogicalResult verifyDynamicSizes(Operation *op, RankedTensorType type,
                                        ValueRange sizes) {
  if (sizes.size() != type.getNumDynamicDims())
    return op->emitOpError("expects ")
           << type.getNumDynamicDims() << " dynamic sizes for "
           << formatType(type) << ", got " << sizes.size();
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getResult());
  if (failed(verifyDynamicSizes(*this, out, getSizes())))
    return failure();
  if (in.getElementType() != out.getElementType())
    return emitOpError("cannot change the element type");
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << formatType(in) << " (" << in.getNumElements()
           << " elements) to " << formatType(out) << " ("
           << out.getNumElements() << " elements)";
  return success();
}

LogicalResult ReshapeOp::reifyResultShapes(OpBuilder &b,
                                           ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(getMixedSizes(b, tensorType(getResult()), getSizes()));
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return {};
}

namespace {
/// reshape(reshape(x)) -> reshape(x).
struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), inner.getInput(),
                                           op.getSizes());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<ComposeReshapes>(context);
}

/// Whether `small` broadcasts to `large` by NumPy's rules (trailing
/// alignment, static 1 stretches, dynamic matches dynamic).
static LogicalResult verifyBroadcastsTo(Operation *op, RankedTensorType small,
                                        RankedTensorType large) {
  auto fail = [&]() {
    return op->emitOpError("shape ")
           << formatType(small) << " does not broadcast to "
           << formatType(large);
  };
  if (small.getRank() > large.getRank())
    return fail();
  int64_t lead = large.getRank() - small.getRank();
  for (int64_t d = 0; d < small.getRank(); ++d) {
    int64_t s = small.getDimSize(d), l = large.getDimSize(lead + d);
    if (s == 1 || s == l)
      continue;
    return fail();
  }
  if (small.getElementType() != large.getElementType())
    return op->emitOpError("cannot change the element type");
  return success();
}

LogicalResult BroadcastToOp::verify() {
  auto out = tensorType(getResult());
  if (failed(verifyDynamicSizes(*this, out, getSizes())))
    return failure();
  return verifyBroadcastsTo(*this, tensorType(getInput()), out);
}

LogicalResult
BroadcastToOp::reifyResultShapes(OpBuilder &b,
                                 ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(getMixedSizes(b, tensorType(getResult()), getSizes()));
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (dense.isSplat() && getType().hasStaticShape())
      return DenseElementsAttr::get(getType(),
                                    dense.getSplatValue<Attribute>());
  return {};
}

LogicalResult SumToOp::verify() {
  return verifyBroadcastsTo(*this, tensorType(getResult()),
                            tensorType(getInput()));
}

LogicalResult SumToOp::reifyResultShapes(OpBuilder &b,
                                         ReifiedRankedShapedTypeDims &shapes) {
  auto in = tensorType(getInput()), out = tensorType(getResult());
  int64_t lead = in.getRank() - out.getRank();
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < out.getRank(); ++d)
    dims.push_back(out.isDynamicDim(d)
                       ? getDimOpFoldResult(b, getLoc(), getInput(), lead + d)
                       : b.getIndexAttr(out.getDimSize(d)));
  shapes.push_back(dims);
  return success();
}

OpFoldResult SumToOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> reducedShape(RankedTensorType type,
                                         ArrayRef<int64_t> axes,
                                         bool keepdims) {
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
    else if (keepdims)
      shape.push_back(1);
  }
  return shape;
}

static LogicalResult reifyReduced(Operation *op, Value input,
                                  ArrayRef<int64_t> axes, bool keepdims,
                                  OpBuilder &b,
                                  ReifiedRankedShapedTypeDims &shapes) {
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0, e = tensorType(input).getRank(); d < e; ++d) {
    if (!llvm::is_contained(axes, d))
      dims.push_back(getDimOpFoldResult(b, op->getLoc(), input, d));
    else if (keepdims)
      dims.push_back(b.getIndexAttr(1));
  }
  shapes.push_back(dims);
  return success();
}

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  inferred.push_back(RankedTensorType::get(
      reducedShape(type, adaptor.getAxes(), adaptor.getKeepdims()),
      type.getElementType()));
  return success();
}

LogicalResult ReduceOp::verify() {
  auto type = tensorType(getInput());
  ArrayRef<int64_t> axes = getAxes();
  for (size_t i = 0; i < axes.size(); ++i) {
    if (failed(verifyAxis(*this, axes[i], type.getRank())))
      return failure();
    if (i > 0 && axes[i] <= axes[i - 1])
      return emitOpError("axes must be sorted and distinct");
  }
  if (getKind() == ReduceKind::mean && !isa<FloatType>(type.getElementType()))
    return emitOpError("mean needs a floating-point input");
  return success();
}

LogicalResult ReduceOp::reifyResultShapes(OpBuilder &b,
                                          ReifiedRankedShapedTypeDims &shapes) {
  return reifyReduced(*this, getInput(), getAxes(), getKeepdims(), b, shapes);
}

#define DL_ARG_REDUCE(OP)                                                      \
  LogicalResult OP::inferReturnTypes(MLIRContext *context,                     \
                                     std::optional<Location>, Adaptor adaptor, \
                                     SmallVectorImpl<Type> &inferred) {        \
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());          \
    inferred.push_back(RankedTensorType::get(                                  \
        reducedShape(type, {(int64_t)adaptor.getAxis()}, adaptor.getKeepdims()),     \
        IntegerType::get(context, 64)));                                       \
    return success();                                                          \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    return verifyAxis(*this, getAxis(), tensorType(getInput()).getRank());     \
  }                                                                            \
  LogicalResult OP::reifyResultShapes(OpBuilder &b,                            \
                                      ReifiedRankedShapedTypeDims &shapes) {   \
    return reifyReduced(*this, getInput(), {(int64_t)getAxis()}, getKeepdims(), b,\
                        shapes);                                               \
  }
DL_ARG_REDUCE(ArgMaxOp)
DL_ARG_REDUCE(ArgMinOp)

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(location, "concat needs at least one input");
  auto first = cast<RankedTensorType>(inputs[0].getType());
  int64_t rank = first.getRank(), axis = adaptor.getAxis();
  if (axis < 0 || axis >= rank)
    return emitOptionalError(location, "axis ", axis,
                             " is out of range for rank ", rank);
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : inputs.drop_front()) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != rank)
      return emitOptionalError(location, "cannot concatenate ",
                               formatType(first), " and ", formatType(type),
                               ": ranks differ");
    for (int64_t d = 0; d < rank; ++d) {
      int64_t e = type.getDimSize(d);
      if (d == axis) {
        shape[d] = ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(e)
                       ? ShapedType::kDynamic
                       : shape[d] + e;
      } else if (!extentsMayMatch(shape[d], e)) {
        return emitOptionalError(location, "cannot concatenate ",
                                 formatType(first), " and ", formatType(type),
                                 " along axis ", axis, ": dimension ", d,
                                 " differs");
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = e;
      }
    }
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult ConcatOp::verify() { return success(); }

LogicalResult ConcatOp::reifyResultShapes(OpBuilder &b,
                                          ReifiedRankedShapedTypeDims &shapes) {
  Location loc = getLoc();
  auto type = tensorType(getResult());
  int64_t axis = getAxis();
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      dims.push_back(b.getIndexAttr(type.getDimSize(d)));
    } else if (d == axis) {
      Value total = arith::ConstantIndexOp::create(b, loc, 0);
      for (Value input : getInputs())
        total = arith::AddIOp::create(b, loc, total,
                                      getDimValue(b, loc, input, d));
      dims.push_back(total);
    } else {
      Value source = getInputs()[0];
      for (Value input : getInputs())
        if (tensorType(input).isDynamicDim(d))
          source = input;
      dims.push_back(getDimOpFoldResult(b, loc, source, d));
    }
  }
  shapes.push_back(dims);
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  return {};
}

//===----------------------------------------------------------------------===//
// SliceOp, InsertSliceOp
//===----------------------------------------------------------------------===//

/// Checks the static parts of a strided window over `whole` whose shape is
/// `window`.
static LogicalResult verifyWindow(Operation *op, RankedTensorType whole,
                                  RankedTensorType window,
                                  ArrayRef<int64_t> offsets,
                                  ArrayRef<int64_t> sizes,
                                  ArrayRef<int64_t> strides,
                                  ValueRange dynOffsets, ValueRange dynSizes,
                                  ValueRange dynStrides) {
  int64_t rank = whole.getRank();
  if ((int64_t)offsets.size() != rank || (int64_t)sizes.size() != rank ||
      (int64_t)strides.size() != rank)
    return op->emitOpError("expects ")
           << rank << " offsets, sizes and strides";
  auto countDynamic = [](ArrayRef<int64_t> v) {
    return llvm::count_if(v, ShapedType::isDynamic);
  };
  if (countDynamic(offsets) != (int64_t)dynOffsets.size() ||
      countDynamic(sizes) != (int64_t)dynSizes.size() ||
      countDynamic(strides) != (int64_t)dynStrides.size())
    return op->emitOpError("dynamic offsets, sizes or strides do not match "
                           "their static placeholders");
  if (window.getRank() != rank)
    return op->emitOpError("window rank differs from the tensor's");
  for (int64_t d = 0; d < rank; ++d) {
    if (window.getDimSize(d) != sizes[d])
      return op->emitOpError("window type ")
             << formatType(window) << " does not match the sizes";
    if (!ShapedType::isDynamic(strides[d]) && strides[d] <= 0)
      return op->emitOpError("strides must be positive");
    if (!ShapedType::isDynamic(offsets[d]) && offsets[d] < 0)
      return op->emitOpError("offsets must be non-negative");
    if (ShapedType::isDynamic(offsets[d]) || ShapedType::isDynamic(sizes[d]) ||
        ShapedType::isDynamic(strides[d]) || whole.isDynamicDim(d) ||
        sizes[d] == 0)
      continue;
    if (offsets[d] + (sizes[d] - 1) * strides[d] >= whole.getDimSize(d))
      return op->emitOpError("window runs past the end of dimension ")
             << d << " of " << formatType(whole);
  }
  if (whole.getElementType() != window.getElementType())
    return op->emitOpError("element types differ");
  return success();
}

LogicalResult SliceOp::verify() {
  return verifyWindow(*this, tensorType(getInput()), tensorType(getResult()),
                      getStaticOffsets(), getStaticSizes(), getStaticStrides(),
                      getOffsets(), getSizes(), getStrides());
}

LogicalResult SliceOp::reifyResultShapes(OpBuilder &b,
                                         ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(getMixedValues(getStaticSizes(), getSizes(), b));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  auto in = tensorType(getInput());
  if (in != getType() || !in.hasStaticShape())
    return {};
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (getStaticOffsets()[d] != 0 || getStaticStrides()[d] != 1)
      return {};
  return getInput();
}

LogicalResult InsertSliceOp::verify() {
  return verifyWindow(*this, tensorType(getDest()), tensorType(getSource()),
                      getStaticOffsets(), getStaticSizes(), getStaticStrides(),
                      getOffsets(), getSizes(), getStrides());
}

LogicalResult
InsertSliceOp::reifyResultShapes(OpBuilder &b,
                                 ReifiedRankedShapedTypeDims &shapes) {
  return reifySameAs(getDest(), *this, b, shapes);
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> low = adaptor.getLow(), high = adaptor.getHigh();
  if ((int64_t)low.size() != type.getRank() ||
      (int64_t)high.size() != type.getRank())
    return emitOptionalError(location, "expects ", type.getRank(),
                             " low and high padding amounts");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    shape.push_back(type.isDynamicDim(d)
                        ? ShapedType::kDynamic
                        : type.getDimSize(d) + low[d] + high[d]);
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

LogicalResult PadOp::verify() {
  for (int64_t amount : llvm::concat<const int64_t>(getLow(), getHigh()))
    if (amount < 0)
      return emitOpError("padding amounts must be non-negative");
  if (getValue().getType() != getElementTypeOrSelf(getInput().getType()))
    return emitOpError("padding value type ")
           << getValue().getType() << " differs from the element type";
  return success();
}

LogicalResult PadOp::reifyResultShapes(OpBuilder &b,
                                       ReifiedRankedShapedTypeDims &shapes) {
  Location loc = getLoc();
  auto type = tensorType(getResult());
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      dims.push_back(b.getIndexAttr(type.getDimSize(d)));
      continue;
    }
    Value extent = getDimValue(b, loc, getInput(), d);
    Value amount = arith::ConstantIndexOp::create(
        b, loc, getLow()[d] + getHigh()[d]);
    dims.push_back(arith::AddIOp::create(b, loc, extent, amount).getResult());
  }
  shapes.push_back(dims);
  return success();
}

//===----------------------------------------------------------------------===//
// GatherOp, ScatterAddOp, OneHotOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  auto idx = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t axis = adaptor.getAxis();
  if (in.getRank() != idx.getRank())
    return emitOptionalError(location, "gather from ", formatType(in),
                             " with indices ", formatType(idx),
                             ": ranks differ");
  if (axis < 0 || axis >= in.getRank())
    return emitOptionalError(location, "axis ", axis,
                             " is out of range for rank ", in.getRank());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (d == axis) {
      shape.push_back(idx.getDimSize(d));
      continue;
    }
    std::string why;
    auto b = broadcastShapes({in.getShape().slice(d, 1),
                              idx.getShape().slice(d, 1)},
                             &why);
    if (!b)
      return emitOptionalError(location, "gather from ", formatType(in),
                               " with indices ", formatType(idx),
                               ": dimension ", d, ": ", why);
    shape.push_back((*b)[0]);
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult GatherOp::verify() { return success(); }

LogicalResult GatherOp::reifyResultShapes(OpBuilder &b,
                                          ReifiedRankedShapedTypeDims &shapes) {
  Location loc = getLoc();
  auto type = tensorType(getResult());
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      dims.push_back(b.getIndexAttr(type.getDimSize(d)));
    else if (d == (int64_t)getAxis() ||
             tensorType(getIndices()).isDynamicDim(d))
      dims.push_back(getDimOpFoldResult(b, loc, getIndices(), d));
    else
      dims.push_back(getDimOpFoldResult(b, loc, getInput(), d));
  }
  shapes.push_back(dims);
  return success();
}

LogicalResult ScatterAddOp::verify() {
  auto src = tensorType(getSource()), dest = tensorType(getDest());
  auto idx = tensorType(getIndices());
  if (src.getShape() != idx.getShape())
    return emitOpError("source ")
           << formatType(src) << " and indices " << formatType(idx)
           << " must have the same shape";
  if (src.getRank() != dest.getRank())
    return emitOpError("source and destination ranks differ");
  if (failed(verifyAxis(*this, getAxis(), dest.getRank())))
    return failure();
  for (int64_t d = 0; d < dest.getRank(); ++d)
    if (d != (int64_t)getAxis() &&
        !extentsMayMatch(src.getDimSize(d), dest.getDimSize(d)))
      return emitOpError("dimension ")
             << d << " of the source " << formatType(src)
             << " differs from the destination " << formatType(dest);
  if (src.getElementType() != dest.getElementType())
    return emitOpError("element types differ");
  return success();
}

LogicalResult
ScatterAddOp::reifyResultShapes(OpBuilder &b,
                                ReifiedRankedShapedTypeDims &shapes) {
  return reifySameAs(getDest(), *this, b, shapes);
}

LogicalResult OneHotOp::verify() {
  auto idx = tensorType(getIndices()), out = tensorType(getResult());
  if (getNumClasses() <= 0)
    return emitOpError("needs a positive number of classes");
  if (out.getRank() != idx.getRank() + 1 ||
      out.getShape().drop_back() != idx.getShape() ||
      out.getShape().back() != (int64_t)getNumClasses())
    return emitOpError("result must have shape ")
           << formatType(idx) << " with " << getNumClasses()
           << " appended, got " << formatType(out);
  return success();
}

LogicalResult OneHotOp::reifyResultShapes(OpBuilder &b,
                                          ReifiedRankedShapedTypeDims &shapes) {
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0, e = tensorType(getIndices()).getRank(); d < e; ++d)
    dims.push_back(getDimOpFoldResult(b, getLoc(), getIndices(), d));
  dims.push_back(b.getIndexAttr(getNumClasses()));
  shapes.push_back(dims);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax
//===----------------------------------------------------------------------===//

#define DL_SOFTMAX_LIKE(OP)                                                    \
  LogicalResult OP::verify() {                                                 \
    return verifyAxis(*this, getAxis(), getType().getRank());                  \
  }                                                                            \
  LogicalResult OP::reifyResultShapes(OpBuilder &b,                            \
                                      ReifiedRankedShapedTypeDims &shapes) {   \
    return reifySameAs(getInput(), *this, b, shapes);                          \
  }
DL_SOFTMAX_LIKE(SoftmaxOp)
DL_SOFTMAX_LIKE(LogSoftmaxOp)

//===----------------------------------------------------------------------===//
// GradOp
//===----------------------------------------------------------------------===//

LogicalResult GradOp::verify() {
  ArrayRef<int64_t> wrt = getWrt();
  for (size_t i = 0; i < wrt.size(); ++i) {
    if (wrt[i] < 0 || wrt[i] >= (int64_t)getArguments().size())
      return emitOpError("wrt index ")
             << wrt[i] << " is out of range for " << getArguments().size()
             << " arguments";
    if (i > 0 && wrt[i] <= wrt[i - 1])
      return emitOpError("wrt indices must be sorted and distinct");
    if (!isa<FloatType>(getElementTypeOrSelf(getArguments()[wrt[i]].getType())))
      return emitOpError("argument ")
             << wrt[i] << " is not floating point: it has no gradient";
  }
  return success();
}

LogicalResult GradOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto callee =
      symbols.lookupNearestSymbolFrom<func::FuncOp>(*this, getCalleeAttr());
  if (!callee)
    return emitOpError("'") << getCallee() << "' is not a function";
  FunctionType type = callee.getFunctionType();
  if (TypeRange(type.getInputs()) != TypeRange(getArguments().getTypes()))
    return emitOpError("arguments do not match the inputs of '")
           << getCallee() << "'";
  if (type.getNumResults() == 0 ||
      cast<ShapedType>(type.getResult(0)).getRank() != 0 ||
      !isa<FloatType>(getElementTypeOrSelf(type.getResult(0))))
    return emitOpError("'") << getCallee()
                            << "' must return a 0-d floating-point tensor "
                               "first, the value to differentiate";
  SmallVector<Type> expected;
  if (getWithValue())
    llvm::append_range(expected, type.getResults());
  for (int64_t index : getWrt())
    expected.push_back(getArguments()[index].getType());
  if (TypeRange(expected) != getResultTypes())
    return emitOpError("results must be ")
           << (getWithValue() ? "the callee's results and " : "")
           << "the gradients of the wrt arguments";
  return success();
}

//===----------------------------------------------------------------------===//
// AssertOp
//===----------------------------------------------------------------------===//

namespace {
/// Drops assertions whose condition is the constant true.
struct RemoveTrueAssert : OpRewritePattern<AssertOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AssertOp op,
                                PatternRewriter &rewriter) const override {
    if (!matchPattern(op.getCondition(), m_One()))
      return failure();
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void AssertOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<RemoveTrueAssert>(context);
}

//===----------------------------------------------------------------------===//
// CheckFiniteOp
//===----------------------------------------------------------------------===//

LogicalResult CheckFiniteOp::verify() {
  // The message becomes a NUL-terminated C string.
  if (getMessage().empty())
    return emitOpError("needs a message saying which value is checked");
  if (getMessage().contains('\0'))
    return emitOpError("message must not contain a NUL character");
  return success();
}

#include "DL/DLEnums.cpp.inc"
#include "DL/DLInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "DL/DLOps.cpp.inc"
