// The random-number ops: round trip through the custom and the generic
// formats, and what canonicalization and CSE may do with them. They are pure
// functions of (seed, stream, element index): identical ops are the same
// numbers and may be merged; ops with different streams (or seeds, or
// offsets) never are; unused ones disappear.
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// RUN: dl-opt %s --canonicalize --cse | FileCheck %s --check-prefix=CSE

// CHECK-LABEL: func @round_trip
// CHECK: dl.random_uniform %{{.*}} [%{{.*}}] stream = 3 : tensor<?x10xf32>
// CHECK: dl.random_normal %{{.*}} stream = -1 : tensor<3xf64>
// CHECK: dl.random_uniform %{{.*}} stream = 0 : tensor<f32>
// CHECK: dl.random_bits %{{.*}} stream = 0 offset = -1 : tensor<2x4xi64>
// CHECK: dl.random_bits %{{.*}} stream = 5 : tensor<4xi32>
// CHECK: dl.orthogonalize %{{.*}} : tensor<5x3xf32>
func.func @round_trip(%seed: tensor<i64>, %n: index, %a: tensor<5x3xf32>)
    -> (tensor<?x10xf32>, tensor<3xf64>, tensor<f32>, tensor<2x4xi64>, tensor<4xi32>, tensor<5x3xf32>) {
  %0 = dl.random_uniform %seed [%n] stream = 3 : tensor<?x10xf32>
  %1 = dl.random_normal %seed stream = -1 : tensor<3xf64>
  %2 = dl.random_uniform %seed stream = 0 : tensor<f32>
  %3 = dl.random_bits %seed stream = 0 offset = -1 : tensor<2x4xi64>
  %4 = dl.random_bits %seed stream = 5 offset = 0 : tensor<4xi32>
  %5 = dl.orthogonalize %a : tensor<5x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<?x10xf32>, tensor<3xf64>, tensor<f32>, tensor<2x4xi64>, tensor<4xi32>, tensor<5x3xf32>
}

// CSE-LABEL: func @merging
// CSE-SAME: (%[[S:.*]]: tensor<i64>, %[[T:.*]]: tensor<i64>)
// CSE-NEXT: %[[A:.*]] = dl.random_uniform %[[S]] stream = 1 : tensor<4xf32>
// CSE-NEXT: %[[B:.*]] = dl.random_uniform %[[S]] stream = 2 : tensor<4xf32>
// CSE-NEXT: %[[C:.*]] = dl.random_uniform %[[T]] stream = 1 : tensor<4xf32>
// CSE-NEXT: %[[D:.*]] = dl.random_normal %[[S]] stream = 1 : tensor<4xf32>
// CSE-NEXT: %[[E:.*]] = dl.random_bits %[[S]] stream = 1 : tensor<1x4xi32>
// CSE-NEXT: %[[F:.*]] = dl.random_bits %[[S]] stream = 1 offset = 1 : tensor<1x4xi32>
// CSE-NEXT: return %[[A]], %[[A]], %[[B]], %[[C]], %[[D]], %[[E]], %[[F]]
func.func @merging(%seed: tensor<i64>, %other: tensor<i64>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4xi32>, tensor<1x4xi32>) {
  %0 = dl.random_uniform %seed stream = 1 : tensor<4xf32>
  %1 = dl.random_uniform %seed stream = 1 : tensor<4xf32>
  %2 = dl.random_uniform %seed stream = 2 : tensor<4xf32>
  %3 = dl.random_uniform %other stream = 1 : tensor<4xf32>
  %4 = dl.random_normal %seed stream = 1 : tensor<4xf32>
  %5 = dl.random_bits %seed stream = 1 : tensor<1x4xi32>
  %6 = dl.random_bits %seed stream = 1 offset = 1 : tensor<1x4xi32>
  %unused = dl.random_normal %seed stream = 9 : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4xi32>, tensor<1x4xi32>
}
