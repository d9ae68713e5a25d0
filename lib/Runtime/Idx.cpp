//===- Idx.cpp - the IDX format of MNIST ----------------------------------===//
//
// Yann LeCun's IDX format, as MNIST and Fashion-MNIST ship their images
// and labels: two zero bytes, an element type code, the number of
// dimensions, then each extent as a big-endian 32-bit integer, then the
// elements, big-endian, row-major.
//
//===----------------------------------------------------------------------===//

#include "Convert.h"
#include "DataFormats.h"
#include "OwnedMemory.h"
#include "Tensor.h"

#include <cstring>

namespace dlrt {

namespace {

struct IdxType {
  uint8_t code;
  SourceType type;
  const char *name;
};
constexpr IdxType IdxTypes[] = {
    {0x08, SourceType::U8, "ubyte"},  {0x09, SourceType::I8, "byte"},
    {0x0B, SourceType::I16, "short"}, {0x0C, SourceType::I32, "int"},
    {0x0D, SourceType::F32, "float"}, {0x0E, SourceType::F64, "double"}};

constexpr size_t PreambleSize = 4;

uint32_t readBigEndian32(const uint8_t *p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

/// "ubyte[60000, 28, 28]".
void appendIdxType(Message &message, const IdxType &type, int32_t rank,
                   const int64_t *shape) {
  message.append("%s[", type.name);
  for (int32_t i = 0; i < rank; ++i)
    message.append(i ? ", %lld" : "%lld", static_cast<long long>(shape[i]));
  message.append("]");
}

} // namespace

bool looksLikeIdx(const uint8_t *bytes, size_t size) {
  return size >= 2 && bytes[0] == 0 && bytes[1] == 0;
}

dl_status loadIdx(const uint8_t *bytes, size_t size, const char *name,
                  dl_dtype dtype, dl_tensor *out) {
  if (size < PreambleSize)
    return setError(DL_ERROR_FORMAT,
                    "%s: truncated IDX header (%zu bytes, the magic needs 4)",
                    name, size);
  const IdxType *type = nullptr;
  for (const IdxType &candidate : IdxTypes)
    if (candidate.code == bytes[2])
      type = &candidate;
  if (!type)
    return setError(DL_ERROR_FORMAT,
                    "%s: not an IDX file (unknown element type 0x%02x in the "
                    "magic)",
                    name, bytes[2]);
  int32_t rank = bytes[3];
  if (rank > DL_MAX_RANK)
    return setError(DL_ERROR_FORMAT,
                    "%s: IDX arrays of rank %d are not supported (at most %d)",
                    name, rank, DL_MAX_RANK);
  size_t headerSize = PreambleSize + 4 * size_t(rank);
  if (size < headerSize)
    return setError(DL_ERROR_FORMAT,
                    "%s: truncated IDX header: %d extents need %zu bytes, the "
                    "file has %zu",
                    name, rank, headerSize, size);
  int64_t shape[DL_MAX_RANK];
  for (int32_t i = 0; i < rank; ++i)
    shape[i] = readBigEndian32(bytes + PreambleSize + 4 * size_t(i));
  int64_t numel = checkedNumel(rank, shape);
  size_t dataSize;
  if (numel < 0 || !checkedByteSize(numel, sourceTypeSize(type->type),
                                    &dataSize)) {
    Message shown;
    appendIdxType(shown, *type, rank, shape);
    return setError(DL_ERROR_FORMAT, "%s: the shape of %s is too large", name,
                    shown.str());
  }
  size_t available = size - headerSize;
  if (available != dataSize) {
    Message shown;
    appendIdxType(shown, *type, rank, shape);
    if (available < dataSize)
      return setError(DL_ERROR_FORMAT,
                      "%s: truncated: %s needs %zu bytes of data, the file "
                      "has %zu",
                      name, shown.str(), dataSize, available);
    return setError(DL_ERROR_FORMAT,
                    "%s: %zu unexpected bytes after the data of %s", name,
                    available - dataSize, shown.str());
  }
  size_t outSize;
  if (!checkedByteSize(numel, dl_dtype_size(dtype), &outSize))
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: too large for %s", name,
                    dl_dtype_name(dtype));
  BlockPtr data(dl_alloc(outSize));
  if (!data)
    return setError(DL_ERROR_OUT_OF_MEMORY,
                    "%s: out of memory reading %zu bytes", name, outSize);
  size_t badIndex;
  SourceValue badValue;
  ConvertError error =
      convertElements(bytes + headerSize, type->type, /*bigEndian=*/true,
                      size_t(numel), dtype, data.get(), &badIndex, &badValue);
  if (error != ConvertError::None) {
    Message message;
    message.append("%s: element ", name);
    appendIndex(message, badIndex, rank, shape);
    message.append(" = ");
    appendConvertError(message, error, badValue, dtype);
    return setError(DL_ERROR_DTYPE, "%s", message.str());
  }
  dl_tensor_init(out, data.release(), dtype, rank, shape);
  return DL_OK;
}

} // namespace dlrt
