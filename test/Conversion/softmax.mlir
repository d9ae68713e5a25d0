// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize --cse --split-input-file | FileCheck %s

// max-reduce, exp(x - max), sum-reduce, divide: every exponent is <= 0.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  // CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[MAXINIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
  // CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x10xf32>) outs(%[[MAXINIT]] : tensor<?xf32>)
  // CHECK: arith.maximumf
  // CHECK: %[[EXP:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
  // CHECK: arith.subf
  // CHECK: math.exp
  // CHECK: %[[SUMINIT:.*]] = linalg.fill ins(%[[ZERO]] : f32)
  // CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<?x10xf32>) outs(%[[SUMINIT]] : tensor<?xf32>)
  // CHECK: arith.addf
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[EXP]], %[[SUM]] : tensor<?x10xf32>, tensor<?xf32>)
  // CHECK: arith.divf
  %0 = dl.softmax %x axis = 1 : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// log_softmax: (x - max) - log(sum(exp(x - max))), along axis 0 here.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @log_softmax
func.func @log_softmax(%x: tensor<4x3xf64>) -> tensor<4x3xf64> {
  // CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]]], iterator_types = ["reduction", "parallel"]}
  // CHECK: arith.maximumf
  // CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]]], iterator_types = ["reduction", "parallel"]}
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %[[MAX]], %[[SUM]] : tensor<4x3xf64>, tensor<3xf64>, tensor<3xf64>)
  // CHECK: ^bb0(%[[V:.*]]: f64, %[[M:.*]]: f64, %[[S:.*]]: f64, %{{.*}}: f64):
  // CHECK: %[[SHIFTED:.*]] = arith.subf %[[V]], %[[M]] : f64
  // CHECK: %[[LOG:.*]] = math.log %[[S]] : f64
  // CHECK: arith.subf %[[SHIFTED]], %[[LOG]] : f64
  %0 = dl.log_softmax %x axis = 0 : tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}
