//===- Normalize.cpp - min-max scaling and standardization ----------------===//
//
// Statistics are fitted on one tensor (the training split) and applied to
// any (training, validation, test), per feature or globally. Everything is
// computed in double whatever the element type.
//
//===----------------------------------------------------------------------===//

#include "Convert.h"
#include "Tensor.h"
#include "TextBuffer.h"
#include "dl/data.h"

#include <cmath>
#include <cstring>

using namespace dlrt;

namespace {

int axisCode(const dl_norm_axis &axis) {
  int code;
  memcpy(&code, &axis, sizeof(code));
  return code;
}

/// Checks what fit and apply need; fills the number of rows and features.
dl_status checkNormTensor(const dl_tensor *t, const dl_norm_axis &axis,
                          const char *what, int64_t *rows,
                          int64_t *features) {
  if (dl_status status = checkTensor(t, what))
    return status;
  int code = axisCode(axis);
  if (code != DL_NORM_GLOBAL && code != DL_NORM_PER_FEATURE)
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s: invalid axis mode (%d)",
                    what, code);
  if (t->dtype != DL_F32 && t->dtype != DL_F64)
    return setError(DL_ERROR_DTYPE,
                    "%s has dtype %s; normalizing needs f32 or f64", what,
                    dl_dtype_name(t->dtype));
  if (!isRowMajor(t->rank, t->shape, t->strides))
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s is not row-major", what);
  if (code == DL_NORM_PER_FEATURE && t->rank == 0)
    return setError(DL_ERROR_SHAPE,
                    "%s has rank 0; per-feature statistics need a first axis "
                    "of samples",
                    what);
  int64_t numel = checkedNumel(t->rank, t->shape);
  if (numel > 0 && !t->data)
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s has null data", what);
  *features = dl_norm_count(t, axis);
  *rows = *features ? numel / *features : 0;
  return DL_OK;
}

double element(const dl_tensor *t, int64_t i) {
  return t->dtype == DL_F32 ? double(static_cast<const float *>(t->data)[i])
                            : static_cast<const double *>(t->data)[i];
}

} // namespace

extern "C" {

int64_t dl_norm_count(const dl_tensor *t, dl_norm_axis axis) {
  if (!t || t->rank < 0 || t->rank > DL_MAX_RANK)
    return -1;
  int code = axisCode(axis);
  if (code == DL_NORM_GLOBAL)
    return 1;
  if (code != DL_NORM_PER_FEATURE || t->rank == 0)
    return -1;
  return checkedNumel(t->rank - 1, t->shape + 1);
}

dl_status dl_norm_fit(const dl_tensor *t, dl_norm_kind kind, dl_norm_axis axis,
                      double *shift, double *divisor) {
  int64_t rows, features;
  if (dl_status status =
          checkNormTensor(t, axis, "dl_norm_fit: the tensor", &rows, &features))
    return status;
  int kindCode;
  memcpy(&kindCode, &kind, sizeof(kindCode));
  if (kindCode != DL_NORM_MINMAX && kindCode != DL_NORM_STANDARDIZE)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_norm_fit: invalid kind (%d)",
                    kindCode);
  if (!shift || !divisor)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_norm_fit: null statistics arrays");
  if (rows == 0 || features == 0)
    return setError(DL_ERROR_SHAPE,
                    "dl_norm_fit: the tensor has no elements to fit");
  int64_t numel = rows * features;
  for (int64_t i = 0; i < numel; ++i)
    if (!std::isfinite(element(t, i))) {
      Message message;
      message.append("dl_norm_fit: element ");
      appendIndex(message, size_t(i), t->rank, t->shape);
      message.append(" is not finite");
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s", message.str());
    }
  // Rows of `features` consecutive elements; statistics per column.
  if (kindCode == DL_NORM_MINMAX) {
    for (int64_t f = 0; f < features; ++f)
      shift[f] = divisor[f] = element(t, f);
    for (int64_t r = 1; r < rows; ++r)
      for (int64_t f = 0; f < features; ++f) {
        double x = element(t, r * features + f);
        shift[f] = x < shift[f] ? x : shift[f];
        divisor[f] = x > divisor[f] ? x : divisor[f]; // the maximum for now
      }
    for (int64_t f = 0; f < features; ++f)
      divisor[f] -= shift[f];
  } else {
    // Two passes (mean, then squared deviations): no cancellation.
    for (int64_t f = 0; f < features; ++f)
      shift[f] = divisor[f] = 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t f = 0; f < features; ++f)
        shift[f] += element(t, r * features + f);
    for (int64_t f = 0; f < features; ++f)
      shift[f] /= double(rows);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t f = 0; f < features; ++f) {
        double d = element(t, r * features + f) - shift[f];
        divisor[f] += d * d;
      }
    for (int64_t f = 0; f < features; ++f)
      divisor[f] = std::sqrt(divisor[f] / double(rows));
  }
  for (int64_t f = 0; f < features; ++f)
    if (divisor[f] == 0)
      divisor[f] = 1;
  return DL_OK;
}

dl_status dl_norm_apply(dl_tensor *t, dl_norm_axis axis, const double *shift,
                        const double *divisor) {
  int64_t rows, features;
  if (dl_status status = checkNormTensor(t, axis, "dl_norm_apply: the tensor",
                                         &rows, &features))
    return status;
  if (!shift || !divisor)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_norm_apply: null statistics arrays");
  for (int64_t f = 0; f < features; ++f)
    if (!std::isfinite(shift[f]) || !std::isfinite(divisor[f]) ||
        divisor[f] == 0) {
      char shiftText[32], divisorText[32];
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "dl_norm_apply: feature %lld has shift %s and divisor "
                      "%s; both must be finite, the divisor non-zero",
                      static_cast<long long>(f),
                      formatShortest(shift[f], shiftText),
                      formatShortest(divisor[f], divisorText));
    }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t f = 0; f < features; ++f) {
      int64_t i = r * features + f;
      double x = (element(t, i) - shift[f]) / divisor[f];
      if (t->dtype == DL_F32)
        static_cast<float *>(t->data)[i] = float(x);
      else
        static_cast<double *>(t->data)[i] = x;
    }
  return DL_OK;
}

} // extern "C"
