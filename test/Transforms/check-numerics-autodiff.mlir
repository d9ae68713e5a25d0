// The checks and differentiation, in both orders.
// RUN: dl-opt %s --dl-autodiff --dl-check-numerics | FileCheck %s --check-prefix=AFTER
// RUN: dl-opt %s --dl-check-numerics --dl-autodiff | FileCheck %s --check-prefix=BEFORE

// After dl-autodiff (as the pipeline runs them): the derivative is checked
// too, its ops labelled with the op they differentiate and their messages
// naming the call of grad they were inlined at.
// AFTER-LABEL: func.func @root_grad
// AFTER: %[[ROOT:.*]] = dl.sqrt %arg0
// AFTER-NEXT: dl.check_finite %[[ROOT]], "the result of dl.sqrt at model.dl:2:14, called from model.dl:5:10"
// AFTER: %[[HALF:.*]] = dl.mul
// AFTER-NEXT: dl.check_finite %[[HALF]], "the result of dl.mul (derivative of dl.sqrt) at model.dl:2:14, called from model.dl:5:10"
// AFTER-NEXT: %[[D:.*]] = dl.div %[[HALF]], %[[ROOT]]
// AFTER-NEXT: dl.check_finite %[[D]], "the result of dl.div (derivative of dl.sqrt) at model.dl:2:14, called from model.dl:5:10"
// AFTER-NEXT: return %[[D]]

// Before: dl.check_finite returns nothing, so differentiation copies the
// checks of the callee into the forward computation and ignores them.
// BEFORE-LABEL: func.func @root_grad
// BEFORE: %[[ROOT:.*]] = dl.sqrt %arg0
// BEFORE-NEXT: dl.check_finite %[[ROOT]], "the result of dl.sqrt at model.dl:2:14"
// BEFORE: %[[D:.*]] = dl.div %{{.*}}, %[[ROOT]]
// BEFORE-NEXT: dl.check_finite %[[D]], "the result of dl.grad at model.dl:5:10"
// BEFORE-NEXT: return %[[D]]
func.func private @root(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = dl.sqrt %x : tensor<3xf32> loc("model.dl":2:14)
  %1 = dl.reduce sum %0 [0] : tensor<3xf32> -> tensor<f32> loc("model.dl":2:10)
  return %1 : tensor<f32>
}
func.func @root_grad(%x: tensor<3xf32>) -> tensor<3xf32> {
  %g = dl.grad @root(%x) wrt [0] : (tensor<3xf32>) -> tensor<3xf32> loc("model.dl":5:10)
  return %g : tensor<3xf32>
}
