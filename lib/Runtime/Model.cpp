//===- Model.cpp - libraries compiled by dlc (dl/model.h) -----------------===//
//
// A model is a manifest (from a dlopen'ed library or linked into the
// program) and the parameter and state tensors it holds: the embedded ones,
// copied into writable memory when the model is opened, and those loaded
// from checkpoints and .npz archives. Which held tensor binds which argument
// of each entry point is worked out when the held tensors change, not at
// every call. docs/embedding.md describes the design.
//
// Threads: calls read the model's tables only, so any number of them run at
// once; the data of held tensors is written by the calls that update an
// argument the model binds (a training step, an entry point that assigns
// state). When the manifest has entry points that may do so, every call
// takes the model's read-write lock, exclusively if it updates held tensors
// and shared otherwise; a model without such entry points (inference only)
// takes no lock. dl_model_load_params and dl_model_close change the tables:
// the caller keeps them apart from other calls on the same model.
//
//===----------------------------------------------------------------------===//

#include "dl/model.h"

#include "dl/checkpoint.h"

#include "CheckpointFormat.h"
#include "Errors.h"
#include "File.h"
#include "GrowableArray.h"
#include "ModelManifest.h"
#include "OwnedMemory.h"
#include "Tensor.h"

#include <cstring>
#include <dlfcn.h>
#include <new>
#include <pthread.h>

using namespace dlrt;

namespace {

/// A tensor the model holds, in memory it owns. The name is the manifest's
/// (an embedded tensor's or a signature argument's): it lives as long as
/// the model.
struct Param {
  const char *name;
  dl_tensor tensor;
};

/// How dl_model_invoke calls one entry point.
struct EntryBinding {
  /// Where the entry's arguments start in dl_model::bound.
  size_t first;
  /// How many arguments the caller passes.
  size_t callerArgs;
  /// Whether a call writes a held tensor (an updated argument the model
  /// binds).
  bool updatesHeld;
};

bool isParamOrState(const dl_value_info &info) {
  return (info.role == DL_ROLE_PARAM || info.role == DL_ROLE_STATE) &&
         info.name;
}

/// "x", or "argument 2" when the signature does not name it.
void appendArgumentName(Message &message, const dl_signature &sig,
                        int32_t i) {
  if (sig.args[i].name)
    message.append("%s", sig.args[i].name);
  else
    message.append("argument %d", i);
}

} // namespace

struct dl_model {
  const dl_model_manifest *manifest = nullptr;
  void *handle = nullptr;
  GrowableArray<Param> params;
  /// Argument i of entry e is params[bound[entries[e].first + i]], or
  /// passed by the caller when that is -1.
  MallocPtr<int32_t> bound;
  MallocPtr<EntryBinding> entries;
  /// Whether some entry point updates a parameter or state argument; calls
  /// then take `lock`.
  bool locking = false;
  bool lockReady = false;
  pthread_rwlock_t lock;

  ~dl_model() {
    for (Param &p : params)
      dl_tensor_free(&p.tensor);
    if (lockReady)
      pthread_rwlock_destroy(&lock);
    if (handle)
      dlclose(handle);
  }

  /// The index of the held tensor with this name, or -1.
  int32_t find(const char *name) const {
    for (size_t i = 0; i < params.size(); ++i)
      if (std::strcmp(params[i].name, name) == 0)
        return int32_t(i);
    return -1;
  }

  const dl_model_entry *entry(const char *name, size_t *index) const {
    for (uint32_t i = 0; i < manifest->num_entries; ++i)
      if (std::strcmp(manifest->entries[i].signature->name, name) == 0) {
        *index = i;
        return &manifest->entries[i];
      }
    return nullptr;
  }

  /// Fills `bound` and `entries` for the held tensors.
  void rebind() {
    size_t next = 0;
    for (uint32_t e = 0; e < manifest->num_entries; ++e) {
      const dl_signature &sig = *manifest->entries[e].signature;
      EntryBinding &binding = entries.get()[e];
      binding = {next, 0, false};
      for (int32_t i = 0; i < sig.num_args; ++i) {
        const dl_value_info &arg = sig.args[i];
        int32_t index = isParamOrState(arg) ? find(arg.name) : -1;
        bound.get()[next++] = index;
        if (index < 0)
          ++binding.callerArgs;
        else if (arg.updated)
          binding.updatesHeld = true;
      }
    }
  }

  /// The parameter or state argument that a tensor of this name binds, and
  /// the entry point it belongs to.
  const dl_value_info *paramInfo(const char *name,
                                 const dl_signature **owner) const {
    for (uint32_t e = 0; e < manifest->num_entries; ++e) {
      const dl_signature *sig = manifest->entries[e].signature;
      for (int32_t i = 0; i < sig->num_args; ++i)
        if (isParamOrState(sig->args[i]) &&
            std::strcmp(sig->args[i].name, name) == 0) {
          *owner = sig;
          return &sig->args[i];
        }
    }
    return nullptr;
  }

  /// "it has net.w, net.b": the names of every parameter and state
  /// argument.
  void appendParamNames(Message &message) const {
    message.append("it has ");
    bool first = true;
    for (uint32_t e = 0; e < manifest->num_entries; ++e) {
      const dl_signature *sig = manifest->entries[e].signature;
      for (int32_t i = 0; i < sig->num_args; ++i) {
        if (!isParamOrState(sig->args[i]))
          continue;
        const dl_signature *owner;
        if (paramInfo(sig->args[i].name, &owner) != &sig->args[i])
          continue; // listed already
        message.append("%s%s", first ? "" : ", ", sig->args[i].name);
        first = false;
      }
    }
    if (first)
      message.append("none");
  }
};

namespace {

/// "the model has no entry point 'f' (it has a, b)".
dl_status noEntry(const dl_model *model, const char *name) {
  Message message;
  message.append("the model has no entry point '%s' (it has ", name);
  const dl_model_manifest &manifest = *model->manifest;
  for (uint32_t i = 0; i < manifest.num_entries; ++i)
    message.append("%s%s", i ? ", " : "", manifest.entries[i].signature->name);
  message.append("%s)", manifest.num_entries ? "" : "none");
  return setError(DL_ERROR_INVALID_ARGUMENT, "%s", message.str());
}

/// Copies `t` into memory a model will own, as held tensor `name`.
dl_status copyParam(const char *name, const dl_tensor &t, Param *out) {
  dl_tensor copy;
  if (dl_status s = dl_tensor_alloc(&copy, t.dtype, t.rank, t.shape))
    return s;
  if (dl_status s = dl_tensor_copy(&copy, &t)) {
    dl_tensor_free(&copy);
    return s;
  }
  *out = {name, copy};
  return DL_OK;
}

dl_status createModel(const dl_model_manifest *manifest, dl_model **out) {
  if (dl_status status = checkManifest(*manifest))
    return status;
  dl_model *model = new (std::nothrow) dl_model;
  if (!model)
    return setError(DL_ERROR_OUT_OF_MEMORY, "out of memory opening a model");
  model->manifest = manifest;
  size_t numArgs = 0;
  for (uint32_t e = 0; e < manifest->num_entries; ++e) {
    const dl_signature &sig = *manifest->entries[e].signature;
    numArgs += size_t(sig.num_args);
    for (int32_t i = 0; i < sig.num_args; ++i)
      model->locking |= isParamOrState(sig.args[i]) && sig.args[i].updated;
  }
  model->bound = mallocArray<int32_t>(numArgs);
  model->entries = mallocArray<EntryBinding>(manifest->num_entries);
  bool ok = model->bound && model->entries &&
            model->params.reserve(manifest->num_params);
  if (!ok) {
    delete model;
    return setError(DL_ERROR_OUT_OF_MEMORY, "out of memory opening a model");
  }
  // A waiting update goes before calls that come after it: a stream of
  // inference calls does not starve a training step.
  pthread_rwlockattr_t attributes;
  int error = pthread_rwlockattr_init(&attributes);
  if (!error) {
    pthread_rwlockattr_setkind_np(&attributes,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    error = pthread_rwlock_init(&model->lock, &attributes);
    pthread_rwlockattr_destroy(&attributes);
  }
  if (error) {
    delete model;
    return setError(DL_ERROR_RUNTIME, "cannot create a model's lock: %s",
                    strerror(error));
  }
  model->lockReady = true;
  for (uint32_t i = 0; i < manifest->num_params; ++i) {
    const dl_model_param &p = manifest->params[i];
    dl_tensor t;
    Param param;
    dl_status s = dl_tensor_init(&t, const_cast<void *>(p.data), p.dtype,
                                 p.rank, p.shape);
    if (s == DL_OK)
      s = copyParam(p.name, t, &param);
    if (s != DL_OK) {
      delete model;
      return setError(s, "embedded tensor '%s': %s", p.name, dl_last_error());
    }
    model->params.push(param); // reserved
  }
  model->rebind();
  *out = model;
  return DL_OK;
}

/// A tensor of a parameter file.
struct Incoming {
  const char *name;
  const dl_tensor *tensor;
};

/// Checks that `t` can be held as `name`; returns the argument's name (the
/// manifest's string) in `heldName`.
dl_status checkIncoming(const dl_model *model, const char *path,
                        const Incoming &incoming, const char **heldName) {
  const dl_signature *owner = nullptr;
  const dl_value_info *info = model->paramInfo(incoming.name, &owner);
  if (!info) {
    Message message;
    message.append("%s: '%s' is not a parameter or state of the model (",
                   path, incoming.name);
    model->appendParamNames(message);
    message.append(")");
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s", message.str());
  }
  const dl_tensor &t = *incoming.tensor;
  bool sameShape = t.rank == info->rank;
  for (int32_t d = 0; sameShape && d < t.rank; ++d)
    sameShape = info->dims[d].size < 0 || info->dims[d].size == t.shape[d];
  if (t.dtype != info->dtype || !sameShape) {
    Message message;
    message.append("%s: '%s' is ", path, incoming.name);
    appendType(message, t.dtype, t.rank, t.shape);
    message.append(" but %s takes ", owner->name);
    appendSignatureType(message, *info);
    return setError(t.dtype != info->dtype ? DL_ERROR_DTYPE : DL_ERROR_SHAPE,
                    "%s", message.str());
  }
  *heldName = info->name;
  return DL_OK;
}

/// Replaces or adds the held tensors, all or none: every tensor is checked
/// and copied before the model changes.
dl_status holdAll(dl_model *model, const char *path,
                  const GrowableArray<Incoming> &incoming) {
  GrowableArray<Param> staged;
  auto release = [&staged] {
    for (Param &p : staged)
      dl_tensor_free(&p.tensor);
  };
  if (!staged.reserve(incoming.size()) ||
      !model->params.reserve(model->params.size() + incoming.size()))
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  for (const Incoming &in : incoming) {
    const char *name;
    Param param;
    dl_status s = checkIncoming(model, path, in, &name);
    if (s == DL_OK && (s = copyParam(name, *in.tensor, &param)) != DL_OK)
      setError(s, "%s: '%s': %s", path, in.name, dl_last_error());
    if (s != DL_OK) {
      release();
      return s;
    }
    staged.push(param); // reserved
  }
  for (Param &p : staged) {
    int32_t index = model->find(p.name);
    if (index < 0) {
      model->params.push(p); // reserved
      continue;
    }
    dl_tensor_free(&model->params[size_t(index)].tensor);
    model->params[size_t(index)].tensor = p.tensor;
  }
  model->rebind();
  return DL_OK;
}

enum class ParamFile { Checkpoint, Npz };

/// Tells a checkpoint from an .npz archive (a zip file) by its first bytes.
dl_status paramFileKind(const char *path, ParamFile *kind) {
  InputFile file;
  if (dl_status s = file.open(path))
    return s;
  char head[CheckpointMagicSize];
  size_t got;
  if (dl_status s = file.read(head, sizeof(head), &got))
    return s;
  if (got == sizeof(head) &&
      std::memcmp(head, CheckpointMagic, CheckpointMagicSize) == 0) {
    *kind = ParamFile::Checkpoint;
    return DL_OK;
  }
  if (got >= 2 && head[0] == 'P' && head[1] == 'K') {
    *kind = ParamFile::Npz;
    return DL_OK;
  }
  return setError(DL_ERROR_FORMAT,
                  "'%s' is neither a checkpoint nor an .npz archive", path);
}

/// Whether `path` starts with the four bytes of an ELF file.
dl_status checkElf(const char *path) {
  InputFile file;
  if (dl_status s = file.open(path))
    return s;
  char head[4];
  size_t got;
  if (dl_status s = file.read(head, sizeof(head), &got))
    return s;
  if (got < sizeof(head) || std::memcmp(head, "\x7f" "ELF", 4) != 0)
    return setError(DL_ERROR_FORMAT,
                    "'%s' is not a shared library (it has no ELF header)",
                    path);
  return DL_OK;
}

} // namespace

extern "C" {

dl_status dl_model_from_manifest(const dl_model_manifest *manifest,
                                 dl_model **out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_model_from_manifest: out is NULL");
  *out = nullptr;
  if (!manifest)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_model_from_manifest: manifest is NULL");
  return createModel(manifest, out);
}

dl_status dl_model_open(const char *path, dl_model **out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_model_open: out is NULL");
  *out = nullptr;
  if (!path || !*path)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_model_open: path is %s",
                    path ? "empty" : "NULL");
  if (dl_status s = checkElf(path))
    return s;
  // A path, not a name to search for: dlopen searches the library path for
  // a name without '/', so "model.so" becomes "./model.so".
  size_t length = std::strlen(path);
  MallocPtr<char> local = mallocArray<char>(length + 3);
  if (!local)
    return setError(DL_ERROR_OUT_OF_MEMORY, "out of memory loading '%s'",
                    path);
  const char *prefix = std::strchr(path, '/') ? "" : "./";
  std::memcpy(local.get(), prefix, std::strlen(prefix));
  std::memcpy(local.get() + std::strlen(prefix), path, length + 1);
  void *handle = dlopen(local.get(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return setError(DL_ERROR_IO, "cannot load '%s': %s", path, dlerror());
  auto *manifest =
      static_cast<const dl_model_manifest *>(dlsym(handle, "dl_model_manifest"));
  if (!manifest) {
    dlclose(handle);
    return setError(DL_ERROR_FORMAT,
                    "'%s' is not a library compiled by dlc (it has no "
                    "dl_model_manifest)",
                    path);
  }
  if (dl_status s = createModel(manifest, out)) {
    dlclose(handle);
    return setError(s, "%s: %s", path, dl_last_error());
  }
  (*out)->handle = handle;
  return DL_OK;
}

void dl_model_close(dl_model *model) { delete model; }

size_t dl_model_num_entries(const dl_model *model) {
  if (!model) {
    setError(DL_ERROR_INVALID_ARGUMENT, "dl_model_num_entries: model is NULL");
    return 0;
  }
  return model->manifest->num_entries;
}

static const dl_model_entry *entryAt(const dl_model *model, size_t i,
                                     const char *function) {
  if (!model) {
    setError(DL_ERROR_INVALID_ARGUMENT, "%s: model is NULL", function);
    return nullptr;
  }
  if (i >= model->manifest->num_entries) {
    setError(DL_ERROR_INVALID_ARGUMENT,
             "%s: no entry point %zu (the model has %u)", function, i,
             model->manifest->num_entries);
    return nullptr;
  }
  return &model->manifest->entries[i];
}

const dl_signature *dl_model_signature(const dl_model *model, size_t i) {
  const dl_model_entry *entry = entryAt(model, i, "dl_model_signature");
  return entry ? entry->signature : nullptr;
}

const char *dl_model_entry_doc(const dl_model *model, size_t i) {
  const dl_model_entry *entry = entryAt(model, i, "dl_model_entry_doc");
  return entry ? (entry->doc ? entry->doc : "") : nullptr;
}

const dl_signature *dl_model_find(const dl_model *model, const char *name) {
  if (!model || !name) {
    setError(DL_ERROR_INVALID_ARGUMENT, "dl_model_find: %s is NULL",
             model ? "name" : "model");
    return nullptr;
  }
  size_t index;
  const dl_model_entry *entry = model->entry(name, &index);
  if (!entry) {
    noEntry(model, name);
    return nullptr;
  }
  return entry->signature;
}

dl_status dl_model_load_params(dl_model *model, const char *path) {
  if (!model || !path)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_model_load_params: %s is NULL",
                    model ? "path" : "model");
  ParamFile kind = ParamFile::Checkpoint;
  if (dl_status s = paramFileKind(path, &kind))
    return s;
  GrowableArray<Incoming> incoming;
  if (kind == ParamFile::Npz) {
    dl_npz *npz;
    if (dl_status s = dl_npz_open(path, &npz))
      return s;
    dl_status s = DL_OK;
    for (size_t i = 0; s == DL_OK && i < dl_npz_count(npz); ++i)
      if (!incoming.push({dl_npz_name(npz, i), dl_npz_get(npz, i)}))
        s = setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
    if (s == DL_OK)
      s = holdAll(model, path, incoming);
    dl_npz_close(npz);
    return s;
  }
  dl_checkpoint *checkpoint;
  if (dl_status s = dl_checkpoint_open(path, &checkpoint))
    return s;
  dl_status s = DL_OK;
  for (size_t i = 0; s == DL_OK && i < dl_checkpoint_count(checkpoint); ++i) {
    dl_checkpoint_role role = dl_checkpoint_role_at(checkpoint, i);
    if (role != DL_CHECKPOINT_PARAM && role != DL_CHECKPOINT_STATE)
      continue; // optimizer state, statistics of a training run
    if (!incoming.push({dl_checkpoint_name(checkpoint, i),
                        dl_checkpoint_tensor(checkpoint, i)}))
      s = setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  }
  if (s == DL_OK)
    s = holdAll(model, path, incoming);
  dl_checkpoint_close(checkpoint);
  return s;
}

int dl_model_binds(const dl_model *model, const dl_signature *sig,
                   int32_t i) {
  if (!model || !sig || i < 0 || i >= sig->num_args || !sig->args)
    return 0;
  return isParamOrState(sig->args[i]) && model->find(sig->args[i].name) >= 0;
}

dl_status dl_model_invoke(dl_model *model, const char *name,
                          const dl_tensor *args, size_t num_args,
                          dl_tensor *results, size_t num_results) {
  if (!model || !name)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_model_invoke: %s is NULL",
                    model ? "name" : "model");
  size_t index;
  const dl_model_entry *entry = model->entry(name, &index);
  if (!entry)
    return noEntry(model, name);
  const dl_signature &sig = *entry->signature;
  const EntryBinding &binding = model->entries.get()[index];
  const int32_t *bound = model->bound.get() + binding.first;
  if (num_args != binding.callerArgs) {
    Message message;
    message.append("%s: takes %zu argument%s", name, binding.callerArgs,
                   binding.callerArgs == 1 ? "" : "s");
    const char *separator = " (";
    for (int32_t i = 0; i < sig.num_args; ++i)
      if (bound[i] < 0) {
        message.append("%s", separator);
        appendArgumentName(message, sig, i);
        separator = ", ";
      }
    message.append("%s, %zu given", binding.callerArgs ? ")" : "", num_args);
    size_t held = size_t(sig.num_args) - binding.callerArgs;
    if (held)
      message.append("; the model passes the other %zu (parameters and state "
                     "it holds)",
                     held);
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s", message.str());
  }
  if ((num_args && !args) || (num_results && !results))
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s: %s is NULL but %s is %zu",
                    name, num_args && !args ? "args" : "results",
                    num_args && !args ? "num_args" : "num_results",
                    num_args && !args ? num_args : num_results);
  MallocPtr<dl_tensor> all = mallocArray<dl_tensor>(size_t(sig.num_args));
  if (!all)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
  size_t next = 0;
  for (int32_t i = 0; i < sig.num_args; ++i)
    all.get()[i] = bound[i] < 0 ? args[next++]
                                : model->params[size_t(bound[i])].tensor;
  if (model->locking) {
    int error = binding.updatesHeld ? pthread_rwlock_wrlock(&model->lock)
                                    : pthread_rwlock_rdlock(&model->lock);
    if (error)
      return setError(DL_ERROR_RUNTIME, "%s: cannot lock the model: %s", name,
                      strerror(error));
  }
  dl_status status = dl_invoke(&sig, entry->fn, all.get(),
                               size_t(sig.num_args), results, num_results);
  if (model->locking)
    pthread_rwlock_unlock(&model->lock);
  return status;
}

} // extern "C"
