//===- CheckpointWriter.cpp - writing checkpoints -------------------------===//
//
// Validates everything first (names, roles, tensors), hashes each tensor,
// builds the table, then writes header, table and data through an
// AtomicFile, so that a failure at any point leaves the old file as it was.
//
//===----------------------------------------------------------------------===//

#include "AtomicFile.h"
#include "CheckpointFormat.h"
#include "Npy.h"
#include "Tensor.h"
#include "XxHash64.h"
#include "checkpoint_generated.h"
#include "dl/checkpoint.h"

#include <algorithm>
#include <cstring>

using namespace dlrt;
namespace fb = dl::checkpoint;

namespace {

/// Where a tensor goes and what its bytes hash to.
struct TensorPlan {
  uint64_t size;
  uint64_t checksum;
  uint64_t offset;
};

/// The builder's memory, reserved before building: the builder allocates
/// with operator new by default, and a failure there would end the
/// process. writeCheckpoint sizes the reservation from an upper bound on
/// the table, so the builder never asks for more.
class ReservedAllocator : public flatbuffers::Allocator {
public:
  explicit ReservedAllocator(size_t capacity)
      : block(mallocArray<uint8_t>(capacity)), capacity(capacity) {}
  bool ok() const { return block != nullptr; }

  uint8_t *allocate(size_t size) override {
    if (!handedOut && size <= capacity) {
      handedOut = true;
      return block.get();
    }
    // Only if the bound were wrong; the table is small next to the
    // tensors, so memory would already be exhausted.
    return static_cast<uint8_t *>(malloc(size));
  }
  void deallocate(uint8_t *p, size_t) override {
    if (p == block.get())
      handedOut = false;
    else
      free(p);
  }

private:
  MallocPtr<uint8_t> block;
  size_t capacity;
  bool handedOut = false;
};

/// An upper bound on a string's bytes in the table: length, NUL, padding
/// up to 8-byte alignment.
size_t stringBound(const char *text) {
  return (text ? strlen(text) : 0) + 16;
}

/// An upper bound on the builder's buffer (the table plus the builder's
/// scratch space, which shares the buffer): each table, its vtable, its
/// fields' scratch entries and its padding take at most 256 bytes.
size_t tableBound(const dl_checkpoint_info &info,
                  const dl_checkpoint_entry *entries, size_t count) {
  size_t bound = 1024 + stringBound(info.model) + stringBound(info.optimizer);
  for (size_t i = 0; i < info.num_hyperparameters; ++i)
    bound += 256 + stringBound(info.hyperparameters[i].key) +
             stringBound(info.hyperparameters[i].value);
  for (size_t i = 0; i < count; ++i)
    bound += 256 + stringBound(entries[i].name) +
             8 * size_t(entries[i].tensor->rank);
  // The builder rounds its first request up to its alignment (8).
  return (bound + 63) & ~size_t(63);
}

bool isValidRole(const dl_checkpoint_role &role) {
  int code;
  memcpy(&code, &role, sizeof(code));
  return code == DL_CHECKPOINT_PARAM || code == DL_CHECKPOINT_STATE ||
         code == DL_CHECKPOINT_OPTIMIZER_STATE;
}

dl_status validate(const dl_checkpoint_info &info,
                   const dl_checkpoint_entry *entries, size_t count) {
  if (count && !entries)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_checkpoint_write: null entries");
  if (info.num_hyperparameters && !info.hyperparameters)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_checkpoint_write: null hyperparameters");
  for (size_t i = 0; i < info.num_hyperparameters; ++i) {
    const dl_checkpoint_kv &kv = info.hyperparameters[i];
    if (!kv.key || !*kv.key || !kv.value)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "dl_checkpoint_write: hyperparameter %zu needs a "
                      "non-empty key and a value",
                      i);
  }
  for (size_t i = 0; i < count; ++i) {
    const dl_checkpoint_entry &entry = entries[i];
    if (!entry.name || !*entry.name)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "dl_checkpoint_write: tensor %zu has no name", i);
    Message what;
    what.append("dl_checkpoint_write: tensor '%.200s'", entry.name);
    if (!isValidRole(entry.role))
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s has an invalid role",
                      what.str());
    if (dl_status status = checkTensor(entry.tensor, what.str()))
      return status;
    if (!entry.tensor->data &&
        checkedNumel(entry.tensor->rank, entry.tensor->shape) > 0)
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s has null data",
                      what.str());
  }
  // Distinct names: sorted, equal names are neighbours.
  MallocPtr<size_t> order = mallocArray<size_t>(count);
  if (!order)
    return setError(DL_ERROR_OUT_OF_MEMORY, "dl_checkpoint_write: out of "
                                            "memory");
  for (size_t i = 0; i < count; ++i)
    order.get()[i] = i;
  std::sort(order.get(), order.get() + count, [&](size_t a, size_t b) {
    return strcmp(entries[a].name, entries[b].name) < 0;
  });
  for (size_t i = 1; i < count; ++i)
    if (strcmp(entries[order.get()[i - 1]].name,
               entries[order.get()[i]].name) == 0)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "dl_checkpoint_write: two tensors named '%.200s'",
                      entries[order.get()[i]].name);
  return DL_OK;
}

/// Builds the table for tensor data starting at `dataStart`; fills the
/// plans' offsets.
void buildTable(flatbuffers::FlatBufferBuilder &builder,
                const dl_checkpoint_info &info,
                const dl_checkpoint_entry *entries, size_t count,
                TensorPlan *plans, uint64_t dataStart,
                flatbuffers::Offset<fb::Tensor> *tensorOffsets,
                flatbuffers::Offset<fb::KeyValue> *kvOffsets) {
  builder.Clear();
  // Every field is stored even when it has its default value, so that the
  // table's size does not depend on the values (see writeCheckpoint).
  builder.ForceDefaults(true);
  uint64_t offset = dataStart;
  for (size_t i = 0; i < count; ++i) {
    const dl_tensor &t = *entries[i].tensor;
    plans[i].offset = offset;
    offset = alignCheckpointOffset(offset + plans[i].size);
    auto name = builder.CreateString(entries[i].name);
    auto shape = builder.CreateVector(t.shape, size_t(t.rank));
    tensorOffsets[i] = fb::CreateTensor(
        builder, name, static_cast<fb::Role>(entries[i].role),
        static_cast<fb::DType>(t.dtype), shape, plans[i].offset,
        plans[i].size, plans[i].checksum);
  }
  auto tensors = builder.CreateVector(tensorOffsets, count);
  for (size_t i = 0; i < info.num_hyperparameters; ++i) {
    auto key = builder.CreateString(info.hyperparameters[i].key);
    auto value = builder.CreateString(info.hyperparameters[i].value);
    kvOffsets[i] = fb::CreateKeyValue(builder, key, value);
  }
  auto hyperparameters =
      builder.CreateVector(kvOffsets, info.num_hyperparameters);
  auto model = builder.CreateString(info.model ? info.model : "");
  auto optimizer = builder.CreateString(info.optimizer ? info.optimizer : "");
  auto root = fb::CreateCheckpoint(
      builder, CheckpointVersion, model, info.epoch, info.step,
      info.samples_seen, info.rng_seed, optimizer, hyperparameters, tensors);
  fb::FinishCheckpointBuffer(builder, root);
}

dl_status writeCheckpoint(const char *path, const dl_checkpoint_info &info,
                          const dl_checkpoint_entry *entries, size_t count) {
  MallocPtr<TensorPlan> plans = mallocArray<TensorPlan>(count);
  auto tensorOffsets = mallocArray<flatbuffers::Offset<fb::Tensor>>(count);
  auto kvOffsets =
      mallocArray<flatbuffers::Offset<fb::KeyValue>>(info.num_hyperparameters);
  if (!plans || !tensorOffsets || !kvOffsets)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  for (size_t i = 0; i < count; ++i) {
    const void *data;
    size_t size;
    BlockPtr copy;
    if (dl_status status =
            rowMajorBytes(*entries[i].tensor, &data, &size, copy))
      return status;
    plans.get()[i].size = size;
    plans.get()[i].checksum = xxHash64(data, size);
  }
  size_t bound = tableBound(info, entries, count);
  if (bound > FLATBUFFERS_MAX_BUFFER_SIZE)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: the names and metadata are too large for a "
                    "checkpoint table (2 GiB at most)",
                    path);
  ReservedAllocator allocator(bound);
  if (!allocator.ok())
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  flatbuffers::FlatBufferBuilder builder(bound, &allocator);
  // The data starts after the table, whose size is only known once built;
  // its size does not depend on the offsets in it, so a first build gives
  // the size and a second the table with the right offsets.
  buildTable(builder, info, entries, count, plans.get(), 0,
             tensorOffsets.get(), kvOffsets.get());
  uint64_t dataStart =
      alignCheckpointOffset(CheckpointHeaderSize + builder.GetSize());
  buildTable(builder, info, entries, count, plans.get(), dataStart,
             tensorOffsets.get(), kvOffsets.get());
  uint32_t tableSize = builder.GetSize();

  CheckpointHeader header{};
  header.version = CheckpointVersion;
  header.headerSize = CheckpointHeaderSize;
  header.tableSize = tableSize;
  header.tableChecksum = xxHash64(builder.GetBufferPointer(), tableSize);
  header.fileSize =
      count ? plans.get()[count - 1].offset + plans.get()[count - 1].size
            : CheckpointHeaderSize + tableSize;
  uint8_t headerBytes[CheckpointHeaderSize];
  encodeCheckpointHeader(header, headerBytes);

  AtomicFile file;
  if (dl_status status = file.open(path))
    return status;
  if (dl_status status = file.write(headerBytes, sizeof(headerBytes)))
    return status;
  if (dl_status status = file.write(builder.GetBufferPointer(), tableSize))
    return status;
  static const uint8_t Zeros[CheckpointAlignment] = {};
  uint64_t written = CheckpointHeaderSize + tableSize;
  for (size_t i = 0; i < count; ++i) {
    if (dl_status status =
            file.write(Zeros, size_t(plans.get()[i].offset - written)))
      return status;
    const void *data;
    size_t size;
    BlockPtr copy;
    if (dl_status status =
            rowMajorBytes(*entries[i].tensor, &data, &size, copy))
      return status;
    if (dl_status status = file.write(data, size))
      return status;
    written = plans.get()[i].offset + size;
  }
  return file.commit();
}

} // namespace

extern "C" {

const char *dl_checkpoint_role_name(dl_checkpoint_role role) {
  int code;
  memcpy(&code, &role, sizeof(code));
  switch (code) {
  case DL_CHECKPOINT_PARAM:
    return "param";
  case DL_CHECKPOINT_STATE:
    return "state";
  case DL_CHECKPOINT_OPTIMIZER_STATE:
    return "optimizer state";
  }
  return "<invalid role>";
}

dl_status dl_checkpoint_write(const char *path, const dl_checkpoint_info *info,
                              const dl_checkpoint_entry *entries,
                              size_t count) {
  if (!path || !*path)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_checkpoint_write: %s file name",
                    path ? "empty" : "null");
  dl_checkpoint_info none;
  memset(&none, 0, sizeof(none));
  const dl_checkpoint_info &metadata = info ? *info : none;
  if (dl_status status = validate(metadata, entries, count))
    return status;
  return writeCheckpoint(path, metadata, entries, count);
}

} // extern "C"
