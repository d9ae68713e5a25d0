//===- Manifest.cpp - a library's manifest and typed C functions ----------===//
//
// In LLVM IR, the data of dl/model.h's dl_model_manifest: for each entry
// point its dl_signature (names, roles, dtypes, extents and symbols), its
// packed function and doc comment; the embedded parameters; and one C
// function per entry point that calls dl_invoke:
//
//   dl_status model_main(const dl_tensor *x, dl_tensor *result) {
//     dl_tensor args[3] = {*x, model_fc1_w, model_fc1_b};  // embedded
//     dl_tensor results[1] = {*result};
//     dl_status s = dl_invoke(&sig, main__dl_packed, args, 3, results, 1);
//     *result = results[0];
//     return s;
//   }
//
//===----------------------------------------------------------------------===//

#include "Library.h"

#include "dl/model.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"

#include <set>

using namespace dl;
using namespace llvm;

std::string dl::cIdentifier(StringRef name) {
  std::string s;
  for (char c : name)
    s += isAlnum(c) || c == '_' ? c : '_';
  if (s.empty() || isDigit(s[0]))
    s = "_" + s;
  return s;
}

namespace {

struct Builder {
  Module &module;
  LLVMContext &ctx;
  Type *i32, *i64;
  PointerType *ptr;
  StructType *dimType, *valueInfoType, *signatureType, *entryType,
      *paramType, *manifestType, *tensorType;
  unsigned counter = 0;

  explicit Builder(Module &module)
      : module(module), ctx(module.getContext()) {
    i32 = Type::getInt32Ty(ctx);
    i64 = Type::getInt64Ty(ctx);
    ptr = PointerType::get(ctx, 0);
    dimType = StructType::get(ctx, {i64, ptr});
    valueInfoType = StructType::get(
        ctx, {ptr, i32, i32, i32, ArrayType::get(dimType, DL_MAX_RANK), i32});
    signatureType = StructType::get(ctx, {ptr, i32, ptr, i32, ptr});
    entryType = StructType::get(ctx, {ptr, ptr, ptr});
    paramType = StructType::get(
        ctx, {ptr, i32, i32, i32, ArrayType::get(i64, DL_MAX_RANK), ptr});
    manifestType = StructType::get(ctx, {i32, i32, ptr, i32, ptr, ptr});
    tensorType = StructType::get(ctx, {ptr, i32, i32,
                                       ArrayType::get(i64, DL_MAX_RANK),
                                       ArrayType::get(i64, DL_MAX_RANK)});
  }

  Constant *int32(int64_t v) { return ConstantInt::get(i32, v); }
  Constant *int64(int64_t v) { return ConstantInt::get(i64, v); }

  GlobalVariable *global(Constant *init, const Twine &name,
                         unsigned align = 8) {
    auto *g = new GlobalVariable(module, init->getType(), /*isConstant=*/true,
                                 GlobalValue::PrivateLinkage, init, name);
    g->setAlignment(Align(align));
    return g;
  }

  Constant *string(const char *s) {
    if (!s)
      return ConstantPointerNull::get(ptr);
    auto *g = global(ConstantDataArray::getString(ctx, s), ".dl.str", 1);
    g->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    return g;
  }

  Constant *array(StructType *type, ArrayRef<Constant *> elements,
                  const Twine &name) {
    if (elements.empty())
      return ConstantPointerNull::get(ptr);
    return global(ConstantArray::get(ArrayType::get(type, elements.size()),
                                     elements),
                  name);
  }

  Constant *valueInfo(const dl_value_info &info) {
    SmallVector<Constant *> dims;
    for (int d = 0; d < DL_MAX_RANK; ++d) {
      bool used = d < info.rank;
      dims.push_back(ConstantStruct::get(
          dimType, {int64(used ? info.dims[d].size : 0),
                    string(used ? info.dims[d].symbol : nullptr)}));
    }
    return ConstantStruct::get(
        valueInfoType,
        {string(info.name), int32(info.role), int32(info.dtype),
         int32(info.rank),
         ConstantArray::get(ArrayType::get(dimType, DL_MAX_RANK), dims),
         int32(info.updated)});
  }

  Constant *signature(const Signature &sig) {
    SmallVector<Constant *> args, results;
    for (const dl_value_info &a : sig.args())
      args.push_back(valueInfo(a));
    for (const dl_value_info &r : sig.results())
      results.push_back(valueInfo(r));
    Constant *init = ConstantStruct::get(
        signatureType,
        {string(sig.get().name), int32(args.size()),
         array(valueInfoType, args, ".dl.args"), int32(results.size()),
         array(valueInfoType, results, ".dl.results")});
    return global(init, ".dl.signature");
  }

  Constant *shape(const EmbeddedTensor &t, bool strides) {
    SmallVector<Constant *> values(DL_MAX_RANK, int64(0));
    int64_t stride = 1;
    for (int d = t.rank - 1; d >= 0; --d) {
      values[d] = int64(strides ? stride : t.shape[d]);
      stride *= t.shape[d];
    }
    return ConstantArray::get(ArrayType::get(i64, DL_MAX_RANK), values);
  }
};

} // namespace

void dl::addManifest(Module &module, LibraryContents &contents,
                     bool sharedLibrary) {
  Builder b(module);
  LLVMContext &ctx = module.getContext();
  const DataLayout &layout = module.getDataLayout();

  // Embedded data: the bytes, a dl_tensor describing them (for the typed
  // functions) and a dl_model_param (for the manifest).
  std::map<std::string, Constant *> tensors;
  SmallVector<Constant *> params;
  for (auto &[name, t] : contents.embedded) {
    if (!t.used)
      continue;
    GlobalVariable *data = b.global(
        ConstantDataArray::getRaw(t.bytes, t.bytes.size(),
                                  Type::getInt8Ty(ctx)),
        ".dl.data." + name, 64);
    if (t.bytes.empty())
      data = b.global(ConstantDataArray::get(ctx, ArrayRef<uint8_t>{0}),
                      ".dl.data." + name, 64);
    tensors[name] = b.global(
        ConstantStruct::get(b.tensorType,
                            {data, b.int32(t.dtype), b.int32(t.rank),
                             b.shape(t, false), b.shape(t, true)}),
        ".dl.tensor." + name);
    SmallVector<Constant *> extents(DL_MAX_RANK, b.int64(0));
    for (int d = 0; d < t.rank; ++d)
      extents[d] = b.int64(t.shape[d]);
    params.push_back(ConstantStruct::get(
        b.paramType,
        {b.string(name.c_str()), b.int32(t.role), b.int32(t.dtype),
         b.int32(t.rank),
         ConstantArray::get(ArrayType::get(b.i64, DL_MAX_RANK), extents),
         data}));
  }

  FunctionCallee invoke = module.getOrInsertFunction(
      "dl_invoke", FunctionType::get(b.i32, {b.ptr, b.ptr, b.ptr, b.i64,
                                             b.ptr, b.i64},
                                     false));
  uint64_t tensorSize = layout.getTypeAllocSize(b.tensorType);

  SmallVector<Constant *> entries;
  SmallVector<Function *> packedFunctions;
  for (LibraryEntry &entry : contents.entries) {
    const Signature &sig = *entry.signature;
    std::string name = sig.get().name;
    Function *packed = module.getFunction(name + "__dl_packed");
    packedFunctions.push_back(packed);
    Constant *signature = b.signature(sig);
    entries.push_back(ConstantStruct::get(
        b.entryType, {signature, packed, b.string(entry.doc.c_str())}));

    // The typed C function.
    unsigned numArgs = sig.args().size(), numResults = sig.results().size();
    SmallVector<Type *> paramTypes;
    for (unsigned i = 0; i < numArgs; ++i)
      if (!entry.embedded[i])
        paramTypes.push_back(b.ptr);
    paramTypes.append(numResults, b.ptr);
    Function *function = Function::Create(
        FunctionType::get(b.i32, paramTypes, false),
        GlobalValue::ExternalLinkage, entry.cName, module);
    function->setDSOLocal(true);
    IRBuilder<> ir(BasicBlock::Create(ctx, "entry", function));
    Value *args = ir.CreateAlloca(
        ArrayType::get(b.tensorType, std::max(numArgs, 1u)));
    Value *results = ir.CreateAlloca(
        ArrayType::get(b.tensorType, std::max(numResults, 1u)));
    auto slot = [&](Value *array, unsigned i) {
      return ir.CreateConstInBoundsGEP2_32(
          ArrayType::get(b.tensorType, 1), array, 0, i);
    };
    unsigned next = 0;
    for (unsigned i = 0; i < numArgs; ++i) {
      Value *from = entry.embedded[i]
                        ? tensors.at(sig.args()[i].name)
                        : static_cast<Value *>(function->getArg(next++));
      ir.CreateMemCpy(slot(args, i), Align(8), from, Align(8), tensorSize);
    }
    for (unsigned j = 0; j < numResults; ++j)
      ir.CreateMemCpy(slot(results, j), Align(8),
                      function->getArg(next + j), Align(8), tensorSize);
    Value *status = ir.CreateCall(
        invoke, {signature, packed, args, b.int64(numArgs), results,
                 b.int64(numResults)});
    for (unsigned j = 0; j < numResults; ++j)
      ir.CreateMemCpy(function->getArg(next + j), Align(8), slot(results, j),
                      Align(8), tensorSize);
    ir.CreateRet(status);
  }

  Constant *manifest = ConstantStruct::get(
      b.manifestType,
      {b.int32(DL_MODEL_ABI_VERSION), b.int32(entries.size()),
       b.array(b.entryType, entries, ".dl.entries"), b.int32(params.size()),
       b.array(b.paramType, params, ".dl.params"),
       b.string(contents.source.c_str())});
  auto *global = new GlobalVariable(module, b.manifestType, true,
                                    GlobalValue::ExternalLinkage, manifest,
                                    contents.prefix + "manifest");
  global->setAlignment(Align(8));
  global->setDSOLocal(true);
  if (sharedLibrary)
    GlobalAlias::create("dl_model_manifest", global);

  // Only the manifest and the typed functions are exported.
  std::set<std::string> exported = {contents.prefix + "manifest",
                                    "dl_model_manifest"};
  for (const LibraryEntry &entry : contents.entries)
    exported.insert(entry.cName);
  for (GlobalValue &value : module.global_values()) {
    if (value.isDeclaration() || exported.count(value.getName().str()))
      continue;
    if (!value.hasLocalLinkage())
      value.setLinkage(GlobalValue::InternalLinkage);
  }
}
