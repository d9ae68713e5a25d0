//===- FileTests.cpp - writing and reading .npy and .npz ------------------===//
//
// Writes the arrays that make_fixtures.py writes with numpy (same values,
// same names), so that the lit tests can compare the two byte for byte
// (.npy) or array by array (.npz), then reads them back.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// The shapes of the fixtures of rank 0 to 3.
const std::vector<std::vector<int64_t>> Shapes = {{}, {5}, {2, 3}, {2, 3, 4}};

/// Element i of the fixture arrays of each dtype, as make_fixtures.py
/// computes them.
void fillFixture(dl_tensor &t) {
  int64_t n = dl_tensor_numel(&t);
  for (int64_t i = 0; i < n; ++i) {
    switch (t.dtype) {
    case DL_F32:
      static_cast<float *>(t.data)[i] = float(i - 2) * 0.25f;
      break;
    case DL_F64:
      static_cast<double *>(t.data)[i] = double(i - 3) / 8;
      break;
    case DL_I32:
      static_cast<int32_t *>(t.data)[i] = int32_t(i * 7 - 10);
      break;
    case DL_I64:
      static_cast<int64_t *>(t.data)[i] = i * 1000000007 - 5;
      break;
    case DL_BOOL:
      static_cast<uint8_t *>(t.data)[i] = i % 3 == 0;
      break;
    }
  }
}

std::string fixtureName(dl_dtype dtype, size_t rank) {
  return std::string(dl_dtype_name(dtype)) + "_" + std::to_string(rank) + "d";
}

dl_tensor makeFixture(dl_dtype dtype, size_t rank) {
  dl_tensor t;
  dl_tensor_alloc(&t, dtype, int32_t(rank), Shapes[rank].data());
  fillFixture(t);
  return t;
}

bool sameElements(const dl_tensor &a, const dl_tensor &b) {
  if (a.dtype != b.dtype || a.rank != b.rank)
    return false;
  for (int32_t i = 0; i < a.rank; ++i)
    if (a.shape[i] != b.shape[i])
      return false;
  return memcmp(a.data, b.data,
                size_t(dl_tensor_numel(&a)) * dl_dtype_size(a.dtype)) == 0;
}

void testWriteAndRead(const std::string &dir) {
  size_t baseline = dl_alloc_count();
  const dl_dtype Dtypes[] = {DL_F32, DL_F64, DL_I32, DL_I64, DL_BOOL};
  for (dl_dtype dtype : Dtypes)
    for (size_t rank = 0; rank < Shapes.size(); ++rank) {
      std::string name = fixtureName(dtype, rank);
      std::string path = dir + "/" + name + ".npy";
      dl_tensor t = makeFixture(dtype, rank);
      dl_status status = dl_npy_write(path.c_str(), &t);
      dl_tensor back;
      if (status == DL_OK)
        status = dl_npy_read(path.c_str(), &back);
      if (status == DL_OK) {
        check(name.c_str(), sameElements(t, back), "read back differently");
        dl_tensor_free(&back);
      }
      printStatus(("npy " + name).c_str(), status);
      dl_tensor_free(&t);
    }

  // A transposed view: written row-major as the transpose.
  dl_tensor t = makeFixture(DL_F32, 2);
  dl_tensor transposed = t;
  transposed.shape[0] = 3;
  transposed.shape[1] = 2;
  transposed.strides[0] = 1;
  transposed.strides[1] = 3;
  printStatus("npy f32_2d_T",
              dl_npy_write((dir + "/f32_2d_T.npy").c_str(), &transposed));

  // Empty arrays.
  int64_t emptyShape[2] = {2, 0};
  dl_tensor empty;
  dl_tensor_init(&empty, nullptr, DL_F64, 2, emptyShape);
  printStatus("npy empty",
              dl_npy_write((dir + "/f64_empty.npy").c_str(), &empty));

  // An archive of several arrays, one of them a strided view.
  dl_tensor i64 = makeFixture(DL_I64, 1);
  dl_tensor b3 = makeFixture(DL_BOOL, 3);
  dl_tensor f0 = makeFixture(DL_F64, 0);
  const char *names[] = {"f32_2d_T", "i64_1d", "bool_3d", "f64_0d", "empty"};
  const dl_tensor *tensors[] = {&transposed, &i64, &b3, &f0, &empty};
  std::string npz = dir + "/written.npz";
  dl_status status = dl_npz_write(npz.c_str(), 5, names, tensors);
  printStatus("npz write", status);
  dl_npz *archive = nullptr;
  printStatus("npz read", dl_npz_open(npz.c_str(), &archive));
  if (archive) {
    printf("npz members:");
    for (size_t i = 0; i < dl_npz_count(archive); ++i)
      printf(" %s", dl_npz_name(archive, i));
    printf("\n");
    check("npz", sameElements(*dl_npz_find(archive, "bool_3d"), b3),
          "bool_3d read back differently");
    check("npz", dl_npz_find(archive, "missing") == nullptr,
          "found a missing member");
    check("npz", dl_npz_get(archive, 5) == nullptr && !dl_npz_name(archive, 9),
          "an index past the end gave a member");
    dl_npz_close(archive);
  }
  dl_npz_close(nullptr);
  printStatus("npz write empty archive",
              dl_npz_write((dir + "/none.npz").c_str(), 0, nullptr, nullptr));
  for (dl_tensor *owned : {&t, &i64, &b3, &f0})
    dl_tensor_free(owned);
  if (dl_alloc_count() != baseline)
    fail("files", "blocks leaked");
}

void testErrors(const std::string &dir) {
  dl_tensor t = makeFixture(DL_I32, 1);
  dl_tensor out;
  printStatus("read missing",
              dl_npy_read((dir + "/missing.npy").c_str(), &out));
  printStatus("read directory", dl_npy_read(dir.c_str(), &out));
  printStatus("read null", dl_npy_read(nullptr, &out));
  printStatus("write missing directory",
              dl_npy_write((dir + "/no/such/dir.npy").c_str(), &t));
  dl_tensor invalid = t;
  invalid.dtype = dl_dtype(42);
  printStatus("write invalid dtype",
              dl_npy_write((dir + "/invalid.npy").c_str(), &invalid));
  FILE *leftover = fopen((dir + "/invalid.npy").c_str(), "rb");
  check("write invalid dtype", leftover == nullptr, "left a file behind");
  if (leftover)
    fclose(leftover);

  const char *names[] = {"a", "a"};
  const dl_tensor *tensors[] = {&t, &t};
  printStatus("npz duplicate names",
              dl_npz_write((dir + "/dup.npz").c_str(), 2, names, tensors));
  const char *badNames[] = {""};
  printStatus("npz empty name",
              dl_npz_write((dir + "/bad.npz").c_str(), 1, badNames, tensors));
  dl_npz *archive;
  printStatus("npz missing",
              dl_npz_open((dir + "/missing.npz").c_str(), &archive));

  // .npy bytes in memory, whole and cut short.
  std::string path = dir + "/i32_1d.npy";
  FILE *file = fopen(path.c_str(), "rb");
  std::vector<char> bytes(4096);
  size_t size = file ? fread(bytes.data(), 1, bytes.size(), file) : 0;
  if (file)
    fclose(file);
  printStatus("buffer", dl_npy_read_buffer(bytes.data(), size, &out));
  if (out.data) {
    check("buffer", sameElements(out, t), "read differently");
    dl_tensor_free(&out);
  }
  printStatus("buffer truncated",
              dl_npy_read_buffer(bytes.data(), size - 1, &out));
  printStatus("buffer header only", dl_npy_read_buffer(bytes.data(), 9, &out));
  printStatus("buffer null", dl_npy_read_buffer(nullptr, 10, &out));
  dl_tensor_free(&t);
}

} // namespace

void runFileTests(const char *dir) {
  testWriteAndRead(dir);
  testErrors(dir);
}

bool writeRandomFile(const char *path, uint64_t size, uint64_t seed) {
  FILE *file = fopen(path, "wb");
  if (!file)
    return false;
  Random random(seed);
  std::vector<uint8_t> block(1 << 16);
  for (uint64_t written = 0; written < size;) {
    for (uint8_t &byte : block)
      byte = uint8_t(random.next() >> 56);
    size_t chunk =
        size - written < block.size() ? size_t(size - written) : block.size();
    fwrite(block.data(), 1, chunk, file);
    written += chunk;
  }
  return fclose(file) == 0;
}

void fuzzFile(const char *input, const char *scratch, int iterations,
              uint64_t seed) {
  FILE *file = fopen(input, "rb");
  if (!file) {
    fail("fuzz", "cannot read the input");
    return;
  }
  std::vector<uint8_t> original;
  for (int c; (c = fgetc(file)) != EOF;)
    original.push_back(uint8_t(c));
  fclose(file);
  size_t baseline = dl_alloc_count();
  bool archive = original.size() >= 2 && original[0] == 'P';
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
      uint8_t fill = random.below(2) ? 0xff : 0x00;
      for (size_t k = 0; k < 4; ++k)
        bytes[at + k] = fill;
    }
    }
    dl_status status;
    if (archive) {
      FILE *out = fopen(scratch, "wb");
      if (!out) {
        fail("fuzz", "cannot write the scratch file");
        return;
      }
      fwrite(bytes.data(), 1, bytes.size(), out);
      fclose(out);
      dl_npz *npz = nullptr;
      status = dl_npz_open(scratch, &npz);
      dl_npz_close(npz);
    } else {
      dl_tensor t;
      status = dl_npy_read_buffer(bytes.data(), bytes.size(), &t);
      if (status == DL_OK)
        dl_tensor_free(&t);
    }
    if (status == DL_OK)
      ++accepted;
    else if (status != DL_ERROR_FORMAT)
      fail("fuzz", dl_last_error());
  }
  printf("fuzz: %d variants, %d still readable, the others format errors\n",
         iterations, accepted);
  if (dl_alloc_count() != baseline)
    fail("fuzz", "blocks leaked");
}
