//===- Allocator.cpp - 64-byte aligned blocks with owner lists ------------===//
//
// dl_alloc/dl_free for programs, and the generic allocation functions that
// MLIR's memref lowering calls from generated code. The latter put their
// blocks on the current call's list so that dl_invoke can release them.
//
//===----------------------------------------------------------------------===//

#include "Allocator.h"
#include "CallContext.h"
#include "Errors.h"
#include "OwnedMemory.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>

namespace dlrt {

namespace {
constexpr size_t HeaderSize = sizeof(BlockHeader);
/// Blocks currently allocated, for leak checks (dl_alloc_count).
std::atomic<size_t> liveBlocks{0};

size_t roundUpToPowerOfTwo(size_t value) {
  size_t result = 1;
  while (result < value && result != 0)
    result <<= 1;
  return result;
}
} // namespace

void BlockList::add(void *ptr) {
  BlockHeader *block = headerOf(ptr);
  block->prev = sentinel.prev;
  block->next = &sentinel;
  sentinel.prev->next = block;
  sentinel.prev = block;
}

bool BlockList::contains(const void *ptr) const {
  for (const BlockHeader *block = sentinel.next; block != &sentinel;
       block = block->next)
    if (block + 1 == ptr)
      return true;
  return false;
}

void BlockList::remove(void *ptr) {
  BlockHeader *block = headerOf(ptr);
  if (!block->next)
    return;
  block->prev->next = block->next;
  block->next->prev = block->prev;
  block->prev = block->next = nullptr;
}

void BlockList::releaseAll() {
  while (sentinel.next != &sentinel)
    releaseBlock(sentinel.next + 1);
}

void BlockDeleter::operator()(void *ptr) const { releaseBlock(ptr); }

void *allocateBlock(size_t size, size_t alignment) {
  size_t align =
      roundUpToPowerOfTwo(alignment < HeaderSize ? HeaderSize : alignment);
  // The header sits right before the block, so the block starts `align`
  // bytes into the underlying allocation (which is then `align`-aligned).
  if (align == 0 || size > SIZE_MAX - align)
    return nullptr;
  void *base = nullptr;
  if (posix_memalign(&base, align, align + size) != 0)
    return nullptr;
  char *ptr = static_cast<char *>(base) + align;
  BlockHeader *block = headerOf(ptr);
  block->prev = block->next = nullptr;
  block->base = base;
  block->size = size;
  liveBlocks.fetch_add(1, std::memory_order_relaxed);
  return ptr;
}

void releaseBlock(void *ptr) {
  BlockList::remove(ptr);
  liveBlocks.fetch_sub(1, std::memory_order_relaxed);
  free(headerOf(ptr)->base);
}

/// An allocation by generated code: owned by the current call, which fails
/// if memory is exhausted (generated code does not check for null).
static void *allocateForGeneratedCode(size_t size, size_t alignment) {
  void *ptr = allocateBlock(size, alignment);
  CallState *call = currentCall();
  if (!call)
    return ptr;
  if (!ptr) {
    setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory allocating %zu bytes",
             call->entryName, size);
    abandonCurrentCall(DL_ERROR_OUT_OF_MEMORY);
  }
  call->blocks.add(ptr);
  return ptr;
}

} // namespace dlrt

using namespace dlrt;

extern "C" {

void *dl_alloc(size_t size) { return allocateBlock(size, HeaderSize); }

void dl_free(void *ptr) {
  if (ptr)
    releaseBlock(ptr);
}

size_t dl_alloc_count(void) {
  return liveBlocks.load(std::memory_order_relaxed);
}

void *_mlir_memref_to_llvm_alloc(size_t size) {
  return allocateForGeneratedCode(size, HeaderSize);
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  return allocateForGeneratedCode(size, alignment);
}

void _mlir_memref_to_llvm_free(void *ptr) {
  if (ptr)
    releaseBlock(ptr);
}

} // extern "C"
