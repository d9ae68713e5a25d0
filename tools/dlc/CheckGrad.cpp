//===- CheckGrad.cpp - dlc check-grad -------------------------------------===//
//
// Compares the gradients dl-autodiff builds with central finite
// differences. The entry point's first result is the value differentiated;
// its gradient with respect to every floating-point argument (inputs and
// model parameters) is computed on a copy of the function in f64
// (dl-retype-to-f64), where rounding does not hide errors, and compared
// element by element with (f(x + eps) - f(x - eps)) / 2 eps.
//
// The error of an element is |analytic - numeric| / max(1, |analytic|,
// |numeric|): relative for large gradients, absolute below 1.
//
//===----------------------------------------------------------------------===//

#include "Arguments.h"
#include "Session.h"

#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <random>

using namespace dl;

/// A contiguous f64 copy of a tensor of any float dtype.
static bool toF64(const dl_tensor &from, OwnedTensor &to) {
  if (dl_tensor_alloc(&to.tensor, DL_F64, from.rank, from.shape) != DL_OK)
    return false;
  int64_t n = dl_tensor_numel(&from);
  auto *out = static_cast<double *>(to.tensor.data);
  std::vector<int64_t> index(from.rank, 0);
  for (int64_t linear = 0; linear < n; ++linear) {
    int64_t offset = 0;
    for (int32_t d = 0; d < from.rank; ++d)
      offset += index[d] * from.strides[d];
    if (from.dtype == DL_F32)
      out[linear] = static_cast<const float *>(from.data)[offset];
    else
      out[linear] = static_cast<const double *>(from.data)[offset];
    for (int32_t d = from.rank - 1; d >= 0; --d) {
      if (++index[d] < from.shape[d])
        break;
      index[d] = 0;
    }
  }
  return true;
}

/// Builds `<entry>.check_grad`: the value of `<entry>.f64` and its gradient
/// with respect to every floating-point argument.
static mlir::func::FuncOp buildGradientEntry(mlir::ModuleOp module,
                                             mlir::func::FuncOp f64,
                                             llvm::SmallVectorImpl<int64_t> &wrt) {
  mlir::OpBuilder builder(module.getContext());
  builder.setInsertionPointToEnd(module.getBody());
  mlir::FunctionType type = f64.getFunctionType();
  for (auto [i, input] : llvm::enumerate(type.getInputs()))
    if (llvm::isa<mlir::FloatType>(mlir::getElementTypeOrSelf(input)))
      wrt.push_back(i);
  llvm::SmallVector<mlir::Type> results(type.getResults());
  for (int64_t i : wrt)
    results.push_back(type.getInput(i));
  std::string name = f64.getSymName().str() + ".check_grad";
  auto func = mlir::func::FuncOp::create(
      builder, f64.getLoc(), name,
      builder.getFunctionType(type.getInputs(), results));
  func.setAllArgAttrs(f64.getAllArgAttrs());
  func->setAttr("dl.entry", builder.getUnitAttr());
  mlir::Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);
  auto grad = GradOp::create(
      builder, f64.getLoc(), results,
      mlir::FlatSymbolRefAttr::get(f64.getSymNameAttr()),
      body->getArguments(), builder.getDenseI64ArrayAttr(wrt),
      builder.getUnitAttr());
  mlir::func::ReturnOp::create(builder, f64.getLoc(), grad.getResults());
  return func;
}

int dl::checkGradCommand(const DriverOptions &options) {
  Session session(options);
  if (!session.load())
    return 1;
  std::string entryName = session.chooseEntry();
  if (entryName.empty())
    return 1;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      session.frontend.emit({entryName});
  if (!module)
    return 1;
  auto func = module->lookupSymbol<mlir::func::FuncOp>(entryName);
  mlir::FunctionType type = func.getFunctionType();
  if (type.getNumResults() == 0 ||
      llvm::cast<mlir::ShapedType>(type.getResult(0)).getRank() != 0 ||
      !llvm::isa<mlir::FloatType>(mlir::getElementTypeOrSelf(type.getResult(0))))
    return fail("check-grad needs an entry point whose first result is a "
                "floating-point scalar; '" +
                entryName + "' does not return one");

  // The f64 copy and the gradient entry point.
  mlir::PassManager retype(&session.context);
  DLRetypeToF64Options retypeOptions;
  retypeOptions.functions = {entryName};
  retype.addPass(createDLRetypeToF64(retypeOptions));
  if (mlir::failed(retype.run(*module)))
    return 1;
  auto f64 = module->lookupSymbol<mlir::func::FuncOp>(entryName + ".f64");
  llvm::SmallVector<int64_t> wrt;
  mlir::func::FuncOp gradient = buildGradientEntry(*module, f64, wrt);
  std::string gradientName = gradient.getSymName().str(); // lowering replaces it
  if (wrt.empty())
    return fail("'" + entryName + "' has no floating-point argument to "
                                  "differentiate with respect to");

  Compiled entry, primal, checker, init;
  std::string error;
  if (!entry.signature.build(func, error) ||
      !primal.signature.build(f64, error) ||
      !checker.signature.build(gradient, error))
    return fail("cannot call '" + entryName + "': " + error);
  std::string initName;
  if (auto attr = func->getAttrOfType<mlir::StringAttr>("dl.init")) {
    initName = attr.str();
    auto initFunc = module->lookupSymbol<mlir::func::FuncOp>(initName);
    if (!initFunc || !init.signature.build(initFunc, error))
      return fail("cannot call the initializer: " + error);
  }
  if (!session.lower(*module, EmitKind::LLVMDialect))
    return 1;
  llvm::Expected<std::unique_ptr<JIT>> jit = JIT::create();
  if (!jit)
    return fail(llvm::toString(jit.takeError()));
  if (llvm::Error e = (*jit)->addModule(*module))
    return fail(llvm::toString(std::move(e)));
  if (!lookupEntry(**jit, entryName + ".f64", primal) ||
      !lookupEntry(**jit, gradientName, checker) ||
      (!initName.empty() && !lookupEntry(**jit, initName, init)))
    return 1;

  // Arguments: as given or initialized; float inputs not given are random
  // in [-1, 1) (seeded); then everything float in f64.
  ArgumentBinder binder;
  if (!binder.bind(options, entryName, entry, init, /*allowMissing=*/true))
    return 1;
  std::mt19937_64 random(options.seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::deque<OwnedTensor> converted;
  std::vector<dl_tensor> args;
  for (const dl_value_info &info : primal.signature.args()) {
    if (info.role == DL_ROLE_SEED) { // the same random numbers in every call
      args.push_back(binder.seedArgument());
      continue;
    }
    const dl_tensor *given = binder.find(info.name);
    if (!given && info.dtype == DL_F64) {
      std::vector<int64_t> shape;
      for (int32_t d = 0; d < info.rank; ++d) {
        if (info.dims[d].size < 0)
          return fail("input '" + std::string(info.name) + "' (" +
                      Signature::format(info) +
                      ") has a symbolic shape: give its value with --input");
        shape.push_back(info.dims[d].size);
      }
      converted.emplace_back();
      if (dl_tensor_alloc(&converted.back().tensor, DL_F64, info.rank,
                          shape.data()) != DL_OK)
        return fail(llvm::Twine(dl_last_error()));
      auto *data = static_cast<double *>(converted.back().tensor.data);
      for (int64_t i = 0, n = dl_tensor_numel(&converted.back().tensor); i < n;
           ++i)
        data[i] = uniform(random);
      args.push_back(converted.back().tensor);
      continue;
    }
    if (!given) {
      std::vector<dl_tensor> unused;
      binder.arguments(entryName, entry, unused); // reports what is missing
      return 1;
    }
    if (info.dtype == DL_F64 && given->dtype != DL_F64) {
      converted.emplace_back();
      if (!toF64(*given, converted.back()))
        return fail(llvm::Twine(dl_last_error()));
      args.push_back(converted.back().tensor);
      continue;
    }
    args.push_back(*given);
  }

  // Analytic gradients.
  std::deque<OwnedTensor> analytic;
  if (!invoke(checker, args, analytic))
    return 1;
  size_t firstGrad = analytic.size() - wrt.size();
  // Central differences, one element at a time.
  auto valueAt = [&](double &out) {
    std::deque<OwnedTensor> results;
    if (!invoke(primal, args, results))
      return false;
    out = *static_cast<const double *>(results[0].tensor.data);
    return true;
  };
  llvm::outs() << "check-grad " << entryName << ": central differences in f64"
               << " (eps " << llvm::format("%g", options.eps)
               << "), tolerance " << llvm::format("%g", options.tolerance)
               << "\n";
  bool allOk = true;
  for (size_t k = 0; k < wrt.size(); ++k) {
    const dl_value_info &info = primal.signature.args()[wrt[k]];
    dl_tensor &x = args[wrt[k]];
    // Perturb a contiguous f64 copy (arguments are never written by calls).
    converted.emplace_back();
    if (!toF64(x, converted.back()))
      return fail(llvm::Twine(dl_last_error()));
    x = converted.back().tensor;
    auto *data = static_cast<double *>(x.data);
    const auto *grad =
        static_cast<const double *>(analytic[firstGrad + k].tensor.data);
    double worst = 0;
    int64_t worstIndex = 0;
    for (int64_t i = 0, n = dl_tensor_numel(&x); i < n; ++i) {
      double saved = data[i], plus, minus;
      data[i] = saved + options.eps;
      bool ok = valueAt(plus);
      data[i] = saved - options.eps;
      ok = ok && valueAt(minus);
      data[i] = saved;
      if (!ok)
        return 1;
      double numeric = (plus - minus) / (2 * options.eps);
      double scale =
          std::max({1.0, std::fabs(grad[i]), std::fabs(numeric)});
      double err = std::fabs(grad[i] - numeric) / scale;
      if (std::isnan(err))
        err = INFINITY;
      if (err > worst || i == 0) {
        worst = err;
        worstIndex = i;
      }
    }
    bool ok = worst <= options.tolerance;
    allOk &= ok;
    std::string type = Signature::format(info);
    type.replace(0, 3, dl_dtype_name(entry.signature.args()[wrt[k]].dtype));
    llvm::outs() << "  " << llvm::left_justify(info.name, 24) << " "
                 << llvm::left_justify(type, 16) << " max error "
                 << llvm::format("%.2e", worst) << " (element " << worstIndex
                 << ")  " << (ok ? "ok" : "FAIL") << "\n";
  }
  llvm::outs() << (allOk ? "all gradients agree\n"
                         : "some gradients differ from finite differences\n");
  return allOk ? 0 : 1;
}
