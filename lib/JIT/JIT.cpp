//===- JIT.cpp - the dl just-in-time compiler -----------------------------===//

#include "dl/JIT/JIT.h"

#include "dl/JIT/Codegen.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"

using namespace llvm;

namespace dl {

JIT::JIT(std::unique_ptr<orc::LLJIT> jit,
         std::unique_ptr<TargetMachine> targetMachine, unsigned optLevel)
    : jit(std::move(jit)), targetMachine(std::move(targetMachine)),
      optLevel(optLevel) {}

JIT::~JIT() = default;

Expected<std::unique_ptr<JIT>> JIT::create(const JITOptions &options) {
  initializeNativeTarget();
  Expected<orc::JITTargetMachineBuilder> machineBuilder =
      orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  machineBuilder->setCodeGenOptLevel(options.optLevel == 0
                                         ? CodeGenOptLevel::None
                                         : CodeGenOptLevel::Aggressive);
  // The same machine optimizes the IR (translateAndOptimize) and generates
  // code (LLJIT), so both see the host CPU and its features.
  Expected<std::unique_ptr<TargetMachine>> targetMachine =
      machineBuilder->createTargetMachine();
  if (!targetMachine)
    return targetMachine.takeError();
  Expected<std::unique_ptr<orc::LLJIT>> jit =
      orc::LLJITBuilder().setJITTargetMachineBuilder(*machineBuilder).create();
  if (!jit)
    return jit.takeError();

  orc::JITDylib &main = (*jit)->getMainJITDylib();
  orc::SymbolMap symbols;
  for (const auto &entry : options.symbols)
    symbols[(*jit)->mangleAndIntern(entry.getKey())] = {
        orc::ExecutorAddr::fromPtr(entry.getValue()),
        JITSymbolFlags::Exported | JITSymbolFlags::Callable};
  if (!symbols.empty())
    if (Error error = main.define(orc::absoluteSymbols(std::move(symbols))))
      return std::move(error);
  if (options.searchHostProcess) {
    auto process = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
        (*jit)->getDataLayout().getGlobalPrefix());
    if (!process)
      return process.takeError();
    main.addGenerator(std::move(*process));
  }
  return std::unique_ptr<JIT>(
      new JIT(std::move(*jit), std::move(*targetMachine), options.optLevel));
}

Error JIT::addModule(mlir::ModuleOp llvmDialectModule) {
  auto context = std::make_unique<LLVMContext>();
  Expected<std::unique_ptr<Module>> module = translateAndOptimize(
      llvmDialectModule, *context, *targetMachine, optLevel);
  if (!module)
    return module.takeError();
  return jit->addIRModule(
      orc::ThreadSafeModule(std::move(*module), std::move(context)));
}

Expected<void *> JIT::lookup(StringRef name) {
  Expected<orc::ExecutorAddr> address = jit->lookup(name);
  if (!address)
    return address.takeError();
  return address->toPtr<void *>();
}

} // namespace dl
