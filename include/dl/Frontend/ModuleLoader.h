//===- ModuleLoader.h - reading DL files and their imports ------*- C++ -*-===//
//
// `import a.b` names the file `a/b.dl`, looked up in order in
//   1. the folder of the importing file,
//   2. the folders given with -I, in order,
//   3. the folders in the DLC_PATH environment variable (':'-separated),
//   4. the standard library folder (stdlib/).
// Each file is read and parsed once; an import cycle is an error. The
// prelude (stdlib/prelude.dl, compiled into the tools) is loaded first and
// its definitions are visible everywhere.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_MODULELOADER_H
#define DL_FRONTEND_MODULELOADER_H

#include "dl/Frontend/AST.h"
#include "dl/Frontend/Diagnostics.h"

#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>
#include <vector>

namespace dl {

/// Files larger than this are rejected before parsing.
constexpr size_t kMaxSourceFileSize = 64 << 20;

struct LoadedModule {
  std::unique_ptr<ast::Module> ast;
  std::string path;   // as opened
  std::string name;   // "nn" for nn.dl; "prelude" for the prelude
  struct Import {
    const LoadedModule *module;
    std::string alias; // empty: names visible unqualified and as `name.x`
    const ast::ImportDecl *decl;
  };
  std::vector<Import> imports;
};

struct SearchPath {
  std::vector<std::string> includeDirs; // -I
  std::vector<std::string> envDirs;     // DLC_PATH
  std::string stdlibDir;

  /// DLC_PATH split into folders.
  static std::vector<std::string> fromEnvironment();
};

class ModuleLoader {
public:
  ModuleLoader(llvm::SourceMgr &sourceMgr, DiagnosticEngine &diags,
               SearchPath searchPath);

  /// Loads the main file (or "-" for standard input) and its imports.
  const LoadedModule *loadFile(llvm::StringRef path);
  /// Loads source text under a given name (the REPL, tests).
  const LoadedModule *loadBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer);
  /// The prelude, loaded on construction (null if it failed to parse).
  const LoadedModule *getPrelude() const { return prelude; }

private:
  const LoadedModule *loadModule(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                 std::string name);
  bool resolveImports(LoadedModule &module);
  std::optional<std::string> find(const ast::ImportDecl &import,
                                  llvm::StringRef fromDir,
                                  std::vector<std::string> &tried);

  llvm::SourceMgr &sourceMgr;
  DiagnosticEngine &diags;
  SearchPath searchPath;
  std::vector<std::unique_ptr<LoadedModule>> modules;
  llvm::StringMap<LoadedModule *> byRealPath;
  std::vector<std::string> loading; // real paths on the import stack
  const LoadedModule *prelude = nullptr;
};

} // namespace dl

#endif // DL_FRONTEND_MODULELOADER_H
