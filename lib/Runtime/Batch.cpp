//===- Batch.cpp - gathering rows into a mini-batch -----------------------===//

#include "Tensor.h"
#include "dl/training.h"

#include <cstring>

using namespace dlrt;

extern "C" {

dl_status dl_gather_rows(const dl_tensor *src, const int64_t *rows,
                         int64_t count, dl_tensor *dst) {
  if (dl_status status = checkTensor(src, "dl_gather_rows: the source"))
    return status;
  if (dl_status status = checkTensor(dst, "dl_gather_rows: the destination"))
    return status;
  if (count < 0 || (count > 0 && !rows))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_gather_rows: %s", count < 0 ? "negative count"
                                                    : "null row indices");
  if (src->rank == 0)
    return setError(DL_ERROR_SHAPE,
                    "dl_gather_rows: the source has rank 0, no rows");
  if (src->dtype != dst->dtype)
    return setError(DL_ERROR_DTYPE,
                    "dl_gather_rows: the source is %s, the destination %s",
                    dl_dtype_name(src->dtype), dl_dtype_name(dst->dtype));
  bool sameRows = src->rank == dst->rank;
  for (int32_t i = 1; sameRows && i < src->rank; ++i)
    sameRows = src->shape[i] == dst->shape[i];
  if (!sameRows || dst->shape[0] < count) {
    Message message;
    message.append("dl_gather_rows: cannot put %lld row%s of ",
                   static_cast<long long>(count), count == 1 ? "" : "s");
    appendType(message, src->dtype, src->rank, src->shape);
    message.append(" into ");
    appendType(message, dst->dtype, dst->rank, dst->shape);
    return setError(DL_ERROR_SHAPE, "%s", message.str());
  }
  for (int64_t i = 0; i < count; ++i)
    if (rows[i] < 0 || rows[i] >= src->shape[0])
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "dl_gather_rows: row index %lld (at %lld) is out of "
                      "range for %lld rows",
                      static_cast<long long>(rows[i]),
                      static_cast<long long>(i),
                      static_cast<long long>(src->shape[0]));
  int64_t rowElements = checkedNumel(src->rank - 1, src->shape + 1);
  if (count == 0 || rowElements == 0)
    return DL_OK;
  if (!src->data || !dst->data)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_gather_rows: null data");
  size_t elementSize = dl_dtype_size(src->dtype);
  bool contiguous =
      isRowMajor(src->rank - 1, src->shape + 1, src->strides + 1) &&
      isRowMajor(dst->rank - 1, dst->shape + 1, dst->strides + 1);
  const char *from = static_cast<const char *>(src->data);
  char *to = static_cast<char *>(dst->data);
  for (int64_t i = 0; i < count; ++i) {
    const char *row = from + rows[i] * src->strides[0] * int64_t(elementSize);
    char *target = to + i * dst->strides[0] * int64_t(elementSize);
    // A row of a row-major tensor is one block of memory.
    if (contiguous)
      memcpy(target, row, size_t(rowElements) * elementSize);
    else
      copyStrided(target, dst->strides + 1, row, src->strides + 1,
                  src->rank - 1, src->shape + 1, elementSize);
  }
  return DL_OK;
}

} // extern "C"
