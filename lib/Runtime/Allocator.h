//===- Allocator.h - the runtime's memory blocks ----------------*- C++ -*-===//
//
// Every block handed out by dl_alloc or by the allocation functions that
// generated code calls has a 64-byte header in front of it. The header links
// the block into the list of the call that owns it (if any), so that a call
// that fails, or finishes, can free what the generated code left behind, and
// so that dl_free can release any block without a lookup table.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_ALLOCATOR_H
#define DLRT_ALLOCATOR_H

#include <cstddef>

namespace dlrt {

/// The header in front of every block; the block's memory starts right after
/// it, so the header is found at `ptr - 64`.
struct alignas(64) BlockHeader {
  /// Neighbours on the owning call's list; both null when no call owns the
  /// block (dl_alloc, results handed to the caller, allocations made while
  /// no call is active).
  BlockHeader *prev;
  BlockHeader *next;
  /// What posix_memalign returned: the header is not at the start of the
  /// underlying allocation when the alignment exceeds 64.
  void *base;
  /// The size the block was requested with.
  size_t size;
};
static_assert(sizeof(BlockHeader) == 64,
              "the header must keep 64-byte alignment");

/// The header of a block returned by allocateBlock.
inline BlockHeader *headerOf(void *ptr) {
  return static_cast<BlockHeader *>(ptr) - 1;
}

/// The blocks owned by one call: a circular doubly-linked list through the
/// block headers, with a sentinel so that linking and unlinking need no
/// special cases.
class BlockList {
public:
  BlockList() { sentinel.prev = sentinel.next = &sentinel; }
  BlockList(const BlockList &) = delete;
  BlockList &operator=(const BlockList &) = delete;

  void add(void *ptr);
  /// Whether `ptr` is the start of a block on this list.
  bool contains(const void *ptr) const;
  /// Removes a block from whatever list it is on (none is fine).
  static void remove(void *ptr);
  /// Frees every block still on the list.
  void releaseAll();

private:
  BlockHeader sentinel;
};

/// A block of `size` bytes aligned to `alignment` (a power of two; at least
/// 64 is used) that no call owns, or null when memory is exhausted.
void *allocateBlock(size_t size, size_t alignment);
/// Frees a block from allocateBlock, unlinking it from its owner's list.
void releaseBlock(void *ptr);

} // namespace dlrt

#endif // DLRT_ALLOCATOR_H
