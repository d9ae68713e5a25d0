// dl-parallelize-elementwise: elementwise linalg ops on buffers become an
// scf.forall over the outer dimensions around a sequential loop over the
// innermost one; reductions are left alone.
// RUN: dl-opt %s --pass-pipeline="builtin.module(func.func(dl-parallelize-elementwise))" --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @add
// CHECK: scf.forall (%[[I:.*]]) in (%{{.*}}) {
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step
// CHECK: affine.apply #{{.*}}(%[[I]])
// CHECK: affine.apply #{{.*}}(%[[J]])
// CHECK: memref.load %arg0
// CHECK: memref.load %arg1
// CHECK: arith.addf
// CHECK: memref.store {{.*}}, %arg2
// 512 elements in the innermost loop times 2 operations in the body.
// CHECK: } {dl.parallel_cost = 1024 : i64}
// CHECK-NOT: linalg.generic
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
func.func @add(%x: memref<?x512xf32>, %b: memref<512xf32>, %y: memref<?x512xf32>) {
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : memref<?x512xf32>, memref<512xf32>) outs(%y : memref<?x512xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %s = arith.addf %u, %v : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// One dimension: a forall over the elements; a fill is elementwise too.
// CHECK-LABEL: func.func @fill_1d
// CHECK: scf.forall (%[[I:.*]]) in (%{{.*}}) {
// CHECK-NOT: scf.for
// CHECK: affine.apply #{{.*}}(%[[I]])
// CHECK: memref.store %{{.*}}, %arg0
// CHECK: } {dl.parallel_cost = 1 : i64}
func.func @fill_1d(%x: memref<?xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%x : memref<?xf32>)
  return
}

// -----

// Left alone: a reduction, an op on tensors, a rank-0 op.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.forall
// CHECK: linalg.reduce
// CHECK: linalg.fill {{.*}}tensor<4xf32>
// CHECK: linalg.fill {{.*}}memref<f32>
func.func @left_alone(%x: memref<4x8xf32>, %s: memref<4xf32>, %t: tensor<4xf32>, %z: memref<f32>) -> tensor<4xf32> {
  linalg.reduce ins(%x : memref<4x8xf32>) outs(%s : memref<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32
    }
  %zero = arith.constant 0.0 : f32
  %r = linalg.fill ins(%zero : f32) outs(%t : tensor<4xf32>) -> tensor<4xf32>
  linalg.fill ins(%zero : f32) outs(%z : memref<f32>)
  return %r : tensor<4xf32>
}
