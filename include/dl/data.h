/*===- dl/data.h - arrays from data files ---------------------------------===*
 *
 * Loading whole arrays from the files data sets come in (.npy, .npz, IDX as
 * MNIST ships it, CSV; any of them gzipped) converted to a dtype a model
 * takes, and normalizing them. C99 and C++. See docs/data.md.
 *
 * Errors follow dl/runtime.h: a dl_status, and a message naming the file
 * (and the line and column of a CSV cell) in dl_last_error().
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_DATA_H
#define DL_DATA_H

#include "dl/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads a whole array from `path` into a new row-major tensor of `dtype`
 * (free it with dl_tensor_free). The format is told by the file's first
 * bytes (after gunzipping a gzip file): .npy, .npz, IDX; anything else is
 * read as CSV. `selector` picks what to load:
 *   .npy, IDX  NULL or ""
 *   .npz       the member's name; NULL or "" when the archive has one array
 *   CSV        columns: NULL or "" (all), "4" (one column: shape [rows]),
 *              "0:4", "::2", "-1:" (Python slices), "0,2,5", header names
 *              "sepal_length,petal_width", or a mix; negative indices count
 *              from the end
 * Values are checked as they are converted: an integer target rejects a
 * non-integral or out-of-range value, f32 rounds (as NumPy's astype) but
 * rejects a finite value beyond its range, bool takes only 0 and 1; CSV
 * integers stay exact up to 64 bits. Malformed files are DL_ERROR_FORMAT, a
 * value that does not convert DL_ERROR_DTYPE, a selector that does not
 * match DL_ERROR_INVALID_ARGUMENT. */
DL_EXPORT dl_status dl_array_load(const char *path, const char *selector,
                                  dl_dtype dtype, dl_tensor *out);

/* The same without converting: the array in the dtype that holds the
 * file's values as they are: .npy and .npz members keep theirs, IDX
 * ubyte/byte/short/int become i32, float f32, double f64; CSV cells f64.
 * For looking at a file (dl-npy print) rather than feeding a model. */
DL_EXPORT dl_status dl_array_load_native(const char *path,
                                         const char *selector,
                                         dl_tensor *out);

/*===----------------------------------------------------------------------===*
 * Normalization: fit statistics on training data, apply them to any split.
 *===----------------------------------------------------------------------===*/

/* Which elements share statistics. A feature is an index into every axis
 * but the first (the samples): a column of an [N, F] table, a pixel of
 * [N, 28, 28] images. */
typedef enum dl_norm_axis {
  DL_NORM_GLOBAL = 0,      /* one shift and divisor for all elements */
  DL_NORM_PER_FEATURE = 1, /* one per feature, over the first axis */
} dl_norm_axis;

typedef enum dl_norm_kind {
  DL_NORM_MINMAX = 0,      /* shift = min, divisor = max - min: to [0, 1] */
  DL_NORM_STANDARDIZE = 1, /* shift = mean, divisor = standard deviation */
} dl_norm_kind;

/* The number of shift and divisor values for `t`: 1 for DL_NORM_GLOBAL,
 * the product of the extents after the first for DL_NORM_PER_FEATURE; -1 if
 * `t` or `axis` is invalid (a per-feature tensor needs rank >= 1). */
DL_EXPORT int64_t dl_norm_count(const dl_tensor *t, dl_norm_axis axis);

/* Computes the statistics of a row-major f32 or f64 tensor into `shift`
 * and `divisor` (dl_norm_count entries each). The standard deviation is
 * the population one (NumPy's default, ddof = 0). A divisor of 0 (a
 * constant feature) is stored as 1, so that applying it leaves the feature
 * at 0 instead of dividing by zero. Fails on an empty tensor and on NaN or
 * infinite elements. */
DL_EXPORT dl_status dl_norm_fit(const dl_tensor *t, dl_norm_kind kind,
                                dl_norm_axis axis, double *shift,
                                double *divisor);

/* In place: t = (t - shift) / divisor for each feature (computed in f64).
 * `t` must be a row-major f32 or f64 tensor. Scaling by a constant is the
 * global case: shift 0, divisor 255. */
DL_EXPORT dl_status dl_norm_apply(dl_tensor *t, dl_norm_axis axis,
                                  const double *shift, const double *divisor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_DATA_H */
