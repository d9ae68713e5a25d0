//===- Arguments.cpp - compiled entry points and their arguments ----------===//

#include "Arguments.h"
#include "Session.h"

#include "dl/Support/TensorFormat.h"
#include "dl/data.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"

#include <set>

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

void dl::splitFileSelector(llvm::StringRef text, std::string &file,
                       std::string &selector) {
  // The file is the whole text when it exists, else the shortest prefix
  // before a ':' that exists, so that selectors may contain ':' ("0:4").
  file = text.str();
  selector.clear();
  if (llvm::sys::fs::exists(file))
    return;
  for (size_t colon = text.find(':'); colon != llvm::StringRef::npos;
       colon = text.find(':', colon + 1)) {
    if (llvm::sys::fs::exists(text.take_front(colon))) {
      file = text.take_front(colon).str();
      selector = text.drop_front(colon + 1).str();
      return;
    }
  }
  if (text.contains(':')) {
    // Nothing exists: report the part before the first ':'.
    file = text.split(':').first.str();
    selector = text.split(':').second.str();
  }
}

ArgumentBinder::~ArgumentBinder() {
  for (dl_npz *npz : archives)
    dl_npz_close(npz);
  for (dl_checkpoint *checkpoint : checkpoints)
    dl_checkpoint_close(checkpoint);
}

/// A checkpoint's tensor that belongs to a model (not an optimizer slot or
/// the trainer's bookkeeping, whose names have ':').
static bool isModelTensor(const dl_checkpoint *ck, size_t i) {
  dl_checkpoint_role role = dl_checkpoint_role_at(ck, i);
  return (role == DL_CHECKPOINT_PARAM || role == DL_CHECKPOINT_STATE) &&
         !llvm::StringRef(dl_checkpoint_name(ck, i)).contains(':');
}

/// Parameters and state from a training checkpoint (dlc run --checkpoint),
/// by name; a method of a model class (`Net.forward`, whose parameters are
/// `w1`, ...) finds them under the one instance path that has them all
/// (`net.w1`). Inputs are preprocessed with the statistics the training
/// kept ("data:NAME:shift", "data:NAME:divisor").
bool ArgumentBinder::bindCheckpoint(const std::string &path,
                                    const std::string &entryName,
                                    const std::vector<dl_value_info> &infos) {
  dl_checkpoint *ck = nullptr;
  if (dl_checkpoint_open(path.c_str(), &ck) != DL_OK) {
    fail(llvm::Twine(dl_last_error()));
    return false;
  }
  checkpoints.push_back(ck);
  std::vector<std::string> modelNames;
  for (size_t i = 0, e = dl_checkpoint_count(ck); i < e; ++i)
    if (isModelTensor(ck, i))
      modelNames.push_back(dl_checkpoint_name(ck, i));
  // Names not in the checkpoint as they are: the prefixes under which the
  // checkpoint has each of them.
  std::vector<const dl_value_info *> wanted, missing;
  for (const dl_value_info &info : infos)
    if ((info.role == DL_ROLE_PARAM || info.role == DL_ROLE_STATE) &&
        !bound.count(info.name))
      wanted.push_back(&info);
  for (const dl_value_info *info : wanted)
    if (dl_checkpoint_find(ck, info->name) < 0)
      missing.push_back(info);
  std::string prefix;
  if (!missing.empty()) {
    std::set<std::string> common;
    for (size_t k = 0; k < missing.size(); ++k) {
      std::set<std::string> prefixes;
      std::string suffix = std::string(".") + missing[k]->name;
      for (const std::string &name : modelNames)
        if (llvm::StringRef(name).ends_with(suffix))
          prefixes.insert(name.substr(0, name.size() - suffix.size()));
      if (k == 0) {
        common = prefixes;
        continue;
      }
      std::set<std::string> both;
      for (const std::string &p : prefixes)
        if (common.count(p))
          both.insert(p);
      common = both;
    }
    if (common.size() > 1) {
      fail(path + " has the parameters of '" + entryName +
           "' under several names (" +
           llvm::join(std::vector<std::string>(common.begin(), common.end()),
                      ", ") +
           "); run the entry point of one instance, such as '" +
           *common.begin() + "." +
           llvm::StringRef(entryName).rsplit('.').second + "'");
      return false;
    }
    if (common.empty()) {
      const dl_value_info *info = missing.front();
      fail(path + " has no " +
           (info->role == DL_ROLE_PARAM ? "parameter" : "state tensor") +
           " '" + info->name + "' for '" + entryName + "'" +
           (modelNames.empty() ? std::string()
                               : " (it has " + llvm::join(modelNames, ", ") +
                                     ")"));
      return false;
    }
    prefix = *common.begin() + ".";
  }
  for (const dl_value_info *info : wanted) {
    std::string name = info->name;
    int64_t i = dl_checkpoint_find(ck, name.c_str());
    if (i < 0) {
      name = prefix + name;
      i = dl_checkpoint_find(ck, name.c_str());
    }
    const dl_tensor *t = dl_checkpoint_tensor(ck, size_t(i));
    bool fits = t->dtype == info->dtype && t->rank == info->rank;
    for (int32_t d = 0; fits && d < t->rank; ++d)
      fits = info->dims[d].size < 0 || info->dims[d].size == t->shape[d];
    if (!fits) {
      fail(path + ": '" + name + "' is " +
           formatTensorType(*t) + ", but '" + entryName + "' takes " +
           Signature::format(*info));
      return false;
    }
    bound[info->name] = *t;
  }
  // The training's preprocessing of the inputs.
  for (const dl_value_info &info : infos) {
    if (info.role != DL_ROLE_INPUT || !bound.count(info.name))
      continue;
    std::string base = std::string("data:") + info.name + ":";
    int64_t si = dl_checkpoint_find(ck, (base + "shift").c_str());
    int64_t di = dl_checkpoint_find(ck, (base + "divisor").c_str());
    if (si < 0 || di < 0)
      continue;
    const dl_tensor *shift = dl_checkpoint_tensor(ck, size_t(si));
    const dl_tensor *divisor = dl_checkpoint_tensor(ck, size_t(di));
    const dl_tensor &input = bound[info.name];
    if (shift->dtype != DL_F64 || divisor->dtype != DL_F64 ||
        shift->rank > 1 ||
        dl_tensor_numel(shift) != dl_tensor_numel(divisor)) {
      fail(path + ": the preprocessing of '" + info.name + "' is malformed");
      return false;
    }
    dl_norm_axis axis = shift->rank == 0 ? DL_NORM_GLOBAL : DL_NORM_PER_FEATURE;
    owned.emplace_back();
    dl_tensor &copy = owned.back().tensor;
    if (dl_tensor_alloc(&copy, input.dtype, input.rank, input.shape) != DL_OK ||
        dl_tensor_copy(&copy, &input) != DL_OK) {
      fail(llvm::Twine(dl_last_error()));
      return false;
    }
    if (dl_norm_count(&copy, axis) != dl_tensor_numel(shift)) {
      fail(path + " normalizes '" + info.name + "' with " +
           std::to_string(dl_tensor_numel(shift)) +
           " values per sample; the input is " + formatTensorType(input));
      return false;
    }
    if (dl_norm_apply(&copy, axis, static_cast<const double *>(shift->data),
                      static_cast<const double *>(divisor->data)) != DL_OK) {
      fail("cannot preprocess '" + std::string(info.name) +
           "' as the training did: " + dl_last_error());
      return false;
    }
    bound[info.name] = copy;
  }
  return true;
}

const dl_tensor *ArgumentBinder::find(const std::string &name) const {
  auto it = bound.find(name);
  return it == bound.end() ? nullptr : &it->second;
}

bool ArgumentBinder::bind(const DriverOptions &options,
                          const std::string &entryName, const Compiled &entry,
                          const Compiled &init, bool allowMissing) {
  const std::vector<dl_value_info> &infos = entry.signature.args();
  seed = static_cast<int64_t>(options.seed);
  dl_tensor_init(&seedTensor, &seed, DL_I64, 0, nullptr);
  llvm::StringSet<> inputNames, paramNames;
  for (const dl_value_info &info : infos)
    if (info.role != DL_ROLE_SEED)
      (info.role == DL_ROLE_INPUT ? inputNames : paramNames).insert(info.name);
  // Inputs, by argument name.
  for (const std::string &binding : options.inputs) {
    std::string name, file, selector;
    if (!splitBinding(binding, "input", name, file))
      return false;
    auto info = llvm::find_if(infos, [&](const dl_value_info &i) {
      return i.role == DL_ROLE_INPUT && name == i.name;
    });
    if (info == infos.end()) {
      fail("'" + entryName + "' has no input named '" + name + "'");
      return false;
    }
    std::string spec = file;
    splitFileSelector(spec, file, selector);
    owned.emplace_back();
    // Any data file (docs/data.md), converted to the input's dtype.
    if (dl_array_load(file.c_str(), selector.empty() ? nullptr : selector.c_str(),
                      info->dtype, &owned.back().tensor) != DL_OK) {
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
          if (info.role != DL_ROLE_INPUT && info.role != DL_ROLE_SEED)
            known += (known.empty() ? "" : ", ") + std::string(info.name);
        fail(options.paramsFile + " has an array '" + name +
             "' that is not a parameter of '" + entryName + "'" +
             (known.empty() ? "" : " (it has " + known + ")"));
        return false;
      }
      bound[name] = *dl_npz_get(npz, i);
    }
  }
  if (!options.checkpointFile.empty() &&
      !bindCheckpoint(options.checkpointFile, entryName, infos))
    return false;
  bool needInit = false;
  for (const dl_value_info &info : infos)
    needInit |= info.role != DL_ROLE_INPUT && info.role != DL_ROLE_SEED &&
                !bound.count(info.name);
  if (needInit && init.fn) {
    // An initializer takes no arguments but its seed, if it draws random
    // numbers.
    std::vector<dl_tensor> initArgs;
    for (const dl_value_info &info : init.signature.args())
      if (info.role == DL_ROLE_SEED)
        initArgs.push_back(seedTensor);
    if (!invoke(init, initArgs, initial))
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
    if (info.role == DL_ROLE_SEED) {
      args.push_back(seedTensor);
      continue;
    }
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
