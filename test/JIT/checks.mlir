// RUN: dl-jit-test %s -e check -arg "i1[]=1" | FileCheck %s --check-prefix=PASS
// RUN: not dl-jit-test %s -e check -arg "i1[]=0" | FileCheck %s --check-prefix=FAIL

// PASS: result 0: i1[] = [1]
// A failed dl.assert calls dlrt_fail with its location and message, printed
// as written.
// FAIL: dlrt_fail: {{.*}}checks.mlir:[[@LINE+3]]:3: the condition (100%) must hold
func.func @check(%c: tensor<i1>) -> tensor<i1> attributes {dl.entry} {
  %x = tensor.extract %c[] : tensor<i1>
  dl.assert %x, "the condition (100%) must hold"
  return %c : tensor<i1>
}
