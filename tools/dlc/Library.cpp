//===- Library.cpp - dlc -o model.so / model.o ----------------------------===//
//
// Compiles every entry point of a file (and the training functions of its
// train blocks) into one LLVM module, adds the manifest and typed C
// functions (Manifest.cpp), writes an object file with the target machine,
// links a shared library against libdlrt with lld, and writes the C header
// (Header.cpp). docs/embedding.md describes the design.
//
//===----------------------------------------------------------------------===//

#include "Library.h"
#include "Session.h"

#include "dl/Dialect/Attributes.h"
#include "dl/JIT/Codegen.h"
#include "dl/checkpoint.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"

#include <set>

using namespace dl;

/// Reads the tensors to embed, by name, from a checkpoint (parameters and
/// state) or an .npz archive.
static bool readEmbedded(const std::string &path, bool checkpoint,
                         std::map<std::string, EmbeddedTensor> &out) {
  auto add = [&](const char *name, const dl_tensor &t, dl_role role) {
    EmbeddedTensor e;
    e.role = role;
    e.dtype = t.dtype;
    e.rank = t.rank;
    for (int d = 0; d < t.rank; ++d)
      e.shape[d] = t.shape[d];
    dl_tensor copy;
    if (dl_tensor_alloc(&copy, t.dtype, t.rank, t.shape) != DL_OK ||
        dl_tensor_copy(&copy, &t) != DL_OK)
      return false;
    e.bytes.assign(static_cast<const char *>(copy.data),
                   dl_tensor_numel(&copy) * dl_dtype_size(t.dtype));
    dl_tensor_free(&copy);
    out[name] = std::move(e);
    return true;
  };
  if (checkpoint) {
    dl_checkpoint *ckpt;
    if (dl_checkpoint_open(path.c_str(), &ckpt) != DL_OK)
      return fail(dl_last_error()), false;
    bool ok = true;
    for (size_t i = 0; ok && i < dl_checkpoint_count(ckpt); ++i) {
      dl_checkpoint_role role = dl_checkpoint_role_at(ckpt, i);
      if (role == DL_CHECKPOINT_PARAM || role == DL_CHECKPOINT_STATE)
        ok = add(dl_checkpoint_name(ckpt, i), *dl_checkpoint_tensor(ckpt, i),
                 static_cast<dl_role>(role));
    }
    dl_checkpoint_close(ckpt);
    if (!ok)
      return fail(dl_last_error()), false;
    return true;
  }
  dl_npz *npz;
  if (dl_npz_open(path.c_str(), &npz) != DL_OK)
    return fail(dl_last_error()), false;
  bool ok = true;
  for (size_t i = 0; ok && i < dl_npz_count(npz); ++i)
    ok = add(dl_npz_name(npz, i), *dl_npz_get(npz, i), DL_ROLE_PARAM);
  dl_npz_close(npz);
  if (!ok)
    return fail(dl_last_error()), false;
  return true;
}

/// Marks the arguments that embedded tensors bind; false (with a message)
/// when a tensor does not fit the argument of its name.
static bool bindEmbedded(LibraryContents &contents, const std::string &file) {
  for (LibraryEntry &entry : contents.entries) {
    const Signature &sig = *entry.signature;
    entry.embedded.assign(sig.args().size(), false);
    for (size_t i = 0; i < sig.args().size(); ++i) {
      const dl_value_info &a = sig.args()[i];
      if ((a.role != DL_ROLE_PARAM && a.role != DL_ROLE_STATE) || !a.name)
        continue;
      auto it = contents.embedded.find(a.name);
      if (it == contents.embedded.end())
        continue;
      EmbeddedTensor &t = it->second;
      bool fits = t.dtype == a.dtype && t.rank == a.rank;
      for (int d = 0; fits && d < t.rank; ++d)
        fits = a.dims[d].size < 0 || a.dims[d].size == t.shape[d];
      if (!fits) {
        dl_value_info given = a;
        given.dtype = t.dtype;
        given.rank = t.rank;
        for (int d = 0; d < t.rank; ++d)
          given.dims[d] = {t.shape[d], nullptr};
        fail(file + ": '" + a.name + "' is " + Signature::format(given) +
             " but " + sig.get().name + " takes " + Signature::format(a));
        return false;
      }
      t.used = true;
      // A training step updates its parameters: they stay arguments.
      entry.embedded[i] = !a.updated;
    }
  }
  if (!contents.embedded.empty() &&
      llvm::none_of(contents.embedded,
                    [](const auto &e) { return e.second.used; })) {
    fail(file + " holds none of the parameters of " + contents.source);
    return false;
  }
  return true;
}

/// clang-22 (on PATH, else in LLVM's bin directory) drives lld.
static std::string findLinkerDriver() {
  for (const char *name : {"clang-22", "clang"}) {
    if (auto path = llvm::sys::findProgramByName(name))
      return *path;
    if (auto path = llvm::sys::findProgramByName(name, {DL_LLVM_TOOLS_DIR}))
      return *path;
  }
  return "";
}

/// The runtime library beside dlc: <prefix>/lib/libdlrt.so for
/// <prefix>/bin/dlc, in the build tree as after installation.
static std::string findRuntimeDir(const std::string &executablePath) {
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(executablePath)));
  llvm::sys::path::append(dir, "lib");
  llvm::SmallString<256> lib(dir);
  llvm::sys::path::append(lib, "libdlrt.so");
  return llvm::sys::fs::exists(lib) ? dir.str().str() : "";
}

int dl::libraryCommand(const DriverOptions &options) {
  bool shared = options.emit == EmitKind::SharedLibrary;
  const std::string &output = options.outputFile;
  if (output == "-")
    return fail(std::string("--emit=") + (shared ? "so" : "obj") +
                " writes a file: give -o FILE");
  if (!options.checkpointFile.empty() && !options.paramsFile.empty())
    return fail("give the parameters to embed with --checkpoint or "
                "--params, not both");
  // Fail early on an unwritable output or an unknown CPU.
  std::string headerPath = options.headerFile;
  if (headerPath.empty()) {
    llvm::SmallString<128> path(output);
    llvm::sys::path::replace_extension(path, "h");
    headerPath = path.str().str();
  }
  // (A file created beside each and removed: an existing library, perhaps
  // mapped by a running program, is not touched until it is replaced.)
  for (const std::string &path : {output, headerPath}) {
    int fd;
    llvm::SmallString<256> probe;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(
            path + ".tmp-%%%%%%", fd, probe))
      return fail("cannot write '" + path + "': " + ec.message());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    llvm::sys::fs::remove(probe);
    if (llvm::sys::fs::is_directory(path))
      return fail("cannot write '" + path + "': Is a directory");
  }
  auto targetMachine =
      createTargetMachine(options.mcpu, options.mattr, /*optLevel=*/3);
  if (!targetMachine)
    return fail(llvm::toString(targetMachine.takeError()));

  Session session(options);
  if (!session.load())
    return 1;

  LibraryContents contents;
  contents.source = options.inputFile;
  std::string stem = llvm::sys::path::stem(output).str();
  contents.prefix =
      options.prefix.empty() ? cIdentifier(stem) + "_" : options.prefix;
  if (cIdentifier(contents.prefix) != contents.prefix)
    return fail("--prefix must be a C identifier, not '" + options.prefix +
                "'");

  // The modules: the inference entry points, then each train block's.
  std::vector<mlir::OwningOpRef<mlir::ModuleOp>> modules;
  bool anyEntry = !options.entries.empty();
  for (const EntryPoint &e : session.frontend.entryPoints())
    anyEntry |= e.whyNot.empty();
  if (session.diags.hadError())
    return 1;
  if (anyEntry) {
    modules.push_back(session.frontend.emit(options.entries));
    if (!modules.back())
      return 1;
  }
  std::vector<std::string> blocks = session.frontend.trainBlocks();
  if (!options.trainBlock.empty()) {
    if (!llvm::is_contained(blocks, options.trainBlock))
      return fail(options.inputFile + " has no train block '" +
                  options.trainBlock + "'");
    blocks = {options.trainBlock};
  }
  for (const std::string &block : blocks) {
    modules.push_back(session.frontend.emitTraining(block, {}));
    if (!modules.back())
      return 1;
  }
  if (modules.empty())
    return fail(options.inputFile + " has no entry point (a function whose "
                                    "parameters all have tensor types)");

  // Signatures come from the dl-level functions, before lowering. An entry
  // point that two modules define (a method a train block uses) is kept
  // from the first.
  std::vector<std::set<std::string>> ownEntries(modules.size());
  std::set<std::string> seen;
  for (size_t m = 0; m < modules.size(); ++m) {
    for (auto func : modules[m]->getOps<mlir::func::FuncOp>()) {
      if (!func->hasAttr(attrs::kEntry) ||
          !seen.insert(func.getSymName().str()).second)
        continue;
      LibraryEntry entry;
      entry.signature = std::make_unique<Signature>();
      std::string error;
      if (!entry.signature->build(func, error))
        return fail("cannot compile '" + func.getSymName() + "': " + error);
      if (auto doc = func->getAttrOfType<mlir::StringAttr>(attrs::kDoc))
        entry.doc = doc.str();
      entry.cName = contents.prefix + cIdentifier(func.getSymName());
      entry.embedded.assign(entry.signature->args().size(), false);
      ownEntries[m].insert(func.getSymName().str());
      contents.entries.push_back(std::move(entry));
    }
  }

  std::string embedFile = !options.checkpointFile.empty()
                              ? options.checkpointFile
                              : options.paramsFile;
  if (!embedFile.empty() &&
      (!readEmbedded(embedFile, !options.checkpointFile.empty(),
                     contents.embedded) ||
       !bindEmbedded(contents, embedFile)))
    return 1;

  // Lower, translate and link into one LLVM module. Each module's
  // definitions but its own packed entry points become internal first, so
  // that helpers of the same name in two modules do not clash.
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> merged;
  for (size_t m = 0; m < modules.size(); ++m) {
    if (!session.lower(*modules[m], EmitKind::LLVMDialect))
      return 1;
    auto llvmModule =
        translateAndOptimize(*modules[m], llvmContext, **targetMachine);
    if (!llvmModule)
      return fail(llvm::toString(llvmModule.takeError()));
    for (llvm::GlobalValue &value : (*llvmModule)->global_values()) {
      if (value.isDeclaration() || value.hasLocalLinkage())
        continue;
      llvm::StringRef name = value.getName();
      if (name.consume_back("__dl_packed") && ownEntries[m].count(name.str()))
        continue;
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
    }
    if (!merged) {
      merged = std::move(*llvmModule);
      continue;
    }
    if (llvm::Linker::linkModules(*merged, std::move(*llvmModule)))
      return fail("cannot link the compiled modules");
  }
  addManifest(*merged, contents, shared);

  // The object file: a temporary one to link, or one beside the output
  // renamed over it once complete (an existing object is never left
  // truncated).
  llvm::SmallString<128> objectPath;
  int objectFd;
  std::error_code tempError =
      shared ? llvm::sys::fs::createTemporaryFile("dlc", "o", objectFd,
                                                   objectPath)
             : llvm::sys::fs::createUniqueFile(output + "-%%%%%%.tmp",
                                               objectFd, objectPath);
  if (tempError)
    return fail("cannot create a temporary file" +
                (shared ? std::string() : " beside '" + output + "'") + ": " +
                tempError.message());
  llvm::FileRemover removeObject(objectPath);
  {
    llvm::raw_fd_ostream out(objectFd, /*shouldClose=*/true);
    if (llvm::Error e = emitObject(*merged, **targetMachine, out))
      return fail(llvm::toString(std::move(e)));
    out.close();
    if (out.has_error())
      return fail("cannot write '" + objectPath + "': " +
                  out.error().message());
  }
  if (!shared) {
    if (std::error_code ec = llvm::sys::fs::rename(objectPath, output))
      return fail("cannot write '" + output + "': " + ec.message());
    removeObject.releaseFile();
  }

  if (shared) {
    std::string driver = findLinkerDriver();
    if (driver.empty())
      return fail("cannot find clang-22 to link the shared library "
                  "(install clang-22 and lld-22)");
    std::string runtimeDir = findRuntimeDir(options.executablePath);
    if (runtimeDir.empty())
      return fail("cannot find libdlrt.so beside dlc (expected in " +
                  llvm::sys::path::parent_path(llvm::sys::path::parent_path(
                      options.executablePath)) +
                  "/lib)");
    std::string soname = llvm::sys::path::filename(output).str();
    std::vector<std::string> argv = {driver,
                                     "-shared",
                                     "-fuse-ld=lld",
                                     "-o",
                                     output,
                                     objectPath.str().str(),
                                     "-L" + runtimeDir,
                                     "-ldlrt",
                                     "-lm",
                                     "-Wl,-soname," + soname,
                                     "-Wl,-rpath," + runtimeDir,
                                     "-Wl,--no-undefined",
                                     "-Wl,-z,noexecstack"};
    std::vector<llvm::StringRef> args(argv.begin(), argv.end());
    std::string error;
    int status = llvm::sys::ExecuteAndWait(driver, args, std::nullopt, {}, 0,
                                           0, &error);
    if (status != 0) {
      llvm::sys::fs::remove(output);
      return fail("linking '" + output + "' failed" +
                  (error.empty() ? "" : ": " + error) + " (" +
                  llvm::join(args, " ") + ")");
    }
  }

  // The header.
  std::error_code ec;
  llvm::ToolOutputFile header(headerPath, ec, llvm::sys::fs::OF_None);
  if (ec) {
    llvm::sys::fs::remove(output);
    return fail("cannot write '" + headerPath + "': " + ec.message());
  }
  header.os() << writeHeader(contents,
                             llvm::sys::path::filename(headerPath));
  header.keep();
  return 0;
}
