// RUN: dl-opt %s --dl-check-numerics --split-input-file | FileCheck %s
// RUN: dl-opt %s --dl-check-numerics="check-all=true" --split-input-file | FileCheck %s --check-prefix=ALL
// Running the pass twice adds nothing.
// RUN: dl-opt %s --dl-check-numerics --dl-check-numerics --split-input-file | FileCheck %s

// A check right after each op producing a floating-point tensor, naming
// the op and its position.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: dl.constant
// CHECK-NEXT: %[[SUB:.*]] = dl.sub
// CHECK-NEXT: dl.check_finite %[[SUB]], "the result of dl.sub at model.dl:12:13" : tensor<?xf32>
// CHECK-NEXT: %[[LOG:.*]] = dl.log %[[SUB]]
// CHECK-NEXT: dl.check_finite %[[LOG]], "the result of dl.log at model.dl:12:9" : tensor<?xf32>
// CHECK-NEXT: %[[MM:.*]] = dl.matmul
// CHECK-NEXT: dl.check_finite %[[MM]], "the result of dl.matmul at model.dl:13:5" : tensor<f32>
// CHECK-NEXT: return
func.func @chain(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<f32>) {
  %one = dl.constant dense<1.0> : tensor<f32>
  %0 = dl.sub %x, %one : tensor<?xf32>, tensor<f32> loc("model.dl":12:13)
  %1 = dl.log %0 : tensor<?xf32> loc("model.dl":12:9)
  %2 = dl.matmul %1, %1 : tensor<?xf32>, tensor<?xf32> -> tensor<f32> loc("model.dl":13:5)
  return %1, %2 : tensor<?xf32>, tensor<f32>
}

// -----

// Integer and boolean results are not checked, nor constants (even
// non-finite ones: their users are), nor non-dl ops.
// CHECK-LABEL: func.func @not_checked
// CHECK-NOT: dl.check_finite
// CHECK: %[[INF:.*]] = dl.constant dense<0x7F800000>
// CHECK-NEXT: %[[MAX:.*]] = dl.max %{{.*}}, %[[INF]]
// CHECK-NEXT: dl.check_finite %[[MAX]], "the result of dl.max at model.dl:4:1"
// CHECK-NOT: dl.check_finite
// CHECK: return
func.func @not_checked(%i: tensor<3xi64>, %f: tensor<3xf32>) -> (tensor<3xi64>, tensor<3xi1>, tensor<i64>, tensor<3xf32>, tensor<3xf32>) {
  %0 = dl.add %i, %i : tensor<3xi64> loc("model.dl":1:1)
  %1 = dl.cmp lt, %f, %f : tensor<3xf32> loc("model.dl":2:1)
  %2 = dl.argmax %f axis = 0 : tensor<3xf32> -> tensor<i64> loc("model.dl":3:1)
  %c = dl.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %inf = dl.constant dense<0x7F800000> : tensor<f32>
  %3 = dl.max %c, %inf : tensor<3xf32>, tensor<f32> loc("model.dl":4:1)
  %e = tensor.empty() : tensor<3xf32>
  return %0, %1, %2, %3, %e : tensor<3xi64>, tensor<3xi1>, tensor<i64>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Ops whose results are finite when their operands are: not checked when
// the operands are known finite (checked, finite constants, or such
// results themselves); checked when an operand comes from an argument, or
// when the op can overflow (narrowing casts, sums), pads with an infinity,
// or reduces a dynamic (maybe empty) extent with max. check-all checks
// them all.
// CHECK-LABEL: func.func @finite_preserving
// CHECK: %[[T0:.*]] = dl.transpose %arg0
// CHECK-NEXT: dl.check_finite %[[T0]], "the result of dl.transpose at model.dl:1:1"
// CHECK-NEXT: %[[E:.*]] = dl.exp %[[T0]]
// CHECK-NEXT: dl.check_finite %[[E]], "the result of dl.exp at model.dl:2:1"
// CHECK-NEXT: dl.transpose %[[E]]
// CHECK-NEXT: dl.reshape
// CHECK-NEXT: dl.neg
// CHECK-NEXT: dl.max
// CHECK-NEXT: dl.cmp
// CHECK-NEXT: dl.select
// CHECK-NEXT: dl.reduce max
// CHECK-NEXT: dl.cast {{.*}} tensor<2x3xf32> to tensor<2x3xf64>
// CHECK-NEXT: dl.pad {{.*}} value 0.000000e+00
// CHECK-NEXT: %[[NARROW:.*]] = dl.cast {{.*}} tensor<2x3xf64> to tensor<2x3xf32>
// CHECK-NEXT: dl.check_finite %[[NARROW]], "the result of dl.cast at model.dl:11:1"
// CHECK-NEXT: %[[PADINF:.*]] = dl.pad {{.*}} value 0x7FF0000000000000
// CHECK-NEXT: dl.check_finite %[[PADINF]], "the result of dl.pad at model.dl:12:1"
// CHECK-NEXT: %[[SUM:.*]] = dl.reduce sum
// CHECK-NEXT: dl.check_finite %[[SUM]], "the result of dl.reduce at model.dl:13:1"
// CHECK-NEXT: %[[ED:.*]] = dl.exp %arg1
// CHECK-NEXT: dl.check_finite %[[ED]], "the result of dl.exp at model.dl:14:1"
// CHECK-NEXT: %[[DYN:.*]] = dl.reduce max %[[ED]]
// CHECK-NEXT: dl.check_finite %[[DYN]], "the result of dl.reduce at model.dl:15:1"
// CHECK-NEXT: dl.reduce max
// CHECK-NEXT: dl.cast {{.*}} tensor<2x3xi1> to tensor<2x3xf32>
// CHECK-NEXT: dl.one_hot
// CHECK-NEXT: return
// ALL-LABEL: func.func @finite_preserving
// ALL-COUNT-18: dl.check_finite
// ALL-NEXT: return
func.func @finite_preserving(%x: tensor<3x2xf32>, %d: tensor<?xf32>, %l: tensor<4xi64>) -> (tensor<6xf32>, tensor<2x3xf32>, tensor<f32>, tensor<2x3xf64>, tensor<2x5xf64>, tensor<2x3xf32>, tensor<2x5xf64>, tensor<f32>, tensor<f32>, tensor<2x3xf32>, tensor<4x3xf32>) {
  %zero = dl.constant dense<0.0> : tensor<f32>
  %t = dl.transpose %x [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32> loc("model.dl":1:1)
  %e = dl.exp %t : tensor<2x3xf32> loc("model.dl":2:1)
  %t2 = dl.transpose %e [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32> loc("model.dl":3:1)
  %r = dl.reshape %t2 : tensor<3x2xf32> -> tensor<6xf32> loc("model.dl":4:1)
  %n = dl.neg %r : tensor<6xf32> loc("model.dl":5:1)
  %m = dl.max %n, %zero : tensor<6xf32>, tensor<f32> loc("model.dl":6:1)
  %c = dl.cmp lt, %e, %zero : tensor<2x3xf32>, tensor<f32>
  %s = dl.select %c, %e, %zero : tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32> loc("model.dl":7:1)
  %rm = dl.reduce max %s [1] : tensor<2x3xf32> -> tensor<2xf32> loc("model.dl":8:1)
  %w = dl.cast %s : tensor<2x3xf32> to tensor<2x3xf64> loc("model.dl":9:1)
  %p = dl.pad %w low [0, 1] high [0, 1] value 0.0 : f64 : tensor<2x3xf64> -> tensor<2x5xf64> loc("model.dl":10:1)
  %narrow = dl.cast %w : tensor<2x3xf64> to tensor<2x3xf32> loc("model.dl":11:1)
  %pinf = dl.pad %w low [0, 1] high [0, 1] value 0x7FF0000000000000 : f64 : tensor<2x3xf64> -> tensor<2x5xf64> loc("model.dl":12:1)
  %sum = dl.reduce sum %m [0] : tensor<6xf32> -> tensor<f32> loc("model.dl":13:1)
  %ed = dl.exp %d : tensor<?xf32> loc("model.dl":14:1)
  %dyn = dl.reduce max %ed [0] : tensor<?xf32> -> tensor<f32> loc("model.dl":15:1)
  %last = dl.reduce max %rm [0] : tensor<2xf32> -> tensor<f32>
  %fromBool = dl.cast %c : tensor<2x3xi1> to tensor<2x3xf32>
  %hot = dl.one_hot %l classes = 3 : tensor<4xi64> -> tensor<4x3xf32>
  return %m, %s, %last, %w, %p, %narrow, %pinf, %sum, %dyn, %fromBool, %hot : tensor<6xf32>, tensor<2x3xf32>, tensor<f32>, tensor<2x3xf64>, tensor<2x5xf64>, tensor<2x3xf32>, tensor<2x5xf64>, tensor<f32>, tensor<f32>, tensor<2x3xf32>, tensor<4x3xf32>
}

// -----

// Locations: calls elaborated by the front end (CallSiteLoc whose caller is
// NameLoc(callee, call site)), nested calls, calls inlined from IR (no
// name), labels of derivatives (a NameLoc on the op's own position), fused
// locations and unknown ones.
// CHECK-LABEL: func.func @locations
// CHECK: "the result of dl.exp at nn.dl:3:12, in the call to gelu at model.dl:7:5"
// CHECK: "the result of dl.exp at nn.dl:3:12, in the call to gelu at nn.dl:20:3, in the call to Block.forward at model.dl:9:8"
// CHECK: "the result of dl.exp at nn.dl:3:12, called from model.dl:10:1"
// CHECK: "the result of dl.div (derivative of dl.sqrt) at model.dl:2:10, in the call to f at model.dl:5:10"
// CHECK: "the result of dl.exp at model.dl:4:4"
// CHECK: "the result of dl.exp"
// CHECK: "the result of dl.exp at {{.*}}check-numerics.mlir:[[@LINE+10]]:8"
func.func @locations(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = dl.exp %x : tensor<4xf32> loc(callsite("nn.dl":3:12 at "gelu"("model.dl":7:5)))
  %1 = dl.exp %x : tensor<4xf32> loc(callsite("nn.dl":3:12 at "gelu"(callsite("nn.dl":20:3 at "Block.forward"("model.dl":9:8)))))
  %2 = dl.exp %x : tensor<4xf32> loc(callsite("nn.dl":3:12 at "model.dl":10:1))
  // A derivative inlined at the grad that also elaborated the primal at
  // the same position: one call.
  %3 = dl.div %x, %x : tensor<4xf32> loc(callsite("derivative of dl.sqrt"(callsite("model.dl":2:10 at "f"("model.dl":5:10))) at "model.dl":5:10))
  %4 = dl.exp %x : tensor<4xf32> loc(fused["model.dl":4:4, "other.dl":1:1])
  %5 = dl.exp %x : tensor<4xf32> loc(unknown)
  %6 = dl.exp %x : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Deep call chains are cut after 8 calls.
// CHECK-LABEL: func.func @deep
// CHECK: "the result of dl.exp at a.dl:1:1, called from a.dl:2:1, called from a.dl:3:1, called from a.dl:4:1, called from a.dl:5:1, called from a.dl:6:1, called from a.dl:7:1, called from a.dl:8:1, called from a.dl:9:1, ..."
func.func @deep(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dl.exp %x : tensor<4xf32> loc(callsite("a.dl":1:1 at callsite("a.dl":2:1 at callsite("a.dl":3:1 at callsite("a.dl":4:1 at callsite("a.dl":5:1 at callsite("a.dl":6:1 at callsite("a.dl":7:1 at callsite("a.dl":8:1 at callsite("a.dl":9:1 at "a.dl":10:1))))))))))
  return %0 : tensor<4xf32>
}

// -----

// Several results: each is named by its number.
// CHECK-LABEL: func.func @several_results
// CHECK: %[[G:.*]]:2 = dl.grad @square
// CHECK-NEXT: dl.check_finite %[[G]]#0, "result 0 of dl.grad at model.dl:3:3"
// CHECK-NEXT: dl.check_finite %[[G]]#1, "result 1 of dl.grad at model.dl:3:3"
func.func private @square(%x: tensor<f32>) -> tensor<f32> {
  %0 = dl.mul %x, %x : tensor<f32>
  return %0 : tensor<f32>
}
func.func @several_results(%x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %0:2 = dl.grad @square(%x) wrt [0] with_value : (tensor<f32>) -> (tensor<f32>, tensor<f32>) loc("model.dl":3:3)
  return %0#0, %0#1 : tensor<f32>, tensor<f32>
}
