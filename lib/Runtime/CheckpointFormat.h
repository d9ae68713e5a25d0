//===- CheckpointFormat.h - the layout of checkpoint files ------*- C++ -*-===//
//
// A checkpoint file is
//
//   the header     64 bytes, below
//   the table      a FlatBuffers buffer (schemas/checkpoint.fbs), at 64
//   tensor data    each tensor's bytes at a 64-byte aligned offset, zeros
//                  in between
//
// The header, little-endian:
//
//   0   magic "DLCKPT"     6 bytes
//   6   format version     u16 (1)
//   8   header size        u32 (64): where the table starts
//   12  table size         u32
//   16  table checksum     u64, xxHash64 of the table
//   24  file size          u64, the whole file
//   32  reserved           24 zero bytes
//   56  header checksum    u64, xxHash64 of bytes 0..55
//
// docs/runtime-abi.md ("Checkpoints") says why and what readers check.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_CHECKPOINTFORMAT_H
#define DLRT_CHECKPOINTFORMAT_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dlrt {

constexpr char CheckpointMagic[] = "DLCKPT";
constexpr size_t CheckpointMagicSize = 6;
constexpr uint16_t CheckpointVersion = 1;
constexpr size_t CheckpointHeaderSize = 64;
/// Tensor data starts at multiples of this: the alignment of dl_alloc, so
/// that a file mapped into memory could be used in place.
constexpr uint64_t CheckpointAlignment = 64;
/// The header checksum covers every byte before it.
constexpr size_t CheckpointHeaderChecked = 56;

struct CheckpointHeader {
  uint16_t version;
  uint32_t headerSize;
  uint32_t tableSize;
  uint64_t tableChecksum;
  uint64_t fileSize;
  uint64_t headerChecksum;
};

inline uint64_t alignCheckpointOffset(uint64_t offset) {
  return (offset + CheckpointAlignment - 1) & ~(CheckpointAlignment - 1);
}

/// Writes the header's bytes, its checksum included.
void encodeCheckpointHeader(const CheckpointHeader &header,
                            uint8_t (&bytes)[CheckpointHeaderSize]);
/// Reads the fields (checking nothing); `reservedZero` says whether the
/// reserved bytes are zero.
CheckpointHeader decodeCheckpointHeader(
    const uint8_t (&bytes)[CheckpointHeaderSize], bool *reservedZero);

} // namespace dlrt

#endif // DLRT_CHECKPOINTFORMAT_H
