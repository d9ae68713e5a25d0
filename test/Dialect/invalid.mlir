// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operands of shapes f32[2, 3] and f32[4] are not broadcastable: extents 3 and 4 differ and neither is 1}}
  %0 = dl.add %a, %b : tensor<2x3xf32>, tensor<4xf32>
  return
}

// -----

func.func @dynamic_against_static(%a: tensor<?xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{a dynamic extent cannot be broadcast against the static extent 4}}
  %0 = dl.mul %a, %b : tensor<?xf32>, tensor<4xf32>
  return
}

// -----

func.func @element_types_differ(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = "dl.add"(%a, %b) : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}

// -----

func.func @wrong_result_type(%a: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "dl.add"(%a, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @float_only(%a: tensor<3xi32>) {
  // expected-error @+1 {{must be ranked tensor of floating point (f32 or f64) values}}
  %0 = dl.exp %a : tensor<3xi32>
  return
}

// -----

func.func @matmul_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{matmul of f32[2, 3] and f32[4, 5]: contracted dimensions differ (3 and 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = dl.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{operands must have at least one dimension}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "dl.matmul"(%a, %b) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @bad_permutation(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{invalid permutation for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = dl.transpose %a [0, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape f32[2, 3] (6 elements) to f32[7] (7 elements)}}
  %0 = dl.reshape %a : tensor<2x3xf32> -> tensor<7xf32>
  return
}

// -----

func.func @reshape_sizes(%a: tensor<?xf32>) {
  // expected-error @+1 {{expects 1 dynamic sizes for f32[?, 2], got 0}}
  %0 = dl.reshape %a : tensor<?xf32> -> tensor<?x2xf32>
  return
}

// -----

func.func @broadcast_to(%a: tensor<3xf32>) {
  // expected-error @+1 {{shape f32[3] does not broadcast to f32[2, 4]}}
  %0 = dl.broadcast_to %a : tensor<3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @sum_to(%a: tensor<2x4xf32>) {
  // expected-error @+1 {{shape f32[3] does not broadcast to f32[2, 4]}}
  %0 = dl.sum_to %a : tensor<2x4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_axes(%a: tensor<2x4xf32>) {
  // expected-error @+1 {{axes must be sorted and distinct}}
  %0 = dl.reduce sum %a [1, 0] : tensor<2x4xf32> -> tensor<f32>
  return
}

// -----

func.func @reduce_axis_range(%a: tensor<2x4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = dl.reduce sum %a [2] : tensor<2x4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @mean_of_integers(%a: tensor<4xi64>) {
  // expected-error @+1 {{mean needs a floating-point input}}
  %0 = dl.reduce mean %a [0] : tensor<4xi64> -> tensor<i64>
  return
}

// -----

func.func @argmax_axis(%a: tensor<4xf32>) {
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %0 = dl.argmax %a axis = 1 : tensor<4xf32> -> tensor<4xi64>
  return
}

// -----

func.func @concat_ranks(%a: tensor<4xf32>, %b: tensor<2x2xf32>) {
  // expected-error @+2 {{cannot concatenate f32[4] and f32[2, 2]: ranks differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "dl.concat"(%a, %b) {axis = 0 : i64} : (tensor<4xf32>, tensor<2x2xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @slice_past_end(%a: tensor<4xf32>) {
  // expected-error @+1 {{window runs past the end of dimension 0 of f32[4]}}
  %0 = dl.slice %a [2] [3] [1] : tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @slice_stride(%a: tensor<4xf32>) {
  // expected-error @+1 {{strides must be positive}}
  %0 = dl.slice %a [0] [2] [0] : tensor<4xf32> -> tensor<2xf32>
  return
}

// -----

func.func @pad_negative(%a: tensor<4xf32>) {
  // expected-error @+1 {{padding amounts must be non-negative}}
  %0 = dl.pad %a low [-1] high [0] value 0.0 : f32 : tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @pad_value_type(%a: tensor<4xf32>) {
  // expected-error @+1 {{padding value type 'i64' differs from the element type}}
  %0 = dl.pad %a low [1] high [0] value 0 : i64 : tensor<4xf32> -> tensor<5xf32>
  return
}

// -----

func.func @gather_rank(%a: tensor<4x3xf32>, %i: tensor<4xi64>) {
  // expected-error @+2 {{gather from f32[4, 3] with indices i64[4]: ranks differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "dl.gather"(%a, %i) {axis = 1 : i64} : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @scatter_shapes(%d: tensor<4xf32>, %i: tensor<3xi64>, %s: tensor<2xf32>) {
  // expected-error @+1 {{source f32[2] and indices i64[3] must have the same shape}}
  %0 = dl.scatter_add %s into %d[%i] axis = 0 : tensor<2xf32>, tensor<3xi64> into tensor<4xf32>
  return
}

// -----

func.func @one_hot_shape(%i: tensor<4xi64>) {
  // expected-error @+1 {{result must have shape i64[4] with 3 appended, got f32[4, 4]}}
  %0 = dl.one_hot %i classes = 3 : tensor<4xi64> -> tensor<4x4xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<4xf32>) {
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %0 = dl.softmax %a axis = 1 : tensor<4xf32>
  return
}

// -----

func.func @select_branches(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+1 {{branches have different element types}}
  %0 = "dl.select"(%c, %a, %b) : (tensor<3xi1>, tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}

// -----

func.func @iota_sizes() {
  // expected-error @+1 {{expects 1 dynamic sizes, got 0}}
  %0 = dl.iota dim = 0 : tensor<?xi64>
  return
}
