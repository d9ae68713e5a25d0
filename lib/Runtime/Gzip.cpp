//===- Gzip.cpp - gzip streams through zlib -------------------------------===//

#include "Gzip.h"
#include "Errors.h"
#include "File.h"

#include <cstring>
#include <utility>
#include <zlib.h>

namespace dlrt {

namespace {

/// Window bits that make zlib expect a gzip header and trailer.
constexpr int GzipWindowBits = 16 + MAX_WBITS;

/// zlib counts in 32-bit units: input and output go in chunks.
constexpr size_t Chunk = size_t(1) << 30;

bool endsWith(const char *text, const char *suffix) {
  size_t length = strlen(text), suffixLength = strlen(suffix);
  return length >= suffixLength &&
         memcmp(text + length - suffixLength, suffix, suffixLength) == 0;
}

/// Doubles the output buffer (or starts it).
bool grow(ByteBuffer &buffer, size_t &capacity) {
  size_t next = capacity ? capacity * 2 : 1 << 16;
  if (next < capacity)
    return false;
  void *grown = realloc(buffer.data.get(), next);
  if (!grown)
    return false;
  buffer.data.release();
  buffer.data.reset(static_cast<uint8_t *>(grown));
  capacity = next;
  return true;
}

} // namespace

bool isGzip(const uint8_t *bytes, size_t size) {
  return size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

dl_status gunzip(const uint8_t *bytes, size_t size, const char *name,
                 ByteBuffer *out) {
  z_stream stream;
  memset(&stream, 0, sizeof(stream));
  if (inflateInit2(&stream, GzipWindowBits) != Z_OK)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: cannot start inflating",
                    name);
  ByteBuffer buffer;
  // The size in the gzip trailer is only the length modulo 2^32 and cannot
  // be trusted anyway: start from a guess and grow.
  size_t capacity = size <= SIZE_MAX / 4 ? size * 4 : size;
  if (capacity < 4096)
    capacity = 4096;
  buffer.data = mallocArray<uint8_t>(capacity);
  size_t consumed = 0;
  int result = buffer.data ? Z_OK : Z_MEM_ERROR;
  while (result == Z_OK) {
    if (buffer.size == capacity && !grow(buffer, capacity)) {
      result = Z_MEM_ERROR;
      break;
    }
    size_t inLeft = size - consumed, outLeft = capacity - buffer.size;
    stream.next_in = const_cast<Bytef *>(bytes + consumed);
    stream.avail_in = uInt(inLeft < Chunk ? inLeft : Chunk);
    stream.next_out = buffer.data.get() + buffer.size;
    stream.avail_out = uInt(outLeft < Chunk ? outLeft : Chunk);
    uInt inBefore = stream.avail_in, outBefore = stream.avail_out;
    result = inflate(&stream, Z_NO_FLUSH);
    consumed += inBefore - stream.avail_in;
    buffer.size += outBefore - stream.avail_out;
    // Another member may follow the end of this one.
    if (result == Z_STREAM_END && consumed < size) {
      if (!isGzip(bytes + consumed, size - consumed)) {
        inflateEnd(&stream);
        return setError(DL_ERROR_FORMAT,
                        "%s: %zu unexpected bytes after the gzip data", name,
                        size - consumed);
      }
      result = inflateReset(&stream);
    }
    // Out of input before the end of the stream.
    if (result == Z_BUF_ERROR && consumed == size)
      break;
    if (result == Z_BUF_ERROR)
      result = Z_OK;
  }
  const char *problem = stream.msg ? stream.msg : "unexpected end of file";
  inflateEnd(&stream);
  if (result == Z_MEM_ERROR)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory decompressing",
                    name);
  if (result != Z_STREAM_END)
    return setError(DL_ERROR_FORMAT, "%s: corrupt gzip data (%s)", name,
                    result == Z_BUF_ERROR ? "unexpected end of file"
                                          : problem);
  *out = std::move(buffer);
  return DL_OK;
}

dl_status readDataFile(const char *path, ByteBuffer *out) {
  ByteBuffer raw;
  if (dl_status status = readWholeFile(path, &raw))
    return status;
  if (isGzip(raw.data.get(), raw.size))
    return gunzip(raw.data.get(), raw.size, path, out);
  if (endsWith(path, ".gz"))
    return setError(DL_ERROR_FORMAT, "%s: not a gzip file (bad magic)", path);
  *out = std::move(raw);
  return DL_OK;
}

} // namespace dlrt
