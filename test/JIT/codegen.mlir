// translateAndOptimize and emitAssembly for the host.
// RUN: dl-jit-test %s --emit=llvm-ir | FileCheck %s --check-prefix=IR
// RUN: dl-jit-test %s --emit=asm | FileCheck %s --check-prefix=ASM

// The optimized IR is for the host: its triple, data layout, CPU and
// features; the check messages survive.
// IR: target datalayout = "{{.+}}"
// IR: target triple = "{{.+}}"
// IR: @__dl_check_message_0 = private constant {{.*}}codegen.mlir:[[@LINE+9]]:8: extents %lld and %lld of dimension 0 differ
// IR: define void @scale__dl_packed(ptr {{.*}}%0)
// IR-SAME: #[[ATTRS:[0-9]+]]
// IR: attributes #[[ATTRS]] = { {{.*}}"target-cpu"="{{[a-z0-9_-]+}}" "target-features"="{{.+}}" {{.*}}}

// ASM-DAG: {{call|jmp}}{{q?}} dlrt_fail@PLT
// ASM-DAG: scale__dl_packed:

func.func @scale(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> attributes {dl.entry} {
  %0 = dl.mul %a, %b : tensor<?xf32>
  return %0 : tensor<?xf32>
}
