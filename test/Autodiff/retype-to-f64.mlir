// RUN: dl-opt %s --dl-retype-to-f64=functions=outer | FileCheck %s
// RUN: not dl-opt %s --dl-retype-to-f64=functions=missing 2>&1 | FileCheck %s --check-prefix=MISSING

// The copy computes in f64: arguments, results, constants and pad values;
// the primal its dl.grad differentiates gets an f64 copy too. Integer
// tensors and the original functions are unchanged.

func.func @outer(%w: tensor<3xf32>, %i: tensor<3xi64>) -> (tensor<f32>, tensor<3xi64>) {
  %c = dl.constant dense<0.5> : tensor<f32>
  %g = dl.grad @inner(%w) wrt [0] : (tensor<3xf32>) -> tensor<3xf32>
  %m = dl.mul %g, %c : tensor<3xf32>, tensor<f32>
  %p = dl.pad %m low [1] high [0] value 2.5 : f32 : tensor<3xf32> -> tensor<4xf32>
  %s = dl.reduce sum %p [0] : tensor<4xf32> -> tensor<f32>
  return %s, %i : tensor<f32>, tensor<3xi64>
}

func.func private @inner(%w: tensor<3xf32>) -> tensor<f32> {
  %e = dl.exp %w : tensor<3xf32>
  %s = dl.reduce sum %e [0] : tensor<3xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// CHECK-LABEL: func.func @outer(%{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xi64>) -> (tensor<f32>, tensor<3xi64>)
// CHECK-LABEL: func.func @outer.f64(%{{.*}}: tensor<3xf64>, %{{.*}}: tensor<3xi64>) -> (tensor<f64>, tensor<3xi64>)
// CHECK: dl.constant dense<5.000000e-01> : tensor<f64>
// CHECK: dl.grad @inner.f64(%{{.*}}) wrt [0] : (tensor<3xf64>) -> tensor<3xf64>
// CHECK: dl.pad %{{.*}} low [1] high [0] value 2.500000e+00 : f64 : tensor<3xf64> -> tensor<4xf64>
// CHECK-LABEL: func.func private @inner(%{{.*}}: tensor<3xf32>) -> tensor<f32>
// CHECK-LABEL: func.func private @inner.f64(%{{.*}}: tensor<3xf64>) -> tensor<f64>
// CHECK: dl.exp %{{.*}} : tensor<3xf64>

// MISSING: error: dl-retype-to-f64: no function named 'missing'
