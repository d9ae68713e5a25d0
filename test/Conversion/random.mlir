// RUN: dl-opt %s --convert-dl-to-linalg --split-input-file | FileCheck %s

// Counter-based random numbers (docs/random.md): the seed's halves and the
// round keys (key + r * (0x9E3779B9, 0xBB67AE85)) are computed once; one
// linalg.generic without inputs computes, for each element, its row-major
// linear index, the counter (lo32(i), hi32(i), lo32(stream), hi32(stream)),
// ten Philox rounds (arith.mului_extended by 0xD2511F53 and 0xCD9E8D57, as
// signed i32 constants -766435501 and -845247145) and the number.
// The stream 4294967299 = 2^32 + 3 is the counter words 3 and 1.
// CHECK-LABEL: func.func @uniform_f32
// CHECK-SAME: (%[[SEED:.*]]: tensor<i64>, %[[N:.*]]: index)
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK: %[[S:.*]] = tensor.extract %[[SEED]][] : tensor<i64>
// CHECK: %[[K0:.*]] = arith.trunci %[[S]] : i64 to i32
// CHECK: %[[HI:.*]] = arith.shrui %[[S]], %{{.*}} : i64
// CHECK: %[[K1:.*]] = arith.trunci %[[HI]] : i64 to i32
// CHECK: %[[W0:.*]] = arith.constant -1640531527 : i32
// CHECK: arith.addi %[[K0]], %[[W0]] : i32
// CHECK: %[[W1:.*]] = arith.constant -1150833019 : i32
// CHECK: arith.addi %[[K1]], %[[W1]] : i32
// CHECK: %[[STREAM_LO:.*]] = arith.constant 3 : i32
// CHECK: %[[STREAM_HI:.*]] = arith.constant 1 : i32
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x10xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}], iterator_types = ["parallel", "parallel"]} outs(%[[EMPTY]] : tensor<?x10xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: f32):
// CHECK-NEXT: %[[I0:.*]] = linalg.index 0 : index
// CHECK-NEXT: %[[ROW:.*]] = arith.muli %[[I0]], %[[C10]] : index
// CHECK-NEXT: %[[I1:.*]] = linalg.index 1 : index
// CHECK-NEXT: %[[LIN:.*]] = arith.addi %[[ROW]], %[[I1]] : index
// CHECK-NEXT: %[[LIN64:.*]] = arith.index_castui %[[LIN]] : index to i64
// CHECK-NEXT: %[[C0:.*]] = arith.trunci %[[LIN64]] : i64 to i32
// CHECK: %[[M0:.*]] = arith.constant -766435501 : i32
// CHECK: %[[M1:.*]] = arith.constant -845247145 : i32
// CHECK: arith.mului_extended %[[M0]], %[[C0]] : i32
// CHECK: arith.mului_extended %[[M1]], %[[STREAM_LO]] : i32
// CHECK-COUNT-18: arith.mului_extended
// CHECK-NOT: arith.mului_extended
// CHECK: %[[BITS:.*]] = arith.shrui %{{.*}}, %{{.*}} : i32
// CHECK: %[[F:.*]] = arith.uitofp %[[BITS]] : i32 to f32
// CHECK: %[[SCALE:.*]] = arith.constant 5.96046448E-8 : f32
// CHECK: %[[U:.*]] = arith.mulf %[[F]], %[[SCALE]] : f32
// CHECK: linalg.yield %[[U]] : f32
func.func @uniform_f32(%seed: tensor<i64>, %n: index) -> tensor<?x10xf32> {
  %0 = dl.random_uniform %seed [%n] stream = 4294967299 : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// f64 uniform: 53 bits of x0 + 2^32 x1, times 2^-53. Normal: Box-Muller
// from a second uniform of x2, x3.
// CHECK-LABEL: func.func @normal_f64
// CHECK: linalg.generic
// CHECK-COUNT-20: arith.mului_extended
// CHECK: arith.extui %{{.*}} : i32 to i64
// CHECK: arith.extui %{{.*}} : i32 to i64
// CHECK: arith.shli
// CHECK: arith.ori
// CHECK: arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK: arith.uitofp %{{.*}} : i64 to f64
// CHECK: arith.constant 1.1102230246251565E-16 : f64
// CHECK: %[[U1:.*]] = arith.mulf
// CHECK: %[[U2:.*]] = arith.mulf
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK: %[[T:.*]] = arith.subf %[[ONE]], %[[U1]] : f64
// CHECK: %[[MINUS2:.*]] = arith.constant -2.000000e+00 : f64
// CHECK: %[[L:.*]] = math.log %[[T]] : f64
// CHECK: %[[M:.*]] = arith.mulf %[[MINUS2]], %[[L]] : f64
// CHECK: %[[R:.*]] = math.sqrt %[[M]] : f64
// CHECK: %[[TWOPI:.*]] = arith.constant 6.2831853071795862 : f64
// CHECK: %[[A:.*]] = arith.mulf %[[TWOPI]], %[[U2]] : f64
// CHECK: %[[C:.*]] = math.cos %[[A]] : f64
// CHECK: %[[Z:.*]] = arith.mulf %[[R]], %[[C]] : f64
// CHECK: linalg.yield %[[Z]] : f64
func.func @normal_f64(%seed: tensor<i64>) -> tensor<3xf64> {
  %0 = dl.random_normal %seed stream = 0 : tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// Raw words: the block index runs over the leading dimensions only, plus
// the offset; the last loop picks the word; i64 zero-extends it.
// CHECK-LABEL: func.func @bits
// CHECK: linalg.generic {indexing_maps = [#{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-NEXT: ^bb0(%{{.*}}: i64):
// CHECK-NEXT: %[[I0:.*]] = linalg.index 0 : index
// CHECK-NEXT: %[[I:.*]] = arith.index_castui %[[I0]] : index to i64
// CHECK-NEXT: %[[OFFSET:.*]] = arith.constant 7 : i64
// CHECK-NEXT: arith.addi %[[I]], %[[OFFSET]] : i64
// CHECK-COUNT-20: arith.mului_extended
// CHECK: %[[W:.*]] = linalg.index 1 : index
// CHECK: arith.cmpi eq, %[[W]]
// CHECK: arith.select
// CHECK: arith.select
// CHECK: %[[WORD:.*]] = arith.select
// CHECK: %[[WIDE:.*]] = arith.extui %[[WORD]] : i32 to i64
// CHECK: linalg.yield %[[WIDE]] : i64
func.func @bits(%seed: tensor<i64>) -> tensor<2x4xi64> {
  %0 = dl.random_bits %seed stream = 1 offset = 7 : tensor<2x4xi64>
  return %0 : tensor<2x4xi64>
}

// -----

// A 0-d result: the element index is 0.
// CHECK-LABEL: func.func @scalar
// CHECK: linalg.generic {indexing_maps = [#{{.*}}], iterator_types = []}
// CHECK-NEXT: ^bb0(%{{.*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-NEXT: arith.trunci %[[ZERO]] : i64 to i32
func.func @scalar(%seed: tensor<i64>) -> tensor<f32> {
  %0 = dl.random_uniform %seed stream = 0 : tensor<f32>
  return %0 : tensor<f32>
}
