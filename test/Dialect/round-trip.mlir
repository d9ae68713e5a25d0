// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  // CHECK: dl.add %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32>
  %0 = dl.add %a, %b : tensor<?x4xf32>, tensor<4xf32>
  // CHECK: dl.exp %{{.*}} : tensor<?x4xf32>
  %1 = dl.exp %0 : tensor<?x4xf32>
  // CHECK: dl.cmp lt, %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32>
  %2 = dl.cmp lt, %1, %b : tensor<?x4xf32>, tensor<4xf32>
  // CHECK: dl.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4xi1>, tensor<?x4xf32>, tensor<?x4xf32>
  %3 = dl.select %2, %1, %a : tensor<?x4xi1>, tensor<?x4xf32>, tensor<?x4xf32>
  return %3 : tensor<?x4xf32>
}
