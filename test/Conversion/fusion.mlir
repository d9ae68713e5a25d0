// RUN: dl-opt %s --dl-to-linalg-pipeline | FileCheck %s

// relu(x @ w + b): the private helper is inlined and deleted, and the bias
// add and the relu fuse into ONE elementwise linalg.generic after the
// matmul.
// CHECK-NOT: func.func private @relu
// CHECK-LABEL: func.func @MLP.forward
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[W:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK-SAME: attributes {dl.entry}
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<?x8xf32>, tensor<8x16xf32>) outs(%[[FILLED]] : tensor<?x16xf32>)
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[MM]], %[[B]] : tensor<?x16xf32>, tensor<16xf32>)
// CHECK-NEXT: ^bb0(%[[P:.*]]: f32, %[[Q:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[P]], %[[Q]] : f32
// CHECK-NEXT: %[[RELU:.*]] = arith.maximumf %[[SUM]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[RELU]] : f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[OUT]]
func.func private @relu(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %zero = dl.constant dense<0.0> : tensor<f32>
  %0 = dl.max %x, %zero : tensor<?x16xf32>, tensor<f32>
  return %0 : tensor<?x16xf32>
}

func.func @"MLP.forward"(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<?x16xf32> attributes {dl.entry} {
  %0 = dl.matmul %x, %w : tensor<?x8xf32>, tensor<8x16xf32> -> tensor<?x16xf32>
  %1 = dl.add %0, %b : tensor<?x16xf32>, tensor<16xf32>
  %2 = func.call @relu(%1) : (tensor<?x16xf32>) -> tensor<?x16xf32>
  return %2 : tensor<?x16xf32>
}
