//===- JIT.h - the dl just-in-time compiler ---------------------*- C++ -*-===//
//
// Compiles LLVM-dialect modules (the output of dl-cpu-pipeline) to native
// code in the running process, one module at a time, so that a REPL can add
// a module per line typed. Built on ORC's LLJIT. Undefined symbols (the
// runtime's dlrt_fail and _mlir_memref_to_llvm_alloc/free, libm) are looked
// up first among JITOptions::symbols, then in the host process.
//
//===----------------------------------------------------------------------===//
#ifndef DL_JIT_JIT_H
#define DL_JIT_JIT_H

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace dl {

struct JITOptions {
  /// LLVM optimization and code generation level, 0 to 3.
  unsigned optLevel = 3;
  /// Symbols defined before the host process is searched (for example
  /// stand-ins for runtime functions in tests).
  llvm::StringMap<void *> symbols;
  /// Whether undefined symbols are looked up in the host process (the
  /// runtime library linked into it, libm).
  bool searchHostProcess = true;
};

class JIT {
public:
  static llvm::Expected<std::unique_ptr<JIT>>
  create(const JITOptions &options = {});
  ~JIT();

  /// Translates, optimizes and adds a module in the LLVM dialect. Its
  /// symbols are visible to modules added later.
  llvm::Error addModule(mlir::ModuleOp llvmDialectModule);

  /// The address of a function or global of an added module, by its
  /// symbol name (e.g. "MLP.forward__dl_packed").
  llvm::Expected<void *> lookup(llvm::StringRef name);

private:
  JIT(std::unique_ptr<llvm::orc::LLJIT> jit,
      std::unique_ptr<llvm::TargetMachine> targetMachine, unsigned optLevel);

  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::unique_ptr<llvm::TargetMachine> targetMachine;
  unsigned optLevel;
};

} // namespace dl

#endif // DL_JIT_JIT_H
