//===- Parser.cpp - parser of the DL language -----------------------------===//
//
// A recursive-descent parser. The grammar is in docs/language.md. Statements
// need no terminator: a statement ends where its expression ends, and calls
// and indexing do not continue onto a new line, so
//
//   let a = f
//   (b)
//
// is two statements, not a call. `;` may separate statements on one line.
//
//===----------------------------------------------------------------------===//

#include "dl/Frontend/Parser.h"
#include "dl/Frontend/Lexer.h"

using namespace dl;
using namespace dl::ast;
using llvm::SMLoc;
using llvm::SMRange;

namespace {

class Parser {
public:
  Parser(llvm::SourceMgr &sourceMgr, unsigned bufferId,
         DiagnosticEngine &diags)
      : lexer(sourceMgr.getMemoryBuffer(bufferId)->getBuffer(), diags),
        diags(diags) {
    advance();
  }

  std::unique_ptr<Module> parseModule();

private:
  // Tokens.
  void advance();
  /// The token after `tok`.
  const Token &peek();
  Token lexSkippingDocs(std::string &docs);
  bool at(TokenKind kind) const { return tok.kind == kind; }
  bool consumeIf(TokenKind kind) {
    if (!at(kind))
      return false;
    advance();
    return true;
  }
  bool expect(TokenKind kind, llvm::StringRef context);
  /// `in` of a loop: a contextual keyword, so that `in` can name things
  /// (`model Dense(in: int, out: int)`).
  bool expectIn() {
    if (at(TokenKind::Identifier) && tok.text == "in") {
      advance();
      return true;
    }
    return failHere("expected 'in' after the loop variable");
  }
  bool fail(SMLoc loc, const llvm::Twine &message) {
    if (!failed)
      diags.error(loc, message);
    failed = true;
    return false;
  }
  bool failHere(const llvm::Twine &message) {
    if (at(TokenKind::Error)) // the lexer reported it already
      return failed = true, false;
    return fail(tok.loc(), message);
  }
  SMRange rangeFrom(SMLoc start) const { return {start, prevEnd}; }
  std::string takeDoc() { return std::move(doc); }

  /// Counts nesting; fails once deeper than kMaxNesting.
  struct Nest {
    Parser &p;
    bool ok;
    Nest(Parser &p, SMLoc loc) : p(p), ok(++p.depth <= kMaxNesting) {
      if (!ok)
        p.fail(loc, "nesting too deep (the limit is " +
                        llvm::Twine(kMaxNesting) + " levels)");
    }
    ~Nest() { --p.depth; }
  };

  // Declarations.
  bool parseImport(Module &module);
  std::unique_ptr<FnDecl> parseFn(std::string doc);
  std::unique_ptr<ModelDecl> parseModel(std::string doc, bool isTrain = false);
  std::unique_ptr<GlobalDecl> parseGlobal(std::string doc);
  bool parseParams(std::vector<Param> &params, TokenKind close);
  /// The identifier a declaration names, or a failure saying `message`.
  bool parseName(std::string &name, SMRange &range, const llvm::Twine &message);
  std::optional<TypeExpr> parseType();

  // Statements.
  bool parseBlock(Block &block);
  StmtPtr parseStmt();
  bool parseIndexItems(std::vector<IndexItem> &items);

  // Expressions.
  ExprPtr parseExpr();
  ExprPtr parseBinary(int minPrecedence);
  ExprPtr parseUnary();
  ExprPtr parsePower();
  ExprPtr parsePostfix();
  ExprPtr parsePrimary();
  ExprPtr parseBracket();

  Lexer lexer;
  DiagnosticEngine &diags;
  Token tok;
  std::optional<Token> lookahead;
  std::string lookaheadDoc;
  SMLoc prevEnd;
  std::string doc; // doc comments right before `tok`
  unsigned depth = 0;
  bool failed = false;
};

} // namespace

Token Parser::lexSkippingDocs(std::string &docs) {
  docs.clear();
  Token next = lexer.next();
  while (next.is(TokenKind::DocComment)) {
    if (!docs.empty())
      docs += '\n';
    docs += next.stringValue;
    next = lexer.next();
  }
  return next;
}

void Parser::advance() {
  prevEnd = tok.endLoc();
  if (lookahead) {
    tok = std::move(*lookahead);
    doc = std::move(lookaheadDoc);
    lookahead.reset();
  } else {
    tok = lexSkippingDocs(doc);
  }
  if (tok.is(TokenKind::Error))
    failed = true;
}

const Token &Parser::peek() {
  if (!lookahead)
    lookahead = lexSkippingDocs(lookaheadDoc);
  return *lookahead;
}

bool Parser::expect(TokenKind kind, llvm::StringRef context) {
  if (consumeIf(kind))
    return true;
  return failHere("expected " + spell(kind) + " " + context + ", found " +
                  (at(TokenKind::Eof) ? std::string("end of file")
                                      : "'" + tok.text.str() + "'"));
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

std::unique_ptr<Module> Parser::parseModule() {
  auto module = std::make_unique<Module>();
  while (!failed && !at(TokenKind::Eof)) {
    if (consumeIf(TokenKind::Semicolon))
      continue;
    std::string declDoc = takeDoc();
    if (at(TokenKind::KwImport)) {
      if (!parseImport(*module))
        break;
    } else if (at(TokenKind::KwFn)) {
      auto fn = parseFn(std::move(declDoc));
      if (!fn)
        break;
      module->order.push_back(
          {Module::Item::Kind::Function, module->functions.size()});
      module->functions.push_back(std::move(fn));
    } else if (at(TokenKind::KwModel)) {
      auto model = parseModel(std::move(declDoc));
      if (!model)
        break;
      module->order.push_back({Module::Item::Kind::Model,
                               module->models.size()});
      module->models.push_back(std::move(model));
    } else if (at(TokenKind::Identifier) && tok.text == "train" &&
               peek().is(TokenKind::Identifier)) {
      // `train` is a keyword only here, so that it stays a usable name.
      auto train = parseModel(std::move(declDoc), /*isTrain=*/true);
      if (!train)
        break;
      module->order.push_back({Module::Item::Kind::Train,
                               module->trains.size()});
      module->trains.push_back(std::move(train));
    } else if (at(TokenKind::KwLet)) {
      auto global = parseGlobal(std::move(declDoc));
      if (!global)
        break;
      module->order.push_back({Module::Item::Kind::Global,
                               module->globals.size()});
      module->globals.push_back(std::move(global));
    } else {
      failHere("expected a declaration ('fn', 'model', 'let', 'train' or "
               "'import')");
    }
  }
  if (failed)
    return nullptr;
  return module;
}

bool Parser::parseImport(Module &module) {
  SMLoc start = tok.loc();
  advance(); // import
  ImportDecl import;
  do {
    if (!at(TokenKind::Identifier))
      return failHere("expected a module name after 'import'");
    import.path.push_back(tok.text.str());
    advance();
  } while (consumeIf(TokenKind::Dot));
  if (consumeIf(TokenKind::KwAs)) {
    if (!at(TokenKind::Identifier))
      return failHere("expected a name after 'as'");
    import.alias = tok.text.str();
    advance();
  }
  import.range = rangeFrom(start);
  module.imports.push_back(std::move(import));
  return true;
}

bool Parser::parseName(std::string &name, SMRange &range,
                       const llvm::Twine &message) {
  if (!at(TokenKind::Identifier))
    return failHere(message);
  name = tok.text.str();
  range = tok.range();
  advance();
  return true;
}

std::unique_ptr<FnDecl> Parser::parseFn(std::string fnDoc) {
  auto fn = std::make_unique<FnDecl>();
  fn->loc = tok.loc();
  fn->doc = std::move(fnDoc);
  advance(); // fn
  if (!parseName(fn->name, fn->nameRange,
                 "expected a function name after 'fn'"))
    return nullptr;
  if (!expect(TokenKind::LParen, "after the function name") ||
      !parseParams(fn->params, TokenKind::RParen))
    return nullptr;
  if (consumeIf(TokenKind::Arrow)) {
    fn->results.emplace();
    if (consumeIf(TokenKind::LParen)) {
      do {
        auto type = parseType();
        if (!type)
          return nullptr;
        fn->results->push_back(std::move(*type));
      } while (consumeIf(TokenKind::Comma));
      if (!expect(TokenKind::RParen, "after the result types"))
        return nullptr;
    } else {
      auto type = parseType();
      if (!type)
        return nullptr;
      fn->results->push_back(std::move(*type));
    }
  }
  if (!parseBlock(fn->body))
    return nullptr;
  fn->endLoc = SMLoc::getFromPointer(prevEnd.getPointer() - 1);
  return fn;
}

bool Parser::parseParams(std::vector<Param> &params, TokenKind close) {
  while (!at(close)) {
    Param param;
    param.doc = takeDoc();
    if (!at(TokenKind::Identifier))
      return failHere("expected a parameter name");
    SMLoc start = tok.loc();
    param.name = tok.text.str();
    advance();
    if (consumeIf(TokenKind::Colon)) {
      param.type = parseType();
      if (!param.type)
        return false;
    }
    if (consumeIf(TokenKind::Assign)) {
      param.defaultValue = parseExpr();
      if (!param.defaultValue)
        return false;
    }
    param.range = rangeFrom(start);
    params.push_back(std::move(param));
    if (!consumeIf(TokenKind::Comma))
      break;
  }
  return expect(close, "to close the parameter list");
}

std::optional<TypeExpr> Parser::parseType() {
  TypeExpr type;
  SMLoc start = tok.loc();
  if (!at(TokenKind::Identifier)) {
    failHere("expected a type");
    return std::nullopt;
  }
  llvm::StringRef name = tok.text;
  if (name == "int")
    type.kind = TypeExpr::Kind::Int;
  else if (name == "float")
    type.kind = TypeExpr::Kind::Float;
  else if (name == "str")
    type.kind = TypeExpr::Kind::Str;
  else if (name == "tensor")
    type.kind = TypeExpr::Kind::AnyTensor;
  else if (name == "f32" || name == "f64" || name == "i32" || name == "i64" ||
           name == "bool") {
    type.kind = TypeExpr::Kind::Tensor;
    type.dtype = name.str();
  } else {
    failHere("unknown type '" + name +
             "' (expected f32, f64, i32, i64, bool, tensor, int, float or str)");
    return std::nullopt;
  }
  advance();
  bool hasShape = at(TokenKind::LBracket) && !tok.atLineStart;
  // `bool` alone is a compile-time bool; `bool[...]` a tensor of booleans.
  if (type.kind == TypeExpr::Kind::Tensor && type.dtype == "bool" &&
      !hasShape)
    type.kind = TypeExpr::Kind::Bool;
  if (type.kind == TypeExpr::Kind::Tensor && hasShape) {
    Nest nest(*this, tok.loc());
    if (!nest.ok)
      return std::nullopt;
    advance();
    if (consumeIf(TokenKind::Ellipsis)) {
      type.anyShape = true;
    } else {
      while (!at(TokenKind::RBracket)) {
        if (consumeIf(TokenKind::Question)) {
          type.dims.push_back(nullptr);
        } else {
          ExprPtr dim = parseExpr();
          if (!dim)
            return std::nullopt;
          type.dims.push_back(std::move(dim));
        }
        if (!consumeIf(TokenKind::Comma))
          break;
      }
    }
    if (!expect(TokenKind::RBracket, "to close the shape"))
      return std::nullopt;
  }
  type.range = rangeFrom(start);
  return type;
}

std::unique_ptr<ModelDecl> Parser::parseModel(std::string modelDoc,
                                              bool isTrain) {
  auto model = std::make_unique<ModelDecl>();
  model->doc = std::move(modelDoc);
  model->isTrain = isTrain;
  llvm::StringRef what = isTrain ? "train block" : "model";
  advance(); // model, train
  if (!parseName(model->name, model->nameRange,
                 "expected a " + what + " name after '" +
                     (isTrain ? "train" : "model") + "'"))
    return nullptr;
  if (isTrain && at(TokenKind::LParen)) {
    failHere("a train block takes no arguments");
    return nullptr;
  }
  if (consumeIf(TokenKind::LParen) &&
      !parseParams(model->params, TokenKind::RParen))
    return nullptr;
  Nest nest(*this, tok.loc());
  if (!nest.ok ||
      !expect(TokenKind::LBrace, "to begin the " + what.str() + " body"))
    return nullptr;
  while (!failed && !at(TokenKind::RBrace)) {
    if (consumeIf(TokenKind::Semicolon))
      continue;
    Member member;
    member.doc = takeDoc();
    if (at(TokenKind::KwFn)) {
      member.kind = Member::Kind::Method;
      member.method = parseFn(member.doc);
      if (!member.method)
        return nullptr;
      member.name = member.method->name;
      member.nameRange = member.method->nameRange;
    } else if (isTrain && (at(TokenKind::KwParam) || at(TokenKind::KwState))) {
      failHere("a train block has no parameters or state: declare them in a "
               "model");
      return nullptr;
    } else if (at(TokenKind::KwParam) || at(TokenKind::KwState)) {
      member.kind = at(TokenKind::KwParam) ? Member::Kind::Param
                                           : Member::Kind::State;
      llvm::StringRef what = at(TokenKind::KwParam) ? "param" : "state";
      advance();
      if (!parseName(member.name, member.nameRange,
                     "expected a name after '" + what + "'"))
        return nullptr;
      if (!expect(TokenKind::Colon, "and a type after the " + what.str() +
                                        " name"))
        return nullptr;
      member.type = parseType();
      if (!member.type)
        return nullptr;
      if (consumeIf(TokenKind::Assign)) {
        member.value = parseExpr();
        if (!member.value)
          return nullptr;
      }
    } else if (at(TokenKind::Identifier) || at(TokenKind::KwLet)) {
      consumeIf(TokenKind::KwLet);
      member.kind = Member::Kind::Field;
      if (!parseName(member.name, member.nameRange, "expected a field name"))
        return nullptr;
      if (!expect(TokenKind::Assign, "after the field name"))
        return nullptr;
      member.value = parseExpr();
      if (!member.value)
        return nullptr;
    } else {
      failHere(isTrain ? "expected a setting ('name = value') or a function "
                         "('fn')"
                       : "expected a model member ('param', 'state', 'fn' or "
                         "'name = value')");
      return nullptr;
    }
    model->members.push_back(std::move(member));
  }
  if (!expect(TokenKind::RBrace, "to end the " + what.str() + " body"))
    return nullptr;
  return model;
}

std::unique_ptr<GlobalDecl> Parser::parseGlobal(std::string globalDoc) {
  auto global = std::make_unique<GlobalDecl>();
  global->doc = std::move(globalDoc);
  advance(); // let
  if (!parseName(global->name, global->nameRange,
                 "expected a name after 'let'"))
    return nullptr;
  if (consumeIf(TokenKind::Colon)) {
    global->type = parseType();
    if (!global->type)
      return nullptr;
  }
  if (!expect(TokenKind::Assign, "after the name"))
    return nullptr;
  global->value = parseExpr();
  if (!global->value)
    return nullptr;
  return global;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

bool Parser::parseBlock(Block &block) {
  Nest nest(*this, tok.loc());
  if (!nest.ok || !expect(TokenKind::LBrace, "to begin a block"))
    return false;
  while (!failed && !at(TokenKind::RBrace)) {
    if (consumeIf(TokenKind::Semicolon))
      continue;
    if (at(TokenKind::Eof))
      return failHere("expected '}' to end the block");
    StmtPtr stmt = parseStmt();
    if (!stmt)
      return false;
    block.push_back(std::move(stmt));
  }
  return expect(TokenKind::RBrace, "to end the block");
}

StmtPtr Parser::parseStmt() {
  SMLoc start = tok.loc();
  if (consumeIf(TokenKind::KwLet)) {
    std::vector<Binding> names;
    bool parenthesized = consumeIf(TokenKind::LParen);
    do {
      if (!at(TokenKind::Identifier))
        return failHere("expected a name to bind"), nullptr;
      names.push_back({tok.text.str(), tok.loc()});
      advance();
    } while (consumeIf(TokenKind::Comma));
    if (parenthesized && !expect(TokenKind::RParen, "after the names"))
      return nullptr;
    std::optional<TypeExpr> type;
    if (consumeIf(TokenKind::Colon)) {
      type = parseType();
      if (!type)
        return nullptr;
    }
    if (!expect(TokenKind::Assign, "in 'let'"))
      return nullptr;
    ExprPtr value = parseExpr();
    if (!value)
      return nullptr;
    auto let = std::make_unique<LetStmt>(rangeFrom(start));
    let->names = std::move(names);
    let->type = std::move(type);
    let->value = std::move(value);
    return let;
  }
  if (consumeIf(TokenKind::KwReturn)) {
    std::vector<ExprPtr> values;
    if (!at(TokenKind::RBrace) && !at(TokenKind::Semicolon) &&
        !tok.atLineStart) {
      do {
        ExprPtr value = parseExpr();
        if (!value)
          return nullptr;
        values.push_back(std::move(value));
      } while (consumeIf(TokenKind::Comma));
    }
    auto ret = std::make_unique<ReturnStmt>(rangeFrom(start));
    ret->values = std::move(values);
    return ret;
  }
  if (consumeIf(TokenKind::KwFor)) {
    if (!at(TokenKind::Identifier))
      return failHere("expected a loop variable after 'for'"), nullptr;
    Binding var{tok.text.str(), tok.loc()};
    advance();
    if (!expectIn())
      return nullptr;
    ExprPtr iterable = parseExpr();
    if (!iterable)
      return nullptr;
    Block body;
    if (!parseBlock(body))
      return nullptr;
    auto loop = std::make_unique<ForStmt>(rangeFrom(start));
    loop->var = std::move(var);
    loop->iterable = std::move(iterable);
    loop->body = std::move(body);
    return loop;
  }
  if (consumeIf(TokenKind::KwIf)) {
    ExprPtr condition = parseExpr();
    if (!condition)
      return nullptr;
    Block thenBlock, elseBlock;
    if (!parseBlock(thenBlock))
      return nullptr;
    bool hasElse = false;
    if (consumeIf(TokenKind::KwElse)) {
      hasElse = true;
      if (at(TokenKind::KwIf)) {
        Nest nest(*this, tok.loc());
        if (!nest.ok)
          return nullptr;
        StmtPtr nested = parseStmt();
        if (!nested)
          return nullptr;
        elseBlock.push_back(std::move(nested));
      } else if (!parseBlock(elseBlock)) {
        return nullptr;
      }
    }
    auto branch = std::make_unique<IfStmt>(rangeFrom(start));
    branch->condition = std::move(condition);
    branch->thenBlock = std::move(thenBlock);
    branch->elseBlock = std::move(elseBlock);
    branch->hasElse = hasElse;
    return branch;
  }
  // `name = value` or `name[...] = value`.
  if (at(TokenKind::Identifier) &&
      (peek().is(TokenKind::Assign) ||
       (peek().is(TokenKind::LBracket) && !peek().atLineStart))) {
    Binding target{tok.text.str(), tok.loc()};
    advance();
    std::vector<IndexItem> index;
    if (at(TokenKind::LBracket) && !parseIndexItems(index))
      return nullptr;
    if (!expect(TokenKind::Assign, "in the assignment"))
      return nullptr;
    ExprPtr value = parseExpr();
    if (!value)
      return nullptr;
    auto assign = std::make_unique<AssignStmt>(rangeFrom(start));
    assign->target = std::move(target);
    assign->index = std::move(index);
    assign->value = std::move(value);
    return assign;
  }
  // A call evaluated for its effect; any other expression has none. Or
  // `a.b.w = value`.
  ExprPtr value = parseExpr();
  if (!value)
    return nullptr;
  if (at(TokenKind::Assign) && llvm::isa<MemberExpr>(value.get())) {
    std::vector<Binding> members;
    const Expr *e = value.get();
    while (auto *member = llvm::dyn_cast<MemberExpr>(e)) {
      members.insert(members.begin(), {member->member, member->memberLoc});
      e = member->base.get();
    }
    auto *root = llvm::dyn_cast<NameExpr>(e);
    if (!root) {
      fail(start, "only a name or a model's parameter ('a.b.w') can be "
                  "assigned");
      return nullptr;
    }
    Binding target{root->name, root->getLoc()};
    advance(); // =
    ExprPtr assigned = parseExpr();
    if (!assigned)
      return nullptr;
    auto assign = std::make_unique<AssignStmt>(rangeFrom(start));
    assign->target = std::move(target);
    assign->members = std::move(members);
    assign->value = std::move(assigned);
    return assign;
  }
  if (!llvm::isa<CallExpr>(value.get())) {
    fail(start, "expected a statement ('let', 'return', 'for', 'if' or an "
                "assignment); an expression alone has no effect");
    return nullptr;
  }
  auto stmt = std::make_unique<ExprStmt>(rangeFrom(start));
  stmt->value = std::move(value);
  return stmt;
}

bool Parser::parseIndexItems(std::vector<IndexItem> &items) {
  Nest nest(*this, tok.loc());
  if (!nest.ok)
    return false;
  advance(); // [
  while (!at(TokenKind::RBracket)) {
    IndexItem item;
    SMLoc start = tok.loc();
    if (consumeIf(TokenKind::Ellipsis)) {
      item.kind = IndexItem::Kind::Ellipsis;
    } else if (at(TokenKind::KwNone)) {
      advance();
      item.kind = IndexItem::Kind::NewAxis;
    } else {
      if (!at(TokenKind::Colon)) {
        item.index = parseExpr();
        if (!item.index)
          return false;
      }
      if (consumeIf(TokenKind::Colon)) {
        item.kind = IndexItem::Kind::Slice;
        item.start = std::move(item.index);
        auto endsPart = [&]() {
          return at(TokenKind::Colon) || at(TokenKind::Comma) ||
                 at(TokenKind::RBracket);
        };
        if (!endsPart()) {
          item.stop = parseExpr();
          if (!item.stop)
            return false;
        }
        if (consumeIf(TokenKind::Colon) && !endsPart()) {
          item.step = parseExpr();
          if (!item.step)
            return false;
        }
      }
    }
    item.range = rangeFrom(start);
    items.push_back(std::move(item));
    if (!consumeIf(TokenKind::Comma))
      break;
  }
  return expect(TokenKind::RBracket, "to close the index");
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

namespace {
struct BinaryInfo {
  BinaryOp op;
  int precedence;
};
} // namespace

static std::optional<BinaryInfo> binaryInfo(TokenKind kind) {
  switch (kind) {
  case TokenKind::KwOr: return BinaryInfo{BinaryOp::Or, 1};
  case TokenKind::KwAnd: return BinaryInfo{BinaryOp::And, 2};
  case TokenKind::EqEq: return BinaryInfo{BinaryOp::Eq, 4};
  case TokenKind::NotEq: return BinaryInfo{BinaryOp::Ne, 4};
  case TokenKind::Less: return BinaryInfo{BinaryOp::Lt, 4};
  case TokenKind::LessEq: return BinaryInfo{BinaryOp::Le, 4};
  case TokenKind::Greater: return BinaryInfo{BinaryOp::Gt, 4};
  case TokenKind::GreaterEq: return BinaryInfo{BinaryOp::Ge, 4};
  case TokenKind::Plus: return BinaryInfo{BinaryOp::Add, 6};
  case TokenKind::Minus: return BinaryInfo{BinaryOp::Sub, 6};
  case TokenKind::Star: return BinaryInfo{BinaryOp::Mul, 7};
  case TokenKind::Slash: return BinaryInfo{BinaryOp::Div, 7};
  case TokenKind::Percent: return BinaryInfo{BinaryOp::Mod, 7};
  case TokenKind::At: return BinaryInfo{BinaryOp::MatMul, 7};
  default: return std::nullopt;
  }
}

static constexpr int kNotPrecedence = 3;
static constexpr int kComparePrecedence = 4;
static constexpr int kRangePrecedence = 5;

ExprPtr Parser::parseExpr() { return parseBinary(1); }

ExprPtr Parser::parseBinary(int minPrecedence) {
  SMLoc start = tok.loc();
  ExprPtr lhs;
  if (minPrecedence <= kNotPrecedence && at(TokenKind::KwNot)) {
    SMLoc opLoc = tok.loc();
    advance();
    Nest nest(*this, opLoc);
    if (!nest.ok)
      return nullptr;
    ExprPtr operand = parseBinary(kNotPrecedence);
    if (!operand)
      return nullptr;
    lhs = std::make_unique<UnaryExpr>(rangeFrom(start), UnaryOp::Not,
                                      std::move(operand), opLoc);
  } else {
    lhs = parseUnary();
  }
  if (!lhs)
    return nullptr;
  unsigned chain = 0;
  while (true) {
    // `a..b`
    if (at(TokenKind::DotDot) && kRangePrecedence >= minPrecedence) {
      advance();
      ExprPtr end = parseBinary(kRangePrecedence + 1);
      if (!end)
        return nullptr;
      lhs = std::make_unique<RangeExpr>(rangeFrom(start), std::move(lhs),
                                        std::move(end));
      continue;
    }
    std::optional<BinaryInfo> info = binaryInfo(tok.kind);
    if (!info || info->precedence < minPrecedence)
      break;
    if (++chain + depth > kMaxNesting) {
      fail(tok.loc(), "expression too deeply nested (the limit is " +
                          llvm::Twine(kMaxNesting) + " levels)");
      return nullptr;
    }
    SMLoc opLoc = tok.loc();
    advance();
    Nest nest(*this, opLoc);
    if (!nest.ok)
      return nullptr;
    ExprPtr rhs = parseBinary(info->precedence + 1);
    if (!rhs)
      return nullptr;
    if (info->precedence == kComparePrecedence) {
      if (auto next = binaryInfo(tok.kind);
          next && next->precedence == kComparePrecedence) {
        fail(tok.loc(), "comparisons do not chain; write (a < b) and "
                        "(b < c)");
        return nullptr;
      }
    }
    lhs = std::make_unique<BinaryExpr>(rangeFrom(start), info->op,
                                       std::move(lhs), std::move(rhs), opLoc);
  }
  return lhs;
}

ExprPtr Parser::parseUnary() {
  if (at(TokenKind::Minus) || at(TokenKind::Plus)) {
    SMLoc start = tok.loc();
    UnaryOp op = at(TokenKind::Minus) ? UnaryOp::Neg : UnaryOp::Plus;
    advance();
    Nest nest(*this, start);
    if (!nest.ok)
      return nullptr;
    ExprPtr operand = parseUnary();
    if (!operand)
      return nullptr;
    return std::make_unique<UnaryExpr>(rangeFrom(start), op,
                                       std::move(operand), start);
  }
  if (at(TokenKind::KwNot)) {
    SMLoc start = tok.loc();
    advance();
    Nest nest(*this, start);
    if (!nest.ok)
      return nullptr;
    ExprPtr operand = parseUnary();
    if (!operand)
      return nullptr;
    return std::make_unique<UnaryExpr>(rangeFrom(start), UnaryOp::Not,
                                       std::move(operand), start);
  }
  return parsePower();
}

ExprPtr Parser::parsePower() {
  SMLoc start = tok.loc();
  ExprPtr base = parsePostfix();
  if (!base)
    return nullptr;
  if (!at(TokenKind::StarStar))
    return base;
  SMLoc opLoc = tok.loc();
  advance();
  Nest nest(*this, opLoc);
  if (!nest.ok)
    return nullptr;
  // Right-associative; the exponent may carry a sign: 2 ** -1.
  ExprPtr exponent = parseUnary();
  if (!exponent)
    return nullptr;
  return std::make_unique<BinaryExpr>(rangeFrom(start), BinaryOp::Pow,
                                      std::move(base), std::move(exponent),
                                      opLoc);
}

ExprPtr Parser::parsePostfix() {
  SMLoc start = tok.loc();
  ExprPtr expr = parsePrimary();
  if (!expr)
    return nullptr;
  unsigned chain = 0;
  while (true) {
    bool sameLine = !tok.atLineStart;
    if ((at(TokenKind::LParen) || at(TokenKind::LBracket) ||
         at(TokenKind::Dot)) &&
        ++chain + depth > kMaxNesting) {
      fail(tok.loc(), "expression too deeply nested (the limit is " +
                          llvm::Twine(kMaxNesting) + " levels)");
      return nullptr;
    }
    if (at(TokenKind::LParen) && sameLine) {
      Nest nest(*this, tok.loc());
      if (!nest.ok)
        return nullptr;
      advance();
      std::vector<Argument> args;
      while (!at(TokenKind::RParen)) {
        Argument arg;
        if (at(TokenKind::Identifier) && peek().is(TokenKind::Assign)) {
          arg.name = tok.text.str();
          arg.nameLoc = tok.loc();
          advance(); // name
          advance(); // =
        }
        arg.value = parseExpr();
        if (!arg.value)
          return nullptr;
        args.push_back(std::move(arg));
        if (!consumeIf(TokenKind::Comma))
          break;
      }
      if (!expect(TokenKind::RParen, "to close the argument list"))
        return nullptr;
      expr = std::make_unique<CallExpr>(rangeFrom(start), std::move(expr),
                                        std::move(args));
    } else if (at(TokenKind::LBracket) && sameLine) {
      std::vector<IndexItem> items;
      if (!parseIndexItems(items))
        return nullptr;
      expr = std::make_unique<IndexExpr>(rangeFrom(start), std::move(expr),
                                         std::move(items));
    } else if (at(TokenKind::Dot)) {
      advance();
      if (!at(TokenKind::Identifier) && !at(TokenKind::Integer))
        return failHere("expected a member name after '.'"), nullptr;
      std::string member = tok.text.str();
      SMLoc memberLoc = tok.loc();
      advance();
      expr = std::make_unique<MemberExpr>(rangeFrom(start), std::move(expr),
                                          std::move(member), memberLoc);
    } else {
      break;
    }
  }
  return expr;
}

ExprPtr Parser::parsePrimary() {
  SMLoc start = tok.loc();
  switch (tok.kind) {
  case TokenKind::Integer: {
    auto e = std::make_unique<IntExpr>(tok.range(), tok.intValue);
    advance();
    return e;
  }
  case TokenKind::Float: {
    auto e = std::make_unique<FloatExpr>(tok.range(), tok.floatValue);
    advance();
    return e;
  }
  case TokenKind::KwTrue:
  case TokenKind::KwFalse: {
    auto e = std::make_unique<BoolExpr>(tok.range(), at(TokenKind::KwTrue));
    advance();
    return e;
  }
  case TokenKind::KwNone: {
    auto e = std::make_unique<NoneExpr>(tok.range());
    advance();
    return e;
  }
  case TokenKind::String: {
    auto e = std::make_unique<StringExpr>(tok.range(), tok.stringValue);
    advance();
    return e;
  }
  case TokenKind::Identifier: {
    auto e = std::make_unique<NameExpr>(tok.range(), tok.text.str());
    advance();
    return e;
  }
  case TokenKind::LParen: {
    Nest nest(*this, start);
    if (!nest.ok)
      return nullptr;
    advance();
    if (consumeIf(TokenKind::RParen))
      return std::make_unique<TupleExpr>(rangeFrom(start),
                                         std::vector<ExprPtr>());
    ExprPtr first = parseExpr();
    if (!first)
      return nullptr;
    if (!at(TokenKind::Comma)) {
      if (!expect(TokenKind::RParen, "to close the parenthesis"))
        return nullptr;
      return first;
    }
    std::vector<ExprPtr> elements;
    elements.push_back(std::move(first));
    while (consumeIf(TokenKind::Comma) && !at(TokenKind::RParen)) {
      ExprPtr next = parseExpr();
      if (!next)
        return nullptr;
      elements.push_back(std::move(next));
    }
    if (!expect(TokenKind::RParen, "to close the tuple"))
      return nullptr;
    return std::make_unique<TupleExpr>(rangeFrom(start), std::move(elements));
  }
  case TokenKind::LBracket:
    return parseBracket();
  default:
    break;
  }
  if (at(TokenKind::Eof))
    failHere("expected an expression, found end of file");
  else
    failHere("expected an expression, found '" + tok.text + "'");
  return nullptr;
}

/// `[a, b, ...]` or `[element for v in iterable]`.
ExprPtr Parser::parseBracket() {
  SMLoc start = tok.loc();
  Nest nest(*this, start);
  if (!nest.ok)
    return nullptr;
  advance(); // [
  std::vector<ExprPtr> elements;
  if (!at(TokenKind::RBracket)) {
    ExprPtr first = parseExpr();
    if (!first)
      return nullptr;
    if (consumeIf(TokenKind::KwFor)) {
      if (!at(TokenKind::Identifier))
        return failHere("expected a loop variable after 'for'"), nullptr;
      std::string var = tok.text.str();
      SMLoc varLoc = tok.loc();
      advance();
      if (!expectIn())
        return nullptr;
      ExprPtr iterable = parseExpr();
      if (!iterable)
        return nullptr;
      if (!expect(TokenKind::RBracket, "to close the comprehension"))
        return nullptr;
      return std::make_unique<ComprehensionExpr>(
          rangeFrom(start), std::move(first), std::move(var), varLoc,
          std::move(iterable));
    }
    elements.push_back(std::move(first));
    while (consumeIf(TokenKind::Comma) && !at(TokenKind::RBracket)) {
      ExprPtr next = parseExpr();
      if (!next)
        return nullptr;
      elements.push_back(std::move(next));
    }
  }
  if (!expect(TokenKind::RBracket, "to close the array"))
    return nullptr;
  return std::make_unique<ArrayExpr>(rangeFrom(start), std::move(elements));
}

std::unique_ptr<Module> dl::parseModule(llvm::SourceMgr &sourceMgr,
                                        unsigned bufferId,
                                        DiagnosticEngine &diags) {
  Parser parser(sourceMgr, bufferId, diags);
  auto module = parser.parseModule();
  if (module)
    module->path =
        sourceMgr.getMemoryBuffer(bufferId)->getBufferIdentifier().str();
  return module;
}
