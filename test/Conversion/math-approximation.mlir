// RUN: dl-opt %s --dl-math-approximation | FileCheck %s

// The f32 functions whose polynomials are accurate (tanh, erf, exp, log,
// log1p) become arith/math.fma code, on scalars and vectors alike; other
// functions and other element types keep their math op.
// CHECK-LABEL: func.func @approximated
func.func @approximated(%x: f32, %v: vector<16xf32>) -> (f32, f32, f32, f32, vector<16xf32>) {
  // CHECK-NOT: math.tanh
  // CHECK-NOT: math.erf
  // CHECK-NOT: math.exp
  // CHECK-NOT: math.log
  // CHECK: math.fma
  // CHECK: return
  %0 = math.tanh %x : f32
  %1 = math.erf %x : f32
  %2 = math.log %x : f32
  %3 = math.log1p %x : f32
  %4 = math.exp %v : vector<16xf32>
  return %0, %1, %2, %3, %4 : f32, f32, f32, f32, vector<16xf32>
}

// CHECK-LABEL: func.func @kept
func.func @kept(%x: f32, %y: f64) -> (f32, f32, f32, f64, f64) {
  // CHECK: math.sin %{{.*}} : f32
  %0 = math.sin %x : f32
  // CHECK: math.cos %{{.*}} : f32
  %1 = math.cos %x : f32
  // CHECK: math.atan %{{.*}} : f32
  %2 = math.atan %x : f32
  // CHECK: math.tanh %{{.*}} : f64
  %3 = math.tanh %y : f64
  // CHECK: math.exp %{{.*}} : f64
  %4 = math.exp %y : f64
  return %0, %1, %2, %3, %4 : f32, f32, f32, f64, f64
}
