//===- GrowableArray.h - a malloc'd array that grows ------------*- C++ -*-===//
//
// The runtime cannot use std::vector: without exceptions, a failed
// allocation inside it ends the process. This array reports exhausted
// memory instead (push returns false). Elements must be trivially copyable.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_GROWABLEARRAY_H
#define DLRT_GROWABLEARRAY_H

#include "OwnedMemory.h"

#include <cstring>
#include <type_traits>

namespace dlrt {

template <typename T> class GrowableArray {
  static_assert(std::is_trivially_copyable<T>::value,
                "elements are moved with realloc");

public:
  GrowableArray() = default;
  GrowableArray(const GrowableArray &) = delete;
  GrowableArray &operator=(const GrowableArray &) = delete;

  /// Appends an element; false when memory is exhausted.
  bool push(const T &value) {
    if (count == capacity && !grow(count + 1))
      return false;
    items.get()[count++] = value;
    return true;
  }
  /// Makes room for `wanted` elements in all; false when memory is
  /// exhausted.
  bool reserve(size_t wanted) { return wanted <= capacity || grow(wanted); }
  void clear() { count = 0; }
  /// Drops the elements from index `size` on.
  void truncate(size_t size) {
    if (size < count)
      count = size;
  }

  size_t size() const { return count; }
  bool empty() const { return count == 0; }
  T *data() { return items.get(); }
  const T *data() const { return items.get(); }
  T &operator[](size_t i) { return items.get()[i]; }
  const T &operator[](size_t i) const { return items.get()[i]; }
  T *begin() { return items.get(); }
  T *end() { return items.get() + count; }
  const T *begin() const { return items.get(); }
  const T *end() const { return items.get() + count; }

private:
  bool grow(size_t wanted) {
    size_t next = capacity ? capacity : 8;
    while (next < wanted) {
      if (next > SIZE_MAX / 2 / sizeof(T))
        return false;
      next *= 2;
    }
    if (next > SIZE_MAX / sizeof(T))
      return false;
    void *grown = realloc(items.get(), next * sizeof(T));
    if (!grown)
      return false;
    items.release();
    items.reset(static_cast<T *>(grown));
    capacity = next;
    return true;
  }

  MallocPtr<T> items;
  size_t count = 0;
  size_t capacity = 0;
};

} // namespace dlrt

#endif // DLRT_GROWABLEARRAY_H
