//===- Model.cpp - libraries compiled by dlc (dl/model.h) -----------------===//
//
// A model is a manifest (from a dlopen'ed library or linked into the
// program) and the parameter and state tensors it binds: the embedded ones,
// copied into writable memory when the model is opened, and those loaded
// from checkpoints and .npz archives. docs/embedding.md describes the
// design.
//
//===----------------------------------------------------------------------===//

#include "dl/model.h"

#include "dl/checkpoint.h"

#include "Errors.h"

#include <cstring>
#include <dlfcn.h>
#include <string>
#include <vector>

using namespace dlrt;

namespace {
struct Param {
  std::string name;
  dl_tensor tensor;
};
} // namespace

struct dl_model {
  const dl_model_manifest *manifest = nullptr;
  void *handle = nullptr;
  std::vector<Param> params;

  ~dl_model() {
    for (Param &p : params)
      dl_tensor_free(&p.tensor);
    if (handle)
      dlclose(handle);
  }

  Param *find(const char *name) {
    for (Param &p : params)
      if (p.name == name)
        return &p;
    return nullptr;
  }
  const Param *find(const char *name) const {
    return const_cast<dl_model *>(this)->find(name);
  }

  /// The argument of some entry point that a tensor of this name binds.
  const dl_value_info *paramInfo(const char *name) const {
    for (uint32_t e = 0; e < manifest->num_entries; ++e) {
      const dl_signature *sig = manifest->entries[e].signature;
      for (int32_t i = 0; i < sig->num_args; ++i) {
        const dl_value_info &a = sig->args[i];
        if ((a.role == DL_ROLE_PARAM || a.role == DL_ROLE_STATE) && a.name &&
            std::strcmp(a.name, name) == 0)
          return &a;
      }
    }
    return nullptr;
  }

  /// Copies `t` into memory the model owns, as parameter `name`.
  dl_status set(const char *name, const dl_tensor &t) {
    dl_tensor copy;
    if (dl_status s = dl_tensor_alloc(&copy, t.dtype, t.rank, t.shape))
      return s;
    if (dl_status s = dl_tensor_copy(&copy, &t)) {
      dl_tensor_free(&copy);
      return s;
    }
    if (Param *p = find(name)) {
      dl_tensor_free(&p->tensor);
      p->tensor = copy;
      return DL_OK;
    }
    params.push_back({name, copy});
    return DL_OK;
  }
};

extern "C" {

dl_status dl_model_from_manifest(const dl_model_manifest *manifest,
                                 dl_model **out) {
  if (!manifest || !out)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_model_from_manifest: null argument");
  *out = nullptr;
  if (manifest->abi_version != DL_MODEL_ABI_VERSION)
    return setError(DL_ERROR_FORMAT,
                    "model manifest version %u is not supported (this "
                    "runtime reads version %d)",
                    manifest->abi_version, DL_MODEL_ABI_VERSION);
  dl_model *model = new dl_model;
  model->manifest = manifest;
  for (uint32_t i = 0; i < manifest->num_params; ++i) {
    const dl_model_param &p = manifest->params[i];
    dl_tensor t;
    if (dl_status s = dl_tensor_init(&t, const_cast<void *>(p.data), p.dtype,
                                     p.rank, p.shape);
        s != DL_OK || (s = model->set(p.name, t)) != DL_OK) {
      delete model;
      return s;
    }
  }
  *out = model;
  return DL_OK;
}

dl_status dl_model_open(const char *path, dl_model **out) {
  if (!path || !out)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_model_open: null argument");
  *out = nullptr;
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
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
  if (dl_status s = dl_model_from_manifest(manifest, out)) {
    dlclose(handle);
    return s;
  }
  (*out)->handle = handle;
  return DL_OK;
}

void dl_model_close(dl_model *model) { delete model; }

size_t dl_model_num_entries(const dl_model *model) {
  return model ? model->manifest->num_entries : 0;
}

const dl_signature *dl_model_signature(const dl_model *model, size_t i) {
  if (!model || i >= model->manifest->num_entries)
    return nullptr;
  return model->manifest->entries[i].signature;
}

const char *dl_model_entry_doc(const dl_model *model, size_t i) {
  if (!model || i >= model->manifest->num_entries)
    return nullptr;
  return model->manifest->entries[i].doc;
}

static const dl_model_entry *findEntry(const dl_model *model,
                                       const char *name) {
  if (!model || !name)
    return nullptr;
  for (uint32_t i = 0; i < model->manifest->num_entries; ++i)
    if (std::strcmp(model->manifest->entries[i].signature->name, name) == 0)
      return &model->manifest->entries[i];
  return nullptr;
}

const dl_signature *dl_model_find(const dl_model *model, const char *name) {
  const dl_model_entry *entry = findEntry(model, name);
  return entry ? entry->signature : nullptr;
}

static dl_status loadParam(dl_model *model, const char *path, const char *name,
                           const dl_tensor &t) {
  const dl_value_info *info = model->paramInfo(name);
  if (!info)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: '%s' is not a parameter or state of the model", path,
                    name);
  bool ok = info->dtype == t.dtype && info->rank == t.rank;
  for (int32_t d = 0; ok && d < t.rank; ++d)
    ok = info->dims[d].size < 0 || info->dims[d].size == t.shape[d];
  if (!ok)
    return setError(DL_ERROR_SHAPE,
                    "%s: '%s' is a %s tensor of rank %d, not what the model "
                    "expects (%s of rank %d)",
                    path, name, dl_dtype_name(t.dtype), t.rank,
                    dl_dtype_name(info->dtype), info->rank);
  return model->set(name, t);
}

dl_status dl_model_load_params(dl_model *model, const char *path) {
  if (!model || !path)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_model_load_params: null argument");
  size_t length = std::strlen(path);
  if (length >= 4 && std::strcmp(path + length - 4, ".npz") == 0) {
    dl_npz *npz;
    if (dl_status s = dl_npz_open(path, &npz))
      return s;
    dl_status s = DL_OK;
    for (size_t i = 0; s == DL_OK && i < dl_npz_count(npz); ++i)
      s = loadParam(model, path, dl_npz_name(npz, i), *dl_npz_get(npz, i));
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
    s = loadParam(model, path, dl_checkpoint_name(checkpoint, i),
                  *dl_checkpoint_tensor(checkpoint, i));
  }
  dl_checkpoint_close(checkpoint);
  return s;
}

int dl_model_binds(const dl_model *model, const dl_signature *sig,
                   int32_t i) {
  if (!model || !sig || i < 0 || i >= sig->num_args)
    return 0;
  const dl_value_info &a = sig->args[i];
  return (a.role == DL_ROLE_PARAM || a.role == DL_ROLE_STATE) && a.name &&
         model->find(a.name) != nullptr;
}

dl_status dl_model_invoke(dl_model *model, const char *name,
                          const dl_tensor *args, size_t num_args,
                          dl_tensor *results, size_t num_results) {
  if (!model || !name)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_model_invoke: null argument");
  const dl_model_entry *entry = findEntry(model, name);
  if (!entry)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "the model has no entry point '%s'", name);
  const dl_signature *sig = entry->signature;
  std::vector<dl_tensor> all;
  size_t next = 0;
  for (int32_t i = 0; i < sig->num_args; ++i) {
    if (dl_model_binds(model, sig, i)) {
      all.push_back(model->find(sig->args[i].name)->tensor);
      continue;
    }
    if (next < num_args && args)
      all.push_back(args[next]);
    ++next;
  }
  if (next != num_args)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: takes %zu arguments besides the parameters the "
                    "model holds, got %zu",
                    name, next, num_args);
  return dl_invoke(sig, entry->fn, all.data(), all.size(), results,
                   num_results);
}

} // extern "C"
