// dl-parallel-to-runtime: outermost scf.forall loops run on the runtime's
// thread pool; the others become sequential loops.
// RUN: dl-opt %s --dl-parallel-to-runtime --split-input-file | FileCheck %s
// The result lowers to LLVM IR (the casts of the captured memrefs cancel).
// RUN: dl-opt %s --dl-parallel-to-runtime --split-input-file --convert-scf-to-cf --expand-strided-metadata --finalize-memref-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | mlir-translate --mlir-to-llvmir --split-input-file | FileCheck %s --check-prefix=LLVM

// A 2-d loop: the body becomes @scale.parallel0(ctx, begin, end) running
// the linearized iterations; the captured memref, the scalar and the
// dynamic trip count travel in a stack struct; constants (the static
// extent 16) are rebuilt in the body.
// CHECK-LABEL: func.func private @scale.parallel0(%arg0: !llvm.ptr, %arg1: i64, %arg2: i64)
// CHECK: llvm.getelementptr %arg0[0, 0] {{.*}} !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, f32, i64)>
// CHECK: llvm.load {{.*}} -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: builtin.unrealized_conversion_cast {{.*}} to memref<?x16xf32>
// CHECK: llvm.load {{.*}} -> f32
// CHECK: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK: arith.remsi %[[I]], %[[C16]]
// CHECK: arith.divsi %[[I]], %[[C16]]
// CHECK: memref.load
// CHECK: arith.mulf
// CHECK: memref.store
// CHECK-LABEL: func.func @scale
// CHECK-NOT: scf.forall
// CHECK: builtin.unrealized_conversion_cast %arg0 : memref<?x16xf32> to !llvm.struct
// CHECK: llvm.store
// CHECK: %[[FN:.*]] = constant @scale.parallel0 : (!llvm.ptr, i64, i64) -> ()
// CHECK: call @dlrt_parallel_for(%{{.*}}, %{{.*}}, %[[FN]], %{{.*}}) : (i64, i64, (!llvm.ptr, i64, i64) -> (), !llvm.ptr) -> ()
// CHECK: func.func private @dlrt_parallel_for(i64, i64, (!llvm.ptr, i64, i64) -> (), !llvm.ptr)
// LLVM: define void @scale(
// LLVM: call void @dlrt_parallel_for(i64 %{{.*}}, i64 16, ptr @scale.parallel0, ptr %{{.*}})
func.func @scale(%x: memref<?x16xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  scf.forall (%i, %j) in (%n, 16) {
    %v = memref.load %x[%i, %j] : memref<?x16xf32>
    %w = arith.mulf %v, %s : f32
    memref.store %w, %x[%i, %j] : memref<?x16xf32>
  } {dl.parallel_cost = 16 : i64}
  return
}

// -----

// A body that calls a function or allocates stays on the calling thread: a
// sequential scf.for; so does a forall nested in an outlined body.
// CHECK-LABEL: func.func private @nested.parallel0
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: scf.forall
// CHECK-LABEL: func.func @nested
// CHECK: call @dlrt_parallel_for
// CHECK-NOT: call @dlrt_parallel_for
// CHECK: scf.for
// CHECK: call @report
// CHECK: scf.for
// CHECK: memref.alloc
// CHECK-NOT: scf.forall
func.func private @report(index)
func.func @nested(%x: memref<8x8xf32>) {
  scf.forall (%i) in (8) {
    scf.forall (%j) in (8) {
      %v = memref.load %x[%i, %j] : memref<8x8xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %x[%i, %j] : memref<8x8xf32>
    }
  }
  scf.forall (%i) in (8) {
    func.call @report(%i) : (index) -> ()
  }
  scf.forall (%i) in (8) {
    %m = memref.alloc() : memref<8xf32>
    memref.dealloc %m : memref<8xf32>
  }
  return
}
