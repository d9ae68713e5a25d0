//===- DataFormats.h - the readers behind dl_array_load ---------*- C++ -*-===//
//
// Each reader takes a whole (already gunzipped) file in memory, its name
// for messages, and the dtype to convert to, and fills a new row-major
// tensor. Sizes in the files are never trusted: they are checked against
// the bytes there are before anything is allocated.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_DATAFORMATS_H
#define DLRT_DATAFORMATS_H

#include "dl/runtime.h"

#include <cstddef>
#include <cstdint>

namespace dlrt {

/// Whether the bytes start as an IDX file does (two zero bytes; no text
/// file and no other format read here starts that way).
bool looksLikeIdx(const uint8_t *bytes, size_t size);

/// IDX (MNIST's format): magic 00 00 <type> <rank>, big-endian 32-bit
/// extents, big-endian elements.
dl_status loadIdx(const uint8_t *bytes, size_t size, const char *name,
                  dl_dtype dtype, dl_tensor *out);

/// CSV with an optional header row; `selector` picks columns (data.h).
dl_status loadCsv(const uint8_t *bytes, size_t size, const char *name,
                  const char *selector, dl_dtype dtype, dl_tensor *out);

} // namespace dlrt

#endif // DLRT_DATAFORMATS_H
