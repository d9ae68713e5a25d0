// RUN: dl-opt %s --split-input-file --dl-prepare-in-place-updates -verify-diagnostics

// expected-error @+1 {{result 0 updates 'w', which is not an argument}}
func.func @no_such_argument(%x: tensor<4xf32> {dl.name = "x"}) -> (tensor<4xf32> {dl.updates = "w"}) attributes {dl.entry} {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{result 0 updates 'w', which is not marked dl.inout}}
func.func @not_inout(%w: tensor<4xf32> {dl.name = "w"}) -> (tensor<4xf32> {dl.updates = "w"}) attributes {dl.entry} {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{result 0 of type 'tensor<2xf32>' cannot update 'w' of type 'tensor<4xf32>'}}
func.func @wrong_type(%w: tensor<4xf32> {dl.inout, dl.name = "w"}, %y: tensor<2xf32>) -> (tensor<2xf32> {dl.updates = "w"}) attributes {dl.entry} {
  return %y : tensor<2xf32>
}

// -----

// expected-error @+1 {{'w' is updated twice}}
func.func @twice(%w: tensor<4xf32> {dl.inout, dl.name = "w"}) -> (tensor<4xf32> {dl.updates = "w"}, tensor<4xf32> {dl.updates = "w"}) attributes {dl.entry} {
  return %w, %w : tensor<4xf32>, tensor<4xf32>
}
