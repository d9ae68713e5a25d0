// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize --cse --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @sum
// CHECK-SAME: (%[[A:.*]]: tensor<2x?x4xf32>)
func.func @sum(%a: tensor<2x?x4xf32>) -> tensor<?xf32> {
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?xf32>)
  // CHECK: %[[R:.*]] = linalg.reduce ins(%[[A]] : tensor<2x?x4xf32>) outs(%[[INIT]] : tensor<?xf32>) dimensions = [0, 2]
  // CHECK: arith.addf
  // CHECK: return %[[R]]
  %0 = dl.reduce sum %a [0, 2] : tensor<2x?x4xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Identities and NaN-propagating combiners.
// CHECK-LABEL: func.func @kinds
func.func @kinds(%a: tensor<8xf32>, %b: tensor<8xi64>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<i64>, tensor<i64>) {
  // CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK-DAG: %[[POSINF:.*]] = arith.constant 0x7F800000 : f32
  // CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
  // CHECK-DAG: %[[IMIN:.*]] = arith.constant -9223372036854775808 : i64
  // CHECK-DAG: %[[IMAX:.*]] = arith.constant 9223372036854775807 : i64
  // CHECK: linalg.fill ins(%[[NEGINF]] : f32)
  // CHECK: linalg.reduce
  // CHECK: arith.maximumf
  %0 = dl.reduce max %a [0] : tensor<8xf32> -> tensor<f32>
  // CHECK: linalg.fill ins(%[[POSINF]] : f32)
  // CHECK: linalg.reduce
  // CHECK: arith.minimumf
  %1 = dl.reduce min %a [0] : tensor<8xf32> -> tensor<f32>
  // CHECK: linalg.fill ins(%[[ONE]] : f32)
  // CHECK: linalg.reduce
  // CHECK: arith.mulf
  %2 = dl.reduce prod %a [0] : tensor<8xf32> -> tensor<f32>
  // CHECK: linalg.fill ins(%[[IMIN]] : i64)
  // CHECK: linalg.reduce
  // CHECK: arith.maxsi
  %3 = dl.reduce max %b [0] : tensor<8xi64> -> tensor<i64>
  // CHECK: linalg.fill ins(%[[IMAX]] : i64)
  // CHECK: linalg.reduce
  // CHECK: arith.minsi
  %4 = dl.reduce min %b [0] : tensor<8xi64> -> tensor<i64>
  return %0, %1, %2, %3, %4 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<i64>, tensor<i64>
}

// -----

// mean divides the sum by the element count, from the extents at run time;
// keepdims expands the reduced dimensions back as units.
// CHECK-LABEL: func.func @mean_keepdims
// CHECK-SAME: (%[[A:.*]]: tensor<?x3xf32>)
func.func @mean_keepdims(%a: tensor<?x3xf32>) -> tensor<1x3xf32> {
  // CHECK: %[[SUM:.*]] = linalg.reduce ins(%[[A]] : tensor<?x3xf32>) outs(%{{.*}} : tensor<3xf32>) dimensions = [0]
  // CHECK: %[[N:.*]] = tensor.dim %[[A]], %c0
  // CHECK: %[[I:.*]] = arith.index_castui %[[N]] : index to i64
  // CHECK: %[[COUNT:.*]] = arith.uitofp %[[I]] : i64 to f32
  // CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<3xf32>)
  // CHECK: arith.divf %{{.*}}, %[[COUNT]] : f32
  // CHECK: tensor.expand_shape %[[MEAN]] {{\[\[}}0, 1]] output_shape [1, 3] : tensor<3xf32> into tensor<1x3xf32>
  %0 = dl.reduce mean %a [0] keepdims : tensor<?x3xf32> -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// Reducing every dimension with keepdims: from rank 0 back to units.
// CHECK-LABEL: func.func @all_keepdims
func.func @all_keepdims(%a: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // CHECK: %[[R:.*]] = linalg.reduce {{.*}} dimensions = [0, 1]
  // CHECK: tensor.expand_shape %[[R]] [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
  %0 = dl.reduce sum %a [0, 1] keepdims : tensor<2x3xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// argmax carries (value, index); ties go to the smaller index, a NaN beats
// every number.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @argmax
func.func @argmax(%a: tensor<?x4xf32>) -> tensor<?xi64> {
  // CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK-DAG: %[[VALUES:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
  // CHECK-DAG: %[[INDICES:.*]] = linalg.fill ins(%c0_i64 : i64)
  // CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
  // CHECK-SAME: outs(%[[VALUES]], %[[INDICES]] : tensor<?xf32>, tensor<?xi64>)
  // CHECK: ^bb0(%[[X:.*]]: f32, %[[BEST:.*]]: f32, %[[BESTI:.*]]: i64):
  // CHECK: %[[I:.*]] = linalg.index 1 : index
  // CHECK: arith.cmpf ogt, %[[X]], %[[BEST]]
  // CHECK: arith.cmpf uno, %[[X]], %[[X]]
  // CHECK: arith.select %{{.*}}, %[[X]], %[[BEST]] : f32
  // CHECK: linalg.yield
  // CHECK: return %[[R]]#1
  %0 = dl.argmax %a axis = 1 : tensor<?x4xf32> -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// CHECK-LABEL: func.func @argmin_keepdims
func.func @argmin_keepdims(%a: tensor<3x4xi32>) -> tensor<3x1xi64> {
  // CHECK: %[[IMAX:.*]] = arith.constant 2147483647 : i32
  // CHECK: linalg.fill ins(%[[IMAX]] : i32)
  // CHECK: %[[R:.*]]:2 = linalg.generic
  // CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i32
  // CHECK: tensor.expand_shape %[[R]]#1 {{\[\[}}0, 1]] output_shape [3, 1] : tensor<3xi64> into tensor<3x1xi64>
  %0 = dl.argmin %a axis = 1 keepdims : tensor<3x4xi32> -> tensor<3x1xi64>
  return %0 : tensor<3x1xi64>
}
