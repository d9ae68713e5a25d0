// RUN: dl-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = dl.constant dense<0.0> : tensor<f32>
  %one = dl.constant dense<1.0> : tensor<3xf32>
  %0 = dl.add %x, %zero : tensor<2x3xf32>, tensor<f32>
  %1 = dl.add %zero, %x : tensor<f32>, tensor<2x3xf32>
  %2 = dl.sub %x, %zero : tensor<2x3xf32>, tensor<f32>
  %3 = dl.mul %x, %one : tensor<2x3xf32>, tensor<3xf32>
  %4 = dl.div %x, %one : tensor<2x3xf32>, tensor<3xf32>
  %n = dl.neg %x : tensor<2x3xf32>
  %5 = dl.neg %n : tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// x + 0 is kept when it broadcasts x to a bigger shape.
// CHECK-LABEL: func @identity_that_broadcasts
// CHECK: dl.add
func.func @identity_that_broadcasts(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = dl.constant dense<0.0> : tensor<2x3xf32>
  %0 = dl.add %x, %zero : tensor<3xf32>, tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = dl.transpose %[[X]] [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[X]], %[[T]]
func.func @transposes(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %0 = dl.transpose %x [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %1 = dl.transpose %0 [1, 0, 2] : tensor<3x2x4xf32> -> tensor<2x3x4xf32>
  %2 = dl.transpose %x [0, 2, 1] : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  %3 = dl.transpose %2 [1, 0, 2] : tensor<2x4x3xf32> -> tensor<4x2x3xf32>
  return %1, %3 : tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func @reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
// CHECK-NEXT: %[[R:.*]] = dl.reshape %[[X]] : tensor<2x6xf32> -> tensor<3x4xf32>
// CHECK-NEXT: return %[[R]], %[[X]]
func.func @reshapes(%x: tensor<2x6xf32>) -> (tensor<3x4xf32>, tensor<2x6xf32>) {
  %0 = dl.reshape %x : tensor<2x6xf32> -> tensor<12xf32>
  %1 = dl.reshape %0 : tensor<12xf32> -> tensor<3x4xf32>
  %2 = dl.reshape %x : tensor<2x6xf32> -> tensor<2x6xf32>
  return %1, %2 : tensor<3x4xf32>, tensor<2x6xf32>
}

// -----

// Small constants fold through elementwise ops, with broadcasting.
// CHECK-LABEL: func @constant_folding
// CHECK-NEXT: %[[C:.*]] = dl.constant dense<{{\[}}[2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: %[[B:.*]] = dl.constant dense<[true, false]> : tensor<2xi1>
// CHECK-NEXT: %[[I:.*]] = dl.constant dense<[-2, 1]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]], %[[B]], %[[I]]
func.func @constant_folding() -> (tensor<2x2xf32>, tensor<2xi1>, tensor<2xi64>) {
  %a = dl.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %one = dl.constant dense<1.0> : tensor<f32>
  %0 = dl.add %a, %one : tensor<2x2xf32>, tensor<f32>
  %v = dl.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %t = dl.constant dense<3.0> : tensor<f32>
  %1 = dl.cmp lt, %v, %t : tensor<2xf32>, tensor<f32>
  %i = dl.constant dense<[-3, 3]> : tensor<2xi64>
  %two = dl.constant dense<2> : tensor<i64>
  %2 = dl.div %i, %two : tensor<2xi64>, tensor<i64>
  return %0, %1, %2 : tensor<2x2xf32>, tensor<2xi1>, tensor<2xi64>
}

// -----

// Folding stops above 4096 elements (splats fold at any size).
// CHECK-LABEL: func @fold_size_cap
// CHECK: dl.exp
// CHECK-NOT: dl.exp
// CHECK: return
func.func @fold_size_cap(%x: tensor<5000xf32>) -> (tensor<5000xf32>, tensor<100000xf32>) {
  %big = dl.iota dim = 0 : tensor<5000xf32>
  %0 = dl.exp %big : tensor<5000xf32>
  %splat = dl.constant dense<0.0> : tensor<100000xf32>
  %1 = dl.exp %splat : tensor<100000xf32>
  return %0, %1 : tensor<5000xf32>, tensor<100000xf32>
}

// -----

// CHECK-LABEL: func @asserts
// CHECK-NOT: dl.assert %true
// CHECK: dl.assert %{{.*}}, "kept"
func.func @asserts(%c: i1) {
  %true = arith.constant true
  dl.assert %true, "removed"
  dl.assert %c, "kept"
  return
}

// -----

// CHECK-LABEL: func @selects
// CHECK-SAME: (%[[A:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK-NEXT: return %[[B]], %[[A]]
func.func @selects(%a: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %false = dl.constant dense<false> : tensor<i1>
  %0 = dl.select %false, %a, %b : tensor<i1>, tensor<3xf32>, tensor<3xf32>
  %c = dl.cmp lt, %a, %b : tensor<3xf32>
  %1 = dl.select %c, %a, %a : tensor<3xi1>, tensor<3xf32>, tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}
