// RUN: dl-jit-test %s -e bcast -arg "f32[2,3]=1,2,3,4,5,6" -arg "f32[3]=10,20,30" -arg "f32[2,1]=1,-1" | FileCheck %s --check-prefix=BCAST
// RUN: not dl-jit-test %s -e dynamic -arg "f32[3]=1,2,3" -arg "f32[4]=1,1,1,1" | FileCheck %s --check-prefix=MISMATCH
// RUN: dl-jit-test %s -e floordiv -arg "i32[6]=7,-7,7,-7,5,-2147483648" -arg "i32[6]=2,2,-2,-2,0,-1" | FileCheck %s --check-prefix=DIV
// RUN: dl-jit-test %s -e unary -arg "f32[4]=-100,0.5,nan,-2.5" -arg "i32[4]=-5,0,3,1" | FileCheck %s --check-prefix=UNARY
// RUN: dl-jit-test %s -e mlp -arg "f32[2,3]=1,2,3,-1,-2,-3" -arg "f32[3,2]=0.5" -arg "f32[2]=1,-1" | FileCheck %s --check-prefix=MLP

// BCAST: result 0: f32[2, 3] = [11, 22, 33, -14, -25, -36]
func.func @bcast(%a: tensor<?x3xf32>, %b: tensor<3xf32>, %c: tensor<?x1xf32>) -> tensor<?x3xf32> attributes {dl.entry} {
  %0 = dl.add %a, %b : tensor<?x3xf32>, tensor<3xf32>
  %1 = dl.mul %0, %c : tensor<?x3xf32>, tensor<?x1xf32>
  return %1 : tensor<?x3xf32>
}

// Two dynamic extents that differ at run time fail the call, naming the
// op's location and both extents.
// MISMATCH: dlrt_fail: {{.*}}elementwise.mlir:[[@LINE+2]]:8: extents 3 and 4 of dimension 0 differ
func.func @dynamic(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> attributes {dl.entry} {
  %0 = dl.add %a, %b : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// Floor division; x // 0 is 0 and INT_MIN // -1 wraps.
// DIV: result 0: i32[6] = [3, -4, -4, 3, 0, -2147483648]
func.func @floordiv(%a: tensor<6xi32>, %b: tensor<6xi32>) -> tensor<6xi32> attributes {dl.entry} {
  %0 = dl.div %a, %b : tensor<6xi32>
  return %0 : tensor<6xi32>
}

// sigmoid(-100) = 3.8e-44 is subnormal: the f32 exp polynomial flushes it
// to 0 (docs/pipeline.md).
// UNARY: result 0: f32[4] = [0, 0.622459, {{-?}}nan, 0.0758582]
// UNARY: result 1: i32[4] = [-100, 0, {{.*}}, -2]
// UNARY: result 2: i1[4] = [0, 0, 1, 0]
// UNARY: result 3: i32[4] = [-1, 0, 1, 1]
// UNARY: result 4: f32[4] = [-100, 0, nan, -2]
// UNARY: result 5: f32[4] = [-100, 0.5, nan, -2.5]
func.func @unary(%a: tensor<4xf32>, %b: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>, tensor<4xf32>) attributes {dl.entry} {
  %0 = dl.sigmoid %a : tensor<4xf32>
  %1 = dl.cast %a : tensor<4xf32> to tensor<4xi32>
  %2 = dl.cmp ne, %a, %a : tensor<4xf32>
  %4 = dl.sign %b : tensor<4xi32>
  %5 = dl.round %a : tensor<4xf32>
  %nan = dl.constant dense<0x7FC00000> : tensor<f32>
  %6 = dl.max %a, %nan : tensor<4xf32>, tensor<f32>
  %7 = dl.select %2, %6, %a : tensor<4xi1>, tensor<4xf32>, tensor<4xf32>
  return %0, %1, %2, %4, %5, %7 : tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>, tensor<4xf32>
}

// relu(x @ w + b) through the fused pipeline.
// MLP: result 0: f32[2, 2] = [4, 2, 0, 0]
func.func private @relu(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %zero = dl.constant dense<0.0> : tensor<f32>
  %0 = dl.max %x, %zero : tensor<?x2xf32>, tensor<f32>
  return %0 : tensor<?x2xf32>
}
func.func @mlp(%x: tensor<?x3xf32>, %w: tensor<3x2xf32>, %b: tensor<2xf32>) -> tensor<?x2xf32> attributes {dl.entry} {
  %0 = dl.matmul %x, %w : tensor<?x3xf32>, tensor<3x2xf32> -> tensor<?x2xf32>
  %1 = dl.add %0, %b : tensor<?x2xf32>, tensor<2xf32>
  %2 = func.call @relu(%1) : (tensor<?x2xf32>) -> tensor<?x2xf32>
  return %2 : tensor<?x2xf32>
}
