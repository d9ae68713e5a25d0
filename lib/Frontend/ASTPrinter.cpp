//===- ASTPrinter.cpp - `dlc --emit=ast` ----------------------------------===//
//
// One node per line, indented by depth, each with its line:column.
//
//===----------------------------------------------------------------------===//

#include "dl/Frontend/AST.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"

using namespace dl::ast;
using llvm::raw_ostream;

llvm::StringRef dl::ast::spell(UnaryOp op) {
  switch (op) {
  case UnaryOp::Neg: return "-";
  case UnaryOp::Plus: return "+";
  case UnaryOp::Not: return "not";
  }
  return "?";
}

llvm::StringRef dl::ast::spell(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::FloorDiv: return "floor_divide";
  case BinaryOp::Mod: return "%";
  case BinaryOp::MatMul: return "@";
  case BinaryOp::Pow: return "**";
  case BinaryOp::Eq: return "==";
  case BinaryOp::Ne: return "!=";
  case BinaryOp::Lt: return "<";
  case BinaryOp::Le: return "<=";
  case BinaryOp::Gt: return ">";
  case BinaryOp::Ge: return ">=";
  case BinaryOp::And: return "and";
  case BinaryOp::Or: return "or";
  }
  return "?";
}

namespace {
class Printer {
public:
  Printer(llvm::SourceMgr &sourceMgr, raw_ostream &os)
      : sourceMgr(sourceMgr), os(os) {}

  void module(const Module &m);

private:
  /// One output line: what is streamed into it, then the position.
  class Line {
  public:
    Line(Printer &p, llvm::SMLoc loc, llvm::StringRef text)
        : p(p), loc(loc), os(buffer) {
      os << text;
    }
    ~Line() {
      // Callers end their text with "\n"; the position goes before it.
      llvm::StringRef text(buffer);
      bool newline = text.consume_back("\n");
      p.os.indent(p.indent * 2) << text;
      if (loc.isValid()) {
        auto [l, c] = p.sourceMgr.getLineAndColumn(loc);
        p.os << " @" << l << ":" << c;
      }
      if (newline)
        p.os << "\n";
    }
    template <typename T> Line &operator<<(const T &value) {
      os << value;
      return *this;
    }
    raw_ostream &stream() { return os; }

  private:
    Printer &p;
    llvm::SMLoc loc;
    std::string buffer;
    llvm::raw_string_ostream os;
  };
  Line line(llvm::SMLoc loc, llvm::StringRef text) {
    return Line(*this, loc, text);
  }
  struct Indent {
    Printer &p;
    explicit Indent(Printer &p) : p(p) { ++p.indent; }
    ~Indent() { --p.indent; }
  };

  void doc(const std::string &text) {
    if (text.empty())
      return;
    os.indent(indent * 2) << "Doc \"";
    os.write_escaped(text);
    os << "\"\n";
  }
  std::string type(const TypeExpr &t);
  void fn(const FnDecl &f);
  void model(const ModelDecl &m);
  void params(const std::vector<Param> &ps);
  void block(const Block &b);
  void stmt(const Stmt &s);
  void expr(const Expr &e);
  void indexItems(const std::vector<IndexItem> &items);

  llvm::SourceMgr &sourceMgr;
  raw_ostream &os;
  unsigned indent = 0;
};
} // namespace

/// A short rendering of an extent expression for type strings.
static std::string render(const Expr *e) {
  if (!e)
    return "?";
  if (auto *i = llvm::dyn_cast<IntExpr>(e))
    return std::to_string(i->value);
  if (auto *n = llvm::dyn_cast<NameExpr>(e))
    return n->name;
  if (auto *b = llvm::dyn_cast<BinaryExpr>(e))
    return "(" + render(b->lhs.get()) + " " + spell(b->op).str() + " " +
           render(b->rhs.get()) + ")";
  return "<expr>";
}

std::string Printer::type(const TypeExpr &t) {
  switch (t.kind) {
  case TypeExpr::Kind::AnyTensor: return "tensor";
  case TypeExpr::Kind::Int: return "int";
  case TypeExpr::Kind::Float: return "float";
  case TypeExpr::Kind::Bool: return "bool";
  case TypeExpr::Kind::Str: return "str";
  case TypeExpr::Kind::Tensor: break;
  }
  std::string s = t.dtype;
  if (t.anyShape)
    return s + "[...]";
  if (t.dims.empty())
    return s;
  s += "[";
  for (size_t i = 0; i < t.dims.size(); ++i)
    s += (i ? ", " : "") + render(t.dims[i].get());
  return s + "]";
}

void Printer::module(const Module &m) {
  line({}, "Module \"") << m.path << "\"\n";
  Indent in(*this);
  for (const ImportDecl &i : m.imports) {
    Line l = line(i.range.Start, "Import ");
    l << llvm::join(i.path, ".");
    if (!i.alias.empty())
      l << " as " << i.alias;
    l << "\n";
  }
  for (const Module::Item &item : m.order) {
    switch (item.kind) {
    case Module::Item::Kind::Function:
      fn(*m.functions[item.index]);
      break;
    case Module::Item::Kind::Model:
      model(*m.models[item.index]);
      break;
    case Module::Item::Kind::Train:
      model(*m.trains[item.index]);
      break;
    case Module::Item::Kind::Global: {
      const GlobalDecl &g = *m.globals[item.index];
      {
        Line l = line(g.nameRange.Start, "Let ");
        l << g.name;
        if (g.type)
          l << ": " << type(*g.type);
        l << "\n";
      }
      Indent in2(*this);
      doc(g.doc);
      expr(*g.value);
      break;
    }
    }
  }
}

void Printer::params(const std::vector<Param> &ps) {
  for (const Param &p : ps) {
    {
      Line l = line(p.range.Start, "Param ");
      l << p.name;
      if (p.type)
        l << ": " << type(*p.type);
      l << "\n";
    }
    Indent in(*this);
    doc(p.doc);
    if (p.defaultValue)
      expr(*p.defaultValue);
  }
}

void Printer::fn(const FnDecl &f) {
  line(f.loc, "Fn ") << f.name << "\n";
  Indent in(*this);
  doc(f.doc);
  params(f.params);
  if (f.results) {
    os.indent(indent * 2) << "Results";
    for (const TypeExpr &t : *f.results)
      os << " " << type(t);
    os << "\n";
  }
  block(f.body);
}

void Printer::model(const ModelDecl &m) {
  line(m.nameRange.Start, m.isTrain ? "Train " : "Model ") << m.name << "\n";
  Indent in(*this);
  doc(m.doc);
  params(m.params);
  for (const Member &member : m.members) {
    switch (member.kind) {
    case Member::Kind::Method:
      fn(*member.method);
      continue;
    case Member::Kind::Param:
    case Member::Kind::State:
      line(member.nameRange.Start,
           member.kind == Member::Kind::Param ? "ParamMember " : "State ")
          << member.name << ": " << type(*member.type) << "\n";
      break;
    case Member::Kind::Field:
      line(member.nameRange.Start, "Field ") << member.name << "\n";
      break;
    }
    Indent in2(*this);
    doc(member.doc);
    if (member.value)
      expr(*member.value);
  }
}

void Printer::block(const Block &b) {
  for (const StmtPtr &s : b)
    stmt(*s);
}

void Printer::stmt(const Stmt &s) {
  using llvm::dyn_cast;
  if (auto *let = dyn_cast<LetStmt>(&s)) {
    {
      Line l = line(s.getLoc(), "Let");
      for (const Binding &b : let->names)
        l << " " << b.name;
      if (let->type)
        l << ": " << type(*let->type);
      l << "\n";
    }
    Indent in(*this);
    expr(*let->value);
  } else if (auto *assign = dyn_cast<AssignStmt>(&s)) {
    {
      Line l = line(s.getLoc(), "Assign ");
      l << assign->target.name;
      for (const Binding &m : assign->members)
        l << "." << m.name;
      l << "\n";
    }
    Indent in(*this);
    indexItems(assign->index);
    expr(*assign->value);
  } else if (auto *ret = dyn_cast<ReturnStmt>(&s)) {
    line(s.getLoc(), "Return") << "\n";
    Indent in(*this);
    for (const ExprPtr &v : ret->values)
      expr(*v);
  } else if (auto *loop = dyn_cast<ForStmt>(&s)) {
    line(s.getLoc(), "For ") << loop->var.name << "\n";
    Indent in(*this);
    expr(*loop->iterable);
    block(loop->body);
  } else if (auto *e = dyn_cast<ExprStmt>(&s)) {
    line(s.getLoc(), "Expr") << "\n";
    Indent in(*this);
    expr(*e->value);
  } else if (auto *branch = dyn_cast<IfStmt>(&s)) {
    line(s.getLoc(), "If") << "\n";
    Indent in(*this);
    expr(*branch->condition);
    line({}, "Then") << "\n";
    {
      Indent in2(*this);
      block(branch->thenBlock);
    }
    if (branch->hasElse) {
      line({}, "Else") << "\n";
      Indent in2(*this);
      block(branch->elseBlock);
    }
  }
}

void Printer::indexItems(const std::vector<IndexItem> &items) {
  for (const IndexItem &item : items) {
    switch (item.kind) {
    case IndexItem::Kind::Index:
      line(item.range.Start, "Index") << "\n";
      {
        Indent in(*this);
        expr(*item.index);
      }
      break;
    case IndexItem::Kind::Slice: {
      line(item.range.Start, "Slice") << "\n";
      Indent in(*this);
      for (const ExprPtr *part : {&item.start, &item.stop, &item.step}) {
        if (*part)
          expr(**part);
        else
          line({}, "Default") << "\n";
      }
      break;
    }
    case IndexItem::Kind::Ellipsis:
      line(item.range.Start, "Ellipsis") << "\n";
      break;
    case IndexItem::Kind::NewAxis:
      line(item.range.Start, "NewAxis") << "\n";
      break;
    }
  }
}

void Printer::expr(const Expr &e) {
  using llvm::dyn_cast;
  llvm::SMLoc loc = e.getLoc();
  if (auto *i = dyn_cast<IntExpr>(&e)) {
    line(loc, "Int ") << i->value << "\n";
  } else if (auto *f = dyn_cast<FloatExpr>(&e)) {
    Line l = line(loc, "Float ");
    l.stream() << llvm::format("%g", f->value);
    l << "\n";
  } else if (auto *b = dyn_cast<BoolExpr>(&e)) {
    line(loc, "Bool ") << (b->value ? "true" : "false") << "\n";
  } else if (llvm::isa<NoneExpr>(&e)) {
    line(loc, "None") << "\n";
  } else if (auto *s = dyn_cast<StringExpr>(&e)) {
    Line l = line(loc, "String \"");
    l.stream().write_escaped(s->value);
    l << "\"\n";
  } else if (auto *n = dyn_cast<NameExpr>(&e)) {
    line(loc, "Name ") << n->name << "\n";
  } else if (auto *u = dyn_cast<UnaryExpr>(&e)) {
    line(u->opLoc, "Unary ") << spell(u->op) << "\n";
    Indent in(*this);
    expr(*u->operand);
  } else if (auto *bin = dyn_cast<BinaryExpr>(&e)) {
    line(bin->opLoc, "Binary ") << spell(bin->op) << "\n";
    Indent in(*this);
    expr(*bin->lhs);
    expr(*bin->rhs);
  } else if (auto *call = dyn_cast<CallExpr>(&e)) {
    line(loc, "Call") << "\n";
    Indent in(*this);
    expr(*call->callee);
    for (const Argument &arg : call->args) {
      if (!arg.name.empty()) {
        line(arg.nameLoc, "Keyword ") << arg.name << "\n";
        Indent in2(*this);
        expr(*arg.value);
      } else {
        expr(*arg.value);
      }
    }
  } else if (auto *index = dyn_cast<IndexExpr>(&e)) {
    line(loc, "Subscript") << "\n";
    Indent in(*this);
    expr(*index->base);
    indexItems(index->items);
  } else if (auto *member = dyn_cast<MemberExpr>(&e)) {
    line(member->memberLoc, "Member ") << member->member << "\n";
    Indent in(*this);
    expr(*member->base);
  } else if (auto *array = dyn_cast<ArrayExpr>(&e)) {
    line(loc, "Array") << "\n";
    Indent in(*this);
    for (const ExprPtr &element : array->elements)
      expr(*element);
  } else if (auto *comp = dyn_cast<ComprehensionExpr>(&e)) {
    line(loc, "Comprehension ") << comp->var << "\n";
    Indent in(*this);
    expr(*comp->element);
    expr(*comp->iterable);
  } else if (auto *range = dyn_cast<RangeExpr>(&e)) {
    line(loc, "Range") << "\n";
    Indent in(*this);
    expr(*range->start);
    expr(*range->end);
  } else if (auto *tuple = dyn_cast<TupleExpr>(&e)) {
    line(loc, "Tuple") << "\n";
    Indent in(*this);
    for (const ExprPtr &element : tuple->elements)
      expr(*element);
  }
}

void dl::ast::print(const Module &module, llvm::SourceMgr &sourceMgr,
                    raw_ostream &os) {
  Printer(sourceMgr, os).module(module);
}
