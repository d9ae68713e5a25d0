//===- Signature.cpp - runtime signatures of entry functions --------------===//

#include "Signature.h"

#include "dl/Dialect/Attributes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace dl;

const char *Signature::keep(std::string s) {
  strings.push_back(std::move(s));
  return strings.back().c_str();
}

static std::optional<dl_dtype> dtypeOf(mlir::Type type) {
  if (type.isF32())
    return DL_F32;
  if (type.isF64())
    return DL_F64;
  if (type.isInteger(32))
    return DL_I32;
  if (type.isInteger(64))
    return DL_I64;
  if (type.isInteger(1))
    return DL_BOOL;
  return std::nullopt;
}

static dl_role roleOf(mlir::DictionaryAttr attrs, dl_role fallback) {
  auto role = attrs ? attrs.getAs<mlir::StringAttr>(attrs::kRole) : nullptr;
  if (!role)
    return fallback;
  llvm::StringRef r = role.getValue();
  return r == "param"   ? DL_ROLE_PARAM
         : r == "state" ? DL_ROLE_STATE
         : r == "slot"  ? DL_ROLE_SLOT
         : r == "seed"  ? DL_ROLE_SEED
         : r == "step"  ? DL_ROLE_STEP
         : r == "epoch" ? DL_ROLE_EPOCH
         : r == "input" ? DL_ROLE_INPUT
                        : fallback;
}

bool Signature::describe(mlir::Type type, mlir::DictionaryAttr attrs,
                         dl_role role, dl_value_info &info,
                         std::string &error) {
  auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
  std::optional<dl_dtype> dtype =
      tensor ? dtypeOf(tensor.getElementType()) : std::nullopt;
  if (!dtype || tensor.getRank() > DL_MAX_RANK) {
    error = "entry points exchange tensors of rank at most 8";
    return false;
  }
  info = {};
  auto name = attrs ? attrs.getAs<mlir::StringAttr>(attrs::kName) : nullptr;
  info.name = name ? keep(name.str()) : nullptr;
  info.role = role;
  info.dtype = *dtype;
  info.rank = tensor.getRank();
  auto dims = attrs ? attrs.getAs<mlir::ArrayAttr>(attrs::kDims) : nullptr;
  for (int64_t d = 0; d < tensor.getRank(); ++d) {
    if (!tensor.isDynamicDim(d)) {
      info.dims[d] = {tensor.getDimSize(d), nullptr};
      continue;
    }
    const char *symbol = nullptr;
    if (dims && d < (int64_t)dims.size())
      if (auto s = llvm::dyn_cast<mlir::StringAttr>(dims[d]);
          s && s.getValue() != "?")
        symbol = keep(s.str());
    info.dims[d] = {-1, symbol};
  }
  return true;
}

bool Signature::build(mlir::func::FuncOp func, std::string &error) {
  mlir::FunctionType type = func.getFunctionType();
  argInfos.resize(type.getNumInputs());
  resultInfos.resize(type.getNumResults());
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    mlir::DictionaryAttr attrs = func.getArgAttrDict(i);
    if (!describe(type.getInput(i), attrs, roleOf(attrs, DL_ROLE_INPUT),
                  argInfos[i], error))
      return false;
    argInfos[i].updated = attrs && attrs.contains(attrs::kInOut);
  }
  // Results that update an argument in place are not results of the
  // compiled function (dl-drop-in-place-results).
  resultInfos.clear();
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    mlir::DictionaryAttr attrs = func.getResultAttrDict(i);
    if (attrs && attrs.contains(attrs::kUpdates))
      continue;
    resultInfos.emplace_back();
    if (!describe(type.getResult(i), attrs, DL_ROLE_OUTPUT,
                  resultInfos.back(), error))
      return false;
  }
  signature.name = keep(func.getSymName().str());
  signature.num_args = argInfos.size();
  signature.args = argInfos.data();
  signature.num_results = resultInfos.size();
  signature.results = resultInfos.data();
  return true;
}

std::string Signature::format(const dl_value_info &info) {
  std::string s = dl_dtype_name(info.dtype);
  if (info.rank == 0)
    return s;
  s += "[";
  for (int32_t d = 0; d < info.rank; ++d) {
    if (d)
      s += ", ";
    const dl_dim &dim = info.dims[d];
    s += dim.size >= 0 ? std::to_string(dim.size)
         : dim.symbol  ? std::string(dim.symbol)
                       : std::string("?");
  }
  return s + "]";
}
