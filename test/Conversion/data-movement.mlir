// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize --cse --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[A:.*]]: tensor<2x?x4xf32>)
func.func @transpose(%a: tensor<2x?x4xf32>) -> tensor<4x2x?xf32> {
  // CHECK: %[[D:.*]] = tensor.dim %[[A]], %c1
  // CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<4x2x?xf32>
  // CHECK: linalg.transpose ins(%[[A]] : tensor<2x?x4xf32>) outs(%[[E]] : tensor<4x2x?xf32>) permutation = [2, 0, 1]
  %0 = dl.transpose %a [2, 0, 1] : tensor<2x?x4xf32> -> tensor<4x2x?xf32>
  return %0 : tensor<4x2x?xf32>
}

// -----

// Static reshapes: collapse, expand, or both through the flat vector.
// CHECK-LABEL: func.func @reshape_static
func.func @reshape_static(%a: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>) {
  // CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
  %0 = dl.reshape %a : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [2, 3, 2, 2] : tensor<2x3x4xf32> into tensor<2x3x2x2xf32>
  %1 = dl.reshape %a : tensor<2x3x4xf32> -> tensor<2x3x2x2xf32>
  // CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
  // CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
  %2 = dl.reshape %a : tensor<2x3x4xf32> -> tensor<4x6xf32>
  return %0, %1, %2 : tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>
}

// -----

// Dynamic reshapes check the element counts; one dynamic group becomes
// expand_shape, anything else tensor.reshape with a shape tensor.
// CHECK: llvm.mlir.global private constant @{{.*}}("{{.*}}data-movement.mlir:{{[0-9]+}}:8: cannot reshape %lld elements into %lld\00")
// CHECK-LABEL: func.func @reshape_dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[D:.*]]: index, %[[M:.*]]: index)
func.func @reshape_dynamic(%a: tensor<?x4xf32>, %d: index, %m: index) -> (tensor<?x2x2xf32>, tensor<?x?xf32>) {
  // CHECK: %[[N:.*]] = tensor.dim %[[A]], %c0
  // CHECK: %[[COUNT:.*]] = arith.muli %[[N]], %c4
  // CHECK: %[[NEW:.*]] = arith.muli %[[D]], %c4
  // CHECK: %[[NE:.*]] = arith.cmpi ne, %[[COUNT]], %[[NEW]]
  // CHECK: scf.if %[[NE]]
  // CHECK: llvm.call @dlrt_fail
  // CHECK: tensor.expand_shape %[[A]] {{\[\[}}0], [1, 2]] output_shape [%[[D]], 2, 2] : tensor<?x4xf32> into tensor<?x2x2xf32>
  %0 = dl.reshape %a [%d] : tensor<?x4xf32> -> tensor<?x2x2xf32>
  // CHECK: scf.if
  // CHECK: %[[SHAPE:.*]] = tensor.from_elements %[[D]], %[[M]] : tensor<2xindex>
  // CHECK: tensor.reshape %[[A]](%[[SHAPE]]) : (tensor<?x4xf32>, tensor<2xindex>) -> tensor<?x?xf32>
  %1 = dl.reshape %a [%d, %m] : tensor<?x4xf32> -> tensor<?x?xf32>
  return %0, %1 : tensor<?x2x2xf32>, tensor<?x?xf32>
}

// -----

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK: llvm.mlir.global private constant @{{.*}}("{{.*}}cannot broadcast extent %lld to %lld in dimension 1\00")
// CHECK-LABEL: func.func @broadcast_to
// CHECK-SAME: (%[[A:.*]]: tensor<?x1xf32>, %[[D:.*]]: index)
func.func @broadcast_to(%a: tensor<?x1xf32>, %d: index) -> tensor<2x?x3xf32> {
  // CHECK: %[[N:.*]] = tensor.dim %[[A]], %c0
  // CHECK: arith.cmpi ne, %[[N]], %[[D]]
  // CHECK: scf.if
  // CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<2x?x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[A]] : tensor<?x1xf32>) outs(%[[E]] : tensor<2x?x3xf32>)
  // CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
  // CHECK-NEXT: linalg.yield %[[X]] : f32
  %0 = dl.broadcast_to %a [%d] : tensor<?x1xf32> -> tensor<2x?x3xf32>
  return %0 : tensor<2x?x3xf32>
}

// -----

// sum_to sums the leading dimensions and those a unit extent stretches
// over; the kept unit dimensions come back with expand_shape.
// CHECK-LABEL: func.func @sum_to
// CHECK-SAME: (%[[A:.*]]: tensor<2x?x3xf32>)
func.func @sum_to(%a: tensor<2x?x3xf32>) -> tensor<?x1xf32> {
  // CHECK: %[[R:.*]] = linalg.reduce ins(%[[A]] : tensor<2x?x3xf32>) outs(%{{.*}} : tensor<?xf32>) dimensions = [0, 2]
  // CHECK: arith.addf
  // CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1]] output_shape [%{{.*}}, 1] : tensor<?xf32> into tensor<?x1xf32>
  %0 = dl.sum_to %a : tensor<2x?x3xf32> -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

// concat inserts each input at its offset along the axis; the other
// extents, where dynamic, are checked against the result's.
// CHECK: llvm.mlir.global private constant @{{.*}}("{{.*}}extents %lld and %lld of dimension 1 of concatenated tensors differ\00")
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<?x2xf32>, %[[B:.*]]: tensor<1x?xf32>)
func.func @concat(%a: tensor<?x2xf32>, %b: tensor<1x?xf32>) -> tensor<?x2xf32> {
  // CHECK: %[[N:.*]] = tensor.dim %[[A]], %c0
  // CHECK: %[[TOTAL:.*]] = arith.addi %[[N]], %c1
  // CHECK: %[[W:.*]] = tensor.dim %[[B]], %c1
  // CHECK: arith.cmpi ne, %[[W]], %c2
  // CHECK: scf.if
  // CHECK: %[[E:.*]] = tensor.empty(%[[TOTAL]]) : tensor<?x2xf32>
  // CHECK: %[[FIRST:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [%[[N]], 2] [1, 1]
  // CHECK: tensor.insert_slice %[[B]] into %[[FIRST]][%[[N]], 0] [1, %[[W]]] [1, 1]
  %0 = dl.concat %a, %b axis = 0 : (tensor<?x2xf32>, tensor<1x?xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// A static window needs no check; a dynamic one is checked per dimension.
// CHECK: llvm.mlir.global private constant @{{.*}}("{{.*}}window (offset %lld, size %lld, stride %lld) is out of bounds of dimension 0 of extent %lld\00")
// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[O:.*]]: index)
func.func @slice(%a: tensor<?x4xf32>, %o: index) -> tensor<2x2xf32> {
  // CHECK: %[[N:.*]] = tensor.dim %[[A]], %c0
  // CHECK: %[[LAST:.*]] = arith.addi %[[O]], %c1
  // CHECK: arith.cmpi sge, %[[O]], %c0
  // CHECK: arith.cmpi slt, %[[LAST]], %[[N]]
  // CHECK: scf.if
  // CHECK: tensor.extract_slice %[[A]][%[[O]], 1] [2, 2] [1, 2] : tensor<?x4xf32> to tensor<2x2xf32>
  %0 = dl.slice %a [%o, 1] [2, 2] [1, 2] : tensor<?x4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @static_slice
func.func @static_slice(%a: tensor<3x4xf32>) -> tensor<2x2xf32> {
  // CHECK-NOT: scf.if
  // CHECK: tensor.extract_slice %{{.*}}[0, 1] [2, 2] [1, 2] : tensor<3x4xf32> to tensor<2x2xf32>
  %0 = dl.slice %a [0, 1] [2, 2] [1, 2] : tensor<3x4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK: llvm.mlir.global private constant @{{.*}}("{{.*}}source extent %lld differs from the window size %lld in dimension 0\00")
// CHECK-LABEL: func.func @insert_slice
// CHECK-SAME: (%[[S:.*]]: tensor<?x2xf32>, %[[D:.*]]: tensor<?x4xf32>, %[[N:.*]]: index)
func.func @insert_slice(%s: tensor<?x2xf32>, %d: tensor<?x4xf32>, %n: index) -> tensor<?x4xf32> {
  // CHECK-COUNT-2: scf.if
  // CHECK: tensor.insert_slice %[[S]] into %[[D]][1, 0] [%[[N]], 2] [1, 2] : tensor<?x2xf32> into tensor<?x4xf32>
  %0 = dl.insert_slice %s into %d [1, 0] [%n, 2] [1, 2] : tensor<?x2xf32> into tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @pad
func.func @pad(%a: tensor<?x2xi32>) -> tensor<?x5xi32> {
  // CHECK: %[[V:.*]] = arith.constant 7 : i32
  // CHECK: tensor.pad %{{.*}} low[1, 2] high[0, 1]
  // CHECK: tensor.yield %[[V]] : i32
  // CHECK: } : tensor<?x2xi32> to tensor<?x5xi32>
  %0 = dl.pad %a low [1, 2] high [0, 1] value 7 : i32 : tensor<?x2xi32> -> tensor<?x5xi32>
  return %0 : tensor<?x5xi32>
}
