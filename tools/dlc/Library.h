//===- Library.h - object files, shared libraries and C headers -*- C++ -*-===//
//
// `dlc model.dl -o model.so` / `-o model.o` (docs/embedding.md): every entry
// point (and the training functions of the file's train blocks) compiled
// for the host CPU or another x86-64 CPU, with a manifest the runtime's
// dl_model_open reads, typed C functions, parameters embedded from a
// checkpoint, and a C header that declares them.
//
//===----------------------------------------------------------------------===//
#ifndef DL_TOOLS_DLC_LIBRARY_H
#define DL_TOOLS_DLC_LIBRARY_H

#include "Signature.h"

#include "llvm/IR/Module.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dl {

/// An entry point of the library.
struct LibraryEntry {
  std::unique_ptr<Signature> signature;
  std::string doc;
  /// The C function's name: prefix + the entry's name with '.' as '_'.
  std::string cName;
  /// For each argument: whether embedded data binds it (the typed C
  /// function then does not take it).
  std::vector<bool> embedded;
};

/// A parameter or state tensor embedded in the library (row-major bytes).
struct EmbeddedTensor {
  dl_role role = DL_ROLE_PARAM;
  dl_dtype dtype = DL_F32;
  int32_t rank = 0;
  int64_t shape[DL_MAX_RANK] = {};
  std::string bytes;
  bool used = false;
};

struct LibraryContents {
  std::string source;
  std::string prefix;
  std::vector<LibraryEntry> entries;
  std::map<std::string, EmbeddedTensor> embedded;
};

/// Adds the manifest `<prefix>manifest` (and, for a shared library, the
/// alias `dl_model_manifest`), the typed C functions and the embedded data
/// to `module`, whose `<entry>__dl_packed` functions it references; then
/// gives every other definition internal linkage.
void addManifest(llvm::Module &module, LibraryContents &contents,
                 bool sharedLibrary);

/// The C header declaring what addManifest defines.
std::string writeHeader(const LibraryContents &contents,
                        llvm::StringRef headerName);

/// A C identifier made of `name`'s letters and digits ('.' and others
/// become '_').
std::string cIdentifier(llvm::StringRef name);

} // namespace dl

#endif // DL_TOOLS_DLC_LIBRARY_H
