// The pipelines' option check-numerics runs dl-check-numerics after
// dl-autodiff and inlining; without it nothing is inserted.
// RUN: dl-opt %s --dl-to-linalg-pipeline="check-numerics=true" | FileCheck %s
// RUN: dl-opt %s --dl-cpu-pipeline="check-numerics=true" | FileCheck %s
// RUN: dl-opt %s --dl-to-linalg-pipeline | FileCheck %s --check-prefix=NONE
// RUN: dl-opt %s --dl-cpu-pipeline | FileCheck %s --check-prefix=NONE

// The private helper is inlined first: its check says where it was called.
// CHECK-DAG: "non-finite value (NaN) in the result of dl.exp at model.dl:1:1, called from model.dl:5:3\00"
// CHECK-DAG: "non-finite value (inf) in the result of dl.div (derivative of dl.log) at model.dl:2:1, called from model.dl:6:3\00"
// NONE-NOT: non-finite
func.func private @helper(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = dl.exp %x : tensor<3xf32> loc("model.dl":1:1)
  return %0 : tensor<3xf32>
}
func.func private @logsum(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = dl.log %x : tensor<3xf32> loc("model.dl":2:1)
  %1 = dl.reduce sum %0 [0] : tensor<3xf32> -> tensor<f32> loc("model.dl":3:1)
  return %1 : tensor<f32>
}
func.func @main(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) attributes {dl.entry} {
  %0 = func.call @helper(%x) : (tensor<3xf32>) -> tensor<3xf32> loc("model.dl":5:3)
  %1 = dl.grad @logsum(%0) wrt [0] : (tensor<3xf32>) -> tensor<3xf32> loc("model.dl":6:3)
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}
