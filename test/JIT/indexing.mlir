// RUN: dl-jit-test %s -e gather -arg "f32[2,3]=1,2,3,4,5,6" -arg "i64[2,4]=0,2,-1,-3,1,1,0,2" | FileCheck %s --check-prefix=GATHER
// RUN: not dl-jit-test %s -e gather -arg "f32[2,3]=1,2,3,4,5,6" -arg "i64[2,2]=0,3,1,1" | FileCheck %s --check-prefix=BADGATHER
// RUN: dl-jit-test %s -e gather_broadcast -arg "f32[3,3]=1,2,3,4,5,6,7,8,9" -arg "i32[1,2]=2,0" | FileCheck %s --check-prefix=BGATHER
// RUN: dl-jit-test %s -e scatter -arg "f32[2,3]=1,2,3,4,5,6" -arg "f32[2,2]=100,200,300,400" -arg "i64[2,3]=0,1,0,-1,-1,0" | FileCheck %s --check-prefix=SCATTER
// RUN: not dl-jit-test %s -e scatter -arg "f32[2,3]=1,2,3,4,5,6" -arg "f32[2,2]=100,200,300,400" -arg "i64[2,3]=0,1,0,-3,-1,0" | FileCheck %s --check-prefix=BADSCATTER
// RUN: dl-jit-test %s -e one_hot -arg "i64[3]=2,0,1" | FileCheck %s --check-prefix=ONEHOT
// RUN: not dl-jit-test %s -e one_hot -arg "i64[3]=2,0,3" | FileCheck %s --check-prefix=BADONEHOT
// RUN: dl-jit-test %s -e iota -arg "f32[3]=0" | FileCheck %s --check-prefix=IOTA

// take_along_dim: negative indices count from the end.
// GATHER: result 0: f32[2, 4] = [1, 3, 3, 1, 5, 5, 4, 6]
// BADGATHER: dlrt_fail: {{.*}}indexing.mlir:[[@LINE+2]]:8: index out of range [-3, 3): the indices go from 0 to 3
func.func @gather(%a: tensor<2x3xf32>, %i: tensor<2x?xi64>) -> tensor<2x?xf32> attributes {dl.entry} {
  %0 = dl.gather %a[%i] axis = 1 : tensor<2x3xf32>, tensor<2x?xi64> -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// The indices broadcast over the rows.
// BGATHER: result 0: f32[3, 2] = [3, 1, 6, 4, 9, 7]
func.func @gather_broadcast(%a: tensor<?x3xf32>, %i: tensor<1x2xi32>) -> tensor<?x2xf32> attributes {dl.entry} {
  %0 = dl.gather %a[%i] axis = 1 : tensor<?x3xf32>, tensor<1x2xi32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// Repeated positions accumulate.
// SCATTER: result 0: f32[2, 2] = [104, 202, 306, 409]
// BADSCATTER: dlrt_fail: {{.*}}indexing.mlir:[[@LINE+2]]:8: index out of range [-2, 2): the indices go from -3 to 1
func.func @scatter(%s: tensor<2x3xf32>, %d: tensor<2x2xf32>, %i: tensor<2x3xi64>) -> tensor<2x2xf32> attributes {dl.entry} {
  %0 = dl.scatter_add %s into %d[%i] axis = 1 : tensor<2x3xf32>, tensor<2x3xi64> into tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// ONEHOT: result 0: f32[3, 3] = [0, 0, 1, 1, 0, 0, 0, 1, 0]
// BADONEHOT: dlrt_fail: {{.*}}indexing.mlir:[[@LINE+2]]:8: index out of range [0, 3): the indices go from 0 to 3
func.func @one_hot(%i: tensor<?xi64>) -> tensor<?x3xf32> attributes {dl.entry} {
  %0 = dl.one_hot %i classes = 3 : tensor<?xi64> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// IOTA: result 0: i64[2, 3] = [0, 1, 2, 0, 1, 2]
// IOTA: result 1: f32[3, 2] = [0, 0, 1, 1, 2, 2]
func.func @iota(%n: tensor<?xf32>) -> (tensor<2x?xi64>, tensor<?x2xf32>) attributes {dl.entry} {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %n, %c0 : tensor<?xf32>
  %0 = dl.iota [%m] dim = 1 : tensor<2x?xi64>
  %1 = dl.iota [%m] dim = 0 : tensor<?x2xf32>
  return %0, %1 : tensor<2x?xi64>, tensor<?x2xf32>
}
