//===- Tensor.cpp - tensor descriptors, allocation and copies -------------===//

#include "Tensor.h"
#include "Allocator.h"

#include <cstring>
#include <utility>

namespace dlrt {

int64_t checkedNumel(int32_t rank, const int64_t *shape) {
  int64_t numel = 1;
  for (int32_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return -1;
    if (__builtin_mul_overflow(numel, shape[i], &numel))
      return -1;
  }
  return numel;
}

bool checkedByteSize(int64_t numel, size_t elementSize, size_t *bytes) {
  int64_t result;
  if (numel < 0 ||
      __builtin_mul_overflow(numel, static_cast<int64_t>(elementSize), &result))
    return false;
  *bytes = static_cast<size_t>(result);
  return true;
}

void fillRowMajorStrides(int32_t rank, const int64_t *shape, int64_t *strides) {
  int64_t stride = 1;
  for (int32_t i = rank - 1; i >= 0; --i) {
    strides[i] = stride;
    // Saturating: only the strides of a tensor with an element matter, and
    // their products fit whenever the element count does.
    if (shape[i] > 0 && __builtin_mul_overflow(stride, shape[i], &stride))
      stride = INT64_MAX;
  }
}

bool isRowMajor(int32_t rank, const int64_t *shape, const int64_t *strides) {
  int64_t expected = 1;
  for (int32_t i = rank - 1; i >= 0; --i) {
    if (shape[i] == 0)
      return true;
    if (shape[i] != 1 && strides[i] != expected)
      return false;
    if (__builtin_mul_overflow(expected, shape[i], &expected))
      return false;
  }
  return true;
}

bool hasOverlappingElements(int32_t rank, const int64_t *shape,
                            const int64_t *strides) {
  // The dimensions of more than one element by increasing stride (in
  // magnitude): each stride must step past every offset the smaller ones
  // reach. 128-bit arithmetic: no product overflows.
  int32_t order[DL_MAX_RANK];
  int32_t count = 0;
  for (int32_t d = 0; d < rank; ++d) {
    if (shape[d] == 0)
      return false;
    if (shape[d] > 1)
      order[count++] = d;
  }
  auto magnitude = [strides](int32_t d) {
    __int128 stride = strides[d];
    return stride < 0 ? -stride : stride;
  };
  for (int32_t i = 1; i < count; ++i)
    for (int32_t j = i; j > 0 && magnitude(order[j]) < magnitude(order[j - 1]);
         --j)
      std::swap(order[j], order[j - 1]);
  __int128 reach = 0;
  for (int32_t i = 0; i < count; ++i) {
    if (magnitude(order[i]) <= reach)
      return true;
    reach += magnitude(order[i]) * (shape[order[i]] - 1);
  }
  return false;
}

void appendType(Message &message, dl_dtype dtype, int32_t rank,
                const int64_t *shape) {
  message.append("%s", dl_dtype_name(dtype));
  if (rank <= 0)
    return;
  message.append("[");
  for (int32_t i = 0; i < rank; ++i)
    message.append(i ? ", %lld" : "%lld", static_cast<long long>(shape[i]));
  message.append("]");
}

void appendSignatureType(Message &message, const dl_value_info &info) {
  message.append("%s", dl_dtype_name(info.dtype));
  if (info.rank <= 0)
    return;
  message.append("[");
  for (int32_t i = 0; i < info.rank; ++i) {
    const dl_dim &dim = info.dims[i];
    const char *separator = i ? ", " : "";
    if (dim.size >= 0)
      message.append("%s%lld", separator, static_cast<long long>(dim.size));
    else
      message.append("%s%s", separator, dim.symbol ? dim.symbol : "?");
  }
  message.append("]");
}

namespace {
/// The strided copy for one element type (the bits are moved as integers,
/// so NaN payloads survive).
template <typename Element>
void copyElements(char *dst, const int64_t *dstStrides, const char *src,
                  const int64_t *srcStrides, int32_t rank,
                  const int64_t *shape) {
  if (rank == 0) {
    memcpy(dst, src, sizeof(Element));
    return;
  }
  // Walk every index of the outer dimensions like an odometer and copy the
  // innermost dimension in a tight loop.
  int64_t index[DL_MAX_RANK] = {};
  int32_t inner = rank - 1;
  int64_t innerExtent = shape[inner];
  int64_t dstStep = dstStrides[inner] * int64_t(sizeof(Element));
  int64_t srcStep = srcStrides[inner] * int64_t(sizeof(Element));
  while (true) {
    char *d = dst;
    const char *s = src;
    for (int64_t i = 0; i < innerExtent; ++i, d += dstStep, s += srcStep)
      memcpy(d, s, sizeof(Element));
    int32_t dim = inner - 1;
    for (; dim >= 0; --dim) {
      dst += dstStrides[dim] * int64_t(sizeof(Element));
      src += srcStrides[dim] * int64_t(sizeof(Element));
      if (++index[dim] < shape[dim])
        break;
      dst -= dstStrides[dim] * shape[dim] * int64_t(sizeof(Element));
      src -= srcStrides[dim] * shape[dim] * int64_t(sizeof(Element));
      index[dim] = 0;
    }
    if (dim < 0)
      return;
  }
}
} // namespace

void copyStrided(void *dst, const int64_t *dstStrides, const void *src,
                 const int64_t *srcStrides, int32_t rank, const int64_t *shape,
                 size_t elementSize) {
  int64_t numel = checkedNumel(rank, shape);
  if (numel <= 0)
    return;
  if (isRowMajor(rank, shape, dstStrides) &&
      isRowMajor(rank, shape, srcStrides)) {
    memcpy(dst, src, static_cast<size_t>(numel) * elementSize);
    return;
  }
  char *d = static_cast<char *>(dst);
  const char *s = static_cast<const char *>(src);
  switch (elementSize) {
  case 1:
    return copyElements<uint8_t>(d, dstStrides, s, srcStrides, rank, shape);
  case 4:
    return copyElements<uint32_t>(d, dstStrides, s, srcStrides, rank, shape);
  default:
    return copyElements<uint64_t>(d, dstStrides, s, srcStrides, rank, shape);
  }
}

dl_status checkTensor(const dl_tensor *t, const char *what) {
  if (!t)
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s is null", what);
  if (!isValidDtype(t->dtype))
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s has an invalid dtype (%d)",
                    what, dtypeCode(t->dtype));
  if (t->rank < 0 || t->rank > DL_MAX_RANK)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s has rank %d; ranks go from 0 to %d", what, t->rank,
                    DL_MAX_RANK);
  if (checkedNumel(t->rank, t->shape) < 0) {
    Message type;
    appendType(type, t->dtype, t->rank, t->shape);
    return setError(DL_ERROR_SHAPE, "%s has an invalid shape %s", what,
                    type.str());
  }
  return DL_OK;
}

} // namespace dlrt

using namespace dlrt;

extern "C" {

size_t dl_dtype_size(dl_dtype dtype) {
  switch (dtypeCode(dtype)) {
  case DL_F32:
  case DL_I32:
    return 4;
  case DL_F64:
  case DL_I64:
    return 8;
  case DL_BOOL:
    return 1;
  }
  return 0;
}

const char *dl_dtype_name(dl_dtype dtype) {
  switch (dtypeCode(dtype)) {
  case DL_F32:
    return "f32";
  case DL_F64:
    return "f64";
  case DL_I32:
    return "i32";
  case DL_I64:
    return "i64";
  case DL_BOOL:
    return "bool";
  }
  return "<invalid dtype>";
}

dl_status dl_tensor_init(dl_tensor *t, void *data, dl_dtype dtype, int32_t rank,
                         const int64_t *shape) {
  if (!t)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_tensor_init: null tensor");
  if (rank > 0 && !shape)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_tensor_init: null shape");
  dl_tensor result;
  memset(&result, 0, sizeof(result));
  result.data = data;
  memcpy(&result.dtype, &dtype, sizeof(dtype)); // not yet checked
  result.rank = rank;
  if (rank > 0 && rank <= DL_MAX_RANK)
    memcpy(result.shape, shape, sizeof(int64_t) * size_t(rank));
  if (dl_status status = checkTensor(&result, "dl_tensor_init: the tensor"))
    return status;
  fillRowMajorStrides(rank, result.shape, result.strides);
  *t = result;
  return DL_OK;
}

int64_t dl_tensor_numel(const dl_tensor *t) {
  if (!t || t->rank < 0 || t->rank > DL_MAX_RANK)
    return -1;
  return checkedNumel(t->rank, t->shape);
}

int dl_tensor_is_contiguous(const dl_tensor *t) {
  if (!t || t->rank < 0 || t->rank > DL_MAX_RANK)
    return 0;
  return isRowMajor(t->rank, t->shape, t->strides);
}

dl_status dl_tensor_alloc(dl_tensor *t, dl_dtype dtype, int32_t rank,
                          const int64_t *shape) {
  if (dl_status status = dl_tensor_init(t, nullptr, dtype, rank, shape))
    return status;
  size_t bytes;
  if (!checkedByteSize(dl_tensor_numel(t), dl_dtype_size(dtype), &bytes) ||
      !(t->data = dl_alloc(bytes))) {
    Message type;
    appendType(type, dtype, rank, t->shape);
    return setError(DL_ERROR_OUT_OF_MEMORY,
                    "dl_tensor_alloc: out of memory for %s", type.str());
  }
  memset(t->data, 0, bytes);
  return DL_OK;
}

void dl_tensor_free(dl_tensor *t) {
  if (!t)
    return;
  dl_free(t->data);
  t->data = nullptr;
}

dl_status dl_tensor_copy(dl_tensor *dst, const dl_tensor *src) {
  if (dl_status status = checkTensor(dst, "dl_tensor_copy: the destination"))
    return status;
  if (dl_status status = checkTensor(src, "dl_tensor_copy: the source"))
    return status;
  bool sameShape = dst->rank == src->rank;
  for (int32_t i = 0; sameShape && i < dst->rank; ++i)
    sameShape = dst->shape[i] == src->shape[i];
  if (dst->dtype != src->dtype || !sameShape) {
    Message dstType, srcType;
    appendType(dstType, dst->dtype, dst->rank, dst->shape);
    appendType(srcType, src->dtype, src->rank, src->shape);
    return setError(dst->dtype != src->dtype ? DL_ERROR_DTYPE : DL_ERROR_SHAPE,
                    "dl_tensor_copy: cannot copy %s into %s", srcType.str(),
                    dstType.str());
  }
  if (checkedNumel(src->rank, src->shape) > 0 && (!dst->data || !src->data))
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_tensor_copy: null data");
  copyStrided(dst->data, dst->strides, src->data, src->strides, src->rank,
              src->shape, dl_dtype_size(src->dtype));
  return DL_OK;
}

} // extern "C"
