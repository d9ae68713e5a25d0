//===- Run.cpp - dlc run --------------------------------------------------===//
//
// Compiles one entry point (and its parameter initializer) with the CPU
// pipeline, adds it to the JIT, binds its arguments (inputs from .npy/.npz
// files, parameters from --params or from their initializers), calls it
// through the runtime (dl_invoke) and prints or saves the results.
//
//===----------------------------------------------------------------------===//

#include "Session.h"
#include "Signature.h"

#include "dl/Dialect/Attributes.h"
#include "dl/JIT/JIT.h"
#include "dl/Support/TensorFormat.h"
#include "dl/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>
#include <map>

using namespace dl;

namespace {
/// A tensor whose memory the runtime gave us.
struct OwnedTensor {
  dl_tensor tensor{};
  OwnedTensor() = default;
  OwnedTensor(const OwnedTensor &) = delete;
  ~OwnedTensor() { dl_tensor_free(&tensor); }
};

struct NpzArchive {
  dl_npz *npz = nullptr;
  ~NpzArchive() { dl_npz_close(npz); }
};

/// A compiled entry point and its signature.
struct Compiled {
  Signature signature;
  dl_packed_fn fn = nullptr;
};

/// Calls `fn` with `args`; results are allocated by the runtime.
bool invoke(const Compiled &entry, const std::vector<dl_tensor> &args,
            std::deque<OwnedTensor> &results) {
  results.resize(entry.signature.results().size());
  std::vector<dl_tensor> out(results.size());
  for (dl_tensor &t : out)
    t.data = nullptr;
  dl_status status = dl_invoke(&entry.signature.get(), entry.fn, args.data(),
                               args.size(), out.data(), out.size());
  if (status != DL_OK) {
    fail(llvm::Twine(dl_last_error()));
    return false;
  }
  for (size_t i = 0; i < out.size(); ++i)
    results[i].tensor = out[i];
  return true;
}

/// Splits "NAME=FILE".
bool splitBinding(llvm::StringRef binding, llvm::StringRef option,
                  std::string &name, std::string &file) {
  auto [n, f] = binding.split('=');
  if (n.empty() || f.empty() || !binding.contains('=')) {
    fail("--" + option + " expects NAME=FILE, got '" + binding + "'");
    return false;
  }
  name = n.str();
  file = f.str();
  return true;
}
} // namespace

static bool lookupEntry(JIT &jit, llvm::StringRef name, Compiled &compiled) {
  llvm::Expected<void *> address = jit.lookup((name + "__dl_packed").str());
  if (!address) {
    fail("cannot find the compiled entry point '" + name +
         "': " + llvm::toString(address.takeError()));
    return false;
  }
  compiled.fn = reinterpret_cast<dl_packed_fn>(*address);
  return true;
}

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

  // Inputs, by argument name.
  const std::vector<dl_value_info> &infos = entry.signature.args();
  llvm::StringSet<> inputNames, paramNames;
  for (const dl_value_info &info : infos)
    (info.role == DL_ROLE_INPUT ? inputNames : paramNames).insert(info.name);
  std::deque<OwnedTensor> owned;
  std::map<std::string, dl_tensor> bound;
  for (const std::string &binding : options.inputs) {
    std::string name, file;
    if (!splitBinding(binding, "input", name, file))
      return 1;
    if (!inputNames.contains(name))
      return fail("'" + entryName + "' has no input named '" + name + "'");
    owned.emplace_back();
    if (dl_npy_read(file.c_str(), &owned.back().tensor) != DL_OK)
      return fail(llvm::Twine(dl_last_error()));
    bound[name] = owned.back().tensor;
  }
  NpzArchive inputsArchive, paramsArchive;
  if (!options.inputsArchive.empty()) {
    if (dl_npz_open(options.inputsArchive.c_str(), &inputsArchive.npz) !=
        DL_OK)
      return fail(llvm::Twine(dl_last_error()));
    for (size_t i = 0, e = dl_npz_count(inputsArchive.npz); i < e; ++i) {
      std::string name = dl_npz_name(inputsArchive.npz, i);
      if (!inputNames.contains(name))
        return fail(options.inputsArchive + " has an array '" + name +
                    "' but '" + entryName + "' has no such input");
      bound.try_emplace(name, *dl_npz_get(inputsArchive.npz, i));
    }
  }
  // Parameters: from --params (every array must name one), else their
  // initializers.
  if (!options.paramsFile.empty()) {
    if (dl_npz_open(options.paramsFile.c_str(), &paramsArchive.npz) != DL_OK)
      return fail(llvm::Twine(dl_last_error()));
    for (size_t i = 0, e = dl_npz_count(paramsArchive.npz); i < e; ++i) {
      std::string name = dl_npz_name(paramsArchive.npz, i);
      if (!paramNames.contains(name)) {
        std::string known;
        for (const dl_value_info &info : infos)
          if (info.role != DL_ROLE_INPUT)
            known += (known.empty() ? "" : ", ") + std::string(info.name);
        return fail(options.paramsFile + " has an array '" + name +
                    "' that is not a parameter of '" + entryName + "'" +
                    (known.empty() ? "" : " (it has " + known + ")"));
      }
      bound[name] = *dl_npz_get(paramsArchive.npz, i);
    }
  }
  bool needInit = false;
  for (const dl_value_info &info : infos)
    needInit |= info.role != DL_ROLE_INPUT && !bound.count(info.name);
  std::deque<OwnedTensor> initial;
  if (needInit && init.fn) {
    if (!invoke(init, {}, initial))
      return 1;
    for (size_t i = 0; i < initial.size(); ++i)
      bound.try_emplace(init.signature.results()[i].name, initial[i].tensor);
  }
  std::vector<dl_tensor> args;
  for (const dl_value_info &info : infos) {
    auto it = bound.find(info.name);
    if (it != bound.end()) {
      args.push_back(it->second);
      continue;
    }
    if (info.role == DL_ROLE_INPUT)
      return fail("missing input '" + std::string(info.name) + "' (" +
                  Signature::format(info) + "); give it with --input " +
                  info.name + "=FILE.npy");
    return fail("the parameter '" + std::string(info.name) + "' (" +
                Signature::format(info) +
                ") has no initializer; give its value with --params "
                "FILE.npz");
  }

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
    std::string name, file;
    if (!splitBinding(binding, "output", name, file))
      return 1;
    int index = resultIndex(name);
    if (index < 0)
      return fail("'" + entryName + "' has " + llvm::Twine(results.size()) +
                  " results: --output takes their index (0, 1, ...) or "
                  "'result' when there is one, not '" +
                  name + "'");
    if (dl_npy_write(file.c_str(), &results[index].tensor) != DL_OK)
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
