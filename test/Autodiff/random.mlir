// RUN: dl-opt %s --dl-autodiff --canonicalize --cse | FileCheck %s

// Random ops are leaves for dl-autodiff: they have no float operands, so no
// gradient flows into them and they need no derivative. The derivative
// function recomputes the forward pass with the same seed and stream, so
// the gradient sees the numbers the value saw: after CSE, one draw, and the
// gradient with respect to w is the very value of the dropped-out x that
// the function returns beside its value.
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[W:.*]]: tensor<4xf32>, %[[X:.*]]: tensor<4xf32>, %[[SEED:.*]]: tensor<i64>)
// CHECK-NOT: dl.grad
// CHECK: %[[U:.*]] = dl.random_uniform %[[SEED]] stream = 5 : tensor<4xf32>
// CHECK-NOT: dl.random_uniform
// CHECK: %[[KEEP:.*]] = dl.cmp ge, %[[U]]
// CHECK: %[[M:.*]] = dl.cast %[[KEEP]]
// CHECK: %[[D:.*]] = dl.mul %[[X]], %[[M]]
// CHECK: %[[Y:.*]] = dl.mul %[[D]], %[[W]]
// CHECK: %[[L:.*]] = dl.reduce sum %[[Y]] [0]
// CHECK: return %[[L]], %[[D]], %[[D]]
func.func private @loss(%w: tensor<4xf32>, %x: tensor<4xf32>, %seed: tensor<i64>) -> (tensor<f32>, tensor<4xf32>) {
  %u = dl.random_uniform %seed stream = 5 : tensor<4xf32>
  %p = dl.constant dense<5.000000e-01> : tensor<f32>
  %keep = dl.cmp ge, %u, %p : tensor<4xf32>, tensor<f32>
  %m = dl.cast %keep : tensor<4xi1> to tensor<4xf32>
  %d = dl.mul %x, %m : tensor<4xf32>
  %y = dl.mul %d, %w : tensor<4xf32>
  %s = dl.reduce sum %y [0] : tensor<4xf32> -> tensor<f32>
  return %s, %d : tensor<f32>, tensor<4xf32>
}
func.func @step(%w: tensor<4xf32>, %x: tensor<4xf32>, %seed: tensor<i64>) -> (tensor<f32>, tensor<4xf32>, tensor<4xf32>) {
  %0:3 = dl.grad @loss(%w, %x, %seed) wrt [0] with_value : (tensor<4xf32>, tensor<4xf32>, tensor<i64>) -> (tensor<f32>, tensor<4xf32>, tensor<4xf32>)
  return %0#0, %0#1, %0#2 : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}

// With respect to the noise's scale: the gradient of sum(s * z) is sum(z)
// for a normal draw z; the draw is not differentiated.
// CHECK-LABEL: func.func @noise
// CHECK-SAME: (%[[S:.*]]: tensor<f32>, %[[SEED2:.*]]: tensor<i64>)
// CHECK: %[[Z:.*]] = dl.random_normal %[[SEED2]] stream = 0 : tensor<8xf32>
// CHECK: %[[G:.*]] = dl.sum_to %[[Z]] : tensor<8xf32> -> tensor<f32>
// CHECK: return %[[G]]
func.func private @scaled(%s: tensor<f32>, %seed: tensor<i64>) -> tensor<f32> {
  %z = dl.random_normal %seed stream = 0 : tensor<8xf32>
  %y = dl.mul %z, %s : tensor<8xf32>, tensor<f32>
  %t = dl.reduce sum %y [0] : tensor<8xf32> -> tensor<f32>
  return %t : tensor<f32>
}
func.func @noise(%s: tensor<f32>, %seed: tensor<i64>) -> tensor<f32> {
  %g = dl.grad @scaled(%s, %seed) wrt [0] : (tensor<f32>, tensor<i64>) -> tensor<f32>
  return %g : tensor<f32>
}
