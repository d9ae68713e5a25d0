// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  // CHECK: dl.add %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32>
  %0 = dl.add %a, %b : tensor<?x4xf32>, tensor<4xf32>
  // CHECK: dl.exp %{{.*}} : tensor<?x4xf32>
  %1 = dl.exp %0 : tensor<?x4xf32>
  // CHECK: dl.expm1 %{{.*}} : tensor<?x4xf32>
  %e = dl.expm1 %1 : tensor<?x4xf32>
  // CHECK: dl.rem %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32>
  %r = dl.rem %e, %b : tensor<?x4xf32>, tensor<4xf32>
  // CHECK: dl.cmp lt, %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32>
  %2 = dl.cmp lt, %1, %b : tensor<?x4xf32>, tensor<4xf32>
  // CHECK: dl.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4xi1>, tensor<?x4xf32>, tensor<?x4xf32>
  %3 = dl.select %2, %1, %a : tensor<?x4xi1>, tensor<?x4xf32>, tensor<?x4xf32>
  return %3 : tensor<?x4xf32>
}

// CHECK-LABEL: func @structure
func.func @structure(%a: tensor<?x4xf32>, %b: tensor<4xf32>, %i: tensor<?xi64>) {
  // CHECK: dl.transpose %{{.*}} [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
  %0 = dl.transpose %a [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
  // CHECK: dl.reduce sum %{{.*}} [1] keepdims : tensor<?x4xf32> -> tensor<?x1xf32>
  %1 = dl.reduce sum %a [1] keepdims : tensor<?x4xf32> -> tensor<?x1xf32>
  // CHECK: dl.matmul %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32> -> tensor<?xf32>
  %2 = dl.matmul %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?xf32>
  // CHECK: dl.argmax %{{.*}} axis = 1 : tensor<?x4xf32> -> tensor<?xi64>
  %3 = dl.argmax %a axis = 1 : tensor<?x4xf32> -> tensor<?xi64>
  // CHECK: dl.slice %{{.*}} [0, 1] [2, 2] [1, 1] : tensor<?x4xf32> -> tensor<2x2xf32>
  %4 = dl.slice %a [0, 1] [2, 2] [1, 1] : tensor<?x4xf32> -> tensor<2x2xf32>
  // CHECK: dl.pad %{{.*}} low [1, 0] high [0, 1] value 0.000000e+00 : f32 : tensor<2x2xf32> -> tensor<3x3xf32>
  %5 = dl.pad %4 low [1, 0] high [0, 1] value 0.0 : f32 : tensor<2x2xf32> -> tensor<3x3xf32>
  // CHECK: dl.one_hot %{{.*}} classes = 3 : tensor<?xi64> -> tensor<?x3xf32>
  %6 = dl.one_hot %i classes = 3 : tensor<?xi64> -> tensor<?x3xf32>
  // CHECK: dl.softmax %{{.*}} axis = 1 : tensor<?x3xf32>
  %7 = dl.softmax %6 axis = 1 : tensor<?x3xf32>
  // CHECK: dl.cast %{{.*}} : tensor<?xi64> to tensor<?xf32>
  %8 = dl.cast %3 : tensor<?xi64> to tensor<?xf32>
  // CHECK: dl.concat %{{.*}}, %{{.*}} axis = 0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %9 = dl.concat %a, %a axis = 0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?x4xf32>
  // CHECK: dl.reshape %{{.*}} [%{{.*}}] : tensor<?x4xf32> -> tensor<?x2x2xf32>
  %10 = dl.reshape %a [%d] : tensor<?x4xf32> -> tensor<?x2x2xf32>
  // CHECK: dl.broadcast_to %{{.*}} [%{{.*}}] : tensor<4xf32> -> tensor<?x4xf32>
  %11 = dl.broadcast_to %b [%d] : tensor<4xf32> -> tensor<?x4xf32>
  // CHECK: dl.sum_to %{{.*}} : tensor<?x4xf32> -> tensor<4xf32>
  %12 = dl.sum_to %11 : tensor<?x4xf32> -> tensor<4xf32>
  // CHECK: dl.gather %{{.*}}[%{{.*}}] axis = 0 : tensor<4xf32>, tensor<?xi64> -> tensor<?xf32>
  %13 = dl.gather %b[%i] axis = 0 : tensor<4xf32>, tensor<?xi64> -> tensor<?xf32>
  // CHECK: dl.scatter_add %{{.*}} into %{{.*}}[%{{.*}}] axis = 0 : tensor<?xf32>, tensor<?xi64> into tensor<4xf32>
  %14 = dl.scatter_add %13 into %b[%i] axis = 0 : tensor<?xf32>, tensor<?xi64> into tensor<4xf32>
  // CHECK: dl.iota [%{{.*}}] dim = 0 : tensor<?xi64>
  %15 = dl.iota [%d] dim = 0 : tensor<?xi64>
  // CHECK: dl.insert_slice %{{.*}} into %{{.*}} [0, 1] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<?x4xf32>
  %16 = dl.insert_slice %4 into %a [0, 1] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<?x4xf32>
  %true = arith.constant true
  // CHECK: dl.assert %{{.*}}, "message"
  dl.assert %true, "message"
  return
}
