/* The trainer's C API from C99 (c-trainer.test): dl/trainer.h compiles as
 * strict C, and a C program trains a model whose compiled functions are
 * written by hand here, as the compiler would generate them: y = x w with
 * the mean squared error and plain SGD (lr 0.1), on y = 3x.
 *
 *   usage: c-trainer DIR   (files are written into DIR) */
#include "dl/trainer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Memref descriptors as generated code sees them. */
typedef struct {
  void *allocated;
  void *aligned;
  int64_t offset;
} MemRef0;
typedef struct {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} MemRef2;

static void scalarResult(MemRef0 *r, float value) {
  float *p = (float *)_mlir_memref_to_llvm_alloc(sizeof(float));
  *p = value;
  r->allocated = r->aligned = p;
  r->offset = 0;
}

/* prediction = x w, loss = mean((prediction - y)^2); returns the loss and
 * fills the prediction result. */
static float forward(const MemRef2 *x, const MemRef2 *y, float w,
                     MemRef2 *prediction, float *grad) {
  int64_t n = x->sizes[0], i;
  const float *xs = (const float *)x->aligned;
  const float *ys = (const float *)y->aligned;
  float *p = (float *)_mlir_memref_to_llvm_alloc((size_t)(n ? n : 1) * 4);
  float loss = 0, g = 0;
  for (i = 0; i < n; ++i) {
    float d;
    p[i] = xs[i] * w;
    d = p[i] - ys[i];
    loss += d * d;
    g += 2 * d * xs[i];
  }
  prediction->allocated = prediction->aligned = p;
  prediction->offset = 0;
  prediction->sizes[0] = n;
  prediction->sizes[1] = 1;
  prediction->strides[0] = 1;
  prediction->strides[1] = 1;
  if (grad)
    *grad = g / (float)n;
  return loss / (float)n;
}

/* step(x, y, w [inout], step, epoch, seed) -> (loss, prediction, lr) */
static void step(void **argv) {
  const MemRef2 *x = (const MemRef2 *)argv[0];
  const MemRef2 *y = (const MemRef2 *)argv[1];
  const MemRef2 *w = (const MemRef2 *)argv[2];
  char *out = (char *)argv[6];
  float *weight = (float *)w->aligned, grad;
  float loss = forward(x, y, *weight, (MemRef2 *)(out + sizeof(MemRef0)),
                       &grad);
  scalarResult((MemRef0 *)out, loss);
  scalarResult((MemRef0 *)(out + sizeof(MemRef0) + sizeof(MemRef2)), 0.1f);
  *weight -= 0.1f * grad; /* in place */
}

/* evaluate(x, y, w) -> (loss, prediction) */
static void evaluate(void **argv) {
  const MemRef2 *x = (const MemRef2 *)argv[0];
  const MemRef2 *y = (const MemRef2 *)argv[1];
  const MemRef2 *w = (const MemRef2 *)argv[2];
  char *out = (char *)argv[3];
  float loss = forward(x, y, *(const float *)w->aligned,
                       (MemRef2 *)(out + sizeof(MemRef0)), NULL);
  scalarResult((MemRef0 *)out, loss);
}

/* metrics(prediction, target) -> close: the fraction within 0.1 */
static void metrics(void **argv) {
  const MemRef2 *p = (const MemRef2 *)argv[0];
  const MemRef2 *y = (const MemRef2 *)argv[1];
  int64_t n = p->sizes[0], i, close = 0;
  for (i = 0; i < n; ++i)
    close += fabsf(((const float *)p->aligned)[i] -
                   ((const float *)y->aligned)[i]) < 0.1f;
  scalarResult((MemRef0 *)argv[2], (float)close / (float)n);
}

/* init() -> w = 0 */
static void init(void **argv) {
  MemRef2 *w = (MemRef2 *)argv[0];
  float *p = (float *)_mlir_memref_to_llvm_alloc(4);
  *p = 0;
  w->allocated = w->aligned = p;
  w->offset = 0;
  w->sizes[0] = w->sizes[1] = 1;
  w->strides[0] = w->strides[1] = 1;
}

static dl_value_info value(const char *name, dl_role role, dl_dtype dtype,
                           int32_t rank, const char *symbol) {
  dl_value_info v;
  int32_t d;
  memset(&v, 0, sizeof(v));
  v.name = name;
  v.role = role;
  v.dtype = dtype;
  v.rank = rank;
  for (d = 0; d < rank; ++d)
    v.dims[d].size = 1;
  if (symbol) {
    v.dims[0].size = -1;
    v.dims[0].symbol = symbol;
  }
  return v;
}

static dl_value_info stepArgs[6], stepResults[3], evalArgs[3], evalResults[2],
    metricArgs[2], metricResults[1], initResults[1];
static dl_signature stepSig, evalSig, metricSig, initSig;
static dl_trainer_functions functions;

static void setUp(void) {
  stepArgs[0] = value("x", DL_ROLE_INPUT, DL_F32, 2, "B");
  stepArgs[1] = value("y", DL_ROLE_INPUT, DL_F32, 2, "B");
  stepArgs[2] = value("w", DL_ROLE_PARAM, DL_F32, 2, NULL);
  stepArgs[2].updated = 1;
  stepArgs[3] = value("step", DL_ROLE_STEP, DL_I64, 0, NULL);
  stepArgs[4] = value("epoch", DL_ROLE_EPOCH, DL_I64, 0, NULL);
  stepArgs[5] = value("seed", DL_ROLE_SEED, DL_I64, 0, NULL);
  stepResults[0] = value("loss", DL_ROLE_OUTPUT, DL_F32, 0, NULL);
  stepResults[1] = value("prediction", DL_ROLE_OUTPUT, DL_F32, 2, "B");
  stepResults[2] = value("lr", DL_ROLE_OUTPUT, DL_F32, 0, NULL);
  stepSig.name = "linear.step";
  stepSig.num_args = 6;
  stepSig.args = stepArgs;
  stepSig.num_results = 3;
  stepSig.results = stepResults;

  memcpy(evalArgs, stepArgs, sizeof(evalArgs));
  evalArgs[2].updated = 0;
  memcpy(evalResults, stepResults, sizeof(evalResults));
  evalSig.name = "linear.evaluate";
  evalSig.num_args = 3;
  evalSig.args = evalArgs;
  evalSig.num_results = 2;
  evalSig.results = evalResults;

  metricArgs[0] = value("prediction", DL_ROLE_INPUT, DL_F32, 2, "N");
  metricArgs[1] = value("target", DL_ROLE_INPUT, DL_F32, 2, "N");
  metricResults[0] = value("close", DL_ROLE_OUTPUT, DL_F32, 0, NULL);
  metricSig.name = "linear.metrics";
  metricSig.num_args = 2;
  metricSig.args = metricArgs;
  metricSig.num_results = 1;
  metricSig.results = metricResults;

  initResults[0] = value("w", DL_ROLE_OUTPUT, DL_F32, 2, NULL);
  initSig.name = "linear.step.__init__";
  initSig.num_args = 0;
  initSig.args = NULL;
  initSig.num_results = 1;
  initSig.results = initResults;

  functions.step.signature = &stepSig;
  functions.step.fn = step;
  functions.evaluate.signature = &evalSig;
  functions.evaluate.fn = evaluate;
  functions.metrics.signature = &metricSig;
  functions.metrics.fn = metrics;
  functions.init.signature = &initSig;
  functions.init.fn = init;
}

static int onEpoch(const dl_trainer_epoch *e, void *user) {
  int *count = (int *)user;
  ++*count;
  if (e->epoch == 1 || e->epoch == e->epochs)
    printf("callback: epoch %d/%d loss %.4f close %.2f val_loss %.4f "
           "val_close %.2f lr %g step %d samples %d\n",
           (int)e->epoch, (int)e->epochs, e->train_loss, e->train_metrics[0],
           e->val_loss, e->val_metrics[0], e->learning_rate, (int)e->step,
           (int)e->samples_seen);
  return 0;
}

static float xs[16], ys[16];
static dl_tensor x, y;

static dl_trainer *make(int64_t epochs, const char *checkpoint, int *count) {
  dl_trainer_config config;
  dl_trainer *trainer = NULL;
  dl_trainer_config_init(&config);
  config.batch = 4;
  config.epochs = epochs;
  config.seed = 7;
  config.val_split = 0.25;
  config.show_progress = 0;
  config.log_fd = -1;
  config.model = "linear";
  config.optimizer = "SGD";
  config.checkpoint_path = checkpoint;
  config.on_epoch = onEpoch;
  config.user = count;
  if (dl_trainer_create(&functions, &config, &trainer) != DL_OK) {
    printf("create: %s\n", dl_last_error());
    return NULL;
  }
  if (dl_trainer_set_data(trainer, DL_TRAINER_TRAIN, "x", &x, "xs") ||
      dl_trainer_set_data(trainer, DL_TRAINER_TRAIN, "y", &y, "ys"))
    printf("set_data: %s\n", dl_last_error());
  return trainer;
}

static float weight(const dl_trainer *trainer) {
  return *(const float *)dl_trainer_find(trainer, "w")->data;
}

int main(int argc, char **argv) {
  char straight[512], resumed[512];
  dl_trainer *a, *b;
  dl_trainer_summary summary;
  int64_t shape[2] = {16, 1}, samples, wrongShape[2] = {16, 2};
  double loss, close;
  int count = 0, i;
  float wa;
  dl_tensor wrong;
  size_t baseline = dl_alloc_count();
  if (argc != 2)
    return 2;
  snprintf(straight, sizeof(straight), "%s/straight.ckpt", argv[1]);
  snprintf(resumed, sizeof(resumed), "%s/resumed.ckpt", argv[1]);
  setUp();
  for (i = 0; i < 16; ++i) {
    xs[i] = (float)(i - 8) / 8;
    ys[i] = 3 * xs[i];
  }
  dl_tensor_init(&x, xs, DL_F32, 2, shape);
  dl_tensor_init(&y, ys, DL_F32, 2, shape);

  /* 20 epochs straight. */
  a = make(20, straight, &count);
  if (dl_trainer_fit(a, &summary) != DL_OK)
    printf("fit: %s\n", dl_last_error());
  printf("epochs %d step %d samples %d best epoch %d callbacks %d\n",
         (int)summary.epochs_run, (int)summary.step,
         (int)summary.samples_seen, (int)summary.best_epoch, count);
  wa = weight(a);
  printf("w %.3f\n", wa);
  dl_trainer_evaluate(a, DL_TRAINER_VALIDATION, &loss, &close, &samples);
  printf("validation: %d samples, loss below 1e-3: %d, close %.2f\n",
         (int)samples, loss < 1e-3, close);

  /* 10 epochs, then 10 more resumed from the checkpoint: the same bits. */
  b = make(10, resumed, &count);
  dl_trainer_fit(b, NULL);
  dl_trainer_destroy(b);
  b = make(20, NULL, &count);
  if (dl_trainer_load(b, resumed, DL_TRAINER_LOAD_RESUME) != DL_OK)
    printf("load: %s\n", dl_last_error());
  dl_trainer_fit(b, &summary);
  printf("resumed: %d epochs run, step %d, identical: %d\n",
         (int)summary.epochs_run, (int)summary.step,
         memcmp(&wa, dl_trainer_find(b, "w")->data, 4) == 0);
  dl_trainer_destroy(b);

  /* Evaluation of a model loaded from a checkpoint. */
  b = make(1, NULL, &count);
  dl_trainer_load(b, straight, DL_TRAINER_LOAD_MODEL);
  dl_trainer_set_data(b, DL_TRAINER_TEST, "x", &x, NULL);
  dl_trainer_set_data(b, DL_TRAINER_TEST, "y", &y, NULL);
  dl_trainer_evaluate(b, DL_TRAINER_TEST, &loss, &close, &samples);
  printf("test: %d samples, close %.2f\n", (int)samples, close);

  /* Errors. */
  if (dl_trainer_set_data(b, DL_TRAINER_TRAIN, "z", &x, "z.npy"))
    printf("error: %s\n", dl_last_error());
  dl_tensor_init(&wrong, xs, DL_F32, 2, wrongShape);
  wrong.shape[0] = 8;
  if (dl_trainer_set_data(b, DL_TRAINER_TRAIN, "x", &wrong, "x.npy"))
    printf("error: %s\n", dl_last_error());
  wrong.dtype = DL_I32;
  if (dl_trainer_set_data(b, DL_TRAINER_TRAIN, "x", &wrong, "x.npy"))
    printf("error: %s\n", dl_last_error());
  if (dl_trainer_load(b, argv[1], DL_TRAINER_LOAD_RESUME))
    printf("error: %s\n", dl_last_error());
  {
    /* A value set from elsewhere (dl-repl's session). */
    float five = 5.0f;
    int64_t oneByOne[2] = {1, 1};
    dl_tensor value;
    dl_tensor_init(&value, &five, DL_F32, 2, oneByOne);
    if (dl_trainer_set_tensor(b, "w", &value) == DL_OK)
      printf("set: w %.1f\n", *(const float *)dl_trainer_find(b, "w")->data);
    if (dl_trainer_set_tensor(b, "v", &value))
      printf("error: %s\n", dl_last_error());
    if (dl_trainer_set_tensor(b, "w", &wrong))
      printf("error: %s\n", dl_last_error());
  }
  dl_trainer_destroy(b);

  /* The epoch lines. */
  fflush(stdout);
  {
    dl_trainer_config config;
    dl_trainer *c;
    dl_trainer_config_init(&config);
    config.batch = 0;
    config.epochs = 2;
    config.show_progress = 0;
    config.optimizer = "SGD";
    dl_trainer_create(&functions, &config, &c);
    dl_trainer_set_data(c, DL_TRAINER_TRAIN, "x", &x, NULL);
    dl_trainer_set_data(c, DL_TRAINER_TRAIN, "y", &y, NULL);
    dl_trainer_fit(c, NULL);
    dl_trainer_destroy(c);
  }
  dl_trainer_destroy(a);
  printf("leaked blocks: %d\n", (int)(dl_alloc_count() - baseline));
  return 0;
}
