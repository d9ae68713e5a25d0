// Verifier errors of the random-number ops and of dl.orthogonalize.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @seed_not_scalar(%seed: tensor<2xi64>) {
  // expected-error @+1 {{operand #0 must be 0-d i64 tensor (a seed)}}
  %0 = "dl.random_uniform"(%seed) {stream = 0 : i64} : (tensor<2xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @seed_not_i64(%seed: tensor<i32>) {
  // expected-error @+1 {{operand #0 must be 0-d i64 tensor (a seed)}}
  %0 = "dl.random_normal"(%seed) {stream = 0 : i64} : (tensor<i32>) -> tensor<3xf32>
  return
}

// -----

func.func @integer_uniform(%seed: tensor<i64>) {
  // expected-error @+1 {{result #0 must be ranked tensor of floating point (f32 or f64) values}}
  %0 = dl.random_uniform %seed stream = 0 : tensor<3xi32>
  return
}

// -----

func.func @missing_sizes(%seed: tensor<i64>) {
  // expected-error @+1 {{expects 1 dynamic sizes for f32[?, 3], got 0}}
  %0 = dl.random_uniform %seed stream = 0 : tensor<?x3xf32>
  return
}

// -----

func.func @extra_sizes(%seed: tensor<i64>, %n: index) {
  // expected-error @+1 {{expects 0 dynamic sizes for f64[3], got 1}}
  %0 = dl.random_normal %seed [%n] stream = 0 : tensor<3xf64>
  return
}

// -----

func.func @missing_stream(%seed: tensor<i64>) {
  // expected-error @+1 {{requires attribute 'stream'}}
  %0 = "dl.random_uniform"(%seed) : (tensor<i64>) -> tensor<3xf32>
  return
}

// -----

func.func @bits_last_extent(%seed: tensor<i64>) {
  // expected-error @+1 {{expects a result whose last dimension has extent 4 (the words of a Philox4x32 block), got i32[2, 3]}}
  %0 = dl.random_bits %seed stream = 0 : tensor<2x3xi32>
  return
}

// -----

func.func @bits_scalar(%seed: tensor<i64>) {
  // expected-error @+1 {{expects a result whose last dimension has extent 4}}
  %0 = dl.random_bits %seed stream = 0 : tensor<i64>
  return
}

// -----

func.func @bits_float(%seed: tensor<i64>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = dl.random_bits %seed stream = 0 : tensor<4xf32>
  return
}

// -----

func.func @orthogonalize_vector(%a: tensor<3xf32>) {
  // expected-error @+1 {{expects a matrix (rank 2) of static shape, got f32[3]}}
  %0 = dl.orthogonalize %a : tensor<3xf32>
  return
}

// -----

func.func @orthogonalize_dynamic(%a: tensor<?x3xf32>) {
  // expected-error @+1 {{expects a matrix (rank 2) of static shape, got f32[?, 3]}}
  %0 = dl.orthogonalize %a : tensor<?x3xf32>
  return
}

// -----

func.func @orthogonalize_integers(%a: tensor<3x3xi64>) {
  // expected-error @+1 {{must be ranked tensor of floating point (f32 or f64) values}}
  %0 = dl.orthogonalize %a : tensor<3x3xi64>
  return
}
