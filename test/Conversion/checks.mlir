// RUN: dl-opt %s --convert-dl-to-linalg --split-input-file | FileCheck %s

// dl.assert fails the call through dlrt_fail, with the location and the
// message (not a format: printed as it is), in a global that survives to
// LLVM IR. Never cf.assert, which aborts.
// CHECK: llvm.mlir.global private constant @[[MSG:__dl_check_message_[0-9]+]]("{{.*}}checks.mlir:[[@LINE+11]]:3: batch must be positive (100%)\00")
// CHECK: llvm.func @dlrt_fail(!llvm.ptr) attributes {no_unwind, passthrough = ["noreturn"]}
// CHECK-LABEL: func.func @assert
// CHECK-SAME: (%[[C:.*]]: i1)
func.func @assert(%c: i1) {
  // CHECK: %[[BAD:.*]] = arith.xori %[[C]], %{{.*}} : i1
  // CHECK: scf.if %[[BAD]] {
  // CHECK-NEXT: %[[ADDR:.*]] = llvm.mlir.addressof @[[MSG]] : !llvm.ptr
  // CHECK-NEXT: llvm.call @dlrt_fail(%[[ADDR]]) : (!llvm.ptr) -> ()
  // CHECK-NEXT: }
  // CHECK-NOT: cf.assert
  dl.assert %c, "batch must be positive (100%)"
  return
}

// -----

// Identical messages share one global.
// CHECK-COUNT-1: llvm.mlir.global
// CHECK-NOT: llvm.mlir.global
// CHECK-LABEL: func.func @shared_message
func.func @shared_message(%c: i1) {
  dl.assert %c, "same" loc("model.dl":3:14)
  dl.assert %c, "same" loc("model.dl":3:14)
  return
}

// -----

// A named or fused location reports its file location.
// CHECK: llvm.mlir.global private constant @{{.*}}("model.dl:7:2: inner\00")
func.func @named_location(%c: i1) {
  dl.assert %c, "inner" loc(fused["relu"("model.dl":7:2)])
  return
}
