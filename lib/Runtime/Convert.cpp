//===- Convert.cpp - converting file values to tensor dtypes --------------===//

#include "Convert.h"
#include "TextBuffer.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace dlrt {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "tensors are little-endian, as the runtime ABI says");

namespace {

/// Reads one element of a file type as an integer or a double.
template <typename T> T loadRaw(const uint8_t *p, bool bigEndian) {
  T value;
  memcpy(&value, p, sizeof(T));
  if (bigEndian && sizeof(T) > 1) {
    uint8_t bytes[sizeof(T)];
    memcpy(bytes, &value, sizeof(T));
    for (size_t i = 0; i < sizeof(T) / 2; ++i) {
      uint8_t swap = bytes[i];
      bytes[i] = bytes[sizeof(T) - 1 - i];
      bytes[sizeof(T) - 1 - i] = swap;
    }
    memcpy(&value, bytes, sizeof(T));
  }
  return value;
}

template <typename T> SourceValue loadValue(const uint8_t *p, bool bigEndian) {
  T raw = loadRaw<T>(p, bigEndian);
  if constexpr (std::is_floating_point<T>::value)
    return {false, 0, double(raw)};
  else
    return {true, int64_t(raw), 0};
}

template <> SourceValue loadValue<bool>(const uint8_t *p, bool) {
  return {true, *p != 0, 0};
}

/// Integers: range checks against the target's limits.
template <typename T> ConvertError storeInteger(int64_t value, void *dst) {
  if (value < int64_t(std::numeric_limits<T>::min()) ||
      value > int64_t(std::numeric_limits<T>::max()))
    return ConvertError::OutOfRange;
  T narrowed = T(value);
  memcpy(dst, &narrowed, sizeof(T));
  return ConvertError::None;
}

template <typename T> ConvertError storeReal(double value, void *dst) {
  if (!std::isfinite(value) || value != std::trunc(value))
    return ConvertError::NotInteger;
  // Exact bounds: -2^63 is representable, 2^63 is the first value past the
  // end; the same for 32 bits.
  double low = double(std::numeric_limits<T>::min());
  double high = -low;
  if (value < low || value >= high)
    return ConvertError::OutOfRange;
  T narrowed = T(value);
  memcpy(dst, &narrowed, sizeof(T));
  return ConvertError::None;
}

} // namespace

ConvertError convertValue(const SourceValue &value, dl_dtype dtype,
                          void *dst) {
  switch (dtype) {
  case DL_F32: {
    double wide = value.isInteger ? double(value.integer) : value.real;
    float narrow = float(wide);
    if (std::isinf(narrow) && std::isfinite(wide))
      return ConvertError::OutOfRange;
    memcpy(dst, &narrow, sizeof(narrow));
    return ConvertError::None;
  }
  case DL_F64: {
    double wide = value.isInteger ? double(value.integer) : value.real;
    memcpy(dst, &wide, sizeof(wide));
    return ConvertError::None;
  }
  case DL_I32:
    return value.isInteger ? storeInteger<int32_t>(value.integer, dst)
                           : storeReal<int32_t>(value.real, dst);
  case DL_I64:
    return value.isInteger ? storeInteger<int64_t>(value.integer, dst)
                           : storeReal<int64_t>(value.real, dst);
  case DL_BOOL: {
    bool zero = value.isInteger ? value.integer == 0 : value.real == 0;
    bool one = value.isInteger ? value.integer == 1 : value.real == 1;
    if (!zero && !one)
      return ConvertError::NotBool;
    *static_cast<uint8_t *>(dst) = one;
    return ConvertError::None;
  }
  }
  return ConvertError::NotInteger;
}

namespace {
template <typename T>
ConvertError convertLoop(const uint8_t *src, bool bigEndian, size_t count,
                         dl_dtype dtype, void *dst, size_t *badIndex,
                         SourceValue *badValue) {
  uint8_t *out = static_cast<uint8_t *>(dst);
  size_t outSize = dl_dtype_size(dtype);
  size_t inSize = std::is_same<T, bool>::value ? 1 : sizeof(T);
  for (size_t i = 0; i < count; ++i) {
    SourceValue value = loadValue<T>(src + i * inSize, bigEndian);
    ConvertError error = convertValue(value, dtype, out + i * outSize);
    if (error != ConvertError::None) {
      *badIndex = i;
      *badValue = value;
      return error;
    }
  }
  return ConvertError::None;
}
} // namespace

ConvertError convertElements(const uint8_t *src, SourceType type,
                             bool bigEndian, size_t count, dl_dtype dtype,
                             void *dst, size_t *badIndex,
                             SourceValue *badValue) {
  switch (type) {
  case SourceType::U8:
    return convertLoop<uint8_t>(src, bigEndian, count, dtype, dst, badIndex,
                                badValue);
  case SourceType::I8:
    return convertLoop<int8_t>(src, bigEndian, count, dtype, dst, badIndex,
                               badValue);
  case SourceType::I16:
    return convertLoop<int16_t>(src, bigEndian, count, dtype, dst, badIndex,
                                badValue);
  case SourceType::I32:
    return convertLoop<int32_t>(src, bigEndian, count, dtype, dst, badIndex,
                                badValue);
  case SourceType::I64:
    return convertLoop<int64_t>(src, bigEndian, count, dtype, dst, badIndex,
                                badValue);
  case SourceType::F32:
    return convertLoop<float>(src, bigEndian, count, dtype, dst, badIndex,
                              badValue);
  case SourceType::F64:
    return convertLoop<double>(src, bigEndian, count, dtype, dst, badIndex,
                               badValue);
  case SourceType::Bool:
    return convertLoop<bool>(src, bigEndian, count, dtype, dst, badIndex,
                             badValue);
  }
  return ConvertError::None;
}

size_t sourceTypeSize(SourceType type) {
  switch (type) {
  case SourceType::U8:
  case SourceType::I8:
  case SourceType::Bool:
    return 1;
  case SourceType::I16:
    return 2;
  case SourceType::I32:
  case SourceType::F32:
    return 4;
  case SourceType::I64:
  case SourceType::F64:
    return 8;
  }
  return 1;
}

void appendConvertError(Message &message, ConvertError error,
                        const SourceValue &value, dl_dtype dtype) {
  char text[32];
  if (value.isInteger)
    message.append("%lld", static_cast<long long>(value.integer));
  else
    message.append("%s", formatShortest(value.real, text));
  switch (error) {
  case ConvertError::NotInteger:
    message.append(" is not an integer (loading as %s)", dl_dtype_name(dtype));
    break;
  case ConvertError::OutOfRange:
    message.append(" is out of range for %s", dl_dtype_name(dtype));
    break;
  case ConvertError::NotBool:
    message.append(" is not 0 or 1 (loading as bool)");
    break;
  case ConvertError::None:
    break;
  }
}

void appendIndex(Message &message, size_t flat, int32_t rank,
                 const int64_t *shape) {
  int64_t index[DL_MAX_RANK];
  for (int32_t i = rank - 1; i >= 0; --i) {
    index[i] = shape[i] ? int64_t(flat % uint64_t(shape[i])) : 0;
    flat = shape[i] ? flat / uint64_t(shape[i]) : 0;
  }
  message.append("[");
  for (int32_t i = 0; i < rank; ++i)
    message.append(i ? ", %lld" : "%lld", static_cast<long long>(index[i]));
  message.append("]");
}

} // namespace dlrt
