//===- AtomicFile.h - replacing a file all at once --------------*- C++ -*-===//
//
// Checkpoints and training logs must never be left half-written: a crash or
// a full disk in the middle of a write would lose the previous version too.
// So the new contents go to a temporary file in the same directory (rename
// is atomic only within a file system), which is synced, renamed over the
// target, and then the directory is synced so that the rename itself is on
// disk. Until commit() succeeds the target is untouched, and the temporary
// file is removed on any failure.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_ATOMICFILE_H
#define DLRT_ATOMICFILE_H

#include "OwnedMemory.h"
#include "dl/runtime.h"

#include <cstddef>

namespace dlrt {

class AtomicFile {
public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;
  /// Removes the temporary file unless committed.
  ~AtomicFile();

  /// Creates the temporary file for `path` (kept by pointer until commit).
  dl_status open(const char *path);
  dl_status write(const void *data, size_t size);
  /// Syncs, renames over the target, syncs the directory.
  dl_status commit();

private:
  dl_status fail(const char *what, int error);

  int fd = -1;
  const char *path = nullptr;
  MallocPtr<char> tempPath;
};

/// Writes `size` bytes as the whole contents of `path`, atomically.
dl_status writeFileAtomically(const char *path, const void *data, size_t size);

} // namespace dlrt

#endif // DLRT_ATOMICFILE_H
