//===- Codegen.h - LLVM IR and native code for the host ---------*- C++ -*-===//
//
// From a module in the LLVM dialect (the output of dl-cpu-pipeline) to
// optimized LLVM IR, assembly or an object file for the host CPU, with its
// real features (AVX-512 where present). The JIT, `dlc --emit=llvm-ir`,
// `--emit=asm` and object/.so emission share these.
//
//===----------------------------------------------------------------------===//
#ifndef DL_JIT_CODEGEN_H
#define DL_JIT_CODEGEN_H

#include "mlir/IR/BuiltinOps.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace dl {

/// Initializes the native target, its assembly printer and parser (once).
void initializeNativeTarget();

/// A target machine for the host: its triple, CPU name
/// (llvm::sys::getHostCPUName) and features (llvm::sys::getHostCPUFeatures),
/// generating position-independent code (small code model) at `optLevel`
/// (0 to 3), for assembly and object files.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createHostTargetMachine(unsigned optLevel = 3);

/// The same for another CPU of the host's architecture: `cpu` (an LLVM CPU
/// name, "skylake-avx512"; empty for the host's) and `features` ("+avx2,
/// -avx512f", added to the CPU's own; the host's when both are empty).
/// Unknown CPU names and features are errors.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef cpu, llvm::StringRef features,
                    unsigned optLevel = 3);

/// Translates an LLVM-dialect module to LLVM IR in `context`, with the
/// triple and data layout of `targetMachine`, and optimizes it with LLVM's
/// default pipeline at `optLevel` (0 to 3), tuned for that target.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &context,
                     llvm::TargetMachine &targetMachine, unsigned optLevel = 3);

/// Writes native assembly (`--emit=asm`) or an object file for `module`,
/// which must have been translated for `targetMachine`.
llvm::Error emitAssembly(llvm::Module &module,
                         llvm::TargetMachine &targetMachine,
                         llvm::raw_pwrite_stream &os);
llvm::Error emitObject(llvm::Module &module, llvm::TargetMachine &targetMachine,
                       llvm::raw_pwrite_stream &os);
llvm::Error emitObjectFile(llvm::Module &module,
                           llvm::TargetMachine &targetMachine,
                           llvm::StringRef path);

} // namespace dl

#endif // DL_JIT_CODEGEN_H
