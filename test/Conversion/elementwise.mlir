// RUN: dl-opt %s --convert-dl-to-linalg --split-input-file | FileCheck %s

// A static 1 stretched over the result reads index 0; missing leading
// dimensions are dropped from the map; rank-0 operands map to ().
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @broadcasting
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<4x1xf32>, %[[S:.*]]: tensor<f32>)
func.func @broadcasting(%a: tensor<4x3xf32>, %b: tensor<3xf32>, %c: tensor<4x1xf32>, %s: tensor<f32>) -> tensor<4x3xf32> {
  // CHECK: %[[E0:.*]] = tensor.empty() : tensor<4x3xf32>
  // CHECK: %[[ADD:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
  // CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4x3xf32>, tensor<3xf32>) outs(%[[E0]] : tensor<4x3xf32>)
  // CHECK: arith.addf
  %0 = dl.add %a, %b : tensor<4x3xf32>, tensor<3xf32>
  // CHECK: %[[MUL:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
  // CHECK-SAME: ins(%[[ADD]], %[[C]] : tensor<4x3xf32>, tensor<4x1xf32>)
  // CHECK: arith.mulf
  %1 = dl.mul %0, %c : tensor<4x3xf32>, tensor<4x1xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]]
  // CHECK-SAME: ins(%[[MUL]], %[[S]] : tensor<4x3xf32>, tensor<f32>)
  // CHECK: arith.subf
  %2 = dl.sub %1, %s : tensor<4x3xf32>, tensor<f32>
  return %2 : tensor<4x3xf32>
}

// -----

// A rank-0 op is a generic without loops.
// CHECK: #[[MAP:.*]] = affine_map<() -> ()>
// CHECK-LABEL: func.func @rank0
func.func @rank0(%a: tensor<f32>) -> tensor<f32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<f32>
  // CHECK: linalg.generic {indexing_maps = [#[[MAP]], #[[MAP]]], iterator_types = []}
  // CHECK-SAME: ins(%{{.*}} : tensor<f32>) outs(%[[E]] : tensor<f32>)
  // CHECK: math.exp
  %0 = dl.exp %a : tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Dynamic extents take their size from the operands; two dynamic extents
// meeting in one dimension are checked at run time, with the op's location
// in the message.
// CHECK: llvm.mlir.global private constant @[[MSG:__dl_check_message_[0-9]+]]("{{.*}}elementwise.mlir:[[@LINE+16]]:8: extents %lld and %lld of dimension 0 differ\00")
// CHECK: llvm.func @dlrt_fail(!llvm.ptr) attributes {no_unwind, passthrough = ["noreturn"]}
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<?x3xf32>, %[[B:.*]]: tensor<?x1xf32>)
func.func @dynamic(%a: tensor<?x3xf32>, %b: tensor<?x1xf32>) -> tensor<?x3xf32> {
  // CHECK: %[[DB:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<?x1xf32>
  // CHECK: %[[EQ:.*]] = arith.cmpi eq, %{{.*}}, %[[DB]] : index
  // CHECK: %[[BAD:.*]] = arith.xori %[[EQ]], %{{.*}} : i1
  // CHECK: scf.if %[[BAD]] {
  // CHECK:   %[[FMT:.*]] = llvm.mlir.addressof @[[MSG]]
  // CHECK:   %[[BUF:.*]] = llvm.alloca
  // CHECK:   llvm.call @snprintf(%[[BUF]], %{{.*}}, %[[FMT]], %{{.*}}, %{{.*}}) vararg
  // CHECK:   llvm.call @dlrt_fail(%[[BUF]])
  // CHECK: }
  // CHECK: tensor.empty(%{{.*}}) : tensor<?x3xf32>
  // CHECK: linalg.generic
  %0 = dl.add %a, %b : tensor<?x3xf32>, tensor<?x1xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// The same tensor twice needs no check.
// CHECK-LABEL: func.func @same_operand
func.func @same_operand(%a: tensor<?xf32>) -> tensor<?xf32> {
  // CHECK-NOT: scf.if
  // CHECK: linalg.generic
  %0 = dl.mul %a, %a : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Each op's scalar body comes from ElementwiseOpInterface::buildScalar;
// operands of other element types than the result work (cmp, select, cast).
// CHECK-LABEL: func.func @mixed_types
func.func @mixed_types(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi32> {
  // CHECK: linalg.generic
  // CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: i1):
  // CHECK: arith.cmpf olt, %[[X]], %[[Y]] : f32
  %m = dl.cmp lt, %a, %b : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: ^bb0(%[[C:.*]]: i1, %[[P:.*]]: f32, %[[Q:.*]]: f32, %{{.*}}: f32):
  // CHECK: arith.select %[[C]], %[[P]], %[[Q]] : f32
  %s = dl.select %m, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: arith.fptosi %{{.*}} : f32 to i32
  %i = dl.cast %s : tensor<4xf32> to tensor<4xi32>
  // CHECK: linalg.generic
  // CHECK: arith.floordivsi
  %d = dl.div %i, %i : tensor<4xi32>
  return %d : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @constant
func.func @constant() -> tensor<2xf32> {
  // CHECK: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  // CHECK: return %[[C]]
  %0 = dl.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}
