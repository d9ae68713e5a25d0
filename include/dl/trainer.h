/*===- dl/trainer.h - the training loop -----------------------------------===*
 *
 * Trains a model compiled from a `train` block (docs/training.md) inside
 * any program: a trainer is made from the block's compiled functions
 * (T.step, T.step.__init__, T.evaluate, T.metrics) and a configuration,
 * takes its data as tensors bound by name, and runs epochs of mini-batches:
 * seeded shuffling, validation, metrics, early stopping, a history (CSV and
 * SVG), progress output and checkpoints from which a run resumes exactly.
 * `dlc train` is a command-line front end to it. C99 and C++. See
 * docs/training.md.
 *
 * Errors follow dl/runtime.h: a dl_status and a message in dl_last_error().
 * Nothing aborts; bad data, files and configurations are errors.
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_TRAINER_H
#define DL_TRAINER_H

#include "dl/checkpoint.h"
#include "dl/data.h"
#include "dl/runtime.h"
#include "dl/training.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled function: its signature and packed entry point. Both are
 * borrowed and must outlive the trainer. */
typedef struct dl_function {
  const dl_signature *signature;
  dl_packed_fn fn;
} dl_function;

/* The functions the front end compiles from `train T` (docs/training.md).
 * A function that is absent has fn NULL. */
typedef struct dl_trainer_functions {
  dl_function step;     /* T.step: required */
  dl_function init;     /* T.step.__init__: initial parameters, state, slots */
  dl_function evaluate; /* T.evaluate: validation and dl_trainer_evaluate */
  dl_function metrics;  /* T.metrics: when the block has metrics */
} dl_trainer_functions;

/* Data sets. A trainer holds one binding of each data name per set. */
typedef enum dl_trainer_set {
  DL_TRAINER_TRAIN = 0,      /* training data (minus the validation split) */
  DL_TRAINER_VALIDATION = 1, /* separate validation data */
  DL_TRAINER_TEST = 2,       /* data for dl_trainer_evaluate only */
} dl_trainer_set;

/* How a file of weights is used by dl_trainer_load. */
typedef enum dl_trainer_load_mode {
  /* Continue a training: every parameter, state tensor and optimizer slot,
   * the position (epoch, step, samples seen, seed), the data preprocessing
   * and the early-stopping state. A checkpoint only. */
  DL_TRAINER_LOAD_RESUME = 0,
  /* Use a trained model (evaluation): every parameter and state tensor,
   * and the data preprocessing. A checkpoint only. */
  DL_TRAINER_LOAD_MODEL = 1,
  /* Initial weights: parameters and state by name from a checkpoint or an
   * .npz archive (as PyTorch's state_dict saved with numpy.savez). Every
   * array must name a parameter or state tensor (names with ':', optimizer
   * slots and bookkeeping, are skipped); those not in the file keep their
   * initial values. */
  DL_TRAINER_LOAD_INIT = 2,
} dl_trainer_load_mode;

/* What one epoch measured, given to the callback. Values not measured are
 * NaN. Pointers are valid during the callback only. */
typedef struct dl_trainer_epoch {
  int64_t epoch;  /* from 1 */
  int64_t epochs; /* the last epoch of the run */
  double train_loss;
  double val_loss;
  size_t num_metrics;
  const char *const *metric_names;
  const double *train_metrics; /* num_metrics values */
  const double *val_metrics;   /* num_metrics values */
  double learning_rate;        /* the step's lr in the epoch's last step */
  double seconds;              /* wall time of the epoch, validation included */
  int64_t step;                /* steps taken so far */
  int64_t samples_seen;        /* training samples seen so far */
  /* With grad_norms: per trained parameter, the mean and the largest L2
   * norm of its gradient over the epoch's steps (before clipping). */
  size_t num_grad_norms;
  const char *const *grad_norm_names;
  const double *grad_norm_mean;
  const double *grad_norm_max;
  double monitor_value; /* the monitored quantity this epoch */
  int improved;         /* it improved on the best so far */
} dl_trainer_epoch;

/* Called after each epoch (after the history and the checkpoint are
 * written); a nonzero return stops the training after this epoch. */
typedef int (*dl_trainer_callback)(const dl_trainer_epoch *epoch, void *user);

typedef struct dl_trainer_config {
  int64_t batch;  /* samples per step; 1: per-sample SGD; 0: full batch */
  int64_t epochs; /* the epoch to train up to (from the start) */
  int shuffle;    /* reshuffle the training samples every epoch */
  uint64_t seed;  /* shuffling, dropout, initializers */
  /* The fraction of the training data held out for validation when no
   * validation data is bound: the last samples, before shuffling. */
  double val_split;
  /* train_loss, val_loss, train_<metric> or val_<metric> (NULL: val_loss
   * with validation data, else train_loss). Losses are minimized, metrics
   * maximized. */
  const char *monitor;
  int64_t patience; /* stop after this many epochs without improvement;
                       0: never stop early */
  int restore_best; /* at the end, restore the weights of the best epoch */
  /* The step returns gradient norms (compiled with them): report their
   * mean and maximum per epoch. Names of the trained parameters in the
   * order of the norms (NULL: "grad_norms[i]"). */
  int grad_norms;
  size_t num_trained;
  const char *const *trained;
  /* The data name of the metrics' target (NULL: the last data argument of
   * the step whose type fits the target argument of T.metrics). */
  const char *metrics_target;
  /* For checkpoints: the model's name and the optimizer's settings. */
  const char *model;
  const char *optimizer;
  size_t num_hyperparameters;
  const dl_checkpoint_kv *hyperparameters;
  /* Files written after every epoch (NULL: none): a checkpoint, the
   * history as CSV, and its plot as SVG. */
  const char *checkpoint_path;
  const char *history_path;
  const char *plot_path;
  /* A progress display during each epoch, on progress.fd, unless
   * show_progress is 0. */
  int show_progress;
  dl_progress_options progress;
  /* A line per epoch and a summary at the end are written to this file
   * descriptor (-1: none). */
  int log_fd;
  /* Report the step's learning rate (0 for a hand-written update rule,
   * whose lr means nothing). */
  int show_lr;
  dl_trainer_callback on_epoch;
  void *user;
} dl_trainer_config;

/* The defaults: batch 32, 10 epochs, shuffled, seed 0, no validation split,
 * monitor NULL, no early stopping, progress on stderr (DL_PROGRESS_AUTO),
 * log lines on stdout (fd 1) with the learning rate, nothing written. */
DL_EXPORT void dl_trainer_config_init(dl_trainer_config *config);

typedef struct dl_trainer dl_trainer;

/* Makes a trainer: checks the functions' signatures, copies the
 * configuration (strings included) and sets up the parameters, state and
 * optimizer slots from T.step.__init__ (called with config->seed).
 * Parameters without an initializer must be loaded (dl_trainer_load)
 * before training. */
DL_EXPORT dl_status dl_trainer_create(const dl_trainer_functions *functions,
                                      const dl_trainer_config *config,
                                      dl_trainer **out);
DL_EXPORT void dl_trainer_destroy(dl_trainer *trainer);

/* Binds the data `name` (a data argument of T.step: an input of predict or
 * a target of loss) of a set. The tensor is borrowed: it must stay alive
 * and unchanged while the trainer uses it. Its dtype must be the
 * argument's; its first extent counts the samples (the same for every name
 * of a set). When its per-sample shape differs from the argument's but has
 * as many elements (images f32[N, 28, 28] for f32[B, 784]), a sample is
 * read as the argument's shape, in row-major order. `source` (a file name,
 * or NULL) is named in messages. */
DL_EXPORT dl_status dl_trainer_set_data(dl_trainer *trainer,
                                        dl_trainer_set set, const char *name,
                                        const dl_tensor *data,
                                        const char *source);

/* Preprocessing of a floating-point data name, applied to each batch of
 * every set: (x - shift) / divisor. dl_trainer_scale divides by a
 * constant; dl_trainer_normalize fits shift and divisor (dl_norm_fit) on
 * the training split when training starts. The statistics are saved in
 * checkpoints ("data:NAME:shift", "data:NAME:divisor") and loaded with
 * them. */
DL_EXPORT dl_status dl_trainer_scale(dl_trainer *trainer, const char *name,
                                     double divisor);
DL_EXPORT dl_status dl_trainer_normalize(dl_trainer *trainer,
                                         const char *name, dl_norm_kind kind,
                                         dl_norm_axis axis);

/* Loads weights (and, to resume, the training position) from a file. */
DL_EXPORT dl_status dl_trainer_load(dl_trainer *trainer, const char *path,
                                    dl_trainer_load_mode mode);
/* Writes a checkpoint of the current state (atomically). */
DL_EXPORT dl_status dl_trainer_save(dl_trainer *trainer, const char *path);

/* What dl_trainer_fit did. */
typedef struct dl_trainer_summary {
  int64_t epochs_run; /* epochs trained by this call */
  int64_t epoch;      /* epochs completed in all (resumed runs included) */
  int64_t step;
  int64_t samples_seen;
  int stopped_early;  /* early stopping ended the run */
  int64_t best_epoch; /* of the monitored value (0: none) */
  double best_value;
  int restored;       /* the weights of best_epoch were restored */
  double seconds;
} dl_trainer_summary;

/* Trains from the current position up to config.epochs. `summary` may be
 * NULL. A loss that becomes NaN or infinite stops the training with
 * DL_ERROR_RUNTIME. */
DL_EXPORT dl_status dl_trainer_fit(dl_trainer *trainer,
                                   dl_trainer_summary *summary);

/* The loss and metrics of a set in eval mode (T.evaluate in batches, then
 * T.metrics over all predictions): `metrics` has room for
 * dl_trainer_num_metrics values (may be NULL). DL_TRAINER_TRAIN evaluates
 * the training split, DL_TRAINER_VALIDATION the validation data or split. */
DL_EXPORT dl_status dl_trainer_evaluate(dl_trainer *trainer,
                                        dl_trainer_set set, double *loss,
                                        double *metrics,
                                        int64_t *num_samples);

DL_EXPORT size_t dl_trainer_num_metrics(const dl_trainer *trainer);
DL_EXPORT const char *dl_trainer_metric_name(const dl_trainer *trainer,
                                             size_t i);

/* Where the training stands: epochs completed, steps taken, training
 * samples seen, and the run's seed (a resumed run takes its checkpoint's).
 * Any pointer may be NULL. */
DL_EXPORT void dl_trainer_position(const dl_trainer *trainer, int64_t *epoch,
                                   int64_t *step, int64_t *samples_seen,
                                   uint64_t *seed);

/* The parameters, state tensors and optimizer slots, in the order of the
 * step's arguments, owned by the trainer (the step updates them in
 * place). Role: DL_ROLE_PARAM, DL_ROLE_STATE or DL_ROLE_SLOT. */
DL_EXPORT size_t dl_trainer_num_tensors(const dl_trainer *trainer);
DL_EXPORT const char *dl_trainer_tensor_name(const dl_trainer *trainer,
                                             size_t i);
DL_EXPORT dl_role dl_trainer_tensor_role(const dl_trainer *trainer, size_t i);
DL_EXPORT const dl_tensor *dl_trainer_tensor(const dl_trainer *trainer,
                                             size_t i);
/* The tensor with this name, or NULL. */
DL_EXPORT const dl_tensor *dl_trainer_find(const dl_trainer *trainer,
                                           const char *name);
/* Sets parameter or state tensor `name` to a copy of `value` (its dtype and
 * shape), as dl_trainer_load with DL_TRAINER_LOAD_INIT sets those of a
 * file: training starts from values computed elsewhere (dl-repl's
 * session). DL_ERROR_INVALID_ARGUMENT for a name the training does not
 * have, DL_ERROR_DTYPE or DL_ERROR_SHAPE for a value that does not fit. */
DL_EXPORT dl_status dl_trainer_set_tensor(dl_trainer *trainer,
                                          const char *name,
                                          const dl_tensor *value);

/* The seed of step `step` (the seed argument of T.step, for dropout) and
 * the shuffling seed of epoch `epoch` (from 0), from the run's seed:
 * dl_trainer_mix(seed ^ 0x64726f706f7574, step) and
 * dl_trainer_mix(seed ^ 0x73687566666c65, epoch), where dl_trainer_mix(s, k)
 * is draw k+1 of SplitMix64 seeded with s (docs/training.md). */
DL_EXPORT uint64_t dl_trainer_mix(uint64_t seed, uint64_t k);
DL_EXPORT uint64_t dl_trainer_step_seed(uint64_t seed, int64_t step);
DL_EXPORT uint64_t dl_trainer_shuffle_seed(uint64_t seed, int64_t epoch);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_TRAINER_H */
