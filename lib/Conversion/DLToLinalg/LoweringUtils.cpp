//===- LoweringUtils.cpp - helpers shared by the dl lowerings -------------===//

#include "LoweringUtils.h"

#include "dl/Dialect/ShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;

namespace dl::lowering {

//===----------------------------------------------------------------------===//
// Run-time checks
//===----------------------------------------------------------------------===//

std::string formatLocation(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto name = dyn_cast<NameLoc>(loc))
    return formatLocation(name.getChildLoc());
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return formatLocation(callSite.getCallee());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string text = formatLocation(inner); !text.empty())
        return text;
  return "";
}

std::string escapeFormat(StringRef text) {
  std::string escaped;
  for (char c : text) {
    escaped += c;
    if (c == '%')
      escaped += '%';
  }
  return escaped;
}

/// `format` with every `%%` printed as `%`, for a format without arguments.
static std::string unescapeFormat(StringRef format) {
  std::string text;
  for (size_t i = 0; i < format.size(); ++i) {
    text += format[i];
    if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == '%')
      ++i;
  }
  return text;
}

/// The external function `name` of type `type`, declared in `module` on
/// first use.
static LLVM::LLVMFuncOp getOrDeclareFunction(OpBuilder &b, ModuleOp module,
                                             StringRef name,
                                             LLVM::LLVMFunctionType type,
                                             bool noReturn) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto function = LLVM::LLVMFuncOp::create(b, module.getLoc(), name, type);
  if (noReturn)
    function.setPassthroughAttr(b.getArrayAttr({b.getStringAttr("noreturn")}));
  function.setNoUnwind(true);
  return function;
}

static constexpr llvm::StringLiteral kMessagePrefix = "__dl_check_message_";

/// A private constant global holding the NUL-terminated `text`, shared by
/// every check with the same text.
static LLVM::GlobalOp getOrCreateString(OpBuilder &b, ModuleOp module,
                                        StringRef text) {
  std::string value = (text + Twine('\0')).str();
  unsigned count = 0;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    if (!global.getSymName().starts_with(kMessagePrefix))
      continue;
    ++count;
    if (auto existing = dyn_cast_or_null<StringAttr>(global.getValueOrNull()))
      if (existing.getValue() == value)
        return global;
  }
  std::string name;
  do
    name = (kMessagePrefix + Twine(count++)).str();
  while (module.lookupSymbol(name));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto type = LLVM::LLVMArrayType::get(b.getI8Type(), value.size());
  return LLVM::GlobalOp::create(b, module.getLoc(), type, /*isConstant=*/true,
                                LLVM::Linkage::Private, name,
                                b.getStringAttr(value));
}

void emitCheck(OpBuilder &b, Location loc, Value ok, StringRef message,
               ValueRange values, bool withLocation) {
  auto module = cast<ModuleOp>(
      SymbolTable::getNearestSymbolTable(b.getInsertionBlock()->getParentOp()));
  MLIRContext *context = b.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(context);
  auto voidType = LLVM::LLVMVoidType::get(context);
  std::string where = withLocation ? formatLocation(loc) : "";
  std::string prefix = where.empty() ? "" : escapeFormat(where) + ": ";
  std::string format = prefix + message.str();

  LLVM::LLVMFuncOp fail = getOrDeclareFunction(
      b, module, "dlrt_fail", LLVM::LLVMFunctionType::get(voidType, {ptrType}),
      /*noReturn=*/true);
  LLVM::GlobalOp text = getOrCreateString(
      b, module, values.empty() ? unescapeFormat(format) : format);
  LLVM::LLVMFuncOp snprintf;
  if (!values.empty())
    snprintf = getOrDeclareFunction(
        b, module, "snprintf",
        LLVM::LLVMFunctionType::get(b.getI32Type(),
                                    {ptrType, b.getI64Type(), ptrType},
                                    /*isVarArg=*/true),
        /*noReturn=*/false);

  Value failed = arith::XOrIOp::create(
      b, loc, ok, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
  scf::IfOp::create(b, loc, failed, [&](OpBuilder &then, Location loc) {
    Value textAddress = LLVM::AddressOfOp::create(then, loc, text);
    if (values.empty()) {
      LLVM::CallOp::create(then, loc, fail, ValueRange{textAddress});
    } else {
      // The message with its values, in a stack buffer: dlrt_fail copies it
      // before unwinding.
      constexpr int64_t kBufferSize = 512;
      Value size =
          LLVM::ConstantOp::create(then, loc, then.getI64Type(), kBufferSize);
      Value buffer =
          LLVM::AllocaOp::create(then, loc, ptrType, then.getI8Type(), size);
      SmallVector<Value> arguments = {buffer, size, textAddress};
      for (Value value : values) {
        if (value.getType().isIndex())
          arguments.push_back(
              arith::IndexCastOp::create(then, loc, then.getI64Type(), value));
        else if (value.getType().getIntOrFloatBitWidth() < 64)
          arguments.push_back(
              arith::ExtSIOp::create(then, loc, then.getI64Type(), value));
        else
          arguments.push_back(value);
      }
      LLVM::CallOp::create(then, loc, snprintf, arguments);
      LLVM::CallOp::create(then, loc, fail, ValueRange{buffer});
    }
    scf::YieldOp::create(then, loc);
  });
}

void emitEqualityCheck(OpBuilder &b, Location loc, Value a, Value c,
                       StringRef message) {
  if (a == c)
    return;
  std::optional<int64_t> ca = getConstantIntValue(a),
                         cc = getConstantIntValue(c);
  if (ca && cc && *ca == *cc)
    return;
  Value equal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, c);
  emitCheck(b, loc, equal, message, {a, c});
}

//===----------------------------------------------------------------------===//
// Shapes and tensors
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<OpFoldResult>> reifyResultSizes(OpBuilder &b,
                                                      Operation *op) {
  ReifiedRankedShapedTypeDims shapes;
  if (failed(mlir::reifyResultShapes(b, op, shapes)) || shapes.empty())
    return op->emitOpError("cannot compute the extents of its result");
  return shapes.front();
}

SmallVector<OpFoldResult> getSizes(OpBuilder &b, Location loc, Value value) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0, e = tensorType(value).getRank(); d < e; ++d)
    sizes.push_back(getDimOpFoldResult(b, loc, value, d));
  return sizes;
}

Value createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value value) {
  Value empty = createEmpty(b, loc, sizes, value.getType());
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

AffineMap getBroadcastMap(MLIRContext *context, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size();
  int64_t lead = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0, e = operandShape.size(); i < e; ++i) {
    if (operandShape[i] == 1 && resultShape[lead + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, context));
    else
      exprs.push_back(getAffineDimExpr(lead + i, context));
  }
  return AffineMap::get(rank, 0, exprs, context);
}

void emitBroadcastChecks(OpBuilder &b, Location loc, ValueRange operands,
                         int64_t resultRank) {
  for (int64_t j = 0; j < resultRank; ++j) {
    Value reference;
    Value referenceExtent;
    for (Value operand : operands) {
      RankedTensorType type = tensorType(operand);
      int64_t d = j - (resultRank - type.getRank());
      if (d < 0 || !type.isDynamicDim(d))
        continue;
      if (!reference) {
        reference = operand;
        referenceExtent = tensor::DimOp::create(b, loc, operand, d);
        continue;
      }
      // The same tensor seen twice (x + x) has equal extents.
      if (operand == reference)
        continue;
      Value extent = tensor::DimOp::create(b, loc, operand, d);
      emitEqualityCheck(b, loc, referenceExtent, extent,
                        "extents %lld and %lld of dimension " +
                            std::to_string(j) + " differ");
    }
  }
}

Value broadcastTo(OpBuilder &b, Location loc, Value source,
                  ArrayRef<int64_t> resultShape, ArrayRef<OpFoldResult> sizes) {
  RankedTensorType type = tensorType(source);
  if (type.getShape() == resultShape)
    return source;
  MLIRContext *context = b.getContext();
  int64_t rank = resultShape.size();
  Value init = createEmpty(b, loc, sizes, type.getElementType());
  SmallVector<AffineMap> maps = {
      getBroadcastMap(context, type.getShape(), resultShape),
      AffineMap::getMultiDimIdentityMap(rank, context)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{source}, ValueRange{init}, maps,
             iterators,
             [](OpBuilder &nested, Location loc, ValueRange args) {
               linalg::YieldOp::create(nested, loc, args[0]);
             })
      .getResult(0);
}

SmallVector<ReassociationIndices>
getUnitDimReassociation(ArrayRef<bool> isInserted) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t i = 0, e = isInserted.size(); i < e; ++i) {
    pending.push_back(i);
    if (!isInserted[i]) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  // Trailing unit dimensions join the last group; with no kept dimension
  // at all (a rank-0 tensor) the reassociation is empty.
  if (!pending.empty() && !groups.empty())
    groups.back().append(pending.begin(), pending.end());
  return groups;
}

Value insertUnitDims(OpBuilder &b, Location loc, Value value,
                     RankedTensorType type, ArrayRef<bool> isInserted,
                     ArrayRef<OpFoldResult> sizes) {
  if (!llvm::is_contained(isInserted, true))
    return value;
  return tensor::ExpandShapeOp::create(
      b, loc, type, value, getUnitDimReassociation(isInserted), sizes);
}

Value dropUnitDims(OpBuilder &b, Location loc, Value value,
                   ArrayRef<bool> isRemoved) {
  if (!llvm::is_contained(isRemoved, true))
    return value;
  RankedTensorType type = tensorType(value);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!isRemoved[d])
      shape.push_back(type.getDimSize(d));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::CollapseShapeOp::create(b, loc, resultType, value,
                                         getUnitDimReassociation(isRemoved));
}

Value getProduct(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes) {
  int64_t staticProduct = 1;
  Value product;
  for (OpFoldResult size : sizes) {
    if (std::optional<int64_t> c = getConstantIntValue(size)) {
      staticProduct *= *c;
      continue;
    }
    Value v = cast<Value>(size);
    product = product ? arith::MulIOp::create(b, loc, product, v) : v;
  }
  Value constant = arith::ConstantIndexOp::create(b, loc, staticProduct);
  if (!product)
    return constant;
  return staticProduct == 1 ? product
                            : arith::MulIOp::create(b, loc, product, constant);
}

Value createConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(b, loc,
                                   b.getIntegerAttr(type, int64_t(value)));
}

static Value createExtreme(OpBuilder &b, Location loc, Type type,
                           bool negative) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  negative)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt value = negative ? APInt::getSignedMinValue(width)
                         : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
}

Value createLowest(OpBuilder &b, Location loc, Type type) {
  return createExtreme(b, loc, type, /*negative=*/true);
}

Value createHighest(OpBuilder &b, Location loc, Type type) {
  return createExtreme(b, loc, type, /*negative=*/false);
}

} // namespace dl::lowering
