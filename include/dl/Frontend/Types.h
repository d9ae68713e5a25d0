//===- Types.h - tensor types as the DL language sees them ------*- C++ -*-===//
//
// The front end tracks more than MLIR's tensor types do: an extent is a
// static size or a *symbolic* one (`B`, `2*B`, `B*C`), so that
// `f32[B, 3] + f32[C, 3]` is an error at compile time and one compiled
// function serves every batch size. A symbolic extent is a monomial:
// coefficient times a product of atoms; atoms are the symbols of entry
// signatures (`B`) or opaque derived extents (`(B-1)`). Two extents are
// known equal when their monomials are identical.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_TYPES_H
#define DL_FRONTEND_TYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace dl {

enum class DType { F32, F64, I32, I64, Bool };

llvm::StringRef dtypeName(DType dtype); // "f32", ..., "bool"
std::optional<DType> parseDType(llvm::StringRef name);
mlir::Type toMLIR(DType dtype, mlir::MLIRContext *context);
std::optional<DType> fromMLIR(mlir::Type type);
bool isFloat(DType dtype);
bool isInteger(DType dtype); // i32, i64 (not bool)

/// Largest tensor the compiler accepts: 2^48 elements, 2^40 per extent.
constexpr int64_t kMaxExtent = int64_t(1) << 40;
constexpr int64_t kMaxElements = int64_t(1) << 48;

class Dim {
public:
  Dim() = default;
  static Dim fixed(int64_t size) { return Dim(size, {}); }
  static Dim symbol(std::string name) { return Dim(1, {std::move(name)}); }

  bool isStatic() const { return atoms.empty(); }
  int64_t size() const { return coefficient; } // the size when static
  /// A plain symbol with coefficient 1 (`B`), as entry signatures name them.
  std::optional<std::string> asSymbol() const;

  bool operator==(const Dim &other) const {
    return coefficient == other.coefficient && atoms == other.atoms;
  }
  bool operator!=(const Dim &other) const { return !(*this == other); }

  /// Arithmetic on extents. Products and exact quotients stay monomials;
  /// sums and differences of symbolic extents become opaque atoms.
  static std::optional<Dim> multiply(const Dim &a, const Dim &b);
  static std::optional<Dim> divideExact(const Dim &a, const Dim &b);
  static Dim add(const Dim &a, const Dim &b);
  static Dim subtract(const Dim &a, const Dim &b);
  /// An opaque atom naming an extent computed at run time.
  static Dim opaque(std::string description);

  std::string str() const;

  int64_t getCoefficient() const { return coefficient; }
  llvm::ArrayRef<std::string> getAtoms() const { return atoms; }
  /// Whether an atom is a computed extent rather than a named symbol.
  static bool isOpaqueAtom(llvm::StringRef atom);
  bool hasOpaqueAtoms() const;

private:
  Dim(int64_t coefficient, llvm::SmallVector<std::string, 1> atoms)
      : coefficient(coefficient), atoms(std::move(atoms)) {}
  int64_t coefficient = 0;
  llvm::SmallVector<std::string, 1> atoms; // sorted
};

struct TensorType {
  DType dtype = DType::F32;
  llvm::SmallVector<Dim, 4> dims;

  int64_t rank() const { return dims.size(); }
  bool hasStaticShape() const;
  /// The element count when static, std::nullopt when symbolic or too big.
  std::optional<int64_t> staticElementCount() const;
  mlir::RankedTensorType toMLIR(mlir::MLIRContext *context) const;
  std::string str() const; // "f32[B, 784]", "f32" for a scalar
  bool operator==(const TensorType &o) const {
    return dtype == o.dtype && dims == o.dims;
  }
};

/// Broadcasts shapes by NumPy's rules with symbolic extents: equal extents
/// agree, a static 1 stretches, anything else is an error described in
/// `error` (naming the dimension and both extents).
std::optional<llvm::SmallVector<Dim, 4>>
broadcastDims(llvm::ArrayRef<llvm::ArrayRef<Dim>> shapes, std::string &error);

/// One operand of an arithmetic operation, for dtype promotion. Priority:
/// tensors with dimensions outrank 0-d tensors, which outrank compile-time
/// numbers (PyTorch's rules for "wrapped numbers" and zero-dim tensors).
struct PromotionOperand {
  DType dtype;
  enum class Priority { Scalar = 0, ZeroDim = 1, Tensor = 2 } priority;
};

/// The dtype an arithmetic operation computes in (torch.result_type).
DType promoteTypes(llvm::ArrayRef<PromotionOperand> operands);

} // namespace dl

#endif // DL_FRONTEND_TYPES_H
