// Expected values from torch.matmul.
// RUN: dl-jit-test %s -e dot -arg "f32[3]=1,2,3" -arg "f32[3]=1,2,3" | FileCheck %s --check-prefix=DOT
// RUN: dl-jit-test %s -e matvec -arg "f32[2,3]=1,2,3,4,5,6" -arg "f32[3]=1,2,3" | FileCheck %s --check-prefix=MV
// RUN: dl-jit-test %s -e vecmat -arg "f32[2]=1,2" -arg "f32[2,3]=1,2,3,4,5,6" | FileCheck %s --check-prefix=VM
// RUN: dl-jit-test %s -e batch_rows -arg "f32[2,2,3]=1,2,3,4,5,6,7,8,9,10,11,12" -arg "f32[3,2]=1,2,3,4,5,6" | FileCheck %s --check-prefix=ROWS
// RUN: dl-jit-test %s -e batch_matvec -arg "f32[2,2,3]=1,2,3,4,5,6,7,8,9,10,11,12" -arg "f32[3]=1,2,3" | FileCheck %s --check-prefix=BMV
// RUN: dl-jit-test %s -e broadcast_batch -arg "f32[2,1,2,3]=1,2,3,4,5,6,7,8,9,10,11,12" -arg "f32[3,3,1]=1,2,3,4,5,6,7,8,9" | FileCheck %s --check-prefix=BB
// RUN: dl-jit-test %s -e vector_batch -arg "f32[3]=1,2,3" -arg "f32[2,3,2]=1,2,3,4,5,6,7,8,9,10,11,12" | FileCheck %s --check-prefix=VB
// RUN: dl-jit-test %s -e int_batch -arg "i64[2,3]=1,2,3,4,5,6" -arg "i64[2,3,1]=1,2,3,4,5,6" | FileCheck %s --check-prefix=INT
// RUN: not dl-jit-test %s -e dynamic_k -arg "f32[2,3]=1" -arg "f32[2,2]=1" | FileCheck %s --check-prefix=K

// DOT: result 0: f32[] = [14]
func.func @dot(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<f32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}
// MV: result 0: f32[2] = [14, 32]
func.func @matvec(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2xf32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
// VM: result 0: f32[3] = [9, 12, 15]
func.func @vecmat(%a: tensor<2xf32>, %b: tensor<2x3xf32>) -> tensor<3xf32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<2xf32>, tensor<2x3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// ROWS: result 0: f32[2, 2, 2] = [22, 28, 49, 64, 76, 100, 103, 136]
func.func @batch_rows(%a: tensor<?x2x3xf32>, %b: tensor<3x2xf32>) -> tensor<?x2x2xf32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<?x2x3xf32>, tensor<3x2xf32> -> tensor<?x2x2xf32>
  return %0 : tensor<?x2x2xf32>
}
// BMV: result 0: f32[2, 2] = [14, 32, 50, 68]
func.func @batch_matvec(%a: tensor<2x2x3xf32>, %b: tensor<3xf32>) -> tensor<2x2xf32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<2x2x3xf32>, tensor<3xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
// BB: result 0: f32[2, 3, 2, 1] = [14, 32, 32, 77, 50, 122, 50, 68, 122, 167, 194, 266]
func.func @broadcast_batch(%a: tensor<2x1x2x3xf32>, %b: tensor<3x3x1xf32>) -> tensor<2x3x2x1xf32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<2x1x2x3xf32>, tensor<3x3x1xf32> -> tensor<2x3x2x1xf32>
  return %0 : tensor<2x3x2x1xf32>
}
// VB: result 0: f32[2, 2] = [22, 28, 58, 64]
func.func @vector_batch(%a: tensor<3xf32>, %b: tensor<2x3x2xf32>) -> tensor<2x2xf32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<3xf32>, tensor<2x3x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
// INT: result 0: i64[2, 2, 1] = [14, 32, 32, 77]
func.func @int_batch(%a: tensor<2x3xi64>, %b: tensor<?x3x1xi64>) -> tensor<?x2x1xi64> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<2x3xi64>, tensor<?x3x1xi64> -> tensor<?x2x1xi64>
  return %0 : tensor<?x2x1xi64>
}
// K: dlrt_fail: {{.*}}matmul.mlir:[[@LINE+2]]:8: contracted extents 3 and 2 of matmul differ
func.func @dynamic_k(%a: tensor<2x?xf32>, %b: tensor<?x2xf32>) -> tensor<2x2xf32> attributes {dl.entry} {
  %0 = dl.matmul %a, %b : tensor<2x?xf32>, tensor<?x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
