// dl-vectorize-contractions: contractions on buffers become a packed,
// blocked loop nest around a vector kernel.
// RUN: dl-opt %s --pass-pipeline="builtin.module(func.func(dl-vectorize-contractions))" --split-input-file | FileCheck %s
// RUN: dl-opt %s --pass-pipeline="builtin.module(func.func(dl-vectorize-contractions{mr=4 nr-vectors=1 vector-bits=256}))" --split-input-file | FileCheck %s --check-prefix=SMALL

// CHECK-LABEL: func.func @matmul
// The packed copy of B: [panels][K][32], filled in parallel.
// CHECK: %[[PACKED:.*]] = memref.alloc(%{{.*}}, %{{.*}}) {alignment = 64 : i64} : memref<?x?x32xf32>
// CHECK: scf.forall (%{{.*}}) in (%{{.*}}) {
// CHECK: vector.maskedload %arg1
// CHECK: vector.store %{{.*}}, %[[PACKED]]
// CHECK: } {dl.parallel_cost = 8192 : i64}
// Blocks of C in parallel, then K blocks, panels, rows: 8 rows x 2 vectors
// of accumulators, then 4 rows, then 1.
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (%{{.*}}, %{{.*}}) {
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.create_mask
// CHECK: scf.for
// CHECK-COUNT-16: vector.maskedload %arg2
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-2: vector.load %[[PACKED]]
// CHECK: memref.load %arg0
// CHECK: vector.broadcast
// CHECK-COUNT-2: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-16: vector.maskedstore %arg2
// CHECK: scf.for
// CHECK-COUNT-8: vector.maskedload %arg2
// CHECK: scf.for
// CHECK-COUNT-2: vector.maskedload %arg2
// CHECK: } {dl.parallel_cost = 8388608 : i64}
// CHECK: memref.dealloc %[[PACKED]]
// CHECK-NOT: linalg.matmul
// SMALL-LABEL: func.func @matmul
// SMALL: memref.alloc({{.*}}) {alignment = 64 : i64} : memref<?x?x8xf32>
// SMALL: vector.fma {{.*}} : vector<8xf32>
func.func @matmul(%a: memref<128x256xf32>, %b: memref<256x1000xf32>, %c: memref<128x1000xf32>) {
  linalg.matmul ins(%a, %b : memref<128x256xf32>, memref<256x1000xf32>) outs(%c : memref<128x1000xf32>)
  return
}

// -----

// A transposed right operand (contiguous along K) is packed column by
// column, zeros past N; f64 vectors have 8 lanes; a batch dimension is a
// dimension of the packed copy and of both parallel loops; N <= 8 takes
// one vector.
// CHECK-LABEL: func.func @batch_rhs_transposed_f64
// CHECK: memref.alloc({{.*}}) {alignment = 64 : i64} : memref<?x?x?x8xf64>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in
// CHECK: scf.for
// CHECK: scf.if
// CHECK: scf.for
// CHECK: memref.load %arg1
// CHECK: memref.store
// CHECK: } else {
// CHECK: scf.for
// CHECK: memref.store
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in
// CHECK: vector.fma {{.*}} : vector<8xf64>
// CHECK-NOT: linalg.generic
#a = affine_map<(b, m, n, k) -> (b, m, k)>
#bt = affine_map<(b, m, n, k) -> (b, n, k)>
#c = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @batch_rhs_transposed_f64(%a: memref<?x?x?xf64>, %b: memref<?x5x?xf64>, %c: memref<?x?x5xf64>) {
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?x?xf64>, memref<?x5x?xf64>) outs(%c : memref<?x?x5xf64>) {
  ^bb0(%x: f64, %y: f64, %acc: f64):
    %p = arith.mulf %x, %y : f64
    %s = arith.addf %acc, %p : f64
    linalg.yield %s : f64
  }
  return
}

// -----

// C contiguous along M (a transposed result): the operands swap roles, so
// that the kernel still writes contiguous vectors: the left operand (read
// along M) is packed, the right one broadcast.
// CHECK-LABEL: func.func @result_transposed
// CHECK: memref.load %arg0
// CHECK: vector.maskedload %arg2
// CHECK: memref.load %arg1
// CHECK: vector.fma
// CHECK: vector.maskedstore %arg2
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#ct = affine_map<(m, n, k) -> (n, m)>
func.func @result_transposed(%a: memref<40x30xf32>, %b: memref<30x20xf32>, %c: memref<20x40xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #ct], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<40x30xf32>, memref<30x20xf32>) outs(%c : memref<20x40xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A right operand strided in both dimensions: element by element, the
// column clamped to the matrix and the value selected.
// CHECK-LABEL: func.func @rhs_strided
// CHECK: scf.forall
// CHECK: arith.minsi
// CHECK: memref.load %arg1
// CHECK: arith.select
// CHECK: memref.store
// CHECK: vector.fma
func.func @rhs_strided(%a: memref<4x40xf32>, %b: memref<40x6xf32, strided<[16, 2]>>, %c: memref<4x6xf32>) {
  linalg.matmul ins(%a, %b : memref<4x40xf32>, memref<40x6xf32, strided<[16, 2]>>) outs(%c : memref<4x6xf32>)
  return
}

// -----

// Left alone: integers, f16, tensors, a result that is strided in both
// dimensions, a body that is not a multiply-add, a matvec (no N).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: vector.
// CHECK-NOT: scf.forall
// CHECK: linalg.matmul {{.*}}memref<4x4xi32>
// CHECK: linalg.matmul {{.*}}memref<4x4xf16>
// CHECK: linalg.matmul {{.*}}tensor<4x4xf32>
// CHECK: linalg.matmul {{.*}}strided<[8, 2]>
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: linalg.matvec
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @left_alone(%i: memref<4x4xi32>, %h: memref<4x4xf16>, %t: tensor<4x4xf32>,
                      %f: memref<4x4xf32>, %s: memref<4x4xf32, strided<[8, 2]>>, %v: memref<4xf32>) -> tensor<4x4xf32> {
  linalg.matmul ins(%i, %i : memref<4x4xi32>, memref<4x4xi32>) outs(%i : memref<4x4xi32>)
  linalg.matmul ins(%h, %h : memref<4x4xf16>, memref<4x4xf16>) outs(%h : memref<4x4xf16>)
  %r = linalg.matmul ins(%t, %t : tensor<4x4xf32>, tensor<4x4xf32>) outs(%t : tensor<4x4xf32>) -> tensor<4x4xf32>
  linalg.matmul ins(%f, %f : memref<4x4xf32>, memref<4x4xf32>) outs(%s : memref<4x4xf32, strided<[8, 2]>>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%f, %f : memref<4x4xf32>, memref<4x4xf32>) outs(%f : memref<4x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.addf %x, %y : f32
    %m = arith.maximumf %acc, %p : f32
    linalg.yield %m : f32
  }
  linalg.matvec ins(%f, %v : memref<4x4xf32>, memref<4xf32>) outs(%v : memref<4xf32>)
  return %r : tensor<4x4xf32>
}
