/*===- dl/training.h - mini-batches, history and progress -----------------===*
 *
 * What a training loop needs around the compiled code: a reproducible
 * shuffle, gathering mini-batches, a per-epoch history kept as CSV and
 * plotted as SVG, and a progress bar. C99 and C++. See docs/data.md.
 *
 * Errors follow dl/runtime.h: a dl_status and a message in dl_last_error().
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_TRAINING_H
#define DL_TRAINING_H

#include "dl/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Shuffling and batching
 *===----------------------------------------------------------------------===*/

/* Fills out[0..n) with a permutation of 0..n-1 that depends only on `seed`
 * and `n`, the same on every platform: Fisher-Yates (for i = n-1 down to 1,
 * swap out[i] with out[j], j uniform in [0, i]) driven by SplitMix64, with
 * j drawn by rejection so that it is unbiased. docs/data.md gives the exact
 * algorithm. */
DL_EXPORT dl_status dl_permutation(uint64_t seed, int64_t n, int64_t *out);

/* Copies rows rows[0..count) of `src` (indices into its first axis) into
 * rows 0..count-1 of the caller's `dst`, for building a mini-batch. `dst`
 * has the dtype and trailing extents of `src` and at least `count` rows (a
 * last, partial batch uses the first `count`); either may have any
 * strides. Indices are checked against the extent of `src`. */
DL_EXPORT dl_status dl_gather_rows(const dl_tensor *src, const int64_t *rows,
                                   int64_t count, dl_tensor *dst);

/*===----------------------------------------------------------------------===*
 * Training history: one record per epoch, kept in a CSV file
 *===----------------------------------------------------------------------===*/

typedef struct dl_history dl_history;

/* One epoch. Values not measured are NaN (written as empty cells). */
typedef struct dl_epoch_record {
  int64_t epoch;
  double train_loss;
  double val_loss;
  /* One value each per metric of the history, in its order; NULL when none
   * was measured. */
  const double *train_metrics;
  const double *val_metrics;
  double learning_rate;
  double seconds; /* wall time of the epoch */
} dl_epoch_record;

/* A history with the named metrics ("accuracy"), kept in memory and, when
 * `csv_path` is not NULL, in that CSV file: an existing file is read first
 * (its header must name the same columns), so that a resumed run keeps its
 * past epochs. The columns are
 *   epoch,train_loss,train_<m>...,val_loss,val_<m>...,learning_rate,seconds
 * Metric names are non-empty, distinct, without ',', '"' or line breaks. */
DL_EXPORT dl_status dl_history_open(const char *csv_path, size_t num_metrics,
                                    const char *const *metric_names,
                                    dl_history **out);
DL_EXPORT void dl_history_close(dl_history *history);

/* Adds a record and rewrites the CSV file (atomically: a crash leaves the
 * old or the new file, never half a line). A record whose epoch is not
 * after the last one replaces the records from that epoch on, as when a
 * run resumes from an earlier checkpoint. */
DL_EXPORT dl_status dl_history_append(dl_history *history,
                                      const dl_epoch_record *record);

DL_EXPORT size_t dl_history_count(const dl_history *history);
/* Record i (its metric arrays owned by the history), or NULL. */
DL_EXPORT const dl_epoch_record *dl_history_get(const dl_history *history,
                                                size_t i);

/* Plots the history as a standalone SVG file: losses (train and
 * validation) against the epoch on one panel, the metrics on another, with
 * axes, ticks, labels and a legend. Written atomically. */
DL_EXPORT dl_status dl_history_write_svg(const dl_history *history,
                                         const char *path);

/*===----------------------------------------------------------------------===*
 * Progress bar
 *===----------------------------------------------------------------------===*/

typedef enum dl_progress_style {
  DL_PROGRESS_AUTO = 0,  /* a bar on a terminal, lines otherwise */
  DL_PROGRESS_BAR = 1,   /* one line redrawn with '\r' */
  DL_PROGRESS_LINES = 2, /* a line every `interval` seconds, for logs */
} dl_progress_style;

typedef struct dl_progress_options {
  int fd;                  /* where to write (2, stderr, by default) */
  dl_progress_style style; /* DL_PROGRESS_AUTO: isatty(fd) decides */
  double interval;         /* seconds between lines (LINES; default 10) */
} dl_progress_options;

typedef struct dl_progress dl_progress;

/* Starts a progress display; `label` ("epoch 3/10") starts every line and
 * `options` may be NULL for the defaults. A bar looks like
 *   epoch 3/10 [=====>    ] 1234/60000 12.3k samples/s ETA 0:04 loss 0.4321
 * and a log line like
 *   epoch 3/10: 1234/60000 (2.1%) 12.3k samples/s ETA 0:04 loss 0.4321 */
DL_EXPORT dl_status dl_progress_create(const char *label,
                                       const dl_progress_options *options,
                                       dl_progress **out);
/* Reports `done` of `total` samples (total <= 0: unknown, no bar or ETA) and
 * the running loss (NaN: not shown). Redraws at most 10 times a second. */
DL_EXPORT void dl_progress_update(dl_progress *progress, int64_t done,
                                  int64_t total, double loss);
/* The same at an explicit time: `seconds` since dl_progress_create, for
 * callers with their own clock (and for tests). */
DL_EXPORT void dl_progress_update_at(dl_progress *progress, int64_t done,
                                     int64_t total, double loss,
                                     double seconds);
/* Shows the last state reported, with the time it took (until the last
 * update) instead of the ETA, ends the line and frees the display. NULL is
 * fine. */
DL_EXPORT void dl_progress_finish(dl_progress *progress);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_TRAINING_H */
