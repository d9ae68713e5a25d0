//===- CheckNumerics.cpp - a NaN/Inf check after every dl op --------------===//
//
// dl-check-numerics: a dl.check_finite after each dl op producing a
// floating-point tensor, with a message naming the op and where it comes
// from in the source. The pass runs after dl-autodiff and inlining
// (docs/pipeline.md), so derivatives and inlined calls are checked too.
//
// Source locations, as the front end and the passes build them:
// - FileLineColLoc: a position in a .dl file (or in hand-written IR);
// - CallSiteLoc(callee, caller): code of a DL function elaborated (or
//   inlined) at a call; `caller` is the call's location, which the front end
//   wraps in NameLoc(function name, ...) and which may itself be a call site
//   of an enclosing call;
// - NameLoc(name, child) around an op's own location: a label, e.g.
//   "derivative of dl.sqrt" on the ops dl-autodiff builds for a derivative;
// - FusedLoc: ops merged by a pass, reported by the first location that has
//   a file position.
// They are flattened into frames, innermost first: the op itself, then one
// frame per call.
//
//===----------------------------------------------------------------------===//

#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DLOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

namespace dl {
#define GEN_PASS_DEF_DLCHECKNUMERICS
#include "DL/DLPasses.h.inc"
} // namespace dl

using namespace mlir;
using namespace dl;

namespace {

//===----------------------------------------------------------------------===//
// Locations
//===----------------------------------------------------------------------===//

/// Calls listed in a message at most; deeper ones become ", ...".
constexpr size_t kMaxCallFrames = 8;

/// One level of a location: labels (NameLoc names) and a file position.
struct Frame {
  SmallVector<StringRef, 1> names;
  std::optional<FileLineColLoc> file;
};

bool hasFilePosition(Location loc) {
  if (isa<FileLineColLoc>(loc))
    return true;
  if (auto name = dyn_cast<NameLoc>(loc))
    return hasFilePosition(name.getChildLoc());
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return hasFilePosition(callSite.getCallee());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    return llvm::any_of(fused.getLocations(), hasFilePosition);
  if (auto opaque = dyn_cast<OpaqueLoc>(loc))
    return hasFilePosition(opaque.getFallbackLocation());
  return false;
}

/// Appends the frames of `loc`, innermost first (always at least one).
void flatten(Location loc, SmallVectorImpl<Frame> &frames) {
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    frames.push_back({{}, file});
    return;
  }
  if (auto name = dyn_cast<NameLoc>(loc)) {
    size_t first = frames.size();
    flatten(name.getChildLoc(), frames);
    auto &names = frames[first].names;
    names.insert(names.begin(), name.getName().getValue());
    return;
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc)) {
    flatten(callSite.getCallee(), frames);
    flatten(callSite.getCaller(), frames);
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (hasFilePosition(inner))
        return flatten(inner, frames);
    frames.push_back({});
    return;
  }
  if (auto opaque = dyn_cast<OpaqueLoc>(loc))
    return flatten(opaque.getFallbackLocation(), frames);
  frames.push_back({});
}

std::string formatFile(FileLineColLoc file) {
  return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
          Twine(file.getColumn()))
      .str();
}

/// " (labels) at file:line:col, in the call to f at file:line:col, ...": where
/// a value computed at `loc` comes from.
std::string describeLocation(Location loc) {
  SmallVector<Frame> frames;
  flatten(loc, frames);
  std::string text;
  const Frame &self = frames.front();
  if (!self.names.empty())
    text += " (" + llvm::join(self.names, ", ") + ")";
  if (self.file)
    text += " at " + formatFile(*self.file);
  // Calls, innermost first. Consecutive frames at one position (a DL call
  // elaborated at a grad, then the derivative inlined at that grad) are
  // one call, named by the first that has a name.
  std::optional<FileLineColLoc> previous;
  size_t listed = 0;
  for (const Frame &frame : llvm::drop_begin(frames)) {
    if (!frame.file || frame.file == previous)
      continue;
    previous = frame.file;
    if (++listed > kMaxCallFrames) {
      text += ", ...";
      break;
    }
    if (frame.names.empty())
      text += ", called from " + formatFile(*frame.file);
    else
      text += ", in the call to " + frame.names.front().str() + " at " +
              formatFile(*frame.file);
  }
  return text;
}

//===----------------------------------------------------------------------===//
// Which results need a check
//===----------------------------------------------------------------------===//

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

bool isFinite(Attribute attr) {
  auto floatAttr = dyn_cast<FloatAttr>(attr);
  return floatAttr && floatAttr.getValue().isFinite();
}

/// Whether every element of a constant is finite (false when unknown).
bool hasFiniteElements(ConstantOp op) {
  auto dense = dyn_cast<DenseFPElementsAttr>(op.getValue());
  if (!dense)
    return false;
  if (dense.isSplat())
    return dense.getSplatValue<APFloat>().isFinite();
  return llvm::all_of(dense.getValues<APFloat>(),
                      [](const APFloat &v) { return v.isFinite(); });
}

/// Whether converting every finite value of type `from` to the float type
/// `to` gives a finite value (no overflow to infinity).
bool castCannotOverflow(Type from, FloatType to) {
  const llvm::fltSemantics &semantics = to.getFloatSemantics();
  APFloat largest(semantics);
  bool losesInfo;
  if (auto fromFloat = dyn_cast<FloatType>(from)) {
    largest = APFloat::getLargest(fromFloat.getFloatSemantics());
    largest.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
  } else {
    // The largest magnitude of a signed integer, -2^(w-1).
    unsigned width = from.getIntOrFloatBitWidth();
    largest.convertFromAPInt(APInt::getSignedMinValue(width),
                             /*isSigned=*/true, APFloat::rmNearestTiesToEven);
  }
  return largest.isFinite();
}

/// Whether `op`'s floating-point results are finite whenever its
/// floating-point operands are: the op moves or selects elements, or
/// computes something bounded by its operands, exactly.
bool preservesFiniteness(Operation *op) {
  if (isa<TransposeOp, ReshapeOp, BroadcastToOp, SliceOp, InsertSliceOp,
          ConcatOp, GatherOp, SelectOp, MaxOp, MinOp, NegOp, AbsOp, SignOp,
          FloorOp, CeilOp, RoundOp, StopGradientOp, OneHotOp>(op))
    return true;
  if (auto pad = dyn_cast<PadOp>(op))
    return !isa<FloatAttr>(pad.getValue()) || isFinite(pad.getValue());
  if (auto cast = dyn_cast<CastOp>(op)) {
    auto to = dyn_cast<FloatType>(
        getElementTypeOrSelf(cast.getResult().getType()));
    return to && castCannotOverflow(
                     getElementTypeOrSelf(cast.getInput().getType()), to);
  }
  if (auto reduce = dyn_cast<ReduceOp>(op)) {
    // max/min of an empty extent is -inf/+inf.
    if (reduce.getKind() != ReduceKind::max &&
        reduce.getKind() != ReduceKind::min)
      return false;
    auto shape = cast<RankedTensorType>(reduce.getInput().getType()).getShape();
    return llvm::all_of(reduce.getAxes(), [&](int64_t axis) {
      return !ShapedType::isDynamic(shape[axis]) && shape[axis] > 0;
    });
  }
  return false;
}

/// "the result of dl.log" or "result 1 of dl.grad".
std::string describeResult(OpResult result) {
  Operation *op = result.getOwner();
  std::string name = op->getName().getStringRef().str();
  if (op->getNumResults() == 1)
    return "the result of " + name;
  return "result " + std::to_string(result.getResultNumber()) + " of " + name;
}

struct CheckNumericsPass
    : dl::impl::DLCheckNumericsBase<CheckNumericsPass> {
  using DLCheckNumericsBase::DLCheckNumericsBase;

  void runOnOperation() override {
    // Values known to be finite where they are used: checked results,
    // finite constants, and results that preserve finiteness of known
    // operands. A use is always visited after its definition within a
    // block (and dominance keeps it so across structured regions); values
    // from elsewhere count as unknown, which only adds checks.
    llvm::DenseSet<Value> finite;
    OpBuilder builder(&getContext());
    getOperation()->walk([&](Operation *op) {
      if (!isa_and_nonnull<DLDialect>(op->getDialect()) ||
          op->getNumResults() == 0)
        return;
      if (auto constant = dyn_cast<ConstantOp>(op)) {
        if (hasFiniteElements(constant))
          finite.insert(constant.getResult());
        return;
      }
      bool operandsFinite = llvm::all_of(op->getOperands(), [&](Value v) {
        return !isFloatTensor(v.getType()) || finite.contains(v);
      });
      bool elide = !checkAll && operandsFinite && preservesFiniteness(op);
      builder.setInsertionPointAfter(op);
      for (OpResult result : op->getResults()) {
        if (!isFloatTensor(result.getType()))
          continue;
        finite.insert(result);
        if (elide || llvm::any_of(result.getUsers(), [](Operation *user) {
              return isa<CheckFiniteOp>(user);
            }))
          continue;
        std::string message =
            describeResult(result) + describeLocation(op->getLoc());
        auto check = CheckFiniteOp::create(builder, op->getLoc(), result,
                                           builder.getStringAttr(message));
        builder.setInsertionPointAfter(check);
      }
    });
  }
};

} // namespace
