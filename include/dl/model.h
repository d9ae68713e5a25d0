/*===- dl/model.h - compiled models: libraries that dlc writes -----------===*
 *
 * `dlc model.dl -o model.so` (or `-o model.o`) compiles a DL file into a
 * library that carries a *manifest*: every entry point with its signature,
 * packed function and doc comment, and the parameters embedded with
 * `--checkpoint`/`--params` (docs/embedding.md). A program calls it through
 * the typed functions of the header dlc writes beside it, or generically:
 *
 *   dl_model *m;
 *   dl_model_open("model.so", &m);              // dlopen + the manifest
 *   dl_model_load_params(m, "model.ckpt");       // unless embedded
 *   dl_model_invoke(m, "MLP.forward", &x, 1, &y, 1);
 *   dl_model_close(m);
 *
 * Errors: every function that fails returns a dl_status (or NULL) with a
 * message in dl_last_error() naming the file, entry point or argument; none
 * aborts, and a failed call changes none of the caller's memory (but
 * *out, set to NULL).
 *
 * Threads: any number of threads may call dl_model_invoke and the
 * accessors on one model at once. A call that updates tensors the model
 * holds (a training step, an entry point that assigns state) runs alone:
 * it takes the model's lock exclusively, the other calls of such a model
 * take it shared; models whose entry points update nothing they hold take
 * no lock. dl_model_load_params and dl_model_close must not run at the same
 * time as another call on the same model. docs/embedding.md, "Errors" and
 * "Threads".
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_MODEL_H
#define DL_MODEL_H

#include "dl/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the manifest layout below. */
#define DL_MODEL_ABI_VERSION 1

typedef struct dl_model_entry {
  const dl_signature *signature;
  dl_packed_fn fn;
  const char *doc; /* the source's /// comment, "" when there is none */
} dl_model_entry;

/* A parameter or state tensor embedded in the library (read-only data,
 * row-major, 64-byte aligned). */
typedef struct dl_model_param {
  const char *name; /* hierarchical name, "fc1.w" */
  dl_role role;     /* DL_ROLE_PARAM or DL_ROLE_STATE */
  dl_dtype dtype;
  int32_t rank;
  int64_t shape[DL_MAX_RANK];
  const void *data;
} dl_model_param;

/* What a compiled library exports: `dl_model_manifest` in a shared library,
 * `<prefix>manifest` in both a shared library and an object file. */
typedef struct dl_model_manifest {
  uint32_t abi_version; /* DL_MODEL_ABI_VERSION */
  uint32_t num_entries;
  const dl_model_entry *entries;
  uint32_t num_params;
  const dl_model_param *params;
  const char *source; /* the DL file it was compiled from */
} dl_model_manifest;

typedef struct dl_model dl_model;

/* Loads a library written by `dlc -o model.so` (dlopen) and reads its
 * manifest. `path` is a path: a name without '/' is in the current
 * directory, never searched for in the library path. Fails with
 * DL_ERROR_IO (cannot open or load) or DL_ERROR_FORMAT (not a shared
 * library, not a dlc library, another ABI version); *out is then NULL. */
DL_EXPORT dl_status dl_model_open(const char *path, dl_model **out);
/* The same for a model linked into the program (`-o model.o`); the
 * manifest must outlive the model. */
DL_EXPORT dl_status dl_model_from_manifest(const dl_model_manifest *manifest,
                                           dl_model **out);
DL_EXPORT void dl_model_close(dl_model *model);

DL_EXPORT size_t dl_model_num_entries(const dl_model *model);
/* Entry i: its signature and doc comment; NULL (with a message) for a null
 * model or an index out of range. */
DL_EXPORT const dl_signature *dl_model_signature(const dl_model *model, size_t i);
DL_EXPORT const char *dl_model_entry_doc(const dl_model *model, size_t i);
/* The signature of the entry point with this name, or NULL with a message
 * that lists the entry points. */
DL_EXPORT const dl_signature *dl_model_find(const dl_model *model,
                                            const char *name);

/* Reads parameters and state by name from a checkpoint (dl/checkpoint.h)
 * or an .npz archive (told apart by their first bytes) into the model
 * (replacing embedded ones of the same name). Every tensor must name a
 * parameter or state of some entry point, with its dtype and shape; on an
 * error the model is as it was. */
DL_EXPORT dl_status dl_model_load_params(dl_model *model, const char *path);
/* Whether argument i of entry `sig` is bound by the model (a parameter or
 * state the model holds), so that dl_model_invoke does not take it. */
DL_EXPORT int dl_model_binds(const dl_model *model, const dl_signature *sig,
                             int32_t i);
/* Calls entry `name` with the arguments the model does not bind, in
 * signature order (inputs, seed, ...); parameters and state come from the
 * model (embedded, or loaded), and those the call updates are updated in
 * the model. Results as dl_invoke. */
DL_EXPORT dl_status dl_model_invoke(dl_model *model, const char *name,
                                    const dl_tensor *args, size_t num_args,
                                    dl_tensor *results, size_t num_results);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_MODEL_H */
