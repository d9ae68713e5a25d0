// RUN: dl-opt %s --dl-cpu-pipeline | FileCheck %s

// Every dl.entry function gets a C interface wrapper and the packed entry
// point `<name>__dl_packed(void **argv)`: argv[i] is the descriptor of
// argument i and argv[n] the storage of the results, passed as the result
// pointer of the wrapper. Names with dots survive.

// No result: the descriptors only.
// CHECK-LABEL: llvm.func @_mlir_ciface_none(%{{.*}}: !llvm.ptr)
// CHECK-LABEL: llvm.func @_mlir_ciface_one(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.store %{{.*}}, %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, !llvm.ptr
// Several results of different ranks: one struct of descriptors, each
// field 8 bytes, so result j starts at word sum_{k<j} (3 + 2 rank_k).
// CHECK-LABEL: llvm.func @_mlir_ciface_several(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.store %{{.*}}, %{{.*}} : !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, struct<(ptr, ptr, i64)>, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>)>, !llvm.ptr
// CHECK-LABEL: llvm.func @_mlir_ciface_MLP.forward

// CHECK-LABEL: llvm.func @none__dl_packed(
// CHECK-SAME: %[[ARGV:.*]]: !llvm.ptr)
// CHECK-NEXT: %[[A0:.*]] = llvm.load %[[ARGV]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @_mlir_ciface_none(%[[A0]]) : (!llvm.ptr) -> ()
// CHECK-NEXT: llvm.return

// CHECK-LABEL: llvm.func @one__dl_packed(
// CHECK-SAME: %[[ARGV:.*]]: !llvm.ptr)
// CHECK-NEXT: %[[P1:.*]] = llvm.getelementptr %[[ARGV]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[RES:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[A0:.*]] = llvm.load %[[ARGV]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @_mlir_ciface_one(%[[RES]], %[[A0]]) : (!llvm.ptr, !llvm.ptr) -> ()

// CHECK-LABEL: llvm.func @several__dl_packed(
// CHECK-SAME: %[[ARGV:.*]]: !llvm.ptr)
// CHECK-NEXT: %[[P2:.*]] = llvm.getelementptr %[[ARGV]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[RES:.*]] = llvm.load %[[P2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[A0:.*]] = llvm.load %[[ARGV]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P1:.*]] = llvm.getelementptr %[[ARGV]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A1:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @_mlir_ciface_several(%[[RES]], %[[A0]], %[[A1]])

// CHECK-LABEL: llvm.func @MLP.forward__dl_packed
// CHECK: llvm.call @_mlir_ciface_MLP.forward

// A public function without dl.entry has no wrapper.
// CHECK-NOT: @_mlir_ciface_helper
// CHECK-NOT: @helper__dl_packed

func.func @none(%a: tensor<?xf32>) attributes {dl.entry} {
  return
}

func.func @one(%a: tensor<2x3xf32>) -> tensor<3x2xf32> attributes {dl.entry} {
  %0 = dl.transpose %a [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

func.func @several(%a: tensor<2x3xf32>, %s: tensor<f32>) -> (tensor<3x2xf32>, tensor<f32>, tensor<?xi64>) attributes {dl.entry} {
  %0 = dl.transpose %a [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = dl.argmax %a axis = 1 : tensor<2x3xf32> -> tensor<2xi64>
  %2 = tensor.cast %1 : tensor<2xi64> to tensor<?xi64>
  return %0, %s, %2 : tensor<3x2xf32>, tensor<f32>, tensor<?xi64>
}

func.func @"MLP.forward"(%a: tensor<4xf32>) -> tensor<4xf32> attributes {dl.entry} {
  %0 = dl.exp %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

func.func @helper(%a: tensor<f32>) -> tensor<f32> {
  return %a : tensor<f32>
}
