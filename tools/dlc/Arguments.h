//===- Arguments.h - compiled entry points and their arguments --*- C++ -*-===//
//
// What `dlc run` and `dlc check-grad` share: an entry point compiled in the
// JIT with its signature, and the binding of its arguments by name to
// .npy/.npz files, parameter files and parameter initializers.
//
//===----------------------------------------------------------------------===//
#ifndef DL_TOOLS_DLC_ARGUMENTS_H
#define DL_TOOLS_DLC_ARGUMENTS_H

#include "Driver.h"
#include "Signature.h"

#include "dl/JIT/JIT.h"
#include "dl/checkpoint.h"
#include "dl/runtime.h"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace dl {

/// A tensor whose memory the runtime gave us.
struct OwnedTensor {
  dl_tensor tensor{};
  OwnedTensor() = default;
  OwnedTensor(const OwnedTensor &) = delete;
  ~OwnedTensor() { dl_tensor_free(&tensor); }
};

/// A compiled entry point and its signature.
struct Compiled {
  Signature signature;
  dl_packed_fn fn = nullptr;
};

/// Splits FILE[:SELECTOR] (a data file and the columns or archive member to
/// read, docs/data.md): the file is the whole text when it exists, else the
/// shortest prefix before a ':' that exists.
void splitFileSelector(llvm::StringRef text, std::string &file,
                       std::string &selector);

/// Finds `<name>__dl_packed` in the JIT; false after reporting.
bool lookupEntry(JIT &jit, llvm::StringRef name, Compiled &compiled);

/// Calls an entry point; results are allocated by the runtime. False after
/// reporting the runtime's message.
bool invoke(const Compiled &entry, const std::vector<dl_tensor> &args,
            std::deque<OwnedTensor> &results);

/// The arguments of one entry point, bound by name.
class ArgumentBinder {
public:
  ArgumentBinder() = default;
  ArgumentBinder(const ArgumentBinder &) = delete;
  ~ArgumentBinder();

  /// Binds inputs from --input/--inputs and parameters from --params, then
  /// from --checkpoint (which also preprocesses the inputs as the training
  /// did); those still missing take their initializer's value (when `init` has a
  /// function). Inputs still missing are left out when `allowMissing`. The
  /// seed argument (role seed), of the entry and of the initializer, is
  /// --seed.
  bool bind(const DriverOptions &options, const std::string &entryName,
            const Compiled &entry, const Compiled &init, bool allowMissing);

  /// The value bound to an argument, or null.
  const dl_tensor *find(const std::string &name) const;
  /// Binds a tensor the caller owns (kept alive by the caller).
  void set(const std::string &name, const dl_tensor &tensor) {
    bound[name] = tensor;
  }
  /// The value of a seed argument (--seed; valid after bind()).
  const dl_tensor &seedArgument() const { return seedTensor; }
  /// The arguments in signature order; false after reporting a missing one.
  bool arguments(const std::string &entryName, const Compiled &entry,
                 std::vector<dl_tensor> &args) const;

private:
  bool bindCheckpoint(const std::string &path, const std::string &entryName,
                      const std::vector<dl_value_info> &infos);

  std::deque<OwnedTensor> owned;
  std::vector<dl_checkpoint *> checkpoints;
  std::deque<OwnedTensor> initial;
  std::vector<dl_npz *> archives;
  std::map<std::string, dl_tensor> bound;
  int64_t seed = 0;
  dl_tensor seedTensor{};
};

} // namespace dl

#endif // DL_TOOLS_DLC_ARGUMENTS_H
