//===- ModelManifest.h - checking a model's manifest ------------*- C++ -*-===//
//
// dl_model_from_manifest and dl_model_open take the manifest of a library
// as it is (constant data that dlc wrote): before a model uses it, its
// version and the structure the runtime follows (tables, names, functions,
// dtypes and ranks, embedded data) are checked, so that a manifest of
// another version or a damaged one is an error, not a crash.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_MODELMANIFEST_H
#define DLRT_MODELMANIFEST_H

#include "dl/model.h"

namespace dlrt {

/// DL_OK, or DL_ERROR_FORMAT with a message naming the entry point or the
/// parameter that is wrong ("model manifest version 2 is not supported").
dl_status checkManifest(const dl_model_manifest &manifest);

} // namespace dlrt

#endif // DLRT_MODELMANIFEST_H
