// RUN: dl-jit-test %s -e transpose -arg "f32[2,3]=1,2,3,4,5,6" | FileCheck %s --check-prefix=TRANSPOSE
// RUN: dl-jit-test %s -e reshape_static -arg "f32[2,3]=1,2,3,4,5,6" | FileCheck %s --check-prefix=RESHAPE
// RUN: dl-jit-test %s -e reshape_dynamic -arg "f32[2,4]=1,2,3,4,5,6,7,8" -arg "f32[8]=0" | FileCheck %s --check-prefix=DYNRESHAPE
// RUN: not dl-jit-test %s -e reshape_dynamic -arg "f32[2,4]=1,2,3,4,5,6,7,8" -arg "f32[7]=0" | FileCheck %s --check-prefix=BADRESHAPE
// RUN: dl-jit-test %s -e broadcast -arg "f32[2,1]=1,2" | FileCheck %s --check-prefix=BROADCAST
// RUN: dl-jit-test %s -e sum_to -arg "f32[2,2,3]=1,2,3,4,5,6,7,8,9,10,11,12" | FileCheck %s --check-prefix=SUMTO
// RUN: dl-jit-test %s -e concat -arg "f32[1,2]=1,2" -arg "f32[1,2]=3,4" -arg "f32[2,2]=5,6,7,8" | FileCheck %s --check-prefix=CONCAT
// RUN: not dl-jit-test %s -e concat -arg "f32[1,2]=1,2" -arg "f32[1,2]=3,4" -arg "f32[2,3]=5" | FileCheck %s --check-prefix=BADCONCAT
// RUN: dl-jit-test %s -e slice -arg "f32[3,4]=1,2,3,4,5,6,7,8,9,10,11,12" -arg "f32[1]=0" | FileCheck %s --check-prefix=SLICE
// RUN: not dl-jit-test %s -e slice -arg "f32[3,4]=1,2,3,4,5,6,7,8,9,10,11,12" -arg "f32[2]=0" | FileCheck %s --check-prefix=BADSLICE
// RUN: dl-jit-test %s -e insert -arg "f32[2,2]=-1,-2,-3,-4" -arg "f32[3,4]=1,2,3,4,5,6,7,8,9,10,11,12" | FileCheck %s --check-prefix=INSERT
// RUN: dl-jit-test %s -e pad -arg "i32[2,2]=1,2,3,4" | FileCheck %s --check-prefix=PAD

// TRANSPOSE: result 0: f32[3, 2] = [1, 4, 2, 5, 3, 6]
func.func @transpose(%a: tensor<2x?xf32>) -> tensor<?x2xf32> attributes {dl.entry} {
  %0 = dl.transpose %a [1, 0] : tensor<2x?xf32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// RESHAPE: result 0: f32[3, 2] = [1, 2, 3, 4, 5, 6]
// RESHAPE: result 1: f32[6] = [1, 2, 3, 4, 5, 6]
// RESHAPE: result 2: f32[1, 6, 1] = [1, 2, 3, 4, 5, 6]
func.func @reshape_static(%a: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<6xf32>, tensor<1x6x1xf32>) attributes {dl.entry} {
  %0 = dl.reshape %a : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = dl.reshape %a : tensor<2x3xf32> -> tensor<6xf32>
  %2 = dl.reshape %a : tensor<2x3xf32> -> tensor<1x6x1xf32>
  return %0, %1, %2 : tensor<3x2xf32>, tensor<6xf32>, tensor<1x6x1xf32>
}

// DYNRESHAPE: result 0: f32[2, 2, 2] = [1, 2, 3, 4, 5, 6, 7, 8]
// DYNRESHAPE: result 1: f32[8] = [1, 2, 3, 4, 5, 6, 7, 8]
// DYNRESHAPE: result 2: f32[4, 2] = [1, 2, 3, 4, 5, 6, 7, 8]
// BADRESHAPE: dlrt_fail: {{.*}}data-movement.mlir:[[@LINE+7]]:8: cannot reshape 8 elements into 7
func.func @reshape_dynamic(%a: tensor<?x4xf32>, %n: tensor<?xf32>) -> (tensor<?x2x2xf32>, tensor<?xf32>, tensor<?x?xf32>) attributes {dl.entry} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %d = tensor.dim %a, %c0 : tensor<?x4xf32>
  %m = tensor.dim %n, %c0 : tensor<?xf32>
  %0 = dl.reshape %a [%d] : tensor<?x4xf32> -> tensor<?x2x2xf32>
  %1 = dl.reshape %a [%m] : tensor<?x4xf32> -> tensor<?xf32>
  %q = arith.divui %m, %c4 : index
  %2 = dl.reshape %a [%c4, %q] : tensor<?x4xf32> -> tensor<?x?xf32>
  return %0, %1, %2 : tensor<?x2x2xf32>, tensor<?xf32>, tensor<?x?xf32>
}

// BROADCAST: result 0: f32[2, 2, 3] = [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]
func.func @broadcast(%a: tensor<?x1xf32>) -> tensor<2x?x3xf32> attributes {dl.entry} {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?x1xf32>
  %0 = dl.broadcast_to %a [%d] : tensor<?x1xf32> -> tensor<2x?x3xf32>
  return %0 : tensor<2x?x3xf32>
}

// SUMTO: result 0: f32[2, 1] = [30, 48]
// SUMTO: result 1: f32[3] = [22, 26, 30]
func.func @sum_to(%a: tensor<2x?x3xf32>) -> (tensor<?x1xf32>, tensor<3xf32>) attributes {dl.entry} {
  %0 = dl.sum_to %a : tensor<2x?x3xf32> -> tensor<?x1xf32>
  %1 = dl.sum_to %a : tensor<2x?x3xf32> -> tensor<3xf32>
  return %0, %1 : tensor<?x1xf32>, tensor<3xf32>
}

// CONCAT: result 0: f32[4, 2] = [1, 2, 3, 4, 5, 6, 7, 8]
// BADCONCAT: dlrt_fail: {{.*}}data-movement.mlir:[[@LINE+2]]:8: extents 3 and 2 of dimension 1 of concatenated tensors differ
func.func @concat(%a: tensor<?x2xf32>, %b: tensor<1x2xf32>, %c: tensor<?x?xf32>) -> tensor<?x2xf32> attributes {dl.entry} {
  %0 = dl.concat %a, %b, %c axis = 0 : (tensor<?x2xf32>, tensor<1x2xf32>, tensor<?x?xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// SLICE: result 0: f32[2, 2] = [2, 4, 6, 8]
// SLICE: result 1: f32[1, 2] = [5, 6]
// BADSLICE: dlrt_fail: {{.*}}data-movement.mlir:[[@LINE+5]]:8: window (offset 2, size 2, stride 1) is out of bounds of dimension 0 of extent 3
func.func @slice(%a: tensor<?x4xf32>, %o: tensor<?xf32>) -> (tensor<2x2xf32>, tensor<?x2xf32>) attributes {dl.entry} {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %o, %c0 : tensor<?xf32>
  %0 = dl.slice %a [0, 1] [2, 2] [1, 2] : tensor<?x4xf32> -> tensor<2x2xf32>
  %1 = dl.slice %a [%m, 0] [%m, 2] [1, 1] : tensor<?x4xf32> -> tensor<?x2xf32>
  return %0, %1 : tensor<2x2xf32>, tensor<?x2xf32>
}

// INSERT: result 0: f32[3, 4] = [1, 2, 3, 4, -1, 6, -2, 8, -3, 10, -4, 12]
func.func @insert(%s: tensor<2x2xf32>, %a: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {dl.entry} {
  %0 = dl.insert_slice %s into %a [1, 0] [2, 2] [1, 2] : tensor<2x2xf32> into tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// PAD: result 0: i32[3, 5] = [7, 7, 7, 7, 7, 7, 7, 1, 2, 7, 7, 7, 3, 4, 7]
func.func @pad(%a: tensor<?x2xi32>) -> tensor<?x5xi32> attributes {dl.entry} {
  %0 = dl.pad %a low [1, 2] high [0, 1] value 7 : i32 : tensor<?x2xi32> -> tensor<?x5xi32>
  return %0 : tensor<?x5xi32>
}
