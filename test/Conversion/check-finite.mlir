// RUN: dl-opt %s --convert-dl-to-linalg --split-input-file | FileCheck %s

// dl.check_finite: one reduction over every element into an integer of the
// element's width, the OR of the bit patterns of the non-finite elements
// (exponent bits all ones); then three checks: mantissa bits (a NaN), an
// infinity without the sign bit (+inf), any infinity left (-inf). The
// message is the op's, after the kind of value, printed as written (no
// location prefix: the message has it) and never a printf format.
// CHECK-DAG: llvm.mlir.global private constant @[[NAN:__dl_check_message_[0-9]+]]("non-finite value (NaN) in the result of dl.log at model.dl:12:9 (100%)\00")
// CHECK-DAG: llvm.mlir.global private constant @[[INF:__dl_check_message_[0-9]+]]("non-finite value (inf) in the result of dl.log at model.dl:12:9 (100%)\00")
// CHECK-DAG: llvm.mlir.global private constant @[[NINF:__dl_check_message_[0-9]+]]("non-finite value (-inf) in the result of dl.log at model.dl:12:9 (100%)\00")
// CHECK-DAG: llvm.func @dlrt_fail(!llvm.ptr) attributes {no_unwind, passthrough = ["noreturn"]}
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[NONE:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @check
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : i32) outs(%{{.*}} : tensor<i32>)
// CHECK: %[[FOUND:.*]] = linalg.generic {indexing_maps = [#[[ALL]], #[[NONE]]], iterator_types = ["reduction", "reduction"]} ins(%[[X]] : tensor<?x4xf32>) outs(%[[INIT]] : tensor<i32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %[[OUT:.*]]: i32):
// CHECK-NEXT: %[[BITS:.*]] = arith.bitcast %[[IN]] : f32 to i32
// CHECK-NEXT: %[[EXP:.*]] = arith.constant 2139095040 : i32
// CHECK-NEXT: %[[E:.*]] = arith.andi %[[BITS]], %[[EXP]] : i32
// CHECK-NEXT: %[[NF:.*]] = arith.cmpi eq, %[[E]], %[[EXP]] : i32
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[PICK:.*]] = arith.select %[[NF]], %[[BITS]], %[[Z]] : i32
// CHECK-NEXT: %[[ANY:.*]] = arith.ori %[[OUT]], %[[PICK]] : i32
// CHECK-NEXT: linalg.yield %[[ANY]] : i32
// CHECK: %[[F:.*]] = tensor.extract %[[FOUND]][] : tensor<i32>
// CHECK: arith.constant 8388607 : i32
// CHECK: scf.if
// CHECK-NEXT: llvm.mlir.addressof @[[NAN]]
// CHECK-NEXT: llvm.call @dlrt_fail
// CHECK: arith.constant -2147483648 : i32
// CHECK: scf.if
// CHECK-NEXT: llvm.mlir.addressof @[[INF]]
// CHECK-NEXT: llvm.call @dlrt_fail
// CHECK: arith.cmpi eq, %[[F]], %[[ZERO]] : i32
// CHECK: scf.if
// CHECK-NEXT: llvm.mlir.addressof @[[NINF]]
// CHECK-NEXT: llvm.call @dlrt_fail
// CHECK-NOT: dl.check_finite
// CHECK: return
func.func @check(%x: tensor<?x4xf32>) {
  dl.check_finite %x, "the result of dl.log at model.dl:12:9 (100%)" : tensor<?x4xf32> loc("model.dl":12:9)
  return
}

// -----

// A 0-d tensor of f64: a reduction without loops, on the i64 bit pattern.
// CHECK-DAG: llvm.mlir.global private constant @{{.*}}("non-finite value (NaN) in x\00")
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<() -> ()>
// CHECK-LABEL: func.func @scalar
// CHECK: linalg.generic {indexing_maps = [#[[SCALAR]], #[[SCALAR]]], iterator_types = []} ins(%{{.*}} : tensor<f64>) outs(%{{.*}} : tensor<i64>)
// CHECK: arith.bitcast %{{.*}} : f64 to i64
// CHECK: arith.constant 9218868437227405312 : i64
// CHECK-COUNT-3: scf.if
func.func @scalar(%x: tensor<f64>) {
  dl.check_finite %x, "x" : tensor<f64>
  return
}
