//===- NameCheck.h - names and duplicates, before elaboration ---*- C++ -*-===//
#ifndef DL_FRONTEND_NAMECHECK_H
#define DL_FRONTEND_NAMECHECK_H

#include "dl/Frontend/ModuleLoader.h"

namespace dl {

/// Reports every unknown name and duplicate definition in `module`, in
/// code that elaboration may never reach. Returns false after errors.
bool checkNames(const LoadedModule &module, const LoadedModule *prelude,
                DiagnosticEngine &diags);

} // namespace dl

#endif // DL_FRONTEND_NAMECHECK_H
