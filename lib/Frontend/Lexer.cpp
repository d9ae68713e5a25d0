//===- Lexer.cpp - tokens of the DL language ------------------------------===//

#include "dl/Frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace dl;
using llvm::StringRef;

StringRef dl::spell(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof: return "end of file";
  case TokenKind::Error: return "invalid token";
  case TokenKind::Identifier: return "identifier";
  case TokenKind::Integer: return "integer";
  case TokenKind::Float: return "number";
  case TokenKind::String: return "string";
  case TokenKind::DocComment: return "doc comment";
  case TokenKind::KwFn: return "'fn'";
  case TokenKind::KwModel: return "'model'";
  case TokenKind::KwParam: return "'param'";
  case TokenKind::KwState: return "'state'";
  case TokenKind::KwLet: return "'let'";
  case TokenKind::KwReturn: return "'return'";
  case TokenKind::KwFor: return "'for'";
  case TokenKind::KwIf: return "'if'";
  case TokenKind::KwElse: return "'else'";
  case TokenKind::KwImport: return "'import'";
  case TokenKind::KwAs: return "'as'";
  case TokenKind::KwTrue: return "'true'";
  case TokenKind::KwFalse: return "'false'";
  case TokenKind::KwNone: return "'none'";
  case TokenKind::KwAnd: return "'and'";
  case TokenKind::KwOr: return "'or'";
  case TokenKind::KwNot: return "'not'";
  case TokenKind::LParen: return "'('";
  case TokenKind::RParen: return "')'";
  case TokenKind::LBracket: return "'['";
  case TokenKind::RBracket: return "']'";
  case TokenKind::LBrace: return "'{'";
  case TokenKind::RBrace: return "'}'";
  case TokenKind::Comma: return "','";
  case TokenKind::Colon: return "':'";
  case TokenKind::Semicolon: return "';'";
  case TokenKind::Dot: return "'.'";
  case TokenKind::DotDot: return "'..'";
  case TokenKind::Ellipsis: return "'...'";
  case TokenKind::Arrow: return "'->'";
  case TokenKind::Assign: return "'='";
  case TokenKind::Question: return "'?'";
  case TokenKind::Plus: return "'+'";
  case TokenKind::Minus: return "'-'";
  case TokenKind::Star: return "'*'";
  case TokenKind::Slash: return "'/'";
  case TokenKind::Percent: return "'%'";
  case TokenKind::At: return "'@'";
  case TokenKind::StarStar: return "'**'";
  case TokenKind::EqEq: return "'=='";
  case TokenKind::NotEq: return "'!='";
  case TokenKind::Less: return "'<'";
  case TokenKind::LessEq: return "'<='";
  case TokenKind::Greater: return "'>'";
  case TokenKind::GreaterEq: return "'>='";
  }
  return "token";
}

static bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool isDigit(char c) { return c >= '0' && c <= '9'; }
static bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

Token Lexer::make(TokenKind kind, const char *start) {
  Token token;
  token.kind = kind;
  token.text = StringRef(start, cur - start);
  token.atLineStart = sawNewline;
  sawNewline = false;
  return token;
}

Token Lexer::error(const char *at, const llvm::Twine &message) {
  diags.error(llvm::SMLoc::getFromPointer(at), message);
  cur = buffer.end();
  Token token;
  token.kind = TokenKind::Error;
  token.text = StringRef(at, 0);
  return token;
}

unsigned Lexer::utf8Length(const char *p) const {
  auto byte = [&](const char *q) { return (unsigned char)*q; };
  const char *end = buffer.end();
  unsigned char c = byte(p);
  unsigned length;
  uint32_t value;
  if (c < 0x80)
    return 1;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
    value = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    value = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    value = c & 0x07;
  } else {
    return 0;
  }
  if (end - p < (ptrdiff_t)length)
    return 0;
  for (unsigned i = 1; i < length; ++i) {
    if ((byte(p + i) & 0xC0) != 0x80)
      return 0;
    value = (value << 6) | (byte(p + i) & 0x3F);
  }
  // Reject overlong encodings, surrogates and values past U+10FFFF.
  static const uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < minimum[length] || value > 0x10FFFF ||
      (value >= 0xD800 && value <= 0xDFFF))
    return 0;
  return length;
}

bool Lexer::skipTrivia(Token &doc) {
  const char *end = buffer.end();
  while (cur < end) {
    char c = *cur;
    if (c == '\n') {
      sawNewline = true;
      ++cur;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++cur;
    } else if (c == '/' && cur + 1 < end && cur[1] == '/') {
      // Line comment; `///` (but not `////`) is a doc comment.
      const char *start = cur;
      bool isDoc = cur + 2 < end && cur[2] == '/' &&
                   !(cur + 3 < end && cur[3] == '/');
      while (cur < end && *cur != '\n') {
        unsigned length = utf8Length(cur);
        if (length == 0) {
          doc = error(cur, "invalid UTF-8 in comment");
          return true;
        }
        cur += length;
      }
      if (isDoc) {
        doc = make(TokenKind::DocComment, start);
        StringRef text = doc.text.drop_front(3);
        if (text.starts_with(" "))
          text = text.drop_front();
        doc.stringValue = text.rtrim("\r").str();
        // The doc comment keeps the line-start flag of what follows.
        sawNewline = true;
        return true;
      }
    } else if (c == '/' && cur + 1 < end && cur[1] == '*') {
      // Block comment, nesting allowed.
      const char *start = cur;
      cur += 2;
      int depth = 1;
      while (depth > 0) {
        if (cur >= end) {
          doc = error(start, "unterminated block comment");
          return true;
        }
        if (*cur == '/' && cur + 1 < end && cur[1] == '*') {
          ++depth;
          cur += 2;
        } else if (*cur == '*' && cur + 1 < end && cur[1] == '/') {
          --depth;
          cur += 2;
        } else {
          if (*cur == '\n')
            sawNewline = true;
          unsigned length = utf8Length(cur);
          if (length == 0) {
            doc = error(cur, "invalid UTF-8 in comment");
            return true;
          }
          cur += length;
        }
      }
    } else {
      return false;
    }
  }
  return false;
}

Token Lexer::next() {
  Token doc;
  if (skipTrivia(doc))
    return doc;
  const char *start = cur;
  if (cur >= buffer.end())
    return make(TokenKind::Eof, start);
  char c = *cur;
  if (isIdentStart(c))
    return lexIdentifier(start);
  if (isDigit(c) || (c == '.' && cur + 1 < buffer.end() && isDigit(cur[1])))
    return lexNumber(start);
  if (c == '"')
    return lexString(start);

  auto two = [&](char second) {
    return cur + 1 < buffer.end() && cur[1] == second;
  };
  auto punct = [&](TokenKind kind, int length) {
    cur += length;
    return make(kind, start);
  };
  switch (c) {
  case '(': return punct(TokenKind::LParen, 1);
  case ')': return punct(TokenKind::RParen, 1);
  case '[': return punct(TokenKind::LBracket, 1);
  case ']': return punct(TokenKind::RBracket, 1);
  case '{': return punct(TokenKind::LBrace, 1);
  case '}': return punct(TokenKind::RBrace, 1);
  case ',': return punct(TokenKind::Comma, 1);
  case ':': return punct(TokenKind::Colon, 1);
  case ';': return punct(TokenKind::Semicolon, 1);
  case '?': return punct(TokenKind::Question, 1);
  case '@': return punct(TokenKind::At, 1);
  case '%': return punct(TokenKind::Percent, 1);
  case '+': return punct(TokenKind::Plus, 1);
  case '.':
    if (two('.')) {
      if (cur + 2 < buffer.end() && cur[2] == '.')
        return punct(TokenKind::Ellipsis, 3);
      return punct(TokenKind::DotDot, 2);
    }
    return punct(TokenKind::Dot, 1);
  case '-':
    return two('>') ? punct(TokenKind::Arrow, 2) : punct(TokenKind::Minus, 1);
  case '*':
    return two('*') ? punct(TokenKind::StarStar, 2) : punct(TokenKind::Star, 1);
  case '/':
    return punct(TokenKind::Slash, 1); // "//" and "/*" start comments
  case '=':
    return two('=') ? punct(TokenKind::EqEq, 2) : punct(TokenKind::Assign, 1);
  case '!':
    if (two('='))
      return punct(TokenKind::NotEq, 2);
    return error(cur, "unexpected character '!'; use 'not' for negation");
  case '<':
    return two('=') ? punct(TokenKind::LessEq, 2) : punct(TokenKind::Less, 1);
  case '>':
    return two('=') ? punct(TokenKind::GreaterEq, 2)
                    : punct(TokenKind::Greater, 1);
  default:
    break;
  }
  unsigned length = utf8Length(cur);
  if (length == 0)
    return error(cur, "invalid UTF-8 byte 0x" +
                          llvm::utohexstr((unsigned char)c, /*LowerCase=*/true));
  if (length == 1) {
    if ((unsigned char)c < 0x20 || c == 0x7F)
      return error(cur, "unexpected control character 0x" +
                            llvm::utohexstr((unsigned char)c, true));
    return error(cur, llvm::Twine("unexpected character '") + StringRef(cur, 1) +
                          "'");
  }
  return error(cur, "unexpected character '" + StringRef(cur, length) +
                        "' (identifiers are ASCII)");
}

Token Lexer::lexIdentifier(const char *start) {
  while (cur < buffer.end() && isIdentChar(*cur))
    ++cur;
  StringRef text(start, cur - start);
  TokenKind kind = llvm::StringSwitch<TokenKind>(text)
                       .Case("fn", TokenKind::KwFn)
                       .Case("model", TokenKind::KwModel)
                       .Case("param", TokenKind::KwParam)
                       .Case("state", TokenKind::KwState)
                       .Case("let", TokenKind::KwLet)
                       .Case("return", TokenKind::KwReturn)
                       .Case("for", TokenKind::KwFor)
                       .Case("if", TokenKind::KwIf)
                       .Case("else", TokenKind::KwElse)
                       .Case("import", TokenKind::KwImport)
                       .Case("as", TokenKind::KwAs)
                       .Case("true", TokenKind::KwTrue)
                       .Case("false", TokenKind::KwFalse)
                       .Case("none", TokenKind::KwNone)
                       .Case("and", TokenKind::KwAnd)
                       .Case("or", TokenKind::KwOr)
                       .Case("not", TokenKind::KwNot)
                       .Default(TokenKind::Identifier);
  return make(kind, start);
}

Token Lexer::lexNumber(const char *start) {
  const char *end = buffer.end();
  bool isFloat = false;
  std::string digits; // without '_' separators
  auto takeDigits = [&](bool hex) {
    bool any = false;
    while (cur < end && (isDigit(*cur) || *cur == '_' ||
                         (hex && isxdigit((unsigned char)*cur)))) {
      if (*cur != '_') {
        digits += *cur;
        any = true;
      }
      ++cur;
    }
    return any;
  };
  if (*cur == '0' && cur + 1 < end && (cur[1] == 'x' || cur[1] == 'X')) {
    cur += 2;
    if (!takeDigits(/*hex=*/true))
      return error(start, "hexadecimal literal needs digits");
    if (cur < end && isIdentChar(*cur))
      return error(cur, "invalid character in number");
    Token token = make(TokenKind::Integer, start);
    errno = 0;
    unsigned long long value = std::strtoull(digits.c_str(), nullptr, 16);
    if (errno == ERANGE || value > (unsigned long long)INT64_MAX)
      return error(start, "integer literal is too large for i64");
    token.intValue = (int64_t)value;
    return token;
  }
  takeDigits(false);
  // A '.' continues the number only when a digit follows ("1.5"), or when
  // neither '.' nor an identifier follows ("1." but not "0..4" or "x.y").
  if (cur < end && *cur == '.') {
    bool digitNext = cur + 1 < end && isDigit(cur[1]);
    bool blocked = cur + 1 < end && (cur[1] == '.' || isIdentStart(cur[1]));
    if (digitNext || !blocked) {
      isFloat = true;
      digits += '.';
      ++cur;
      takeDigits(false);
    }
  }
  if (cur < end && (*cur == 'e' || *cur == 'E')) {
    const char *e = cur;
    std::string saved = digits;
    digits += 'e';
    ++cur;
    if (cur < end && (*cur == '+' || *cur == '-'))
      digits += *cur++;
    if (!takeDigits(false)) {
      cur = e;
      digits = saved;
      return error(e, "exponent needs digits");
    }
    isFloat = true;
  }
  if (cur < end && isIdentChar(*cur))
    return error(cur, "invalid character in number");
  if (isFloat) {
    Token token = make(TokenKind::Float, start);
    errno = 0;
    double value = std::strtod(digits.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(value))
      return error(start, "floating-point literal is out of range");
    token.floatValue = value;
    return token;
  }
  Token token = make(TokenKind::Integer, start);
  errno = 0;
  unsigned long long value = std::strtoull(digits.c_str(), nullptr, 10);
  if (errno == ERANGE || value > (unsigned long long)INT64_MAX)
    return error(start, "integer literal is too large for i64");
  token.intValue = (int64_t)value;
  return token;
}

Token Lexer::lexString(const char *start) {
  const char *end = buffer.end();
  ++cur; // opening quote
  std::string value;
  while (true) {
    if (cur >= end || *cur == '\n')
      return error(start, "unterminated string literal");
    char c = *cur;
    if (c == '"')
      break;
    if (c == '\\') {
      if (cur + 1 >= end)
        return error(start, "unterminated string literal");
      char e = cur[1];
      switch (e) {
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      case '\\': value += '\\'; break;
      case '"': value += '"'; break;
      default:
        return error(cur, "unknown escape sequence in string");
      }
      cur += 2;
      continue;
    }
    unsigned length = utf8Length(cur);
    if (length == 0)
      return error(cur, "invalid UTF-8 in string");
    value.append(cur, length);
    cur += length;
  }
  ++cur; // closing quote
  Token token = make(TokenKind::String, start);
  token.stringValue = std::move(value);
  return token;
}
