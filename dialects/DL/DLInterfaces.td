//===- DLInterfaces.td - op interfaces of the `dl` dialect -*- tablegen -*-===//

#ifndef DL_INTERFACES_TD
#define DL_INTERFACES_TD

include "mlir/IR/OpBase.td"

def DL_ElementwiseOpInterface : OpInterface<"ElementwiseOpInterface"> {
  let cppNamespace = "::dl";
  let description = [{
    An op computed independently for each element of its (broadcast) result.
    The op says how to compute one element from one element of each operand,
    so that a single pattern lowers every elementwise op to one
    `linalg.generic`, and elementwise chains fuse into one loop nest.
  }];
  let methods = [
    InterfaceMethod<[{
        Emits the computation of one result element from one element of each
        operand (`args`, in operand order, with the operands' element types).
        Returns a value of the result's element type.
      }],
      "::mlir::Value", "buildScalar",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::ValueRange":$args)>,
    InterfaceMethod<[{
        Computes one result element from constant operand elements, for
        constant folding. Returns a null attribute when the op cannot be
        folded for these values.
      }],
      "::mlir::TypedAttr", "foldScalar",
      (ins "::llvm::ArrayRef<::mlir::TypedAttr>":$args,
           "::mlir::Type":$resultElementType)>,
  ];
}

def DL_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::dl";
  let description = [{
    An op that knows its reverse-mode derivative: given the cotangents of
    its results (the gradient of the final value with respect to each
    result), it builds the cotangents of its operands from dl ops, after the
    op. The autodiff pass (`dl-autodiff`) walks a function backwards and asks
    each op; there is no central table of derivatives. Because the result is
    again dl ops, derivatives can be differentiated again.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds the cotangents of the operands. `resultGrads` has one value per
        result, null for a result nothing depends on. `operandGrads` is
        filled with one value per operand, null for an operand that gets no
        gradient (an integer or boolean operand, a condition). Each non-null
        operand gradient has exactly the operand's type.
      }],
      "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>,
  ];
}

def DL_FlopCountOpInterface : OpInterface<"FlopCountOpInterface"> {
  let cppNamespace = "::dl";
  let description = [{
    The arithmetic an op performs, counted in operations on elements: one
    per add, multiply, compare, exp, ...; a multiply-add counts 2. `dlc
    summary` adds them up per layer. An op that only moves data (reshape,
    transpose, slice, gather, broadcast, one_hot, constants, random numbers)
    does not implement the interface and counts 0. The default is one
    operation per result element, what an elementwise op does.
  }];
  let methods = [
    InterfaceMethod<[{
        The operation count, or std::nullopt when a shape it depends on is
        dynamic.
      }],
      "std::optional<int64_t>", "getFlopCount", (ins), [{}], [{
        return ::dl::staticElementCount($_op->getResult(0).getType());
      }]>,
  ];
}

#endif // DL_INTERFACES_TD
