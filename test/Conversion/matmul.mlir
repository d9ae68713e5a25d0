// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize --cse --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[B:.*]]: tensor<8x16xf32>)
func.func @matmul(%a: tensor<?x8xf32>, %b: tensor<8x16xf32>) -> tensor<?x16xf32> {
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[M:.*]] = tensor.dim %[[A]]
  // CHECK: %[[E:.*]] = tensor.empty(%[[M]]) : tensor<?x16xf32>
  // CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?x16xf32>)
  // CHECK: %[[R:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<?x8xf32>, tensor<8x16xf32>) outs(%[[F]] : tensor<?x16xf32>)
  // CHECK: return %[[R]]
  %0 = dl.matmul %a, %b : tensor<?x8xf32>, tensor<8x16xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// CHECK-LABEL: func.func @vectors
func.func @vectors(%v: tensor<8xf32>, %m: tensor<4x8xf32>, %n: tensor<8x3xf32>) -> (tensor<f32>, tensor<4xf32>, tensor<3xf32>) {
  // CHECK: linalg.dot ins(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<f32>)
  %0 = dl.matmul %v, %v : tensor<8xf32>, tensor<8xf32> -> tensor<f32>
  // CHECK: linalg.matvec ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<4xf32>)
  %1 = dl.matmul %m, %v : tensor<4x8xf32>, tensor<8xf32> -> tensor<4xf32>
  // CHECK: linalg.vecmat ins(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8x3xf32>) outs(%{{.*}} : tensor<3xf32>)
  %2 = dl.matmul %v, %n : tensor<8xf32>, tensor<8x3xf32> -> tensor<3xf32>
  return %0, %1, %2 : tensor<f32>, tensor<4xf32>, tensor<3xf32>
}

// -----

// Batched left operand, 2-D right operand: the batch dimensions fold into
// M, one plain matmul; integers too.
// CHECK-LABEL: func.func @batch_into_rows
func.func @batch_into_rows(%a: tensor<2x3x4x8xi32>, %b: tensor<8x5xi32>) -> tensor<2x3x4x5xi32> {
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
  // CHECK: %[[ROWS:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] : tensor<2x3x4x8xi32> into tensor<24x8xi32>
  // CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : i32)
  // CHECK: %[[P:.*]] = linalg.matmul ins(%[[ROWS]], %{{.*}} : tensor<24x8xi32>, tensor<8x5xi32>) outs(%[[F]] : tensor<24x5xi32>)
  // CHECK: tensor.expand_shape %[[P]] {{\[\[}}0, 1, 2], [3]] output_shape [2, 3, 4, 5] : tensor<24x5xi32> into tensor<2x3x4x5xi32>
  %0 = dl.matmul %a, %b : tensor<2x3x4x8xi32>, tensor<8x5xi32> -> tensor<2x3x4x5xi32>
  return %0 : tensor<2x3x4x5xi32>
}

// -----

// Batched left operand, vector right operand: one matvec.
// CHECK-LABEL: func.func @batch_matvec
func.func @batch_matvec(%a: tensor<?x4x8xf32>, %b: tensor<8xf32>) -> tensor<?x4xf32> {
  // CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<?x4x8xf32> into tensor<?x8xf32>
  // CHECK: linalg.matvec
  // CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [%{{.*}}, 4] : tensor<?xf32> into tensor<?x4xf32>
  %0 = dl.matmul %a, %b : tensor<?x4x8xf32>, tensor<8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Batch dimensions broadcast (static 1 stretched), collapse into one, and
// meet in a batch_matmul.
// CHECK-DAG: #[[STRETCH:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[LEAD:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
// CHECK-LABEL: func.func @batched
func.func @batched(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  // CHECK: %[[LB:.*]] = linalg.generic {indexing_maps = [#[[STRETCH]], #[[ID]]]{{.*}} ins(%{{.*}} : tensor<2x1x4x8xf32>) outs(%{{.*}} : tensor<2x3x4x8xf32>)
  // CHECK: %[[L:.*]] = tensor.collapse_shape %[[LB]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x8xf32> into tensor<6x4x8xf32>
  // CHECK: %[[RB:.*]] = linalg.generic {indexing_maps = [#[[LEAD]], #[[ID]]]{{.*}} ins(%{{.*}} : tensor<3x8x5xf32>) outs(%{{.*}} : tensor<2x3x8x5xf32>)
  // CHECK: %[[R:.*]] = tensor.collapse_shape %[[RB]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x8x5xf32> into tensor<6x8x5xf32>
  // CHECK: %[[P:.*]] = linalg.batch_matmul ins(%[[L]], %[[R]] : tensor<6x4x8xf32>, tensor<6x8x5xf32>)
  // CHECK: tensor.expand_shape %[[P]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 5] : tensor<6x4x5xf32> into tensor<2x3x4x5xf32>
  %0 = dl.matmul %a, %b : tensor<2x1x4x8xf32>, tensor<3x8x5xf32> -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// A vector times a batch of matrices: the vector is a row whose unit
// dimension is dropped at the end.
// CHECK-LABEL: func.func @vector_batch
func.func @vector_batch(%v: tensor<8xf32>, %b: tensor<3x8x5xf32>) -> tensor<3x5xf32> {
  // CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
  // CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<3x1x8xf32>, tensor<3x8x5xf32>) outs(%{{.*}} : tensor<3x1x5xf32>)
  // CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<3x1x5xf32> into tensor<3x5xf32>
  %0 = dl.matmul %v, %b : tensor<8xf32>, tensor<3x8x5xf32> -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Contracted extents that are not both static are checked at run time.
// CHECK: llvm.mlir.global private constant @[[MSG:.*]]("{{.*}}matmul.mlir:{{[0-9]+}}:8: contracted extents %lld and %lld of matmul differ\00")
// CHECK-LABEL: func.func @dynamic_k
func.func @dynamic_k(%a: tensor<4x?xf32>, %b: tensor<?x5xf32>) -> tensor<4x5xf32> {
  // CHECK-DAG: %[[K1:.*]] = tensor.dim %{{.*}}, %c1 : tensor<4x?xf32>
  // CHECK-DAG: %[[K2:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x5xf32>
  // CHECK: %[[NE:.*]] = arith.cmpi ne, %[[K1]], %[[K2]] : index
  // CHECK: scf.if %[[NE]] {
  // CHECK: llvm.call @dlrt_fail
  // CHECK: }
  // CHECK: linalg.matmul
  %0 = dl.matmul %a, %b : tensor<4x?xf32>, tensor<?x5xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Dynamic batch extents on both sides must agree.
// CHECK: llvm.mlir.global private constant @{{.*}}("{{.*}}batch extents %lld and %lld of dimension 0 of matmul differ\00")
// CHECK-LABEL: func.func @dynamic_batch
func.func @dynamic_batch(%a: tensor<?x4x8xf32>, %b: tensor<?x8x5xf32>) -> tensor<?x4x5xf32> {
  // CHECK: scf.if
  // CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<?x4x8xf32>, tensor<?x8x5xf32>)
  %0 = dl.matmul %a, %b : tensor<?x4x8xf32>, tensor<?x8x5xf32> -> tensor<?x4x5xf32>
  return %0 : tensor<?x4x5xf32>
}
