//===- AtomicFile.cpp - replacing a file all at once ----------------------===//

#include "AtomicFile.h"
#include "Errors.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dlrt {

namespace {

/// Distinguishes the temporary files of concurrent writes in one process
/// (the process id distinguishes processes).
std::atomic<unsigned> tempCounter{0};

/// Syncs the directory holding `path`, so that a rename into it survives a
/// crash. File systems that cannot sync directories say EINVAL; there is
/// nothing more to do on those.
int syncDirectory(const char *path) {
  const char *slash = strrchr(path, '/');
  size_t length = slash ? size_t(slash - path) : 0;
  MallocPtr<char> dir = mallocArray<char>(length + 2);
  if (!dir)
    return ENOMEM;
  if (!slash)
    strcpy(dir.get(), ".");
  else if (length == 0)
    strcpy(dir.get(), "/");
  else {
    memcpy(dir.get(), path, length);
    dir.get()[length] = '\0';
  }
  int fd = ::open(dir.get(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int error = fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
  close(fd);
  return error;
}

} // namespace

AtomicFile::~AtomicFile() {
  if (fd >= 0)
    close(fd);
  if (tempPath)
    unlink(tempPath.get());
}

dl_status AtomicFile::fail(const char *what, int error) {
  if (fd >= 0)
    close(fd);
  fd = -1;
  if (tempPath)
    unlink(tempPath.get());
  tempPath.reset();
  return setError(DL_ERROR_IO, "cannot write '%s': %s%s", path, what,
                  strerror(error));
}

dl_status AtomicFile::open(const char *path) {
  this->path = path;
  if (!path || !*path)
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s file name",
                    path ? "empty" : "null");
  size_t length = strlen(path) + 64;
  tempPath = mallocArray<char>(length);
  if (!tempPath)
    return setError(DL_ERROR_OUT_OF_MEMORY, "out of memory writing '%s'",
                    path);
  // A name nobody else uses: another process's or thread's temporary file,
  // or a stale one a crash left, makes O_EXCL fail and the next try.
  for (int attempt = 0; attempt < 100; ++attempt) {
    snprintf(tempPath.get(), length, "%s.tmp-%ld-%u", path, long(getpid()),
             tempCounter++);
    fd = ::open(tempPath.get(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST)
      break;
  }
  if (fd < 0) {
    int error = errno;
    tempPath.reset();
    return fail("cannot create a temporary file next to it: ", error);
  }
  return DL_OK;
}

dl_status AtomicFile::write(const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail("", errno);
    bytes += n;
    size -= size_t(n);
  }
  return DL_OK;
}

dl_status AtomicFile::commit() {
  if (fsync(fd) != 0)
    return fail("", errno);
  int closed = close(fd);
  fd = -1;
  if (closed != 0)
    return fail("", errno);
  if (rename(tempPath.get(), path) != 0)
    return fail("cannot rename the temporary file over it: ", errno);
  tempPath.reset();
  if (int error = syncDirectory(path))
    return setError(DL_ERROR_IO,
                    "'%s' was written but its directory could not be synced: "
                    "%s",
                    path, strerror(error));
  return DL_OK;
}

dl_status writeFileAtomically(const char *path, const void *data,
                              size_t size) {
  AtomicFile file;
  if (dl_status status = file.open(path))
    return status;
  if (dl_status status = file.write(data, size))
    return status;
  return file.commit();
}

} // namespace dlrt
