//===- TrainerCheckpoint.cpp - saving and loading a trainer's state -------===//
//
// A trainer's checkpoint (dl/checkpoint.h) holds, by name:
//   the parameters, state tensors (roles param, state) and optimizer slots
//   (optimizer state, "net.fc1.w:m") of the step;
//   "data:NAME:shift", "data:NAME:divisor" (state, f64): the preprocessing
//   of a data argument (rank 0: one value for all elements; rank 1: one per
//   feature);
//   "trainer:early_stopping" (state, f64[3]): the best monitored value, its
//   epoch, the epochs since;
//   "best:NAME" (param or state) with restore_best: the best weights so far;
// and the position (epochs completed, steps, samples seen, the run's seed)
// with the optimizer's name and hyperparameters. Names with ':' are never
// model tensors (DL names cannot contain it).
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "Tensor.h"
#include "Trainer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace dlrt;

namespace {

dl_status outOfMemory(const char *what) {
  return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
}

dl_checkpoint_role checkpointRole(dl_role role) {
  return role == DL_ROLE_PARAM   ? DL_CHECKPOINT_PARAM
         : role == DL_ROLE_STATE ? DL_CHECKPOINT_STATE
                                 : DL_CHECKPOINT_OPTIMIZER_STATE;
}

/// Names built for one checkpoint, freed with it.
class NameList {
public:
  ~NameList() {
    for (char *name : names)
      free(name);
  }
  const char *add(const char *a, const char *b, const char *c) {
    size_t length = strlen(a) + strlen(b) + strlen(c);
    char *name = static_cast<char *>(malloc(length + 1));
    if (!name)
      return nullptr;
    snprintf(name, length + 1, "%s%s%s", a, b, c);
    if (!names.push(name)) {
      free(name);
      return nullptr;
    }
    return name;
  }

private:
  GrowableArray<char *> names;
};

bool startsWith(const char *text, const char *prefix) {
  return strncmp(text, prefix, strlen(prefix)) == 0;
}

/// A tensor of the checkpoint that belongs to the model (not to the
/// trainer's bookkeeping).
bool isModelEntry(const char *name, dl_checkpoint_role role) {
  if (startsWith(name, "data:") || startsWith(name, "trainer:") ||
      startsWith(name, "best:"))
    return false;
  return role == DL_CHECKPOINT_OPTIMIZER_STATE || !strchr(name, ':');
}

const char *roleWord(dl_role role) {
  return role == DL_ROLE_PARAM   ? "parameter"
         : role == DL_ROLE_STATE ? "state tensor"
                                 : "optimizer slot";
}

bool sameShape(const dl_tensor &a, const dl_tensor &b) {
  if (a.dtype != b.dtype || a.rank != b.rank)
    return false;
  for (int32_t d = 0; d < a.rank; ++d)
    if (a.shape[d] != b.shape[d])
      return false;
  return true;
}

dl_status shapeMismatch(const char *path, const char *name,
                        const dl_tensor &file, const dl_tensor &wanted) {
  Message m;
  m.append("%s: '%s' is ", path, name);
  appendType(m, file.dtype, file.rank, file.shape);
  m.append(" there, but the training has ");
  appendType(m, wanted.dtype, wanted.rank, wanted.shape);
  return setError(DL_ERROR_SHAPE, "%s", m.str());
}

class CheckpointHandle {
public:
  ~CheckpointHandle() { dl_checkpoint_close(checkpoint); }
  dl_checkpoint *checkpoint = nullptr;
};

class NpzHandle {
public:
  ~NpzHandle() { dl_npz_close(npz); }
  dl_npz *npz = nullptr;
};

/// What the first bytes of a file say it is.
enum class FileKind { Missing, Checkpoint, Npz, Other };

FileKind fileKind(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return FileKind::Missing;
  unsigned char magic[6] = {0};
  size_t n = fread(magic, 1, sizeof(magic), f);
  fclose(f);
  if (n == 6 && memcmp(magic, "DLCKPT", 6) == 0)
    return FileKind::Checkpoint;
  if (n >= 4 && magic[0] == 'P' && magic[1] == 'K' &&
      ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6)))
    return FileKind::Npz;
  return FileKind::Other;
}

/// Reads the preprocessing of the data arguments from a checkpoint: the
/// loaded statistics replace what the configuration asked for.
dl_status loadPreprocessing(dl_trainer *t, const dl_checkpoint *ck,
                            const char *path, bool apply) {
  NameList names;
  for (DataArg *d : t->data) {
    const char *shiftName = names.add("data:", d->info->name, ":shift");
    const char *divisorName = names.add("data:", d->info->name, ":divisor");
    if (!shiftName || !divisorName)
      return outOfMemory("loading a checkpoint");
    int64_t si = dl_checkpoint_find(ck, shiftName);
    int64_t di = dl_checkpoint_find(ck, divisorName);
    if (si < 0 && di < 0)
      continue;
    const dl_tensor *shift = si >= 0 ? dl_checkpoint_tensor(ck, size_t(si))
                                     : nullptr;
    const dl_tensor *divisor =
        di >= 0 ? dl_checkpoint_tensor(ck, size_t(di)) : nullptr;
    if (!shift || !divisor || !sameShape(*shift, *divisor) ||
        shift->dtype != DL_F64 || shift->rank > 1)
      return setError(DL_ERROR_FORMAT,
                      "%s: the preprocessing of '%s' is malformed ('%s' and "
                      "'%s' must be f64 vectors of one length)",
                      path, d->info->name, shiftName, divisorName);
    int64_t count = dl_tensor_numel(shift);
    const double *dv = static_cast<const double *>(divisor->data);
    for (int64_t i = 0; i < count; ++i)
      if (!(std::isfinite(dv[i]) && dv[i] != 0))
        return setError(DL_ERROR_FORMAT,
                        "%s: the preprocessing of '%s' has a zero or "
                        "non-finite divisor",
                        path, d->info->name);
    if (d->info->dtype != DL_F32 && d->info->dtype != DL_F64)
      return setError(DL_ERROR_FORMAT,
                      "%s: it normalizes '%s', which the training takes as "
                      "%s",
                      path, d->info->name, dl_dtype_name(d->info->dtype));
    if (!apply)
      continue;
    MallocPtr<double> s = mallocArray<double>(size_t(count));
    MallocPtr<double> v = mallocArray<double>(size_t(count));
    if (!s || !v)
      return outOfMemory("loading a checkpoint");
    memcpy(s.get(), shift->data, size_t(count) * sizeof(double));
    memcpy(v.get(), divisor->data, size_t(count) * sizeof(double));
    d->shift = static_cast<MallocPtr<double> &&>(s);
    d->divisor = static_cast<MallocPtr<double> &&>(v);
    d->count = count;
    d->axis = shift->rank == 0 ? DL_NORM_GLOBAL : DL_NORM_PER_FEATURE;
    if (d->preprocess == Preprocess::None)
      d->preprocess = Preprocess::Normalize;
    d->fitted = true;
  }
  return DL_OK;
}

dl_status loadCheckpoint(dl_trainer *t, const char *path,
                         dl_trainer_load_mode mode) {
  CheckpointHandle handle;
  if (dl_status status = dl_checkpoint_open(path, &handle.checkpoint))
    return status;
  const dl_checkpoint *ck = handle.checkpoint;
  const dl_checkpoint_info *info = dl_checkpoint_get_info(ck);
  bool resume = mode == DL_TRAINER_LOAD_RESUME;
  bool init = mode == DL_TRAINER_LOAD_INIT;
  if (resume && t->config.optimizer && *t->config.optimizer &&
      info->optimizer && *info->optimizer &&
      strcmp(t->config.optimizer, info->optimizer) != 0)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s was written by a training with the optimizer '%s'; "
                    "this one uses '%s'",
                    path, info->optimizer, t->config.optimizer);
  // Check everything first, so that a failed load changes nothing.
  for (const ModelTensor &m : t->tensors) {
    if (m.role == DL_ROLE_SLOT && !resume)
      continue;
    int64_t i = dl_checkpoint_find(ck, m.name);
    if (i < 0) {
      if (init)
        continue;
      Message msg;
      msg.append("%s has no %s '%s' (", path, roleWord(m.role), m.name);
      appendType(msg, m.tensor.dtype, m.tensor.rank, m.tensor.shape);
      msg.append("): was it written by another training?");
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s", msg.str());
    }
    dl_checkpoint_role role = dl_checkpoint_role_at(ck, size_t(i));
    if (role != checkpointRole(m.role))
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: '%s' is %s there, but a %s of the training", path,
                      m.name, dl_checkpoint_role_name(role), roleWord(m.role));
    const dl_tensor *value = dl_checkpoint_tensor(ck, size_t(i));
    if (!sameShape(*value, m.tensor))
      return shapeMismatch(path, m.name, *value, m.tensor);
  }
  if (mode != DL_TRAINER_LOAD_MODEL) {
    // Every model tensor of the file must be the training's.
    for (size_t i = 0, e = dl_checkpoint_count(ck); i < e; ++i) {
      const char *name = dl_checkpoint_name(ck, i);
      dl_checkpoint_role role = dl_checkpoint_role_at(ck, i);
      if (!isModelEntry(name, role) ||
          (init && role == DL_CHECKPOINT_OPTIMIZER_STATE))
        continue;
      if (!t->findTensor(name))
        return setError(DL_ERROR_INVALID_ARGUMENT,
                        "%s has the %s '%s', which this training does not "
                        "have",
                        path, dl_checkpoint_role_name(role), name);
    }
  }
  if (!init)
    if (dl_status status = loadPreprocessing(t, ck, path, false))
      return status;
  int64_t es = dl_checkpoint_find(ck, "trainer:early_stopping");
  const dl_tensor *early =
      es >= 0 ? dl_checkpoint_tensor(ck, size_t(es)) : nullptr;
  if (early && (early->dtype != DL_F64 || early->rank != 1 ||
                early->shape[0] != 3))
    return setError(DL_ERROR_FORMAT,
                    "%s: 'trainer:early_stopping' is malformed (f64[3])", path);

  // Then copy.
  for (ModelTensor &m : t->tensors) {
    if (m.role == DL_ROLE_SLOT && !resume)
      continue;
    int64_t i = dl_checkpoint_find(ck, m.name);
    if (i < 0)
      continue;
    if (dl_status status =
            dl_tensor_copy(&m.tensor, dl_checkpoint_tensor(ck, size_t(i))))
      return status;
    m.set = true;
  }
  if (init)
    return DL_OK;
  if (dl_status status = loadPreprocessing(t, ck, path, true))
    return status;
  if (!resume)
    return DL_OK;
  t->epoch = info->epoch;
  t->stepCount = info->step;
  t->samplesSeen = info->samples_seen;
  t->seed = info->rng_seed;
  t->bestValue = NAN;
  t->bestEpoch = 0;
  t->wait = 0;
  if (early) {
    const double *v = static_cast<const double *>(early->data);
    t->bestValue = v[0];
    t->bestEpoch = int64_t(v[1]);
    t->wait = int64_t(v[2]);
  }
  // The best weights so far, when the run keeps them.
  t->haveBestWeights = false;
  NameList names;
  bool all = true;
  for (ModelTensor &m : t->tensors) {
    if (m.role == DL_ROLE_SLOT)
      continue;
    const char *name = names.add("best:", m.name, "");
    if (!name)
      return outOfMemory("loading a checkpoint");
    int64_t i = dl_checkpoint_find(ck, name);
    const dl_tensor *best = i >= 0 ? dl_checkpoint_tensor(ck, size_t(i))
                                   : nullptr;
    if (!best || !sameShape(*best, m.tensor)) {
      all = false;
      continue;
    }
    if (!m.best.data)
      if (dl_status status = dl_tensor_alloc(&m.best, m.tensor.dtype,
                                             m.tensor.rank, m.tensor.shape))
        return status;
    if (dl_status status = dl_tensor_copy(&m.best, best))
      return status;
  }
  t->haveBestWeights = all && t->bestEpoch > 0;
  return DL_OK;
}

dl_status loadNpz(dl_trainer *t, const char *path) {
  NpzHandle handle;
  if (dl_status status = dl_npz_open(path, &handle.npz))
    return status;
  const dl_npz *npz = handle.npz;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0, e = dl_npz_count(npz); i < e; ++i) {
      const char *name = dl_npz_name(npz, i);
      const dl_tensor *value = dl_npz_get(npz, i);
      // Optimizer slots and bookkeeping (an exported checkpoint's): never
      // parameters.
      if (strchr(name, ':'))
        continue;
      ModelTensor *m = t->findTensor(name);
      if (!m || m->role == DL_ROLE_SLOT) {
        Message msg;
        msg.append("%s has an array '%s' that is not a parameter or state "
                   "tensor of the training (it has ",
                   path, name);
        bool first = true;
        for (const ModelTensor &k : t->tensors)
          if (k.role != DL_ROLE_SLOT) {
            msg.append("%s%s", first ? "" : ", ", k.name);
            first = false;
          }
        msg.append(")");
        return setError(DL_ERROR_INVALID_ARGUMENT, "%s", msg.str());
      }
      if (!sameShape(*value, m->tensor))
        return shapeMismatch(path, name, *value, m->tensor);
      if (pass == 1) {
        if (dl_status status = dl_tensor_copy(&m->tensor, value))
          return status;
        m->set = true;
      }
    }
  }
  return DL_OK;
}

} // namespace

dl_status dlrtTrainerWriteCheckpoint(dl_trainer *t, const char *path) {
  GrowableArray<dl_checkpoint_entry> entries;
  NameList names;
  for (const ModelTensor &m : t->tensors) {
    if (!m.set && m.role != DL_ROLE_SLOT)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "cannot save: the %s '%s' has no value",
                      roleWord(m.role), m.name);
    if (!entries.push({m.name, checkpointRole(m.role), &m.tensor}))
      return outOfMemory("saving a checkpoint");
  }
  // Descriptors of the statistics and of the bookkeeping, alive until the
  // file is written.
  GrowableArray<dl_tensor> extra;
  if (!extra.reserve(2 * t->data.size() + 1))
    return outOfMemory("saving a checkpoint");
  for (const DataArg *d : t->data) {
    if (d->preprocess == Preprocess::None || !d->fitted)
      continue;
    int64_t count = d->count;
    dl_tensor shift, divisor;
    dl_tensor_init(&shift, d->shift.get(), DL_F64,
                   d->axis == DL_NORM_GLOBAL ? 0 : 1, &count);
    dl_tensor_init(&divisor, d->divisor.get(), DL_F64,
                   d->axis == DL_NORM_GLOBAL ? 0 : 1, &count);
    extra.push(shift);
    const dl_tensor *shiftPtr = &extra[extra.size() - 1];
    extra.push(divisor);
    const dl_tensor *divisorPtr = &extra[extra.size() - 1];
    const char *shiftName = names.add("data:", d->info->name, ":shift");
    const char *divisorName = names.add("data:", d->info->name, ":divisor");
    if (!shiftName || !divisorName ||
        !entries.push({shiftName, DL_CHECKPOINT_STATE, shiftPtr}) ||
        !entries.push({divisorName, DL_CHECKPOINT_STATE, divisorPtr}))
      return outOfMemory("saving a checkpoint");
  }
  double early[3] = {t->bestValue, double(t->bestEpoch), double(t->wait)};
  if (t->bestEpoch > 0) {
    int64_t three = 3;
    dl_tensor e;
    dl_tensor_init(&e, early, DL_F64, 1, &three);
    extra.push(e);
    if (!entries.push({"trainer:early_stopping", DL_CHECKPOINT_STATE,
                       &extra[extra.size() - 1]}))
      return outOfMemory("saving a checkpoint");
  }
  if (t->config.restore_best && t->haveBestWeights)
    for (const ModelTensor &m : t->tensors) {
      if (m.role == DL_ROLE_SLOT || !m.best.data)
        continue;
      const char *name = names.add("best:", m.name, "");
      if (!name || !entries.push({name, checkpointRole(m.role), &m.best}))
        return outOfMemory("saving a checkpoint");
    }
  dl_checkpoint_info info;
  memset(&info, 0, sizeof(info));
  info.model = t->config.model;
  info.epoch = t->epoch;
  info.step = t->stepCount;
  info.samples_seen = t->samplesSeen;
  info.rng_seed = t->seed;
  info.optimizer = t->config.optimizer;
  info.num_hyperparameters = t->hyperparameters.size();
  info.hyperparameters = t->hyperparameters.data();
  return dl_checkpoint_write(path, &info, entries.data(), entries.size());
}

extern "C" {

dl_status dl_trainer_save(dl_trainer *trainer, const char *path) {
  if (!trainer || !path)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_trainer_save: null %s",
                    trainer ? "path" : "trainer");
  return dlrtTrainerWriteCheckpoint(trainer, path);
}

dl_status dl_trainer_load(dl_trainer *trainer, const char *path,
                          dl_trainer_load_mode mode) {
  if (!trainer || !path)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_trainer_load: null %s",
                    trainer ? "path" : "trainer");
  int code;
  memcpy(&code, &mode, sizeof(code));
  if (code < DL_TRAINER_LOAD_RESUME || code > DL_TRAINER_LOAD_INIT)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_load: invalid mode (%d)", code);
  switch (fileKind(path)) {
  case FileKind::Npz:
    if (mode != DL_TRAINER_LOAD_INIT)
      return setError(DL_ERROR_FORMAT,
                      "%s is an .npz archive, not a checkpoint: %s needs a "
                      "checkpoint written by a training",
                      path,
                      mode == DL_TRAINER_LOAD_RESUME ? "resuming"
                                                     : "loading a model");
    return loadNpz(trainer, path);
  case FileKind::Other:
    if (mode == DL_TRAINER_LOAD_INIT)
      return setError(DL_ERROR_FORMAT,
                      "%s is neither a checkpoint nor an .npz archive", path);
    [[fallthrough]];
  default: // missing files and damaged ones: the reader says what is wrong
    return loadCheckpoint(trainer, path, mode);
  }
}

dl_status dl_trainer_set_tensor(dl_trainer *trainer, const char *name,
                                const dl_tensor *value) {
  if (!trainer || !name || !value)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_set_tensor: null %s",
                    !trainer ? "trainer" : !name ? "name" : "value");
  ModelTensor *m = trainer->findTensor(name);
  if (!m || m->role == DL_ROLE_SLOT)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_set_tensor: the training has no parameter or "
                    "state tensor '%s'",
                    name);
  if (!sameShape(*value, m->tensor)) {
    Message msg;
    msg.append("dl_trainer_set_tensor: '%s' is ", name);
    appendType(msg, m->tensor.dtype, m->tensor.rank, m->tensor.shape);
    msg.append(" in the training, not ");
    appendType(msg, value->dtype, value->rank, value->shape);
    return setError(value->dtype != m->tensor.dtype ? DL_ERROR_DTYPE
                                                    : DL_ERROR_SHAPE,
                    "%s", msg.str());
  }
  if (dl_status status = dl_tensor_copy(&m->tensor, value))
    return status;
  m->set = true;
  return DL_OK;
}

} // extern "C"
