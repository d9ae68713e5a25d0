//===- TensorFormat.h - printing tensors as NumPy does ----------*- C++ -*-===//
//
// Text for tensors that matches NumPy's print(array) (str(array), NumPy 1.24
// default print options), so that output of dlc tools reads like the Python
// users compare it with. Depends only on the runtime's types and libfmt.
//
//===----------------------------------------------------------------------===//
#ifndef DL_SUPPORT_TENSORFORMAT_H
#define DL_SUPPORT_TENSORFORMAT_H

#include "dl/runtime.h"

#include <cstdint>
#include <string>

namespace dl {

/// NumPy's print options that matter here, with NumPy's defaults.
struct PrintOptions {
  /// Lines are wrapped to at most this many characters.
  int lineWidth = 75;
  /// Arrays with more elements are summarized with "...".
  int64_t threshold = 1000;
  /// Items shown at each end of a summarized axis.
  int64_t edgeItems = 3;
  /// Fractional digits at most (floats print with the fewest digits that
  /// identify each value, up to this many).
  int precision = 8;
};

/// The text print(array) shows for the tensor (any dtype and strides): a
/// scalar for rank 0 ("1.5", "True"), "[]" for no elements, otherwise nested
/// brackets with NumPy's alignment, line wrapping and summarization. No
/// trailing newline. The tensor must be valid (dl_tensor_init's rules) with
/// data for every element.
std::string formatTensor(const dl_tensor &tensor,
                         const PrintOptions &options = {});

/// The tensor's type as the DL language writes it: "f32[2, 3]", or "i64" for
/// rank 0.
std::string formatTensorType(const dl_tensor &tensor);

} // namespace dl

#endif // DL_SUPPORT_TENSORFORMAT_H
