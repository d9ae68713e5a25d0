//===- ArrayFile.cpp - the arrays of an .npy or .npz file -----------------===//

#include "ArrayFile.h"

#include <cstring>
#include <fstream>

using namespace dl::npy;

namespace {

/// Whether the file looks like a zip archive: its first bytes are a local
/// file header or the end record of an empty archive. Files that cannot be
/// read fall back to the extension (the reader reports the real problem).
bool isZipFile(const std::string &path) {
  char start[4] = {};
  std::ifstream file(path, std::ios::binary);
  if (file.read(start, sizeof(start)) && start[0] == 'P' && start[1] == 'K')
    return (start[2] == 3 && start[3] == 4) || (start[2] == 5 && start[3] == 6);
  if (file.gcount() >= 1 && start[0] == '\x93')
    return false;
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".npz") == 0;
}

} // namespace

ArrayFile::~ArrayFile() {
  dl_npz_close(archive);
  dl_tensor_free(&single);
}

bool ArrayFile::load(const std::string &path, std::string &error) {
  if (!isZipFile(path)) {
    if (dl_npy_read(path.c_str(), &single) != DL_OK) {
      error = dl_last_error();
      return false;
    }
    names.push_back(path);
    tensors.push_back(&single);
    return true;
  }
  archiveKind = true;
  if (dl_npz_open(path.c_str(), &archive) != DL_OK) {
    error = dl_last_error();
    return false;
  }
  for (size_t i = 0; i < dl_npz_count(archive); ++i) {
    names.push_back(dl_npz_name(archive, i));
    tensors.push_back(dl_npz_get(archive, i));
  }
  return true;
}

const dl_tensor *ArrayFile::find(const std::string &name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return tensors[i];
  return nullptr;
}
