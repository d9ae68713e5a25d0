//===- Tensor.h - shape arithmetic shared inside the runtime ----*- C++ -*-===//
#ifndef DLRT_TENSOR_H
#define DLRT_TENSOR_H

#include "Errors.h"
#include "dl/runtime.h"

#include <cstdint>
#include <cstring>

namespace dlrt {

/// The number stored in a dtype field or argument. C callers may store any
/// int there; reading it as an int (not as the enum, whose out-of-range
/// values C++ leaves undefined) makes checking it well defined.
inline int dtypeCode(const dl_dtype &dtype) {
  static_assert(sizeof(dl_dtype) == sizeof(int), "dl_dtype is an int in C");
  int code;
  memcpy(&code, &dtype, sizeof(code));
  return code;
}

inline bool isValidDtype(const dl_dtype &dtype) {
  int code = dtypeCode(dtype);
  return code >= DL_F32 && code <= DL_BOOL;
}

/// The product of `rank` extents, or -1 if one is negative or the product
/// overflows int64_t.
int64_t checkedNumel(int32_t rank, const int64_t *shape);

/// `numel * elementSize` in bytes, or false if it does not fit in size_t
/// (or in int64_t, so that byte offsets stay representable).
bool checkedByteSize(int64_t numel, size_t elementSize, size_t *bytes);

/// Row-major strides (in elements) for `shape`.
void fillRowMajorStrides(int32_t rank, const int64_t *shape, int64_t *strides);

/// Whether `strides` are row-major for `shape`; strides of extents 1 do not
/// matter, and an empty shape is contiguous whatever its strides.
bool isRowMajor(int32_t rank, const int64_t *shape, const int64_t *strides);

/// Whether two elements of a strided view share memory (a stride of 0 for
/// an extent above 1, strides that interleave). Views without elements do
/// not overlap.
bool hasOverlappingElements(int32_t rank, const int64_t *shape,
                            const int64_t *strides);

/// Appends a type as the DL language writes it: "f32[2, 3]", "i64" (rank 0).
void appendType(Message &message, dl_dtype dtype, int32_t rank,
                const int64_t *shape);

/// Appends a signature's type as the DL language writes it: "f32[B, 4, ?]".
void appendSignatureType(Message &message, const dl_value_info &info);

/// Checks what every function taking a tensor needs: not null, a valid
/// dtype and rank, an element count that fits. `what` names it in messages.
dl_status checkTensor(const dl_tensor *t, const char *what);

/// Copies elements between two strided views of the same shape. The data
/// pointers must be valid for every element the views address.
void copyStrided(void *dst, const int64_t *dstStrides, const void *src,
                 const int64_t *srcStrides, int32_t rank, const int64_t *shape,
                 size_t elementSize);

} // namespace dlrt

#endif // DLRT_TENSOR_H
