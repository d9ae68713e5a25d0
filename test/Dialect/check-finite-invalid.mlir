// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @integer_tensor(%x: tensor<3xi64>) {
  // expected-error @+1 {{operand #0 must be}}
  "dl.check_finite"(%x) {message = "x"} : (tensor<3xi64>) -> ()
  return
}

// -----

func.func @empty_message(%x: tensor<3xf32>) {
  // expected-error @+1 {{'dl.check_finite' op needs a message saying which value is checked}}
  dl.check_finite %x, "" : tensor<3xf32>
  return
}

// -----

func.func @nul_in_message(%x: tensor<3xf32>) {
  // expected-error @+1 {{'dl.check_finite' op message must not contain a NUL character}}
  dl.check_finite %x, "a\00b" : tensor<3xf32>
  return
}

// -----

func.func @no_message(%x: tensor<3xf32>) {
  // expected-error @+1 {{requires attribute 'message'}}
  "dl.check_finite"(%x) : (tensor<3xf32>) -> ()
  return
}
