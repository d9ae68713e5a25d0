//===- Zip.cpp - reading and writing zip archives -------------------------===//

#include "Zip.h"
#include "Errors.h"

#include <cstring>
#include <zlib.h>

namespace dlrt {

namespace {

constexpr uint32_t LocalHeaderSignature = 0x04034b50;
constexpr uint32_t CentralHeaderSignature = 0x02014b50;
constexpr uint32_t EndSignature = 0x06054b50;
constexpr uint32_t Zip64EndSignature = 0x06064b50;
constexpr uint32_t Zip64LocatorSignature = 0x07064b50;
constexpr size_t LocalHeaderSize = 30;
constexpr size_t CentralHeaderSize = 46;
constexpr size_t EndSize = 22;
constexpr size_t Zip64EndSize = 56;
constexpr size_t Zip64LocatorSize = 20;
constexpr uint16_t Zip64ExtraId = 0x0001;
/// A field too small for its value says so with all bits set; the value is
/// then in the ZIP64 extra field or end record.
constexpr uint32_t Escape32 = 0xffffffff;
constexpr uint16_t Escape16 = 0xffff;
/// Deflate cannot compress better than about 1032:1.
constexpr uint64_t MaxDeflateRatio = 1032;

uint64_t readLE(const uint8_t *p, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = bytes; i-- > 0;)
    value = value << 8 | p[i];
  return value;
}
uint16_t read16(const uint8_t *p) { return uint16_t(readLE(p, 2)); }
uint32_t read32(const uint8_t *p) { return uint32_t(readLE(p, 4)); }
uint64_t read64(const uint8_t *p) { return readLE(p, 8); }

/// Little-endian fields appended to a small buffer.
class FieldWriter {
public:
  void put16(uint64_t value) { put(value, 2); }
  void put32(uint64_t value) { put(value, 4); }
  void put64(uint64_t value) { put(value, 8); }
  const uint8_t *data() const { return bytes; }
  size_t size() const { return length; }

private:
  void put(uint64_t value, size_t count) {
    for (size_t i = 0; i < count; ++i)
      bytes[length++] = uint8_t(value >> (8 * i));
  }
  uint8_t bytes[128];
  size_t length = 0;
};

/// Whether [offset, offset + length) lies within [0, size).
bool inBounds(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

/// Where the central directory is, from the end records.
struct Directory {
  uint64_t offset;
  uint64_t size;
  uint64_t entries;
};

dl_status findDirectory(const uint8_t *bytes, size_t size, const char *name,
                        Directory *out) {
  if (size < EndSize)
    return setError(DL_ERROR_FORMAT,
                    size == 0 ? "%s: empty file, not an .npz file"
                              : "%s: not an .npz file (no zip end record)",
                    name);
  // The end record is the last one in the file, followed by a comment of
  // at most 64 KiB.
  size_t lowest = size - EndSize > 0xffff ? size - EndSize - 0xffff : 0;
  size_t end = size - EndSize + 1;
  do {
    --end;
    if (read32(bytes + end) == EndSignature &&
        end + EndSize + read16(bytes + end + 20) <= size)
      break;
    if (end == lowest)
      return setError(DL_ERROR_FORMAT,
                      "%s: not an .npz file (no zip end record)", name);
  } while (true);
  const uint8_t *record = bytes + end;
  if (read16(record + 4) != 0 || read16(record + 6) != 0)
    return setError(DL_ERROR_FORMAT,
                    "%s: multi-volume zip archives are not supported", name);
  out->entries = read16(record + 10);
  out->size = read32(record + 12);
  out->offset = read32(record + 16);
  // A ZIP64 locator right before the end record points to the ZIP64 end
  // record, whose values replace the escaped ones.
  if (end >= Zip64LocatorSize &&
      read32(bytes + end - Zip64LocatorSize) == Zip64LocatorSignature) {
    uint64_t zip64End = read64(bytes + end - Zip64LocatorSize + 8);
    if (!inBounds(zip64End, Zip64EndSize, end - Zip64LocatorSize) ||
        read32(bytes + zip64End) != Zip64EndSignature)
      return setError(DL_ERROR_FORMAT,
                      "%s: corrupt zip archive (bad ZIP64 end record)", name);
    const uint8_t *record64 = bytes + zip64End;
    out->entries = read64(record64 + 32);
    out->size = read64(record64 + 40);
    out->offset = read64(record64 + 48);
  } else if (out->entries == Escape16 || out->size == Escape32 ||
             out->offset == Escape32) {
    return setError(DL_ERROR_FORMAT,
                    "%s: corrupt zip archive (missing ZIP64 end record)", name);
  }
  if (!inBounds(out->offset, out->size, end) ||
      out->entries > out->size / CentralHeaderSize)
    return setError(DL_ERROR_FORMAT,
                    "%s: corrupt zip archive (bad central directory "
                    "location)",
                    name);
  return DL_OK;
}

/// Reads the values the ZIP64 extra field holds for the escaped fields of a
/// central directory entry, in the order the format gives them.
bool readZip64Extra(const uint8_t *extra, size_t extraSize,
                    uint64_t *uncompressed, uint64_t *compressed,
                    uint64_t *localOffset) {
  uint64_t *fields[] = {uncompressed, compressed, localOffset};
  while (extraSize >= 4) {
    uint16_t id = read16(extra), length = read16(extra + 2);
    if (length > extraSize - 4)
      return false;
    if (id == Zip64ExtraId) {
      const uint8_t *field = extra + 4;
      size_t left = length;
      for (uint64_t *value : fields) {
        if (*value != Escape32)
          continue;
        if (left < 8)
          return false;
        *value = read64(field);
        field += 8;
        left -= 8;
      }
      return true;
    }
    extra += 4 + length;
    extraSize -= 4 + length;
  }
  // Escaped values without a ZIP64 field are an error.
  return *uncompressed != Escape32 && *compressed != Escape32 &&
         *localOffset != Escape32;
}

dl_status crcMismatch(const char *name) {
  return setError(DL_ERROR_FORMAT, "%s: CRC-32 mismatch (corrupt data)", name);
}

} // namespace

dl_status listZipMembers(const uint8_t *bytes, size_t size, const char *name,
                         MallocPtr<ZipMember> *members, size_t *count) {
  Directory directory;
  if (dl_status status = findDirectory(bytes, size, name, &directory))
    return status;
  MallocPtr<ZipMember> list = mallocArray<ZipMember>(directory.entries);
  if (!list)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
  size_t listed = 0;
  const uint8_t *entry = bytes + directory.offset;
  const uint8_t *directoryEnd = entry + directory.size;
  for (uint64_t i = 0; i < directory.entries; ++i) {
    if (size_t(directoryEnd - entry) < CentralHeaderSize ||
        read32(entry) != CentralHeaderSignature)
      return setError(DL_ERROR_FORMAT,
                      "%s: corrupt zip archive (bad central directory entry "
                      "%llu)",
                      name, static_cast<unsigned long long>(i));
    uint16_t flags = read16(entry + 8);
    ZipMember member;
    member.method = read16(entry + 10);
    member.crc = read32(entry + 16);
    member.compressedSize = read32(entry + 20);
    member.uncompressedSize = read32(entry + 24);
    size_t nameLength = read16(entry + 28);
    size_t extraLength = read16(entry + 30);
    size_t commentLength = read16(entry + 32);
    uint64_t localOffset = read32(entry + 42);
    size_t entrySize =
        CentralHeaderSize + nameLength + extraLength + commentLength;
    if (size_t(directoryEnd - entry) < entrySize ||
        !readZip64Extra(entry + CentralHeaderSize + nameLength, extraLength,
                        &member.uncompressedSize, &member.compressedSize,
                        &localOffset))
      return setError(DL_ERROR_FORMAT,
                      "%s: corrupt zip archive (bad central directory entry "
                      "%llu)",
                      name, static_cast<unsigned long long>(i));
    member.name = reinterpret_cast<const char *>(entry + CentralHeaderSize);
    member.nameLength = nameLength;
    int shown = nameLength > 200 ? 200 : int(nameLength);
    if (nameLength == 0 || memchr(member.name, 0, nameLength))
      return setError(DL_ERROR_FORMAT,
                      "%s: corrupt zip archive (bad member name)", name);
    entry += entrySize;
    if (member.name[nameLength - 1] == '/')
      continue; // A directory: numpy never writes one, zip tools may.
    if (flags & 1)
      return setError(DL_ERROR_FORMAT,
                      "%s: member '%.*s' is encrypted, which is not "
                      "supported",
                      name, shown, member.name);
    if (member.method != 0 && member.method != 8)
      return setError(DL_ERROR_FORMAT,
                      "%s: member '%.*s' uses compression method %u; only "
                      "stored (0) and deflated (8) are supported",
                      name, shown, member.name, member.method);
    // The local header repeats the name; its extra field may differ from the
    // central one, and its sizes may be deferred to a data descriptor, so
    // only the name is taken from it.
    bool localHeaderFits =
        inBounds(localOffset, LocalHeaderSize, directory.offset) &&
        inBounds(localOffset + LocalHeaderSize, nameLength, directory.offset);
    const uint8_t *local = localHeaderFits ? bytes + localOffset : nullptr;
    if (!local || read32(local) != LocalHeaderSignature ||
        read16(local + 26) != nameLength ||
        memcmp(local + LocalHeaderSize, member.name, nameLength) != 0)
      return setError(DL_ERROR_FORMAT,
                      "%s: corrupt zip archive (bad local header of member "
                      "'%.*s')",
                      name, shown, member.name);
    member.dataOffset =
        localOffset + LocalHeaderSize + nameLength + read16(local + 28);
    bool plausible = member.method == 0
                         ? member.compressedSize == member.uncompressedSize
                         : member.uncompressedSize / MaxDeflateRatio <=
                               member.compressedSize;
    if (!inBounds(member.dataOffset, member.compressedSize, directory.offset) ||
        !plausible)
      return setError(DL_ERROR_FORMAT,
                      "%s: corrupt zip archive (bad sizes of member '%.*s')",
                      name, shown, member.name);
    list.get()[listed++] = member;
  }
  *members = std::move(list);
  *count = listed;
  return DL_OK;
}

dl_status extractZipMember(const uint8_t *archive, const ZipMember &member,
                           const char *name, ByteBuffer *storage,
                           const uint8_t **data) {
  const uint8_t *compressed = archive + member.dataOffset;
  if (member.method == 0) {
    if (crc32_z(0, compressed, member.compressedSize) != member.crc)
      return crcMismatch(name);
    *data = compressed;
    return DL_OK;
  }
  storage->data = mallocArray<uint8_t>(member.uncompressedSize);
  storage->size = member.uncompressedSize;
  if (!storage->data)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
  z_stream stream;
  memset(&stream, 0, sizeof(stream));
  // Negative window bits: a raw deflate stream, as zip members are.
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: cannot start inflating", name);
  // zlib counts in 32-bit units: feed and drain in chunks.
  constexpr uint64_t Chunk = 1u << 30;
  uint64_t inLeft = member.compressedSize, outLeft = member.uncompressedSize;
  stream.next_in = const_cast<Bytef *>(compressed);
  stream.next_out = storage->data.get();
  int result = Z_OK;
  while (result == Z_OK) {
    bool refilled = false;
    if (stream.avail_in == 0 && inLeft) {
      stream.avail_in = uInt(inLeft < Chunk ? inLeft : Chunk);
      inLeft -= stream.avail_in;
      refilled = true;
    }
    if (stream.avail_out == 0 && outLeft) {
      stream.avail_out = uInt(outLeft < Chunk ? outLeft : Chunk);
      outLeft -= stream.avail_out;
      refilled = true;
    }
    result = inflate(&stream, Z_NO_FLUSH);
    // No progress without more input or room: go on only after a refill.
    if (result == Z_BUF_ERROR && refilled)
      result = Z_OK;
  }
  bool complete =
      result == Z_STREAM_END && stream.avail_out == 0 && outLeft == 0;
  const char *problem = result == Z_DATA_ERROR && stream.msg
                            ? stream.msg
                            : "the data does not match its recorded size";
  inflateEnd(&stream);
  if (result == Z_MEM_ERROR)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory inflating",
                    name);
  if (!complete)
    return setError(DL_ERROR_FORMAT, "%s: corrupt compressed data (%s)", name,
                    problem);
  if (crc32_z(0, storage->data.get(), storage->size) != member.crc)
    return crcMismatch(name);
  *data = storage->data.get();
  return DL_OK;
}

dl_status ZipWriter::reserve(size_t count) {
  entries = mallocArray<Entry>(count);
  if (!entries)
    return setError(DL_ERROR_OUT_OF_MEMORY, "out of memory");
  return DL_OK;
}

dl_status ZipWriter::write(const void *data, size_t size) {
  offset += size;
  return file.write(data, size);
}

dl_status ZipWriter::addMember(const char *name, const Piece *pieces,
                               size_t numPieces) {
  Entry &entry = entries.get()[numEntries++];
  entry.name = name;
  entry.crc = 0;
  entry.size = 0;
  entry.offset = offset;
  for (size_t i = 0; i < numPieces; ++i) {
    // crc32_z(crc, NULL, 0) would restart the CRC: skip empty pieces.
    if (pieces[i].size == 0)
      continue;
    entry.crc = uint32_t(crc32_z(
        entry.crc, static_cast<const Bytef *>(pieces[i].data), pieces[i].size));
    entry.size += pieces[i].size;
  }
  bool zip64 = entry.size >= Escape32;
  size_t nameLength = strlen(name);
  FieldWriter header;
  header.put32(LocalHeaderSignature);
  header.put16(zip64 ? 45 : 20); // version needed: 4.5 for ZIP64
  // Bit 11: the name is UTF-8 (it is passed through as given).
  header.put16(0x800);
  header.put16(0);    // stored
  header.put16(0);    // time 00:00:00
  header.put16(0x21); // date 1980-01-01: reproducible archives
  header.put32(entry.crc);
  header.put32(zip64 ? Escape32 : entry.size);
  header.put32(zip64 ? Escape32 : entry.size);
  header.put16(nameLength);
  header.put16(zip64 ? 20 : 0);
  if (dl_status status = write(header.data(), header.size()))
    return status;
  if (dl_status status = write(name, nameLength))
    return status;
  if (zip64) {
    FieldWriter extra;
    extra.put16(Zip64ExtraId);
    extra.put16(16);
    extra.put64(entry.size);
    extra.put64(entry.size);
    if (dl_status status = write(extra.data(), extra.size()))
      return status;
  }
  for (size_t i = 0; i < numPieces; ++i)
    if (dl_status status = write(pieces[i].data, pieces[i].size))
      return status;
  return DL_OK;
}

dl_status ZipWriter::finish() {
  uint64_t directoryOffset = offset;
  for (size_t i = 0; i < numEntries; ++i) {
    const Entry &entry = entries.get()[i];
    bool bigSize = entry.size >= Escape32, bigOffset = entry.offset >= Escape32;
    size_t nameLength = strlen(entry.name);
    FieldWriter extra;
    if (bigSize || bigOffset) {
      extra.put16(Zip64ExtraId);
      extra.put16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0));
      if (bigSize) {
        extra.put64(entry.size);
        extra.put64(entry.size);
      }
      if (bigOffset)
        extra.put64(entry.offset);
    }
    FieldWriter header;
    header.put32(CentralHeaderSignature);
    header.put16(0x0300 | 45); // made by: Unix, 4.5
    header.put16(bigSize || bigOffset ? 45 : 20);
    header.put16(0x800);
    header.put16(0);
    header.put16(0);
    header.put16(0x21);
    header.put32(entry.crc);
    header.put32(bigSize ? Escape32 : entry.size);
    header.put32(bigSize ? Escape32 : entry.size);
    header.put16(nameLength);
    header.put16(extra.size());
    header.put16(0);                       // comment length
    header.put16(0);                       // disk
    header.put16(0);                       // internal attributes
    header.put32(uint32_t(0100644) << 16); // a regular file, rw-r--r--
    header.put32(bigOffset ? Escape32 : entry.offset);
    if (dl_status status = write(header.data(), header.size()))
      return status;
    if (dl_status status = write(entry.name, nameLength))
      return status;
    if (dl_status status = write(extra.data(), extra.size()))
      return status;
  }
  uint64_t directorySize = offset - directoryOffset;
  bool zip64 = numEntries >= Escape16 || directoryOffset >= Escape32 ||
               directorySize >= Escape32;
  if (zip64) {
    uint64_t zip64EndOffset = offset;
    FieldWriter record;
    record.put32(Zip64EndSignature);
    record.put64(Zip64EndSize - 12); // size of the rest of the record
    record.put16(0x0300 | 45);
    record.put16(45);
    record.put32(0);
    record.put32(0);
    record.put64(numEntries);
    record.put64(numEntries);
    record.put64(directorySize);
    record.put64(directoryOffset);
    record.put32(Zip64LocatorSignature);
    record.put32(0);
    record.put64(zip64EndOffset);
    record.put32(1);
    if (dl_status status = write(record.data(), record.size()))
      return status;
  }
  FieldWriter end;
  end.put32(EndSignature);
  end.put16(0);
  end.put16(0);
  end.put16(zip64 ? Escape16 : numEntries);
  end.put16(zip64 ? Escape16 : numEntries);
  end.put32(zip64 ? Escape32 : directorySize);
  end.put32(zip64 ? Escape32 : directoryOffset);
  end.put16(0);
  return write(end.data(), end.size());
}

} // namespace dlrt
