//===- File.cpp - reading and writing whole files -------------------------===//

#include "File.h"
#include "Errors.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace dlrt {

InputFile::~InputFile() {
  if (fd >= 0)
    close(fd);
}

dl_status InputFile::open(const char *path) {
  this->path = path;
  if (!path)
    return setError(DL_ERROR_INVALID_ARGUMENT, "null file name");
  fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return setError(DL_ERROR_IO, "cannot open '%s': %s", path, strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0)
    return setError(DL_ERROR_IO, "cannot read '%s': %s", path, strerror(errno));
  if (S_ISDIR(info.st_mode))
    return setError(DL_ERROR_IO, "cannot read '%s': %s", path,
                    strerror(EISDIR));
  if (S_ISREG(info.st_mode))
    fileSize = info.st_size;
  return DL_OK;
}

dl_status InputFile::read(void *buffer, size_t size, size_t *got) {
  char *out = static_cast<char *>(buffer);
  size_t total = 0;
  while (total < size) {
    ssize_t n = ::read(fd, out + total, size - total);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return setError(DL_ERROR_IO, "cannot read '%s': %s", path,
                      strerror(errno));
    if (n == 0)
      break;
    total += size_t(n);
  }
  *got = total;
  return DL_OK;
}

dl_status readWholeFile(const char *path, ByteBuffer *out) {
  InputFile file;
  if (dl_status status = file.open(path))
    return status;
  // A regular file is read in one go (one spare byte notices a file that
  // grew meanwhile); anything else grows a buffer until the end.
  size_t capacity = file.size() >= 0 ? size_t(file.size()) + 1 : 65536;
  ByteBuffer buffer;
  buffer.data = mallocArray<uint8_t>(capacity);
  while (buffer.data) {
    size_t got;
    if (dl_status status = file.read(buffer.data.get() + buffer.size,
                                     capacity - buffer.size, &got))
      return status;
    buffer.size += got;
    if (buffer.size < capacity) {
      *out = std::move(buffer);
      return DL_OK;
    }
    void *grown = capacity <= SIZE_MAX / 2
                      ? realloc(buffer.data.get(), capacity * 2)
                      : nullptr;
    if (!grown)
      break;
    buffer.data.release();
    buffer.data.reset(static_cast<uint8_t *>(grown));
    capacity *= 2;
  }
  return setError(DL_ERROR_OUT_OF_MEMORY, "out of memory reading '%s'", path);
}

OutputFile::~OutputFile() {
  if (fd < 0)
    return;
  close(fd);
  unlink(path);
}

dl_status OutputFile::open(const char *path) {
  this->path = path;
  if (!path)
    return setError(DL_ERROR_INVALID_ARGUMENT, "null file name");
  fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return setError(DL_ERROR_IO, "cannot open '%s' for writing: %s", path,
                    strerror(errno));
  return DL_OK;
}

dl_status OutputFile::write(const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return setError(DL_ERROR_IO, "cannot write '%s': %s", path,
                      strerror(errno));
    bytes += n;
    size -= size_t(n);
  }
  return DL_OK;
}

dl_status OutputFile::commit() {
  int result = close(fd);
  fd = -1;
  if (result != 0) {
    int error = errno;
    unlink(path);
    return setError(DL_ERROR_IO, "cannot write '%s': %s", path,
                    strerror(error));
  }
  return DL_OK;
}

} // namespace dlrt
