//===- Codegen.cpp - LLVM IR and native code for the host -----------------===//

#include "dl/JIT/Codegen.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

using namespace llvm;

namespace dl {

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    InitializeNativeTargetAsmParser();
  });
}

static CodeGenOptLevel toCodeGenOptLevel(unsigned level) {
  switch (level) {
  case 0:
    return CodeGenOptLevel::None;
  case 1:
    return CodeGenOptLevel::Less;
  case 2:
    return CodeGenOptLevel::Default;
  default:
    return CodeGenOptLevel::Aggressive;
  }
}

static OptimizationLevel toOptimizationLevel(unsigned level) {
  switch (level) {
  case 0:
    return OptimizationLevel::O0;
  case 1:
    return OptimizationLevel::O1;
  case 2:
    return OptimizationLevel::O2;
  default:
    return OptimizationLevel::O3;
  }
}

Expected<std::unique_ptr<TargetMachine>>
createHostTargetMachine(unsigned optLevel) {
  initializeNativeTarget();
  // detectHost fills the triple, sys::getHostCPUName and the features of
  // sys::getHostCPUFeatures.
  Expected<orc::JITTargetMachineBuilder> builder =
      orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(toCodeGenOptLevel(optLevel));
  // Position-independent code of the small code model, as object files that
  // become shared libraries need (the JIT builder's default is the large
  // code model).
  builder->setRelocationModel(Reloc::PIC_);
  builder->setCodeModel(CodeModel::Small);
  return builder->createTargetMachine();
}

Expected<std::unique_ptr<TargetMachine>>
createTargetMachine(StringRef cpu, StringRef features, unsigned optLevel) {
  if (cpu.empty() && features.empty())
    return createHostTargetMachine(optLevel);
  initializeNativeTarget();
  Expected<orc::JITTargetMachineBuilder> builder =
      orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  std::string error;
  const Target *target =
      TargetRegistry::lookupTarget(builder->getTargetTriple(), error);
  if (!target)
    return createStringError(inconvertibleErrorCode(), error);
  std::unique_ptr<MCSubtargetInfo> info(target->createMCSubtargetInfo(
      builder->getTargetTriple(), "", ""));
  if (!cpu.empty() && !info->isCPUStringValid(cpu))
    return createStringError(
        inconvertibleErrorCode(),
        "unknown CPU '" + cpu + "' for " +
            builder->getTargetTriple().str() +
            " (llc-22 -mtriple=x86_64 -mcpu=help lists them)");
  SubtargetFeatures list;
  SmallVector<StringRef> parts;
  features.split(parts, ',', -1, false);
  for (StringRef part : parts) {
    part = part.trim();
    StringRef name = part;
    if (!name.consume_front("+") && !name.consume_front("-"))
      return createStringError(inconvertibleErrorCode(),
                               "a feature is '+NAME' or '-NAME', not '" +
                                   part + "'");
    if (!llvm::any_of(info->getAllProcessorFeatures(),
                      [&](const SubtargetFeatureKV &kv) {
                        return name == kv.Key;
                      }))
      return createStringError(
          inconvertibleErrorCode(),
          "unknown CPU feature '" + name + "' (llc-22 -mtriple=x86_64 "
          "-mattr=help lists them)");
    list.AddFeature(part);
  }
  // Another CPU starts from its own features, the host from the host's.
  if (!cpu.empty()) {
    builder->setCPU(cpu.str());
    builder->getFeatures() = SubtargetFeatures();
  }
  builder->addFeatures(list.getFeatures());
  builder->setCodeGenOptLevel(toCodeGenOptLevel(optLevel));
  builder->setRelocationModel(Reloc::PIC_);
  builder->setCodeModel(CodeModel::Small);
  return builder->createTargetMachine();
}

Expected<std::unique_ptr<Module>>
translateAndOptimize(mlir::ModuleOp module, LLVMContext &context,
                     TargetMachine &targetMachine, unsigned optLevel) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);

  std::unique_ptr<Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return createStringError(inconvertibleErrorCode(),
                             "cannot translate the module to LLVM IR");
  llvmModule->setTargetTriple(targetMachine.getTargetTriple());
  llvmModule->setDataLayout(targetMachine.createDataLayout());
  // Every function is compiled for the host CPU and its features, as the
  // target machine is, so that the vectorizers use them.
  StringRef cpu = targetMachine.getTargetCPU();
  StringRef features = targetMachine.getTargetFeatureString();
  for (Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", cpu);
    if (!features.empty())
      function.addFnAttr("target-features", features);
  }

  LoopAnalysisManager loopAnalyses;
  FunctionAnalysisManager functionAnalyses;
  CGSCCAnalysisManager cgsccAnalyses;
  ModuleAnalysisManager moduleAnalyses;
  PassBuilder passBuilder(&targetMachine);
  passBuilder.registerModuleAnalyses(moduleAnalyses);
  passBuilder.registerCGSCCAnalyses(cgsccAnalyses);
  passBuilder.registerFunctionAnalyses(functionAnalyses);
  passBuilder.registerLoopAnalyses(loopAnalyses);
  passBuilder.crossRegisterProxies(loopAnalyses, functionAnalyses,
                                   cgsccAnalyses, moduleAnalyses);
  ModulePassManager passes =
      optLevel == 0 ? passBuilder.buildO0DefaultPipeline(OptimizationLevel::O0)
                    : passBuilder.buildPerModuleDefaultPipeline(
                          toOptimizationLevel(optLevel));
  passes.run(*llvmModule, moduleAnalyses);
  return llvmModule;
}

static Error emitFile(Module &module, TargetMachine &targetMachine,
                      raw_pwrite_stream &os, CodeGenFileType type) {
  legacy::PassManager passes;
  if (targetMachine.addPassesToEmitFile(passes, os, nullptr, type))
    return createStringError(inconvertibleErrorCode(),
                             "the target cannot emit this kind of file");
  passes.run(module);
  return Error::success();
}

Error emitAssembly(Module &module, TargetMachine &targetMachine,
                   raw_pwrite_stream &os) {
  return emitFile(module, targetMachine, os, CodeGenFileType::AssemblyFile);
}

Error emitObject(Module &module, TargetMachine &targetMachine,
                 raw_pwrite_stream &os) {
  return emitFile(module, targetMachine, os, CodeGenFileType::ObjectFile);
}

Error emitObjectFile(Module &module, TargetMachine &targetMachine,
                     StringRef path) {
  std::error_code error;
  raw_fd_ostream os(path, error, sys::fs::OF_None);
  if (error)
    return createStringError(error,
                             "cannot write " + path + ": " + error.message());
  return emitObject(module, targetMachine, os);
}

} // namespace dl
