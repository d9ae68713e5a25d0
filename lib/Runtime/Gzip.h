//===- Gzip.h - gzip streams through zlib -----------------------*- C++ -*-===//
#ifndef DLRT_GZIP_H
#define DLRT_GZIP_H

#include "OwnedMemory.h"
#include "dl/runtime.h"

#include <cstddef>
#include <cstdint>

namespace dlrt {

/// Whether `bytes` start with the gzip magic (1f 8b).
bool isGzip(const uint8_t *bytes, size_t size);

/// Decompresses a gzip file held in memory: one member or several
/// concatenated (as `cat a.gz b.gz` makes), each with its CRC-32 and
/// length checked by zlib. Anything after the last member is an error.
/// `name` names the file in messages.
dl_status gunzip(const uint8_t *bytes, size_t size, const char *name,
                 ByteBuffer *out);

/// Reads a whole data file, decompressing it if it is gzipped: when it has
/// the gzip magic, or when its name ends in ".gz" (then the magic must be
/// there).
dl_status readDataFile(const char *path, ByteBuffer *out);

} // namespace dlrt

#endif // DLRT_GZIP_H
