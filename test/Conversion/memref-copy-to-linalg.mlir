// RUN: dl-opt %s --dl-memref-copy-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @strided
// CHECK-SAME: (%[[A:.*]]: memref<4x2xf32, strided<[8, 1], offset: ?>>, %[[B:.*]]: memref<4x2xf32>)
func.func @strided(%a: memref<4x2xf32, strided<[8, 1], offset: ?>>, %b: memref<4x2xf32>) {
  // CHECK: linalg.copy ins(%[[A]] : memref<4x2xf32, strided<[8, 1], offset: ?>>) outs(%[[B]] : memref<4x2xf32>)
  // CHECK-NOT: memref.copy
  memref.copy %a, %b : memref<4x2xf32, strided<[8, 1], offset: ?>> to memref<4x2xf32>
  return
}
