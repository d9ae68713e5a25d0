// RUN: dl-opt %s --dl-cpu-pipeline | FileCheck %s
// RUN: dl-opt %s --dl-cpu-pipeline | FileCheck %s --check-prefix=PURE
// RUN: dl-opt %s --dl-cpu-pipeline | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=IR
// RUN: dl-opt %s --dl-cpu-pipeline="math-approximation=false" | FileCheck %s --check-prefix=LIBM

// The whole CPU pipeline ends in the LLVM dialect only: no op of another
// dialect is left, and the module translates to LLVM IR, where the check
// messages and the packed entry point are.
// PURE-NOT: {{ (func|arith|math|memref|scf|cf|linalg|tensor|bufferization|affine|index|ub|dl)\.[a-z_]+}}
// PURE-NOT: unrealized_conversion_cast
// CHECK-DAG: llvm.func @dlrt_fail(!llvm.ptr) attributes {no_unwind, passthrough = ["noreturn"]}
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
// CHECK: llvm.func @classify.step__dl_packed(%{{.*}}: !llvm.ptr)

// IR-DAG: @__dl_check_message_{{[0-9]+}} = private constant [{{[0-9]+}} x i8] c"{{.*}}cpu-pipeline.mlir:{{[0-9]+}}:{{[0-9]+}}: index out of range [%lld, %lld): the indices go from %lld to %lld\00"
// IR-DAG: @__dl_check_message_{{[0-9]+}} = private constant [{{[0-9]+}} x i8] c"{{.*}}cpu-pipeline.mlir:{{[0-9]+}}:{{[0-9]+}}: extents %lld and %lld of dimension 0 differ\00"
// IR-DAG: declare void @dlrt_fail(ptr) #[[NORETURN:[0-9]+]]
// IR-DAG: define void @classify.step__dl_packed(ptr %0)
// IR-DAG: attributes #[[NORETURN]] = { noreturn nounwind }

// f32 tanh becomes a polynomial (no call), unless disabled.
// PURE-NOT: tanh
// LIBM: llvm.intr.tanh

func.func private @dense(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %0 = dl.matmul %x, %w : tensor<?x4xf32>, tensor<4x3xf32> -> tensor<?x3xf32>
  %1 = dl.add %0, %b : tensor<?x3xf32>, tensor<3xf32>
  %2 = dl.tanh %1 : tensor<?x3xf32>
  return %2 : tensor<?x3xf32>
}

func.func @"classify.step"(%x: tensor<?x4xf32>, %y: tensor<?xi64>, %w: tensor<4x3xf32>, %b: tensor<3xf32>) -> (tensor<f32>, tensor<?xi64>) attributes {dl.entry} {
  %h = func.call @dense(%x, %w, %b) : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %p = dl.log_softmax %h axis = 1 : tensor<?x3xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %y, %c0 : tensor<?xi64>
  %y2 = dl.reshape %y [%n] : tensor<?xi64> -> tensor<?x1xi64>
  %picked = dl.gather %p[%y2] axis = 1 : tensor<?x3xf32>, tensor<?x1xi64> -> tensor<?x1xf32>
  %loss = dl.reduce mean %picked [0, 1] : tensor<?x1xf32> -> tensor<f32>
  %neg = dl.neg %loss : tensor<f32>
  %pred = dl.argmax %p axis = 1 : tensor<?x3xf32> -> tensor<?xi64>
  return %neg, %pred : tensor<f32>, tensor<?xi64>
}
