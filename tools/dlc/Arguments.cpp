//===- Arguments.cpp - compiled entry points and their arguments ----------===//

#include "Arguments.h"
#include "Session.h"

#include "llvm/ADT/StringSet.h"

using namespace dl;

bool dl::lookupEntry(JIT &jit, llvm::StringRef name, Compiled &compiled) {
  llvm::Expected<void *> address = jit.lookup((name + "__dl_packed").str());
  if (!address) {
    fail("cannot find the compiled entry point '" + name +
         "': " + llvm::toString(address.takeError()));
    return false;
  }
  compiled.fn = reinterpret_cast<dl_packed_fn>(*address);
  return true;
}

bool dl::invoke(const Compiled &entry, const std::vector<dl_tensor> &args,
                std::deque<OwnedTensor> &results) {
  results.clear();
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
static bool splitBinding(llvm::StringRef binding, llvm::StringRef option,
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

ArgumentBinder::~ArgumentBinder() {
  for (dl_npz *npz : archives)
    dl_npz_close(npz);
}

const dl_tensor *ArgumentBinder::find(const std::string &name) const {
  auto it = bound.find(name);
  return it == bound.end() ? nullptr : &it->second;
}

bool ArgumentBinder::bind(const DriverOptions &options,
                          const std::string &entryName, const Compiled &entry,
                          const Compiled &init, bool allowMissing) {
  const std::vector<dl_value_info> &infos = entry.signature.args();
  llvm::StringSet<> inputNames, paramNames;
  for (const dl_value_info &info : infos)
    (info.role == DL_ROLE_INPUT ? inputNames : paramNames).insert(info.name);
  // Inputs, by argument name.
  for (const std::string &binding : options.inputs) {
    std::string name, file;
    if (!splitBinding(binding, "input", name, file))
      return false;
    if (!inputNames.contains(name)) {
      fail("'" + entryName + "' has no input named '" + name + "'");
      return false;
    }
    owned.emplace_back();
    if (dl_npy_read(file.c_str(), &owned.back().tensor) != DL_OK) {
      fail(llvm::Twine(dl_last_error()));
      return false;
    }
    bound[name] = owned.back().tensor;
  }
  auto openArchive = [&](const std::string &path) -> dl_npz * {
    dl_npz *npz = nullptr;
    if (dl_npz_open(path.c_str(), &npz) != DL_OK) {
      fail(llvm::Twine(dl_last_error()));
      return nullptr;
    }
    archives.push_back(npz);
    return npz;
  };
  if (!options.inputsArchive.empty()) {
    dl_npz *npz = openArchive(options.inputsArchive);
    if (!npz)
      return false;
    for (size_t i = 0, e = dl_npz_count(npz); i < e; ++i) {
      std::string name = dl_npz_name(npz, i);
      if (!inputNames.contains(name)) {
        fail(options.inputsArchive + " has an array '" + name + "' but '" +
             entryName + "' has no such input");
        return false;
      }
      bound.try_emplace(name, *dl_npz_get(npz, i));
    }
  }
  // Parameters: from --params (every array must name one), else their
  // initializers.
  if (!options.paramsFile.empty()) {
    dl_npz *npz = openArchive(options.paramsFile);
    if (!npz)
      return false;
    for (size_t i = 0, e = dl_npz_count(npz); i < e; ++i) {
      std::string name = dl_npz_name(npz, i);
      if (!paramNames.contains(name)) {
        std::string known;
        for (const dl_value_info &info : infos)
          if (info.role != DL_ROLE_INPUT)
            known += (known.empty() ? "" : ", ") + std::string(info.name);
        fail(options.paramsFile + " has an array '" + name +
             "' that is not a parameter of '" + entryName + "'" +
             (known.empty() ? "" : " (it has " + known + ")"));
        return false;
      }
      bound[name] = *dl_npz_get(npz, i);
    }
  }
  bool needInit = false;
  for (const dl_value_info &info : infos)
    needInit |= info.role != DL_ROLE_INPUT && !bound.count(info.name);
  if (needInit && init.fn) {
    if (!invoke(init, {}, initial))
      return false;
    for (size_t i = 0; i < initial.size(); ++i)
      bound.try_emplace(init.signature.results()[i].name, initial[i].tensor);
  }
  if (allowMissing)
    return true;
  std::vector<dl_tensor> unused;
  return arguments(entryName, entry, unused);
}

bool ArgumentBinder::arguments(const std::string &entryName,
                               const Compiled &entry,
                               std::vector<dl_tensor> &args) const {
  args.clear();
  for (const dl_value_info &info : entry.signature.args()) {
    auto it = bound.find(info.name);
    if (it != bound.end()) {
      args.push_back(it->second);
      continue;
    }
    if (info.role == DL_ROLE_INPUT)
      fail("missing input '" + std::string(info.name) + "' (" +
           Signature::format(info) + "); give it with --input " + info.name +
           "=FILE.npy");
    else
      fail("the parameter '" + std::string(info.name) + "' (" +
           Signature::format(info) +
           ") has no initializer; give its value with --params FILE.npz");
    return false;
  }
  return true;
}
