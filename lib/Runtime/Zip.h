//===- Zip.h - the zip archives .npz files are ------------------*- C++ -*-===//
//
// Just enough of the zip format (PKWARE APPNOTE) for NumPy's .npz files:
// reading stored and deflated members, with ZIP64 records as Python's
// zipfile writes them, and writing stored members. Every offset and size
// read from an archive is checked against the archive before it is used.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_ZIP_H
#define DLRT_ZIP_H

#include "File.h"
#include "OwnedMemory.h"
#include "dl/runtime.h"

#include <cstddef>
#include <cstdint>

namespace dlrt {

/// A member as the central directory describes it.
struct ZipMember {
  /// The name, pointing into the archive (not NUL-terminated).
  const char *name;
  size_t nameLength;
  uint16_t method;
  uint32_t crc;
  uint64_t compressedSize;
  uint64_t uncompressedSize;
  /// Where the member's (compressed) data starts in the archive.
  uint64_t dataOffset;
};

/// The members of the zip archive `bytes` (from its central directory),
/// in order, with each member's data range checked against the archive.
/// `name` names the archive in messages.
dl_status listZipMembers(const uint8_t *bytes, size_t size, const char *name,
                         MallocPtr<ZipMember> *members, size_t *count);

/// The uncompressed bytes of a member: in the archive for a stored member,
/// inflated into `storage` for a deflated one. The CRC-32 is checked.
/// `name` names the member in messages.
dl_status extractZipMember(const uint8_t *archive, const ZipMember &member,
                           const char *name, ByteBuffer *storage,
                           const uint8_t **data);

/// Writes an archive of stored (uncompressed) members, adding ZIP64 records
/// only when sizes or offsets need them.
class ZipWriter {
public:
  /// A piece of a member's data.
  struct Piece {
    const void *data;
    size_t size;
  };

  explicit ZipWriter(OutputFile &file) : file(file) {}

  /// Room for the central directory entries of `count` members.
  dl_status reserve(size_t count);
  /// Writes a member whose data is the concatenation of `pieces`.
  dl_status addMember(const char *name, const Piece *pieces, size_t numPieces);
  /// Writes the central directory and the end records.
  dl_status finish();

private:
  struct Entry {
    const char *name;
    uint32_t crc;
    uint64_t size;
    uint64_t offset;
  };

  dl_status write(const void *data, size_t size);

  OutputFile &file;
  MallocPtr<Entry> entries;
  size_t numEntries = 0;
  uint64_t offset = 0;
};

} // namespace dlrt

#endif // DLRT_ZIP_H
