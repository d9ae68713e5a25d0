//===- OwnedMemory.h - malloc'd memory with an owner ------------*- C++ -*-===//
//
// The runtime is built without exceptions and reports exhausted memory as a
// status, so it allocates with malloc and checks, and lets these owners free.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_OWNEDMEMORY_H
#define DLRT_OWNEDMEMORY_H

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace dlrt {

struct FreeDeleter {
  void operator()(void *ptr) const { free(ptr); }
};
template <typename T> using MallocPtr = std::unique_ptr<T, FreeDeleter>;

/// An uninitialized array of `count` trivially constructible elements, or
/// null when memory is exhausted (never null for a count of 0).
template <typename T> MallocPtr<T> mallocArray(size_t count) {
  if (count > SIZE_MAX / sizeof(T))
    return nullptr;
  return MallocPtr<T>(
      static_cast<T *>(malloc(sizeof(T) * (count ? count : 1))));
}

/// A block from dl_alloc, released with dl_free unless released from here.
struct BlockDeleter {
  void operator()(void *ptr) const;
};
using BlockPtr = std::unique_ptr<void, BlockDeleter>;

/// Bytes read from a file or produced in memory.
struct ByteBuffer {
  MallocPtr<uint8_t> data;
  size_t size = 0;
};

} // namespace dlrt

#endif // DLRT_OWNEDMEMORY_H
