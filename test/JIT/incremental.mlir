// Two modules added one after the other to one JIT, the second calling a
// function of the first (as a REPL adds a module per line).
// RUN: split-file %s %t
// RUN: dl-jit-test %t/first.mlir %t/second.mlir -e "Model.second" -arg "f32[3]=1,2,3" | FileCheck %s

// CHECK: result 0: f32[3] = [4, 6, 8]

//--- first.mlir
func.func @"Model.first"(%a: tensor<3xf32>) -> tensor<3xf32> attributes {dl.entry} {
  %0 = dl.add %a, %a : tensor<3xf32>
  return %0 : tensor<3xf32>
}

//--- second.mlir
func.func private @"Model.first"(%a: tensor<3xf32>) -> tensor<3xf32>
func.func @"Model.second"(%a: tensor<3xf32>) -> tensor<3xf32> attributes {dl.entry} {
  %two = dl.constant dense<2.0> : tensor<f32>
  %0 = func.call @"Model.first"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = dl.add %0, %two : tensor<3xf32>, tensor<f32>
  return %1 : tensor<3xf32>
}
