//===- ModuleLoader.cpp - reading DL files and their imports --------------===//

#include "dl/Frontend/ModuleLoader.h"
#include "dl/Frontend/Parser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <cstdlib>

using namespace dl;

namespace {
// The prelude's text, embedded at build time (see lib/Frontend/CMakeLists).
#include "PreludeSource.inc"
} // namespace

std::vector<std::string> SearchPath::fromEnvironment() {
  std::vector<std::string> dirs;
  if (const char *value = std::getenv("DLC_PATH")) {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(value).split(parts, ':', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef part : parts)
      dirs.push_back(part.str());
  }
  return dirs;
}

ModuleLoader::ModuleLoader(llvm::SourceMgr &sourceMgr, DiagnosticEngine &diags,
                           SearchPath searchPath)
    : sourceMgr(sourceMgr), diags(diags), searchPath(std::move(searchPath)) {
  prelude = loadModule(
      llvm::MemoryBuffer::getMemBuffer(kPreludeSource, "<prelude>"),
      "prelude");
}

const LoadedModule *ModuleLoader::loadFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      path == "-" ? llvm::MemoryBuffer::getSTDIN()
                  : llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/true);
  if (!buffer) {
    diags.error("cannot read '" + path + "': " + buffer.getError().message());
    return nullptr;
  }
  if (path != "-" && llvm::sys::fs::is_directory(path)) {
    diags.error("'" + path + "' is a directory, not a DL file");
    return nullptr;
  }
  std::string name = llvm::sys::path::stem(path).str();
  return loadModule(std::move(*buffer), name);
}

const LoadedModule *
ModuleLoader::loadBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer) {
  std::string name = llvm::sys::path::stem(buffer->getBufferIdentifier()).str();
  return loadModule(std::move(buffer), name);
}

const LoadedModule *
ModuleLoader::loadModule(std::unique_ptr<llvm::MemoryBuffer> buffer,
                         std::string name) {
  if (buffer->getBufferSize() > kMaxSourceFileSize) {
    diags.error("'" + buffer->getBufferIdentifier() + "' is larger than " +
                llvm::Twine(kMaxSourceFileSize >> 20) + " MiB");
    return nullptr;
  }
  std::string path = buffer->getBufferIdentifier().str();
  unsigned id = sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  auto module = std::make_unique<LoadedModule>();
  module->ast = parseModule(sourceMgr, id, diags);
  if (!module->ast)
    return nullptr;
  module->path = path;
  module->name = std::move(name);
  modules.push_back(std::move(module));
  LoadedModule *loaded = modules.back().get();
  llvm::SmallString<256> real;
  if (!llvm::sys::fs::real_path(path, real)) {
    byRealPath[real] = loaded;
    loading.push_back(real.str().str());
  } else {
    loading.push_back(path);
  }
  bool ok = resolveImports(*loaded);
  loading.pop_back();
  return ok ? loaded : nullptr;
}

std::optional<std::string>
ModuleLoader::find(const ast::ImportDecl &import, llvm::StringRef fromDir,
                   std::vector<std::string> &tried) {
  llvm::SmallString<128> relative;
  for (size_t i = 0; i < import.path.size(); ++i)
    llvm::sys::path::append(relative, import.path[i]);
  relative += ".dl";
  std::vector<std::string> dirs;
  if (!fromDir.empty())
    dirs.push_back(fromDir.str());
  dirs.insert(dirs.end(), searchPath.includeDirs.begin(),
              searchPath.includeDirs.end());
  dirs.insert(dirs.end(), searchPath.envDirs.begin(),
              searchPath.envDirs.end());
  if (!searchPath.stdlibDir.empty())
    dirs.push_back(searchPath.stdlibDir);
  for (const std::string &dir : dirs) {
    llvm::SmallString<256> candidate(dir);
    llvm::sys::path::append(candidate, relative);
    tried.push_back(candidate.str().str());
    if (llvm::sys::fs::is_regular_file(candidate))
      return candidate.str().str();
  }
  return std::nullopt;
}

bool ModuleLoader::resolveImports(LoadedModule &module) {
  llvm::StringRef fromDir;
  if (module.path != "<prelude>" && module.path != "<stdin>")
    fromDir = llvm::sys::path::parent_path(module.path);
  if (fromDir.empty() && module.path != "<prelude>")
    fromDir = ".";
  for (const ast::ImportDecl &import : module.ast->imports) {
    std::string dotted = llvm::join(import.path, ".");
    std::vector<std::string> tried;
    std::optional<std::string> path = find(import, fromDir, tried);
    if (!path) {
      diags.error(import.range.Start,
                  "cannot find module '" + dotted + "'", {import.range});
      for (const std::string &t : tried)
        diags.note(llvm::SMLoc(), "looked for " + t);
      return false;
    }
    llvm::SmallString<256> real;
    if (llvm::sys::fs::real_path(*path, real))
      real = *path;
    if (llvm::is_contained(loading, real.str())) {
      std::string chain;
      auto start = llvm::find(loading, real.str());
      for (auto it = start; it != loading.end(); ++it)
        chain += llvm::sys::path::filename(*it).str() + " -> ";
      chain += llvm::sys::path::filename(real).str();
      diags.error(import.range.Start, "circular import: " + chain,
                  {import.range});
      return false;
    }
    const LoadedModule *target = nullptr;
    auto it = byRealPath.find(real);
    if (it != byRealPath.end()) {
      target = it->second;
    } else {
      auto buffer = llvm::MemoryBuffer::getFile(*path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/true);
      if (!buffer) {
        diags.error(import.range.Start, "cannot read '" + *path +
                                            "': " + buffer.getError().message());
        return false;
      }
      target = loadModule(std::move(*buffer), import.path.back());
      if (!target)
        return false;
    }
    module.imports.push_back({target, import.alias, &import});
  }
  return true;
}
