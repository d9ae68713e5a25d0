// RUN: dl-opt %s --dl-autodiff -split-input-file | FileCheck %s

// The value and the gradient with respect to w: the forward computation,
// then the reverse pass, inlined where dl.grad was. The derivative function
// is generated once, named after the callee, beside it.
// CHECK: func.func private @loss(
// CHECK: func.func private @loss__value_and_grad_0(
// CHECK-LABEL: func.func @grad_of_loss
// CHECK-SAME: (%[[W:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<?x3xf32>)
// CHECK-NOT: dl.grad
// CHECK: %[[Y:.*]] = dl.matmul %[[X]], %[[W]]
// CHECK: %[[T:.*]] = dl.tanh %[[Y]]
// CHECK: %[[L:.*]] = dl.reduce sum %[[T]] [0]
// CHECK: dl.broadcast_to
// CHECK: dl.mul %[[T]], %[[T]]
// CHECK: dl.transpose %[[X]] [1, 0]
// CHECK: %[[GW:.*]] = dl.reshape
// CHECK: return %[[L]], %[[GW]]
func.func private @loss(%w: tensor<3xf32>, %x: tensor<?x3xf32>) -> tensor<f32> {
  %0 = dl.matmul %x, %w : tensor<?x3xf32>, tensor<3xf32> -> tensor<?xf32>
  %1 = dl.tanh %0 : tensor<?xf32>
  %2 = dl.reduce sum %1 [0] : tensor<?xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
func.func @grad_of_loss(%w: tensor<3xf32>, %x: tensor<?x3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %l, %g = dl.grad @loss(%w, %x) wrt [0] with_value : (tensor<3xf32>, tensor<?x3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// A value used twice gets the sum of both cotangents; the broadcast operand
// of an add gets its gradient summed back to its shape.
// CHECK-LABEL: func.func @accumulate
// CHECK: %[[SEED:.*]] = dl.broadcast_to %{{.*}} : tensor<1x1xf32> -> tensor<2x3xf32>
// CHECK: %[[GB:.*]] = dl.sum_to %[[SEED]] : tensor<2x3xf32> -> tensor<3xf32>
// CHECK: %[[G1:.*]] = dl.mul %[[SEED]], %arg0
// CHECK: %[[G2:.*]] = dl.mul %[[SEED]], %arg0
// CHECK: %[[GX:.*]] = dl.add %[[G1]], %[[G2]]
// CHECK: return %[[GX]], %[[GB]]
func.func private @square_plus(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<f32> {
  %0 = dl.mul %x, %x : tensor<2x3xf32>
  %1 = dl.add %0, %b : tensor<2x3xf32>, tensor<3xf32>
  %2 = dl.reduce sum %1 [0, 1] : tensor<2x3xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
func.func @accumulate(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>) {
  %g:2 = dl.grad @square_plus(%x, %b) wrt [0, 1] : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>)
  return %g#0, %g#1 : tensor<2x3xf32>, tensor<3xf32>
}

// -----

// stop_gradient and integer values carry no gradient: d/dx is zeros.
// CHECK-LABEL: func.func @blocked
// CHECK: %[[Z:.*]] = dl.broadcast_to %{{.*}} : tensor<f32> -> tensor<4xf32>
// CHECK: return %[[Z]]
func.func private @stopped(%x: tensor<4xf32>) -> tensor<f32> {
  %0 = dl.stop_gradient %x : tensor<4xf32>
  %1 = dl.reduce sum %0 [0] : tensor<4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
func.func @blocked(%x: tensor<4xf32>) -> tensor<4xf32> {
  %g = dl.grad @stopped(%x) wrt [0] : (tensor<4xf32>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}

// -----

// Second derivative: the inner dl.grad is differentiated first, and its
// derivative function is itself differentiated.
// CHECK-LABEL: func.func @second
// CHECK-NOT: dl.grad
// CHECK: return
func.func private @cube(%x: tensor<f32>) -> tensor<f32> {
  %0 = dl.mul %x, %x : tensor<f32>
  %1 = dl.mul %0, %x : tensor<f32>
  return %1 : tensor<f32>
}
func.func private @first(%x: tensor<f32>) -> tensor<f32> {
  %g = dl.grad @cube(%x) wrt [0] : (tensor<f32>) -> tensor<f32>
  return %g : tensor<f32>
}
func.func @second(%x: tensor<f32>) -> tensor<f32> {
  %g = dl.grad @first(%x) wrt [0] : (tensor<f32>) -> tensor<f32>
  return %g : tensor<f32>
}
