// RUN: dl-opt %s --dl-emit-entry-points -verify-diagnostics

// Without its C interface wrapper an entry point cannot be packed.
// expected-error @+1 {{entry point 'f' has no C interface wrapper _mlir_ciface_f (run dl-prepare-entry-points before convert-func-to-llvm)}}
llvm.func @f() attributes {dl.entry} {
  llvm.return
}
