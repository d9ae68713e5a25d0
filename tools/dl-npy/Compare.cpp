//===- Compare.cpp - numeric comparison of arrays -------------------------===//

#include "Compare.h"
#include "dl/Support/TensorFormat.h"

#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>

using namespace dl;
using namespace dl::npy;

namespace {

/// An element as a double, and its exact integer value for integer dtypes
/// (whose differences double cannot always hold).
struct Element {
  double value;
  int64_t integer;
};

Element readElement(const dl_tensor &t, const int64_t *index) {
  int64_t offset = 0;
  for (int32_t i = 0; i < t.rank; ++i)
    offset += index[i] * t.strides[i];
  const char *p = static_cast<const char *>(t.data) +
                  offset * int64_t(dl_dtype_size(t.dtype));
  Element element{0, 0};
  switch (t.dtype) {
  case DL_F32: {
    float value;
    memcpy(&value, p, sizeof(value));
    element.value = value;
    break;
  }
  case DL_F64:
    memcpy(&element.value, p, sizeof(element.value));
    break;
  case DL_I32: {
    int32_t value;
    memcpy(&value, p, sizeof(value));
    element.integer = value;
    break;
  }
  case DL_I64:
    memcpy(&element.integer, p, sizeof(element.integer));
    break;
  case DL_BOOL:
    element.integer = *p != 0;
    break;
  }
  if (t.dtype != DL_F32 && t.dtype != DL_F64)
    element.value = double(element.integer);
  return element;
}

/// One element as print(array[index]) shows it.
std::string formatElement(const dl_tensor &t, const int64_t *index) {
  dl_tensor scalar = t;
  int64_t offset = 0;
  for (int32_t i = 0; i < t.rank; ++i)
    offset += index[i] * t.strides[i];
  scalar.data =
      static_cast<char *>(t.data) + offset * int64_t(dl_dtype_size(t.dtype));
  scalar.rank = 0;
  return formatTensor(scalar);
}

std::string formatIndex(const int64_t *index, int32_t rank) {
  std::string text = "[";
  for (int32_t i = 0; i < rank; ++i)
    text += (i ? ", " : "") + std::to_string(index[i]);
  return text + "]";
}

} // namespace

bool dl::npy::compareArrays(const dl_tensor &actual, const dl_tensor &expected,
                            const Tolerance &tolerance, std::string &report) {
  std::string actualType = formatTensorType(actual);
  std::string expectedType = formatTensorType(expected);
  if (actualType != expectedType) {
    report = fmt::format("MISMATCH: {} differs: {} vs {}",
                         actual.dtype != expected.dtype ? "dtype" : "shape",
                         actualType, expectedType);
    return false;
  }
  int64_t numel = dl_tensor_numel(&actual);
  int64_t index[DL_MAX_RANK] = {}, worstIndex[DL_MAX_RANK] = {};
  int64_t differing = 0;
  bool worstClose = true;
  double worstRank = -1, worstError = 0, worstRelative = 0;
  bool isFloat = actual.dtype == DL_F32 || actual.dtype == DL_F64;
  for (int64_t n = 0; n < numel; ++n) {
    Element a = readElement(actual, index), b = readElement(expected, index);
    double error, relative;
    bool close;
    if (isFloat) {
      error = std::fabs(a.value - b.value);
      if (std::isnan(a.value) || std::isnan(b.value))
        close = std::isnan(a.value) && std::isnan(b.value);
      else if (std::isinf(a.value) || std::isinf(b.value))
        close = a.value == b.value;
      else
        close = error <= tolerance.atol + tolerance.rtol * std::fabs(b.value);
      if (close && (std::isnan(error) || std::isinf(error)))
        error = 0; // Equal NaNs or infinities.
    } else {
      // Exactly, then as numpy would compare the values in float64.
      __int128 difference = __int128(a.integer) - b.integer;
      error = double(difference < 0 ? -difference : difference);
      close = error <= tolerance.atol + tolerance.rtol * std::fabs(b.value);
    }
    relative = error == 0 ? 0 : error / std::fabs(b.value);
    if (std::isnan(relative))
      relative = NAN; // inf / inf: print "nan", not "-nan".
    differing += !close;
    // The worst element: a differing one before any close one, then the
    // largest absolute error (NaN counts as the largest).
    double rank = std::isnan(error) ? INFINITY : error;
    bool worse = worstRank < 0 || (!close && worstClose) ||
                 (close == worstClose && rank > worstRank);
    if (worse) {
      worstClose = close;
      worstRank = rank;
      worstError = error;
      worstRelative = relative;
      memcpy(worstIndex, index, sizeof(index));
    }
    // Next index in row-major order.
    for (int32_t d = actual.rank - 1; d >= 0; --d) {
      if (++index[d] < actual.shape[d])
        break;
      index[d] = 0;
    }
  }
  std::string head =
      differing
          ? fmt::format("MISMATCH: {} of {} elements differ", differing, numel)
          : "ok";
  if (worstRank <= 0 && !differing) {
    report = fmt::format("{}: {}, identical", head, actualType);
    return true;
  }
  report = fmt::format("{}: {}, worst at {}: {} vs {} (abs error {:.3g}, rel "
                       "error {:.3g})",
                       head, actualType, formatIndex(worstIndex, actual.rank),
                       formatElement(actual, worstIndex),
                       formatElement(expected, worstIndex), worstError,
                       worstRelative);
  return differing == 0;
}
