//===- File.h - reading and writing whole files -----------------*- C++ -*-===//
//
// POSIX file access with errors reported as dl_status and messages that name
// the file. Sizes read from files are never trusted: readers check what
// they ask for against the file size.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_FILE_H
#define DLRT_FILE_H

#include "OwnedMemory.h"
#include "dl/runtime.h"

#include <cstddef>
#include <cstdint>

namespace dlrt {

class InputFile {
public:
  InputFile() = default;
  InputFile(const InputFile &) = delete;
  InputFile &operator=(const InputFile &) = delete;
  ~InputFile();

  dl_status open(const char *path);
  /// The size of a regular file, or -1 for a pipe or device.
  int64_t size() const { return fileSize; }
  /// Reads up to `size` bytes; fewer only at the end of the file.
  dl_status read(void *buffer, size_t size, size_t *got);

private:
  int fd = -1;
  const char *path = nullptr;
  int64_t fileSize = -1;
};

/// Reads a whole file into memory.
dl_status readWholeFile(const char *path, ByteBuffer *out);

/// A file being written. It is removed unless commit() succeeds, so that a
/// failed write leaves no partial file behind.
class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  ~OutputFile();

  dl_status open(const char *path);
  dl_status write(const void *data, size_t size);
  /// Closes the file, reporting any error of the last writes.
  dl_status commit();

private:
  int fd = -1;
  const char *path = nullptr;
};

} // namespace dlrt

#endif // DLRT_FILE_H
