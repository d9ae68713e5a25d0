//===- Run.cpp - dlc run --------------------------------------------------===//
//
// Compiles one entry point (and its parameter initializer) with the CPU
// pipeline, adds it to the JIT, binds its arguments (inputs from .npy/.npz
// files, parameters from --params or from their initializers), calls it
// through the runtime (dl_invoke) and prints or saves the results.
//
//===----------------------------------------------------------------------===//

#include "Arguments.h"
#include "Session.h"

#include "dl/Dialect/Attributes.h"
#include "dl/JIT/JIT.h"
#include "dl/Support/TensorFormat.h"
#include "dl/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace dl;

int dl::runCommand(const DriverOptions &options) {
  Session session(options);
  if (!session.load())
    return 1;
  std::string entryName = session.chooseEntry();
  if (entryName.empty())
    return 1;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      session.frontend.emit({entryName});
  if (!module)
    return 1;

  // Signatures come from the dl-level functions, before lowering.
  Compiled entry, init;
  auto func = module->lookupSymbol<mlir::func::FuncOp>(entryName);
  std::string error;
  if (!func || !entry.signature.build(func, error))
    return fail("cannot call '" + entryName + "': " + error);
  std::string initName;
  if (auto attr = func->getAttrOfType<mlir::StringAttr>(attrs::kInit)) {
    initName = attr.str();
    auto initFunc = module->lookupSymbol<mlir::func::FuncOp>(initName);
    if (!initFunc || !init.signature.build(initFunc, error))
      return fail("cannot call the initializer of '" + entryName +
                  "': " + error);
  }

  if (!session.lower(*module, EmitKind::LLVMDialect))
    return 1;
  llvm::Expected<std::unique_ptr<JIT>> jit = JIT::create();
  if (!jit)
    return fail(llvm::toString(jit.takeError()));
  if (llvm::Error e = (*jit)->addModule(*module))
    return fail(llvm::toString(std::move(e)));
  if (!lookupEntry(**jit, entryName, entry) ||
      (!initName.empty() && !lookupEntry(**jit, initName, init)))
    return 1;

  ArgumentBinder binder;
  std::vector<dl_tensor> args;
  if (!binder.bind(options, entryName, entry, init, /*allowMissing=*/false) ||
      !binder.arguments(entryName, entry, args))
    return 1;

  std::deque<OwnedTensor> results;
  if (!invoke(entry, args, results))
    return 1;

  // Outputs: printed, and saved where asked.
  auto resultIndex = [&](llvm::StringRef name) -> int {
    unsigned index;
    if (name == "result" && results.size() == 1)
      return 0;
    name.consume_front("arr_");
    if (!name.getAsInteger(10, index) && index < results.size())
      return index;
    return -1;
  };
  for (const std::string &binding : options.outputs) {
    auto [name, file] = llvm::StringRef(binding).split('=');
    if (name.empty() || file.empty())
      return fail("--output expects NAME=FILE, got '" + binding + "'");
    int index = resultIndex(name);
    if (index < 0)
      return fail("'" + entryName + "' has " + llvm::Twine(results.size()) +
                  " results: --output takes their index (0, 1, ...) or "
                  "'result' when there is one, not '" +
                  name + "'");
    if (dl_npy_write(file.str().c_str(), &results[index].tensor) != DL_OK)
      return fail(llvm::Twine(dl_last_error()));
  }
  if (!options.outputsArchive.empty()) {
    std::vector<std::string> names;
    std::vector<const char *> namePointers;
    std::vector<const dl_tensor *> tensors;
    for (size_t i = 0; i < results.size(); ++i)
      names.push_back("arr_" + std::to_string(i));
    for (size_t i = 0; i < results.size(); ++i) {
      namePointers.push_back(names[i].c_str());
      tensors.push_back(&results[i].tensor);
    }
    if (dl_npz_write(options.outputsArchive.c_str(), results.size(),
                     namePointers.data(), tensors.data()) != DL_OK)
      return fail(llvm::Twine(dl_last_error()));
  }
  if (!options.quiet) {
    for (size_t i = 0; i < results.size(); ++i) {
      const dl_tensor &t = results[i].tensor;
      if (results.size() > 1)
        llvm::outs() << "result " << i << ": ";
      llvm::outs() << formatTensorType(t) << "\n" << formatTensor(t) << "\n";
    }
  }
  return 0;
}
