// RUN: dl-jit-test %s -e f -arg "f32[3]=1,2,3" -arg "f32[2]=0,1" | FileCheck %s --check-prefix=PASS
// RUN: not dl-jit-test %s -e f -arg "f32[3]=1,-1,3" -arg "f32[2]=0,1" | FileCheck %s --check-prefix=NAN
// RUN: not dl-jit-test %s -e f -arg "f32[3]=1,0,3" -arg "f32[2]=0,1" | FileCheck %s --check-prefix=NINF
// RUN: not dl-jit-test %s -e f -arg "f32[3]=1,2,3" -arg "f32[2]=0,100" | FileCheck %s --check-prefix=INF
// NaN is reported before an infinity in the same tensor.
// RUN: not dl-jit-test %s -e f -arg "f32[3]=0,-1,3" -arg "f32[2]=0,1" | FileCheck %s --check-prefix=NAN
// +inf and -inf in one tensor: -inf.
// RUN: not dl-jit-test %s -e f -arg "f32[3]=1,2,3" -arg "f32[2]=100,-100" | FileCheck %s --check-prefix=NINF-EXP
// The first failing check stops the call: the log's, before the mul runs.
// RUN: not dl-jit-test %s -e f -arg "f32[3]=0,2,3" -arg "f32[2]=0,100" | FileCheck %s --check-prefix=NINF

// PASS: result 0: f32[3] = [0, 0.693147, 1.09861]
// PASS: result 1: f32[2] = [0, 2.71828]
// NAN: dlrt_fail: non-finite value (NaN) in the result of dl.log at model.dl:1:5{{$}}
// NINF: dlrt_fail: non-finite value (-inf) in the result of dl.log at model.dl:1:5{{$}}
// NINF-EXP: dlrt_fail: non-finite value (-inf) in the result of dl.mul at model.dl:2:5{{$}}
// INF: dlrt_fail: non-finite value (inf) in the result of dl.mul at model.dl:2:5{{$}}
func.func @f(%x: tensor<3xf32>, %y: tensor<2xf32>) -> (tensor<3xf32>, tensor<2xf32>) attributes {dl.entry} {
  %0 = dl.log %x : tensor<3xf32>
  dl.check_finite %0, "the result of dl.log at model.dl:1:5" : tensor<3xf32>
  %a = dl.abs %y : tensor<2xf32>
  %e = dl.exp %a : tensor<2xf32>
  %sign = dl.sign %y : tensor<2xf32>
  %1 = dl.mul %e, %sign : tensor<2xf32>
  dl.check_finite %1, "the result of dl.mul at model.dl:2:5" : tensor<2xf32>
  return %0, %1 : tensor<3xf32>, tensor<2xf32>
}
