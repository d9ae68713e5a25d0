//===- Types.cpp - tensor types as the DL language sees them --------------===//

#include "dl/Frontend/Types.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace dl;

llvm::StringRef dl::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32: return "f32";
  case DType::F64: return "f64";
  case DType::I32: return "i32";
  case DType::I64: return "i64";
  case DType::Bool: return "bool";
  }
  return "?";
}

std::optional<DType> dl::parseDType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Case("f32", DType::F32)
      .Case("f64", DType::F64)
      .Case("i32", DType::I32)
      .Case("i64", DType::I64)
      .Case("bool", DType::Bool)
      .Default(std::nullopt);
}

mlir::Type dl::toMLIR(DType dtype, mlir::MLIRContext *context) {
  switch (dtype) {
  case DType::F32: return mlir::Float32Type::get(context);
  case DType::F64: return mlir::Float64Type::get(context);
  case DType::I32: return mlir::IntegerType::get(context, 32);
  case DType::I64: return mlir::IntegerType::get(context, 64);
  case DType::Bool: return mlir::IntegerType::get(context, 1);
  }
  return {};
}

std::optional<DType> dl::fromMLIR(mlir::Type type) {
  if (type.isF32()) return DType::F32;
  if (type.isF64()) return DType::F64;
  if (type.isInteger(32)) return DType::I32;
  if (type.isInteger(64)) return DType::I64;
  if (type.isInteger(1)) return DType::Bool;
  return std::nullopt;
}

bool dl::isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F64;
}
bool dl::isInteger(DType dtype) {
  return dtype == DType::I32 || dtype == DType::I64;
}

//===----------------------------------------------------------------------===//
// Dim
//===----------------------------------------------------------------------===//

bool Dim::isOpaqueAtom(llvm::StringRef atom) {
  if (atom.empty() || !(isalpha((unsigned char)atom[0]) || atom[0] == '_'))
    return true;
  for (char c : atom)
    if (!(isalnum((unsigned char)c) || c == '_'))
      return true;
  return false;
}

bool Dim::hasOpaqueAtoms() const {
  return llvm::any_of(atoms, [](const std::string &a) { return isOpaqueAtom(a); });
}

std::optional<std::string> Dim::asSymbol() const {
  if (coefficient != 1 || atoms.size() != 1 || isOpaqueAtom(atoms[0]))
    return std::nullopt;
  return atoms[0];
}

std::optional<Dim> Dim::multiply(const Dim &a, const Dim &b) {
  int64_t product;
  if (llvm::MulOverflow(a.coefficient, b.coefficient, product))
    return std::nullopt;
  if (product == 0)
    return fixed(0);
  llvm::SmallVector<std::string, 1> atoms(a.atoms);
  atoms.append(b.atoms.begin(), b.atoms.end());
  llvm::sort(atoms);
  return Dim(product, std::move(atoms));
}

std::optional<Dim> Dim::divideExact(const Dim &a, const Dim &b) {
  if (b.coefficient == 0 || a.coefficient % b.coefficient != 0)
    return std::nullopt;
  llvm::SmallVector<std::string, 1> atoms(a.atoms);
  for (const std::string &atom : b.atoms) {
    auto it = llvm::find(atoms, atom);
    if (it == atoms.end())
      return std::nullopt;
    atoms.erase(it);
  }
  return Dim(a.coefficient / b.coefficient, std::move(atoms));
}

Dim Dim::add(const Dim &a, const Dim &b) {
  if (a.isStatic() && b.isStatic())
    return fixed(a.coefficient + b.coefficient);
  if (a.atoms == b.atoms)
    return Dim(a.coefficient + b.coefficient, a.atoms);
  return opaque("(" + a.str() + "+" + b.str() + ")");
}

Dim Dim::subtract(const Dim &a, const Dim &b) {
  if (a.isStatic() && b.isStatic())
    return fixed(a.coefficient - b.coefficient);
  if (a.atoms == b.atoms && a.coefficient > b.coefficient)
    return Dim(a.coefficient - b.coefficient, a.atoms);
  return opaque("(" + a.str() + "-" + b.str() + ")");
}

Dim Dim::opaque(std::string description) {
  return Dim(1, {std::move(description)});
}

std::string Dim::str() const {
  if (atoms.empty())
    return std::to_string(coefficient);
  std::string s;
  if (coefficient != 1)
    s = std::to_string(coefficient) + "*";
  for (size_t i = 0; i < atoms.size(); ++i)
    s += (i ? "*" : "") + atoms[i];
  return s;
}

//===----------------------------------------------------------------------===//
// TensorType
//===----------------------------------------------------------------------===//

bool TensorType::hasStaticShape() const {
  return llvm::all_of(dims, [](const Dim &d) { return d.isStatic(); });
}

std::optional<int64_t> TensorType::staticElementCount() const {
  int64_t count = 1;
  for (const Dim &d : dims) {
    if (!d.isStatic() || llvm::MulOverflow(count, d.size(), count))
      return std::nullopt;
  }
  return count;
}

mlir::RankedTensorType TensorType::toMLIR(mlir::MLIRContext *context) const {
  llvm::SmallVector<int64_t> shape;
  for (const Dim &d : dims)
    shape.push_back(d.isStatic() ? d.size() : mlir::ShapedType::kDynamic);
  return mlir::RankedTensorType::get(shape, dl::toMLIR(dtype, context));
}

std::string TensorType::str() const {
  std::string s = dtypeName(dtype).str();
  if (dims.empty())
    return s;
  s += "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + dims[i].str();
  return s + "]";
}

std::optional<llvm::SmallVector<Dim, 4>>
dl::broadcastDims(llvm::ArrayRef<llvm::ArrayRef<Dim>> shapes,
                  std::string &error) {
  size_t rank = 0;
  for (llvm::ArrayRef<Dim> shape : shapes)
    rank = std::max(rank, shape.size());
  llvm::SmallVector<Dim, 4> result(rank, Dim::fixed(1));
  for (size_t i = 0; i < rank; ++i) {
    std::optional<Dim> chosen;
    for (llvm::ArrayRef<Dim> shape : shapes) {
      if (i >= shape.size())
        continue;
      const Dim &d = shape[shape.size() - 1 - i];
      if (d.isStatic() && d.size() == 1)
        continue;
      if (!chosen) {
        chosen = d;
      } else if (*chosen != d) {
        int64_t axis = (int64_t)rank - 1 - (int64_t)i;
        error = "dimension " + std::to_string(axis) + " is " + chosen->str() +
                " in one operand and " + d.str() + " in another";
        return std::nullopt;
      }
    }
    result[rank - 1 - i] = chosen ? *chosen : Dim::fixed(1);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Promotion
//===----------------------------------------------------------------------===//

static int category(DType d) {
  return d == DType::Bool ? 0 : isInteger(d) ? 1 : 2;
}

static int bits(DType d) {
  switch (d) {
  case DType::Bool: return 1;
  case DType::I32:
  case DType::F32: return 32;
  case DType::I64:
  case DType::F64: return 64;
  }
  return 0;
}

/// torch.promote_types for two dtypes.
static DType promotePair(DType a, DType b) {
  if (category(a) != category(b))
    return category(a) > category(b) ? a : b;
  return bits(a) >= bits(b) ? a : b;
}

DType dl::promoteTypes(llvm::ArrayRef<PromotionOperand> operands) {
  std::optional<DType> byPriority[3];
  for (const PromotionOperand &operand : operands) {
    std::optional<DType> &slot = byPriority[(int)operand.priority];
    slot = slot ? promotePair(*slot, operand.dtype) : operand.dtype;
  }
  std::optional<DType> result;
  // Dimensioned tensors decide, then 0-d tensors of a higher category, then
  // numbers of a higher category (which take that category's default).
  for (int priority = 2; priority >= 0; --priority) {
    std::optional<DType> candidate = byPriority[priority];
    if (!candidate)
      continue;
    if (!result) {
      result = priority == 0 && category(*candidate) == 2 ? DType::F32
               : priority == 0 && category(*candidate) == 1 ? DType::I64
                                                            : *candidate;
      continue;
    }
    if (category(*candidate) > category(*result)) {
      if (priority == 0)
        result = category(*candidate) == 2 ? DType::F32 : DType::I64;
      else
        result = *candidate;
    }
  }
  return result.value_or(DType::F32);
}
