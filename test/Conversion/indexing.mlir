// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize --cse --split-input-file | FileCheck %s

// gather: a separate reduction finds the smallest and largest index, which
// are checked against [-n, n); the gathering generic wraps negative indices
// and clamps them, then reads the input with tensor.extract. The indices
// broadcast over the other dimensions (a static 1 reads index 0).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK: llvm.mlir.global private constant @[[MSG:.*]]("{{.*}}indexing.mlir:[[@LINE+29]]:8: index out of range [%lld, %lld): the indices go from %lld to %lld\00")
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[A:.*]]: tensor<?x3xf32>, %[[I:.*]]: tensor<1x2xi32>)
func.func @gather(%a: tensor<?x3xf32>, %i: tensor<1x2xi32>) -> tensor<?x2xf32> {
  // CHECK-DAG: %[[LOW:.*]] = arith.constant -3 : i64
  // CHECK-DAG: %[[HIGH:.*]] = arith.constant 3 : i64
  // CHECK: %[[EXT:.*]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[SCALAR]]], iterator_types = ["reduction", "reduction"]} ins(%[[I]] : tensor<1x2xi32>)
  // CHECK: arith.minsi
  // CHECK: arith.maxsi
  // CHECK: %[[MIN:.*]] = tensor.extract %[[EXT]]#0[]
  // CHECK: %[[MIN64:.*]] = arith.extsi %[[MIN]] : i32 to i64
  // CHECK: %[[MAX:.*]] = tensor.extract %[[EXT]]#1[]
  // CHECK: %[[MAX64:.*]] = arith.extsi %[[MAX]] : i32 to i64
  // CHECK: arith.cmpi sge, %[[MIN64]], %[[LOW]] : i64
  // CHECK: arith.cmpi slt, %[[MAX64]], %[[HIGH]] : i64
  // CHECK: scf.if
  // CHECK: llvm.call @snprintf(%{{.*}}, %{{.*}}, %{{.*}}, %[[LOW]], %[[HIGH]], %[[MIN64]], %[[MAX64]])
  // CHECK: llvm.call @dlrt_fail
  // CHECK: linalg.generic {indexing_maps = [#[[BCAST]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[I]] : tensor<1x2xi32>)
  // CHECK: ^bb0(%[[IDX:.*]]: i32, %{{.*}}: f32):
  // CHECK: %[[ROW:.*]] = linalg.index 0 : index
  // CHECK: %[[K:.*]] = arith.index_cast %[[IDX]] : i32 to index
  // CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[K]], %c0
  // CHECK: %[[UP:.*]] = arith.addi %[[K]], %c3
  // CHECK: %[[WRAPPED:.*]] = arith.select %[[NEG]], %[[UP]], %[[K]]
  // CHECK: %[[LE:.*]] = arith.minsi %[[WRAPPED]], %c2
  // CHECK: %[[CLAMPED:.*]] = arith.maxsi %[[LE]], %c0
  // CHECK: %[[X:.*]] = tensor.extract %[[A]][%[[ROW]], %[[CLAMPED]]] : tensor<?x3xf32>
  // CHECK: linalg.yield %[[X]]
  %0 = dl.gather %a[%i] axis = 1 : tensor<?x3xf32>, tensor<1x2xi32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// scatter_add: the same index check, then a loop nest over the source that
// accumulates into the destination carried by the loops.
// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: (%[[S:.*]]: tensor<2x3xf32>, %[[D:.*]]: tensor<2x2xf32>, %[[I:.*]]: tensor<2x3xi64>)
func.func @scatter_add(%s: tensor<2x3xf32>, %d: tensor<2x2xf32>, %i: tensor<2x3xi64>) -> tensor<2x2xf32> {
  // CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<2x3xi64>)
  // CHECK: scf.if
  // CHECK: llvm.call @dlrt_fail
  // CHECK: %[[R:.*]] = scf.for %[[P:.*]] = %c0 to %c2 step %c1 iter_args(%[[OUTER:.*]] = %[[D]]) -> (tensor<2x2xf32>)
  // CHECK: scf.for %[[Q:.*]] = %c0 to %c3 step %c1 iter_args(%[[ACC:.*]] = %[[OUTER]]) -> (tensor<2x2xf32>)
  // CHECK: tensor.extract %[[I]][%[[P]], %[[Q]]]
  // CHECK: %[[POS:.*]] = arith.maxsi
  // CHECK: %[[X:.*]] = tensor.extract %[[S]][%[[P]], %[[Q]]]
  // CHECK: %[[OLD:.*]] = tensor.extract %[[ACC]][%[[P]], %[[POS]]]
  // CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %[[X]]
  // CHECK: tensor.insert %[[NEW]] into %[[ACC]][%[[P]], %[[POS]]]
  // CHECK: return %[[R]]
  %0 = dl.scatter_add %s into %d[%i] axis = 1 : tensor<2x3xf32>, tensor<2x3xi64> into tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @one_hot
// CHECK-SAME: (%[[I:.*]]: tensor<?xi64>)
func.func @one_hot(%i: tensor<?xi64>) -> tensor<?x3xf32> {
  // CHECK-DAG: %[[HIGH:.*]] = arith.constant 3 : i64
  // CHECK-DAG: %[[LOW:.*]] = arith.constant 0 : i64
  // CHECK: arith.cmpi sge, %{{.*}}, %[[LOW]] : i64
  // CHECK: arith.cmpi slt, %{{.*}}, %[[HIGH]] : i64
  // CHECK: scf.if
  // CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel"]} ins(%[[I]] : tensor<?xi64>)
  // CHECK: ^bb0(%[[X:.*]]: i64, %{{.*}}: f32):
  // CHECK: %[[K:.*]] = arith.index_cast %[[X]] : i64 to index
  // CHECK: %[[C:.*]] = linalg.index 1 : index
  // CHECK: %[[HOT:.*]] = arith.cmpi eq, %[[K]], %[[C]] : index
  // CHECK: arith.select %[[HOT]], %{{.*}}, %{{.*}} : f32
  %0 = dl.one_hot %i classes = 3 : tensor<?xi64> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// CHECK: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @iota
// CHECK-SAME: (%[[N:.*]]: index)
func.func @iota(%n: index) -> (tensor<2x?xi64>, tensor<?x2xf32>) {
  // CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<2x?xi64>
  // CHECK: linalg.generic {indexing_maps = [#[[ID]]], iterator_types = ["parallel", "parallel"]} outs(%[[E]] : tensor<2x?xi64>)
  // CHECK: %[[I:.*]] = linalg.index 1 : index
  // CHECK: arith.index_cast %[[I]] : index to i64
  %0 = dl.iota [%n] dim = 1 : tensor<2x?xi64>
  // CHECK: linalg.generic
  // CHECK: %[[J:.*]] = linalg.index 0 : index
  // CHECK: %[[J64:.*]] = arith.index_cast %[[J]] : index to i64
  // CHECK: arith.sitofp %[[J64]] : i64 to f32
  %1 = dl.iota [%n] dim = 0 : tensor<?x2xf32>
  return %0, %1 : tensor<2x?xi64>, tensor<?x2xf32>
}
