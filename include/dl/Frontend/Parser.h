//===- Parser.h - parser of the DL language ---------------------*- C++ -*-===//
#ifndef DL_FRONTEND_PARSER_H
#define DL_FRONTEND_PARSER_H

#include "dl/Frontend/AST.h"
#include "dl/Frontend/Diagnostics.h"

#include <memory>

namespace dl {

/// Nesting deeper than this (parentheses, brackets, blocks, chains of
/// binary operators) is a "nesting too deep" error rather than a risk of
/// overflowing the stack.
constexpr unsigned kMaxNesting = 256;

/// Parses the source buffer `bufferId` of `sourceMgr`. Returns null after
/// reporting the first syntax error.
std::unique_ptr<ast::Module> parseModule(llvm::SourceMgr &sourceMgr,
                                         unsigned bufferId,
                                         DiagnosticEngine &diags);

} // namespace dl

#endif // DL_FRONTEND_PARSER_H
