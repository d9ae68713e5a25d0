//===- ArrayFile.h - the arrays of an .npy or .npz file ---------*- C++ -*-===//
#ifndef DL_NPY_ARRAYFILE_H
#define DL_NPY_ARRAYFILE_H

#include "dl/runtime.h"

#include <string>
#include <vector>

namespace dl::npy {

/// The arrays of one file: the single array of an .npy file, or every
/// member of an .npz archive. The kind is told by the file's first bytes,
/// then by its extension.
class ArrayFile {
public:
  ArrayFile() = default;
  ArrayFile(const ArrayFile &) = delete;
  ArrayFile &operator=(const ArrayFile &) = delete;
  ~ArrayFile();

  /// Reads the file; on failure returns false with the runtime's message in
  /// `error`.
  bool load(const std::string &path, std::string &error);

  bool isArchive() const { return archiveKind; }
  size_t size() const { return tensors.size(); }
  /// The member name, or the path for an .npy file.
  const std::string &name(size_t i) const { return names[i]; }
  const dl_tensor &tensor(size_t i) const { return *tensors[i]; }
  /// The array with this name, or null.
  const dl_tensor *find(const std::string &name) const;

private:
  dl_tensor single{};
  dl_npz *archive = nullptr;
  bool archiveKind = false;
  std::vector<std::string> names;
  std::vector<const dl_tensor *> tensors;
};

} // namespace dl::npy

#endif // DL_NPY_ARRAYFILE_H
