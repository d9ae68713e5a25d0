// dl-fold-transposes: contractions read their transposed operands where
// they lie.
// RUN: dl-opt %s --dl-fold-transposes --split-input-file | FileCheck %s

// x^T @ w (the gradient of a weight): the matmul becomes a generic that
// reads x through the transposed map; the transpose is gone.
// CHECK-DAG: #[[XT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @lhs_transposed
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[XT]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<4x3xf32>, tensor<4x5xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @lhs_transposed(%x: tensor<4x3xf32>, %w: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %e = tensor.empty() : tensor<3x4xf32>
  %t = linalg.transpose ins(%x : tensor<4x3xf32>) outs(%e : tensor<3x4xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<3x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<3x5xf32>) -> tensor<3x5xf32>
  %r = linalg.matmul ins(%t, %w : tensor<3x4xf32>, tensor<4x5xf32>) outs(%f : tensor<3x5xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// dy @ w^T (the gradient of an input), batched: the right operand of a
// batch_matmul, transposed in its last two dimensions.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-LABEL: func.func @rhs_transposed_batch
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[BT]], #{{.*}}]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<2x3x4xf32>, tensor<2x5x4xf32>)
func.func @rhs_transposed_batch(%a: tensor<2x3x4xf32>, %b: tensor<2x5x4xf32>) -> tensor<2x3x5xf32> {
  %e = tensor.empty() : tensor<2x4x5xf32>
  %t = linalg.transpose ins(%b : tensor<2x5x4xf32>) outs(%e : tensor<2x4x5xf32>) permutation = [0, 2, 1]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<2x3x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %r = linalg.batch_matmul ins(%a, %t : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%f : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %r : tensor<2x3x5xf32>
}

// -----

// A transpose with another user stays for it; the matmul still reads the
// untransposed input.
// CHECK-LABEL: func.func @shared_transpose
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0, %arg1 : tensor<4x3xf32>, tensor<4x5xf32>)
// CHECK: return %{{.*}}, %[[T]]
func.func @shared_transpose(%x: tensor<4x3xf32>, %w: tensor<4x5xf32>) -> (tensor<3x5xf32>, tensor<3x4xf32>) {
  %e = tensor.empty() : tensor<3x4xf32>
  %t = linalg.transpose ins(%x : tensor<4x3xf32>) outs(%e : tensor<3x4xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<3x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<3x5xf32>) -> tensor<3x5xf32>
  %r = linalg.matmul ins(%t, %w : tensor<3x4xf32>, tensor<4x5xf32>) outs(%f : tensor<3x5xf32>) -> tensor<3x5xf32>
  return %r, %t : tensor<3x5xf32>, tensor<3x4xf32>
}

// -----

// Negative cases: a transpose read by an elementwise op, and a matmul
// without transposed operands, are left alone.
// CHECK-LABEL: func.func @not_a_contraction
// CHECK: linalg.transpose
// CHECK: linalg.add
// CHECK: linalg.matmul ins(%arg1, %arg2
func.func @not_a_contraction(%x: tensor<4x3xf32>, %y: tensor<3x4xf32>, %w: tensor<4x5xf32>) -> (tensor<3x4xf32>, tensor<3x5xf32>) {
  %e = tensor.empty() : tensor<3x4xf32>
  %t = linalg.transpose ins(%x : tensor<4x3xf32>) outs(%e : tensor<3x4xf32>) permutation = [1, 0]
  %s = linalg.add ins(%t, %y : tensor<3x4xf32>, tensor<3x4xf32>) outs(%e : tensor<3x4xf32>) -> tensor<3x4xf32>
  %o = tensor.empty() : tensor<3x5xf32>
  %r = linalg.matmul ins(%y, %w : tensor<3x4xf32>, tensor<4x5xf32>) outs(%o : tensor<3x5xf32>) -> tensor<3x5xf32>
  return %s, %r : tensor<3x4xf32>, tensor<3x5xf32>
}
