//===- XxHash64.cpp - the xxHash64 checksum -------------------------------===//

#include "XxHash64.h"

#include <cstring>

namespace dlrt {

namespace {

constexpr uint64_t Prime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t Prime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t Prime3 = 0x165667B19E3779F9ULL;
constexpr uint64_t Prime4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t Prime5 = 0x27D4EB2F165667C5ULL;

uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t read64(const uint8_t *p) {
  uint64_t value;
  memcpy(&value, p, 8); // little-endian hosts (the runtime assumes it)
  return value;
}

uint32_t read32(const uint8_t *p) {
  uint32_t value;
  memcpy(&value, p, 4);
  return value;
}

uint64_t round(uint64_t acc, uint64_t input) {
  acc += input * Prime2;
  acc = rotl(acc, 31);
  return acc * Prime1;
}

uint64_t mergeRound(uint64_t acc, uint64_t lane) {
  acc ^= round(0, lane);
  return acc * Prime1 + Prime4;
}

/// The four lanes consume 32-byte stripes.
void consumeStripes(uint64_t (&lanes)[4], const uint8_t *p, size_t stripes) {
  uint64_t v0 = lanes[0], v1 = lanes[1], v2 = lanes[2], v3 = lanes[3];
  for (size_t i = 0; i < stripes; ++i, p += 32) {
    v0 = round(v0, read64(p));
    v1 = round(v1, read64(p + 8));
    v2 = round(v2, read64(p + 16));
    v3 = round(v3, read64(p + 24));
  }
  lanes[0] = v0;
  lanes[1] = v1;
  lanes[2] = v2;
  lanes[3] = v3;
}

} // namespace

// The lanes start from the seed (0) plus constants.
XxHash64::XxHash64() : lanes{Prime1 + Prime2, Prime2, 0, 0 - Prime1} {}

void XxHash64::update(const void *data, size_t size) {
  const uint8_t *p = static_cast<const uint8_t *>(data);
  totalLength += size;
  if (numPending + size < 32) {
    if (size)
      memcpy(pending + numPending, p, size);
    numPending += size;
    return;
  }
  if (numPending) {
    size_t fill = 32 - numPending;
    memcpy(pending + numPending, p, fill);
    consumeStripes(lanes, pending, 1);
    p += fill;
    size -= fill;
    numPending = 0;
  }
  consumeStripes(lanes, p, size / 32);
  p += size / 32 * 32;
  numPending = size % 32;
  if (numPending)
    memcpy(pending, p, numPending);
}

uint64_t XxHash64::digest() const {
  uint64_t hash;
  if (totalLength >= 32) {
    hash = rotl(lanes[0], 1) + rotl(lanes[1], 7) + rotl(lanes[2], 12) +
           rotl(lanes[3], 18);
    for (uint64_t lane : lanes)
      hash = mergeRound(hash, lane);
  } else {
    hash = lanes[2] + Prime5; // lanes[2] is the seed, 0
  }
  hash += totalLength;
  const uint8_t *p = pending;
  size_t left = numPending;
  for (; left >= 8; p += 8, left -= 8) {
    hash ^= round(0, read64(p));
    hash = rotl(hash, 27) * Prime1 + Prime4;
  }
  if (left >= 4) {
    hash ^= uint64_t(read32(p)) * Prime1;
    hash = rotl(hash, 23) * Prime2 + Prime3;
    p += 4;
    left -= 4;
  }
  for (; left > 0; ++p, --left) {
    hash ^= uint64_t(*p) * Prime5;
    hash = rotl(hash, 11) * Prime1;
  }
  hash ^= hash >> 33;
  hash *= Prime2;
  hash ^= hash >> 29;
  hash *= Prime3;
  hash ^= hash >> 32;
  return hash;
}

uint64_t xxHash64(const void *data, size_t size) {
  XxHash64 hash;
  hash.update(data, size);
  return hash.digest();
}

} // namespace dlrt
