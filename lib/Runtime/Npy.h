//===- Npy.h - the .npy format ----------------------------------*- C++ -*-===//
//
// NumPy's .npy format (numpy/lib/format.py): a magic string, a version, a
// header length, a Python dict literal padded with spaces, then the data.
// Shared by .npy files and .npz members.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_NPY_H
#define DLRT_NPY_H

#include "OwnedMemory.h"
#include "dl/runtime.h"

#include <cstddef>
#include <cstdint>

namespace dlrt {

/// What an .npy header says.
struct NpyHeader {
  dl_dtype dtype;
  int32_t rank;
  int64_t shape[DL_MAX_RANK];
  /// Bytes before the data: magic, version, length and the dict.
  size_t headerSize;
  size_t dataSize;
};

/// The preamble (magic, version, header length) of version 1.0; versions 2.0
/// and 3.0 have 2 more bytes of header length.
constexpr size_t NpyPreambleSize = 10;

/// The whole header's size from the first bytes of the file, of which
/// `available` are given (all if there are fewer than 12). Checks the magic
/// and version. `name` names the file in messages.
dl_status npyHeaderSize(const uint8_t *bytes, size_t available,
                        const char *name, size_t *headerSize);

/// Parses a complete header, `headerSize` bytes from npyHeaderSize.
dl_status parseNpyHeader(const uint8_t *bytes, size_t headerSize,
                         const char *name, NpyHeader *out);

/// Reads .npy bytes in memory into a new row-major tensor.
dl_status readNpy(const uint8_t *bytes, size_t size, const char *name,
                  dl_tensor *out);

/// Fills `out` with data read as the header says; bools are normalized to
/// 0 and 1 (generated code relies on it).
void finishNpyTensor(const NpyHeader &header, void *data, dl_tensor *out);

/// The longest header formatNpyHeader writes.
constexpr size_t NpyMaxWrittenHeader = 512;

/// Writes the header numpy.save writes for this dtype and shape (version
/// 1.0, padded to 64 bytes, with numpy's spare room to grow the first axis)
/// into `buffer` and returns its size.
size_t formatNpyHeader(dl_dtype dtype, int32_t rank, const int64_t *shape,
                       char (&buffer)[NpyMaxWrittenHeader]);

/// The elements of a valid tensor in row-major order: its own memory when
/// it is contiguous, otherwise a copy owned by `copy`.
dl_status rowMajorBytes(const dl_tensor &t, const void **data, size_t *size,
                        BlockPtr &copy);

} // namespace dlrt

#endif // DLRT_NPY_H
