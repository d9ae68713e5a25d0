//===- AST.h - abstract syntax tree of the DL language ----------*- C++ -*-===//
//
// The parser's output. Nodes own their children; every node keeps its
// source range for diagnostics. Kinds use LLVM-style RTTI (isa/dyn_cast).
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_AST_H
#define DL_FRONTEND_AST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dl::ast {

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class Expr {
public:
  enum class Kind {
    Int, Float, Bool, None, String, Name, Unary, Binary, Call, Index, Member,
    Array, Comprehension, Range, Tuple,
  };
  Expr(Kind kind, llvm::SMRange range) : kind(kind), range(range) {}
  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  llvm::SMRange getRange() const { return range; }
  llvm::SMLoc getLoc() const { return range.Start; }

private:
  Kind kind;
  llvm::SMRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

template <Expr::Kind K> class ExprBase : public Expr {
public:
  explicit ExprBase(llvm::SMRange range) : Expr(K, range) {}
  static bool classof(const Expr *e) { return e->getKind() == K; }
};

class IntExpr : public ExprBase<Expr::Kind::Int> {
public:
  IntExpr(llvm::SMRange r, int64_t value) : ExprBase(r), value(value) {}
  int64_t value;
};

class FloatExpr : public ExprBase<Expr::Kind::Float> {
public:
  FloatExpr(llvm::SMRange r, double value) : ExprBase(r), value(value) {}
  double value;
};

class BoolExpr : public ExprBase<Expr::Kind::Bool> {
public:
  BoolExpr(llvm::SMRange r, bool value) : ExprBase(r), value(value) {}
  bool value;
};

class NoneExpr : public ExprBase<Expr::Kind::None> {
public:
  using ExprBase::ExprBase;
};

class StringExpr : public ExprBase<Expr::Kind::String> {
public:
  StringExpr(llvm::SMRange r, std::string value)
      : ExprBase(r), value(std::move(value)) {}
  std::string value;
};

class NameExpr : public ExprBase<Expr::Kind::Name> {
public:
  NameExpr(llvm::SMRange r, std::string name)
      : ExprBase(r), name(std::move(name)) {}
  std::string name;
};

enum class UnaryOp { Neg, Plus, Not };
enum class BinaryOp {
  Add, Sub, Mul, Div, FloorDiv, Mod, MatMul, Pow,
  Eq, Ne, Lt, Le, Gt, Ge, And, Or,
};
llvm::StringRef spell(UnaryOp op);
llvm::StringRef spell(BinaryOp op);

class UnaryExpr : public ExprBase<Expr::Kind::Unary> {
public:
  UnaryExpr(llvm::SMRange r, UnaryOp op, ExprPtr operand, llvm::SMLoc opLoc)
      : ExprBase(r), op(op), operand(std::move(operand)), opLoc(opLoc) {}
  UnaryOp op;
  ExprPtr operand;
  llvm::SMLoc opLoc;
};

class BinaryExpr : public ExprBase<Expr::Kind::Binary> {
public:
  BinaryExpr(llvm::SMRange r, BinaryOp op, ExprPtr lhs, ExprPtr rhs,
             llvm::SMLoc opLoc)
      : ExprBase(r), op(op), lhs(std::move(lhs)), rhs(std::move(rhs)),
        opLoc(opLoc) {}
  BinaryOp op;
  ExprPtr lhs, rhs;
  llvm::SMLoc opLoc; // the operator token, where diagnostics point
};

struct Argument {
  std::string name; // empty for a positional argument
  llvm::SMLoc nameLoc;
  ExprPtr value;
};

class CallExpr : public ExprBase<Expr::Kind::Call> {
public:
  CallExpr(llvm::SMRange r, ExprPtr callee, std::vector<Argument> args)
      : ExprBase(r), callee(std::move(callee)), args(std::move(args)) {}
  ExprPtr callee;
  std::vector<Argument> args;
};

/// One item of `x[...]`: an index, a slice `a:b:c` (each part optional),
/// `...`, or `none` (a new axis of extent 1).
struct IndexItem {
  enum class Kind { Index, Slice, Ellipsis, NewAxis } kind = Kind::Index;
  llvm::SMRange range;
  ExprPtr index;
  ExprPtr start, stop, step;
};

class IndexExpr : public ExprBase<Expr::Kind::Index> {
public:
  IndexExpr(llvm::SMRange r, ExprPtr base, std::vector<IndexItem> items)
      : ExprBase(r), base(std::move(base)), items(std::move(items)) {}
  ExprPtr base;
  std::vector<IndexItem> items;
};

class MemberExpr : public ExprBase<Expr::Kind::Member> {
public:
  MemberExpr(llvm::SMRange r, ExprPtr base, std::string member,
             llvm::SMLoc memberLoc)
      : ExprBase(r), base(std::move(base)), member(std::move(member)),
        memberLoc(memberLoc) {}
  ExprPtr base;
  std::string member;
  llvm::SMLoc memberLoc;
};

/// `[a, b, c]`
class ArrayExpr : public ExprBase<Expr::Kind::Array> {
public:
  ArrayExpr(llvm::SMRange r, std::vector<ExprPtr> elements)
      : ExprBase(r), elements(std::move(elements)) {}
  std::vector<ExprPtr> elements;
};

/// `[element for var in iterable]`
class ComprehensionExpr : public ExprBase<Expr::Kind::Comprehension> {
public:
  ComprehensionExpr(llvm::SMRange r, ExprPtr element, std::string var,
                    llvm::SMLoc varLoc, ExprPtr iterable)
      : ExprBase(r), element(std::move(element)), var(std::move(var)),
        varLoc(varLoc), iterable(std::move(iterable)) {}
  ExprPtr element;
  std::string var;
  llvm::SMLoc varLoc;
  ExprPtr iterable;
};

/// `start..end`, end exclusive.
class RangeExpr : public ExprBase<Expr::Kind::Range> {
public:
  RangeExpr(llvm::SMRange r, ExprPtr start, ExprPtr end)
      : ExprBase(r), start(std::move(start)), end(std::move(end)) {}
  ExprPtr start, end;
};

/// `(a, b)`
class TupleExpr : public ExprBase<Expr::Kind::Tuple> {
public:
  TupleExpr(llvm::SMRange r, std::vector<ExprPtr> elements)
      : ExprBase(r), elements(std::move(elements)) {}
  std::vector<ExprPtr> elements;
};

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// A type annotation: `f32[B, 784]`, `f32` (a scalar tensor), `tensor` (any
/// tensor), or the compile-time kinds `int`, `float`, `bool`, `str`.
struct TypeExpr {
  enum class Kind { Tensor, AnyTensor, Int, Float, Bool, Str } kind;
  llvm::SMRange range;
  std::string dtype; // for Tensor: f32, f64, i32, i64, bool
  /// For Tensor: the extents; each is an expression (a compile-time int or
  /// a symbol name) or null for `?`.
  std::vector<ExprPtr> dims;
  /// `f32[...]`: any shape.
  bool anyShape = false;
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

class Stmt {
public:
  enum class Kind { Let, Assign, Return, For, If, Expr };
  Stmt(Kind kind, llvm::SMRange range) : kind(kind), range(range) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  llvm::SMRange getRange() const { return range; }
  llvm::SMLoc getLoc() const { return range.Start; }

private:
  Kind kind;
  llvm::SMRange range;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

template <Stmt::Kind K> class StmtBase : public Stmt {
public:
  explicit StmtBase(llvm::SMRange range) : Stmt(K, range) {}
  static bool classof(const Stmt *s) { return s->getKind() == K; }
};

struct Binding {
  std::string name;
  llvm::SMLoc loc;
};

/// `let a = e`, `let a: T = e`, `let a, b = e`
class LetStmt : public StmtBase<Stmt::Kind::Let> {
public:
  using StmtBase::StmtBase;
  std::vector<Binding> names;
  std::optional<TypeExpr> type;
  ExprPtr value;
};

/// `a = e` (rebinds a local), `a[i] = e` (a copy of `a` with the window
/// replaced, bound to `a`), `a.b.w = e` (gives the parameter or state `w`
/// of the model `a.b` a new value for the rest of the entry point, which
/// writes it back: docs/language.md). A plain `w = e` inside a method
/// assigns the model's `w` when no local is named `w`.
class AssignStmt : public StmtBase<Stmt::Kind::Assign> {
public:
  using StmtBase::StmtBase;
  Binding target;
  std::vector<Binding> members; // `a.b.w = e`: {b, w}
  std::vector<IndexItem> index; // empty unless `a[...] = e`
  ExprPtr value;
};

class ReturnStmt : public StmtBase<Stmt::Kind::Return> {
public:
  using StmtBase::StmtBase;
  std::vector<ExprPtr> values;
};

/// `for v in iterable { ... }`: unrolled at compile time.
class ForStmt : public StmtBase<Stmt::Kind::For> {
public:
  using StmtBase::StmtBase;
  Binding var;
  ExprPtr iterable;
  Block body;
};

/// `if cond { ... } else { ... }`: the condition is a compile-time value.
class IfStmt : public StmtBase<Stmt::Kind::If> {
public:
  using StmtBase::StmtBase;
  ExprPtr condition;
  Block thenBlock;
  Block elseBlock;
  bool hasElse = false;
};

/// A call evaluated for its effect (`fail("...")`).
class ExprStmt : public StmtBase<Stmt::Kind::Expr> {
public:
  using StmtBase::StmtBase;
  ExprPtr value;
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

struct Param {
  std::string name;
  llvm::SMRange range;
  std::optional<TypeExpr> type; // absent: any value (a generic parameter)
  ExprPtr defaultValue;
  std::string doc;
};

struct FnDecl {
  std::string name;
  llvm::SMRange nameRange;
  llvm::SMLoc loc;
  std::vector<Param> params;
  /// Declared results; absent when `->` is omitted (results inferred).
  std::optional<std::vector<TypeExpr>> results;
  Block body;
  std::string doc;
  llvm::SMLoc endLoc; // the closing brace
};

/// A member of a model: a learnable parameter, a state tensor, a field
/// (sub-model, list of sub-models or compile-time constant), or a method.
struct Member {
  enum class Kind { Param, State, Field, Method } kind;
  std::string name;
  llvm::SMRange nameRange;
  std::optional<TypeExpr> type; // Param and State
  ExprPtr value;                // initializer or field value
  std::unique_ptr<FnDecl> method;
  std::string doc;
};

struct ModelDecl {
  std::string name;
  llvm::SMRange nameRange;
  std::vector<Param> params; // compile-time parameters
  std::vector<Member> members;
  std::string doc;
  /// `train name { ... }`: how to train models (docs/training.md). Its
  /// members are fields (settings) and methods, never parameters.
  bool isTrain = false;
};

/// Top-level `let name = expr`: a compile-time constant or a model instance.
struct GlobalDecl {
  std::string name;
  llvm::SMRange nameRange;
  std::optional<TypeExpr> type;
  ExprPtr value;
  std::string doc;
};

struct ImportDecl {
  std::vector<std::string> path; // `import a.b` -> {"a", "b"}
  std::string alias;             // `as x`; empty otherwise
  llvm::SMRange range;
};

struct Module {
  std::string path; // file the module was read from
  std::vector<ImportDecl> imports;
  std::vector<std::unique_ptr<FnDecl>> functions;
  std::vector<std::unique_ptr<ModelDecl>> models;
  std::vector<std::unique_ptr<GlobalDecl>> globals;
  std::vector<std::unique_ptr<ModelDecl>> trains;
  /// Top-level declarations in source order, for printing.
  struct Item {
    enum class Kind { Function, Model, Global, Train } kind;
    size_t index;
  };
  std::vector<Item> order;
};

/// Prints the tree (`dlc --emit=ast`), one node per line, with positions.
void print(const Module &module, llvm::SourceMgr &sourceMgr,
           llvm::raw_ostream &os);

} // namespace dl::ast

#endif // DL_FRONTEND_AST_H
