//===- XxHash64.h - the xxHash64 checksum -----------------------*- C++ -*-===//
//
// XXH64 (Yann Collet's xxHash, 64-bit variant, specification in the xxHash
// repository's doc/xxhash_spec.md), seed 0: the checksum of checkpoints.
// Chosen over CRC32C for speed without CPU-specific code (several GB/s in
// portable C++) and for its 64 bits. `xxhsum -H64 FILE` computes the same.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_XXHASH64_H
#define DLRT_XXHASH64_H

#include <cstddef>
#include <cstdint>

namespace dlrt {

/// XXH64 of data that arrives in pieces: update() any number of times, then
/// digest(), which equals the hash of everything given at once.
class XxHash64 {
public:
  XxHash64();
  void update(const void *data, size_t size);
  uint64_t digest() const;

private:
  uint64_t lanes[4];
  uint8_t pending[32];
  size_t numPending = 0;
  uint64_t totalLength = 0;
};

/// XXH64 of one buffer.
uint64_t xxHash64(const void *data, size_t size);

} // namespace dlrt

#endif // DLRT_XXHASH64_H
