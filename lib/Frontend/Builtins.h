//===- Builtins.h - functions built into the language -----------*- C++ -*-===//
//
// Built-ins are functions implemented in C++ that emit `dl` ops; the
// activations and other compositions live in DL in stdlib/prelude.dl. The
// table is also the source of `dlc --list-builtins` and of the reference in
// docs/language.md.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_BUILTINS_H
#define DL_LIB_FRONTEND_BUILTINS_H

#include "Elaborator.h"

namespace dl {

/// A parameter of a built-in: its name and default.
struct BuiltinParam {
  enum class Default { Required, None, Int, Float, Bool } kind;
  std::string name;
  int64_t intValue = 0;
  double floatValue = 0;
  bool boolValue = false;
};

/// The arguments of one call of a built-in, bound to its parameters.
struct BuiltinContext {
  Elaborator &e;
  const struct Builtin &builtin;
  llvm::SMLoc at;
  std::vector<Value> args;
  std::vector<llvm::SMLoc> locs;

  const Value &arg(size_t i) const { return args[i]; }
  llvm::SMLoc loc(size_t i) const { return locs[i]; }
  bool isNone(size_t i) const { return args[i].kind == Value::Kind::None; }
  std::string what(size_t i) const;
  std::optional<Value> tensor(size_t i);
  std::optional<int64_t> integer(size_t i);
  std::optional<double> number(size_t i);
  std::optional<bool> boolean(size_t i);
  std::optional<DType> dtype(size_t i);
  std::optional<int64_t> axis(size_t i, int64_t rank);
};

struct Builtin {
  std::string name;
  std::vector<BuiltinParam> params;
  std::string summary; // one line, for the reference
  std::optional<Value> (*fn)(BuiltinContext &);
};

// The random built-ins (Random.cpp).
std::optional<Value> builtinUniform(BuiltinContext &c);
std::optional<Value> builtinNormal(BuiltinContext &c);
std::optional<Value> builtinBernoulli(BuiltinContext &c);
std::optional<Value> builtinOrthogonalize(BuiltinContext &c);
std::optional<Value> builtinInitShape(BuiltinContext &c);

const Builtin *findBuiltin(llvm::StringRef name);
llvm::ArrayRef<Builtin> allBuiltins();
std::optional<Value> callBuiltin(Elaborator &e, const Builtin &builtin,
                                 std::vector<CallArg> args, llvm::SMLoc at,
                                 Env &env);

} // namespace dl

#endif // DL_LIB_FRONTEND_BUILTINS_H
