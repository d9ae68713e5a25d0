//===- ParallelToRuntime.cpp - the dl-parallel-to-runtime pass ------------===//
//
// The body of an outermost scf.forall (no shared outputs, no calls, no
// allocations) becomes a private function `<func>.parallel<i>(ctx, begin,
// end)` running the linearized iterations [begin, end), and the loop a call
// of dlrt_parallel_for (include/dl/parallel.h) with a stack struct of the
// values the body uses. Every other scf.forall becomes sequential scf.for
// loops.
//
// Captured values are stored as their LLVM types: indices as i64, memrefs
// as their descriptors (through unrealized_conversion_cast, which
// reconcile-unrealized-casts removes once memrefs are lowered), scalars as
// they are.
//
//===----------------------------------------------------------------------===//

#include "dl/Codegen/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace dl {
#define GEN_PASS_DEF_DLPARALLELTORUNTIME
#include "DL/DLCodegenPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kParallelFor = "dlrt_parallel_for";
constexpr int64_t kDefaultCost = 1000000;

/// Whether the body may run on a worker thread: no calls (the runtime's
/// dlrt_fail, allocator, other functions), no allocations or frees.
static bool canRunOnWorkers(scf::ForallOp loop) {
  if (!loop.getOutputs().empty())
    return false;
  WalkResult result = loop.getBody()->walk([](Operation *op) {
    if (isa<CallOpInterface, memref::AllocOp, memref::DeallocOp,
            memref::ReallocOp>(op))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

struct DLParallelToRuntimePass
    : dl::impl::DLParallelToRuntimeBase<DLParallelToRuntimePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    LLVMTypeConverter typeConverter(context);

    SmallVector<scf::ForallOp> outlined;
    module.walk<WalkOrder::PreOrder>([&](scf::ForallOp loop) {
      if (canRunOnWorkers(loop)) {
        outlined.push_back(loop);
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });

    llvm::StringMap<unsigned> counters;
    for (scf::ForallOp loop : outlined)
      if (failed(outline(loop, typeConverter, counters)))
        return signalPassFailure();

    // What remains (nested in outlined bodies, or not outlinable) runs in
    // order.
    SmallVector<scf::ForallOp> rest;
    module.walk([&](scf::ForallOp loop) { rest.push_back(loop); });
    IRRewriter rewriter(context);
    for (scf::ForallOp loop : rest) {
      rewriter.setInsertionPoint(loop);
      if (failed(scf::forallToForLoop(rewriter, loop))) {
        loop.emitError("cannot lower this scf.forall to loops");
        return signalPassFailure();
      }
    }
  }

  func::FuncOp getOrDeclareParallelFor(ModuleOp module, FunctionType bodyType) {
    if (auto existing = module.lookupSymbol<func::FuncOp>(kParallelFor))
      return existing;
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    Type i64 = b.getI64Type();
    auto declaration = func::FuncOp::create(
        b, module.getLoc(), kParallelFor,
        b.getFunctionType(
            {i64, i64, bodyType, LLVM::LLVMPointerType::get(b.getContext())},
            {}));
    declaration.setPrivate();
    return declaration;
  }

  LogicalResult outline(scf::ForallOp loop, LLVMTypeConverter &typeConverter,
                        llvm::StringMap<unsigned> &counters) {
    MLIRContext *context = &getContext();
    Location loc = loop.getLoc();
    auto parent = loop->getParentOfType<func::FuncOp>();
    auto module = loop->getParentOfType<ModuleOp>();
    if (!parent || !module)
      return loop.emitError("scf.forall outside a function");
    Type i64 = IntegerType::get(context, 64);
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto bodyType = FunctionType::get(context, {ptr, i64, i64}, {});

    OpBuilder b(loop);
    // Trip counts, per dimension, in the caller.
    SmallVector<Value> lbs, steps, counts;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value total = arith::ConstantIndexOp::create(b, loc, 1);
    for (auto [lb, ub, step] :
         llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(),
                   loop.getMixedStep())) {
      Value lbValue = getValueOrCreateConstantIndexOp(b, loc, lb);
      Value ubValue = getValueOrCreateConstantIndexOp(b, loc, ub);
      Value stepValue = getValueOrCreateConstantIndexOp(b, loc, step);
      std::optional<int64_t> lbConst = getConstantIntValue(lb),
                             ubConst = getConstantIntValue(ub),
                             stepConst = getConstantIntValue(step);
      Value count;
      if (lbConst && ubConst && stepConst && *stepConst > 0) {
        count = arith::ConstantIndexOp::create(
            b, loc,
            std::max<int64_t>(0, llvm::divideCeilSigned(*ubConst - *lbConst,
                                                        *stepConst)));
      } else {
        count = arith::CeilDivSIOp::create(
            b, loc, arith::SubIOp::create(b, loc, ubValue, lbValue),
            stepValue);
        count = arith::MaxSIOp::create(b, loc, count, zero);
      }
      lbs.push_back(lbValue);
      steps.push_back(stepValue);
      counts.push_back(count);
      total = arith::MulIOp::create(b, loc, total, count);
    }

    // The values the body uses; constants are rebuilt in the body instead.
    llvm::SetVector<Value> used;
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    SmallVector<Value> captured;
    SmallVector<Operation *> constants;
    for (Value v : used) {
      Operation *def = v.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>())
        constants.push_back(def);
      else
        captured.push_back(v);
    }
    // Loop bounds: constants are rebuilt in the body (static trip counts
    // for LLVM), the others travel with the captured values.
    size_t rank = lbs.size();
    SmallVector<Value> bounds(lbs);
    bounds.append(steps);
    bounds.append(counts);
    SmallVector<int64_t> boundPositions; // index into captured, or -1
    for (Value v : bounds) {
      if (getConstantIntValue(v)) {
        boundPositions.push_back(-1);
        continue;
      }
      boundPositions.push_back(captured.size());
      captured.push_back(v);
    }
    SmallVector<Type> fieldTypes;
    for (Value v : captured) {
      Type converted = typeConverter.convertType(v.getType());
      if (!converted)
        return loop.emitError("cannot pass a value of type ")
               << v.getType() << " to a parallel loop body";
      fieldTypes.push_back(converted);
    }
    auto structType = LLVM::LLVMStructType::getLiteral(context, fieldTypes);

    // The outlined function.
    std::string name = (parent.getSymName() + ".parallel" +
                        Twine(counters[parent.getSymName()]++))
                           .str();
    OpBuilder moduleBuilder(parent);
    auto body = func::FuncOp::create(moduleBuilder, loc, name, bodyType);
    body.setPrivate();
    SymbolTable(module).insert(body);
    name = body.getSymName().str();
    {
      Block *entry = body.addEntryBlock();
      OpBuilder fb = OpBuilder::atBlockBegin(entry);
      Value ctx = entry->getArgument(0);
      IRMapping mapping;
      for (Operation *constant : constants)
        fb.clone(*constant, mapping);
      SmallVector<Value> inside;
      for (auto [i, v] : llvm::enumerate(captured)) {
        Value field = LLVM::GEPOp::create(
            fb, loc, ptr, structType, ctx,
            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
        Value loaded = LLVM::LoadOp::create(fb, loc, fieldTypes[i], field);
        Value value;
        if (v.getType() == fieldTypes[i])
          value = loaded;
        else if (v.getType().isIndex())
          value = arith::IndexCastOp::create(fb, loc, v.getType(), loaded);
        else
          value = UnrealizedConversionCastOp::create(fb, loc, v.getType(),
                                                     loaded)
                      .getResult(0);
        inside.push_back(value);
      }
      for (auto [v, value] : llvm::zip(captured, inside))
        mapping.map(v, value);
      SmallVector<Value> insideBounds;
      for (auto [v, position] : llvm::zip(bounds, boundPositions))
        insideBounds.push_back(
            position < 0 ? arith::ConstantIndexOp::create(
                               fb, loc, *getConstantIntValue(v))
                               .getResult()
                         : inside[position]);
      ArrayRef<Value> insideLbs = ArrayRef(insideBounds).take_front(rank);
      ArrayRef<Value> insideSteps =
          ArrayRef(insideBounds).drop_front(rank).take_front(rank);
      ArrayRef<Value> insideCounts = ArrayRef(insideBounds).take_back(rank);
      Value begin = arith::IndexCastOp::create(fb, loc, fb.getIndexType(),
                                               entry->getArgument(1));
      Value end = arith::IndexCastOp::create(fb, loc, fb.getIndexType(),
                                             entry->getArgument(2));
      Value one = arith::ConstantIndexOp::create(fb, loc, 1);
      auto iterations = scf::ForOp::create(fb, loc, begin, end, one);
      func::ReturnOp::create(fb, loc);
      fb.setInsertionPointToStart(iterations.getBody());
      // Row-major delinearization: the last dimension varies fastest.
      Value rest = iterations.getInductionVar();
      SmallVector<Value> ivs(rank);
      for (size_t d = rank; d-- > 0;) {
        Value index = rest;
        if (d > 0) {
          index = arith::RemSIOp::create(fb, loc, rest, insideCounts[d]);
          rest = arith::DivSIOp::create(fb, loc, rest, insideCounts[d]);
        }
        ivs[d] = arith::AddIOp::create(
            fb, loc, insideLbs[d],
            arith::MulIOp::create(fb, loc, index, insideSteps[d]));
      }
      for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
        mapping.map(iv, value);
      for (Operation &op : loop.getBody()->without_terminator())
        fb.clone(op, mapping);
    }

    // The call, with the context on the caller's stack (allocated once, at
    // the function's entry).
    Block &callerEntry = parent.getBody().front();
    OpBuilder entryBuilder = OpBuilder::atBlockBegin(&callerEntry);
    Value one64 = LLVM::ConstantOp::create(entryBuilder, loc, i64,
                                           entryBuilder.getI64IntegerAttr(1));
    Value ctx = LLVM::AllocaOp::create(entryBuilder, loc, ptr, one64,
                                       IntegerAttr(), TypeAttr::get(structType));
    for (auto [i, v] : llvm::enumerate(captured)) {
      Value value;
      if (v.getType() == fieldTypes[i])
        value = v;
      else if (v.getType().isIndex())
        value = arith::IndexCastOp::create(b, loc, fieldTypes[i], v);
      else
        value = UnrealizedConversionCastOp::create(b, loc, fieldTypes[i], v)
                    .getResult(0);
      Value field = LLVM::GEPOp::create(
          b, loc, ptr, structType, ctx,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
      LLVM::StoreOp::create(b, loc, value, field);
    }
    int64_t cost = kDefaultCost;
    if (auto attr = loop->getAttrOfType<IntegerAttr>(dl::kParallelCostAttr))
      cost = attr.getInt();
    func::FuncOp parallelFor = getOrDeclareParallelFor(module, bodyType);
    Value n = arith::IndexCastOp::create(b, loc, i64, total);
    Value costValue = arith::ConstantOp::create(b, loc, i64,
                                                b.getI64IntegerAttr(cost));
    Value function = func::ConstantOp::create(
        b, loc, bodyType, FlatSymbolRefAttr::get(context, name));
    func::CallOp::create(b, loc, parallelFor, ValueRange{n, costValue, function, ctx});
    loop.erase();
    return success();
  }
};

} // namespace
