//===- Lexer.h - tokens of the DL language ----------------------*- C++ -*-===//
#ifndef DL_FRONTEND_LEXER_H
#define DL_FRONTEND_LEXER_H

#include "dl/Frontend/Diagnostics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <string>

namespace dl {

enum class TokenKind {
  Eof,
  Error,
  Identifier,
  Integer,
  Float,
  String,
  DocComment, // `/// text`, one line
  // Keywords.
  KwFn, KwModel, KwParam, KwState, KwLet, KwReturn, KwFor, KwIf,
  KwElse, KwImport, KwAs, KwTrue, KwFalse, KwNone, KwAnd, KwOr, KwNot,
  // Punctuation.
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Colon,
  Semicolon, Dot, DotDot, Ellipsis, Arrow, Assign, Question,
  // Operators.
  Plus, Minus, Star, Slash, Percent, At, StarStar, EqEq, NotEq,
  Less, LessEq, Greater, GreaterEq,
};

/// The spelling of a token kind for messages: "'('", "identifier", ...
llvm::StringRef spell(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::Eof;
  llvm::StringRef text; // the token's characters in the source buffer
  /// True when a line break separates this token from the previous one.
  /// Calls and indexing do not continue across lines.
  bool atLineStart = false;
  int64_t intValue = 0;
  double floatValue = 0;
  std::string stringValue; // decoded string literal or doc comment text

  bool is(TokenKind k) const { return kind == k; }
  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(text.data()); }
  llvm::SMLoc endLoc() const {
    return llvm::SMLoc::getFromPointer(text.data() + text.size());
  }
  llvm::SMRange range() const { return {loc(), endLoc()}; }
};

/// Turns one source buffer into tokens. Reports lexical errors (invalid
/// UTF-8, stray characters, unterminated strings and comments, literals out
/// of range) and returns an Error token, after which the parser stops.
class Lexer {
public:
  Lexer(llvm::StringRef buffer, DiagnosticEngine &diags)
      : buffer(buffer), cur(buffer.begin()), diags(diags) {}

  Token next();

private:
  Token make(TokenKind kind, const char *start);
  Token lexIdentifier(const char *start);
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  Token error(const char *at, const llvm::Twine &message);
  /// Skips whitespace and comments; returns a doc comment token if one is
  /// found, sets sawNewline when a line break was skipped.
  bool skipTrivia(Token &doc);
  /// Validates one UTF-8 sequence at `p`; returns its length or 0.
  unsigned utf8Length(const char *p) const;

  llvm::StringRef buffer;
  const char *cur;
  DiagnosticEngine &diags;
  bool sawNewline = true;
};

} // namespace dl

#endif // DL_FRONTEND_LEXER_H
