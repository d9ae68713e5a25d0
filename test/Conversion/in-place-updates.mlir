// RUN: dl-opt %s --split-input-file --dl-prepare-in-place-updates | FileCheck %s --check-prefix=PREPARE
// RUN: dl-opt %s --split-input-file --dl-prepare-in-place-updates --eliminate-empty-tensors --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --dl-drop-in-place-results --canonicalize | FileCheck %s --check-prefix=BUFFERS

// A training step's update: w - g written into w's buffer, the momentum
// into its own; the loss is the only result left. The input x is
// read-only.

#map = affine_map<(d0) -> (d0)>
func.func @step(%x: tensor<4xf32> {dl.name = "x", dl.role = "input"},
                %w: tensor<4xf32> {dl.inout, dl.name = "w", dl.role = "param"},
                %v: tensor<4xf32> {dl.inout, dl.name = "w:v", dl.role = "slot"})
    -> (tensor<f32> {dl.role = "loss"}, tensor<4xf32> {dl.updates = "w"},
        tensor<4xf32> {dl.updates = "w:v"}) attributes {dl.entry} {
  %e = tensor.empty() : tensor<4xf32>
  %newv = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%v, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %e2 = tensor.empty() : tensor<4xf32>
  %neww = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%w, %newv : tensor<4xf32>, tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %z = tensor.empty() : tensor<f32>
  %c = arith.constant 0.0 : f32
  %loss = linalg.fill ins(%c : f32) outs(%z : tensor<f32>) -> tensor<f32>
  return %loss, %neww, %newv : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}

// PREPARE-LABEL: func.func @step(
// PREPARE-SAME: %[[X:.*]]: tensor<4xf32> {bufferization.writable = false, dl.name = "x", dl.role = "input"}
// PREPARE-SAME: %[[W:.*]]: tensor<4xf32> {dl.inout, dl.name = "w", dl.role = "param"}
// PREPARE-SAME: %[[V:.*]]: tensor<4xf32> {dl.inout, dl.name = "w:v", dl.role = "slot"}
// PREPARE: %[[NEWW:.*]] = bufferization.materialize_in_destination %{{.*}} in %[[W]]
// PREPARE: %[[NEWV:.*]] = bufferization.materialize_in_destination %{{.*}} in %[[V]]
// PREPARE: return %{{.*}}, %[[NEWW]], %[[NEWV]]

// BUFFERS-LABEL: func.func @step(
// BUFFERS-SAME: %[[X:.*]]: memref<4xf32> {dl.name = "x", dl.role = "input"}
// BUFFERS-SAME: %[[W:.*]]: memref<4xf32> {dl.inout, dl.name = "w", dl.role = "param"}
// BUFFERS-SAME: %[[V:.*]]: memref<4xf32> {dl.inout, dl.name = "w:v", dl.role = "slot"})
// BUFFERS-SAME: -> (memref<f32> {dl.role = "loss"})
// BUFFERS-NOT: memref.alloc() {{.*}} : memref<4xf32>
// BUFFERS: linalg.generic {{.*}} ins(%[[V]], %[[X]] : memref<4xf32>, memref<4xf32>) outs(%[[V]] : memref<4xf32>)
// BUFFERS: linalg.generic {{.*}} ins(%[[W]], %[[V]] : memref<4xf32>, memref<4xf32>) outs(%[[W]] : memref<4xf32>)
// BUFFERS-NOT: memref.copy
// BUFFERS: return %{{.*}} : memref<f32>

// -----

// An input is never written, even when its value is dead: the insertion
// into x gets its own buffer.
func.func @input_read_only(%x: tensor<4xf32> {dl.name = "x", dl.role = "input"}, %y: tensor<2xf32> {dl.name = "y", dl.role = "input"}) -> tensor<4xf32> attributes {dl.entry} {
  %r = tensor.insert_slice %y into %x[0] [2] [1] : tensor<2xf32> into tensor<4xf32>
  return %r : tensor<4xf32>
}
// BUFFERS-LABEL: func.func @input_read_only(
// BUFFERS: %[[NEW:.*]] = memref.alloc() {{.*}} : memref<4xf32>
// BUFFERS: memref.copy %arg0, %[[NEW]]
// BUFFERS: return %[[NEW]]

// -----

// A new value both written into its argument and returned (`n = n + 1;
// return n`): the output is a copy made before the write, so that the
// argument's buffer is updated in place and the result does not alias it.
#map0 = affine_map<() -> ()>
func.func @returned_update(%n: tensor<f32> {dl.inout, dl.name = "c.n", dl.role = "state"})
    -> (tensor<f32> {dl.role = "output"}, tensor<f32> {dl.updates = "c.n"}) attributes {dl.entry} {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<f32>
  %next = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = []}
      ins(%n : tensor<f32>) outs(%e : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %one : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %next, %next : tensor<f32>, tensor<f32>
}
// PREPARE-LABEL: func.func @returned_update(
// PREPARE: %[[NEXT:.*]] = linalg.generic
// PREPARE: %[[COPY:.*]] = bufferization.alloc_tensor() copy(%[[NEXT]])
// PREPARE: %[[WRITE:.*]] = bufferization.materialize_in_destination %[[NEXT]] in %arg0
// PREPARE: return %[[COPY]], %[[WRITE]]

// BUFFERS-LABEL: func.func @returned_update(
// BUFFERS-SAME: %[[N:.*]]: memref<f32> {dl.inout, dl.name = "c.n", dl.role = "state"})
// BUFFERS-SAME: -> (memref<f32> {dl.role = "output"})
// BUFFERS: linalg.generic {{.*}} ins(%[[N]] : memref<f32>) outs(%[[N]] : memref<f32>)
// BUFFERS: %[[OUT:.*]] = memref.alloc()
// BUFFERS: memref.copy %[[N]], %[[OUT]]
// BUFFERS: return %[[OUT]]
