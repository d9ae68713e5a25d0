// RUN: dl-opt %s --dl-drop-in-place-results -verify-diagnostics

// After bufferization the updated result must be its argument's buffer.
// expected-error @+1 {{'w' could not be updated in place}}
func.func @copied(%w: memref<4xf32> {dl.inout, dl.name = "w"}) -> (memref<4xf32> {dl.updates = "w"}) attributes {dl.entry} {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %w, %a : memref<4xf32> to memref<4xf32>
  return %a : memref<4xf32>
}
