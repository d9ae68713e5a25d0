//===- Npy.cpp - reading and writing .npy ---------------------------------===//

#include "Npy.h"
#include "Allocator.h"
#include "Errors.h"
#include "File.h"
#include "Tensor.h"

#include <cstdio>
#include <cstring>

namespace dlrt {

namespace {

constexpr char Magic[] = "\x93NUMPY";
constexpr size_t MagicSize = 6;
/// No header numpy writes comes near this; a bigger one is garbage, and the
/// limit keeps a hostile length from costing a large allocation.
constexpr size_t MaxHeaderSize = 1 << 20;

/// The dtypes dlc supports, by their type code after the byte order.
struct DescrType {
  const char *code;
  dl_dtype dtype;
};
constexpr DescrType DescrTypes[] = {{"f4", DL_F32},
                                    {"f8", DL_F64},
                                    {"i4", DL_I32},
                                    {"i8", DL_I64},
                                    {"b1", DL_BOOL}};

/// A parser for the header's Python dict literal:
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
/// Keys in any order, either quote, any whitespace, optional trailing
/// commas; exactly the three keys numpy requires.
class HeaderParser {
public:
  HeaderParser(const char *text, size_t size, const char *name)
      : pos(text), end(text + size), name(name) {}

  dl_status parse(NpyHeader *out);

private:
  dl_status malformed(const char *what) const {
    return setError(DL_ERROR_FORMAT, "%s: malformed .npy header: %s", name,
                    what);
  }
  void skipSpace() {
    while (pos < end && (*pos == ' ' || *pos == '\t' || *pos == '\n' ||
                         *pos == '\r' || *pos == '\f' || *pos == '\v'))
      ++pos;
  }
  bool consume(char c) {
    skipSpace();
    if (pos < end && *pos == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool consumeWord(const char *word) {
    size_t length = strlen(word);
    if (size_t(end - pos) < length || memcmp(pos, word, length) != 0)
      return false;
    pos += length;
    return true;
  }
  bool parseString(const char **text, size_t *length);
  dl_status parseDescr(NpyHeader *out);
  dl_status parseShape(NpyHeader *out);

  const char *pos;
  const char *end;
  const char *name;
};

bool HeaderParser::parseString(const char **text, size_t *length) {
  skipSpace();
  if (pos == end || (*pos != '\'' && *pos != '"'))
    return false;
  char quote = *pos++;
  const char *start = pos;
  // Escapes never occur in the strings numpy writes.
  while (pos < end && *pos != quote && *pos != '\\' && *pos != '\n')
    ++pos;
  if (pos == end || *pos != quote)
    return false;
  *text = start;
  *length = size_t(pos - start);
  ++pos;
  return true;
}

dl_status HeaderParser::parseDescr(NpyHeader *out) {
  skipSpace();
  if (pos < end && *pos == '[')
    return setError(DL_ERROR_FORMAT, "%s: structured dtypes are not supported",
                    name);
  const char *descr;
  size_t length;
  if (!parseString(&descr, &length))
    return malformed("'descr' is not a string");
  int shown = length > 32 ? 32 : int(length);
  if (length == 3) {
    char order = descr[0];
    for (const DescrType &type : DescrTypes) {
      if (memcmp(descr + 1, type.code, 2) != 0)
        continue;
      // Byte order does not apply to one-byte types.
      bool oneByte = type.dtype == DL_BOOL;
      if (order == '<' ||
          (oneByte && (order == '|' || order == '=' || order == '>'))) {
        out->dtype = type.dtype;
        return DL_OK;
      }
      if (order == '>')
        return setError(DL_ERROR_FORMAT,
                        "%s: big-endian dtype '%.*s' is not supported", name,
                        shown, descr);
    }
  }
  if ((length == 2 && descr[1] == 'O') || (length == 1 && descr[0] == 'O'))
    return setError(DL_ERROR_FORMAT,
                    "%s: object arrays ('%.*s') are not supported", name, shown,
                    descr);
  return setError(DL_ERROR_FORMAT,
                  "%s: unsupported dtype '%.*s' (supported: <f4, <f8, <i4, "
                  "<i8, |b1)",
                  name, shown, descr);
}

dl_status HeaderParser::parseShape(NpyHeader *out) {
  if (!consume('('))
    return malformed("'shape' is not a tuple");
  out->rank = 0;
  if (consume(')'))
    return DL_OK;
  while (true) {
    skipSpace();
    if (pos == end || *pos < '0' || *pos > '9')
      return malformed("'shape' is not a tuple of non-negative integers");
    int64_t extent = 0;
    while (pos < end && *pos >= '0' && *pos <= '9') {
      if (__builtin_mul_overflow(extent, 10, &extent) ||
          __builtin_add_overflow(extent, *pos - '0', &extent))
        return setError(DL_ERROR_FORMAT,
                        "%s: an extent of the shape is too "
                        "large",
                        name);
      ++pos;
    }
    // Python 2's long integers ("3L"), as old numpy versions wrote them.
    if (pos < end && (*pos == 'L' || *pos == 'l'))
      ++pos;
    if (out->rank == DL_MAX_RANK)
      return setError(DL_ERROR_FORMAT,
                      "%s: arrays of rank above %d are not supported", name,
                      DL_MAX_RANK);
    out->shape[out->rank++] = extent;
    bool comma = consume(',');
    if (consume(')')) {
      // "(3)" is an integer in Python, not a tuple.
      if (out->rank == 1 && !comma)
        return malformed("'shape' is not a tuple");
      return DL_OK;
    }
    if (!comma)
      return malformed("expected ',' or ')' in 'shape'");
  }
}

dl_status HeaderParser::parse(NpyHeader *out) {
  if (!consume('{'))
    return malformed("not a dict");
  bool seenDescr = false, seenFortran = false, seenShape = false;
  while (!consume('}')) {
    const char *key;
    size_t length;
    if (!parseString(&key, &length))
      return malformed("expected a string key or '}'");
    if (!consume(':'))
      return malformed("expected ':' after a key");
    skipSpace();
    auto is = [&](const char *word) {
      return length == strlen(word) && memcmp(key, word, length) == 0;
    };
    bool *seen = is("descr")           ? &seenDescr
                 : is("fortran_order") ? &seenFortran
                 : is("shape")         ? &seenShape
                                       : nullptr;
    if (!seen)
      return setError(DL_ERROR_FORMAT,
                      "%s: malformed .npy header: unexpected key '%.*s'", name,
                      length > 32 ? 32 : int(length), key);
    if (*seen)
      return setError(DL_ERROR_FORMAT,
                      "%s: malformed .npy header: duplicate key '%.*s'", name,
                      int(length), key);
    *seen = true;
    if (seen == &seenDescr) {
      if (dl_status status = parseDescr(out))
        return status;
    } else if (seen == &seenShape) {
      if (dl_status status = parseShape(out))
        return status;
    } else if (consumeWord("True")) {
      return setError(DL_ERROR_FORMAT,
                      "%s: Fortran-order arrays are not supported", name);
    } else if (!consumeWord("False")) {
      return malformed("'fortran_order' is not True or False");
    }
    if (!consume(',')) {
      if (!consume('}'))
        return malformed("expected ',' or '}' after a value");
      break;
    }
  }
  skipSpace();
  if (pos != end)
    return malformed("unexpected text after the dict");
  if (!seenDescr || !seenFortran || !seenShape)
    return setError(DL_ERROR_FORMAT, "%s: malformed .npy header: no '%s' key",
                    name,
                    !seenDescr     ? "descr"
                    : !seenFortran ? "fortran_order"
                                   : "shape");
  return DL_OK;
}

uint32_t readLittleEndian(const uint8_t *bytes, size_t count) {
  uint32_t value = 0;
  for (size_t i = count; i-- > 0;)
    value = value << 8 | bytes[i];
  return value;
}

} // namespace

dl_status npyHeaderSize(const uint8_t *bytes, size_t available,
                        const char *name, size_t *headerSize) {
  if (available == 0)
    return setError(DL_ERROR_FORMAT, "%s: empty file, not an .npy file", name);
  if (memcmp(bytes, Magic, available < MagicSize ? available : MagicSize) !=
          0 ||
      available < MagicSize)
    return setError(DL_ERROR_FORMAT, "%s: not an .npy file (bad magic)", name);
  if (available < NpyPreambleSize)
    return setError(DL_ERROR_FORMAT, "%s: truncated .npy header", name);
  uint8_t major = bytes[6], minor = bytes[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return setError(DL_ERROR_FORMAT,
                    "%s: unsupported .npy format version %u.%u", name, major,
                    minor);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (available < 8 + lengthBytes)
    return setError(DL_ERROR_FORMAT, "%s: truncated .npy header", name);
  size_t length = readLittleEndian(bytes + 8, lengthBytes);
  if (length > MaxHeaderSize)
    return setError(DL_ERROR_FORMAT,
                    "%s: .npy header length %zu is implausibly large", name,
                    length);
  *headerSize = 8 + lengthBytes + length;
  return DL_OK;
}

dl_status parseNpyHeader(const uint8_t *bytes, size_t headerSize,
                         const char *name, NpyHeader *out) {
  bool utf8 = bytes[6] == 3;
  size_t start = bytes[6] == 1 ? 10 : 12;
  // Versions 1.0 and 2.0 are latin-1 and 3.0 UTF-8, but the dict numpy
  // writes is ASCII; anything else outside (v3) strings is junk.
  for (size_t i = start; i < headerSize; ++i) {
    uint8_t c = bytes[i];
    if ((c >= 0x80 && !utf8) ||
        (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
      return setError(DL_ERROR_FORMAT,
                      "%s: malformed .npy header: byte 0x%02x at offset %zu "
                      "is not printable ASCII",
                      name, c, i);
  }
  HeaderParser parser(reinterpret_cast<const char *>(bytes) + start,
                      headerSize - start, name);
  if (dl_status status = parser.parse(out))
    return status;
  out->headerSize = headerSize;
  int64_t numel = checkedNumel(out->rank, out->shape);
  if (numel < 0 ||
      !checkedByteSize(numel, dl_dtype_size(out->dtype), &out->dataSize)) {
    Message type;
    appendType(type, out->dtype, out->rank, out->shape);
    return setError(DL_ERROR_FORMAT, "%s: the shape of %s is too large", name,
                    type.str());
  }
  return DL_OK;
}

void finishNpyTensor(const NpyHeader &header, void *data, dl_tensor *out) {
  if (header.dtype == DL_BOOL) {
    uint8_t *bytes = static_cast<uint8_t *>(data);
    for (size_t i = 0; i < header.dataSize; ++i)
      bytes[i] = bytes[i] != 0;
  }
  dl_tensor_init(out, data, header.dtype, header.rank, header.shape);
}

/// The message for data that does not match the header's size.
static dl_status wrongDataSize(const NpyHeader &header, const char *name,
                               uint64_t actual) {
  Message type;
  appendType(type, header.dtype, header.rank, header.shape);
  if (actual < header.dataSize)
    return setError(DL_ERROR_FORMAT,
                    "%s: truncated: %s needs %zu bytes of data, the file has "
                    "%llu",
                    name, type.str(), header.dataSize,
                    static_cast<unsigned long long>(actual));
  return setError(
      DL_ERROR_FORMAT, "%s: %llu unexpected bytes after the data of %s", name,
      static_cast<unsigned long long>(actual - header.dataSize), type.str());
}

dl_status readNpy(const uint8_t *bytes, size_t size, const char *name,
                  dl_tensor *out) {
  NpyHeader header;
  if (dl_status status = npyHeaderSize(bytes, size, name, &header.headerSize))
    return status;
  if (header.headerSize > size)
    return setError(DL_ERROR_FORMAT,
                    "%s: the .npy header length runs past the end of the "
                    "data",
                    name);
  if (dl_status status =
          parseNpyHeader(bytes, header.headerSize, name, &header))
    return status;
  if (size - header.headerSize != header.dataSize)
    return wrongDataSize(header, name, size - header.headerSize);
  BlockPtr data(dl_alloc(header.dataSize));
  if (!data)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
  memcpy(data.get(), bytes + header.headerSize, header.dataSize);
  finishNpyTensor(header, data.release(), out);
  return DL_OK;
}

size_t formatNpyHeader(dl_dtype dtype, int32_t rank, const int64_t *shape,
                       char (&buffer)[NpyMaxWrittenHeader]) {
  static const char *const Descrs[] = {"<f4", "<f8", "<i4", "<i8", "|b1"};
  // As numpy/lib/format.py _write_array_header: sorted keys, repr values,
  // then spare spaces so that the first extent can grow to 21 digits in
  // place, then padding to a multiple of 64 bytes ending in a newline.
  Message dict;
  dict.append("{'descr': '%s', 'fortran_order': False, 'shape': (",
              Descrs[dtype]);
  for (int32_t i = 0; i < rank; ++i)
    dict.append(i ? ", %lld" : "%lld", static_cast<long long>(shape[i]));
  dict.append(rank == 1 ? ",), }" : "), }");
  size_t length = strlen(dict.str());
  if (rank > 0) {
    int digits = snprintf(nullptr, 0, "%lld", static_cast<long long>(shape[0]));
    length += size_t(21 - digits);
  }
  size_t unpadded = NpyPreambleSize + length + 1;
  size_t total = unpadded + 64 - unpadded % 64;
  memcpy(buffer, Magic, MagicSize);
  buffer[6] = 1;
  buffer[7] = 0;
  size_t headerLength = total - NpyPreambleSize;
  buffer[8] = char(headerLength & 0xff);
  buffer[9] = char(headerLength >> 8);
  memset(buffer + NpyPreambleSize, ' ', total - NpyPreambleSize - 1);
  memcpy(buffer + NpyPreambleSize, dict.str(), strlen(dict.str()));
  buffer[total - 1] = '\n';
  return total;
}

dl_status rowMajorBytes(const dl_tensor &t, const void **data, size_t *size,
                        BlockPtr &copy) {
  size_t elementSize = dl_dtype_size(t.dtype);
  checkedByteSize(checkedNumel(t.rank, t.shape), elementSize, size);
  if (isRowMajor(t.rank, t.shape, t.strides)) {
    *data = t.data;
    return DL_OK;
  }
  copy.reset(dl_alloc(*size));
  if (!copy)
    return setError(DL_ERROR_OUT_OF_MEMORY,
                    "out of memory copying a tensor to write it");
  int64_t strides[DL_MAX_RANK];
  fillRowMajorStrides(t.rank, t.shape, strides);
  copyStrided(copy.get(), strides, t.data, t.strides, t.rank, t.shape,
              elementSize);
  *data = copy.get();
  return DL_OK;
}

} // namespace dlrt

using namespace dlrt;

extern "C" {

dl_status dl_npy_read(const char *path, dl_tensor *out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_npy_read: null tensor");
  InputFile file;
  if (dl_status status = file.open(path))
    return status;
  // The preamble and the header first, then the data straight into the
  // tensor's memory.
  uint8_t preamble[NpyPreambleSize + 2];
  size_t got;
  if (dl_status status = file.read(preamble, NpyPreambleSize, &got))
    return status;
  if (got == NpyPreambleSize && preamble[6] != 1) {
    size_t more;
    if (dl_status status = file.read(preamble + got, 2, &more))
      return status;
    got += more;
  }
  NpyHeader header;
  if (dl_status status = npyHeaderSize(preamble, got, path, &header.headerSize))
    return status;
  if (file.size() >= 0 && header.headerSize > uint64_t(file.size()))
    return setError(DL_ERROR_FORMAT,
                    "%s: the .npy header length runs past the end of the "
                    "file",
                    path);
  MallocPtr<uint8_t> headerBytes = mallocArray<uint8_t>(header.headerSize);
  if (!headerBytes)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  memcpy(headerBytes.get(), preamble, got);
  size_t rest;
  if (dl_status status =
          file.read(headerBytes.get() + got, header.headerSize - got, &rest))
    return status;
  if (got + rest < header.headerSize)
    return setError(DL_ERROR_FORMAT,
                    "%s: the .npy header length runs past the end of the "
                    "file",
                    path);
  if (dl_status status =
          parseNpyHeader(headerBytes.get(), header.headerSize, path, &header))
    return status;
  // Check the size before allocating what a corrupt header claims.
  if (file.size() >= 0 &&
      uint64_t(file.size()) - header.headerSize != header.dataSize)
    return wrongDataSize(header, path,
                         uint64_t(file.size()) - header.headerSize);
  BlockPtr data(dl_alloc(header.dataSize));
  if (!data)
    return setError(DL_ERROR_OUT_OF_MEMORY,
                    "%s: out of memory reading %zu bytes", path,
                    header.dataSize);
  if (dl_status status = file.read(data.get(), header.dataSize, &got))
    return status;
  uint8_t extra;
  size_t extraGot = 0;
  if (got == header.dataSize)
    if (dl_status status = file.read(&extra, 1, &extraGot))
      return status;
  if (got != header.dataSize || extraGot != 0)
    return wrongDataSize(header, path, got + extraGot);
  finishNpyTensor(header, data.release(), out);
  return DL_OK;
}

dl_status dl_npy_read_buffer(const void *bytes, size_t size, dl_tensor *out) {
  if (!out || (!bytes && size))
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_npy_read_buffer: null pointer");
  return readNpy(static_cast<const uint8_t *>(bytes), size, ".npy buffer", out);
}

dl_status dl_npy_write(const char *path, const dl_tensor *t) {
  if (dl_status status = checkTensor(t, "dl_npy_write: the tensor"))
    return status;
  if (!t->data && checkedNumel(t->rank, t->shape) > 0)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_npy_write: null data");
  char header[NpyMaxWrittenHeader];
  size_t headerSize = formatNpyHeader(t->dtype, t->rank, t->shape, header);
  const void *data;
  size_t dataSize;
  BlockPtr copy;
  if (dl_status status = rowMajorBytes(*t, &data, &dataSize, copy))
    return status;
  OutputFile file;
  if (dl_status status = file.open(path))
    return status;
  if (dl_status status = file.write(header, headerSize))
    return status;
  if (dl_status status = file.write(data, dataSize))
    return status;
  return file.commit();
}

} // extern "C"
