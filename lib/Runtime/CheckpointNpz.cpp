//===- CheckpointNpz.cpp - checkpoints to and from .npz -------------------===//
//
// NumPy archives are how weights travel between dlc and PyTorch:
//   numpy.savez("w.npz", **{k: v.numpy() for k, v in model.state_dict().items()})
// These copy tensors by name both ways; roles and metadata exist only in
// checkpoints.
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "OwnedMemory.h"
#include "dl/checkpoint.h"

using namespace dlrt;

extern "C" {

dl_status dl_checkpoint_to_npz(const char *checkpoint_path,
                               const char *npz_path) {
  dl_checkpoint *checkpoint;
  if (dl_status status = dl_checkpoint_open(checkpoint_path, &checkpoint))
    return status;
  size_t count = dl_checkpoint_count(checkpoint);
  MallocPtr<const char *> names = mallocArray<const char *>(count);
  MallocPtr<const dl_tensor *> tensors = mallocArray<const dl_tensor *>(count);
  dl_status status = DL_OK;
  if (!names || !tensors) {
    status = setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", npz_path);
  } else {
    for (size_t i = 0; i < count; ++i) {
      names.get()[i] = dl_checkpoint_name(checkpoint, i);
      tensors.get()[i] = dl_checkpoint_tensor(checkpoint, i);
    }
    status = dl_npz_write(npz_path, count, names.get(), tensors.get());
  }
  dl_checkpoint_close(checkpoint);
  return status;
}

dl_status dl_checkpoint_from_npz(const char *npz_path,
                                 const char *checkpoint_path,
                                 const dl_checkpoint_info *info,
                                 dl_checkpoint_role role) {
  dl_npz *npz;
  if (dl_status status = dl_npz_open(npz_path, &npz))
    return status;
  size_t count = dl_npz_count(npz);
  MallocPtr<dl_checkpoint_entry> entries =
      mallocArray<dl_checkpoint_entry>(count);
  dl_status status = DL_OK;
  if (!entries) {
    status = setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", npz_path);
  } else {
    for (size_t i = 0; i < count; ++i)
      entries.get()[i] = {dl_npz_name(npz, i), role, dl_npz_get(npz, i)};
    status = dl_checkpoint_write(checkpoint_path, info, entries.get(), count);
  }
  dl_npz_close(npz);
  return status;
}

} // extern "C"
