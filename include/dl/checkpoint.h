/*===- dl/checkpoint.h - training checkpoints -----------------------------===*
 *
 * A checkpoint holds a model's tensors (parameters, state, optimizer
 * state) by hierarchical name, with where training stands (epoch, step,
 * samples seen, RNG seed) and the optimizer's settings. The format (a fixed
 * header, a FlatBuffers table, 64-byte aligned tensor data, xxHash64
 * checksums) is in docs/runtime-abi.md. C99 and C++.
 *
 * Errors follow dl/runtime.h: a dl_status and a message in dl_last_error();
 * a malformed file is DL_ERROR_FORMAT with a message naming the file and
 * the check that failed (and the tensor).
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_CHECKPOINT_H
#define DL_CHECKPOINT_H

#include "dl/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a tensor is to training. PARAM and STATE have the values of
 * DL_ROLE_PARAM and DL_ROLE_STATE, so a signature's roles convert by value;
 * 4, as 3 is DL_ROLE_OUTPUT. */
typedef enum dl_checkpoint_role {
  DL_CHECKPOINT_PARAM = 1,           /* learnable parameter */
  DL_CHECKPOINT_STATE = 2,           /* non-trainable model state */
  DL_CHECKPOINT_OPTIMIZER_STATE = 4, /* momenta, moments, step counts */
} dl_checkpoint_role;

/* "param", "state", "optimizer state", or "<invalid role>". */
DL_EXPORT const char *dl_checkpoint_role_name(dl_checkpoint_role role);

typedef struct dl_checkpoint_kv {
  const char *key;
  const char *value;
} dl_checkpoint_kv;

/* Where training stands and how it is set up. Strings may be NULL (read
 * back as ""). */
typedef struct dl_checkpoint_info {
  const char *model; /* "MLP" */
  int64_t epoch;     /* epochs completed */
  int64_t step;      /* optimizer steps taken */
  int64_t samples_seen;
  uint64_t rng_seed;
  const char *optimizer; /* "adam" */
  size_t num_hyperparameters;
  const dl_checkpoint_kv *hyperparameters; /* "lr" = "0.001", in order */
} dl_checkpoint_info;

typedef struct dl_checkpoint_entry {
  const char *name; /* "encoder.layers.2.w": non-empty, distinct */
  dl_checkpoint_role role;
  const dl_tensor *tensor; /* any strides; stored row-major */
} dl_checkpoint_entry;

/* Writes a checkpoint atomically: into a temporary file in the same
 * directory, synced, then renamed over `path` and the directory synced, so
 * that `path` holds the old checkpoint or the new one, whatever happens.
 * `info` may be NULL (all zero). */
DL_EXPORT dl_status dl_checkpoint_write(const char *path,
                                        const dl_checkpoint_info *info,
                                        const dl_checkpoint_entry *entries,
                                        size_t count);

typedef struct dl_checkpoint dl_checkpoint;

/* Reads and verifies a whole checkpoint: header, table (FlatBuffers
 * verifier and checksum), every tensor's bounds and checksum. */
DL_EXPORT dl_status dl_checkpoint_open(const char *path, dl_checkpoint **out);
DL_EXPORT void dl_checkpoint_close(dl_checkpoint *checkpoint);

/* The metadata; its strings live until dl_checkpoint_close. */
DL_EXPORT const dl_checkpoint_info *
dl_checkpoint_get_info(const dl_checkpoint *checkpoint);
/* The format version of the file. */
DL_EXPORT uint32_t dl_checkpoint_version(const dl_checkpoint *checkpoint);
DL_EXPORT size_t dl_checkpoint_count(const dl_checkpoint *checkpoint);
/* Tensor i in file order: name, role, data (owned by the checkpoint); NULL
 * or 0 past the end. */
DL_EXPORT const char *dl_checkpoint_name(const dl_checkpoint *checkpoint,
                                         size_t i);
DL_EXPORT dl_checkpoint_role dl_checkpoint_role_at(
    const dl_checkpoint *checkpoint, size_t i);
DL_EXPORT const dl_tensor *dl_checkpoint_tensor(const dl_checkpoint *checkpoint,
                                                size_t i);
/* The index of the tensor with this name, or -1. */
DL_EXPORT int64_t dl_checkpoint_find(const dl_checkpoint *checkpoint,
                                     const char *name);

/* Copies every tensor of a checkpoint into an .npz archive by name (roles
 * and metadata are not kept), as numpy.load reads it. */
DL_EXPORT dl_status dl_checkpoint_to_npz(const char *checkpoint_path,
                                         const char *npz_path);
/* Writes the arrays of an .npz archive (for instance PyTorch weights saved
 * with numpy.savez) as a checkpoint, each with `role`, with `info` (may be
 * NULL). */
DL_EXPORT dl_status dl_checkpoint_from_npz(const char *npz_path,
                                           const char *checkpoint_path,
                                           const dl_checkpoint_info *info,
                                           dl_checkpoint_role role);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_CHECKPOINT_H */
