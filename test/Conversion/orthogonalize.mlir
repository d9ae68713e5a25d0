// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize --cse --split-input-file | FileCheck %s

// dl.orthogonalize: Gram-Schmidt twice in f64 on a copy whose rows are the
// vectors to orthonormalize. A tall matrix (rows >= cols) is transposed and
// widened to f64 first, and transposed and narrowed back at the end.
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @tall
// CHECK-SAME: (%[[A:.*]]: tensor<5x3xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK: %[[W:.*]] = linalg.generic {indexing_maps = [#[[T]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]] : tensor<5x3xf32>) outs(%{{.*}} : tensor<3x5xf64>)
// CHECK: arith.extf %{{.*}} : f32 to f64
// Row j, two passes, against rows i < j: r = <w_i, w_j>, then w_j -= r w_i.
// CHECK: %[[Q:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[C3]] step %{{.*}} iter_args(%{{.*}} = %[[W]]) -> (tensor<3x5xf64>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C2]]
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[J]]
// CHECK: %[[R:.*]] = scf.for %{{.*}} = %{{.*}} to %[[C5]] step %{{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (f64)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: scf.for
// CHECK: arith.mulf %[[R]]
// CHECK: arith.subf
// CHECK: tensor.insert
// Then normalized; a row of zeros stays zero.
// CHECK: %[[SQ:.*]] = scf.for
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[SQ]], %[[ZERO]] : f64
// CHECK: %[[NORM:.*]] = math.sqrt %[[SQ]] : f64
// CHECK: %[[INV:.*]] = arith.divf %{{.*}}, %[[NORM]] : f64
// CHECK: %[[SCALE:.*]] = arith.select %[[POS]], %[[INV]], %[[ZERO]] : f64
// CHECK: scf.for
// CHECK: arith.mulf %{{.*}}, %[[SCALE]] : f64
// CHECK: tensor.insert
// CHECK: %[[RESULT:.*]] = linalg.generic {indexing_maps = [#[[T]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[Q]] : tensor<3x5xf64>) outs(%{{.*}} : tensor<5x3xf32>)
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: return %[[RESULT]]
func.func @tall(%a: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %0 = dl.orthogonalize %a : tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

// A wide f64 matrix: its rows are the vectors, no copy or conversion.
// CHECK-LABEL: func.func @wide
// CHECK-SAME: (%[[A:.*]]: tensor<2x4xf64>)
// CHECK-NOT: linalg.generic
// CHECK: %[[Q:.*]] = scf.for %{{.*}} iter_args(%{{.*}} = %[[A]]) -> (tensor<2x4xf64>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[Q]]
func.func @wide(%a: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = dl.orthogonalize %a : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}
