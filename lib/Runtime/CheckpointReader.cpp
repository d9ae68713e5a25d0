//===- CheckpointReader.cpp - reading and verifying checkpoints -----------===//
//
// Nothing in the file is trusted: the header is checked (magic, version,
// checksum, sizes against the real file size) before the table is read,
// the table is checked (checksum, then the FlatBuffers verifier, then every
// field: dtypes, roles, shapes, sizes, offsets, overlaps, names) before any
// tensor is allocated, and each tensor's data is checked against its
// checksum. Every failure names the file and the check, and the tensor.
//
//===----------------------------------------------------------------------===//

#include "CheckpointFormat.h"
#include "OwnedMemory.h"
#include "Tensor.h"
#include "XxHash64.h"
#include "checkpoint_generated.h"
#include "dl/checkpoint.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

using namespace dlrt;
namespace fb = dl::checkpoint;

struct dl_checkpoint {
  struct Entry {
    const char *name; // in the table
    dl_checkpoint_role role;
    dl_tensor tensor;
    bool loaded; // whether `tensor` owns data yet
  };
  uint32_t version = 0;
  dl_checkpoint_info info{};
  /// The FlatBuffers table, which the names and strings point into.
  BlockPtr table;
  MallocPtr<dl_checkpoint_kv> hyperparameters;
  MallocPtr<Entry> entries;
  size_t count = 0;
  /// Entry indices sorted by name, for dl_checkpoint_find.
  MallocPtr<size_t> byName;

  /// Entries allocated (some perhaps not loaded yet, when reading fails).
  size_t allocated = 0;

  ~dl_checkpoint() {
    for (size_t i = 0; i < allocated; ++i)
      if (entries.get()[i].loaded)
        dl_tensor_free(&entries.get()[i].tensor);
  }
};

namespace {

/// A file descriptor, closed when done.
class Descriptor {
public:
  explicit Descriptor(int fd) : fd(fd) {}
  Descriptor(const Descriptor &) = delete;
  Descriptor &operator=(const Descriptor &) = delete;
  ~Descriptor() {
    if (fd >= 0)
      close(fd);
  }
  int get() const { return fd; }

private:
  int fd;
};

/// Reads exactly `size` bytes at `offset`; `*got` is how many there were.
dl_status readAt(int fd, uint64_t offset, void *buffer, size_t size,
                 const char *path, size_t *got) {
  char *out = static_cast<char *>(buffer);
  size_t total = 0;
  while (total < size) {
    ssize_t n = pread(fd, out + total, size - total, off_t(offset + total));
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

class Reader {
public:
  Reader(const char *path, int fd, uint64_t fileSize, dl_checkpoint &out)
      : path(path), fd(fd), fileSize(fileSize), out(out) {}

  dl_status read();

private:
  dl_status corrupt(const char *format, ...)
      __attribute__((format(printf, 2, 3)));
  dl_status readHeader(CheckpointHeader *header);
  dl_status readTable(const CheckpointHeader &header);
  dl_status checkTensors(const fb::Checkpoint &root, uint64_t dataStart);
  dl_status readTensorData(const fb::Checkpoint &root, uint64_t tableEnd);
  dl_status checkPadding(uint64_t from, uint64_t to);

  const char *path;
  int fd;
  uint64_t fileSize;
  dl_checkpoint &out;
  /// Tensor indices in the order of their data in the file.
  MallocPtr<size_t> byOffset;
};

dl_status Reader::corrupt(const char *format, ...) {
  Message message;
  message.append("%s: ", path);
  va_list args;
  va_start(args, format);
  message.appendV(format, args);
  va_end(args);
  return setError(DL_ERROR_FORMAT, "%s", message.str());
}

dl_status Reader::readHeader(CheckpointHeader *header) {
  uint8_t bytes[CheckpointHeaderSize];
  size_t got;
  if (dl_status status = readAt(fd, 0, bytes, sizeof(bytes), path, &got))
    return status;
  if (got == 0)
    return corrupt("empty file, not a checkpoint");
  if (memcmp(bytes, CheckpointMagic,
             got < CheckpointMagicSize ? got : CheckpointMagicSize) != 0 ||
      got < CheckpointMagicSize)
    return corrupt("not a checkpoint (bad magic)");
  if (got < CheckpointHeaderSize)
    return corrupt("truncated: %zu bytes, the header alone has %zu", got,
                   CheckpointHeaderSize);
  bool reservedZero;
  *header = decodeCheckpointHeader(bytes, &reservedZero);
  if (header->version != CheckpointVersion)
    return corrupt("checkpoint format version %u is not supported (this "
                   "runtime reads version %u)",
                   header->version, CheckpointVersion);
  if (xxHash64(bytes, CheckpointHeaderChecked) != header->headerChecksum)
    return corrupt("corrupt header (checksum mismatch)");
  if (header->headerSize != CheckpointHeaderSize || !reservedZero)
    return corrupt("malformed header (header size %u, reserved bytes %s)",
                   header->headerSize, reservedZero ? "zero" : "not zero");
  if (header->fileSize > fileSize)
    return corrupt("truncated: the header says %llu bytes, the file has %llu",
                   static_cast<unsigned long long>(header->fileSize),
                   static_cast<unsigned long long>(fileSize));
  if (header->fileSize < fileSize)
    return corrupt("%llu unexpected byte%s after the end of the checkpoint "
                   "(%llu bytes)",
                   static_cast<unsigned long long>(fileSize - header->fileSize),
                   fileSize - header->fileSize == 1 ? "" : "s",
                   static_cast<unsigned long long>(header->fileSize));
  if (header->tableSize > fileSize - CheckpointHeaderSize)
    return corrupt("the table (%u bytes at offset %zu) runs past the end of "
                   "the file (%llu bytes)",
                   header->tableSize, CheckpointHeaderSize,
                   static_cast<unsigned long long>(fileSize));
  return DL_OK;
}

dl_status Reader::readTable(const CheckpointHeader &header) {
  // dl_alloc's 64-byte alignment is more than the table's fields need.
  out.table.reset(dl_alloc(header.tableSize));
  if (!out.table)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  size_t got;
  if (dl_status status = readAt(fd, CheckpointHeaderSize, out.table.get(),
                                header.tableSize, path, &got))
    return status;
  if (got != header.tableSize)
    return corrupt("truncated table");
  if (xxHash64(out.table.get(), header.tableSize) != header.tableChecksum)
    return corrupt("corrupt table (checksum mismatch)");
  const uint8_t *table = static_cast<const uint8_t *>(out.table.get());
  flatbuffers::Verifier verifier(table, header.tableSize);
  if (!fb::VerifyCheckpointBuffer(verifier))
    return corrupt("malformed table (rejected by the FlatBuffers verifier)");
  const fb::Checkpoint &root = *fb::GetCheckpoint(table);
  if (root.format_version() != header.version)
    return corrupt("the table says format version %u, the header %u",
                   root.format_version(), header.version);
  out.version = header.version;
  dl_checkpoint_info &info = out.info;
  info.model = root.model() ? root.model()->c_str() : "";
  info.optimizer = root.optimizer() ? root.optimizer()->c_str() : "";
  info.epoch = root.epoch();
  info.step = root.step();
  info.samples_seen = root.samples_seen();
  info.rng_seed = root.rng_seed();
  size_t numKv = root.hyperparameters() ? root.hyperparameters()->size() : 0;
  out.hyperparameters = mallocArray<dl_checkpoint_kv>(numKv);
  if (!out.hyperparameters)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  for (size_t i = 0; i < numKv; ++i) {
    const fb::KeyValue *kv = root.hyperparameters()->Get(flatbuffers::uoffset_t(i));
    out.hyperparameters.get()[i] = {kv->key()->c_str(), kv->value()->c_str()};
  }
  info.num_hyperparameters = numKv;
  info.hyperparameters = out.hyperparameters.get();
  uint64_t dataStart =
      alignCheckpointOffset(CheckpointHeaderSize + header.tableSize);
  if (dl_status status = checkTensors(root, dataStart))
    return status;
  return readTensorData(root, CheckpointHeaderSize + header.tableSize);
}

dl_status Reader::checkTensors(const fb::Checkpoint &root,
                               uint64_t dataStart) {
  size_t count = root.tensors() ? root.tensors()->size() : 0;
  out.entries = mallocArray<dl_checkpoint::Entry>(count);
  out.byName = mallocArray<size_t>(count);
  byOffset = mallocArray<size_t>(count);
  if (!out.entries || !out.byName || !byOffset)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  for (size_t i = 0; i < count; ++i) {
    const fb::Tensor &tensor = *root.tensors()->Get(flatbuffers::uoffset_t(i));
    const char *name = tensor.name()->c_str();
    if (!*name)
      return corrupt("tensor %zu has an empty name", i);
    int dtype = tensor.dtype(), role = tensor.role();
    if (dtype < DL_F32 || dtype > DL_BOOL)
      return corrupt("tensor '%.200s': invalid dtype %d", name, dtype);
    if (role != DL_CHECKPOINT_PARAM && role != DL_CHECKPOINT_STATE &&
        role != DL_CHECKPOINT_OPTIMIZER_STATE)
      return corrupt("tensor '%.200s': invalid role %d", name, role);
    size_t rank = tensor.shape() ? tensor.shape()->size() : 0;
    if (rank > DL_MAX_RANK)
      return corrupt("tensor '%.200s': rank %zu is above %d", name, rank,
                     DL_MAX_RANK);
    dl_checkpoint::Entry &entry = out.entries.get()[i];
    entry.loaded = false;
    out.allocated = i + 1;
    entry.name = name;
    entry.role = static_cast<dl_checkpoint_role>(role);
    memset(&entry.tensor, 0, sizeof(entry.tensor));
    entry.tensor.dtype = static_cast<dl_dtype>(dtype);
    entry.tensor.rank = int32_t(rank);
    for (size_t d = 0; d < rank; ++d)
      entry.tensor.shape[d] = tensor.shape()->Get(flatbuffers::uoffset_t(d));
    Message type;
    appendType(type, entry.tensor.dtype, entry.tensor.rank,
               entry.tensor.shape);
    int64_t numel = checkedNumel(entry.tensor.rank, entry.tensor.shape);
    size_t bytes;
    if (numel < 0 || !checkedByteSize(numel, dl_dtype_size(entry.tensor.dtype),
                                      &bytes))
      return corrupt("tensor '%.200s': invalid shape %s", name, type.str());
    if (tensor.size() != bytes)
      return corrupt("tensor '%.200s': %llu bytes of data, but %s has %zu",
                     name, static_cast<unsigned long long>(tensor.size()),
                     type.str(), bytes);
    uint64_t offset = tensor.offset();
    if (offset % CheckpointAlignment != 0)
      return corrupt("tensor '%.200s': offset %llu is not a multiple of %llu",
                     name, static_cast<unsigned long long>(offset),
                     static_cast<unsigned long long>(CheckpointAlignment));
    if (offset < dataStart)
      return corrupt("tensor '%.200s': offset %llu is inside the header or "
                     "the table (data starts at %llu)",
                     name, static_cast<unsigned long long>(offset),
                     static_cast<unsigned long long>(dataStart));
    if (offset > fileSize || bytes > fileSize - offset)
      return corrupt("tensor '%.200s': %zu bytes at offset %llu run past the "
                     "end of the file (%llu bytes)",
                     name, bytes, static_cast<unsigned long long>(offset),
                     static_cast<unsigned long long>(fileSize));
    out.byName.get()[i] = i;
    byOffset.get()[i] = i;
  }
  // Distinct names, and data ranges that do not overlap.
  const fb::Checkpoint *rootPtr = &root;
  auto tensorAt = [rootPtr](size_t i) {
    return rootPtr->tensors()->Get(flatbuffers::uoffset_t(i));
  };
  dl_checkpoint::Entry *entries = out.entries.get();
  std::sort(out.byName.get(), out.byName.get() + count,
            [entries](size_t a, size_t b) {
              return strcmp(entries[a].name, entries[b].name) < 0;
            });
  for (size_t i = 1; i < count; ++i)
    if (strcmp(entries[out.byName.get()[i - 1]].name,
               entries[out.byName.get()[i]].name) == 0)
      return corrupt("two tensors named '%.200s'",
                     entries[out.byName.get()[i]].name);
  // Ties in file order, so that the message names the same two tensors
  // everywhere.
  std::sort(byOffset.get(), byOffset.get() + count,
            [&tensorAt](size_t a, size_t b) {
              uint64_t offsetA = tensorAt(a)->offset();
              uint64_t offsetB = tensorAt(b)->offset();
              return offsetA < offsetB || (offsetA == offsetB && a < b);
            });
  for (size_t i = 1; i < count; ++i) {
    const fb::Tensor *before = tensorAt(byOffset.get()[i - 1]);
    const fb::Tensor *after = tensorAt(byOffset.get()[i]);
    if (before->size() > 0 && after->size() > 0 &&
        before->offset() + before->size() > after->offset())
      return corrupt("the data of tensors '%.200s' and '%.200s' overlap",
                     before->name()->c_str(), after->name()->c_str());
  }
  return DL_OK;
}

/// The bytes between the table and the data and between tensors are
/// zeros: no checksum covers them, so this is how damage there is found.
dl_status Reader::checkPadding(uint64_t from, uint64_t to) {
  uint8_t buffer[4096];
  while (from < to) {
    size_t chunk = to - from < sizeof(buffer) ? size_t(to - from)
                                              : sizeof(buffer);
    size_t got;
    if (dl_status status = readAt(fd, from, buffer, chunk, path, &got))
      return status;
    for (size_t i = 0; i < got; ++i)
      if (buffer[i] != 0)
        return corrupt("corrupt padding: byte %llu is not zero",
                       static_cast<unsigned long long>(from + i));
    if (got < chunk)
      return corrupt("truncated padding");
    from += chunk;
  }
  return DL_OK;
}

dl_status Reader::readTensorData(const fb::Checkpoint &root,
                                 uint64_t tableEnd) {
  size_t count = root.tensors() ? root.tensors()->size() : 0;
  // In file order: reads are sequential, and the gaps are found.
  uint64_t position = tableEnd;
  for (size_t k = 0; k < count; ++k) {
    size_t i = byOffset.get()[k];
    const fb::Tensor &tensor = *root.tensors()->Get(flatbuffers::uoffset_t(i));
    dl_checkpoint::Entry &entry = out.entries.get()[i];
    if (tensor.offset() > position)
      if (dl_status status = checkPadding(position, tensor.offset()))
        return status;
    size_t size = size_t(tensor.size());
    if (tensor.offset() + size > position)
      position = tensor.offset() + size;
    BlockPtr data(dl_alloc(size));
    if (!data)
      return setError(DL_ERROR_OUT_OF_MEMORY,
                      "%s: out of memory reading tensor '%.200s' (%zu bytes)",
                      path, entry.name, size);
    size_t got;
    if (dl_status status =
            readAt(fd, tensor.offset(), data.get(), size, path, &got))
      return status;
    if (got != size)
      return corrupt("tensor '%.200s': truncated data", entry.name);
    if (xxHash64(data.get(), size) != tensor.checksum())
      return corrupt("tensor '%.200s': corrupt data (checksum mismatch)",
                     entry.name);
    // Generated code relies on bools being 0 or 1.
    if (entry.tensor.dtype == DL_BOOL)
      for (size_t b = 0; b < size; ++b)
        static_cast<uint8_t *>(data.get())[b] =
            static_cast<uint8_t *>(data.get())[b] != 0;
    dl_tensor_init(&entry.tensor, data.release(), entry.tensor.dtype,
                   entry.tensor.rank, entry.tensor.shape);
    entry.loaded = true;
  }
  out.count = count;
  return checkPadding(position, fileSize);
}

dl_status Reader::read() {
  CheckpointHeader header;
  if (dl_status status = readHeader(&header))
    return status;
  return readTable(header);
}

} // namespace

extern "C" {

dl_status dl_checkpoint_open(const char *path, dl_checkpoint **out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_checkpoint_open: null result");
  *out = nullptr;
  if (!path)
    return setError(DL_ERROR_INVALID_ARGUMENT, "null file name");
  Descriptor file(open(path, O_RDONLY | O_CLOEXEC));
  if (file.get() < 0)
    return setError(DL_ERROR_IO, "cannot open '%s': %s", path,
                    strerror(errno));
  struct stat info;
  if (fstat(file.get(), &info) != 0)
    return setError(DL_ERROR_IO, "cannot read '%s': %s", path,
                    strerror(errno));
  if (!S_ISREG(info.st_mode))
    return setError(DL_ERROR_IO, "cannot read '%s': %s", path,
                    S_ISDIR(info.st_mode) ? strerror(EISDIR)
                                          : "not a regular file");
  dl_checkpoint *checkpoint = new (std::nothrow) dl_checkpoint();
  if (!checkpoint)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  Reader reader(path, file.get(), uint64_t(info.st_size), *checkpoint);
  if (dl_status status = reader.read()) {
    delete checkpoint;
    return status;
  }
  *out = checkpoint;
  return DL_OK;
}

void dl_checkpoint_close(dl_checkpoint *checkpoint) { delete checkpoint; }

const dl_checkpoint_info *dl_checkpoint_get_info(
    const dl_checkpoint *checkpoint) {
  return checkpoint ? &checkpoint->info : nullptr;
}

uint32_t dl_checkpoint_version(const dl_checkpoint *checkpoint) {
  return checkpoint ? checkpoint->version : 0;
}

size_t dl_checkpoint_count(const dl_checkpoint *checkpoint) {
  return checkpoint ? checkpoint->count : 0;
}

const char *dl_checkpoint_name(const dl_checkpoint *checkpoint, size_t i) {
  return checkpoint && i < checkpoint->count
             ? checkpoint->entries.get()[i].name
             : nullptr;
}

dl_checkpoint_role dl_checkpoint_role_at(const dl_checkpoint *checkpoint,
                                         size_t i) {
  return checkpoint && i < checkpoint->count
             ? checkpoint->entries.get()[i].role
             : dl_checkpoint_role(0);
}

const dl_tensor *dl_checkpoint_tensor(const dl_checkpoint *checkpoint,
                                      size_t i) {
  return checkpoint && i < checkpoint->count
             ? &checkpoint->entries.get()[i].tensor
             : nullptr;
}

int64_t dl_checkpoint_find(const dl_checkpoint *checkpoint, const char *name) {
  if (!checkpoint || !name)
    return -1;
  const size_t *begin = checkpoint->byName.get();
  const size_t *end = begin + checkpoint->count;
  const dl_checkpoint::Entry *entries = checkpoint->entries.get();
  const size_t *found =
      std::lower_bound(begin, end, name, [entries](size_t i, const char *key) {
        return strcmp(entries[i].name, key) < 0;
      });
  if (found == end || strcmp(entries[*found].name, name) != 0)
    return -1;
  return int64_t(*found);
}

} // extern "C"
