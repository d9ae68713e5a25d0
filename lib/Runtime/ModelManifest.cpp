//===- ModelManifest.cpp - checking a model's manifest --------------------===//

#include "ModelManifest.h"

#include "Errors.h"
#include "Tensor.h"

#include <cstring>

namespace dlrt {

namespace {

bool validValueList(int32_t count, const dl_value_info *values) {
  if (count < 0 || (count > 0 && !values))
    return false;
  for (int32_t i = 0; i < count; ++i)
    if (!isValidDtype(values[i].dtype) || values[i].rank < 0 ||
        values[i].rank > DL_MAX_RANK)
      return false;
  return true;
}

dl_status checkEntry(const dl_model_entry &entry, uint32_t index) {
  const dl_signature *sig = entry.signature;
  if (!sig || !sig->name)
    return setError(DL_ERROR_FORMAT,
                    "the model manifest's entry point %u has no %s", index,
                    sig ? "name" : "signature");
  if (!entry.fn)
    return setError(DL_ERROR_FORMAT,
                    "the model manifest's entry point '%s' has no function",
                    sig->name);
  if (!validValueList(sig->num_args, sig->args) ||
      !validValueList(sig->num_results, sig->results))
    return setError(DL_ERROR_FORMAT,
                    "the model manifest's entry point '%s' has an invalid "
                    "signature (argument or result lists, dtypes, ranks)",
                    sig->name);
  return DL_OK;
}

dl_status checkParam(const dl_model_param &param, uint32_t index) {
  // Read as an int, as dtypeCode does: a C manifest may hold any value.
  int role;
  memcpy(&role, &param.role, sizeof(role));
  if (!param.name)
    return setError(DL_ERROR_FORMAT,
                    "the model manifest's embedded tensor %u has no name",
                    index);
  bool valid = (role == DL_ROLE_PARAM || role == DL_ROLE_STATE) &&
               isValidDtype(param.dtype) && param.rank >= 0 &&
               param.rank <= DL_MAX_RANK;
  int64_t numel = valid ? checkedNumel(param.rank, param.shape) : -1;
  size_t bytes;
  if (numel < 0 || !checkedByteSize(numel, dl_dtype_size(param.dtype), &bytes) ||
      (numel > 0 && !param.data))
    return setError(DL_ERROR_FORMAT,
                    "the model manifest's embedded tensor '%s' is invalid "
                    "(role, dtype, shape or data)",
                    param.name);
  return DL_OK;
}

} // namespace

dl_status checkManifest(const dl_model_manifest &manifest) {
  // The version first: the rest of the layout is that version's.
  if (manifest.abi_version != DL_MODEL_ABI_VERSION)
    return setError(DL_ERROR_FORMAT,
                    "model manifest version %u is not supported (this "
                    "runtime reads version %d)",
                    manifest.abi_version, DL_MODEL_ABI_VERSION);
  if (manifest.num_entries && !manifest.entries)
    return setError(DL_ERROR_FORMAT,
                    "the model manifest's table of entry points is NULL (it "
                    "counts %u)",
                    manifest.num_entries);
  if (manifest.num_params && !manifest.params)
    return setError(DL_ERROR_FORMAT,
                    "the model manifest's table of embedded tensors is NULL "
                    "(it counts %u)",
                    manifest.num_params);
  for (uint32_t i = 0; i < manifest.num_entries; ++i)
    if (dl_status status = checkEntry(manifest.entries[i], i))
      return status;
  for (uint32_t i = 0; i < manifest.num_params; ++i)
    if (dl_status status = checkParam(manifest.params[i], i))
      return status;
  return DL_OK;
}

} // namespace dlrt
