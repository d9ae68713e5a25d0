//===- TrainingTests.cpp - batches, normalization, history, progress ------===//
//
// Prints what the functions of dl/training.h and the normalization of
// dl/data.h produce, for test/Runtime/training.test to match.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "dl/data.h"
#include "dl/training.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

void printPermutation(uint64_t seed, int64_t n) {
  std::vector<int64_t> order(size_t(n > 0 ? n : 0));
  dl_status status = dl_permutation(seed, n, order.data());
  if (status != DL_OK) {
    printStatus("permutation", status);
    return;
  }
  printf("permutation %llu %lld:", static_cast<unsigned long long>(seed),
         static_cast<long long>(n));
  for (int64_t value : order)
    printf(" %lld", static_cast<long long>(value));
  printf("\n");
  std::vector<bool> seen(order.size());
  for (int64_t value : order) {
    if (!check("permutation", value >= 0 && value < n && !seen[size_t(value)],
               "not a permutation"))
      return;
    seen[size_t(value)] = true;
  }
}

namespace {

void printFloats(const char *label, const float *values, size_t count) {
  printf("%s:", label);
  for (size_t i = 0; i < count; ++i)
    printf(" %g", double(values[i]));
  printf("\n");
}

void testGatherRows() {
  // 5 rows of 2 x 2: row r holds 10r .. 10r+3.
  std::vector<float> source(20);
  for (size_t i = 0; i < source.size(); ++i)
    source[i] = float(i / 4 * 10 + i % 4);
  int64_t sourceShape[3] = {5, 2, 2}, batchShape[3] = {3, 2, 2};
  dl_tensor src, batch;
  dl_tensor_init(&src, source.data(), DL_F32, 3, sourceShape);
  std::vector<float> storage(12, -1);
  dl_tensor_init(&batch, storage.data(), DL_F32, 3, batchShape);
  int64_t rows[3] = {4, 0, 2};
  printStatus("gather", dl_gather_rows(&src, rows, 3, &batch));
  printFloats("gather values", storage.data(), storage.size());
  // The last, partial batch: fewer rows than the buffer has.
  std::fill(storage.begin(), storage.end(), -1.0f);
  printStatus("gather partial", dl_gather_rows(&src, rows + 2, 1, &batch));
  printFloats("gather partial values", storage.data(), storage.size());
  // Strided source (a transposed view of each row) and destination.
  dl_tensor transposed = src;
  transposed.strides[1] = 1;
  transposed.strides[2] = 2;
  printStatus("gather strided", dl_gather_rows(&transposed, rows, 2, &batch));
  printFloats("gather strided values", storage.data(), 8);
  // Errors.
  int64_t bad[2] = {1, 5};
  printStatus("gather out of range", dl_gather_rows(&src, bad, 2, &batch));
  printStatus("gather too many", dl_gather_rows(&src, rows, 4, &batch));
  dl_tensor wrong = batch;
  wrong.shape[2] = 3;
  printStatus("gather shape", dl_gather_rows(&src, rows, 1, &wrong));
  wrong = batch;
  wrong.dtype = DL_I32;
  printStatus("gather dtype", dl_gather_rows(&src, rows, 1, &wrong));
  printStatus("gather null rows", dl_gather_rows(&src, nullptr, 1, &batch));
  printStatus("gather none", dl_gather_rows(&src, nullptr, 0, &batch));
  dl_tensor scalar;
  dl_tensor_init(&scalar, source.data(), DL_F32, 0, nullptr);
  printStatus("gather scalar", dl_gather_rows(&scalar, rows, 1, &batch));
}

void testNormalization() {
  // Three samples of two features.
  std::vector<double> values = {1, 10, 2, 10, 4, 10};
  int64_t shape[2] = {3, 2};
  dl_tensor t;
  dl_tensor_init(&t, values.data(), DL_F64, 2, shape);
  printf("norm count: global %lld, per feature %lld\n",
         static_cast<long long>(dl_norm_count(&t, DL_NORM_GLOBAL)),
         static_cast<long long>(dl_norm_count(&t, DL_NORM_PER_FEATURE)));
  double shift[2], divisor[2];
  printStatus("minmax fit", dl_norm_fit(&t, DL_NORM_MINMAX,
                                        DL_NORM_PER_FEATURE, shift, divisor));
  printf("minmax: shift %g %g, divisor %g %g\n", shift[0], shift[1],
         divisor[0], divisor[1]);
  printStatus("minmax apply",
              dl_norm_apply(&t, DL_NORM_PER_FEATURE, shift, divisor));
  printf("minmax values: %g %g %g %g %g %g\n", values[0], values[1],
         values[2], values[3], values[4], values[5]);

  values = {1, 10, 2, 10, 6, 10};
  printStatus("standardize fit",
              dl_norm_fit(&t, DL_NORM_STANDARDIZE, DL_NORM_PER_FEATURE, shift,
                          divisor));
  printf("standardize: mean %g %g, std %.6f %g\n", shift[0], shift[1],
         divisor[0], divisor[1]);
  dl_norm_apply(&t, DL_NORM_PER_FEATURE, shift, divisor);
  printf("standardize values: %.6f %g %.6f %g %.6f %g\n", values[0],
         values[1], values[2], values[3], values[4], values[5]);

  // Scaling by a constant: the global case, in f32 (MNIST's 1/255).
  std::vector<float> pixels = {0, 51, 255};
  int64_t pixelShape[1] = {3};
  dl_tensor image;
  dl_tensor_init(&image, pixels.data(), DL_F32, 1, pixelShape);
  double zero = 0, scale = 255;
  printStatus("scale", dl_norm_apply(&image, DL_NORM_GLOBAL, &zero, &scale));
  printFloats("scale values", pixels.data(), pixels.size());

  // Errors.
  std::vector<int32_t> integers = {1, 2};
  dl_tensor ints;
  dl_tensor_init(&ints, integers.data(), DL_I32, 1, pixelShape);
  ints.shape[0] = 2;
  printStatus("norm integers", dl_norm_fit(&ints, DL_NORM_MINMAX,
                                           DL_NORM_GLOBAL, shift, divisor));
  pixels[1] = NAN;
  printStatus("norm nan", dl_norm_fit(&image, DL_NORM_STANDARDIZE,
                                      DL_NORM_GLOBAL, shift, divisor));
  double badDivisor = 0;
  printStatus("norm zero divisor",
              dl_norm_apply(&image, DL_NORM_GLOBAL, &zero, &badDivisor));
  dl_tensor empty = image;
  empty.shape[0] = 0;
  printStatus("norm empty", dl_norm_fit(&empty, DL_NORM_MINMAX, DL_NORM_GLOBAL,
                                        shift, divisor));
  dl_tensor transposed = t;
  transposed.strides[0] = 1;
  transposed.strides[1] = 3;
  printStatus("norm strided", dl_norm_fit(&transposed, DL_NORM_MINMAX,
                                          DL_NORM_GLOBAL, shift, divisor));
  printStatus("norm axis", dl_norm_fit(&t, DL_NORM_MINMAX, dl_norm_axis(7),
                                       shift, divisor));
}

void testHistory(const std::string &dir) {
  std::string csv = dir + "/history.csv";
  remove(csv.c_str());
  const char *metrics[] = {"accuracy"};
  dl_history *history = nullptr;
  printStatus("history open", dl_history_open(csv.c_str(), 1, metrics,
                                              &history));
  double train[3][1] = {{0.5}, {0.75}, {0.875}};
  double val[3][1] = {{0.45}, {NAN}, {0.8125}};
  for (int e = 0; e < 3; ++e) {
    dl_epoch_record record;
    record.epoch = e + 1;
    record.train_loss = 1.0 / (e + 1);
    record.val_loss = e == 1 ? NAN : 1.25 / (e + 1);
    record.train_metrics = train[e];
    record.val_metrics = val[e];
    record.learning_rate = 0.01 * std::pow(0.5, e);
    record.seconds = 2.5 + e;
    printStatus("history append", dl_history_append(history, &record));
  }
  printStatus("history svg",
              dl_history_write_svg(history, (dir + "/history.svg").c_str()));
  dl_history_close(history);

  // Resumed: the file's records come back; epoch 3 is redone (replacing
  // the old one), then epoch 4 comes.
  printStatus("history reopen", dl_history_open(csv.c_str(), 1, metrics,
                                                &history));
  printf("history records: %zu, last epoch %lld, val accuracy %g\n",
         dl_history_count(history),
         static_cast<long long>(dl_history_get(history, 2)->epoch),
         dl_history_get(history, 2)->val_metrics[0]);
  for (int e = 3; e <= 4; ++e) {
    dl_epoch_record record = {e, 0.25, 0.3, nullptr, nullptr, 0.001, 1};
    printStatus("history append", dl_history_append(history, &record));
  }
  printf("history records: %zu, epoch 3 train loss %g, train accuracy %g\n",
         dl_history_count(history), dl_history_get(history, 2)->train_loss,
         dl_history_get(history, 2)->train_metrics[0]);
  dl_history_close(history);

  // Without metrics, in memory only: one panel.
  printStatus("history memory", dl_history_open(nullptr, 0, nullptr,
                                                &history));
  dl_epoch_record only = {1, 0.5, NAN, nullptr, nullptr, 0.1, 1};
  dl_history_append(history, &only);
  printStatus("history svg one panel",
              dl_history_write_svg(history, (dir + "/loss.svg").c_str()));
  dl_history_close(history);

  // Errors.
  const char *other[] = {"f1"};
  printStatus("history other metrics",
              dl_history_open(csv.c_str(), 1, other, &history));
  const char *bad[] = {"a,b"};
  printStatus("history bad metric",
              dl_history_open(nullptr, 1, bad, &history));
  const char *twice[] = {"acc", "acc"};
  printStatus("history duplicate metric",
              dl_history_open(nullptr, 2, twice, &history));
  dl_history_open(nullptr, 0, nullptr, &history);
  printStatus("history svg missing directory",
              dl_history_write_svg(history, (dir + "/no/such.svg").c_str()));
  dl_history_close(history);
}

} // namespace

void runTrainingTests(const char *dir) {
  size_t baseline = dl_alloc_count();
  testGatherRows();
  testNormalization();
  testHistory(dir);
  if (dl_alloc_count() != baseline)
    fail("training", "blocks leaked");
}

void runProgressTests() {
  // stderr is a file under lit: log lines, every 10 seconds by default.
  dl_progress *progress = nullptr;
  printStatus("progress lines",
              dl_progress_create("epoch 1/2", nullptr, &progress));
  for (int step = 1; step <= 25; ++step)
    dl_progress_update_at(progress, step * 1000, 25000, 1.0 / step, step);
  dl_progress_finish(progress);

  // Unknown total, no loss, and a fast run.
  dl_progress_options options = {2, DL_PROGRESS_LINES, 0};
  dl_progress_create("", &options, &progress);
  dl_progress_update_at(progress, 500, 0, NAN, 0.5);
  dl_progress_update_at(progress, 3000000, 0, NAN, 1.5);
  dl_progress_finish(progress);

  // The bar, forced onto stdout: redrawn in place, at most 10 times a
  // second, ending the line when finished.
  options = {1, DL_PROGRESS_BAR, 10};
  fflush(stdout);
  dl_progress_create("epoch 2/2", &options, &progress);
  dl_progress_update_at(progress, 0, 60000, NAN, 0);
  dl_progress_update_at(progress, 1234, 60000, 0.4321, 0.1);
  dl_progress_update_at(progress, 1300, 60000, 0.4, 0.15);
  dl_progress_update_at(progress, 30000, 60000, 0.25, 2.5);
  dl_progress_update_at(progress, 60000, 60000, 0.125, 4.75);
  dl_progress_finish(progress);
  printf("after the bar\n");

  options.style = dl_progress_style(9);
  printStatus("progress bad style",
              dl_progress_create("x", &options, &progress));
  dl_progress_finish(nullptr);
}
