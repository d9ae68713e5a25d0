//===- ArrayFile.cpp - the arrays of a file dl-npy reads ------------------===//

#include "ArrayFile.h"
#include "dl/data.h"

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace dl::npy;

namespace {

enum class Kind { Npy, Npz, Checkpoint, Data };

/// Whether the first bytes of a file look like text (CSV), a UTF-8
/// byte-order mark included.
bool looksLikeText(const unsigned char *start, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    unsigned char c = start[i];
    bool text = (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' ||
                c == '\n' || (i < 3 && c == static_cast<unsigned char>("\xEF\xBB\xBF"[i]));
    if (!text)
      return false;
  }
  return true;
}

/// What a file is, by its first bytes when it is a regular file: a zip
/// local file header or end record (an empty archive), the .npy or the
/// checkpoint magic, or a data file: IDX's two zero bytes, gzip's magic,
/// text (CSV). Otherwise by its extension, as are pipes (which sniffing
/// would consume) and missing files (the reader reports); other binary
/// files are taken for damaged .npy files, whose reader says what is wrong.
Kind kindOf(const std::string &path) {
  std::error_code error;
  bool regular = std::filesystem::is_regular_file(path, error);
  bool binary = false;
  if (regular) {
    unsigned char start[6] = {};
    std::ifstream file(path, std::ios::binary);
    file.read(reinterpret_cast<char *>(start), sizeof(start));
    size_t got = size_t(file.gcount());
    if (got >= 4 && start[0] == 'P' && start[1] == 'K' &&
        ((start[2] == 3 && start[3] == 4) || (start[2] == 5 && start[3] == 6)))
      return Kind::Npz;
    if (got >= 6 && memcmp(start, "DLCKPT", 6) == 0)
      return Kind::Checkpoint;
    bool idx = got >= 2 && start[0] == 0 && start[1] == 0;
    bool gzip = got >= 2 && start[0] == 0x1f && start[1] == 0x8b;
    if (got > 0 && (idx || gzip || looksLikeText(start, got)))
      return Kind::Data;
    binary = got > 0;
  }
  auto endsWith = [&](const char *suffix) {
    size_t length = strlen(suffix);
    return path.size() >= length &&
           path.compare(path.size() - length, length, suffix) == 0;
  };
  if (endsWith(".npz"))
    return Kind::Npz;
  if (endsWith(".ckpt"))
    return Kind::Checkpoint;
  if (endsWith(".npy") || binary)
    return Kind::Npy;
  return Kind::Data;
}

/// Splits "PATH:SELECTOR" at the first ':' that ends the name of an
/// existing file (selectors have colons too: "iris.csv:0:4"). A spec that
/// names a file as it is has no selector.
void splitSpec(const std::string &spec, std::string &path,
               std::string &selector) {
  std::error_code error;
  path = spec;
  selector.clear();
  if (std::filesystem::exists(spec, error))
    return;
  for (size_t colon = spec.find(':'); colon != std::string::npos;
       colon = spec.find(':', colon + 1))
    if (std::filesystem::is_regular_file(spec.substr(0, colon), error)) {
      path = spec.substr(0, colon);
      selector = spec.substr(colon + 1);
      return;
    }
}

} // namespace

ArrayFile::~ArrayFile() {
  dl_npz_close(archive);
  dl_checkpoint_close(checkpoint);
  dl_tensor_free(&single);
}

bool ArrayFile::load(const std::string &spec, std::optional<dl_dtype> dtype,
                     std::string &error) {
  std::string path, selector;
  splitSpec(spec, path, selector);
  Kind kind = kindOf(path);
  // Data files, and .npy/.npz files read with a selector or a dtype, go
  // through dl_array_load.
  if (kind == Kind::Data || (kind != Kind::Checkpoint &&
                             (!selector.empty() || dtype))) {
    dl_status status =
        dtype ? dl_array_load(path.c_str(), selector.c_str(), *dtype, &single)
              : dl_array_load_native(path.c_str(), selector.c_str(), &single);
    if (status != DL_OK) {
      error = dl_last_error();
      return false;
    }
    names.push_back(spec);
    tensors.push_back(&single);
    return true;
  }
  if (!selector.empty()) {
    error = "'" + path + "': a selector does not apply to a checkpoint";
    return false;
  }
  if (kind == Kind::Npy) {
    if (dl_npy_read(path.c_str(), &single) != DL_OK) {
      error = dl_last_error();
      return false;
    }
    names.push_back(path);
    tensors.push_back(&single);
    return true;
  }
  if (kind == Kind::Checkpoint) {
    if (dl_checkpoint_open(path.c_str(), &checkpoint) != DL_OK) {
      error = dl_last_error();
      return false;
    }
    for (size_t i = 0; i < dl_checkpoint_count(checkpoint); ++i) {
      names.push_back(dl_checkpoint_name(checkpoint, i));
      tensors.push_back(dl_checkpoint_tensor(checkpoint, i));
    }
    return true;
  }
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
