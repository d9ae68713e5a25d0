// RUN: dl-opt %s -split-input-file -verify-diagnostics --dl-autodiff

func.func private @not_scalar(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'not_scalar' must return a 0-d floating-point tensor first, the value to differentiate}}
  %g = dl.grad @not_scalar(%x) wrt [0] : (tensor<3xf32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

func.func private @scalar(%x: tensor<3xf32>, %n: tensor<3xi64>) -> tensor<f32> {
  %0 = dl.reduce sum %x [0] : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}
func.func @f(%x: tensor<3xf32>, %n: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{argument 1 is not floating point: it has no gradient}}
  %g = dl.grad @scalar(%x, %n) wrt [1] : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xi64>
  return %g : tensor<3xi64>
}

// -----

func.func private @scalar(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = dl.reduce sum %x [0] : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}
func.func @f(%x: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{results must be the gradients of the wrt arguments}}
  %g = dl.grad @scalar(%x) wrt [0] : (tensor<3xf32>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}

// -----

func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{wrt index 2 is out of range for 1 arguments}}
  %g = dl.grad @scalar(%x) wrt [2] : (tensor<3xf32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'missing' is not a function}}
  %g = dl.grad @missing(%x) wrt [0] : (tensor<3xf32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// An op from floats to floats without a derivative.
func.func private @opaque(%x: tensor<3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tensor.cast' is not differentiable}}
  %0 = tensor.cast %x : tensor<3xf32> to tensor<?xf32>
  %1 = dl.reduce sum %0 [0] : tensor<?xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %g = dl.grad @opaque(%x) wrt [0] : (tensor<3xf32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}
