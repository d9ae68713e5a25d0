//===- ArrayLoad.cpp - dl_array_load: an array from any data file ---------===//
//
// Tells the format from the first bytes (after gunzipping): the .npy magic,
// a zip archive (.npz), IDX's two zero bytes; anything else is read as CSV,
// which is text and never starts with those.
//
//===----------------------------------------------------------------------===//

#include "Convert.h"
#include "DataFormats.h"
#include "Gzip.h"
#include "Npy.h"
#include "Tensor.h"
#include "Zip.h"
#include "dl/data.h"

#include <cstring>

namespace dlrt {

namespace {

bool isNpy(const uint8_t *bytes, size_t size) {
  return size >= 6 && memcmp(bytes, "\x93NUMPY", 6) == 0;
}

bool isZip(const uint8_t *bytes, size_t size) {
  return size >= 4 && bytes[0] == 'P' && bytes[1] == 'K' &&
         ((bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6));
}

SourceType sourceTypeOf(dl_dtype dtype) {
  switch (dtype) {
  case DL_F32:
    return SourceType::F32;
  case DL_F64:
    return SourceType::F64;
  case DL_I32:
    return SourceType::I32;
  case DL_I64:
    return SourceType::I64;
  case DL_BOOL:
    return SourceType::Bool;
  }
  return SourceType::U8;
}

/// Converts a tensor read from an .npy file (row-major) to `dtype`,
/// replacing it.
dl_status convertTensor(dl_tensor *t, dl_dtype dtype, const char *name) {
  if (t->dtype == dtype)
    return DL_OK;
  int64_t numel = dl_tensor_numel(t);
  size_t outSize;
  if (!checkedByteSize(numel, dl_dtype_size(dtype), &outSize))
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: too large for %s", name,
                    dl_dtype_name(dtype));
  BlockPtr data(dl_alloc(outSize));
  if (!data)
    return setError(DL_ERROR_OUT_OF_MEMORY,
                    "%s: out of memory converting to %s", name,
                    dl_dtype_name(dtype));
  size_t badIndex;
  SourceValue badValue;
  ConvertError error = convertElements(
      static_cast<const uint8_t *>(t->data), sourceTypeOf(t->dtype),
      /*bigEndian=*/false, size_t(numel), dtype, data.get(), &badIndex,
      &badValue);
  if (error != ConvertError::None) {
    Message message;
    message.append("%s: element ", name);
    appendIndex(message, badIndex, t->rank, t->shape);
    message.append(" = ");
    appendConvertError(message, error, badValue, dtype);
    return setError(DL_ERROR_DTYPE, "%s", message.str());
  }
  dl_tensor_free(t);
  dl_tensor_init(t, data.release(), dtype, t->rank, t->shape);
  return DL_OK;
}

/// The member of an .npz archive that `selector` names (with or without
/// ".npy"), or its only member when the selector is empty.
dl_status loadNpzMember(const uint8_t *bytes, size_t size, const char *name,
                        const char *selector, dl_tensor *out) {
  MallocPtr<ZipMember> members;
  size_t count;
  if (dl_status status = listZipMembers(bytes, size, name, &members, &count))
    return status;
  const ZipMember *chosen = nullptr;
  if (!selector || !*selector) {
    if (count != 1) {
      Message names;
      for (size_t i = 0; i < count; ++i) {
        const ZipMember &member = members.get()[i];
        size_t length = member.nameLength;
        if (length > 4 && memcmp(member.name + length - 4, ".npy", 4) == 0)
          length -= 4;
        names.append(i ? ", %.*s" : "%.*s", int(length > 64 ? 64 : length),
                     member.name);
      }
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "%s: the archive holds %zu arrays, name one (%s)", name,
                      count, names.str());
    }
    chosen = members.get();
  }
  size_t wanted = selector ? strlen(selector) : 0;
  for (size_t i = 0; i < count && !chosen; ++i) {
    const ZipMember &member = members.get()[i];
    bool exact = member.nameLength == wanted &&
                 memcmp(member.name, selector, wanted) == 0;
    bool withSuffix = member.nameLength == wanted + 4 &&
                      memcmp(member.name, selector, wanted) == 0 &&
                      memcmp(member.name + wanted, ".npy", 4) == 0;
    if (exact || withSuffix)
      chosen = &member;
  }
  if (!chosen)
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s: no array named '%s'",
                    name, selector);
  Message where;
  where.append("%s: member '%.*s'", name,
               chosen->nameLength > 200 ? 200 : int(chosen->nameLength),
               chosen->name);
  ByteBuffer storage;
  const uint8_t *data;
  if (dl_status status =
          extractZipMember(bytes, *chosen, where.str(), &storage, &data))
    return status;
  return readNpy(data, size_t(chosen->uncompressedSize), where.str(), out);
}

/// The dtype an IDX file's elements fit in exactly.
dl_dtype nativeIdxDtype(const uint8_t *bytes, size_t size) {
  uint8_t code = size > 2 ? bytes[2] : 0;
  return code == 0x0D ? DL_F32 : code == 0x0E ? DL_F64 : DL_I32;
}

dl_status rejectSelector(const char *selector, const char *name,
                         const char *format) {
  if (selector && *selector)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: a selector ('%s') does not apply to %s", name,
                    selector, format);
  return DL_OK;
}

} // namespace

} // namespace dlrt

using namespace dlrt;

namespace {

/// Loads an array converted to `*dtype`, or as it is when `dtype` is null.
dl_status loadArray(const char *path, const char *selector,
                    const dl_dtype *dtype, dl_tensor *out) {
  ByteBuffer file;
  if (dl_status status = readDataFile(path, &file))
    return status;
  const uint8_t *bytes = file.data.get();
  size_t size = file.size;
  dl_tensor loaded;
  if (isNpy(bytes, size) || isZip(bytes, size)) {
    bool archive = isZip(bytes, size);
    if (!archive)
      if (dl_status status = rejectSelector(selector, path, "an .npy file"))
        return status;
    dl_status status = archive
                           ? loadNpzMember(bytes, size, path, selector, &loaded)
                           : readNpy(bytes, size, path, &loaded);
    if (status)
      return status;
    if (dtype)
      if (dl_status status = convertTensor(&loaded, *dtype, path)) {
        dl_tensor_free(&loaded);
        return status;
      }
  } else if (looksLikeIdx(bytes, size)) {
    if (dl_status status = rejectSelector(selector, path, "an IDX file"))
      return status;
    if (dl_status status =
            loadIdx(bytes, size, path,
                    dtype ? *dtype : nativeIdxDtype(bytes, size), &loaded))
      return status;
  } else if (dl_status status = loadCsv(bytes, size, path, selector,
                                        dtype ? *dtype : DL_F64, &loaded)) {
    return status;
  }
  *out = loaded;
  return DL_OK;
}

} // namespace

extern "C" {

dl_status dl_array_load(const char *path, const char *selector, dl_dtype dtype,
                        dl_tensor *out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_array_load: null tensor");
  if (!isValidDtype(dtype))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_array_load: invalid dtype (%d)", dtypeCode(dtype));
  return loadArray(path, selector, &dtype, out);
}

dl_status dl_array_load_native(const char *path, const char *selector,
                               dl_tensor *out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_array_load_native: null tensor");
  return loadArray(path, selector, nullptr, out);
}

} // extern "C"
