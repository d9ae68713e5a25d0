//===- DLOps.td - operations of the `dl` dialect -----------*- tablegen -*-===//
//
// Semantics follow PyTorch unless a description says otherwise. Every op has
// exact semantics and explicit operands, so that a reverse-mode derivative can
// be defined for it with the op.
//
//===----------------------------------------------------------------------===//

#ifndef DL_OPS_TD
#define DL_OPS_TD

include "DLDialect.td"
include "DLInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ViewLikeInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"

class DL_Op<string mnemonic, list<Trait> traits = []>
    : Op<DL_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def DL_CmpPredicate : I32EnumAttr<"CmpPredicate", "comparison predicate", [
    I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
    I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
    I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::dl";
}

def DL_ReduceKind : I32EnumAttr<"ReduceKind", "reduction kind", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>,
    I32EnumAttrCase<"prod", 4>]> {
  let cppNamespace = "::dl";
}

//===----------------------------------------------------------------------===//
// Constants and generators
//===----------------------------------------------------------------------===//

def DL_ConstantOp : DL_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "constant tensor";
  let description = [{
    ```mlir
    %0 = dl.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def DL_IotaOp : DL_Op<"iota", [Pure,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "indices along one dimension (torch.arange)";
  let description = [{
    Each element is its index along `dim`: `iota dim = 1 : tensor<2x3xi64>`
    is `[[0, 1, 2], [0, 1, 2]]`. `sizes` gives the dynamic dimensions of the
    result, in order.
  }];
  let arguments = (ins Variadic<Index>:$sizes, I64Attr:$dim);
  let results = (outs DL_NumericTensor:$result);
  let assemblyFormat = [{
    (` ` `[` $sizes^ `]`)? `dim` `=` $dim attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

// `scalarBody` is the body of buildScalar(b, loc, args), with `elementType`
// the result element type; `foldBody` the body of foldScalar(args,
// resultElementType).
def DL_Differentiable : DeclareOpInterfaceMethods<DL_DifferentiableOpInterface>;
// One operation per result element (the interface's default).
def DL_FlopsPerElement : DeclareOpInterfaceMethods<DL_FlopCountOpInterface>;
// Its own count, in lib/Dialect/FlopCounts.cpp.
def DL_CountsFlops : DeclareOpInterfaceMethods<DL_FlopCountOpInterface,
                                               ["getFlopCount"]>;

class DL_ElementwiseOp<string mnemonic, list<Trait> traits = []>
    : DL_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<DL_ElementwiseOpInterface>, DL_FlopsPerElement,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>])> {
  code scalarBody = ?;
  code foldBody = [{ return {}; }];
  let extraClassDefinition = [{
    ::mlir::Value $cppClass::buildScalar(::mlir::OpBuilder &b,
        ::mlir::Location loc, ::mlir::ValueRange args) {
      ::mlir::Type elementType = getElementTypeOrSelf(getResult().getType());
      (void)elementType;
  }] # scalarBody # [{
    }
    ::mlir::TypedAttr $cppClass::foldScalar(
        ::llvm::ArrayRef<::mlir::TypedAttr> args,
        ::mlir::Type resultElementType) {
      (void)args; (void)resultElementType;
  }] # foldBody # [{
    }
  }];
}

class DL_UnaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : DL_ElementwiseOp<mnemonic, !listconcat(traits,
        [SameOperandsAndResultType])> {
  let arguments = (ins type:$input);
  let results = (outs type:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasFolder = 1;
}

// A unary op on floating-point tensors. `fn` is a C++ expression of the
// double `x`, used for constant folding.
class DL_UnaryFloatOp<string mnemonic, string mathOp, string fn>
    : DL_UnaryOp<mnemonic, DL_FloatTensor, [DL_Differentiable]> {
  let scalarBody = "return " # mathOp # "::create(b, loc, args[0]);";
  let foldBody = "return foldUnaryFloat(args[0], [](double x) { return "
                 # fn # "; });";
}

def DL_NegOp : DL_UnaryOp<"neg", DL_NumericTensor, [DL_Differentiable]> {
  let summary = "negation, -x";
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::NegFOp::create(b, loc, args[0]);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elementType));
    return arith::SubIOp::create(b, loc, zero, args[0]);
  }];
  let foldBody = [{
    return foldUnary(args[0], [](double x) { return -x; },
                     [](int64_t x) { return -x; });
  }];
}

def DL_AbsOp : DL_UnaryOp<"abs", DL_NumericTensor, [DL_Differentiable]> {
  let summary = "absolute value, |x|";
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return math::AbsFOp::create(b, loc, args[0]);
    return math::AbsIOp::create(b, loc, args[0]);
  }];
  let foldBody = [{
    return foldUnary(args[0], [](double x) { return std::fabs(x); },
                     [](int64_t x) { return x < 0 ? -x : x; });
  }];
}

def DL_SignOp : DL_UnaryOp<"sign", DL_NumericTensor, [DL_Differentiable]> {
  let summary = "sign: -1, 0 or 1 (0 for 0 and for NaN, as torch.sign)";
  let scalarBody = [{ return buildSignScalar(b, loc, args[0]); }];
  let foldBody = [{
    return foldUnary(args[0],
        [](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; },
        [](int64_t x) { return int64_t(x > 0) - int64_t(x < 0); });
  }];
}

def DL_ExpOp : DL_UnaryFloatOp<"exp", "math::ExpOp", "std::exp(x)"> {
  let summary = "exponential, e^x";
}
def DL_Expm1Op : DL_UnaryFloatOp<"expm1", "math::ExpM1Op", "std::expm1(x)"> {
  let summary = "e^x - 1, accurate near 0";
}
def DL_LogOp : DL_UnaryFloatOp<"log", "math::LogOp", "std::log(x)"> {
  let summary = "natural logarithm";
}
def DL_Log1pOp : DL_UnaryFloatOp<"log1p", "math::Log1pOp", "std::log1p(x)"> {
  let summary = "log(1 + x), accurate near 0";
}
def DL_SqrtOp : DL_UnaryFloatOp<"sqrt", "math::SqrtOp", "std::sqrt(x)"> {
  let summary = "square root";
}
def DL_RsqrtOp : DL_UnaryFloatOp<"rsqrt", "math::RsqrtOp",
                                 "1.0 / std::sqrt(x)"> {
  let summary = "reciprocal square root, 1 / sqrt(x)";
}
def DL_SinOp : DL_UnaryFloatOp<"sin", "math::SinOp", "std::sin(x)"> {
  let summary = "sine";
}
def DL_CosOp : DL_UnaryFloatOp<"cos", "math::CosOp", "std::cos(x)"> {
  let summary = "cosine";
}
def DL_TanhOp : DL_UnaryFloatOp<"tanh", "math::TanhOp", "std::tanh(x)"> {
  let summary = "hyperbolic tangent";
}
def DL_ErfOp : DL_UnaryOp<"erf", DL_FloatTensor, [DL_Differentiable]> {
  let summary = "error function";
  // erf is odd: taking the sign of x keeps erf(-0) = -0 whatever
  // approximation math.erf lowers to.
  let scalarBody = [{
    return math::CopySignOp::create(b, loc, math::ErfOp::create(b, loc, args[0]),
                                    args[0]);
  }];
  let foldBody = [{
    return foldUnaryFloat(args[0], [](double x) { return std::erf(x); });
  }];
}
def DL_FloorOp : DL_UnaryFloatOp<"floor", "math::FloorOp", "std::floor(x)"> {
  let summary = "round toward -infinity";
}
def DL_CeilOp : DL_UnaryFloatOp<"ceil", "math::CeilOp", "std::ceil(x)"> {
  let summary = "round toward +infinity";
}
def DL_RoundOp : DL_UnaryFloatOp<"round", "math::RoundEvenOp",
                                 "std::nearbyint(x)"> {
  let summary = "round half to even (torch.round)";
}

def DL_SigmoidOp : DL_UnaryOp<"sigmoid", DL_FloatTensor, [DL_Differentiable]> {
  let summary = "logistic sigmoid, 1 / (1 + e^-x)";
  let description = [{
    Computed without overflow for every input: e^-|x| never exceeds 1.
  }];
  let scalarBody = [{ return buildSigmoidScalar(b, loc, args[0]); }];
  let foldBody = [{
    return foldUnaryFloat(args[0],
                          [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
  }];
}

def DL_NotOp : DL_UnaryOp<"not", DL_BoolTensor> {
  let summary = "logical not";
  let scalarBody = [{
    Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
    return arith::XOrIOp::create(b, loc, args[0], one);
  }];
}

class DL_BinaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : DL_ElementwiseOp<mnemonic, !listconcat(traits, [SameOperandsElementType,
        InferTypeOpAdaptor])> {
  let arguments = (ins type:$lhs, type:$rhs);
  let results = (outs type:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` custom<BroadcastOperandTypes>(type($lhs), type($rhs))
  }];
  let hasFolder = 1;
}

def DL_AddOp : DL_BinaryOp<"add", DL_NumericTensor, [Commutative, DL_Differentiable]> {
  let summary = "addition with broadcasting";
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::AddFOp::create(b, loc, args[0], args[1]);
    return arith::AddIOp::create(b, loc, args[0], args[1]);
  }];
  let foldBody = [{
    return foldBinary(args, [](double x, double y) { return x + y; },
                      [](int64_t x, int64_t y) { return x + y; });
  }];
}

def DL_SubOp : DL_BinaryOp<"sub", DL_NumericTensor, [DL_Differentiable]> {
  let summary = "subtraction with broadcasting";
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::SubFOp::create(b, loc, args[0], args[1]);
    return arith::SubIOp::create(b, loc, args[0], args[1]);
  }];
  let foldBody = [{
    return foldBinary(args, [](double x, double y) { return x - y; },
                      [](int64_t x, int64_t y) { return x - y; });
  }];
}

def DL_MulOp : DL_BinaryOp<"mul", DL_NumericTensor, [Commutative, DL_Differentiable]> {
  let summary = "multiplication with broadcasting";
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::MulFOp::create(b, loc, args[0], args[1]);
    return arith::MulIOp::create(b, loc, args[0], args[1]);
  }];
  let foldBody = [{
    return foldBinary(args, [](double x, double y) { return x * y; },
                      [](int64_t x, int64_t y) { return x * y; });
  }];
}

def DL_DivOp : DL_BinaryOp<"div", DL_NumericTensor, [DL_Differentiable]> {
  let summary = "division with broadcasting";
  let description = [{
    True division on floating-point tensors. On integers it is floor
    division (Python's `//`, `torch.div(rounding_mode="floor")`); division of
    an integer by zero yields 0 instead of trapping.
  }];
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::DivFOp::create(b, loc, args[0], args[1]);
    return buildFloorDivScalar(b, loc, args[0], args[1]);
  }];
  let foldBody = [{
    return foldBinary(args, [](double x, double y) { return x / y; },
        [](int64_t x, int64_t y) -> int64_t {
          if (y == 0) return 0;
          int64_t q = x / y;
          return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q;
        });
  }];
}

def DL_RemOp : DL_BinaryOp<"rem", DL_NumericTensor, [DL_Differentiable]> {
  let summary = "remainder with the sign of the dividend (C's fmod)";
  let description = [{
    `x - trunc(x / y) * y`, computed exactly (`fmod` for floating point, the
    truncating remainder for integers). An integer remainder by zero yields
    the dividend instead of trapping. Python's `%` (the sign of the
    divisor) is built from it.
  }];
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::RemFOp::create(b, loc, args[0], args[1]);
    return buildRemainderScalar(b, loc, args[0], args[1]);
  }];
  let foldBody = [{
    return foldBinary(args, [](double x, double y) { return std::fmod(x, y); },
        [](int64_t x, int64_t y) -> int64_t {
          return y == 0 ? x : y == -1 ? 0 : x % y;
        });
  }];
}

def DL_PowOp : DL_BinaryOp<"pow", DL_FloatTensor, [DL_Differentiable]> {
  let summary = "power x^y with broadcasting (torch.pow)";
  let scalarBody = [{ return math::PowFOp::create(b, loc, args[0], args[1]); }];
  let foldBody = [{
    return foldBinary(args, [](double x, double y) { return std::pow(x, y); },
                      nullptr);
  }];
}

def DL_MaxOp : DL_BinaryOp<"max", DL_NumericTensor, [Commutative, DL_Differentiable]> {
  let summary = "elementwise maximum, NaN-propagating (torch.maximum)";
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::MaximumFOp::create(b, loc, args[0], args[1]);
    return arith::MaxSIOp::create(b, loc, args[0], args[1]);
  }];
  let foldBody = [{
    return foldBinary(args,
        [](double x, double y) {
          return std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y); },
        [](int64_t x, int64_t y) { return std::max(x, y); });
  }];
}

def DL_MinOp : DL_BinaryOp<"min", DL_NumericTensor, [Commutative, DL_Differentiable]> {
  let summary = "elementwise minimum, NaN-propagating (torch.minimum)";
  let scalarBody = [{
    if (isa<FloatType>(elementType))
      return arith::MinimumFOp::create(b, loc, args[0], args[1]);
    return arith::MinSIOp::create(b, loc, args[0], args[1]);
  }];
  let foldBody = [{
    return foldBinary(args,
        [](double x, double y) {
          return std::isnan(x) || std::isnan(y) ? NAN : std::min(x, y); },
        [](int64_t x, int64_t y) { return std::min(x, y); });
  }];
}

def DL_AndOp : DL_BinaryOp<"and", DL_BoolTensor, [Commutative]> {
  let summary = "logical and";
  let scalarBody = [{ return arith::AndIOp::create(b, loc, args[0], args[1]); }];
  let foldBody = [{ return foldLogical(args, [](bool x, bool y) { return x && y; }); }];
}

def DL_OrOp : DL_BinaryOp<"or", DL_BoolTensor, [Commutative]> {
  let summary = "logical or";
  let scalarBody = [{ return arith::OrIOp::create(b, loc, args[0], args[1]); }];
  let foldBody = [{ return foldLogical(args, [](bool x, bool y) { return x || y; }); }];
}

def DL_CmpOp : DL_ElementwiseOp<"cmp", [SameOperandsElementType,
    InferTypeOpAdaptor]> {
  let summary = "elementwise comparison with broadcasting, giving i1";
  let description = [{
    ```mlir
    %m = dl.cmp lt, %x, %y : tensor<4x3xf32>, tensor<3xf32>
    ```
    Comparisons with NaN are false, except `ne`, which is true.
  }];
  let arguments = (ins DL_CmpPredicate:$predicate, DL_Tensor:$lhs,
                       DL_Tensor:$rhs);
  let results = (outs DL_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:`
    custom<BroadcastOperandTypes>(type($lhs), type($rhs))
  }];
  let scalarBody = [{
    return buildCompareScalar(b, loc, getPredicate(), args[0], args[1]);
  }];
  let foldBody = [{ return foldCompare(getPredicate(), args[0], args[1]); }];
  let hasFolder = 1;
}

def DL_SelectOp : DL_ElementwiseOp<"select", [
    InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "choose elements: cond ? lhs : rhs, with broadcasting";
  let arguments = (ins DL_BoolTensor:$condition, DL_Tensor:$lhs,
                       DL_Tensor:$rhs);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $lhs `,` $rhs attr-dict `:`
    type($condition) `,` type($lhs) `,` type($rhs)
  }];
  let scalarBody = [{
    return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
  }];
  let foldBody = [{
    auto c = dyn_cast<IntegerAttr>(args[0]);
    return c ? (c.getValue().isZero() ? args[2] : args[1]) : TypedAttr();
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
}

def DL_CastOp : DL_ElementwiseOp<"cast", [SameOperandsAndResultShape,
    DL_Differentiable]> {
  let summary = "element type conversion (torch.Tensor.to)";
  let description = [{
    float to integer truncates toward zero; any type to i1 is `x != 0`; i1
    to a number is 0 or 1; integers are sign-extended or truncated.
  }];
  let arguments = (ins DL_Tensor:$input);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let scalarBody = [{ return buildCastScalar(b, loc, args[0], elementType); }];
  let foldBody = [{ return foldCast(args[0], resultElementType); }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and data movement
//===----------------------------------------------------------------------===//

def DL_MatmulOp : DL_Op<"matmul", [Pure, DL_CountsFlops, SameOperandsElementType, DL_Differentiable,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "matrix product (torch.matmul)";
  let description = [{
    1-D @ 1-D is a dot product; a 1-D left operand is a row vector and a 1-D
    right operand a column vector, their unit dimension removed from the
    result; leading (batch) dimensions broadcast.
  }];
  let arguments = (ins DL_NumericTensor:$lhs, DL_NumericTensor:$rhs);
  let results = (outs DL_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def DL_TransposeOp : DL_Op<"transpose", [Pure, DL_Differentiable,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "permute dimensions (torch.permute)";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.
  }];
  let arguments = (ins DL_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $input $permutation attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def DL_ReshapeOp : DL_Op<"reshape", [Pure, DL_Differentiable,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "same elements in row-major order, another shape";
  let description = [{
    `sizes` gives the dynamic dimensions of the result in order. The element
    counts must match (checked at run time when dynamic).
  }];
  let arguments = (ins DL_Tensor:$input, Variadic<Index>:$sizes);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $input (` ` `[` $sizes^ `]`)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def DL_BroadcastToOp : DL_Op<"broadcast_to", [Pure, DL_Differentiable,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "broadcast to a shape by NumPy's rules (torch.broadcast_to)";
  let description = [{
    Input dimensions align with the trailing result dimensions; an input
    dimension is either equal to the result's or a static 1. `sizes` gives the
    dynamic dimensions of the result in order.
  }];
  let arguments = (ins DL_Tensor:$input, Variadic<Index>:$sizes);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $input (` ` `[` $sizes^ `]`)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
  let hasVerifier = 1;
}

def DL_SumToOp : DL_Op<"sum_to", [Pure, DL_CountsFlops, DL_Differentiable,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "sum over the dimensions a broadcast would stretch";
  let description = [{
    The reverse of `broadcast_to`: the result shape must broadcast to the
    input shape, and each result element is the sum of the input elements
    that broadcasting would have copied it to. The derivative of a
    broadcast.
  }];
  let arguments = (ins DL_NumericTensor:$input);
  let results = (outs DL_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def DL_ReduceOp : DL_Op<"reduce", [Pure, DL_CountsFlops, DL_Differentiable,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "reduction over axes: sum, mean, max, min, prod";
  let description = [{
    `axes` are sorted, distinct and in range. With `keepdims` reduced
    dimensions stay with size 1. `mean` is for floating point only; `max`
    and `min` propagate NaN. Reducing an empty extent gives the identity
    (0, NaN for mean, -inf/+inf or the integer limits, 1).
  }];
  let arguments = (ins DL_ReduceKind:$kind, DL_NumericTensor:$input,
                       DenseI64ArrayAttr:$axes, UnitAttr:$keepdims);
  let results = (outs DL_NumericTensor:$result);
  let assemblyFormat = [{
    $kind $input $axes (`keepdims` $keepdims^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

class DL_ArgReduceOp<string mnemonic, string what>
    : DL_Op<mnemonic, [Pure, DL_CountsFlops,
        InferTypeOpAdaptor,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "index of the " # what # " along an axis (i64)";
  let description = [{
    The first index on ties; a NaN counts as the extreme value, as in
    PyTorch.
  }];
  let arguments = (ins DL_NumericTensor:$input, I64Attr:$axis,
                       UnitAttr:$keepdims);
  let results = (outs I64Tensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keepdims` $keepdims^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}
def DL_ArgMaxOp : DL_ArgReduceOp<"argmax", "maximum">;
def DL_ArgMinOp : DL_ArgReduceOp<"argmin", "minimum">;

def DL_ConcatOp : DL_Op<"concat", [Pure, SameOperandsAndResultElementType, DL_Differentiable,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "join tensors along an axis (torch.cat)";
  let arguments = (ins Variadic<DL_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` `(` type($inputs) `)` `->`
    type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def DL_SliceOp : DL_Op<"slice", [Pure, AttrSizedOperandSegments, DL_Differentiable,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "strided window of a tensor (tensor.extract_slice semantics)";
  let description = [{
    Offsets, sizes and strides are static or dynamic (`index` operands), as
    in `tensor.extract_slice`; strides are positive. The window must lie in
    the input (checked at run time when dynamic).
  }];
  let arguments = (ins DL_Tensor:$input,
                       Variadic<Index>:$offsets, Variadic<Index>:$sizes,
                       Variadic<Index>:$strides,
                       DenseI64ArrayAttr:$static_offsets,
                       DenseI64ArrayAttr:$static_sizes,
                       DenseI64ArrayAttr:$static_strides);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $input
    custom<DynamicIndexList>($offsets, $static_offsets)
    custom<DynamicIndexList>($sizes, $static_sizes)
    custom<DynamicIndexList>($strides, $static_strides)
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def DL_InsertSliceOp : DL_Op<"insert_slice", [Pure, AttrSizedOperandSegments, DL_Differentiable,
    AllTypesMatch<["dest", "result"]>,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "dest with a strided window replaced by source";
  let description = [{
    The reverse of `dl.slice`, and its derivative: `source` has the window's
    shape; elements of `dest` outside the window are kept.
  }];
  let arguments = (ins DL_Tensor:$source, DL_Tensor:$dest,
                       Variadic<Index>:$offsets, Variadic<Index>:$sizes,
                       Variadic<Index>:$strides,
                       DenseI64ArrayAttr:$static_offsets,
                       DenseI64ArrayAttr:$static_sizes,
                       DenseI64ArrayAttr:$static_strides);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $source `into` $dest
    custom<DynamicIndexList>($offsets, $static_offsets)
    custom<DynamicIndexList>($sizes, $static_sizes)
    custom<DynamicIndexList>($strides, $static_strides)
    attr-dict `:` type($source) `into` type($dest)
  }];
  let hasVerifier = 1;
}

def DL_PadOp : DL_Op<"pad", [Pure, DL_Differentiable,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "pad with a constant (torch.nn.functional.pad, constant mode)";
  let description = [{
    `low[i]` and `high[i]` elements of `value` are added before and after
    dimension `i`; amounts are non-negative.
  }];
  let arguments = (ins DL_Tensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high, TypedAttrInterface:$value);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $input `low` $low `high` $high `value` $value attr-dict `:` type($input)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def DL_GatherOp : DL_Op<"gather", [Pure, DL_Differentiable,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "pick elements along an axis (torch.take_along_dim)";
  let description = [{
    `input` and `indices` have the same rank. Along `axis` the result has
    the extent of `indices`; the other dimensions broadcast. With
    `axis = 1` on rank 2:
    `result[i][j] = input[i][indices[i][j]]`.
    Indices in [-n, n) are valid, negative ones counting from the end (n is
    the input's extent along `axis`); others are a run-time error.
  }];
  let arguments = (ins DL_Tensor:$input, DL_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $input `[` $indices `]` `axis` `=` $axis attr-dict `:` type($input) `,`
    type($indices) `->` type($result)
  }];
  let hasVerifier = 1;
}

def DL_ScatterAddOp : DL_Op<"scatter_add", [Pure, DL_CountsFlops, DL_Differentiable,
    AllTypesMatch<["dest", "result"]>,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "accumulate into positions along an axis (torch.scatter_add)";
  let description = [{
    `indices` and `source` have one shape; along every dimension but `axis`
    it equals `dest`'s. With `axis = 1` on rank 2:
    `result[i][indices[i][j]] += source[i][j]`, starting from `dest`. The
    derivative of `dl.gather`. Index rules as for `dl.gather`.
  }];
  let arguments = (ins DL_NumericTensor:$source, DL_NumericTensor:$dest,
                       DL_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs DL_NumericTensor:$result);
  let assemblyFormat = [{
    $source `into` $dest `[` $indices `]` `axis` `=` $axis attr-dict `:`
    type($source) `,` type($indices) `into` type($dest)
  }];
  let hasVerifier = 1;
}

def DL_OneHotOp : DL_Op<"one_hot", [Pure,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "one-hot encoding (torch.nn.functional.one_hot)";
  let description = [{
    Appends a dimension of extent `num_classes`: element `c` of a new row is
    1 when the index is `c`. Indices outside [0, num_classes) are a run-time
    error.
  }];
  let arguments = (ins DL_IndexTensor:$indices, I64Attr:$num_classes);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = [{
    $indices `classes` `=` $num_classes attr-dict `:` type($indices) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Composite ops kept whole (numerically stable, better derivatives)
//===----------------------------------------------------------------------===//

class DL_SoftmaxLikeOp<string mnemonic, string formula>
    : DL_Op<mnemonic, [Pure, DL_CountsFlops, SameOperandsAndResultType, DL_Differentiable,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = formula # " along an axis";
  let description = [{
    Computed after subtracting the maximum along the axis, so that no input
    overflows (inputs of 1e4 are fine).
  }];
  let arguments = (ins DL_FloatTensor:$input, I64Attr:$axis);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
}
def DL_SoftmaxOp : DL_SoftmaxLikeOp<"softmax", "exp(x) / sum(exp(x))">;
def DL_LogSoftmaxOp : DL_SoftmaxLikeOp<"log_softmax",
                                       "x - log(sum(exp(x)))">;

//===----------------------------------------------------------------------===//
// Random numbers (docs/random.md has the algorithm bit by bit)
//===----------------------------------------------------------------------===//

// The seed: a 0-d i64 tensor, so that the assembly format need not spell it.
def DL_SeedTensor : Type<And<[RankedTensorOf<[I64]>.predicate,
                              HasAnyRankOfPred<[0]>]>,
                         "0-d i64 tensor (a seed)",
                         "::mlir::RankedTensorType">,
    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getI64Type())">;

// A counter-based generator: element i (row-major linear index) of the result
// is a function of (seed, stream, i) only. The ops are pure: two ops with the
// same seed, stream and type are the same numbers (CSE may merge them); ops
// with different streams are never merged. They are not differentiable
// (dl-autodiff treats them as constants: they have no float operands).
class DL_RandomOp<string mnemonic, Type resultType, list<Trait> traits = []>
    : DL_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>])> {
  let arguments = (ins DL_SeedTensor:$seed, Variadic<Index>:$sizes,
                       I64Attr:$stream);
  let results = (outs resultType:$result);
  let assemblyFormat = [{
    $seed (` ` `[` $sizes^ `]`)? `stream` `=` $stream attr-dict `:`
    type($result)
  }];
  let hasVerifier = 1;
}

def DL_RandomUniformOp : DL_RandomOp<"random_uniform", DL_FloatTensor> {
  let summary = "uniform random numbers in [0, 1) (Philox4x32-10)";
  let description = [{
    Element `i` (the row-major linear index) is computed from the Philox4x32-10
    block of key (lo32(seed), hi32(seed)) and counter (lo32(i), hi32(i),
    lo32(stream), hi32(stream)), words x0..x3:
    f32: `(x0 >> 8) * 2^-24`; f64: `((x0 + 2^32 x1) >> 11) * 2^-53`.
    `sizes` gives the dynamic dimensions of the result in order.

    ```mlir
    %u = dl.random_uniform %seed [%n] stream = 3 : tensor<?x10xf32>
    ```
  }];
}

def DL_RandomNormalOp : DL_RandomOp<"random_normal", DL_FloatTensor> {
  let summary = "standard normal random numbers (Philox4x32-10, Box-Muller)";
  let description = [{
    Element `i` is `sqrt(-2 ln(1 - u1)) * cos(2 pi u2)` (in the element type),
    where u1 and u2 are uniform numbers in [0, 1) from the words of the same
    Philox block as `dl.random_uniform` uses: for f32, u1 from x0 and u2 from
    x1 (`(x >> 8) * 2^-24`); for f64, u1 from (x0, x1) and u2 from (x2, x3)
    (53 bits each). |result| <= 5.77 (f32) or 8.58 (f64).
  }];
}

def DL_RandomBitsOp : DL_RandomOp<"random_bits", DL_IndexTensor> {
  let summary = "the raw words of Philox4x32-10 blocks";
  let description = [{
    The last dimension has extent 4: element `[..., w]` is word `w` of the
    Philox4x32-10 block of key (lo32(seed), hi32(seed)) and counter
    (lo32(j), hi32(j), lo32(stream), hi32(stream)), where j = offset + the
    row-major linear index of `[...]` over the leading dimensions (mod 2^64).
    As i32 the word's bits; as i64 the word zero-extended. The uniform and
    normal ops use the words of block j = i (offset 0); known-answer tests
    use `offset` to reach any counter.

    ```mlir
    %w = dl.random_bits %seed stream = 0 offset = -1 : tensor<1x4xi64>
    ```
  }];
  let arguments = (ins DL_SeedTensor:$seed, Variadic<Index>:$sizes,
                       I64Attr:$stream, DefaultValuedAttr<I64Attr, "0">:$offset);
  let assemblyFormat = [{
    $seed (` ` `[` $sizes^ `]`)? `stream` `=` $stream
    (`offset` `=` $offset^)? attr-dict `:` type($result)
  }];
}

def DL_OrthogonalizeOp : DL_Op<"orthogonalize", [Pure, DL_CountsFlops,
    SameOperandsAndResultType,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "the orthonormal factor Q of a QR decomposition";
  let description = [{
    For an m x n matrix A with m >= n: the m x n matrix Q with orthonormal
    columns such that A = Q R with R upper triangular and a positive
    diagonal (torch.linalg.qr's Q multiplied by the signs of R's diagonal,
    as torch.nn.init.orthogonal_ does). For m < n: the transpose of that of
    A's transpose (orthonormal rows). Computed in f64 by Gram-Schmidt with
    reorthogonalization; a column that is 0 after orthogonalization (a
    rank-deficient A) stays 0. Not differentiable. The orthogonal
    initializer uses it.
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Differentiation
//===----------------------------------------------------------------------===//

def DL_StopGradientOp : DL_Op<"stop_gradient", [Pure,
    SameOperandsAndResultType]> {
  let summary = "identity that no gradient flows through";
  let description = [{
    Returns its operand; `dl-autodiff` treats it as a constant. It has no
    folder, so that canonicalization before differentiation keeps it; the
    lowering replaces it by its operand.
  }];
  let arguments = (ins DL_Tensor:$input);
  let results = (outs DL_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def DL_GradOp : DL_Op<"grad", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "the gradient of a function at its arguments";
  let description = [{
    Calls the reverse-mode derivative of `callee` at `arguments`. The
    callee's first result is a 0-d floating-point tensor, the value
    differentiated; further results are auxiliary outputs (metrics, say),
    not differentiated. The op's results are, with `with_value`, all the
    callee's results first; then the gradient of the value with respect to
    each argument listed in `wrt` (argument indices, sorted), each of that
    argument's type.

    ```mlir
    %loss, %gw = dl.grad @loss(%w, %x) wrt [0] with_value
        : (tensor<3xf32>, tensor<?x3xf32>) -> (tensor<f32>, tensor<3xf32>)
    ```

    `dl-autodiff` replaces it with a call to a generated function of dl ops
    that computes the value and the gradients (and inlines it).
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       Variadic<DL_Tensor>:$arguments,
                       DenseI64ArrayAttr:$wrt, UnitAttr:$with_value);
  let results = (outs Variadic<DL_Tensor>:$results);
  let assemblyFormat = [{
    $callee `(` $arguments `)` `wrt` $wrt (`with_value` $with_value^)?
    attr-dict `:` functional-type($arguments, $results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Run-time checks
//===----------------------------------------------------------------------===//

def DL_AssertOp : DL_Op<"assert", [
    MemoryEffects<[MemWrite]>]> {
  let summary = "fail the call with a message when the condition is false";
  let description = [{
    Never aborts the process: the entry point returns an error carrying
    `message` (see docs/runtime-abi.md).
  }];
  let arguments = (ins I1:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict";
  let hasCanonicalizer = 1;
}

def DL_CheckFiniteOp : DL_Op<"check_finite", [
    MemoryEffects<[MemWrite]>]> {
  let summary = "fail the call when a floating-point tensor has a NaN or an "
                "infinity";
  let description = [{
    Fails the call (as `dl.assert` does, never aborting) with the message
    `non-finite value (NaN) in <message>` when the tensor holds a NaN, else
    `(inf)` when it holds +inf and no -inf, `(-inf)` when it holds -inf.
    `message` says which value is checked, e.g. `the result of dl.log at
    model.dl:12:9`; it is printed as written. `dl-check-numerics` inserts
    one after each op whose result it checks.

    ```mlir
    dl.check_finite %y, "the result of dl.log at model.dl:12:9" : tensor<?x10xf32>
    ```

    It returns nothing, so the checked value keeps its users and
    differentiation ignores the op (`dl-autodiff` copies it into the
    forward computation of a derivative). The lowering reads the tensor
    once more (a reduction), which keeps its producer from fusing with its
    consumers (docs/pipeline.md).
  }];
  let arguments = (ins DL_FloatTensor:$input, StrAttr:$message);
  let assemblyFormat = "$input `,` $message attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // DL_OPS_TD
