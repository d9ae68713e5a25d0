// RUN: dl-opt %s --dl-prepare-entry-points --split-input-file -verify-diagnostics | FileCheck %s

// An entry point takes tensors (memrefs after bufferization) only.
// expected-error @+1 {{entry point 'scalar': argument 1 has type 'index', but entry points take and return tensors only}}
func.func @scalar(%a: memref<?xf32>, %n: index) attributes {dl.entry} {
  return
}

// -----

// The runtime passes at most DL_MAX_RANK = 8 dimensions.
// expected-error @+2 {{entry point 'rank9': argument 0 has rank 9, more than the runtime's limit of 8}}
// expected-error @+1 {{entry point 'rank9': result 0 has rank 9, more than the runtime's limit of 8}}
func.func @rank9(%a: memref<1x1x1x1x1x1x1x1x1xf32>) -> memref<1x1x1x1x1x1x1x1x1xf32> attributes {dl.entry} {
  return %a : memref<1x1x1x1x1x1x1x1x1xf32>
}

// -----

// expected-error @+1 {{entry point 'strided': argument 0 has type 'memref<4xf32, strided<[2]>>', not the identity layout}}
func.func @strided(%a: memref<4xf32, strided<[2]>>) attributes {dl.entry} {
  return
}

// -----

// A valid entry point gets its C interface; other functions are untouched.
// CHECK-LABEL: func.func @valid
// CHECK-SAME: attributes {dl.entry, llvm.emit_c_interface}
func.func @valid(%a: memref<?x4xf32>, %s: memref<f32>) -> memref<4xf32> attributes {dl.entry} {
  %0 = memref.alloc() : memref<4xf32>
  return %0 : memref<4xf32>
}
// CHECK-LABEL: func.func @internal
// CHECK-NOT: llvm.emit_c_interface
func.func @internal(%a: index) {
  return
}
