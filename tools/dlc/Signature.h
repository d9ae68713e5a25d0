//===- Signature.h - runtime signatures of entry functions ------*- C++ -*-===//
//
// Reads the `dl.*` attributes MLIRGen puts on an entry function into the
// runtime's dl_signature, with storage for its strings.
//
//===----------------------------------------------------------------------===//
#ifndef DL_TOOLS_DLC_SIGNATURE_H
#define DL_TOOLS_DLC_SIGNATURE_H

#include "dl/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <deque>
#include <string>
#include <vector>

namespace dl {

class Signature {
public:
  /// Fails (returns false, with a message) for types the ABI cannot carry.
  bool build(mlir::func::FuncOp func, std::string &error);

  const dl_signature &get() const { return signature; }
  const std::vector<dl_value_info> &args() const { return argInfos; }
  const std::vector<dl_value_info> &results() const { return resultInfos; }
  /// "f32[B, 784]"
  static std::string format(const dl_value_info &info);

private:
  const char *keep(std::string s);
  bool describe(mlir::Type type, mlir::DictionaryAttr attrs, dl_role role,
                dl_value_info &info, std::string &error);

  std::deque<std::string> strings;
  std::vector<dl_value_info> argInfos, resultInfos;
  dl_signature signature{};
};

} // namespace dl

#endif // DL_TOOLS_DLC_SIGNATURE_H
