//===- Trainer.cpp - the training loop ------------------------------------===//
//
// dl/trainer.h: a trainer made from the compiled functions of a `train`
// block runs epochs of mini-batches through T.step, which updates the
// parameters and optimizer slots in place in buffers the trainer owns.
// Around it: seeded shuffling, batches gathered from data bound by name
// (reshaped to the argument's per-sample shape, preprocessed), the epoch's
// loss as the sample-weighted mean of the batch losses, metrics over the
// epoch's predictions, validation in eval mode, early stopping, history,
// progress, checkpoints and gradient norms. docs/training.md.
//
//===----------------------------------------------------------------------===//

#include "Trainer.h"
#include "Errors.h"
#include "Tensor.h"
#include "TextBuffer.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>
#include <unistd.h>

using namespace dlrt;

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

bool dlrt::duplicateString(const char *text, MallocPtr<char> &out) {
  out.reset();
  if (!text)
    return true;
  size_t length = strlen(text);
  out = mallocArray<char>(length + 1);
  if (!out)
    return false;
  memcpy(out.get(), text, length + 1);
  return true;
}

namespace {

constexpr const char *kSetNames[] = {"training", "validation", "evaluation"};

dl_status outOfMemory(const char *what) {
  return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
}

int roleCode(const dl_role &role) {
  int code;
  memcpy(&code, &role, sizeof(code));
  return code;
}

double secondsSince(const timespec &start) {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return double(now.tv_sec - start.tv_sec) +
         double(now.tv_nsec - start.tv_nsec) * 1e-9;
}

void writeText(int fd, const TextBuffer &text) {
  if (fd < 0 || text.failed())
    return;
  const char *data = text.data();
  size_t size = text.size();
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    data += n;
    size -= size_t(n);
  }
}

/// A value for people: 4 decimals in a readable range, else scientific
/// ("1.234e-05"). Locale-independent.
void appendValue(TextBuffer &text, double v) {
  if (std::isnan(v)) {
    text.append("nan");
    return;
  }
  if (std::isinf(v)) {
    text.append(v < 0 ? "-inf" : "inf");
    return;
  }
  double a = std::fabs(v);
  if (a == 0 || (a >= 1e-3 && a < 1e5)) {
    text.appendFixed(v, 4);
    return;
  }
  int exponent = int(std::floor(std::log10(a)));
  double mantissa = v / std::pow(10.0, exponent);
  if (std::fabs(mantissa) >= 9.9995) {
    mantissa /= 10;
    ++exponent;
  }
  text.appendFixed(mantissa, 3);
  text.append(exponent < 0 ? "e-" : "e+");
  int e = exponent < 0 ? -exponent : exponent;
  if (e < 10)
    text.appendChar('0');
  text.appendInt(e);
}

/// The shortest text of an f32 value ("0.001", not the f64 expansion of
/// the f32 nearest to it), and that decimal value as a double.
double shortestFloat(double v, char (&buffer)[32]) {
  std::to_chars_result r =
      std::to_chars(buffer, buffer + sizeof(buffer) - 1, float(v));
  *r.ptr = '\0';
  double parsed = v;
  std::from_chars(buffer, r.ptr, parsed);
  return parsed;
}

/// "f32[B, 784]" for a signature's value.
void appendInfoType(Message &m, const dl_value_info &info) {
  m.append("%s", dl_dtype_name(info.dtype));
  if (info.rank == 0)
    return;
  m.append("[");
  for (int32_t d = 0; d < info.rank; ++d) {
    if (d)
      m.append(", ");
    const dl_dim &dim = info.dims[d];
    if (dim.size >= 0)
      m.append("%lld", static_cast<long long>(dim.size));
    else
      m.append("%s", dim.symbol ? dim.symbol : "?");
  }
  m.append("]");
}

dl_tensor rowsView(const dl_tensor &t, int64_t begin, int64_t count) {
  dl_tensor v = t;
  v.shape[0] = count;
  if (t.data)
    v.data = static_cast<char *>(t.data) +
             begin * t.strides[0] * int64_t(dl_dtype_size(t.dtype));
  return v;
}

/// The value of a scalar result (f32 or f64).
bool scalarValue(const dl_tensor &t, double *out) {
  if (t.rank != 0 || !t.data)
    return false;
  if (t.dtype == DL_F32)
    *out = *static_cast<const float *>(t.data);
  else if (t.dtype == DL_F64)
    *out = *static_cast<const double *>(t.data);
  else
    return false;
  return true;
}

/// The result of a signature with this name, or `fallback` if none is
/// named so and the fallback exists.
int resultIndex(const dl_signature *sig, const char *name, int fallback) {
  for (int32_t i = 0; i < sig->num_results; ++i)
    if (sig->results[i].name && strcmp(sig->results[i].name, name) == 0)
      return i;
  return fallback >= 0 && fallback < sig->num_results ? fallback : -1;
}

bool isScalarI64(const dl_value_info &info) {
  return info.dtype == DL_I64 && info.rank == 0;
}

/// Results of a call, freed on scope exit.
class CallResults {
public:
  explicit CallResults(size_t n) : count(n), items(mallocArray<dl_tensor>(n)) {
    if (items)
      memset(items.get(), 0, sizeof(dl_tensor) * (n ? n : 1));
  }
  ~CallResults() {
    if (items)
      for (size_t i = 0; i < count; ++i)
        dl_tensor_free(&items.get()[i]);
  }
  bool ok() const { return items != nullptr; }
  dl_tensor *data() { return items.get(); }
  dl_tensor &operator[](size_t i) { return items.get()[i]; }

private:
  size_t count;
  MallocPtr<dl_tensor> items;
};

/// An owned tensor, freed on scope exit.
struct ScopedTensor {
  dl_tensor t{};
  ScopedTensor() = default;
  ScopedTensor(const ScopedTensor &) = delete;
  ~ScopedTensor() { dl_tensor_free(&t); }
};

} // namespace

//===----------------------------------------------------------------------===//
// The trainer
//===----------------------------------------------------------------------===//

DataArg *dl_trainer::findData(const char *name) const {
  for (DataArg *d : data)
    if (name && strcmp(d->info->name, name) == 0)
      return d;
  return nullptr;
}

ModelTensor *dl_trainer::findTensor(const char *name) {
  for (ModelTensor &m : tensors)
    if (name && strcmp(m.name, name) == 0)
      return &m;
  return nullptr;
}

dl_trainer::~dl_trainer() {
  for (char *name : trainedNames)
    free(name);
  for (dl_checkpoint_kv &kv : hyperparameters) {
    free(const_cast<char *>(kv.key));
    free(const_cast<char *>(kv.value));
  }
  for (ModelTensor &m : tensors) {
    dl_tensor_free(&m.tensor);
    dl_tensor_free(&m.best);
  }
  for (DataArg *d : data) {
    for (Binding &b : d->sets)
      dl_tensor_free(&b.owned);
    dl_tensor_free(&d->batch);
    delete d;
  }
}

namespace {

/// Names the data arguments of the step, for messages: "x, y".
void appendDataNames(Message &m, const dl_trainer *t) {
  for (size_t i = 0; i < t->data.size(); ++i)
    m.append("%s%s", i ? ", " : "", t->data[i]->info->name);
}

dl_status copyConfig(dl_trainer *t, const dl_trainer_config *config) {
  t->config = *config;
  if (!duplicateString(config->monitor, t->monitor) ||
      !duplicateString(config->metrics_target, t->metricsTarget) ||
      !duplicateString(config->model, t->model) ||
      !duplicateString(config->optimizer, t->optimizer) ||
      !duplicateString(config->checkpoint_path, t->checkpointPath) ||
      !duplicateString(config->history_path, t->historyPath) ||
      !duplicateString(config->plot_path, t->plotPath))
    return outOfMemory("dl_trainer_create");
  t->config.monitor = t->monitor.get();
  t->config.metrics_target = t->metricsTarget.get();
  t->config.model = t->model.get();
  t->config.optimizer = t->optimizer.get();
  t->config.checkpoint_path = t->checkpointPath.get();
  t->config.history_path = t->historyPath.get();
  t->config.plot_path = t->plotPath.get();
  if (config->num_trained && !config->trained)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_create: null trained names");
  for (size_t i = 0; i < config->num_trained; ++i) {
    MallocPtr<char> name;
    if (!duplicateString(config->trained[i] ? config->trained[i] : "?", name) ||
        !t->trainedNames.push(name.get()))
      return outOfMemory("dl_trainer_create");
    name.release();
  }
  t->config.trained = t->trainedNames.data();
  if (config->num_hyperparameters && !config->hyperparameters)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_create: null hyperparameters");
  for (size_t i = 0; i < config->num_hyperparameters; ++i) {
    const dl_checkpoint_kv &kv = config->hyperparameters[i];
    MallocPtr<char> key, value;
    if (!duplicateString(kv.key ? kv.key : "", key) ||
        !duplicateString(kv.value ? kv.value : "", value) ||
        !t->hyperparameters.push({key.get(), value.get()}))
      return outOfMemory("dl_trainer_create");
    key.release();
    value.release();
  }
  t->config.hyperparameters = t->hyperparameters.data();
  if (config->batch < 0)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "the batch size must be at least 0 (0: the whole data "
                    "set), not %lld",
                    static_cast<long long>(config->batch));
  if (config->epochs < 0)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "the number of epochs must be at least 0, not %lld",
                    static_cast<long long>(config->epochs));
  if (!(config->val_split >= 0 && config->val_split < 1))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "the validation split is a fraction in [0, 1), not %g",
                    config->val_split);
  if (config->patience < 0)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "the patience must be at least 0, not %lld",
                    static_cast<long long>(config->patience));
  t->seed = config->seed;
  return DL_OK;
}

/// Checks a function's signature; `what` names it ("T.step").
dl_status checkFunction(const dl_function &f, const char *what) {
  if (!f.signature)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_create: %s has no signature", what);
  const dl_signature *s = f.signature;
  if (s->num_args < 0 || s->num_results < 0 ||
      (s->num_args && !s->args) || (s->num_results && !s->results))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_create: the signature of %s is malformed",
                    what);
  for (int32_t i = 0; i < s->num_args; ++i) {
    int role = roleCode(s->args[i].role);
    if (role != DL_ROLE_SEED && role != DL_ROLE_STEP &&
        role != DL_ROLE_EPOCH && !s->args[i].name)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "dl_trainer_create: argument %d of %s has no name",
                      int(i), what);
  }
  return DL_OK;
}

dl_status analyzeStep(dl_trainer *t) {
  const dl_signature *s = t->functions.step.signature;
  const char *name = s->name ? s->name : "the step";
  for (int32_t i = 0; i < s->num_args; ++i) {
    const dl_value_info &info = s->args[i];
    int role = roleCode(info.role);
    switch (role) {
    case DL_ROLE_INPUT: {
      if (info.rank < 1)
        return setError(DL_ERROR_SHAPE,
                        "%s: the data argument '%s' is a scalar; data needs "
                        "a first axis of samples",
                        name, info.name);
      DataArg *d = new (std::nothrow) DataArg();
      if (!d || !t->data.push(d)) {
        delete d;
        return outOfMemory("dl_trainer_create");
      }
      d->info = &info;
      break;
    }
    case DL_ROLE_PARAM:
    case DL_ROLE_STATE:
    case DL_ROLE_SLOT: {
      if (strchr(info.name, ':') && role != DL_ROLE_SLOT)
        return setError(DL_ERROR_INVALID_ARGUMENT,
                        "%s: the name '%s' of a parameter contains ':'", name,
                        info.name);
      ModelTensor m;
      m.name = info.name;
      m.role = info.role;
      m.updated = info.updated != 0;
      int64_t shape[DL_MAX_RANK];
      for (int32_t d = 0; d < info.rank; ++d) {
        if (info.dims[d].size < 0) {
          Message msg;
          msg.append("%s: '%s' has the dynamic shape ", name, info.name);
          appendInfoType(msg, info);
          msg.append("; parameters, state and slots need static shapes");
          return setError(DL_ERROR_SHAPE, "%s", msg.str());
        }
        shape[d] = info.dims[d].size;
      }
      // Shape only; the memory comes with the first value.
      if (dl_status status =
              dl_tensor_init(&m.tensor, nullptr, info.dtype, info.rank, shape))
        return status;
      if (!t->tensors.push(m))
        return outOfMemory("dl_trainer_create");
      break;
    }
    case DL_ROLE_STEP:
    case DL_ROLE_EPOCH:
    case DL_ROLE_SEED:
      if (!isScalarI64(info))
        return setError(DL_ERROR_DTYPE,
                        "%s: the %s argument must be an i64 scalar", name,
                        role == DL_ROLE_STEP    ? "step"
                        : role == DL_ROLE_EPOCH ? "epoch"
                                                : "seed");
      break;
    default:
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: argument %d has an invalid role (%d)", name, int(i),
                      role);
    }
  }
  if (t->data.empty())
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s takes no data (no argument with the role input)",
                    name);
  t->step.loss = resultIndex(s, "loss", 0);
  t->step.prediction = resultIndex(s, "prediction", 1);
  t->step.lr = resultIndex(s, "lr", 2);
  t->step.gradNorms = resultIndex(s, "grad_norms", -1);
  if (t->step.loss < 0 || s->results[t->step.loss].rank != 0)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: the first result must be the loss (a scalar)", name);
  if (t->config.grad_norms && t->step.gradNorms < 0)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "gradient norms were asked for, but %s does not return "
                    "them (compile the step with gradient norms)",
                    name);
  if (t->step.gradNorms >= 0) {
    const dl_value_info &g = s->results[t->step.gradNorms];
    if (g.rank != 1 || g.dtype != DL_F32)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: the result 'grad_norms' must be f32[P]", name);
  }
  return DL_OK;
}

/// Every data argument, parameter and state tensor of a function must be
/// the step's.
dl_status analyzeOther(dl_trainer *t, const dl_function &f, const char *what) {
  const dl_signature *s = f.signature;
  const char *name = s->name ? s->name : what;
  for (int32_t i = 0; i < s->num_args; ++i) {
    const dl_value_info &info = s->args[i];
    int role = roleCode(info.role);
    if (role == DL_ROLE_INPUT) {
      DataArg *d = t->findData(info.name);
      if (!d)
        return setError(DL_ERROR_INVALID_ARGUMENT,
                        "%s takes the data '%s', which the step does not",
                        name, info.name);
    } else if (role == DL_ROLE_PARAM || role == DL_ROLE_STATE) {
      ModelTensor *m = t->findTensor(info.name);
      if (!m)
        return setError(DL_ERROR_INVALID_ARGUMENT,
                        "%s takes '%s', which the step does not", name,
                        info.name);
      if (m->tensor.dtype != info.dtype || m->tensor.rank != info.rank)
        return setError(DL_ERROR_SHAPE,
                        "%s and the step disagree on the type of '%s'", name,
                        info.name);
    } else if (role != DL_ROLE_SEED) {
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: argument %d has an unexpected role (%d)", name,
                      int(i), role);
    }
  }
  return DL_OK;
}

dl_status analyzeMetrics(dl_trainer *t) {
  const dl_signature *s = t->functions.metrics.signature;
  const char *name = s->name ? s->name : "the metrics";
  int32_t inputs = 0;
  const dl_value_info *target = nullptr;
  for (int32_t i = 0; i < s->num_args; ++i) {
    int role = roleCode(s->args[i].role);
    if (role == DL_ROLE_SEED)
      continue;
    if (role != DL_ROLE_INPUT)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s takes the predictions and the targets only", name);
    if (++inputs == 2)
      target = &s->args[i];
  }
  if (inputs != 2 || target->rank < 1)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s must take (prediction: [N, ...], target: [N, ...])",
                    name);
  for (int32_t i = 0; i < s->num_results; ++i) {
    if (s->results[i].rank != 0 ||
        (s->results[i].dtype != DL_F32 && s->results[i].dtype != DL_F64))
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: metric %d is not a floating-point scalar", name,
                      int(i));
    const char *metric = s->results[i].name;
    if (!metric || !*metric)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: metric %d has no name", name, int(i));
    if (!t->metricNames.push(metric))
      return outOfMemory("dl_trainer_create");
  }
  t->numMetrics = t->metricNames.size();
  // The target: named, or the last data argument of the step that fits.
  if (t->config.metrics_target) {
    for (size_t i = 0; i < t->data.size(); ++i)
      if (strcmp(t->data[i]->info->name, t->config.metrics_target) == 0)
        t->metricsTargetIndex = int(i);
    if (t->metricsTargetIndex < 0) {
      Message m;
      m.append("the metrics' target '%s' is not a data argument of the step "
               "(",
               t->config.metrics_target);
      appendDataNames(m, t);
      m.append(")");
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s", m.str());
    }
    return DL_OK;
  }
  for (size_t i = 0; i < t->data.size(); ++i) {
    const dl_value_info &d = *t->data[i]->info;
    bool fits = d.dtype == target->dtype && d.rank == target->rank;
    for (int32_t k = 1; fits && k < d.rank; ++k)
      fits = d.dims[k].size == target->dims[k].size;
    if (fits)
      t->metricsTargetIndex = int(i);
  }
  if (t->metricsTargetIndex < 0)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: no data argument of the step fits its target", name);
  return DL_OK;
}

/// Calls T.step.__init__ and keeps the values it gives.
dl_status initialize(dl_trainer *t) {
  const dl_function &init = t->functions.init;
  const dl_signature *s = init.signature;
  int64_t seed = int64_t(t->seed);
  dl_tensor seedTensor;
  dl_tensor_init(&seedTensor, &seed, DL_I64, 0, nullptr);
  GrowableArray<dl_tensor> args;
  for (int32_t i = 0; i < s->num_args; ++i) {
    if (roleCode(s->args[i].role) != DL_ROLE_SEED)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: an initializer takes no argument but its seed",
                      s->name ? s->name : "the initializer");
    if (!args.push(seedTensor))
      return outOfMemory("dl_trainer_create");
  }
  CallResults results(size_t(s->num_results));
  if (!results.ok())
    return outOfMemory("dl_trainer_create");
  if (dl_status status = dl_invoke(s, init.fn, args.data(), args.size(),
                                   results.data(), size_t(s->num_results)))
    return status;
  for (int32_t i = 0; i < s->num_results; ++i) {
    ModelTensor *m = t->findTensor(s->results[i].name);
    if (!m)
      continue;
    dl_tensor &r = results[size_t(i)];
    bool same = r.dtype == m->tensor.dtype && r.rank == m->tensor.rank;
    for (int32_t d = 0; same && d < r.rank; ++d)
      same = r.shape[d] == m->tensor.shape[d];
    if (!same) {
      Message msg;
      msg.append("%s gives '%s' as ", s->name ? s->name : "the initializer",
                 m->name);
      appendType(msg, r.dtype, r.rank, r.shape);
      msg.append(" but the step takes ");
      appendType(msg, m->tensor.dtype, m->tensor.rank, m->tensor.shape);
      return setError(DL_ERROR_SHAPE, "%s", msg.str());
    }
    // Results of dl_invoke are row-major and the caller's: keep them.
    dl_tensor_free(&m->tensor);
    m->tensor = r;
    m->set = true;
    r.data = nullptr;
  }
  return DL_OK;
}

/// Gives every model tensor memory (zeros), so that a tensor that is not
/// set still has a buffer to load into.
dl_status allocateTensors(dl_trainer *t) {
  for (ModelTensor &m : t->tensors) {
    if (m.tensor.data)
      continue;
    dl_tensor shape = m.tensor;
    if (dl_status status =
            dl_tensor_alloc(&m.tensor, shape.dtype, shape.rank, shape.shape))
      return status;
  }
  return DL_OK;
}

} // namespace

extern "C" {

void dl_trainer_config_init(dl_trainer_config *config) {
  if (!config)
    return;
  memset(config, 0, sizeof(*config));
  config->batch = 32;
  config->epochs = 10;
  config->shuffle = 1;
  config->show_progress = 1;
  config->progress.fd = 2;
  config->progress.style = DL_PROGRESS_AUTO;
  config->progress.interval = 10;
  config->log_fd = 1;
  config->show_lr = 1;
}

dl_status dl_trainer_create(const dl_trainer_functions *functions,
                            const dl_trainer_config *config,
                            dl_trainer **out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_create: null result");
  *out = nullptr;
  if (!functions || !config)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_create: null %s",
                    functions ? "configuration" : "functions");
  if (!functions->step.fn)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_create: the step function is required");
  dl_trainer *t = new (std::nothrow) dl_trainer();
  if (!t)
    return outOfMemory("dl_trainer_create");
  t->functions = *functions;
  dl_status status = copyConfig(t, config);
  if (!status)
    status = checkFunction(functions->step, "the step");
  if (!status && functions->init.fn)
    status = checkFunction(functions->init, "the initializer");
  if (!status && functions->evaluate.fn)
    status = checkFunction(functions->evaluate, "the evaluation");
  if (!status && functions->metrics.fn)
    status = checkFunction(functions->metrics, "the metrics");
  if (!status)
    status = analyzeStep(t);
  if (!status && functions->evaluate.fn)
    status = analyzeOther(t, functions->evaluate, "the evaluation");
  if (!status && functions->evaluate.fn) {
    const dl_signature *s = functions->evaluate.signature;
    t->evaluate.loss = resultIndex(s, "loss", 0);
    t->evaluate.prediction = resultIndex(s, "prediction", 1);
    if (t->evaluate.loss < 0 || s->results[t->evaluate.loss].rank != 0)
      status = setError(DL_ERROR_INVALID_ARGUMENT,
                        "%s: the first result must be the loss (a scalar)",
                        s->name ? s->name : "the evaluation");
  }
  if (!status && functions->metrics.fn)
    status = analyzeMetrics(t);
  if (!status && functions->init.fn)
    status = initialize(t);
  if (!status)
    status = allocateTensors(t);
  if (status) {
    delete t;
    return status;
  }
  *out = t;
  return DL_OK;
}

void dl_trainer_destroy(dl_trainer *trainer) { delete trainer; }

size_t dl_trainer_num_metrics(const dl_trainer *trainer) {
  return trainer ? trainer->numMetrics : 0;
}

const char *dl_trainer_metric_name(const dl_trainer *trainer, size_t i) {
  return trainer && i < trainer->numMetrics ? trainer->metricNames[i]
                                            : nullptr;
}

void dl_trainer_position(const dl_trainer *trainer, int64_t *epoch,
                         int64_t *step, int64_t *samples_seen,
                         uint64_t *seed) {
  if (epoch)
    *epoch = trainer ? trainer->epoch : 0;
  if (step)
    *step = trainer ? trainer->stepCount : 0;
  if (samples_seen)
    *samples_seen = trainer ? trainer->samplesSeen : 0;
  if (seed)
    *seed = trainer ? trainer->seed : 0;
}

size_t dl_trainer_num_tensors(const dl_trainer *trainer) {
  return trainer ? trainer->tensors.size() : 0;
}

const char *dl_trainer_tensor_name(const dl_trainer *trainer, size_t i) {
  return trainer && i < trainer->tensors.size() ? trainer->tensors[i].name
                                                : nullptr;
}

dl_role dl_trainer_tensor_role(const dl_trainer *trainer, size_t i) {
  return trainer && i < trainer->tensors.size() ? trainer->tensors[i].role
                                                : DL_ROLE_INPUT;
}

const dl_tensor *dl_trainer_tensor(const dl_trainer *trainer, size_t i) {
  return trainer && i < trainer->tensors.size() ? &trainer->tensors[i].tensor
                                                : nullptr;
}

const dl_tensor *dl_trainer_find(const dl_trainer *trainer, const char *name) {
  if (!trainer || !name)
    return nullptr;
  for (const ModelTensor &m : trainer->tensors)
    if (strcmp(m.name, name) == 0)
      return &m.tensor;
  return nullptr;
}

uint64_t dl_trainer_mix(uint64_t seed, uint64_t k) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (k + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t dl_trainer_step_seed(uint64_t seed, int64_t step) {
  return dl_trainer_mix(seed ^ 0x64726f706f7574ULL, uint64_t(step));
}

uint64_t dl_trainer_shuffle_seed(uint64_t seed, int64_t epoch) {
  return dl_trainer_mix(seed ^ 0x73687566666c65ULL, uint64_t(epoch));
}

//===----------------------------------------------------------------------===//
// Data
//===----------------------------------------------------------------------===//

dl_status dl_trainer_set_data(dl_trainer *trainer, dl_trainer_set set,
                              const char *name, const dl_tensor *data,
                              const char *source) {
  if (!trainer || !name)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_set_data: null %s",
                    trainer ? "name" : "trainer");
  int which;
  memcpy(&which, &set, sizeof(which));
  if (which < DL_TRAINER_TRAIN || which > DL_TRAINER_TEST)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_set_data: invalid set (%d)", which);
  DataArg *d = trainer->findData(name);
  if (!d) {
    Message m;
    m.append("the training has no data named '%s' (its data: ", name);
    appendDataNames(m, trainer);
    m.append(")");
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s", m.str());
  }
  if (dl_status status = checkTensor(data, "dl_trainer_set_data: the data"))
    return status;
  const dl_value_info &info = *d->info;
  Message where; // "data 'x' (train.npy)"
  where.append("data '%s'", name);
  if (source)
    where.append(" (%s)", source);
  auto mismatch = [&](dl_status status, const char *why) {
    Message m;
    m.append("%s has %s ", where.str(),
             status == DL_ERROR_DTYPE ? "type" : "shape");
    appendType(m, data->dtype, data->rank, data->shape);
    m.append(" but the training takes ");
    appendInfoType(m, info);
    m.append("%s", why);
    return setError(status, "%s", m.str());
  };
  if (data->dtype != info.dtype)
    return mismatch(DL_ERROR_DTYPE, "");
  if (data->rank < 1)
    return mismatch(DL_ERROR_SHAPE, ": data needs a first axis of samples");
  // The per-sample shape: the argument's when its extents are static and
  // the counts agree (a reshape), else the data's own, checked extent by
  // extent.
  bool staticSample = true;
  int64_t wanted = 1;
  for (int32_t k = 1; k < info.rank; ++k) {
    if (info.dims[k].size < 0)
      staticSample = false;
    else
      wanted *= info.dims[k].size;
  }
  int64_t have = checkedNumel(data->rank - 1, data->shape + 1);
  dl_tensor shaped = *data;
  if (staticSample) {
    if (have != wanted) {
      char why[160];
      snprintf(why, sizeof(why),
               ": a sample has %lld value%s, the training takes %lld",
               static_cast<long long>(have), have == 1 ? "" : "s",
               static_cast<long long>(wanted));
      return mismatch(DL_ERROR_SHAPE, why);
    }
  } else {
    bool same = data->rank == info.rank;
    for (int32_t k = 1; same && k < info.rank; ++k)
      same = info.dims[k].size < 0 || info.dims[k].size == data->shape[k];
    if (!same)
      return mismatch(DL_ERROR_SHAPE, "");
  }
  Binding fresh;
  // A strided tensor is copied to row-major first.
  if (!isRowMajor(data->rank, data->shape, data->strides)) {
    if (dl_status status = dl_tensor_alloc(&fresh.owned, data->dtype,
                                           data->rank, data->shape))
      return status;
    if (dl_status status = dl_tensor_copy(&fresh.owned, data)) {
      dl_tensor_free(&fresh.owned);
      return status;
    }
    shaped = fresh.owned;
  }
  if (staticSample) {
    int64_t shape[DL_MAX_RANK];
    shape[0] = data->shape[0];
    for (int32_t k = 1; k < info.rank; ++k)
      shape[k] = info.dims[k].size;
    void *memory = shaped.data;
    dl_tensor_init(&shaped, memory, info.dtype, info.rank, shape);
  }
  fresh.source = shaped;
  fresh.bound = true;
  if (!duplicateString(source, fresh.sourceName)) {
    dl_tensor_free(&fresh.owned);
    return outOfMemory("dl_trainer_set_data");
  }
  // Every name of a set counts the same samples.
  for (DataArg *other : trainer->data) {
    const Binding &b = other->sets[which];
    if (other == d || !b.bound || b.source.shape[0] == data->shape[0])
      continue;
    Message m;
    m.append("%s has %lld samples but data '%s'", where.str(),
             static_cast<long long>(data->shape[0]), other->info->name);
    if (b.sourceName)
      m.append(" (%s)", b.sourceName.get());
    m.append(" has %lld", static_cast<long long>(b.source.shape[0]));
    dl_tensor_free(&fresh.owned);
    return setError(DL_ERROR_SHAPE, "%s", m.str());
  }
  Binding &b = d->sets[which];
  dl_tensor_free(&b.owned);
  b.bound = true;
  b.source = fresh.source;
  b.owned = fresh.owned;
  b.sourceName = static_cast<MallocPtr<char> &&>(fresh.sourceName);
  return DL_OK;
}

static dl_status preprocessTarget(dl_trainer *trainer, const char *name,
                                  DataArg **out) {
  if (!trainer || !name)
    return setError(DL_ERROR_INVALID_ARGUMENT, "null %s",
                    trainer ? "name" : "trainer");
  DataArg *d = trainer->findData(name);
  if (!d) {
    Message m;
    m.append("cannot preprocess '%s': the training has no data of that name "
             "(its data: ",
             name);
    appendDataNames(m, trainer);
    m.append(")");
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s", m.str());
  }
  if (d->info->dtype != DL_F32 && d->info->dtype != DL_F64) {
    Message m;
    m.append("cannot scale or normalize '%s': the training takes it as ",
             name);
    appendInfoType(m, *d->info);
    m.append(", not floating-point");
    return setError(DL_ERROR_DTYPE, "%s", m.str());
  }
  if (d->preprocess != Preprocess::None)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "'%s' is already scaled or normalized; give one of them",
                    name);
  *out = d;
  return DL_OK;
}

dl_status dl_trainer_scale(dl_trainer *trainer, const char *name,
                           double divisor) {
  DataArg *d;
  if (dl_status status = preprocessTarget(trainer, name, &d))
    return status;
  if (!(std::isfinite(divisor) && divisor != 0))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "cannot scale '%s' by %g: the divisor must be finite and "
                    "not zero",
                    name, divisor);
  d->shift = mallocArray<double>(1);
  d->divisor = mallocArray<double>(1);
  if (!d->shift || !d->divisor)
    return outOfMemory("dl_trainer_scale");
  d->shift.get()[0] = 0;
  d->divisor.get()[0] = divisor;
  d->count = 1;
  d->axis = DL_NORM_GLOBAL;
  d->preprocess = Preprocess::Scale;
  d->fitted = true;
  return DL_OK;
}

dl_status dl_trainer_normalize(dl_trainer *trainer, const char *name,
                               dl_norm_kind kind, dl_norm_axis axis) {
  DataArg *d;
  if (dl_status status = preprocessTarget(trainer, name, &d))
    return status;
  int k, a;
  memcpy(&k, &kind, sizeof(k));
  memcpy(&a, &axis, sizeof(a));
  if ((k != DL_NORM_MINMAX && k != DL_NORM_STANDARDIZE) ||
      (a != DL_NORM_GLOBAL && a != DL_NORM_PER_FEATURE))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_normalize: invalid kind (%d) or axis (%d)", k,
                    a);
  d->kind = kind;
  d->axis = axis;
  d->preprocess = Preprocess::Normalize;
  d->fitted = false;
  return DL_OK;
}

} // extern "C"

//===----------------------------------------------------------------------===//
// Running functions over data
//===----------------------------------------------------------------------===//

namespace {

/// The rows of every data argument that make up a set, as views.
struct SetViews {
  int64_t samples = 0;
  bool present = false; // the set exists (a validation split may not)
  GrowableArray<dl_tensor> sources;
};

/// The number of training samples once the validation split is held out.
int64_t trainingSamples(const dl_trainer *t, int64_t total) {
  bool separate = t->data[0]->sets[DL_TRAINER_VALIDATION].bound;
  if (separate || t->config.val_split <= 0)
    return total;
  return int64_t(double(total) * (1.0 - t->config.val_split));
}

dl_status bindingsOf(const dl_trainer *t, int which, SetViews &views) {
  views.sources.clear();
  for (DataArg *d : t->data) {
    const Binding &b = d->sets[which];
    if (!b.bound) {
      Message m;
      m.append("no %s data bound to '%s' (", kSetNames[which], d->info->name);
      appendInfoType(m, *d->info);
      m.append(")");
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s", m.str());
    }
    if (!views.sources.push(b.source))
      return outOfMemory("training");
  }
  views.samples = views.sources[0].shape[0];
  views.present = true;
  return DL_OK;
}

/// The views of a set: the training split, the validation data or split,
/// or the evaluation data.
dl_status setViews(const dl_trainer *t, dl_trainer_set set, SetViews &views) {
  int which = int(set);
  views.present = false;
  views.samples = 0;
  if (which == DL_TRAINER_TEST)
    return bindingsOf(t, DL_TRAINER_TEST, views);
  bool separate = false;
  for (DataArg *d : t->data)
    separate |= d->sets[DL_TRAINER_VALIDATION].bound;
  if (which == DL_TRAINER_VALIDATION && separate)
    return bindingsOf(t, DL_TRAINER_VALIDATION, views);
  if (which == DL_TRAINER_VALIDATION && t->config.val_split <= 0)
    return DL_OK; // no validation
  if (dl_status status = bindingsOf(t, DL_TRAINER_TRAIN, views))
    return status;
  int64_t total = views.samples;
  int64_t train = separate ? total : trainingSamples(t, total);
  int64_t begin = which == DL_TRAINER_TRAIN ? 0 : train;
  int64_t count = which == DL_TRAINER_TRAIN ? train : total - train;
  for (dl_tensor &v : views.sources)
    v = rowsView(v, begin, count);
  views.samples = count;
  return DL_OK;
}

/// Makes sure a data argument's batch buffer holds `rows` rows of samples
/// shaped like `source`.
dl_status ensureBatch(DataArg &d, const dl_tensor &source, int64_t rows) {
  bool fits = d.batch.data && d.batch.shape[0] >= rows &&
              d.batch.rank == source.rank && d.batch.dtype == source.dtype;
  for (int32_t k = 1; fits && k < source.rank; ++k)
    fits = d.batch.shape[k] == source.shape[k];
  if (fits)
    return DL_OK;
  dl_tensor_free(&d.batch);
  int64_t shape[DL_MAX_RANK];
  memcpy(shape, source.shape, sizeof(shape));
  shape[0] = rows;
  return dl_tensor_alloc(&d.batch, source.dtype, source.rank, shape);
}

/// Applies a data argument's preprocessing to row-major rows in place.
dl_status preprocess(const DataArg &d, dl_tensor &rows) {
  if (d.preprocess == Preprocess::None)
    return DL_OK;
  if (!d.fitted)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "the normalization of '%s' has not been fitted (train "
                    "first, or load a checkpoint)",
                    d.info->name);
  if (dl_norm_count(&rows, d.axis) != d.count) {
    Message m;
    m.append("the normalization of '%s' has %lld values; it does not fit ",
             d.info->name, static_cast<long long>(d.count));
    appendType(m, rows.dtype, rows.rank, rows.shape);
    return setError(DL_ERROR_SHAPE, "%s", m.str());
  }
  return dl_norm_apply(&rows, d.axis, d.shift.get(), d.divisor.get());
}

/// Gathers rows of a data argument into its batch buffer, preprocessed.
dl_status gatherBatch(DataArg &d, const dl_tensor &source, const int64_t *rows,
                      int64_t count, dl_tensor *view) {
  dl_tensor v = d.batch;
  v.shape[0] = count;
  if (dl_status status = dl_gather_rows(&source, rows, count, &v))
    return status;
  if (dl_status status = preprocess(d, v))
    return status;
  *view = v;
  return DL_OK;
}

/// Fits the normalizations that are still to fit on the training split.
dl_status fitNormalization(dl_trainer *t, const SetViews &train) {
  for (size_t i = 0; i < t->data.size(); ++i) {
    DataArg &d = *t->data[i];
    if (d.preprocess != Preprocess::Normalize || d.fitted)
      continue;
    const dl_tensor &x = train.sources[i];
    int64_t count = dl_norm_count(&x, d.axis);
    if (count < 1)
      return setError(DL_ERROR_SHAPE, "cannot normalize '%s'",
                      d.info->name);
    d.shift = mallocArray<double>(size_t(count));
    d.divisor = mallocArray<double>(size_t(count));
    if (!d.shift || !d.divisor)
      return outOfMemory("normalization");
    if (dl_status status = dl_norm_fit(&x, d.kind, d.axis, d.shift.get(),
                                       d.divisor.get())) {
      Message m;
      m.append("cannot normalize '%s': %s", d.info->name, dl_last_error());
      return setError(status, "%s", m.str());
    }
    d.count = count;
    d.fitted = true;
  }
  return DL_OK;
}

/// Collects predictions (rows of the results of successive calls) and
/// the matching targets for T.metrics.
class MetricInputs {
public:
  ~MetricInputs() {
    dl_tensor_free(&predictions);
    dl_tensor_free(&targets);
  }
  /// Appends the rows of one batch's prediction at row `at`.
  dl_status addPrediction(const dl_tensor &p, int64_t at, int64_t total) {
    if (p.rank < 1)
      return setError(DL_ERROR_SHAPE,
                      "the prediction is a scalar; metrics need one row per "
                      "sample");
    if (!predictions.data) {
      int64_t shape[DL_MAX_RANK];
      memcpy(shape, p.shape, sizeof(shape));
      shape[0] = total;
      if (dl_status status =
              dl_tensor_alloc(&predictions, p.dtype, p.rank, shape))
        return status;
    }
    dl_tensor rows = rowsView(predictions, at, p.shape[0]);
    if (at + p.shape[0] > total)
      return setError(DL_ERROR_SHAPE, "more predictions than samples");
    return dl_tensor_copy(&rows, &p);
  }
  /// The targets of the given rows (in that order), preprocessed.
  dl_status setTargets(const DataArg &d, const dl_tensor &source,
                       const int64_t *rows, int64_t count) {
    int64_t shape[DL_MAX_RANK];
    memcpy(shape, source.shape, sizeof(shape));
    shape[0] = count;
    if (dl_status status =
            dl_tensor_alloc(&targets, source.dtype, source.rank, shape))
      return status;
    if (dl_status status = dl_gather_rows(&source, rows, count, &targets))
      return status;
    return preprocess(d, targets);
  }
  dl_tensor predictions{}, targets{};
};

/// Calls T.metrics on whole-set predictions and targets.
dl_status computeMetrics(dl_trainer *t, MetricInputs &inputs, double *out) {
  const dl_function &f = t->functions.metrics;
  const dl_signature *s = f.signature;
  int64_t seed = int64_t(t->seed);
  dl_tensor seedTensor;
  dl_tensor_init(&seedTensor, &seed, DL_I64, 0, nullptr);
  GrowableArray<dl_tensor> args;
  int inputs_ = 0;
  for (int32_t i = 0; i < s->num_args; ++i) {
    bool ok = roleCode(s->args[i].role) == DL_ROLE_SEED
                  ? args.push(seedTensor)
                  : args.push(inputs_++ == 0 ? inputs.predictions
                                             : inputs.targets);
    if (!ok)
      return outOfMemory("metrics");
  }
  CallResults results(size_t(s->num_results));
  if (!results.ok())
    return outOfMemory("metrics");
  if (dl_status status = dl_invoke(s, f.fn, args.data(), args.size(),
                                   results.data(), size_t(s->num_results)))
    return status;
  for (size_t i = 0; i < t->numMetrics; ++i) {
    if (!scalarValue(results[i], &out[i])) {
      out[i] = NAN;
      continue;
    }
    // An f32 metric as the decimal it is (0.34761906, not the f64
    // expansion of that f32), for the history file.
    char text[32];
    if (results[i].dtype == DL_F32 && std::isfinite(out[i]))
      out[i] = shortestFloat(out[i], text);
  }
  return DL_OK;
}

/// Row indices 0 .. n-1.
MallocPtr<int64_t> identityOrder(int64_t n) {
  MallocPtr<int64_t> order = mallocArray<int64_t>(size_t(n));
  if (order)
    for (int64_t i = 0; i < n; ++i)
      order.get()[i] = i;
  return order;
}

/// Loss and metrics of a set in eval mode (T.evaluate in batches).
dl_status evaluateSet(dl_trainer *t, const SetViews &views, double *loss,
                      double *metrics) {
  const dl_function &f = t->functions.evaluate;
  if (!f.fn)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "evaluating needs the evaluation function (T.evaluate)");
  const dl_signature *s = f.signature;
  int64_t n = views.samples;
  if (n <= 0)
    return setError(DL_ERROR_INVALID_ARGUMENT, "no samples to evaluate");
  int64_t batch = t->config.batch > 0 && t->config.batch < n
                      ? t->config.batch
                      : n;
  MallocPtr<int64_t> order = identityOrder(n);
  if (!order)
    return outOfMemory("evaluation");
  for (size_t i = 0; i < t->data.size(); ++i)
    if (dl_status status = ensureBatch(*t->data[i], views.sources[i], batch))
      return status;
  bool wantMetrics = t->functions.metrics.fn && t->numMetrics > 0 && metrics;
  MetricInputs collected;
  int64_t seed = int64_t(t->seed);
  dl_tensor seedTensor;
  dl_tensor_init(&seedTensor, &seed, DL_I64, 0, nullptr);
  GrowableArray<dl_tensor> batchViews, args;
  if (!batchViews.reserve(t->data.size()) ||
      !args.reserve(size_t(s->num_args)))
    return outOfMemory("evaluation");
  double lossSum = 0;
  for (int64_t start = 0; start < n; start += batch) {
    int64_t count = n - start < batch ? n - start : batch;
    batchViews.clear();
    for (size_t i = 0; i < t->data.size(); ++i) {
      dl_tensor v;
      if (dl_status status = gatherBatch(*t->data[i], views.sources[i],
                                         order.get() + start, count, &v))
        return status;
      batchViews.push(v);
    }
    args.clear();
    for (int32_t i = 0; i < s->num_args; ++i) {
      const dl_value_info &info = s->args[i];
      int role = roleCode(info.role);
      if (role == DL_ROLE_SEED) {
        args.push(seedTensor);
      } else if (role == DL_ROLE_INPUT) {
        for (size_t k = 0; k < t->data.size(); ++k)
          if (strcmp(t->data[k]->info->name, info.name) == 0)
            args.push(batchViews[k]);
      } else {
        args.push(t->findTensor(info.name)->tensor);
      }
    }
    CallResults results(size_t(s->num_results));
    if (!results.ok())
      return outOfMemory("evaluation");
    if (dl_status status = dl_invoke(s, f.fn, args.data(), args.size(),
                                     results.data(), size_t(s->num_results)))
      return status;
    double batchLoss;
    if (!scalarValue(results[size_t(t->evaluate.loss)], &batchLoss))
      return setError(DL_ERROR_RUNTIME, "the loss is not a scalar");
    lossSum += batchLoss * double(count);
    if (wantMetrics && t->evaluate.prediction >= 0)
      if (dl_status status = collected.addPrediction(
              results[size_t(t->evaluate.prediction)], start, n))
        return status;
  }
  *loss = lossSum / double(n);
  if (wantMetrics) {
    int target = t->metricsTargetIndex;
    if (dl_status status =
            collected.setTargets(*t->data[size_t(target)],
                                 views.sources[size_t(target)], order.get(), n))
      return status;
    if (dl_status status = computeMetrics(t, collected, metrics))
      return status;
  }
  return DL_OK;
}

} // namespace

extern "C" dl_status dl_trainer_evaluate(dl_trainer *trainer,
                                         dl_trainer_set set, double *loss,
                                         double *metrics,
                                         int64_t *num_samples) {
  if (!trainer || !loss)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_trainer_evaluate: null %s",
                    trainer ? "loss" : "trainer");
  int which;
  memcpy(&which, &set, sizeof(which));
  if (which < DL_TRAINER_TRAIN || which > DL_TRAINER_TEST)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_trainer_evaluate: invalid set (%d)", which);
  for (const ModelTensor &m : trainer->tensors)
    if (!m.set && m.role != DL_ROLE_SLOT)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "'%s' has no value: load the weights first", m.name);
  SetViews views;
  if (dl_status status = setViews(trainer, set, views))
    return status;
  if (!views.present)
    return setError(DL_ERROR_INVALID_ARGUMENT, "there is no validation data");
  if (which != DL_TRAINER_TEST) {
    SetViews train;
    if (dl_status status = setViews(trainer, DL_TRAINER_TRAIN, train))
      return status;
    if (dl_status status = fitNormalization(trainer, train))
      return status;
  }
  *loss = NAN;
  for (size_t i = 0; metrics && i < trainer->numMetrics; ++i)
    metrics[i] = NAN;
  if (num_samples)
    *num_samples = views.samples;
  return evaluateSet(trainer, views, loss, metrics);
}

//===----------------------------------------------------------------------===//
// Fitting
//===----------------------------------------------------------------------===//

namespace {

/// What early stopping watches: its name, and where its value is.
struct Monitor {
  const char *name = "train_loss";
  bool validation = false;
  int metric = -1; // -1: the loss
  bool maximize = false;
};

dl_status resolveMonitor(dl_trainer *t, bool haveValidation, Monitor &m) {
  const char *wanted = t->config.monitor;
  bool needed = t->config.patience > 0 || t->config.restore_best;
  if (!wanted)
    wanted = haveValidation ? "val_loss" : "train_loss";
  const char *rest = nullptr;
  if (strncmp(wanted, "train_", 6) == 0) {
    rest = wanted + 6;
  } else if (strncmp(wanted, "val_", 4) == 0) {
    rest = wanted + 4;
    m.validation = true;
  }
  bool found = rest && strcmp(rest, "loss") == 0;
  for (size_t i = 0; rest && !found && i < t->numMetrics; ++i)
    if (strcmp(rest, t->metricNames[i]) == 0) {
      m.metric = int(i);
      m.maximize = true;
      found = true;
    }
  if (!found) {
    Message msg;
    msg.append("cannot monitor '%s': it is one of train_loss, val_loss",
               wanted);
    for (size_t i = 0; i < t->numMetrics; ++i)
      msg.append(", train_%s, val_%s", t->metricNames[i], t->metricNames[i]);
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s", msg.str());
  }
  if (m.validation && !haveValidation) {
    if (needed)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "early stopping and restoring the best weights watch "
                      "'%s', which needs validation data (a validation split "
                      "or separate validation data)",
                      wanted);
    // Nothing depends on it: watch the training loss instead.
    m = Monitor();
    return DL_OK;
  }
  m.name = wanted;
  return DL_OK;
}

dl_status copyTensor(dl_tensor &to, const dl_tensor &from) {
  if (!to.data)
    if (dl_status status =
            dl_tensor_alloc(&to, from.dtype, from.rank, from.shape))
      return status;
  return dl_tensor_copy(&to, &from);
}

/// The epoch line: "epoch 3/10  loss 0.4123  acc 0.8512  val_loss ...".
void logEpoch(const dl_trainer *t, const dl_trainer_epoch &e,
              bool showLr) {
  if (t->config.log_fd < 0)
    return;
  TextBuffer text;
  text.append("epoch ");
  text.appendInt(e.epoch);
  text.appendChar('/');
  text.appendInt(e.epochs);
  text.append("  loss ");
  appendValue(text, e.train_loss);
  for (size_t i = 0; i < e.num_metrics; ++i) {
    text.append("  ");
    text.append(e.metric_names[i]);
    text.appendChar(' ');
    appendValue(text, e.train_metrics[i]);
  }
  if (!std::isnan(e.val_loss)) {
    text.append("  val_loss ");
    appendValue(text, e.val_loss);
    for (size_t i = 0; i < e.num_metrics; ++i) {
      text.append("  val_");
      text.append(e.metric_names[i]);
      text.appendChar(' ');
      appendValue(text, e.val_metrics[i]);
    }
  }
  if (showLr && !std::isnan(e.learning_rate)) {
    char buffer[32];
    shortestFloat(e.learning_rate, buffer);
    text.append("  lr ");
    text.append(buffer);
  }
  text.append("  ");
  text.appendFixed(e.seconds, 1);
  text.append("s\n");
  for (size_t i = 0; i < e.num_grad_norms; ++i) {
    text.append("  grad norm ");
    text.append(e.grad_norm_names[i]);
    text.append("  mean ");
    appendValue(text, e.grad_norm_mean[i]);
    text.append("  max ");
    appendValue(text, e.grad_norm_max[i]);
    text.appendChar('\n');
  }
  writeText(t->config.log_fd, text);
}

/// Per-epoch buffers of the loop, freed on exit.
struct EpochBuffers {
  MallocPtr<int64_t> order;
  MallocPtr<double> trainMetrics, valMetrics;
  MallocPtr<double> normSum, normMax;
  GrowableArray<const char *> normNames;
  MallocPtr<char> normNameText; // "grad_norms[i]" for unnamed norms
};

dl_status saveBest(dl_trainer *t) {
  for (ModelTensor &m : t->tensors) {
    if (m.role == DL_ROLE_SLOT)
      continue;
    if (dl_status status = copyTensor(m.best, m.tensor))
      return status;
  }
  t->haveBestWeights = true;
  return DL_OK;
}

dl_status restoreBest(dl_trainer *t) {
  for (ModelTensor &m : t->tensors)
    if (m.role != DL_ROLE_SLOT && m.best.data)
      if (dl_status status = dl_tensor_copy(&m.tensor, &m.best))
        return status;
  return DL_OK;
}

class HistoryHandle {
public:
  ~HistoryHandle() { dl_history_close(history); }
  dl_history *history = nullptr;
};

class ProgressHandle {
public:
  ~ProgressHandle() { dl_progress_finish(progress); }
  void finish() {
    dl_progress_finish(progress);
    progress = nullptr;
  }
  dl_progress *progress = nullptr;
};

} // namespace

// Defined in TrainerCheckpoint.cpp.
dl_status dlrtTrainerWriteCheckpoint(dl_trainer *t, const char *path);

extern "C" dl_status dl_trainer_fit(dl_trainer *trainer,
                                    dl_trainer_summary *summary) {
  if (!trainer)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_trainer_fit: null trainer");
  dl_trainer *t = trainer;
  timespec runStart;
  clock_gettime(CLOCK_MONOTONIC, &runStart);
  if (summary) {
    memset(summary, 0, sizeof(*summary));
    summary->best_value = NAN;
  }
  for (const ModelTensor &m : t->tensors)
    if (!m.set && m.role != DL_ROLE_SLOT)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "the %s '%s' has no initializer: give its initial "
                      "value from a file (dlc train --init FILE; "
                      "dl_trainer_load)",
                      m.role == DL_ROLE_PARAM ? "parameter" : "state tensor",
                      m.name);
  SetViews train, validation;
  if (dl_status status = setViews(t, DL_TRAINER_TRAIN, train))
    return status;
  if (train.samples < 1)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "no training samples (%lld in all, validation split %g)",
                    static_cast<long long>(train.sources[0].shape[0]),
                    t->config.val_split);
  if (dl_status status = setViews(t, DL_TRAINER_VALIDATION, validation))
    return status;
  if (validation.present && validation.samples < 1)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "the validation split %g of %lld samples holds out none",
                    t->config.val_split,
                    static_cast<long long>(train.samples));
  bool haveValidation = validation.present;
  if (haveValidation && !t->functions.evaluate.fn)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "validation needs the evaluation function (T.evaluate)");
  Monitor monitor;
  if (dl_status status = resolveMonitor(t, haveValidation, monitor))
    return status;
  if (dl_status status = fitNormalization(t, train))
    return status;

  const dl_signature *s = t->functions.step.signature;
  int64_t n = train.samples;
  int64_t batch = t->config.batch > 0 && t->config.batch < n
                      ? t->config.batch
                      : n;
  for (size_t i = 0; i < t->data.size(); ++i)
    if (dl_status status = ensureBatch(*t->data[i], train.sources[i], batch))
      return status;

  EpochBuffers buffers;
  buffers.order = mallocArray<int64_t>(size_t(n));
  size_t numMetrics = t->functions.metrics.fn ? t->numMetrics : 0;
  buffers.trainMetrics = mallocArray<double>(numMetrics);
  buffers.valMetrics = mallocArray<double>(numMetrics);
  if (!buffers.order || !buffers.trainMetrics || !buffers.valMetrics)
    return outOfMemory("training");
  // Gradient norms: one per trained parameter, named by the configuration.
  size_t numNorms = 0;
  if (t->config.grad_norms && t->step.gradNorms >= 0) {
    int64_t p = s->results[t->step.gradNorms].dims[0].size;
    if (p < 0)
      return setError(DL_ERROR_SHAPE,
                      "the step's gradient norms have no static length");
    numNorms = size_t(p);
    buffers.normSum = mallocArray<double>(numNorms);
    buffers.normMax = mallocArray<double>(numNorms);
    buffers.normNameText = mallocArray<char>(numNorms * 32);
    if (!buffers.normSum || !buffers.normMax || !buffers.normNameText ||
        !buffers.normNames.reserve(numNorms))
      return outOfMemory("training");
    for (size_t k = 0; k < numNorms; ++k) {
      if (k < t->config.num_trained) {
        buffers.normNames.push(t->config.trained[k]);
        continue;
      }
      char *name = buffers.normNameText.get() + 32 * k;
      snprintf(name, 32, "grad_norms[%zu]", k);
      buffers.normNames.push(name);
    }
  }

  HistoryHandle history;
  if (t->config.history_path || t->config.plot_path) {
    if (dl_status status =
            dl_history_open(t->config.history_path, numMetrics,
                            t->metricNames.data(), &history.history))
      return status;
  }

  int64_t stepValue = 0, epochValue = 0, seedValue = 0;
  dl_tensor stepTensor, epochTensor, seedTensor;
  dl_tensor_init(&stepTensor, &stepValue, DL_I64, 0, nullptr);
  dl_tensor_init(&epochTensor, &epochValue, DL_I64, 0, nullptr);
  dl_tensor_init(&seedTensor, &seedValue, DL_I64, 0, nullptr);
  GrowableArray<dl_tensor> batchViews, args;
  if (!batchViews.reserve(t->data.size()) ||
      !args.reserve(size_t(s->num_args)))
    return outOfMemory("training");

  dl_progress_options progressOptions = t->config.progress;
  int progressStyle;
  memcpy(&progressStyle, &progressOptions.style, sizeof(progressStyle));
  if (progressStyle != DL_PROGRESS_AUTO && progressStyle != DL_PROGRESS_BAR &&
      progressStyle != DL_PROGRESS_LINES)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "invalid progress style (%d)", progressStyle);
  if (!(progressOptions.interval >= 0 &&
        std::isfinite(progressOptions.interval)))
    progressOptions.interval = 10;
  bool bar = progressStyle == DL_PROGRESS_BAR ||
             (progressStyle == DL_PROGRESS_AUTO && isatty(progressOptions.fd));
  int64_t firstEpoch = t->epoch;
  bool stoppedEarly = false, stopRequested = false;
  bool showLr = t->config.show_lr && t->step.lr >= 0;
  if (t->epoch >= t->config.epochs && t->config.log_fd >= 0) {
    TextBuffer text;
    text.append("nothing to train: ");
    text.appendInt(t->epoch);
    text.append(" epochs done, training up to ");
    text.appendInt(t->config.epochs);
    text.appendChar('\n');
    writeText(t->config.log_fd, text);
  }
  for (int64_t e = t->epoch; e < t->config.epochs && !stopRequested; ++e) {
    timespec epochStart;
    clock_gettime(CLOCK_MONOTONIC, &epochStart);
    int64_t *order = buffers.order.get();
    if (t->config.shuffle) {
      if (dl_status status =
              dl_permutation(dl_trainer_shuffle_seed(t->seed, e), n, order))
        return status;
    } else {
      for (int64_t i = 0; i < n; ++i)
        order[i] = i;
    }
    // Progress: a bar from the start on a terminal; in a log, lines only
    // for an epoch that lasts longer than the interval between lines.
    ProgressHandle progress;
    char label[64];
    snprintf(label, sizeof(label), "epoch %lld/%lld",
             static_cast<long long>(e + 1),
             static_cast<long long>(t->config.epochs));
    auto startProgress = [&]() {
      dl_progress_options options = progressOptions;
      options.style = bar ? DL_PROGRESS_BAR : DL_PROGRESS_LINES;
      if (dl_progress_create(label, &options, &progress.progress))
        progress.progress = nullptr; // progress is never worth failing for
    };
    if (t->config.show_progress && bar)
      startProgress();
    MetricInputs collected;
    double lossSum = 0, lr = NAN;
    int64_t steps = 0;
    for (int64_t start = 0; start < n; start += batch) {
      int64_t count = n - start < batch ? n - start : batch;
      batchViews.clear();
      for (size_t i = 0; i < t->data.size(); ++i) {
        dl_tensor v;
        if (dl_status status = gatherBatch(*t->data[i], train.sources[i],
                                           order + start, count, &v))
          return status;
        batchViews.push(v);
      }
      stepValue = t->stepCount;
      epochValue = e;
      seedValue = int64_t(dl_trainer_step_seed(t->seed, t->stepCount));
      args.clear();
      size_t dataIndex = 0, tensorIndex = 0;
      for (int32_t i = 0; i < s->num_args; ++i) {
        switch (roleCode(s->args[i].role)) {
        case DL_ROLE_INPUT:
          args.push(batchViews[dataIndex++]);
          break;
        case DL_ROLE_STEP:
          args.push(stepTensor);
          break;
        case DL_ROLE_EPOCH:
          args.push(epochTensor);
          break;
        case DL_ROLE_SEED:
          args.push(seedTensor);
          break;
        default:
          args.push(t->tensors[tensorIndex++].tensor);
          break;
        }
      }
      CallResults results(size_t(s->num_results));
      if (!results.ok())
        return outOfMemory("training");
      if (dl_status status = dl_invoke(s, t->functions.step.fn, args.data(),
                                       args.size(), results.data(),
                                       size_t(s->num_results)))
        return status;
      double batchLoss;
      if (!scalarValue(results[size_t(t->step.loss)], &batchLoss))
        return setError(DL_ERROR_RUNTIME, "the loss is not a scalar");
      if (!std::isfinite(batchLoss)) {
        progress.finish();
        return setError(DL_ERROR_RUNTIME,
                        "the loss is %s at epoch %lld, step %lld: the "
                        "training diverged (a smaller learning rate, "
                        "gradient clipping or --check-numerics may help)",
                        std::isnan(batchLoss) ? "nan" : "infinite",
                        static_cast<long long>(e + 1),
                        static_cast<long long>(t->stepCount + 1));
      }
      if (t->step.lr >= 0)
        scalarValue(results[size_t(t->step.lr)], &lr);
      if (numMetrics && t->step.prediction >= 0)
        if (dl_status status = collected.addPrediction(
                results[size_t(t->step.prediction)], start, n))
          return status;
      if (numNorms) {
        const dl_tensor &g = results[size_t(t->step.gradNorms)];
        if (steps == 0)
          for (size_t k = 0; k < numNorms; ++k)
            buffers.normSum.get()[k] = 0, buffers.normMax.get()[k] = 0;
        const float *norms = static_cast<const float *>(g.data);
        for (size_t k = 0; k < numNorms && int64_t(k) < g.shape[0]; ++k) {
          double v = norms[k];
          buffers.normSum.get()[k] += v;
          if (v > buffers.normMax.get()[k] || std::isnan(v))
            buffers.normMax.get()[k] = v;
        }
      }
      lossSum += batchLoss * double(count);
      ++steps;
      ++t->stepCount;
      t->samplesSeen += count;
      if (t->config.show_progress) {
        double now = secondsSince(epochStart);
        if (!progress.progress && !bar && now >= progressOptions.interval)
          startProgress();
        if (progress.progress)
          dl_progress_update_at(progress.progress, start + count, n,
                                lossSum / double(start + count), now);
      }
    }
    progress.finish();

    dl_trainer_epoch record;
    memset(&record, 0, sizeof(record));
    record.epoch = e + 1;
    record.epochs = t->config.epochs;
    record.train_loss = lossSum / double(n);
    record.val_loss = NAN;
    record.num_metrics = numMetrics;
    record.metric_names = t->metricNames.data();
    record.train_metrics = buffers.trainMetrics.get();
    record.val_metrics = buffers.valMetrics.get();
    for (size_t i = 0; i < numMetrics; ++i)
      buffers.trainMetrics.get()[i] = buffers.valMetrics.get()[i] = NAN;
    if (numMetrics) {
      int target = t->metricsTargetIndex;
      if (dl_status status =
              collected.setTargets(*t->data[size_t(target)],
                                   train.sources[size_t(target)], order, n))
        return status;
      if (dl_status status =
              computeMetrics(t, collected, buffers.trainMetrics.get()))
        return status;
    }
    if (haveValidation)
      if (dl_status status = evaluateSet(t, validation, &record.val_loss,
                                         buffers.valMetrics.get()))
        return status;
    char lrText[32];
    record.learning_rate =
        std::isnan(lr) || !showLr ? NAN : shortestFloat(lr, lrText);
    record.step = t->stepCount;
    record.samples_seen = t->samplesSeen;
    if (numNorms && steps > 0) {
      for (size_t k = 0; k < numNorms; ++k)
        buffers.normSum.get()[k] /= double(steps);
      record.num_grad_norms = numNorms;
      record.grad_norm_names = buffers.normNames.data();
      record.grad_norm_mean = buffers.normSum.get();
      record.grad_norm_max = buffers.normMax.get();
    }
    t->epoch = e + 1;

    // Early stopping.
    double value =
        monitor.metric < 0
            ? (monitor.validation ? record.val_loss : record.train_loss)
            : (monitor.validation ? buffers.valMetrics
                                  : buffers.trainMetrics)
                  .get()[monitor.metric];
    record.monitor_value = value;
    bool improved = t->bestEpoch == 0 || std::isnan(t->bestValue) ||
                    (monitor.maximize ? value > t->bestValue
                                      : value < t->bestValue);
    if (std::isnan(value))
      improved = false;
    record.improved = improved;
    if (improved) {
      t->bestValue = value;
      t->bestEpoch = e + 1;
      t->wait = 0;
      if (t->config.restore_best)
        if (dl_status status = saveBest(t))
          return status;
    } else {
      ++t->wait;
    }
    if (t->config.patience > 0 && t->wait >= t->config.patience &&
        e + 1 < t->config.epochs) {
      stoppedEarly = true;
      stopRequested = true;
    }
    record.seconds = secondsSince(epochStart);

    if (history.history) {
      dl_epoch_record h;
      h.epoch = record.epoch;
      h.train_loss = record.train_loss;
      h.val_loss = record.val_loss;
      h.train_metrics = numMetrics ? record.train_metrics : nullptr;
      h.val_metrics = numMetrics && haveValidation ? record.val_metrics
                                                   : nullptr;
      h.learning_rate = record.learning_rate;
      h.seconds = record.seconds;
      if (dl_status status = dl_history_append(history.history, &h))
        return status;
      if (t->config.plot_path)
        if (dl_status status =
                dl_history_write_svg(history.history, t->config.plot_path))
          return status;
    }
    if (t->config.checkpoint_path)
      if (dl_status status =
              dlrtTrainerWriteCheckpoint(t, t->config.checkpoint_path))
        return status;
    logEpoch(t, record, showLr);
    if (t->config.on_epoch && t->config.on_epoch(&record, t->config.user))
      stopRequested = true;
  }

  bool restored = false;
  if (t->config.restore_best && t->haveBestWeights &&
      t->bestEpoch != t->epoch) {
    if (dl_status status = restoreBest(t))
      return status;
    restored = true;
    if (t->config.checkpoint_path)
      if (dl_status status =
              dlrtTrainerWriteCheckpoint(t, t->config.checkpoint_path))
        return status;
  }
  double seconds = secondsSince(runStart);
  if (summary) {
    summary->epochs_run = t->epoch - firstEpoch;
    summary->epoch = t->epoch;
    summary->step = t->stepCount;
    summary->samples_seen = t->samplesSeen;
    summary->stopped_early = stoppedEarly;
    summary->best_epoch = t->bestEpoch;
    summary->best_value = t->bestValue;
    summary->restored = restored;
    summary->seconds = seconds;
  }
  if (t->config.log_fd >= 0 && t->epoch > firstEpoch) {
    TextBuffer text;
    if (stoppedEarly) {
      text.append("stopped early after epoch ");
      text.appendInt(t->epoch);
      text.append(": ");
      text.append(monitor.name);
      text.append(" has not improved for ");
      text.appendInt(t->wait);
      text.append(t->wait == 1 ? " epoch\n" : " epochs\n");
    }
    if (restored) {
      text.append("restored the weights of epoch ");
      text.appendInt(t->bestEpoch);
      text.append(" (");
      text.append(monitor.name);
      text.appendChar(' ');
      appendValue(text, t->bestValue);
      text.append(")\n");
    }
    text.append("trained ");
    text.appendInt(t->epoch - firstEpoch);
    text.append(t->epoch - firstEpoch == 1 ? " epoch" : " epochs");
    text.append(" (");
    text.appendInt(t->stepCount);
    text.append(t->stepCount == 1 ? " step in all) in " : " steps in all) in ");
    text.appendFixed(seconds, 1);
    text.append("s; best ");
    text.append(monitor.name);
    text.appendChar(' ');
    appendValue(text, t->bestValue);
    text.append(" at epoch ");
    text.appendInt(t->bestEpoch);
    text.appendChar('\n');
    writeText(t->config.log_fd, text);
  }
  return DL_OK;
}
