// The code generation passes in dl-cpu-pipeline: a matmul becomes the
// vector kernel (16-lane fused multiply-adds) and its loops calls of the
// runtime's thread pool; small elementwise loops are outlined too (the
// runtime decides at run time to run them on the calling thread).
// RUN: dl-opt %s --dl-cpu-pipeline | FileCheck %s

// CHECK-DAG: llvm.func @dlrt_parallel_for(i64, i64, !llvm.ptr, !llvm.ptr)
// CHECK-DAG: llvm.func @layer.parallel{{[0-9]+}}(%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// CHECK-DAG: llvm.intr.fmuladd({{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// CHECK-DAG: llvm.intr.masked.load
// CHECK-DAG: llvm.intr.masked.store
// CHECK-LABEL: llvm.func @layer(
// CHECK: llvm.mlir.addressof @layer.parallel{{[0-9]+}}
// CHECK: llvm.call @dlrt_parallel_for
// CHECK-NOT: linalg.
// CHECK-NOT: scf.
// CHECK-NOT: vector.
func.func @layer(%x: tensor<?x64xf32>, %w: tensor<64x48xf32>, %b: tensor<48xf32>) -> tensor<?x48xf32> attributes {dl.entry} {
  %0 = dl.matmul %x, %w : tensor<?x64xf32>, tensor<64x48xf32> -> tensor<?x48xf32>
  %1 = dl.add %0, %b : tensor<?x48xf32>, tensor<48xf32>
  return %1 : tensor<?x48xf32>
}
