//===- CheckpointTests.cpp - checkpoints: round trips, damage, atomicity --===//
//
// Writes checkpoints, reads them back and compares everything; damages
// copies (a byte of the header, the table, a tensor's data; cut short at
// several points) and prints what the reader says; makes writes fail
// half-way (a file size limit) and at the rename (a directory in the way)
// and checks that the old file is intact and no temporary file is left.
// Also the mutation fuzzer for data files and checkpoints.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "dl/checkpoint.h"
#include "dl/data.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

/// The values of element i of a test tensor of each dtype.
void fill(dl_tensor &t, int salt) {
  int64_t n = dl_tensor_numel(&t);
  for (int64_t i = 0; i < n; ++i) {
    switch (t.dtype) {
    case DL_F32:
      static_cast<float *>(t.data)[i] = float(i + salt) * 0.5f - 1;
      break;
    case DL_F64:
      static_cast<double *>(t.data)[i] = double(i - salt) / 3;
      break;
    case DL_I32:
      static_cast<int32_t *>(t.data)[i] = int32_t(i * 7 - salt);
      break;
    case DL_I64:
      static_cast<int64_t *>(t.data)[i] = (i + salt) * 1000000007LL;
      break;
    case DL_BOOL:
      static_cast<uint8_t *>(t.data)[i] = (i + salt) % 3 == 0;
      break;
    }
  }
}

bool sameTensor(const dl_tensor &a, const dl_tensor &b) {
  if (a.dtype != b.dtype || a.rank != b.rank)
    return false;
  for (int32_t i = 0; i < a.rank; ++i)
    if (a.shape[i] != b.shape[i])
      return false;
  int64_t n = dl_tensor_numel(&a);
  size_t size = dl_dtype_size(a.dtype);
  // Compare element by element through the strides of `a`.
  std::vector<int64_t> index(size_t(a.rank), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t offsetA = 0, offsetB = 0;
    for (int32_t d = 0; d < a.rank; ++d) {
      offsetA += index[size_t(d)] * a.strides[d];
      offsetB += index[size_t(d)] * b.strides[d];
    }
    if (memcmp(static_cast<const char *>(a.data) + offsetA * int64_t(size),
               static_cast<const char *>(b.data) + offsetB * int64_t(size),
               size) != 0)
      return false;
    for (int32_t d = a.rank - 1; d >= 0; --d) {
      if (++index[size_t(d)] < a.shape[d])
        break;
      index[size_t(d)] = 0;
    }
  }
  return true;
}

/// The tensors of a checkpoint that covers every dtype at ranks 0 to 3,
/// an empty tensor, a strided view, all three roles.
struct Model {
  std::vector<dl_tensor> tensors;
  std::vector<std::string> names;
  std::vector<dl_checkpoint_entry> entries;
  dl_checkpoint_kv hyperparameters[2] = {{"lr", "0.001"}, {"beta1", "0.9"}};
  dl_checkpoint_info info = {"MLP", 3, 1200, 38400, 42, "adam", 2,
                             hyperparameters};

  Model() {
    const dl_dtype Dtypes[] = {DL_F32, DL_F64, DL_I32, DL_I64, DL_BOOL};
    const int64_t Shape[3] = {2, 3, 4};
    const dl_checkpoint_role Roles[] = {DL_CHECKPOINT_PARAM,
                                        DL_CHECKPOINT_STATE,
                                        DL_CHECKPOINT_OPTIMIZER_STATE};
    for (dl_dtype dtype : Dtypes)
      for (int32_t rank = 0; rank <= 3; ++rank) {
        dl_tensor t;
        dl_tensor_alloc(&t, dtype, rank, Shape);
        fill(t, rank);
        tensors.push_back(t);
        names.push_back(std::string("layers.") + dl_dtype_name(dtype) + "." +
                        std::to_string(rank) + "d");
      }
    int64_t emptyShape[2] = {0, 5};
    dl_tensor empty;
    dl_tensor_alloc(&empty, DL_F32, 2, emptyShape);
    tensors.push_back(empty);
    names.push_back("empty");
    dl_tensor transposed = tensors[2]; // f32[2, 3] as [3, 2]
    transposed.shape[0] = 3;
    transposed.shape[1] = 2;
    transposed.strides[0] = 1;
    transposed.strides[1] = 3;
    tensors.push_back(transposed);
    names.push_back("transposed");
    for (size_t i = 0; i < tensors.size(); ++i)
      entries.push_back({names[i].c_str(), Roles[i % 3], &tensors[i]});
  }
  ~Model() {
    for (size_t i = 0; i + 1 < tensors.size(); ++i)
      dl_tensor_free(&tensors[i]);
  }
};

/// Reads a checkpoint back and compares it with what was written.
bool checkRoundTrip(const char *label, const char *path,
                    const dl_checkpoint_info &info,
                    const std::vector<dl_checkpoint_entry> &entries) {
  dl_checkpoint *checkpoint = nullptr;
  dl_status status = dl_checkpoint_open(path, &checkpoint);
  if (status != DL_OK) {
    printStatus(label, status);
    return false;
  }
  const dl_checkpoint_info &back = *dl_checkpoint_get_info(checkpoint);
  bool same = strcmp(back.model, info.model ? info.model : "") == 0 &&
              back.epoch == info.epoch && back.step == info.step &&
              back.samples_seen == info.samples_seen &&
              back.rng_seed == info.rng_seed &&
              strcmp(back.optimizer, info.optimizer ? info.optimizer : "") ==
                  0 &&
              back.num_hyperparameters == info.num_hyperparameters &&
              dl_checkpoint_count(checkpoint) == entries.size() &&
              dl_checkpoint_version(checkpoint) == 1;
  for (size_t i = 0; same && i < info.num_hyperparameters; ++i)
    same = strcmp(back.hyperparameters[i].key, info.hyperparameters[i].key) ==
               0 &&
           strcmp(back.hyperparameters[i].value,
                  info.hyperparameters[i].value) == 0;
  for (size_t i = 0; same && i < entries.size(); ++i) {
    const dl_tensor *t = dl_checkpoint_tensor(checkpoint, i);
    same = strcmp(dl_checkpoint_name(checkpoint, i), entries[i].name) == 0 &&
           dl_checkpoint_role_at(checkpoint, i) == entries[i].role &&
           sameTensor(*entries[i].tensor, *t) &&
           dl_tensor_is_contiguous(t) &&
           reinterpret_cast<uintptr_t>(t->data) % 64 == 0 &&
           dl_checkpoint_find(checkpoint, entries[i].name) == int64_t(i);
  }
  same = same && dl_checkpoint_find(checkpoint, "missing") == -1 &&
         dl_checkpoint_tensor(checkpoint, entries.size()) == nullptr &&
         dl_checkpoint_name(checkpoint, entries.size()) == nullptr;
  check(label, same, "read back differently");
  printf("%s: %s, %zu tensors\n", label, same ? "same" : "DIFFERENT",
         dl_checkpoint_count(checkpoint));
  dl_checkpoint_close(checkpoint);
  return same;
}

std::vector<uint8_t> readFile(const std::string &path) {
  std::vector<uint8_t> bytes;
  FILE *file = fopen(path.c_str(), "rb");
  if (!file)
    return bytes;
  for (int c; (c = fgetc(file)) != EOF;)
    bytes.push_back(uint8_t(c));
  fclose(file);
  return bytes;
}

void writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  FILE *file = fopen(path.c_str(), "wb");
  if (!file)
    return;
  fwrite(bytes.data(), 1, bytes.size(), file);
  fclose(file);
}

/// Opens a damaged copy and prints the result.
void openDamaged(const char *label, const std::string &path,
                 const std::vector<uint8_t> &bytes) {
  writeFile(path, bytes);
  dl_checkpoint *checkpoint = nullptr;
  dl_status status = dl_checkpoint_open(path.c_str(), &checkpoint);
  printStatus(label, status);
  check(label, status == DL_ERROR_FORMAT && !checkpoint,
        "a damaged checkpoint was not a format error");
  dl_checkpoint_close(checkpoint);
}

uint64_t readLE(const std::vector<uint8_t> &bytes, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = size; i-- > 0;)
    value = value << 8 | bytes[at + i];
  return value;
}

/// Temporary files left in a directory by failed writes.
int countTemporaries(const std::string &dir) {
  int count = 0;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *entry = readdir(d))
      count += strstr(entry->d_name, ".tmp-") != nullptr;
    closedir(d);
  }
  return count;
}

void testRoundTrips(const std::string &dir) {
  Model model;
  std::string path = dir + "/model.ckpt";
  printStatus("write", dl_checkpoint_write(path.c_str(), &model.info,
                                           model.entries.data(),
                                           model.entries.size()));
  checkRoundTrip("roundtrip", path.c_str(), model.info, model.entries);

  // Many tensors with long hierarchical names, no metadata.
  std::vector<dl_tensor> many(3000);
  std::vector<std::string> names(many.size());
  std::vector<dl_checkpoint_entry> entries(many.size());
  for (size_t i = 0; i < many.size(); ++i) {
    int64_t shape[1] = {int64_t(i % 7)};
    dl_tensor_alloc(&many[i], DL_F32, 1, shape);
    fill(many[i], int(i));
    names[i] = "encoder.blocks." + std::to_string(i) +
               ".attention.query.weight_with_a_long_name";
    entries[i] = {names[i].c_str(), DL_CHECKPOINT_PARAM, &many[i]};
  }
  std::string manyPath = dir + "/many.ckpt";
  dl_checkpoint_info none = {};
  printStatus("write many", dl_checkpoint_write(manyPath.c_str(), nullptr,
                                                entries.data(),
                                                entries.size()));
  checkRoundTrip("roundtrip many", manyPath.c_str(), none, entries);
  for (dl_tensor &t : many)
    dl_tensor_free(&t);

  // No tensors at all.
  std::string emptyPath = dir + "/empty.ckpt";
  printStatus("write empty",
              dl_checkpoint_write(emptyPath.c_str(), &model.info, nullptr, 0));
  checkRoundTrip("roundtrip empty", emptyPath.c_str(), model.info, {});

  // Through .npz and back (names and values; roles become params).
  std::string npz = dir + "/model.npz", back = dir + "/back.ckpt";
  printStatus("to npz", dl_checkpoint_to_npz(path.c_str(), npz.c_str()));
  printStatus("from npz", dl_checkpoint_from_npz(npz.c_str(), back.c_str(),
                                                 &model.info,
                                                 DL_CHECKPOINT_STATE));
  std::vector<dl_checkpoint_entry> asState = model.entries;
  for (dl_checkpoint_entry &entry : asState)
    entry.role = DL_CHECKPOINT_STATE;
  checkRoundTrip("roundtrip npz", back.c_str(), model.info, asState);

  // Invalid entries.
  dl_checkpoint_entry bad[2] = {model.entries[0], model.entries[1]};
  bad[1].name = bad[0].name;
  printStatus("write duplicate",
              dl_checkpoint_write(path.c_str(), nullptr, bad, 2));
  bad[1].name = "";
  printStatus("write empty name",
              dl_checkpoint_write(path.c_str(), nullptr, bad, 2));
  bad[1] = model.entries[1];
  bad[1].role = dl_checkpoint_role(3);
  printStatus("write bad role",
              dl_checkpoint_write(path.c_str(), nullptr, bad, 2));
  dl_tensor noData = *model.entries[1].tensor;
  noData.data = nullptr;
  bad[1] = {"w", DL_CHECKPOINT_PARAM, &noData};
  printStatus("write null data",
              dl_checkpoint_write(path.c_str(), nullptr, bad, 2));
  dl_checkpoint_kv noKey = {"", "1"};
  dl_checkpoint_info badInfo = {nullptr, 0, 0, 0, 0, nullptr, 1, &noKey};
  printStatus("write bad hyperparameter",
              dl_checkpoint_write(path.c_str(), &badInfo, nullptr, 0));
  checkRoundTrip("after invalid writes", path.c_str(), model.info,
                 model.entries);
  printf("role names: %s, %s, %s, %s\n",
         dl_checkpoint_role_name(DL_CHECKPOINT_PARAM),
         dl_checkpoint_role_name(DL_CHECKPOINT_STATE),
         dl_checkpoint_role_name(DL_CHECKPOINT_OPTIMIZER_STATE),
         dl_checkpoint_role_name(dl_checkpoint_role(0)));
}

void testDamage(const std::string &dir) {
  std::string path = dir + "/model.ckpt", damaged = dir + "/damaged.ckpt";
  std::vector<uint8_t> good = readFile(path);
  uint64_t tableSize = readLE(good, 12, 4);
  printf("layout: header 64, table %s, file %llu bytes\n",
         tableSize > 0 && tableSize < good.size() ? "inside" : "WRONG",
         static_cast<unsigned long long>(readLE(good, 24, 8)));
  check("layout", readLE(good, 24, 8) == good.size(), "file size field");

  std::vector<uint8_t> bytes = good;
  bytes[0] = 'X';
  openDamaged("wrong magic", damaged, bytes);
  bytes = good;
  bytes[6] = 2;
  openDamaged("version 2", damaged, bytes);
  bytes = good;
  bytes[40] ^= 1; // reserved, covered by the header checksum
  openDamaged("header byte", damaged, bytes);
  bytes = good;
  bytes[64 + tableSize / 2] ^= 0x10;
  openDamaged("table byte", damaged, bytes);
  bytes = good;
  uint64_t dataStart = (64 + tableSize + 63) / 64 * 64;
  check("padding", dataStart > 64 + tableSize, "no padding after the table");
  bytes[64 + tableSize] = 1; // padding before the first tensor
  openDamaged("padding byte", damaged, bytes);
  bytes = good;
  bytes[bytes.size() - 1] ^= 1; // the last tensor's data
  openDamaged("data byte", damaged, bytes);
  for (size_t cut : {size_t(0), size_t(3), size_t(40), size_t(64),
                     size_t(64 + tableSize / 2), size_t(good.size() / 2),
                     good.size() - 1}) {
    bytes.assign(good.begin(), good.begin() + long(cut));
    openDamaged(("truncated at " + std::to_string(cut)).c_str(), damaged,
                bytes);
  }
  bytes = good;
  bytes.push_back(0);
  openDamaged("trailing byte", damaged, bytes);
  printStatus("null result",
              dl_checkpoint_open((dir + "/missing.ckpt").c_str(), nullptr));
  dl_checkpoint *checkpoint;
  printStatus("missing file",
              dl_checkpoint_open((dir + "/missing.ckpt").c_str(),
                                 &checkpoint));
  printStatus("directory", dl_checkpoint_open(dir.c_str(), &checkpoint));
}

void testAtomicWrites(const std::string &dir) {
  Model model;
  std::string path = dir + "/atomic.ckpt";
  dl_checkpoint_write(path.c_str(), &model.info, model.entries.data(),
                      model.entries.size());
  // A bigger checkpoint that fails half-way: the file size limit makes
  // write() fail with EFBIG (with SIGXFSZ ignored, as it must be here).
  std::vector<float> big(1 << 16, 1.0f);
  int64_t bigShape[1] = {int64_t(big.size())};
  dl_tensor bigTensor;
  dl_tensor_init(&bigTensor, big.data(), DL_F32, 1, bigShape);
  dl_checkpoint_entry bigEntry = {"big", DL_CHECKPOINT_PARAM, &bigTensor};
  dl_checkpoint_info later = model.info;
  later.epoch = 4;
  signal(SIGXFSZ, SIG_IGN);
  rlimit old, limit;
  getrlimit(RLIMIT_FSIZE, &old);
  limit = old;
  limit.rlim_cur = 64 * 1024;
  setrlimit(RLIMIT_FSIZE, &limit);
  dl_status status = dl_checkpoint_write(path.c_str(), &later, &bigEntry, 1);
  setrlimit(RLIMIT_FSIZE, &old);
  printf("write past the size limit: %s: %s\n", dl_status_name(status),
         strstr(dl_last_error(), "File too large") ? "File too large"
                                                   : dl_last_error());
  checkRoundTrip("old file intact", path.c_str(), model.info, model.entries);

  // The rename fails: a non-empty directory is in the way.
  std::string blocked = dir + "/blocked.ckpt";
  mkdir(blocked.c_str(), 0777);
  writeFile(blocked + "/keep", {1});
  status = dl_checkpoint_write(blocked.c_str(), &later, &bigEntry, 1);
  printStatus("rename over a directory", status);
  struct stat info;
  check("rename over a directory",
        stat((blocked + "/keep").c_str(), &info) == 0, "the directory changed");

  printStatus("missing directory",
              dl_checkpoint_write((dir + "/no/such/dir.ckpt").c_str(), nullptr,
                                  &bigEntry, 1));
  // A read-only directory: only refuses writes to someone other than root.
  std::string readOnly = dir + "/read-only";
  mkdir(readOnly.c_str(), 0777);
  std::string inside = readOnly + "/model.ckpt";
  dl_checkpoint_write(inside.c_str(), &model.info, model.entries.data(),
                      model.entries.size());
  chmod(readOnly.c_str(), 0555);
  status = dl_checkpoint_write(inside.c_str(), &later, &bigEntry, 1);
  if (geteuid() == 0)
    printf("read-only directory: skipped (root may write anyway)\n");
  else
    printStatus("read-only directory", status);
  chmod(readOnly.c_str(), 0777);
  if (geteuid() != 0)
    checkRoundTrip("old file intact", inside.c_str(), model.info,
                   model.entries);
  printf("temporary files left: %d\n",
         countTemporaries(dir) + countTemporaries(readOnly));
}

} // namespace

void writeCheckpointFixture(const char *path) {
  // Small and fixed, so that make_data_fixtures.py can damage it at known
  // places: three tensors, two hyperparameters.
  float w[6] = {0.5f, -1, 1.5f, -2, 2.5f, -3};
  int64_t b[2] = {7, -8};
  uint8_t mask[3] = {1, 0, 1};
  int64_t wShape[2] = {2, 3}, bShape[1] = {2}, maskShape[1] = {3};
  dl_tensor tensors[3];
  dl_tensor_init(&tensors[0], w, DL_F32, 2, wShape);
  dl_tensor_init(&tensors[1], b, DL_I64, 1, bShape);
  dl_tensor_init(&tensors[2], mask, DL_BOOL, 1, maskShape);
  dl_checkpoint_entry entries[3] = {
      {"fc.w", DL_CHECKPOINT_PARAM, &tensors[0]},
      {"fc.b", DL_CHECKPOINT_STATE, &tensors[1]},
      {"adam.mask", DL_CHECKPOINT_OPTIMIZER_STATE, &tensors[2]}};
  dl_checkpoint_kv hyperparameters[2] = {{"lr", "0.001"}, {"momentum", "0.9"}};
  dl_checkpoint_info info = {"Tiny", 2, 40, 1280, 7, "sgd", 2,
                             hyperparameters};
  printStatus("checkpoint fixture",
              dl_checkpoint_write(path, &info, entries, 3));
}

void runCheckpointTests(const char *dir) {
  size_t baseline = dl_alloc_count();
  testRoundTrips(dir);
  testDamage(dir);
  testAtomicWrites(dir);
  if (dl_alloc_count() != baseline)
    fail("checkpoint", "blocks leaked");
}

void fuzzReader(const char *kind, const char *input, const char *scratch,
                int iterations, uint64_t seed) {
  std::vector<uint8_t> original = readFile(input);
  if (original.size() < 4) {
    fail("fuzz", "cannot read the input");
    return;
  }
  bool checkpoint = strcmp(kind, "checkpoint") == 0;
  size_t baseline = dl_alloc_count();
  Random random(seed);
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    std::vector<uint8_t> bytes = original;
    switch (random.below(3)) {
    case 0: // a few random bytes
      for (uint64_t n = 1 + random.below(4); n > 0; --n)
        bytes[random.below(bytes.size())] = uint8_t(random.next() >> 56);
      break;
    case 1: // cut short
      bytes.resize(random.below(bytes.size()));
      break;
    default: { // a 32-bit field set to an extreme (sizes, offsets)
      size_t at = random.below(bytes.size() - 3);
      uint8_t fillByte = random.below(2) ? 0xff : 0x00;
      for (size_t k = 0; k < 4; ++k)
        bytes[at + k] = fillByte;
    }
    }
    writeFile(scratch, bytes);
    dl_status status;
    if (checkpoint) {
      dl_checkpoint *opened = nullptr;
      status = dl_checkpoint_open(scratch, &opened);
      dl_checkpoint_close(opened);
    } else {
      dl_tensor t;
      status = dl_array_load(scratch, nullptr, DL_F32, &t);
      if (status == DL_OK)
        dl_tensor_free(&t);
    }
    if (status == DL_OK)
      ++accepted;
    else if (status != DL_ERROR_FORMAT && status != DL_ERROR_DTYPE)
      fail("fuzz", dl_last_error());
  }
  printf("fuzz: %d variants, %d still readable, the others format errors\n",
         iterations, accepted);
  if (dl_alloc_count() != baseline)
    fail("fuzz", "blocks leaked");
}
