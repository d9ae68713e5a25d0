//===- TensorOps.cpp - emitting dl ops with DL-level checks ---------------===//
//
// Every tensor operation of the language is checked here with the front
// end's symbolic shapes, so that a mistake is reported in the words of the
// source ("f32[B, 3] @ f32[4, 5]: the inner dimensions 3 and 4 differ")
// before any IR exists; then the `dl` op is built with its result type.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"

#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringExtras.h"

using namespace dl;
using llvm::SMLoc;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

std::optional<int64_t> Elaborator::toInt(const Value &v, SMLoc at,
                                         StringRef what) {
  if (v.kind == Value::Kind::Int)
    return v.intValue;
  if (v.kind == Value::Kind::Extent && v.dim.isStatic())
    return v.dim.size();
  error(at, what + " must be a compile-time int, got " + v.describe());
  return std::nullopt;
}

std::optional<double> Elaborator::toDouble(const Value &v, SMLoc at,
                                           StringRef what) {
  if (v.kind == Value::Kind::Float)
    return v.floatValue;
  if (v.kind == Value::Kind::Int)
    return (double)v.intValue;
  error(at, what + " must be a compile-time number, got " + v.describe());
  return std::nullopt;
}

std::optional<bool> Elaborator::toBool(const Value &v, SMLoc at,
                                       StringRef what) {
  if (v.kind == Value::Kind::Bool)
    return v.boolValue;
  error(at, what + " must be a compile-time bool, got " + v.describe());
  return std::nullopt;
}

std::optional<DType> Elaborator::toDType(const Value &v, SMLoc at,
                                         StringRef what) {
  if (v.kind == Value::Kind::DType)
    return v.dtype;
  error(at, what + " must be a dtype (f32, f64, i32, i64 or bool), got " +
                v.describe());
  return std::nullopt;
}

std::optional<llvm::SmallVector<Dim, 4>>
Elaborator::toShape(const Value &v, SMLoc at, StringRef what) {
  llvm::SmallVector<Dim, 4> dims;
  auto addOne = [&](const Value &e) {
    if (e.kind == Value::Kind::Int) {
      if (e.intValue < 0 || e.intValue > kMaxExtent)
        return error(at, what + ": extent " + llvm::Twine(e.intValue) +
                             " is out of range");
      dims.push_back(Dim::fixed(e.intValue));
      return true;
    }
    if (e.kind == Value::Kind::Extent) {
      dims.push_back(e.dim);
      return true;
    }
    return error(at, what + " must list ints and extents, got " +
                         e.describe());
  };
  if (v.kind == Value::Kind::List || v.kind == Value::Kind::Tuple) {
    for (const Value &e : *v.elements)
      if (!addOne(e))
        return std::nullopt;
  } else if (!addOne(v)) {
    return std::nullopt;
  }
  int64_t count = 1;
  for (const Dim &d : dims)
    if (d.isStatic() && llvm::MulOverflow(count, d.size(), count))
      return error(at, what + " has too many elements"), std::nullopt;
  if (count > kMaxElements)
    return error(at, what + " has too many elements"), std::nullopt;
  return dims;
}

std::optional<int64_t> Elaborator::toAxis(const Value &v, int64_t rank,
                                          SMLoc at, StringRef what) {
  std::optional<int64_t> axis = toInt(v, at, what);
  if (!axis)
    return std::nullopt;
  int64_t limit = std::max<int64_t>(rank, 1);
  if (*axis < -limit || *axis >= limit)
    return error(at, what + " " + llvm::Twine(*axis) +
                         " is out of range for rank " + llvm::Twine(rank)),
           std::nullopt;
  return *axis < 0 ? *axis + limit : *axis;
}

std::optional<llvm::SmallVector<int64_t>>
Elaborator::toAxes(const Value &v, int64_t rank, SMLoc at, StringRef what) {
  llvm::SmallVector<int64_t> axes;
  if (v.kind == Value::Kind::None) {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
    return axes;
  }
  std::vector<Value> items;
  if (v.kind == Value::Kind::List || v.kind == Value::Kind::Tuple)
    items = *v.elements;
  else
    items.push_back(v);
  for (const Value &item : items) {
    std::optional<int64_t> axis = toAxis(item, rank, at, what);
    if (!axis)
      return std::nullopt;
    if (llvm::is_contained(axes, *axis))
      return error(at, what + " lists axis " + llvm::Twine(*axis) + " twice"),
             std::nullopt;
    axes.push_back(*axis);
  }
  llvm::sort(axes);
  return axes;
}

static mlir::TypedAttr numberAttr(mlir::Builder &b, DType dtype, double f,
                                  int64_t i, bool isFloatValue) {
  mlir::Type type = toMLIR(dtype, b.getContext());
  if (isFloat(dtype))
    return b.getFloatAttr(type, isFloatValue ? f : (double)i);
  if (dtype == DType::Bool)
    return b.getBoolAttr(isFloatValue ? f != 0 : i != 0);
  return b.getIntegerAttr(type, isFloatValue ? (int64_t)f : i);
}

/// Collects the shape and leaves of a nested list of numbers. Returns false
/// when some leaf is not a number (then the list is stacked instead).
static bool flattenNumbers(const Value &v, size_t depth,
                           llvm::SmallVectorImpl<int64_t> &shape,
                           std::vector<const Value *> &leaves,
                           std::string &ragged) {
  if (v.isNumber()) {
    if (depth != shape.size())
      ragged = "a number where a list was expected";
    leaves.push_back(&v);
    return true;
  }
  if (v.kind != Value::Kind::List)
    return false;
  int64_t n = v.elements->size();
  if (depth == shape.size())
    shape.push_back(n);
  else if (depth > shape.size() || shape[depth] != n)
    ragged = "rows of different lengths";
  for (const Value &e : *v.elements)
    if (!flattenNumbers(e, depth + 1, shape, leaves, ragged))
      return false;
  return true;
}

std::optional<Value> Elaborator::toTensor(const Value &v, SMLoc at,
                                          std::optional<DType> dtype) {
  if (v.isTensor())
    return v;
  if (!inFunction()) {
    error(at, "tensors exist only inside functions; here a compile-time "
              "value is expected, got " +
                  v.describe());
    return std::nullopt;
  }
  mlir::Location l = loc(at);
  if (v.isNumber()) {
    DType d = dtype ? *dtype
              : v.kind == Value::Kind::Float ? DType::F32
              : v.kind == Value::Kind::Int   ? DType::I64
                                             : DType::Bool;
    TensorType type{d, {}};
    mlir::TypedAttr attr = numberAttr(
        builder, d, v.floatValue,
        v.kind == Value::Kind::Bool ? (int64_t)v.boolValue : v.intValue,
        v.kind == Value::Kind::Float);
    auto dense = mlir::DenseElementsAttr::get(type.toMLIR(&context), attr);
    return Value::tensor(ConstantOp::create(builder, l, dense), type);
  }
  if (v.kind == Value::Kind::Extent) {
    mlir::Value i64 = mlir::arith::IndexCastOp::create(
        builder, l, builder.getI64Type(), v.ir);
    mlir::Value t = mlir::tensor::FromElementsOp::create(
        builder, l, mlir::RankedTensorType::get({}, builder.getI64Type()),
        mlir::ValueRange{i64});
    Value result = Value::tensor(t, TensorType{DType::I64, {}});
    if (dtype && *dtype != DType::I64)
      return cast(result, *dtype, at);
    return result;
  }
  if (v.kind == Value::Kind::List) {
    llvm::SmallVector<int64_t> shape;
    std::vector<const Value *> leaves;
    std::string ragged;
    if (flattenNumbers(v, 0, shape, leaves, ragged)) {
      if (!ragged.empty())
        return error(at, "ragged array literal: " + ragged), std::nullopt;
      DType d = DType::Bool;
      for (const Value *leaf : leaves) {
        if (leaf->kind == Value::Kind::Float)
          d = DType::F32;
        else if (leaf->kind == Value::Kind::Int && d == DType::Bool)
          d = DType::I64;
      }
      if (dtype)
        d = *dtype;
      TensorType type;
      type.dtype = d;
      for (int64_t e : shape)
        type.dims.push_back(Dim::fixed(e));
      llvm::SmallVector<mlir::Attribute> attrs;
      attrs.reserve(leaves.size());
      for (const Value *leaf : leaves)
        attrs.push_back(numberAttr(
            builder, d, leaf->floatValue,
            leaf->kind == Value::Kind::Bool ? (int64_t)leaf->boolValue
                                            : leaf->intValue,
            leaf->kind == Value::Kind::Float));
      auto dense = mlir::DenseElementsAttr::get(type.toMLIR(&context), attrs);
      return Value::tensor(ConstantOp::create(builder, l, dense), type);
    }
    // Some element is a tensor: stack the elements.
    std::vector<Value> parts;
    for (const Value &e : *v.elements) {
      std::optional<Value> t = toTensor(e, at, dtype);
      if (!t)
        return std::nullopt;
      parts.push_back(std::move(*t));
    }
    if (parts.empty())
      return error(at, "an empty list has no element type"), std::nullopt;
    return stack(parts, at);
  }
  error(at, "expected a tensor, got " + v.describe());
  return std::nullopt;
}

Value Elaborator::cast(const Value &tensor, DType dtype, SMLoc at) {
  if (tensor.type.dtype == dtype)
    return tensor;
  TensorType type = tensor.type;
  type.dtype = dtype;
  mlir::Value r =
      CastOp::create(builder, loc(at), type.toMLIR(&context), tensor.ir);
  return Value::tensor(r, type);
}

//===----------------------------------------------------------------------===//
// Extents
//===----------------------------------------------------------------------===//

mlir::Value Elaborator::extentValue(const Dim &dim, SMLoc at) {
  mlir::Location l = loc(at);
  if (dim.isStatic())
    return mlir::arith::ConstantIndexOp::create(builder, l, dim.size());
  mlir::Value result;
  for (const std::string &atom : dim.getAtoms()) {
    auto it = current->atoms.find(atom);
    mlir::Value v;
    if (it != current->atoms.end()) {
      v = it->second;
    } else if (auto arg = current->argumentExtents.find(atom);
               arg != current->argumentExtents.end()) {
      // First use of an argument's extent: read it at the function's start.
      mlir::OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(&current->func.getBody().front());
      v = mlir::tensor::DimOp::create(builder, arg->second.first.getLoc(),
                                      arg->second.first, arg->second.second);
      current->atoms[atom] = v;
    } else {
      // Unreachable for well-formed programs: every atom gets a value when
      // it is created. Report instead of crashing.
      error(at, "internal error: the extent '" + atom + "' has no value");
      v = mlir::arith::ConstantIndexOp::create(builder, l, 0);
    }
    result = result ? mlir::arith::MulIOp::create(builder, l, result, v)
                    : v;
  }
  if (dim.getCoefficient() != 1) {
    mlir::Value c = mlir::arith::ConstantIndexOp::create(
        builder, l, dim.getCoefficient());
    result = mlir::arith::MulIOp::create(builder, l, result, c);
  }
  return result;
}

Dim Elaborator::dimOf(const Value &tensor, int64_t axis) {
  return tensor.type.dims[axis];
}

mlir::Value Elaborator::dimValueOf(const Value &tensor, int64_t axis,
                                   SMLoc at) {
  const Dim &d = tensor.type.dims[axis];
  if (d.isStatic())
    return mlir::arith::ConstantIndexOp::create(builder, loc(at), d.size());
  return mlir::tensor::DimOp::create(builder, loc(at), tensor.ir, axis);
}

llvm::SmallVector<mlir::Value> Elaborator::dynamicExtents(
    llvm::ArrayRef<Dim> dims, SMLoc at) {
  llvm::SmallVector<mlir::Value> values;
  for (const Dim &d : dims)
    if (!d.isStatic())
      values.push_back(extentValue(d, at));
  return values;
}

/// Registers the run-time value of each opaque extent of `result` (taken
/// from the result tensor itself) so that later uses can refer to it.
static void registerOpaqueExtents(llvm::StringMap<mlir::Value> &atoms,
                                  mlir::OpBuilder &b, mlir::Location l,
                                  const Value &result) {
  for (int64_t d = 0; d < result.type.rank(); ++d) {
    const Dim &dim = result.type.dims[d];
    if (dim.isStatic() || dim.getAtoms().size() != 1 ||
        dim.getCoefficient() != 1 || !Dim::isOpaqueAtom(dim.getAtoms()[0]))
      continue;
    if (!atoms.count(dim.getAtoms()[0]))
      atoms[dim.getAtoms()[0]] =
          mlir::tensor::DimOp::create(b, l, result.ir, d);
  }
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

PromotionOperand dl::promotionOf(const Value &v) {
  using P = PromotionOperand::Priority;
  switch (v.kind) {
  case Value::Kind::Tensor:
    return {v.type.dtype, v.type.rank() == 0 ? P::ZeroDim : P::Tensor};
  case Value::Kind::Float: return {DType::F64, P::Scalar};
  case Value::Kind::Bool: return {DType::Bool, P::Scalar};
  default: return {DType::I64, P::Scalar};
  }
}

/// Array literals among operands become constant tensors (numbers stay
/// numbers: they promote as scalars).
bool Elaborator::listsToTensors(llvm::ArrayRef<Value *> values, SMLoc at) {
  for (Value *v : values) {
    if (v->kind != Value::Kind::List)
      continue;
    std::optional<Value> t = toTensor(*v, at);
    if (!t)
      return false;
    *v = std::move(*t);
  }
  return true;
}

std::optional<Value> Elaborator::elementwise(Elementwise op, const Value &lhs,
                                             const Value &rhs, SMLoc at,
                                             StringRef spelling) {
  using E = Elementwise;
  Value a = lhs, b = rhs;
  if (!listsToTensors({&a, &b}, at))
    return std::nullopt;
  DType dtype = promoteTypes({promotionOf(a), promotionOf(b)});
  bool comparison = op == E::Eq || op == E::Ne || op == E::Lt ||
                    op == E::Le || op == E::Gt || op == E::Ge;
  if (op == E::And || op == E::Or) {
    if (dtype != DType::Bool)
      return error(at, "'" + spelling + "' needs bool operands, got " +
                           a.describe() + " and " + b.describe()),
             std::nullopt;
  } else if (!comparison) {
    if (dtype == DType::Bool)
      return error(at, "arithmetic '" + spelling +
                           "' on bool tensors; cast them to a number type "
                           "first"),
             std::nullopt;
    if ((op == E::Div || op == E::Pow) && !isFloat(dtype))
      dtype = DType::F32; // true division and powers compute in float
  }
  std::optional<Value> ta = toTensor(a, at, dtype);
  std::optional<Value> tb = toTensor(b, at, dtype);
  if (!ta || !tb)
    return std::nullopt;
  Value x = cast(*ta, dtype, at), y = cast(*tb, dtype, at);
  std::string why;
  auto dims = broadcastDims({x.type.dims, y.type.dims}, why);
  if (!dims)
    return error(at, "operands of '" + spelling +
                         "' have incompatible shapes " + x.type.str() +
                         " and " + y.type.str() + ": " + why),
           std::nullopt;
  TensorType type{comparison ? DType::Bool : dtype, *dims};
  mlir::Type resultType = type.toMLIR(&context);
  mlir::Location l = loc(at);
  mlir::Value r;
  auto compare = [&](CmpPredicate p) {
    return CmpOp::create(builder, l, resultType, p, x.ir, y.ir);
  };
  switch (op) {
  case E::Add: r = AddOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Sub: r = SubOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Mul: r = MulOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::FloorDivInt: // dl.div of integers is floor division
  case E::Div: r = DivOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Rem: r = RemOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Pow: r = PowOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Max: r = MaxOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Min: r = MinOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::And: r = AndOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Or: r = OrOp::create(builder, l, resultType, x.ir, y.ir); break;
  case E::Eq: r = compare(CmpPredicate::eq); break;
  case E::Ne: r = compare(CmpPredicate::ne); break;
  case E::Lt: r = compare(CmpPredicate::lt); break;
  case E::Le: r = compare(CmpPredicate::le); break;
  case E::Gt: r = compare(CmpPredicate::gt); break;
  case E::Ge: r = compare(CmpPredicate::ge); break;
  }
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::select(const Value &cond, const Value &a,
                                        const Value &b, SMLoc at) {
  std::optional<Value> c = toTensor(cond, at, DType::Bool);
  if (!c)
    return std::nullopt;
  if (c->type.dtype != DType::Bool)
    return error(at, "the condition of where() must be a bool tensor, got " +
                         c->type.str()),
           std::nullopt;
  Value x = a, y = b;
  if (!listsToTensors({&x, &y}, at))
    return std::nullopt;
  DType dtype = promoteTypes({promotionOf(x), promotionOf(y)});
  std::optional<Value> tx = toTensor(x, at, dtype);
  std::optional<Value> ty = toTensor(y, at, dtype);
  if (!tx || !ty)
    return std::nullopt;
  Value vx = cast(*tx, dtype, at), vy = cast(*ty, dtype, at);
  std::string why;
  auto dims = broadcastDims({c->type.dims, vx.type.dims, vy.type.dims}, why);
  if (!dims)
    return error(at, "where() operands have incompatible shapes " +
                         c->type.str() + ", " + vx.type.str() + " and " +
                         vy.type.str() + ": " + why),
           std::nullopt;
  TensorType type{dtype, *dims};
  mlir::Value r = SelectOp::create(builder, loc(at), type.toMLIR(&context),
                                   c->ir, vx.ir, vy.ir);
  return Value::tensor(r, type);
}

//===----------------------------------------------------------------------===//
// Linear algebra and reductions
//===----------------------------------------------------------------------===//

std::optional<Value> Elaborator::matmul(const Value &a, const Value &b,
                                        SMLoc at) {
  auto mismatch = [&](const llvm::Twine &why) {
    error(at, "matmul shape mismatch: " + a.type.str() + " @ " + b.type.str() +
                  ": " + why);
    return std::nullopt;
  };
  if (a.type.rank() == 0 || b.type.rank() == 0)
    return mismatch("both operands need at least one dimension");
  DType dtype = promoteTypes({{a.type.dtype, PromotionOperand::Priority::Tensor},
                              {b.type.dtype, PromotionOperand::Priority::Tensor}});
  if (dtype == DType::Bool)
    return error(at, "matmul of bool tensors; cast them first"), std::nullopt;
  Value x = cast(a, dtype, at), y = cast(b, dtype, at);
  llvm::SmallVector<Dim, 4> A(x.type.dims), B(y.type.dims);
  bool lhsVector = A.size() == 1, rhsVector = B.size() == 1;
  if (lhsVector)
    A.insert(A.begin(), Dim::fixed(1));
  if (rhsVector)
    B.push_back(Dim::fixed(1));
  const Dim &k1 = A[A.size() - 1], &k2 = B[B.size() - 2];
  if (k1 != k2)
    return mismatch("the inner dimensions " + k1.str() + " and " + k2.str() +
                    " differ");
  std::string why;
  auto batch = broadcastDims({llvm::ArrayRef<Dim>(A).drop_back(2),
                              llvm::ArrayRef<Dim>(B).drop_back(2)},
                             why);
  if (!batch)
    return mismatch("the batch dimensions do not broadcast: " + why);
  TensorType type{dtype, *batch};
  if (!lhsVector)
    type.dims.push_back(A[A.size() - 2]);
  if (!rhsVector)
    type.dims.push_back(B[B.size() - 1]);
  mlir::Value r = MatmulOp::create(builder, loc(at), type.toMLIR(&context),
                                   x.ir, y.ir);
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::reduce(int kind, const Value &input,
                                        llvm::ArrayRef<int64_t> axes,
                                        bool keepdims, SMLoc at) {
  auto reduceKind = static_cast<ReduceKind>(kind);
  Value x = input;
  StringRef name = stringifyReduceKind(reduceKind);
  bool counts = reduceKind == ReduceKind::sum || reduceKind == ReduceKind::prod;
  if (x.type.dtype == DType::Bool && !counts)
    return error(at, name + "() of a bool tensor; cast it first"),
           std::nullopt;
  // As torch.sum and torch.prod: integers and bools add up in i64.
  if (counts && !isFloat(x.type.dtype))
    x = cast(x, DType::I64, at);
  if (reduceKind == ReduceKind::mean && !isFloat(x.type.dtype))
    return error(at, "mean() of an integer tensor " + x.type.str() +
                         "; cast it to a float type first"),
           std::nullopt;
  TensorType type{x.type.dtype, {}};
  for (int64_t d = 0; d < x.type.rank(); ++d) {
    if (!llvm::is_contained(axes, d))
      type.dims.push_back(x.type.dims[d]);
    else if (keepdims)
      type.dims.push_back(Dim::fixed(1));
  }
  mlir::Value r = ReduceOp::create(
      builder, loc(at), type.toMLIR(&context),
      ReduceKindAttr::get(&context, reduceKind), x.ir,
      builder.getDenseI64ArrayAttr(axes),
      keepdims ? builder.getUnitAttr() : mlir::UnitAttr());
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::argReduce(bool isMax, const Value &x,
                                           int64_t axis, bool keepdims,
                                           SMLoc at) {
  if (x.type.dtype == DType::Bool)
    return error(at, llvm::Twine(isMax ? "argmax" : "argmin") +
                         "() of a bool tensor; cast it first"),
           std::nullopt;
  if (x.type.rank() == 0)
    return Value::tensor(
        ConstantOp::create(
            builder, loc(at),
            mlir::DenseElementsAttr::get(
                mlir::RankedTensorType::get({}, builder.getI64Type()),
                builder.getI64IntegerAttr(0))),
        TensorType{DType::I64, {}});
  TensorType type{DType::I64, {}};
  for (int64_t d = 0; d < x.type.rank(); ++d) {
    if (d != axis)
      type.dims.push_back(x.type.dims[d]);
    else if (keepdims)
      type.dims.push_back(Dim::fixed(1));
  }
  mlir::Type resultType = type.toMLIR(&context);
  mlir::IntegerAttr axisAttr = builder.getI64IntegerAttr(axis);
  mlir::UnitAttr keep = keepdims ? builder.getUnitAttr() : mlir::UnitAttr();
  mlir::Value r =
      isMax ? (mlir::Value)ArgMaxOp::create(builder, loc(at), resultType, x.ir,
                                            axisAttr, keep)
            : (mlir::Value)ArgMinOp::create(builder, loc(at), resultType, x.ir,
                                            axisAttr, keep);
  return Value::tensor(r, type);
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

/// The element count of a shape as an extent, or nullopt on overflow.
static std::optional<Dim> product(llvm::ArrayRef<Dim> dims) {
  Dim total = Dim::fixed(1);
  for (const Dim &d : dims) {
    std::optional<Dim> next = Dim::multiply(total, d);
    if (!next)
      return std::nullopt;
    total = *next;
  }
  return total;
}

std::optional<Value> Elaborator::reshape(const Value &x,
                                         llvm::ArrayRef<Dim> dims, SMLoc at) {
  TensorType type{x.type.dtype, llvm::SmallVector<Dim, 4>(dims)};
  std::optional<Dim> from = product(x.type.dims), to = product(dims);
  if (!from || !to)
    return error(at, "reshape: too many elements"), std::nullopt;
  if (*from != *to && !from->hasOpaqueAtoms() && !to->hasOpaqueAtoms())
    return error(at, "cannot reshape " + x.type.str() + " (" + from->str() +
                         " elements) to " + type.str() + " (" + to->str() +
                         " elements)"),
           std::nullopt;
  if (x.type == type)
    return x;
  mlir::Value r = ReshapeOp::create(builder, loc(at), type.toMLIR(&context),
                                    x.ir, dynamicExtents(dims, at));
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::broadcastTo(const Value &x,
                                             llvm::ArrayRef<Dim> dims,
                                             SMLoc at) {
  TensorType type{x.type.dtype, llvm::SmallVector<Dim, 4>(dims)};
  int64_t lead = (int64_t)dims.size() - x.type.rank();
  bool ok = lead >= 0;
  for (int64_t d = 0; ok && d < x.type.rank(); ++d) {
    const Dim &from = x.type.dims[d];
    ok = from == dims[lead + d] || (from.isStatic() && from.size() == 1);
  }
  if (!ok)
    return error(at, "cannot broadcast " + x.type.str() + " to " + type.str()),
           std::nullopt;
  if (x.type == type)
    return x;
  mlir::Value r = BroadcastToOp::create(builder, loc(at),
                                        type.toMLIR(&context), x.ir,
                                        dynamicExtents(dims, at));
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::sumTo(const Value &x,
                                       llvm::ArrayRef<Dim> dims, SMLoc at) {
  TensorType type{x.type.dtype, llvm::SmallVector<Dim, 4>(dims)};
  int64_t lead = x.type.rank() - (int64_t)dims.size();
  bool ok = lead >= 0;
  for (int64_t d = 0; ok && d < (int64_t)dims.size(); ++d)
    ok = dims[d] == x.type.dims[lead + d] ||
         (dims[d].isStatic() && dims[d].size() == 1);
  if (!ok)
    return error(at, "cannot sum " + x.type.str() + " to " + type.str() +
                         ": " + type.str() + " does not broadcast to " +
                         x.type.str()),
           std::nullopt;
  if (x.type.dtype == DType::Bool)
    return error(at, "sum_to() of a bool tensor; cast it first"),
           std::nullopt;
  if (x.type == type)
    return x;
  mlir::Value r =
      SumToOp::create(builder, loc(at), type.toMLIR(&context), x.ir);
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::transpose(const Value &x,
                                           llvm::ArrayRef<int64_t> perm,
                                           SMLoc at) {
  llvm::SmallVector<bool> seen(x.type.rank(), false);
  bool ok = (int64_t)perm.size() == x.type.rank();
  for (int64_t p : perm) {
    ok = ok && p >= 0 && p < x.type.rank() && !seen[p];
    if (ok)
      seen[p] = true;
  }
  if (!ok)
    return error(at, "[" +
                         llvm::join(llvm::map_range(perm,
                                                    [](int64_t p) {
                                                      return std::to_string(p);
                                                    }),
                                    ", ") +
                         "] is not a permutation of the " +
                         llvm::Twine(x.type.rank()) + " dimensions of " +
                         x.type.str()),
           std::nullopt;
  TensorType type{x.type.dtype, {}};
  for (int64_t p : perm)
    type.dims.push_back(x.type.dims[p]);
  mlir::Value r = TransposeOp::create(builder, loc(at), type.toMLIR(&context),
                                      x.ir, builder.getDenseI64ArrayAttr(perm));
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::concat(llvm::ArrayRef<Value> xs, int64_t axis,
                                        SMLoc at) {
  if (xs.empty())
    return error(at, "concat() needs at least one tensor"), std::nullopt;
  std::vector<PromotionOperand> operands;
  for (const Value &x : xs)
    operands.push_back({x.type.dtype, PromotionOperand::Priority::Tensor});
  DType dtype = promoteTypes(operands);
  int64_t rank = xs[0].type.rank();
  if (rank == 0)
    return error(at, "cannot concatenate 0-d tensors; stack them"),
           std::nullopt;
  TensorType type{dtype, xs[0].type.dims};
  llvm::SmallVector<mlir::Value> inputs;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Value &x = xs[i];
    if (x.type.rank() != rank)
      return error(at, "cannot concatenate " + xs[0].type.str() + " and " +
                           x.type.str() + ": ranks differ"),
             std::nullopt;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis) {
        if (i > 0)
          type.dims[d] = Dim::add(type.dims[d], x.type.dims[d]);
      } else if (x.type.dims[d] != type.dims[d]) {
        return error(at, "cannot concatenate " + xs[0].type.str() + " and " +
                             x.type.str() + " along axis " +
                             llvm::Twine(axis) + ": dimension " +
                             llvm::Twine(d) + " differs"),
               std::nullopt;
      }
    }
    inputs.push_back(cast(x, dtype, at).ir);
  }
  if (xs.size() == 1)
    return cast(xs[0], dtype, at);
  mlir::Value r = ConcatOp::create(builder, loc(at), type.toMLIR(&context),
                                   inputs, builder.getI64IntegerAttr(axis));
  Value result = Value::tensor(r, type);
  registerOpaqueExtents(current->atoms, builder, loc(at), result);
  return result;
}

std::optional<Value> Elaborator::stack(llvm::ArrayRef<Value> xs, SMLoc at) {
  std::vector<Value> expanded;
  for (const Value &x : xs) {
    if (!(x.type.dims == xs[0].type.dims))
      return error(at, "cannot stack tensors of shapes " + xs[0].type.str() +
                           " and " + x.type.str()),
             std::nullopt;
    llvm::SmallVector<Dim, 4> dims{Dim::fixed(1)};
    dims.append(x.type.dims.begin(), x.type.dims.end());
    std::optional<Value> r = reshape(x, dims, at);
    if (!r)
      return std::nullopt;
    expanded.push_back(std::move(*r));
  }
  return concat(expanded, 0, at);
}

std::optional<Value> Elaborator::slice(const Value &x,
                                       llvm::ArrayRef<Dim> starts,
                                       llvm::ArrayRef<Dim> sizes,
                                       llvm::ArrayRef<int64_t> steps,
                                       SMLoc at) {
  TensorType type{x.type.dtype, llvm::SmallVector<Dim, 4>(sizes)};
  llvm::SmallVector<int64_t> staticOffsets, staticSizes;
  llvm::SmallVector<mlir::Value> offsets, dynSizes;
  for (size_t d = 0; d < starts.size(); ++d) {
    if (starts[d].isStatic()) {
      staticOffsets.push_back(starts[d].size());
    } else {
      staticOffsets.push_back(mlir::ShapedType::kDynamic);
      offsets.push_back(extentValue(starts[d], at));
    }
    if (sizes[d].isStatic()) {
      staticSizes.push_back(sizes[d].size());
    } else {
      staticSizes.push_back(mlir::ShapedType::kDynamic);
      dynSizes.push_back(extentValue(sizes[d], at));
    }
  }
  mlir::Value r = SliceOp::create(
      builder, loc(at), type.toMLIR(&context), x.ir, offsets, dynSizes,
      mlir::ValueRange{}, builder.getDenseI64ArrayAttr(staticOffsets),
      builder.getDenseI64ArrayAttr(staticSizes),
      builder.getDenseI64ArrayAttr(steps));
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::insertSlice(const Value &dest,
                                             const Value &src,
                                             llvm::ArrayRef<Dim> starts,
                                             llvm::ArrayRef<int64_t> steps,
                                             SMLoc at) {
  Value source = cast(src, dest.type.dtype, at);
  llvm::SmallVector<int64_t> staticOffsets, staticSizes;
  llvm::SmallVector<mlir::Value> offsets, dynSizes;
  for (size_t d = 0; d < starts.size(); ++d) {
    if (starts[d].isStatic()) {
      staticOffsets.push_back(starts[d].size());
    } else {
      staticOffsets.push_back(mlir::ShapedType::kDynamic);
      offsets.push_back(extentValue(starts[d], at));
    }
    const Dim &size = source.type.dims[d];
    if (size.isStatic()) {
      staticSizes.push_back(size.size());
    } else {
      staticSizes.push_back(mlir::ShapedType::kDynamic);
      dynSizes.push_back(dimValueOf(source, d, at));
    }
  }
  mlir::Value r = InsertSliceOp::create(
      builder, loc(at), dest.ir.getType(), source.ir, dest.ir, offsets,
      dynSizes, mlir::ValueRange{}, builder.getDenseI64ArrayAttr(staticOffsets),
      builder.getDenseI64ArrayAttr(staticSizes),
      builder.getDenseI64ArrayAttr(steps));
  return Value::tensor(r, dest.type);
}

std::optional<Value> Elaborator::pad(const Value &x,
                                     llvm::ArrayRef<int64_t> low,
                                     llvm::ArrayRef<int64_t> high,
                                     const Value &value, SMLoc at) {
  std::optional<double> fill = toDouble(
      value.kind == Value::Kind::Bool ? Value::integer(value.boolValue) : value,
      at, "the padding value");
  if (!fill)
    return std::nullopt;
  TensorType type{x.type.dtype, {}};
  for (int64_t d = 0; d < x.type.rank(); ++d)
    type.dims.push_back(Dim::add(x.type.dims[d], Dim::fixed(low[d] + high[d])));
  mlir::TypedAttr attr = numberAttr(builder, x.type.dtype, *fill,
                                    (int64_t)*fill, true);
  mlir::Value r = PadOp::create(builder, loc(at), type.toMLIR(&context), x.ir,
                                builder.getDenseI64ArrayAttr(low),
                                builder.getDenseI64ArrayAttr(high), attr);
  Value result = Value::tensor(r, type);
  registerOpaqueExtents(current->atoms, builder, loc(at), result);
  return result;
}

//===----------------------------------------------------------------------===//
// Indexing ops
//===----------------------------------------------------------------------===//

std::optional<Value> Elaborator::gather(const Value &x, const Value &indices,
                                        int64_t axis, SMLoc at) {
  if (!isInteger(indices.type.dtype))
    return error(at, "gather() indices must be an integer tensor, got " +
                         indices.type.str()),
           std::nullopt;
  if (indices.type.rank() != x.type.rank())
    return error(at, "gather() from " + x.type.str() + " needs indices of "
                     "the same rank, got " + indices.type.str()),
           std::nullopt;
  TensorType type{x.type.dtype, {}};
  for (int64_t d = 0; d < x.type.rank(); ++d) {
    if (d == axis) {
      type.dims.push_back(indices.type.dims[d]);
      continue;
    }
    std::string why;
    auto b = broadcastDims({llvm::ArrayRef<Dim>(x.type.dims[d]),
                            llvm::ArrayRef<Dim>(indices.type.dims[d])},
                           why);
    if (!b)
      return error(at, "gather() from " + x.type.str() + " with indices " +
                           indices.type.str() + ": dimension " +
                           llvm::Twine(d) + " does not broadcast"),
             std::nullopt;
    type.dims.push_back((*b)[0]);
  }
  mlir::Value r =
      GatherOp::create(builder, loc(at), type.toMLIR(&context), x.ir,
                       indices.ir, builder.getI64IntegerAttr(axis));
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::scatterAdd(const Value &dest,
                                            const Value &indices,
                                            const Value &src, int64_t axis,
                                            SMLoc at) {
  if (!isInteger(indices.type.dtype))
    return error(at, "scatter_add() indices must be an integer tensor, got " +
                         indices.type.str()),
           std::nullopt;
  if (dest.type.dtype == DType::Bool)
    return error(at, "scatter_add() into a bool tensor"), std::nullopt;
  if (!(indices.type.dims == src.type.dims))
    return error(at, "scatter_add(): indices " + indices.type.str() +
                         " and source " + src.type.str() +
                         " must have the same shape"),
           std::nullopt;
  if (src.type.rank() != dest.type.rank())
    return error(at, "scatter_add(): source " + src.type.str() +
                         " and destination " + dest.type.str() +
                         " ranks differ"),
           std::nullopt;
  for (int64_t d = 0; d < dest.type.rank(); ++d)
    if (d != axis && src.type.dims[d] != dest.type.dims[d])
      return error(at, "scatter_add(): dimension " + llvm::Twine(d) +
                           " of the source " + src.type.str() +
                           " differs from the destination " +
                           dest.type.str()),
             std::nullopt;
  Value source = cast(src, dest.type.dtype, at);
  mlir::Value r = ScatterAddOp::create(builder, loc(at), dest.ir.getType(),
                                       source.ir, dest.ir, indices.ir,
                                       builder.getI64IntegerAttr(axis));
  return Value::tensor(r, dest.type);
}

std::optional<Value> Elaborator::oneHot(const Value &indices, int64_t classes,
                                        DType dtype, SMLoc at) {
  if (!isInteger(indices.type.dtype))
    return error(at, "one_hot() needs an integer tensor, got " +
                         indices.type.str()),
           std::nullopt;
  if (classes <= 0 || classes > kMaxExtent)
    return error(at, "one_hot() needs a positive number of classes"),
           std::nullopt;
  TensorType type{dtype, indices.type.dims};
  type.dims.push_back(Dim::fixed(classes));
  mlir::Value r = OneHotOp::create(builder, loc(at), type.toMLIR(&context),
                                   indices.ir,
                                   builder.getI64IntegerAttr(classes));
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::iota(llvm::ArrayRef<Dim> dims, int64_t axis,
                                      DType dtype, SMLoc at) {
  if (dtype == DType::Bool)
    return error(at, "arange() cannot produce bools"), std::nullopt;
  TensorType type{dtype, llvm::SmallVector<Dim, 4>(dims)};
  mlir::Value r = IotaOp::create(builder, loc(at), type.toMLIR(&context),
                                 dynamicExtents(dims, at),
                                 builder.getI64IntegerAttr(axis));
  return Value::tensor(r, type);
}

std::optional<Value> Elaborator::softmax(bool log, const Value &input,
                                         int64_t axis, SMLoc at) {
  Value x = isFloat(input.type.dtype) ? input : cast(input, DType::F32, at);
  if (x.type.rank() == 0)
    return error(at, "softmax of a 0-d tensor"), std::nullopt;
  mlir::IntegerAttr axisAttr = builder.getI64IntegerAttr(axis);
  mlir::Value r =
      log ? (mlir::Value)LogSoftmaxOp::create(builder, loc(at), x.ir, axisAttr)
          : (mlir::Value)SoftmaxOp::create(builder, loc(at), x.ir, axisAttr);
  return Value::tensor(r, x.type);
}

std::optional<Value> Elaborator::full(llvm::ArrayRef<Dim> dims,
                                      const Value &value,
                                      std::optional<DType> dtype, SMLoc at) {
  if (!inFunction())
    return toTensor(value, at, dtype); // reports the error
  TensorType type;
  type.dims.assign(dims.begin(), dims.end());
  if (value.isNumber()) {
    type.dtype = dtype ? *dtype
                 : value.kind == Value::Kind::Float ? DType::F32
                 : value.kind == Value::Kind::Int   ? DType::I64
                                                    : DType::Bool;
    mlir::TypedAttr attr = numberAttr(
        builder, type.dtype, value.floatValue,
        value.kind == Value::Kind::Bool ? (int64_t)value.boolValue
                                        : value.intValue,
        value.kind == Value::Kind::Float);
    if (type.hasStaticShape()) {
      auto dense = mlir::DenseElementsAttr::get(type.toMLIR(&context), attr);
      return Value::tensor(ConstantOp::create(builder, loc(at), dense), type);
    }
  }
  std::optional<Value> scalar = toTensor(value, at, dtype);
  if (!scalar)
    return std::nullopt;
  if (scalar->type.rank() != 0)
    return error(at, "the fill value must be a scalar, got " +
                         scalar->type.str()),
           std::nullopt;
  Value s = dtype ? cast(*scalar, *dtype, at) : *scalar;
  return broadcastTo(s, dims, at);
}

void Elaborator::check(mlir::Value condition, const llvm::Twine &message,
                       SMLoc at) {
  // The lowering prefixes the message with the op's source position.
  AssertOp::create(builder, loc(at), condition,
                   builder.getStringAttr(message.str()));
}

void Elaborator::checkAll(const Value &condition, const llvm::Twine &message,
                          SMLoc at) {
  // min over every element of the condition as i32, then one scalar test.
  Value asInt = cast(condition, DType::I32, at);
  llvm::SmallVector<int64_t> all;
  for (int64_t d = 0; d < asInt.type.rank(); ++d)
    all.push_back(d);
  std::optional<Value> least =
      reduce((int)ReduceKind::min, asInt, all, false, at);
  if (!least)
    return;
  mlir::Location l = loc(at);
  mlir::Value scalar =
      mlir::tensor::ExtractOp::create(builder, l, least->ir, mlir::ValueRange{});
  mlir::Value one = mlir::arith::ConstantIntOp::create(builder, l, 1, 32);
  mlir::Value ok = mlir::arith::CmpIOp::create(
      builder, l, mlir::arith::CmpIPredicate::eq, scalar, one);
  check(ok, message, at);
}

std::optional<Value> Elaborator::power(const Value &lhs, const Value &rhs,
                                       SMLoc at) {
  using E = Elementwise;
  bool constantExponent = rhs.kind == Value::Kind::Int ||
                          rhs.kind == Value::Kind::Float;
  if (!constantExponent)
    return elementwise(E::Pow, lhs, rhs, at, "**");
  double e = rhs.kind == Value::Kind::Int ? (double)rhs.intValue
                                          : rhs.floatValue;
  std::optional<Value> base = toTensor(lhs, at);
  if (!base)
    return std::nullopt;
  bool integerBase = !isFloat(base->type.dtype);
  if (integerBase && rhs.kind == Value::Kind::Int) {
    if (base->type.dtype == DType::Bool)
      return error(at, "'**' on a bool tensor; cast it first"), std::nullopt;
    if (rhs.intValue < 0)
      return error(at, "integers to negative integer powers are not allowed "
                       "(as in PyTorch); cast the base to a float type"),
             std::nullopt;
    // Exponentiation by squaring: exact, and stays in the integer dtype.
    if (rhs.intValue == 0)
      return full(base->type.dims, Value::integer(1), base->type.dtype, at);
    std::optional<Value> result;
    Value square = *base;
    for (int64_t n = rhs.intValue; n > 0; n >>= 1) {
      if (n & 1) {
        result = result ? elementwise(E::Mul, *result, square, at, "**")
                        : square;
        if (!result)
          return std::nullopt;
      }
      if (n > 1) {
        std::optional<Value> next =
            elementwise(E::Mul, square, square, at, "**");
        if (!next)
          return std::nullopt;
        square = *next;
      }
    }
    return result;
  }
  if (integerBase)
    base = cast(*base, DType::F32, at);
  // torch.pow's special exponents: exact or better-defined forms.
  if (e == 1)
    return base;
  if (e == 0.5)
    return unary<SqrtOp>(*base, at, "**", true);
  if (e == -0.5)
    return unary<RsqrtOp>(*base, at, "**", true);
  if (e == 2 || e == 3 || e == 4 || e == -1 || e == -2) {
    int n = (int)std::fabs(e);
    Value product = *base;
    for (int i = 1; i < n; ++i) {
      std::optional<Value> next =
          elementwise(E::Mul, product, *base, at, "**");
      if (!next)
        return std::nullopt;
      product = *next;
    }
    if (e > 0)
      return product;
    return elementwise(E::Div, Value::real(1.0), product, at, "**");
  }
  return elementwise(E::Pow, *base, rhs, at, "**");
}

std::optional<Value> Elaborator::floorDivide(const Value &lhs,
                                             const Value &rhs, SMLoc at,
                                             bool remainder) {
  using E = Elementwise;
  StringRef name = remainder ? "remainder" : "floor_divide";
  Value x = lhs, y = rhs;
  if (!listsToTensors({&x, &y}, at))
    return std::nullopt;
  DType dtype = promoteTypes({promotionOf(x), promotionOf(y)});
  if (dtype == DType::Bool)
    return error(at, name + " of bools; cast them first"), std::nullopt;
  if (y.isNumber() && !(y.kind == Value::Kind::Float ? y.floatValue != 0
                                                      : y.intValue != 0) &&
      !isFloat(dtype))
    return error(at, "integer division by zero"), std::nullopt;
  std::optional<Value> tx = toTensor(x, at, dtype), ty = toTensor(y, at, dtype);
  if (!tx || !ty)
    return std::nullopt;
  Value a = cast(*tx, dtype, at), b = cast(*ty, dtype, at);
  if (!isFloat(dtype) && !y.isNumber()) {
    std::optional<Value> nonzero =
        elementwise(E::Ne, b, Value::integer(0), at, name);
    if (!nonzero)
      return std::nullopt;
    checkAll(*nonzero, "integer division by zero in " + name, at);
  }
  // m = fmod(a, b), moved to the sign of b: Python's remainder.
  std::optional<Value> m = elementwise(E::Rem, a, b, at, name);
  if (!m)
    return std::nullopt;
  auto both = [&](E op, const Value &p, const Value &q) {
    return elementwise(op, p, q, at, name);
  };
  std::optional<Value> mNonzero = both(E::Ne, *m, Value::integer(0));
  std::optional<Value> bNegative = both(E::Lt, b, Value::integer(0));
  std::optional<Value> mNegative = both(E::Lt, *m, Value::integer(0));
  if (!mNonzero || !bNegative || !mNegative)
    return std::nullopt;
  std::optional<Value> signsDiffer = both(E::Ne, *bNegative, *mNegative);
  std::optional<Value> adjust =
      signsDiffer ? both(E::And, *mNonzero, *signsDiffer) : std::nullopt;
  if (!adjust)
    return std::nullopt;
  if (remainder) {
    std::optional<Value> shifted = both(E::Add, *m, b);
    return shifted ? select(*adjust, *shifted, *m, at) : std::nullopt;
  }
  if (!isFloat(dtype))
    return both(E::FloorDivInt, a, b);
  // Floats: div = (a - m) / b, one less when m moved, rounded to the
  // nearest integer (it is one up to rounding), PyTorch's div_floor.
  std::optional<Value> difference = both(E::Sub, a, *m);
  std::optional<Value> div = difference ? both(E::Div, *difference, b)
                                        : std::nullopt;
  std::optional<Value> lower = div ? both(E::Sub, *div, Value::integer(1))
                                   : std::nullopt;
  if (!lower)
    return std::nullopt;
  div = select(*adjust, *lower, *div, at);
  std::optional<Value> floored =
      div ? unary<FloorOp>(*div, at, name, true) : std::nullopt;
  std::optional<Value> fraction =
      floored ? both(E::Sub, *div, *floored) : std::nullopt;
  std::optional<Value> roundUp =
      fraction ? both(E::Gt, *fraction, Value::real(0.5)) : std::nullopt;
  std::optional<Value> up =
      roundUp ? both(E::Add, *floored, Value::integer(1)) : std::nullopt;
  std::optional<Value> result =
      up ? select(*roundUp, *up, *floored, at) : std::nullopt;
  // A zero quotient keeps the sign of a / b; division by zero is a / b.
  std::optional<Value> quotient = result ? both(E::Div, a, b) : std::nullopt;
  std::optional<Value> signedZero =
      quotient ? both(E::Mul, *quotient, Value::integer(0)) : std::nullopt;
  std::optional<Value> divIsZero =
      signedZero ? both(E::Eq, *div, Value::integer(0)) : std::nullopt;
  if (!divIsZero)
    return std::nullopt;
  result = select(*divIsZero, *signedZero, *result, at);
  std::optional<Value> byZero =
      result ? both(E::Eq, b, Value::integer(0)) : std::nullopt;
  return byZero ? select(*byZero, *quotient, *result, at) : std::nullopt;
}
