/*===- dl/runtime.h - the dlc runtime C API -------------------------------===*
 *
 * The runtime library (libdlrt) that compiled DL code and the programs that
 * call it share: tensor descriptors, calling entry points, errors, and
 * .npy/.npz files. C99 and C++. See docs/runtime-abi.md.
 *
 * Every function that can fail returns a dl_status (DL_OK is 0) and leaves
 * a message for the calling thread in dl_last_error(). Nothing here aborts
 * the process (the one exception: dlrt_fail called outside dl_invoke).
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_RUNTIME_H
#define DL_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DL_EXPORT __attribute__((visibility("default")))
#else
#define DL_EXPORT
#endif

/*===----------------------------------------------------------------------===*
 * Status
 *===----------------------------------------------------------------------===*/

typedef enum dl_status {
  DL_OK = 0,
  DL_ERROR_INVALID_ARGUMENT = 1,
  DL_ERROR_DTYPE = 2,
  DL_ERROR_SHAPE = 3,
  DL_ERROR_RUNTIME = 4,
  DL_ERROR_OUT_OF_MEMORY = 5,
  DL_ERROR_IO = 6,
  DL_ERROR_FORMAT = 7,
} dl_status;

/* The message of the last error on this thread ("" if none). Valid until the
 * next runtime call on the same thread (success does not clear it). */
DL_EXPORT const char *dl_last_error(void);
/* The name of a status code, e.g. "shape error". */
DL_EXPORT const char *dl_status_name(dl_status status);

/*===----------------------------------------------------------------------===*
 * Tensors
 *===----------------------------------------------------------------------===*/

typedef enum dl_dtype {
  DL_F32 = 0,
  DL_F64 = 1,
  DL_I32 = 2,
  DL_I64 = 3,
  DL_BOOL = 4, /* one byte, 0 or 1 */
} dl_dtype;

#define DL_MAX_RANK 8

typedef struct dl_tensor {
  void *data;
  dl_dtype dtype;
  int32_t rank;
  int64_t shape[DL_MAX_RANK];
  int64_t strides[DL_MAX_RANK]; /* in elements */
} dl_tensor;

/* Size of one element in bytes, or 0 for an invalid dtype. */
DL_EXPORT size_t dl_dtype_size(dl_dtype dtype);
/* "f32", "f64", "i32", "i64", "bool". */
DL_EXPORT const char *dl_dtype_name(dl_dtype dtype);

/* Fills a descriptor for row-major data. Fails on a bad dtype or rank, or a
 * negative extent. */
DL_EXPORT dl_status dl_tensor_init(dl_tensor *t, void *data, dl_dtype dtype,
                                   int32_t rank, const int64_t *shape);
/* Number of elements (product of the extents), or -1 on overflow. */
DL_EXPORT int64_t dl_tensor_numel(const dl_tensor *t);
/* Whether the strides are row-major for the shape. */
DL_EXPORT int dl_tensor_is_contiguous(const dl_tensor *t);
/* Allocates a zero-filled row-major tensor owned by the caller. */
DL_EXPORT dl_status dl_tensor_alloc(dl_tensor *t, dl_dtype dtype,
                                    int32_t rank, const int64_t *shape);
/* Releases memory the runtime gave the caller (dl_tensor_alloc, results of
 * dl_invoke with null data, dl_npy_read) and sets data to NULL. NULL data
 * is fine. */
DL_EXPORT void dl_tensor_free(dl_tensor *t);
/* Copies src into dst elementwise (same dtype and shape, any strides). */
DL_EXPORT dl_status dl_tensor_copy(dl_tensor *dst, const dl_tensor *src);

/* 64-byte aligned memory from the runtime's allocator; dl_free releases it.
 * Generated code allocates through the same allocator. */
DL_EXPORT void *dl_alloc(size_t size);
DL_EXPORT void dl_free(void *ptr);
/* The number of blocks the allocator has handed out and not yet freed, on
 * all threads (dl_alloc, tensors, allocations of generated code): for leak
 * checks. */
DL_EXPORT size_t dl_alloc_count(void);

/*===----------------------------------------------------------------------===*
 * Signatures and calls
 *===----------------------------------------------------------------------===*/

typedef enum dl_role {
  DL_ROLE_INPUT = 0,
  DL_ROLE_PARAM = 1, /* learnable parameter */
  DL_ROLE_STATE = 2, /* non-trainable model state */
  DL_ROLE_OUTPUT = 3,
  /* optimizer state of a training step ("net.fc1.w:m"): the value of
   * DL_CHECKPOINT_OPTIMIZER_STATE (docs/training.md) */
  DL_ROLE_SLOT = 4,
  /* the seed of the random numbers the function draws: an i64 scalar, the
   * last argument (docs/random.md) */
  DL_ROLE_SEED = 5,
  /* a training step's i64 scalars: steps taken before this one, and the
   * epoch from 0 (docs/training.md) */
  DL_ROLE_STEP = 6,
  DL_ROLE_EPOCH = 7,
} dl_role;

/* An extent: static when size >= 0; otherwise dynamic, named by symbol
 * ("B"), or unnamed when symbol is NULL. */
typedef struct dl_dim {
  int64_t size;
  const char *symbol;
} dl_dim;

typedef struct dl_value_info {
  const char *name; /* argument or parameter name; may be NULL for results */
  dl_role role;
  dl_dtype dtype;
  int32_t rank;
  dl_dim dims[DL_MAX_RANK];
  /* Arguments only: nonzero when the call writes the argument's new value
   * into its buffer (parameters a training step updates, optimizer state),
   * which must then be writable and not shared with another argument. */
  int32_t updated;
} dl_value_info;

typedef struct dl_signature {
  const char *name; /* entry point name, e.g. "MLP.forward" */
  int32_t num_args;
  const dl_value_info *args;
  int32_t num_results;
  const dl_value_info *results;
} dl_signature;

/* The generated packed entry point (docs/runtime-abi.md). */
typedef void (*dl_packed_fn)(void **argv);

/* Validates args against sig, calls fn, and fills results (see the ABI
 * document for ownership). */
DL_EXPORT dl_status dl_invoke(const dl_signature *sig, dl_packed_fn fn,
                              const dl_tensor *args, size_t num_args,
                              dl_tensor *results, size_t num_results);

/* Computes result shapes from argument shapes when every result extent is
 * static or a symbol bound by the arguments; fills dtype, rank and shape of
 * each result (data stays NULL). Fails otherwise. */
DL_EXPORT dl_status dl_result_shapes(const dl_signature *sig,
                                     const dl_tensor *args, size_t num_args,
                                     dl_tensor *results, size_t num_results);

/*===----------------------------------------------------------------------===*
 * Called by generated code only
 *===----------------------------------------------------------------------===*/

/* Fails the current call with a message (kept as given; NULL is allowed):
 * jumps back to dl_invoke, which frees the call's allocations and returns
 * DL_ERROR_RUNTIME. Does not return. Called outside dl_invoke, it prints the
 * message to stderr and aborts: there is no call to return to. */
DL_EXPORT void dlrt_fail(const char *message);
/* MLIR's generic allocation functions: 64-byte aligned (or more) blocks owned
 * by the current call; exhausted memory fails the call
 * (DL_ERROR_OUT_OF_MEMORY). Outside a call the blocks are untracked and a
 * failure returns NULL. */
DL_EXPORT void *_mlir_memref_to_llvm_alloc(size_t size);
DL_EXPORT void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment,
                                                   size_t size);
DL_EXPORT void _mlir_memref_to_llvm_free(void *ptr);

/*===----------------------------------------------------------------------===*
 * .npy and .npz files
 *===----------------------------------------------------------------------===*/

/* Reads an .npy file into a new row-major tensor (free with dl_tensor_free). */
DL_EXPORT dl_status dl_npy_read(const char *path, dl_tensor *out);
/* Reads .npy bytes from memory. */
DL_EXPORT dl_status dl_npy_read_buffer(const void *bytes, size_t size,
                                       dl_tensor *out);
/* Writes a tensor (any strides) as an .npy file (format 1.0). */
DL_EXPORT dl_status dl_npy_write(const char *path, const dl_tensor *t);

typedef struct dl_npz dl_npz;
/* Reads every array of an .npz archive. */
DL_EXPORT dl_status dl_npz_open(const char *path, dl_npz **out);
DL_EXPORT void dl_npz_close(dl_npz *npz);
DL_EXPORT size_t dl_npz_count(const dl_npz *npz);
/* Name of array i without the ".npy" suffix. */
DL_EXPORT const char *dl_npz_name(const dl_npz *npz, size_t i);
/* Array i, owned by the archive. */
DL_EXPORT const dl_tensor *dl_npz_get(const dl_npz *npz, size_t i);
/* The array with this name, or NULL. */
DL_EXPORT const dl_tensor *dl_npz_find(const dl_npz *npz, const char *name);
/* Writes arrays (any strides) to an uncompressed .npz (as numpy.savez); the
 * names, without ".npy", must be non-empty and distinct. */
DL_EXPORT dl_status dl_npz_write(const char *path, size_t count,
                                 const char *const *names,
                                 const dl_tensor *const *tensors);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_RUNTIME_H */
