// RUN: dl-opt %s --split-input-file | FileCheck %s
// RUN: dl-opt %s --split-input-file --mlir-print-op-generic | dl-opt --split-input-file | FileCheck %s
// RUN: dl-opt %s --split-input-file --canonicalize --cse | FileCheck %s --check-prefix=KEPT

// dl.check_finite round-trips; it has no result and a side effect, so
// canonicalization and CSE keep it (twice on one value included).
// CHECK-LABEL: func.func @check_finite
// CHECK-NEXT: dl.check_finite %arg0, "the result of dl.log at model.dl:12:9" : tensor<?x3xf32>
// CHECK-NEXT: dl.check_finite %arg1, "x" : tensor<f64>
// KEPT-LABEL: func.func @check_finite
// KEPT-COUNT-3: dl.check_finite
func.func @check_finite(%x: tensor<?x3xf32>, %y: tensor<f64>) {
  dl.check_finite %x, "the result of dl.log at model.dl:12:9" : tensor<?x3xf32>
  dl.check_finite %y, "x" : tensor<f64>
  dl.check_finite %y, "x" : tensor<f64>
  return
}

// -----

// A value computed only to be checked is kept with its check.
// KEPT-LABEL: func.func @only_checked
// KEPT: %[[L:.*]] = dl.log %arg0
// KEPT-NEXT: dl.check_finite %[[L]]
func.func @only_checked(%x: tensor<3xf32>) {
  %0 = dl.log %x : tensor<3xf32>
  dl.check_finite %0, "the result of dl.log" : tensor<3xf32>
  return
}
