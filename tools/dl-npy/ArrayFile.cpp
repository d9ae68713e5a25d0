//===- ArrayFile.cpp - the arrays of an .npy or .npz file -----------------===//

#include "ArrayFile.h"

#include <filesystem>
#include <fstream>

using namespace dl::npy;

namespace {

/// Whether the file is a zip archive. A regular file is told by its first
/// bytes when they are a zip local file header or end record (empty
/// archive), or the .npy magic; otherwise by its extension, as are pipes
/// (which sniffing would consume) and missing files (the reader reports).
bool isZipFile(const std::string &path) {
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) {
    char start[4] = {};
    std::ifstream file(path, std::ios::binary);
    file.read(start, sizeof(start));
    if (start[0] == 'P' && start[1] == 'K' &&
        ((start[2] == 3 && start[3] == 4) || (start[2] == 5 && start[3] == 6)))
      return true;
    if (start[0] == '\x93')
      return false;
  }
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
