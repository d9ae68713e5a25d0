//===- DLDialect.td - the `dl` dialect ---------------------*- tablegen -*-===//
//
// The `dl` dialect: the tensor operations of the DL language. Values are
// builtin ranked tensors whose element type is one of f32, f64, i32, i64 and
// i1 (bf16/f16 fit the same constraints later). Integers are signed.
//
//===----------------------------------------------------------------------===//

#ifndef DL_DIALECT_TD
#define DL_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/EnumAttr.td"

def DL_Dialect : Dialect {
  let name = "dl";
  let cppNamespace = "::dl";
  let summary = "Tensor operations of the DL deep-learning language";
  let description = [{
    Every op works on ranked tensors. Elementwise ops broadcast their operands
    by NumPy's rules, resolved statically: a dimension of static size 1 is
    stretched; two dynamic (`?`) dimensions must be equal at run time (the
    lowering checks it); a dynamic dimension never broadcasts. Operands of an
    op share one element type: the front end inserts `dl.cast` for dtype
    promotion.
  }];
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def DL_Float : AnyTypeOf<[F32, F64], "floating point (f32 or f64)">;
def DL_Int : AnyTypeOf<[I32, I64], "integer (i32 or i64)">;
def DL_Numeric : AnyTypeOf<[F32, F64, I32, I64], "numeric">;
def DL_Element : AnyTypeOf<[F32, F64, I32, I64, I1], "dl element type">;

def DL_Tensor : RankedTensorOf<[DL_Element]>;
def DL_NumericTensor : RankedTensorOf<[DL_Numeric]>;
def DL_FloatTensor : RankedTensorOf<[DL_Float]>;
def DL_IntTensor : RankedTensorOf<[DL_Int]>;
def DL_BoolTensor : RankedTensorOf<[I1]>;
def DL_IndexTensor : RankedTensorOf<[I32, I64]>;
def DL_BoolScalar : 0DTensorOf<[I1]>;

#endif // DL_DIALECT_TD
