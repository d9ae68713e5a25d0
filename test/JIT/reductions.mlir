// RUN: dl-jit-test %s -e reduce -arg "f32[2,3]=1,2,3,4,5,6" | FileCheck %s --check-prefix=REDUCE
// RUN: dl-jit-test %s -e reduce -arg "f32[0,3]=" | FileCheck %s --check-prefix=EMPTY
// RUN: dl-jit-test %s -e argmax -arg "f32[3,4]=1,3,3,0,nan,1,nan,5,-inf,-inf,-inf,-inf" | FileCheck %s --check-prefix=ARG
// RUN: dl-jit-test %s -e softmax -arg "f32[2,3]=1,2,3,10000,10000,-10000" | FileCheck %s --check-prefix=SOFTMAX

// REDUCE: result 0: f32[2] = [6, 15]
// REDUCE: result 1: f32[1, 3] = [2.5, 3.5, 4.5]
// REDUCE: result 2: f32[] = [6]
// REDUCE: result 3: f32[2, 1] = [1, 4]
// REDUCE: result 4: f32[3] = [4, 10, 18]
// REDUCE: result 5: i64[2] = [6, 15]
// Reducing an empty extent gives the identity (NaN for mean).
// EMPTY: result 0: f32[0] = []
// EMPTY: result 1: f32[1, 3] = [{{-?}}nan, {{-?}}nan, {{-?}}nan]
// EMPTY: result 2: f32[] = [-inf]
// EMPTY: result 3: f32[0, 1] = []
// EMPTY: result 4: f32[3] = [1, 1, 1]
func.func @reduce(%a: tensor<?x3xf32>) -> (tensor<?xf32>, tensor<1x3xf32>, tensor<f32>, tensor<?x1xf32>, tensor<3xf32>, tensor<?xi64>) attributes {dl.entry} {
  %0 = dl.reduce sum %a [1] : tensor<?x3xf32> -> tensor<?xf32>
  %1 = dl.reduce mean %a [0] keepdims : tensor<?x3xf32> -> tensor<1x3xf32>
  %2 = dl.reduce max %a [0, 1] : tensor<?x3xf32> -> tensor<f32>
  %3 = dl.reduce min %a [1] keepdims : tensor<?x3xf32> -> tensor<?x1xf32>
  %4 = dl.reduce prod %a [0] : tensor<?x3xf32> -> tensor<3xf32>
  %i = dl.cast %a : tensor<?x3xf32> to tensor<?x3xi64>
  %5 = dl.reduce sum %i [1] : tensor<?x3xi64> -> tensor<?xi64>
  return %0, %1, %2, %3, %4, %5 : tensor<?xf32>, tensor<1x3xf32>, tensor<f32>, tensor<?x1xf32>, tensor<3xf32>, tensor<?xi64>
}

// First index on ties; the first NaN wins for both argmax and argmin.
// ARG: result 0: i64[3] = [1, 0, 0]
// ARG: result 1: i64[3, 1] = [3, 0, 0]
func.func @argmax(%a: tensor<?x4xf32>) -> (tensor<?xi64>, tensor<?x1xi64>) attributes {dl.entry} {
  %0 = dl.argmax %a axis = 1 : tensor<?x4xf32> -> tensor<?xi64>
  %1 = dl.argmin %a axis = 1 keepdims : tensor<?x4xf32> -> tensor<?x1xi64>
  return %0, %1 : tensor<?xi64>, tensor<?x1xi64>
}

// Inputs of 1e4 do not overflow.
// SOFTMAX: result 0: f32[2, 3] = [0.0900306, 0.244728, 0.665241, 0.5, 0.5, 0]
// SOFTMAX: result 1: f32[2, 3] = [-2.40761, -1.40761, -0.407606, -0.693147, -0.693147, -20000.7]
func.func @softmax(%a: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) attributes {dl.entry} {
  %0 = dl.softmax %a axis = 1 : tensor<2x3xf32>
  %1 = dl.log_softmax %a axis = 1 : tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}
