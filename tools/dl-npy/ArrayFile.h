//===- ArrayFile.h - the arrays of a file dl-npy reads ----------*- C++ -*-===//
#ifndef DL_NPY_ARRAYFILE_H
#define DL_NPY_ARRAYFILE_H

#include "dl/checkpoint.h"
#include "dl/runtime.h"

#include <optional>
#include <string>
#include <vector>

namespace dl::npy {

/// The arrays of one file: the single array of an .npy file, every member
/// of an .npz archive, every tensor of a checkpoint, or the array that
/// dl_array_load reads from a data file (IDX, CSV, gzipped files, an .npz
/// member). The kind is told by the file's first bytes, then by its
/// extension.
class ArrayFile {
public:
  ArrayFile() = default;
  ArrayFile(const ArrayFile &) = delete;
  ArrayFile &operator=(const ArrayFile &) = delete;
  ~ArrayFile();

  /// Reads `spec`: a path, or "PATH:SELECTOR" for a data file (columns of
  /// a CSV file, a member of an .npz archive), converted to `dtype` when
  /// given. On failure returns false with the runtime's message in `error`.
  bool load(const std::string &spec, std::optional<dl_dtype> dtype,
            std::string &error);

  /// Several arrays, each named (an archive or a checkpoint).
  bool isArchive() const { return archive || checkpoint; }
  /// The checkpoint, or null if the file is not one.
  const dl_checkpoint *getCheckpoint() const { return checkpoint; }
  size_t size() const { return tensors.size(); }
  /// The member or tensor name, or the path for a single array.
  const std::string &name(size_t i) const { return names[i]; }
  const dl_tensor &tensor(size_t i) const { return *tensors[i]; }
  /// The array with this name, or null.
  const dl_tensor *find(const std::string &name) const;

private:
  dl_tensor single{};
  dl_npz *archive = nullptr;
  dl_checkpoint *checkpoint = nullptr;
  std::vector<std::string> names;
  std::vector<const dl_tensor *> tensors;
};

} // namespace dl::npy

#endif // DL_NPY_ARRAYFILE_H
