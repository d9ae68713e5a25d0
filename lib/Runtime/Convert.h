//===- Convert.h - converting file values to tensor dtypes ------*- C++ -*-===//
//
// Values read from data files become elements of the dtype a model takes,
// exactly or not at all for integers: an integer target rejects a value
// that is not an integer or does not fit; f32 rejects a finite value
// beyond its range (rounding to the nearest f32 is fine, as NumPy's
// astype); bool takes only 0 and 1.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_CONVERT_H
#define DLRT_CONVERT_H

#include "Errors.h"
#include "dl/runtime.h"

#include <cstddef>
#include <cstdint>

namespace dlrt {

/// How elements are stored in a file.
enum class SourceType { U8, I8, I16, I32, I64, F32, F64, Bool };

/// A value read from a file: an exact integer, or a floating-point number.
struct SourceValue {
  bool isInteger;
  int64_t integer;
  double real;
};

/// Why a value does not convert.
enum class ConvertError { None, NotInteger, OutOfRange, NotBool };

/// Stores `value` as an element of `dtype` at `dst`, or says why not.
ConvertError convertValue(const SourceValue &value, dl_dtype dtype, void *dst);

/// Converts `count` elements of `type` (big-endian when `bigEndian`, else
/// little-endian) at `src` into elements of `dtype` at `dst`. On failure,
/// returns the error with the index and value of the first element that
/// does not convert.
ConvertError convertElements(const uint8_t *src, SourceType type,
                             bool bigEndian, size_t count, dl_dtype dtype,
                             void *dst, size_t *badIndex,
                             SourceValue *badValue);

/// The size in bytes of an element of `type`.
size_t sourceTypeSize(SourceType type);

/// Appends "2.5 is not an integer (loading as i32)" and the like.
void appendConvertError(Message &message, ConvertError error,
                        const SourceValue &value, dl_dtype dtype);

/// Appends "[1, 2]": the index of element `flat` of a row-major shape.
void appendIndex(Message &message, size_t flat, int32_t rank,
                 const int64_t *shape);

} // namespace dlrt

#endif // DLRT_CONVERT_H
