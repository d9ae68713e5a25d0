//===- Indexing.cpp - x[...] and x[...] = v --------------------------------===//
//
// NumPy's basic indexing: integers (negative from the end) drop a
// dimension, slices `a:b:c` keep it (Python's clamping rules, positive
// steps), `...` stands for the remaining dimensions, `none` inserts a new
// axis of extent 1. One integer tensor among the items selects along its
// dimension (`x[idx]`, torch's advanced indexing for a single index tensor).
// Assignment `x[...] = v` binds `x` to a copy with the window replaced.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace dl;
using llvm::SMLoc;

namespace {
/// What one item of the index does to one input dimension.
struct DimPlan {
  Dim start = Dim::fixed(0);
  Dim size;
  int64_t step = 1;
  bool dropped = false;          // an integer index
  std::optional<Value> selector; // an integer tensor index
};
} // namespace

std::optional<Value> Elaborator::indexTensor(
    const Value &base, const std::vector<ast::IndexItem> &items, SMLoc at,
    Env &env, const Value *assign) {
  using IK = ast::IndexItem::Kind;
  int64_t rank = base.type.rank();
  int64_t consuming = 0, ellipses = 0;
  for (const ast::IndexItem &item : items) {
    if (item.kind == IK::Index || item.kind == IK::Slice)
      ++consuming;
    if (item.kind == IK::Ellipsis)
      ++ellipses;
  }
  if (ellipses > 1)
    return error(at, "an index can have only one '...'"), std::nullopt;
  if (consuming > rank)
    return error(at, "too many indices for " + base.type.str() + ": " +
                         llvm::Twine(consuming) + " given"),
           std::nullopt;

  std::vector<DimPlan> plans;
  // Output layout: for each output dimension, either an input dimension's
  // plan index or -1 for a new axis.
  std::vector<int64_t> layout;
  int64_t d = 0;
  auto fullDim = [&](int64_t dim) {
    DimPlan plan;
    plan.size = base.type.dims[dim];
    plans.push_back(plan);
    layout.push_back(dim);
  };
  mlir::Location l = loc(at);
  auto index = [&](int64_t v) {
    return mlir::arith::ConstantIndexOp::create(builder, l, v).getResult();
  };
  for (const ast::IndexItem &item : items) {
    switch (item.kind) {
    case IK::Ellipsis:
      for (int64_t k = 0; k < rank - consuming; ++k)
        fullDim(d++);
      break;
    case IK::NewAxis:
      if (assign)
        return error(item.range.Start, "'none' cannot appear in an "
                                       "assignment target"),
               std::nullopt;
      layout.push_back(-1);
      break;
    case IK::Index: {
      std::optional<Value> v = eval(*item.index, env);
      if (!v)
        return std::nullopt;
      const Dim &extent = base.type.dims[d];
      if (v->isTensor() || v->kind == Value::Kind::List) {
        std::optional<Value> t = toTensor(*v, item.range.Start);
        if (!t)
          return std::nullopt;
        if (t->type.dtype == DType::Bool)
          return error(item.range.Start,
                       "indexing with a bool mask gives a shape known only "
                       "at run time; use where(mask, x, y) instead"),
                 std::nullopt;
        if (!isInteger(t->type.dtype))
          return error(item.range.Start,
                       "a tensor index must be integer, got " + t->type.str()),
                 std::nullopt;
        if (assign)
          return error(item.range.Start,
                       "assignment through a tensor index is not supported; "
                       "use scatter_add()"),
                 std::nullopt;
        for (const DimPlan &p : plans)
          if (p.selector)
            return error(item.range.Start,
                         "only one tensor index is supported"),
                   std::nullopt;
        DimPlan plan;
        plan.size = extent;
        plan.selector = *t;
        plans.push_back(plan);
        layout.push_back(d++);
        break;
      }
      std::optional<int64_t> i = toInt(*v, item.range.Start, "an index");
      if (!i)
        return std::nullopt;
      DimPlan plan;
      plan.size = Dim::fixed(1);
      plan.dropped = true;
      if (extent.isStatic()) {
        if (*i < -extent.size() || *i >= extent.size())
          return error(item.range.Start,
                       "index " + llvm::Twine(*i) +
                           " is out of range for dimension " + llvm::Twine(d) +
                           " of " + base.type.str()),
                 std::nullopt;
        plan.start = Dim::fixed(*i < 0 ? *i + extent.size() : *i);
      } else {
        mlir::Value n = extentValue(extent, item.range.Start);
        mlir::Value position;
        if (*i >= 0) {
          plan.start = Dim::fixed(*i);
          position = index(*i);
        } else {
          position = mlir::arith::AddIOp::create(builder, l, n, index(*i));
          plan.start = Dim::opaque(extent.str() + "+(" + std::to_string(*i) +
                                   ")");
          current->atoms.try_emplace(plan.start.str(), position);
        }
        mlir::Value ok = mlir::arith::AndIOp::create(
            builder, l,
            mlir::arith::CmpIOp::create(builder, l,
                                        mlir::arith::CmpIPredicate::sge,
                                        position, index(0)),
            mlir::arith::CmpIOp::create(builder, l,
                                        mlir::arith::CmpIPredicate::slt,
                                        position, n));
        check(ok,
              "index " + llvm::Twine(*i) + " is out of range for dimension " +
                  llvm::Twine(d) + " of " + base.type.str(),
              item.range.Start);
      }
      plans.push_back(plan);
      layout.push_back(d++);
      break;
    }
    case IK::Slice: {
      const Dim &extent = base.type.dims[d];
      std::optional<int64_t> start, stop;
      int64_t step = 1;
      auto part = [&](const ast::ExprPtr &e, std::optional<int64_t> &out,
                      const char *what) {
        if (!e)
          return true;
        std::optional<Value> v = eval(*e, env);
        if (!v)
          return false;
        if (v->kind == Value::Kind::None)
          return true;
        out = toInt(*v, e->getLoc(), what);
        return out.has_value();
      };
      std::optional<int64_t> stepValue;
      if (!part(item.start, start, "a slice start") ||
          !part(item.stop, stop, "a slice end") ||
          !part(item.step, stepValue, "a slice step"))
        return std::nullopt;
      if (stepValue) {
        if (*stepValue <= 0)
          return error(item.step->getLoc(),
                       "slice steps must be positive"),
                 std::nullopt;
        step = *stepValue;
      }
      DimPlan plan;
      plan.step = step;
      if (extent.isStatic()) {
        int64_t n = extent.size();
        auto clampIndex = [&](std::optional<int64_t> v, int64_t dflt) {
          if (!v)
            return dflt;
          int64_t x = *v < 0 ? *v + n : *v;
          return std::min(std::max<int64_t>(x, 0), n);
        };
        int64_t s = clampIndex(start, 0), e = clampIndex(stop, n);
        plan.start = Dim::fixed(s);
        plan.size = Dim::fixed(e > s ? (e - s + step - 1) / step : 0);
      } else if ((!start || *start == 0) && !stop && step == 1) {
        plan.size = extent;
      } else {
        // Python's clamping, computed at run time.
        mlir::Value n = extentValue(extent, item.range.Start);
        auto clampValue = [&](std::optional<int64_t> v, mlir::Value dflt) {
          if (!v)
            return dflt;
          mlir::Value x =
              *v < 0 ? (mlir::Value)mlir::arith::AddIOp::create(builder, l, n,
                                                                index(*v))
                     : index(*v);
          x = mlir::arith::MaxSIOp::create(builder, l, x, index(0));
          return (mlir::Value)mlir::arith::MinSIOp::create(builder, l, x, n);
        };
        mlir::Value s = clampValue(start, index(0));
        mlir::Value e = clampValue(stop, n);
        mlir::Value span = mlir::arith::SubIOp::create(builder, l, e, s);
        span = mlir::arith::MaxSIOp::create(builder, l, span, index(0));
        mlir::Value size = mlir::arith::CeilDivSIOp::create(
            builder, l, span, index(step));
        auto text = [](std::optional<int64_t> v) {
          return v ? std::to_string(*v) : std::string();
        };
        std::string window = "[" + text(start) + ":" + text(stop) +
                             (step != 1 ? ":" + std::to_string(step) : "") +
                             "]";
        plan.start = Dim::opaque(extent.str() + window + ".start");
        plan.size = Dim::opaque(extent.str() + window);
        current->atoms.try_emplace(plan.start.str(), s);
        current->atoms.try_emplace(plan.size.str(), size);
      }
      plans.push_back(plan);
      layout.push_back(d++);
      break;
    }
    }
  }
  while (d < rank)
    fullDim(d++);

  // The window of the input.
  llvm::SmallVector<Dim, 4> starts, sizes;
  llvm::SmallVector<int64_t> steps;
  bool whole = true;
  for (const DimPlan &p : plans) {
    starts.push_back(p.start);
    sizes.push_back(p.size);
    steps.push_back(p.step);
    whole &= p.start.isStatic() && p.start.size() == 0 && p.step == 1 &&
             !p.dropped;
  }
  for (size_t k = 0; k < plans.size(); ++k)
    whole &= plans[k].size == base.type.dims[k];

  // Output shape: dropped dimensions removed, new axes inserted.
  llvm::SmallVector<Dim, 4> outDims;
  for (int64_t entry : layout) {
    if (entry < 0)
      outDims.push_back(Dim::fixed(1));
    else if (!plans[entry].dropped)
      outDims.push_back(plans[entry].size);
  }

  if (assign) {
    std::optional<Value> v = toTensor(*assign, at, base.type.dtype);
    if (!v)
      return std::nullopt;
    Value source = cast(*v, base.type.dtype, at);
    std::optional<Value> shaped = broadcastTo(source, outDims, at);
    if (!shaped)
      return std::nullopt;
    std::optional<Value> window = reshape(*shaped, sizes, at);
    if (!window)
      return std::nullopt;
    return insertSlice(base, *window, starts, steps, at);
  }

  Value result = base;
  if (!whole) {
    std::optional<Value> sliced = slice(base, starts, sizes, steps, at);
    if (!sliced)
      return std::nullopt;
    result = *sliced;
  }
  // A tensor index: gather along its dimension, then splice its shape in.
  for (size_t k = 0; k < plans.size(); ++k) {
    if (!plans[k].selector)
      continue;
    const Value &sel = *plans[k].selector;
    std::optional<Dim> count = Dim::fixed(1);
    for (const Dim &e : sel.type.dims)
      count = Dim::multiply(*count, e);
    if (!count)
      return error(at, "index too large"), std::nullopt;
    llvm::SmallVector<Dim, 4> idxDims(result.type.rank(), Dim::fixed(1));
    idxDims[k] = *count;
    std::optional<Value> idx = reshape(sel, idxDims, at);
    if (!idx)
      return std::nullopt;
    std::optional<Value> gathered = gather(result, *idx, k, at);
    if (!gathered)
      return std::nullopt;
    llvm::SmallVector<Dim, 4> dims;
    for (size_t j = 0; j < plans.size(); ++j) {
      if (j == k)
        dims.append(sel.type.dims.begin(), sel.type.dims.end());
      else
        dims.push_back(gathered->type.dims[j]);
    }
    std::optional<Value> spliced = reshape(*gathered, dims, at);
    if (!spliced)
      return std::nullopt;
    // Output layout with the selector's dimensions in place of k.
    llvm::SmallVector<Dim, 4> out;
    for (int64_t entry : layout) {
      if (entry < 0)
        out.push_back(Dim::fixed(1));
      else if ((size_t)entry == k)
        out.append(sel.type.dims.begin(), sel.type.dims.end());
      else if (!plans[entry].dropped)
        out.push_back(plans[entry].size);
    }
    return reshape(*spliced, out, at);
  }
  return reshape(result, outDims, at);
}
