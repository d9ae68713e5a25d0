// RUN: dl-opt %s --dl-print-flop-counts --split-input-file -verify-diagnostics | FileCheck %s
// The arithmetic each op performs (FlopCountOpInterface), counted by hand:
// a multiply-add is 2, an elementwise op 1 per result element, data
// movement 0. The pass only reports: the IR is unchanged.

// CHECK-LABEL: func.func @mlp
// CHECK: dl.matmul
// CHECK: dl.add
// CHECK: dl.max
// CHECK: dl.softmax
// The total: 6422528 + 4096 + 4096 + 20480.
// expected-remark @below {{6451200 flops}}
func.func @mlp(%x: tensor<32x784xf32>, %w: tensor<784x128xf32>,
               %b: tensor<128xf32>) -> tensor<32x128xf32> {
  // 2 * 784 for each of the 32 * 128 result elements.
  // expected-remark @below {{6422528 flops}}
  %0 = dl.matmul %x, %w : tensor<32x784xf32>, tensor<784x128xf32> -> tensor<32x128xf32>
  // Broadcasting counts the result: 32 * 128.
  // expected-remark @below {{4096 flops}}
  %1 = dl.add %0, %b : tensor<32x128xf32>, tensor<128xf32>
  %zero = dl.constant dense<0.0> : tensor<f32>
  // expected-remark @below {{4096 flops}}
  %2 = dl.max %1, %zero : tensor<32x128xf32>, tensor<f32>
  // max, subtract, exp, sum, divide: 5 * 4096.
  // expected-remark @below {{20480 flops}}
  %3 = dl.softmax %2 axis = 1 : tensor<32x128xf32>
  return %3 : tensor<32x128xf32>
}

// -----

// A dot product: 2 * 3; a batched matrix-vector product: 2 * 8 for each
// of 3 * 4 results; reductions and arg-reductions: one per input element.
// expected-remark @below {{222 flops}}
func.func @contractions_and_reductions(%v: tensor<3xf32>, %m: tensor<3x4x8xf32>,
                                       %u: tensor<8xf32>) -> (tensor<f32>, tensor<3x4xf32>, tensor<4xf32>, tensor<3xi64>) {
  // expected-remark @below {{6 flops}}
  %0 = dl.matmul %v, %v : tensor<3xf32>, tensor<3xf32> -> tensor<f32>
  // expected-remark @below {{192 flops}}
  %1 = dl.matmul %m, %u : tensor<3x4x8xf32>, tensor<8xf32> -> tensor<3x4xf32>
  // expected-remark @below {{12 flops}}
  %2 = dl.reduce sum %1 [0] : tensor<3x4xf32> -> tensor<4xf32>
  // expected-remark @below {{12 flops}}
  %3 = dl.argmax %1 axis = 1 : tensor<3x4xf32> -> tensor<3xi64>
  return %0, %1, %2, %3 : tensor<f32>, tensor<3x4xf32>, tensor<4xf32>, tensor<3xi64>
}

// -----

// Data movement counts nothing; a dynamic extent makes a count unknown and
// the function's total a lower bound.
// expected-remark @below {{at least 0 flops}}
func.func @movement_and_dynamic(%x: tensor<?x3xf32>, %y: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<?x3xf32>) {
  %0 = dl.transpose %y [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  // expected-remark @below {{dynamic flops}}
  %1 = dl.exp %x : tensor<?x3xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<?x3xf32>
}
