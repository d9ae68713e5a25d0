//===- CheckpointFormat.cpp - the header of checkpoint files --------------===//

#include "CheckpointFormat.h"
#include "XxHash64.h"

namespace dlrt {

namespace {
void put(uint8_t *p, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i)
    p[i] = uint8_t(value >> (8 * i));
}
uint64_t get(const uint8_t *p, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = bytes; i-- > 0;)
    value = value << 8 | p[i];
  return value;
}
} // namespace

void encodeCheckpointHeader(const CheckpointHeader &header,
                            uint8_t (&bytes)[CheckpointHeaderSize]) {
  memset(bytes, 0, CheckpointHeaderSize);
  memcpy(bytes, CheckpointMagic, CheckpointMagicSize);
  put(bytes + 6, header.version, 2);
  put(bytes + 8, header.headerSize, 4);
  put(bytes + 12, header.tableSize, 4);
  put(bytes + 16, header.tableChecksum, 8);
  put(bytes + 24, header.fileSize, 8);
  put(bytes + CheckpointHeaderChecked,
      xxHash64(bytes, CheckpointHeaderChecked), 8);
}

CheckpointHeader decodeCheckpointHeader(
    const uint8_t (&bytes)[CheckpointHeaderSize], bool *reservedZero) {
  CheckpointHeader header;
  header.version = uint16_t(get(bytes + 6, 2));
  header.headerSize = uint32_t(get(bytes + 8, 4));
  header.tableSize = uint32_t(get(bytes + 12, 4));
  header.tableChecksum = get(bytes + 16, 8);
  header.fileSize = get(bytes + 24, 8);
  header.headerChecksum = get(bytes + CheckpointHeaderChecked, 8);
  *reservedZero = true;
  for (size_t i = 32; i < CheckpointHeaderChecked; ++i)
    *reservedZero = *reservedZero && bytes[i] == 0;
  return header;
}

} // namespace dlrt
