//===- Builtins.cpp - functions built into the language -------------------===//

#include "Builtins.h"

#include "llvm/ADT/StringExtras.h"

using namespace dl;
using llvm::SMLoc;
using llvm::StringRef;
using E = Elaborator::Elementwise;

//===----------------------------------------------------------------------===//
// BuiltinContext
//===----------------------------------------------------------------------===//

std::string BuiltinContext::what(size_t i) const {
  return "argument '" + builtin.params[i].name + "' of " + builtin.name + "()";
}

std::optional<Value> BuiltinContext::tensor(size_t i) {
  return e.toTensor(args[i], locs[i]);
}
std::optional<int64_t> BuiltinContext::integer(size_t i) {
  return e.toInt(args[i], locs[i], what(i));
}
std::optional<double> BuiltinContext::number(size_t i) {
  return e.toDouble(args[i], locs[i], what(i));
}
std::optional<bool> BuiltinContext::boolean(size_t i) {
  return e.toBool(args[i], locs[i], what(i));
}
std::optional<DType> BuiltinContext::dtype(size_t i) {
  return e.toDType(args[i], locs[i], what(i));
}
std::optional<int64_t> BuiltinContext::axis(size_t i, int64_t rank) {
  return e.toAxis(args[i], rank, locs[i], what(i));
}

//===----------------------------------------------------------------------===//
// Parameter lists
//===----------------------------------------------------------------------===//

static BuiltinParam req(const char *n) {
  return {BuiltinParam::Default::Required, n};
}
static BuiltinParam opt(const char *n) {
  return {BuiltinParam::Default::None, n};
}
static BuiltinParam integer(const char *n, int64_t v) {
  BuiltinParam p{BuiltinParam::Default::Int, n};
  p.intValue = v;
  return p;
}
static BuiltinParam real(const char *n, double v) {
  BuiltinParam p{BuiltinParam::Default::Float, n};
  p.floatValue = v;
  return p;
}
static BuiltinParam flag(const char *n, bool v) {
  BuiltinParam p{BuiltinParam::Default::Bool, n};
  p.boolValue = v;
  return p;
}

//===----------------------------------------------------------------------===//
// Implementations
//===----------------------------------------------------------------------===//

template <typename OpTy> static std::optional<Value> floatUnary(BuiltinContext &c) {
  return c.e.unary<OpTy>(c.arg(0), c.at, c.builtin.name, /*floatOnly=*/true);
}

/// floor/ceil/round leave integers as they are (as PyTorch does).
template <typename OpTy> static std::optional<Value> rounding(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  if (!isFloat(x->type.dtype))
    return x;
  return c.e.unary<OpTy>(*x, c.at, c.builtin.name, true);
}

template <typename OpTy> static std::optional<Value> numericUnary(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  if (x->type.dtype == DType::Bool)
    return c.e.error(c.at, c.builtin.name + "() of a bool tensor; cast it "
                                            "first"),
           std::nullopt;
  return c.e.unary<OpTy>(*x, c.at, c.builtin.name, false);
}

static std::optional<Value> pow(BuiltinContext &c) {
  return c.e.binaryOp(ast::BinaryOp::Pow, c.arg(0), c.arg(1), c.at);
}
static std::optional<Value> floorDivide(BuiltinContext &c) {
  return c.e.binaryOp(ast::BinaryOp::FloorDiv, c.arg(0), c.arg(1), c.at);
}
static std::optional<Value> remainder(BuiltinContext &c) {
  return c.e.binaryOp(ast::BinaryOp::Mod, c.arg(0), c.arg(1), c.at);
}
static std::optional<Value> maximum(BuiltinContext &c) {
  return c.e.elementwise(E::Max, c.arg(0), c.arg(1), c.at, "maximum");
}
static std::optional<Value> minimum(BuiltinContext &c) {
  return c.e.elementwise(E::Min, c.arg(0), c.arg(1), c.at, "minimum");
}
static std::optional<Value> where(BuiltinContext &c) {
  return c.e.select(c.arg(0), c.arg(1), c.arg(2), c.at);
}

static std::optional<Value> clamp(BuiltinContext &c) {
  if (c.isNone(1) && c.isNone(2))
    return c.e.error(c.at, "clamp() needs a min or a max"), std::nullopt;
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  // where() rather than maximum/minimum: NaN stays NaN, and the gradient
  // passes to x inside the bounds, bounds included (torch.clamp).
  if (!c.isNone(1)) {
    std::optional<Value> below = c.e.elementwise(E::Lt, *x, c.arg(1), c.at,
                                                 "clamp");
    x = below ? c.e.select(*below, c.arg(1), *x, c.at) : std::nullopt;
  }
  if (x && !c.isNone(2)) {
    std::optional<Value> above = c.e.elementwise(E::Gt, *x, c.arg(2), c.at,
                                                 "clamp");
    x = above ? c.e.select(*above, c.arg(2), *x, c.at) : std::nullopt;
  }
  return x;
}

/// A reduction; `kind` as dl::ReduceKind.
/// The axes of a reduction: none, or an empty list as torch.sum(x, dim=[])
/// takes it, mean every axis.
static std::optional<llvm::SmallVector<int64_t>>
reductionAxes(BuiltinContext &c, size_t i, int64_t rank) {
  const Value &axis = c.arg(i);
  bool empty = (axis.kind == Value::Kind::List ||
                axis.kind == Value::Kind::Tuple) &&
               axis.elements->empty();
  return c.e.toAxes(empty ? Value::none() : axis, rank, c.loc(i), c.what(i));
}

template <int kind> static std::optional<Value> reduction(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  auto axes = reductionAxes(c, 1, x->type.rank());
  std::optional<bool> keep = c.boolean(2);
  if (!axes || !keep)
    return std::nullopt;
  return c.e.reduce(kind, *x, *axes, *keep, c.at);
}

/// max(x) / max(x, axis=...) reduce; max(x, y) is elementwise.
template <bool isMax> static std::optional<Value> extreme(BuiltinContext &c) {
  if (!c.isNone(1)) {
    if (!c.isNone(2))
      return c.e.error(c.loc(2), "give either a second operand or an axis"),
             std::nullopt;
    return c.e.elementwise(isMax ? E::Max : E::Min, c.arg(0), c.arg(1), c.at,
                           c.builtin.name);
  }
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  auto axes = reductionAxes(c, 2, x->type.rank());
  std::optional<bool> keep = c.boolean(3);
  if (!axes || !keep)
    return std::nullopt;
  return c.e.reduce(isMax ? 2 : 3, *x, *axes, *keep, c.at);
}

template <bool isMax> static std::optional<Value> argExtreme(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  std::optional<bool> keep = c.boolean(2);
  if (!keep)
    return std::nullopt;
  if (c.isNone(1)) {
    // Over the flattened tensor, as torch.argmax(x).
    std::optional<Dim> count = Dim::fixed(1);
    for (const Dim &d : x->type.dims)
      count = Dim::multiply(*count, d);
    std::optional<Value> flat = c.e.reshape(*x, {*count}, c.at);
    std::optional<Value> index =
        flat ? c.e.argReduce(isMax, *flat, 0, false, c.at) : std::nullopt;
    if (!index || !*keep)
      return index;
    // keepdims without an axis: every dimension kept with extent 1 (as
    // PyTorch 1.13 and NumPy do).
    llvm::SmallVector<Dim, 4> ones(x->type.rank(), Dim::fixed(1));
    return c.e.reshape(*index, ones, c.at);
  }
  std::optional<int64_t> axis = c.axis(1, x->type.rank());
  if (!axis)
    return std::nullopt;
  return c.e.argReduce(isMax, *x, *axis, *keep, c.at);
}

static std::optional<Value> matmul(BuiltinContext &c) {
  std::optional<Value> a = c.tensor(0), b = c.tensor(1);
  if (!a || !b)
    return std::nullopt;
  return c.e.matmul(*a, *b, c.at);
}

static std::optional<Value> transpose(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  if (x->type.rank() < 2)
    return c.e.error(c.at, "transpose() needs at least two dimensions, got " +
                               x->type.str()),
           std::nullopt;
  std::optional<int64_t> a = c.axis(1, x->type.rank());
  std::optional<int64_t> b = c.axis(2, x->type.rank());
  if (!a || !b)
    return std::nullopt;
  llvm::SmallVector<int64_t> perm;
  for (int64_t d = 0; d < x->type.rank(); ++d)
    perm.push_back(d == *a ? *b : d == *b ? *a : d);
  return c.e.transpose(*x, perm, c.at);
}

static std::optional<Value> permute(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  const Value &dims = c.arg(1);
  if (dims.kind != Value::Kind::List && dims.kind != Value::Kind::Tuple)
    return c.e.error(c.loc(1), c.what(1) + " must be a list of axes"),
           std::nullopt;
  llvm::SmallVector<int64_t> perm;
  for (const Value &d : *dims.elements) {
    std::optional<int64_t> axis =
        c.e.toAxis(d, x->type.rank(), c.loc(1), c.what(1));
    if (!axis)
      return std::nullopt;
    perm.push_back(*axis);
  }
  return c.e.transpose(*x, perm, c.at);
}

/// A target shape that may contain one -1, inferred from the element count.
static std::optional<llvm::SmallVector<Dim, 4>>
inferShape(BuiltinContext &c, const Value &x, size_t argIndex) {
  const Value &shape = c.arg(argIndex);
  std::vector<Value> items;
  if (shape.kind == Value::Kind::List || shape.kind == Value::Kind::Tuple)
    items = *shape.elements;
  else
    items.push_back(shape);
  int64_t inferred = -1;
  std::vector<Value> known;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].kind == Value::Kind::Int && items[i].intValue == -1) {
      if (inferred >= 0)
        return c.e.error(c.loc(argIndex), "only one extent can be -1"),
               std::nullopt;
      inferred = i;
      known.push_back(Value::integer(1));
    } else {
      known.push_back(items[i]);
    }
  }
  auto dims = c.e.toShape(Value::list(known), c.loc(argIndex),
                          c.what(argIndex));
  if (!dims || inferred < 0)
    return dims;
  std::optional<Dim> total = Dim::fixed(1), rest = Dim::fixed(1);
  for (const Dim &d : x.type.dims)
    total = Dim::multiply(*total, d);
  for (size_t i = 0; i < dims->size(); ++i)
    if ((int64_t)i != inferred)
      rest = Dim::multiply(*rest, (*dims)[i]);
  std::optional<Dim> q =
      total && rest ? Dim::divideExact(*total, *rest) : std::nullopt;
  if (!q)
    return c.e.error(c.loc(argIndex),
                     "cannot infer the -1 extent: " + x.type.str() +
                         " has " + (total ? total->str() : "?") +
                         " elements, not a multiple of " +
                         (rest ? rest->str() : "?")),
           std::nullopt;
  (*dims)[inferred] = *q;
  return dims;
}

static std::optional<Value> reshape(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  auto dims = inferShape(c, *x, 1);
  if (!dims)
    return std::nullopt;
  return c.e.reshape(*x, *dims, c.at);
}

static std::optional<Value> flatten(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  if (x->type.rank() == 0)
    return c.e.reshape(*x, {Dim::fixed(1)}, c.at);
  std::optional<int64_t> start = c.axis(1, x->type.rank());
  std::optional<int64_t> end = c.axis(2, x->type.rank());
  if (!start || !end)
    return std::nullopt;
  if (*start > *end)
    return c.e.error(c.at, "flatten(): start_dim comes after end_dim"),
           std::nullopt;
  llvm::SmallVector<Dim, 4> dims;
  std::optional<Dim> merged = Dim::fixed(1);
  for (int64_t d = 0; d < x->type.rank(); ++d) {
    if (d < *start || d > *end) {
      dims.push_back(x->type.dims[d]);
      continue;
    }
    merged = Dim::multiply(*merged, x->type.dims[d]);
    if (!merged)
      return c.e.error(c.at, "flatten(): too many elements"), std::nullopt;
    if (d == *end)
      dims.push_back(*merged);
  }
  return c.e.reshape(*x, dims, c.at);
}

static std::optional<Value> unsqueeze(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  std::optional<int64_t> axis = c.axis(1, x->type.rank() + 1);
  if (!axis)
    return std::nullopt;
  llvm::SmallVector<Dim, 4> dims(x->type.dims);
  dims.insert(dims.begin() + *axis, Dim::fixed(1));
  return c.e.reshape(*x, dims, c.at);
}

static std::optional<Value> squeeze(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  auto isOne = [](const Dim &d) { return d.isStatic() && d.size() == 1; };
  llvm::SmallVector<Dim, 4> dims;
  if (c.isNone(1)) {
    for (const Dim &d : x->type.dims)
      if (!isOne(d))
        dims.push_back(d);
  } else {
    std::optional<int64_t> axis = c.axis(1, x->type.rank());
    if (!axis)
      return std::nullopt;
    for (int64_t d = 0; d < x->type.rank(); ++d)
      if (d != *axis || !isOne(x->type.dims[d]))
        dims.push_back(x->type.dims[d]);
  }
  return c.e.reshape(*x, dims, c.at);
}

static std::optional<Value> broadcastTo(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  auto dims = c.e.toShape(c.arg(1), c.loc(1), c.what(1));
  if (!x || !dims)
    return std::nullopt;
  return c.e.broadcastTo(*x, *dims, c.at);
}

static std::optional<Value> sumTo(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  auto dims = c.e.toShape(c.arg(1), c.loc(1), c.what(1));
  if (!x || !dims)
    return std::nullopt;
  return c.e.sumTo(*x, *dims, c.at);
}

static std::optional<std::vector<Value>> tensorList(BuiltinContext &c,
                                                    size_t i) {
  const Value &list = c.arg(i);
  if (list.kind != Value::Kind::List && list.kind != Value::Kind::Tuple)
    return c.e.error(c.loc(i), c.what(i) + " must be a list of tensors, got " +
                                   list.describe()),
           std::nullopt;
  std::vector<Value> tensors;
  for (const Value &v : *list.elements) {
    std::optional<Value> t = c.e.toTensor(v, c.loc(i));
    if (!t)
      return std::nullopt;
    tensors.push_back(*t);
  }
  if (tensors.empty())
    return c.e.error(c.loc(i), c.what(i) + " is empty"), std::nullopt;
  return tensors;
}

static std::optional<Value> concat(BuiltinContext &c) {
  auto tensors = tensorList(c, 0);
  if (!tensors)
    return std::nullopt;
  std::optional<int64_t> axis = c.axis(1, (*tensors)[0].type.rank());
  if (!axis)
    return std::nullopt;
  return c.e.concat(*tensors, *axis, c.at);
}

static std::optional<Value> stack(BuiltinContext &c) {
  auto tensors = tensorList(c, 0);
  if (!tensors)
    return std::nullopt;
  std::optional<int64_t> axis = c.axis(1, (*tensors)[0].type.rank() + 1);
  if (!axis)
    return std::nullopt;
  std::vector<Value> expanded;
  for (const Value &t : *tensors) {
    if (!(t.type.dims == (*tensors)[0].type.dims))
      return c.e.error(c.at, "cannot stack tensors of shapes " +
                                 (*tensors)[0].type.str() + " and " +
                                 t.type.str()),
             std::nullopt;
    llvm::SmallVector<Dim, 4> dims(t.type.dims);
    dims.insert(dims.begin() + *axis, Dim::fixed(1));
    std::optional<Value> r = c.e.reshape(t, dims, c.at);
    if (!r)
      return std::nullopt;
    expanded.push_back(*r);
  }
  return c.e.concat(expanded, *axis, c.at);
}

static std::optional<Value> split(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  std::optional<int64_t> axis = c.axis(2, x->type.rank());
  if (!axis)
    return std::nullopt;
  const Dim &extent = x->type.dims[*axis];
  if (!extent.isStatic())
    return c.e.error(c.at, "split() along a dimension of dynamic extent " +
                               extent.str() + " is not supported"),
           std::nullopt;
  std::vector<int64_t> sizes;
  const Value &spec = c.arg(1);
  if (spec.kind == Value::Kind::Int) {
    if (spec.intValue <= 0)
      return c.e.error(c.loc(1), "split size must be positive"), std::nullopt;
    for (int64_t s = 0; s < extent.size(); s += spec.intValue)
      sizes.push_back(std::min(spec.intValue, extent.size() - s));
  } else if (spec.kind == Value::Kind::List ||
             spec.kind == Value::Kind::Tuple) {
    int64_t total = 0;
    for (const Value &v : *spec.elements) {
      std::optional<int64_t> n = c.e.toInt(v, c.loc(1), c.what(1));
      if (!n)
        return std::nullopt;
      if (*n < 0)
        return c.e.error(c.loc(1), "split sizes must be non-negative"),
               std::nullopt;
      sizes.push_back(*n);
      total += *n;
    }
    if (total != extent.size())
      return c.e.error(c.loc(1), "split sizes add up to " +
                                     llvm::Twine(total) + ", not " +
                                     llvm::Twine(extent.size())),
             std::nullopt;
  } else {
    return c.e.error(c.loc(1), c.what(1) + " must be an int or a list of "
                                           "ints"),
           std::nullopt;
  }
  std::vector<Value> parts;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    llvm::SmallVector<Dim, 4> starts, dims;
    llvm::SmallVector<int64_t> steps;
    for (int64_t d = 0; d < x->type.rank(); ++d) {
      starts.push_back(Dim::fixed(d == *axis ? offset : 0));
      dims.push_back(d == *axis ? Dim::fixed(size) : x->type.dims[d]);
      steps.push_back(1);
    }
    std::optional<Value> part = c.e.slice(*x, starts, dims, steps, c.at);
    if (!part)
      return std::nullopt;
    parts.push_back(*part);
    offset += size;
  }
  return Value::tuple(std::move(parts));
}

static std::optional<Value> pad(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  const Value &spec = c.arg(1);
  if (spec.kind != Value::Kind::List && spec.kind != Value::Kind::Tuple)
    return c.e.error(c.loc(1), c.what(1) + " must be a list of amounts"),
           std::nullopt;
  int64_t rank = x->type.rank();
  size_t n = spec.elements->size();
  if (n % 2 != 0 || (int64_t)n > 2 * rank)
    return c.e.error(c.loc(1), "pad() takes pairs of amounts, at most two per "
                               "dimension of " +
                                   x->type.str()),
           std::nullopt;
  llvm::SmallVector<int64_t> low(rank, 0), high(rank, 0);
  // As torch.nn.functional.pad: the first pair pads the last dimension.
  for (size_t i = 0; i < n; ++i) {
    std::optional<int64_t> amount =
        c.e.toInt((*spec.elements)[i], c.loc(1), c.what(1));
    if (!amount)
      return std::nullopt;
    int64_t dim = rank - 1 - i / 2;
    (i % 2 == 0 ? low : high)[dim] = *amount;
  }
  // Negative amounts crop, as in torch.nn.functional.pad: a slice first.
  llvm::SmallVector<Dim, 4> starts, sizes;
  llvm::SmallVector<int64_t> steps(rank, 1);
  bool crop = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t cutLow = std::max<int64_t>(0, -low[d]);
    int64_t cutHigh = std::max<int64_t>(0, -high[d]);
    const Dim &extent = x->type.dims[d];
    starts.push_back(Dim::fixed(cutLow));
    if (cutLow + cutHigh == 0) {
      sizes.push_back(extent);
      continue;
    }
    crop = true;
    if (!extent.isStatic())
      return c.e.error(c.loc(1), "negative padding of a dimension of dynamic "
                                 "extent " +
                                     extent.str() + " is not supported"),
             std::nullopt;
    if (cutLow + cutHigh > extent.size())
      return c.e.error(c.loc(1), "padding crops " +
                                     llvm::Twine(cutLow + cutHigh) +
                                     " elements from dimension " +
                                     llvm::Twine(d) + " of " + x->type.str()),
             std::nullopt;
    sizes.push_back(Dim::fixed(extent.size() - cutLow - cutHigh));
    low[d] = std::max<int64_t>(0, low[d]);
    high[d] = std::max<int64_t>(0, high[d]);
  }
  if (crop) {
    x = c.e.slice(*x, starts, sizes, steps, c.at);
    if (!x)
      return std::nullopt;
  }
  if (llvm::all_of(low, [](int64_t a) { return a == 0; }) &&
      llvm::all_of(high, [](int64_t a) { return a == 0; }))
    return x;
  return c.e.pad(*x, low, high, c.arg(2), c.at);
}

static std::optional<Value> sliceScatter(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0), src = c.tensor(1);
  if (!x || !src)
    return std::nullopt;
  std::optional<int64_t> axis = c.axis(2, x->type.rank());
  std::optional<int64_t> step = c.integer(5);
  if (!axis || !step)
    return std::nullopt;
  const Dim &extent = x->type.dims[*axis];
  int64_t start = 0;
  if (!c.isNone(3)) {
    std::optional<int64_t> s = c.integer(3);
    if (!s)
      return std::nullopt;
    start = *s;
  }
  if (start < 0) {
    if (!extent.isStatic())
      return c.e.error(c.loc(3), "a negative start needs a static extent"),
             std::nullopt;
    start += extent.size();
  }
  if (*step <= 0)
    return c.e.error(c.loc(5), "the step must be positive"), std::nullopt;
  llvm::SmallVector<Dim, 4> starts;
  llvm::SmallVector<int64_t> steps;
  for (int64_t d = 0; d < x->type.rank(); ++d) {
    starts.push_back(Dim::fixed(d == *axis ? start : 0));
    steps.push_back(d == *axis ? *step : 1);
    if (d != *axis && src->type.rank() == x->type.rank() &&
        src->type.dims[d] != x->type.dims[d])
      return c.e.error(c.at, "slice_scatter(): the source " +
                                 src->type.str() + " does not fit " +
                                 x->type.str()),
             std::nullopt;
  }
  if (src->type.rank() != x->type.rank())
    return c.e.error(c.at, "slice_scatter(): the source " + src->type.str() +
                               " and " + x->type.str() + " ranks differ"),
           std::nullopt;
  const Dim &count = src->type.dims[*axis];
  if (extent.isStatic() && count.isStatic() &&
      start + (count.size() - 1) * *step >= extent.size() && count.size() > 0)
    return c.e.error(c.at, "slice_scatter(): the window runs past the end "
                           "of dimension " +
                               llvm::Twine(*axis) + " of " + x->type.str()),
           std::nullopt;
  return c.e.insertSlice(*x, *src, starts, steps, c.at);
}

static std::optional<Value> gather(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0), idx = c.tensor(1);
  if (!x || !idx)
    return std::nullopt;
  if (c.isNone(2)) {
    // take_along_dim without an axis: over the flattened tensors.
    std::optional<Dim> nx = Dim::fixed(1), ni = Dim::fixed(1);
    for (const Dim &d : x->type.dims)
      nx = Dim::multiply(*nx, d);
    for (const Dim &d : idx->type.dims)
      ni = Dim::multiply(*ni, d);
    std::optional<Value> fx = c.e.reshape(*x, {*nx}, c.at);
    std::optional<Value> fi = fx ? c.e.reshape(*idx, {*ni}, c.at)
                                 : std::nullopt;
    if (!fi)
      return std::nullopt;
    return c.e.gather(*fx, *fi, 0, c.at);
  }
  std::optional<int64_t> axis = c.axis(2, x->type.rank());
  if (!axis)
    return std::nullopt;
  return c.e.gather(*x, *idx, *axis, c.at);
}

static std::optional<Value> scatterAdd(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0), idx = c.tensor(1), src = c.tensor(2);
  if (!x || !idx || !src)
    return std::nullopt;
  std::optional<int64_t> axis = c.axis(3, x->type.rank());
  if (!axis)
    return std::nullopt;
  return c.e.scatterAdd(*x, *idx, *src, *axis, c.at);
}

static std::optional<Value> oneHot(BuiltinContext &c) {
  std::optional<Value> idx = c.tensor(0);
  std::optional<int64_t> classes = c.integer(1);
  std::optional<DType> dtype = c.dtype(2);
  if (!idx || !classes || !dtype)
    return std::nullopt;
  return c.e.oneHot(*idx, *classes, *dtype, c.at);
}

static std::optional<Value> arange(BuiltinContext &c) {
  // arange(end) or arange(start, end, step).
  Value startV = c.isNone(1) ? Value::integer(0) : c.arg(0);
  Value endV = c.isNone(1) ? c.arg(0) : c.arg(1);
  const Value &stepV = c.arg(2);
  bool floating = startV.kind == Value::Kind::Float ||
                  endV.kind == Value::Kind::Float ||
                  stepV.kind == Value::Kind::Float;
  std::optional<DType> dtype;
  if (!c.isNone(3)) {
    dtype = c.dtype(3);
    if (!dtype)
      return std::nullopt;
  }
  DType d = dtype ? *dtype : floating ? DType::F32 : DType::I64;
  // Float ranges are computed in f64 and rounded once, as PyTorch does.
  DType compute = isFloat(d) ? DType::F64 : d;
  if (endV.kind == Value::Kind::Extent && !endV.dim.isStatic()) {
    bool simple = startV.kind == Value::Kind::Int && startV.intValue == 0 &&
                  stepV.kind == Value::Kind::Int && stepV.intValue == 1;
    if (!simple)
      return c.e.error(c.at, "arange() up to a dynamic extent needs start 0 "
                             "and step 1"),
             std::nullopt;
    return c.e.iota({endV.dim}, 0, d, c.at);
  }
  std::optional<double> start = c.e.toDouble(startV, c.at, "the start");
  std::optional<double> end = c.e.toDouble(
      endV.kind == Value::Kind::Extent ? Value::integer(endV.dim.size()) : endV,
      c.at, "the end");
  std::optional<double> step = c.e.toDouble(stepV, c.loc(2), c.what(2));
  if (!start || !end || !step)
    return std::nullopt;
  if (*step == 0)
    return c.e.error(c.loc(2), "the step of arange() cannot be 0"),
           std::nullopt;
  double count = std::ceil((*end - *start) / *step);
  if (!(count < (double)kMaxExtent))
    return c.e.error(c.at, "arange() is too long"), std::nullopt;
  int64_t n = count > 0 ? (int64_t)count : 0;
  std::optional<Value> iota = c.e.iota({Dim::fixed(n)}, 0, compute, c.at);
  if (!iota)
    return std::nullopt;
  Value r = *iota;
  auto asValue = [&](double v) {
    return isFloat(compute) ? Value::real(v) : Value::integer((int64_t)v);
  };
  if (*step != 1) {
    std::optional<Value> scaled =
        c.e.elementwise(E::Mul, r, asValue(*step), c.at, "arange");
    if (!scaled)
      return std::nullopt;
    r = *scaled;
  }
  if (*start != 0) {
    std::optional<Value> shifted =
        c.e.elementwise(E::Add, r, asValue(*start), c.at, "arange");
    if (!shifted)
      return std::nullopt;
    r = *shifted;
  }
  return c.e.cast(r, d, c.at);
}

static std::optional<Value> cast(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  std::optional<DType> dtype = c.dtype(1);
  if (!x || !dtype)
    return std::nullopt;
  return c.e.cast(*x, *dtype, c.at);
}

template <bool log> static std::optional<Value> softmax(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  std::optional<int64_t> axis = c.axis(1, x->type.rank());
  if (!axis)
    return std::nullopt;
  return c.e.softmax(log, *x, *axis, c.at);
}

/// zeros()/ones(): the shape defaults to the parameter's in an initializer.
template <int fill> static std::optional<Value> filled(BuiltinContext &c) {
  std::optional<DType> dtype;
  if (!c.isNone(1)) {
    dtype = c.dtype(1);
    if (!dtype)
      return std::nullopt;
  }
  if (c.isNone(0)) {
    const TensorType *init = c.e.initializerType();
    if (!init)
      return c.e.error(c.at, c.builtin.name +
                                 "() needs a shape outside of a parameter "
                                 "initializer"),
             std::nullopt;
    return c.e.full(init->dims, Value::integer(fill),
                    dtype ? *dtype : init->dtype, c.at);
  }
  auto dims = c.e.toShape(c.arg(0), c.loc(0), c.what(0));
  if (!dims)
    return std::nullopt;
  return c.e.full(*dims, Value::integer(fill), dtype ? *dtype : DType::F32,
                  c.at);
}

static std::optional<Value> fullFn(BuiltinContext &c) {
  auto dims = c.e.toShape(c.arg(0), c.loc(0), c.what(0));
  if (!dims)
    return std::nullopt;
  std::optional<DType> dtype;
  if (!c.isNone(2)) {
    dtype = c.dtype(2);
    if (!dtype)
      return std::nullopt;
  }
  return c.e.full(*dims, c.arg(1), dtype, c.at);
}

static std::optional<Value> constant(BuiltinContext &c) {
  const TensorType *init = c.e.initializerType();
  if (!init)
    return c.e.error(c.at, "constant() is an initializer: use it after "
                           "'param name: type ='"),
           std::nullopt;
  return c.e.full(init->dims, c.arg(0), init->dtype, c.at);
}

template <int fill> static std::optional<Value> filledLike(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  return c.e.full(x->type.dims, Value::integer(fill), x->type.dtype, c.at);
}

static std::optional<Value> fullLike(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  return c.e.full(x->type.dims, c.arg(1), x->type.dtype, c.at);
}

static std::optional<Value> len(BuiltinContext &c) {
  const Value &v = c.arg(0);
  if (v.kind == Value::Kind::List || v.kind == Value::Kind::Tuple)
    return Value::integer(v.elements->size());
  if (v.kind == Value::Kind::Range)
    return Value::integer(std::max<int64_t>(0, v.rangeEnd - v.rangeStart));
  if (v.isTensor()) {
    if (v.type.rank() == 0)
      return c.e.error(c.at, "len() of a 0-d tensor"), std::nullopt;
    const Dim &d = v.type.dims[0];
    if (d.isStatic())
      return Value::integer(d.size());
    return Value::extent(c.e.dimValueOf(v, 0, c.at), d);
  }
  return c.e.error(c.at, "len() of " + v.describe()), std::nullopt;
}

static std::optional<Value> size(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  auto extent = [&](int64_t d) {
    const Dim &dim = x->type.dims[d];
    return dim.isStatic() ? Value::integer(dim.size())
                          : Value::extent(c.e.dimValueOf(*x, d, c.at), dim);
  };
  if (c.isNone(1)) {
    std::vector<Value> dims;
    for (int64_t d = 0; d < x->type.rank(); ++d)
      dims.push_back(extent(d));
    return Value::list(std::move(dims));
  }
  std::optional<int64_t> axis = c.axis(1, x->type.rank());
  if (!axis)
    return std::nullopt;
  return extent(*axis);
}

template <bool withValue>
static std::optional<Value> derivative(BuiltinContext &c) {
  const Value &f = c.arg(0);
  if (f.kind != Value::Kind::Function && f.kind != Value::Kind::Model &&
      f.kind != Value::Kind::Derivative)
    return c.e.error(c.loc(0), c.builtin.name +
                                   "() differentiates a DL function or model, "
                                   "not " +
                                   f.describe()),
           std::nullopt;
  return Value::derivative(f, c.arg(1), withValue);
}

static std::optional<Value> stopGradient(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  mlir::Value r = StopGradientOp::create(c.e.builder, c.e.loc(c.at), x->ir);
  return Value::tensor(r, x->type);
}

static std::optional<Value> fail(BuiltinContext &c) {
  const Value &message = c.arg(0);
  c.e.error(c.at, message.kind == Value::Kind::String ? message.stringValue
                                                      : message.describe());
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

static const std::vector<Builtin> &table() {
  static const std::vector<Builtin> builtins = [] {
    std::vector<Builtin> b;
    auto add = [&](const char *name, std::vector<BuiltinParam> params,
                   const char *summary,
                   std::optional<Value> (*fn)(BuiltinContext &)) {
      b.push_back({name, std::move(params), summary, fn});
    };
    add("exp", {req("x")}, "e^x", floatUnary<ExpOp>);
    add("expm1", {req("x")}, "e^x - 1, accurate near 0", floatUnary<Expm1Op>);
    add("log", {req("x")}, "natural logarithm", floatUnary<LogOp>);
    add("log1p", {req("x")}, "log(1 + x), accurate near 0",
        floatUnary<Log1pOp>);
    add("sqrt", {req("x")}, "square root", floatUnary<SqrtOp>);
    add("rsqrt", {req("x")}, "1 / sqrt(x)", floatUnary<RsqrtOp>);
    add("sin", {req("x")}, "sine", floatUnary<SinOp>);
    add("cos", {req("x")}, "cosine", floatUnary<CosOp>);
    add("tanh", {req("x")}, "hyperbolic tangent", floatUnary<TanhOp>);
    add("erf", {req("x")}, "error function", floatUnary<ErfOp>);
    add("sigmoid", {req("x")}, "1 / (1 + e^-x), stable for all x",
        floatUnary<SigmoidOp>);
    add("floor", {req("x")}, "round toward -inf", rounding<FloorOp>);
    add("ceil", {req("x")}, "round toward +inf", rounding<CeilOp>);
    add("round", {req("x")}, "round half to even", rounding<RoundOp>);
    add("abs", {req("x")}, "|x|", numericUnary<AbsOp>);
    add("neg", {req("x")}, "-x", numericUnary<NegOp>);
    add("sign", {req("x")}, "-1, 0 or 1", numericUnary<SignOp>);
    add("pow", {req("x"), req("y")}, "x ** y", pow);
    add("floor_divide", {req("x"), req("y")},
        "x / y rounded toward -inf (torch.floor_divide)", floorDivide);
    add("remainder", {req("x"), req("y")},
        "x % y, with the sign of y (Python's %)", remainder);
    add("maximum", {req("x"), req("y")}, "elementwise maximum (NaN wins)",
        maximum);
    add("minimum", {req("x"), req("y")}, "elementwise minimum (NaN wins)",
        minimum);
    add("max", {req("x"), opt("other"), opt("axis"), flag("keepdims", false)},
        "max(x, y) elementwise; max(x, axis=...) reduction", extreme<true>);
    add("min", {req("x"), opt("other"), opt("axis"), flag("keepdims", false)},
        "min(x, y) elementwise; min(x, axis=...) reduction", extreme<false>);
    add("where", {req("condition"), req("x"), req("y")},
        "x where condition, else y", where);
    add("clamp", {req("x"), opt("min"), opt("max")},
        "x limited to [min, max]; NaN stays NaN", clamp);
    add("sum", {req("x"), opt("axis"), flag("keepdims", false)},
        "sum over axes (all by default)", reduction<0>);
    add("mean", {req("x"), opt("axis"), flag("keepdims", false)},
        "mean over axes", reduction<1>);
    add("prod", {req("x"), opt("axis"), flag("keepdims", false)},
        "product over axes", reduction<4>);
    add("argmax", {req("x"), opt("axis"), flag("keepdims", false)},
        "index of the maximum (first on ties)", argExtreme<true>);
    add("argmin", {req("x"), opt("axis"), flag("keepdims", false)},
        "index of the minimum (first on ties)", argExtreme<false>);
    add("matmul", {req("a"), req("b")}, "matrix product (a @ b)", matmul);
    add("transpose", {req("x"), integer("dim0", -2), integer("dim1", -1)},
        "swap two dimensions", transpose);
    add("permute", {req("x"), req("dims")}, "reorder dimensions", permute);
    add("reshape", {req("x"), req("shape")},
        "same elements, new shape (one extent may be -1)", reshape);
    add("flatten", {req("x"), integer("start_dim", 0), integer("end_dim", -1)},
        "merge a range of dimensions", flatten);
    add("unsqueeze", {req("x"), req("dim")}, "insert a dimension of 1",
        unsqueeze);
    add("squeeze", {req("x"), opt("dim")}, "remove dimensions of 1", squeeze);
    add("broadcast_to", {req("x"), req("shape")}, "broadcast to a shape",
        broadcastTo);
    add("sum_to", {req("x"), req("shape")},
        "sum the broadcast dimensions away (reverse of broadcast_to)", sumTo);
    add("concat", {req("tensors"), integer("axis", 0)},
        "join along an existing axis", concat);
    add("stack", {req("tensors"), integer("axis", 0)},
        "join along a new axis", stack);
    add("split", {req("x"), req("split_size_or_sections"), integer("axis", 0)},
        "cut into chunks of a size, or of given sizes", split);
    add("pad", {req("x"), req("pad"), real("value", 0)},
        "pad with a constant (torch.nn.functional.pad order)", pad);
    add("slice_scatter",
        {req("x"), req("src"), integer("axis", 0), opt("start"), opt("end"),
         integer("step", 1)},
        "x with a strided slice replaced by src", sliceScatter);
    add("gather", {req("x"), req("indices"), opt("axis")},
        "pick along an axis (torch.take_along_dim)", gather);
    add("take_along_dim", {req("x"), req("indices"), opt("axis")},
        "same as gather", gather);
    add("scatter_add", {req("x"), req("indices"), req("src"), req("axis")},
        "add src into x at indices along an axis", scatterAdd);
    add("one_hot", {req("indices"), req("num_classes"), opt("dtype")},
        "one-hot encoding (i64 by default)", nullptr);
    add("arange", {req("start"), opt("end"), integer("step", 1), opt("dtype")},
        "evenly spaced values", arange);
    add("cast", {req("x"), req("dtype")}, "convert the element type", cast);
    add("softmax", {req("x"), integer("axis", -1)}, "softmax along an axis",
        softmax<false>);
    add("log_softmax", {req("x"), integer("axis", -1)},
        "log of softmax, stable", softmax<true>);
    add("zeros", {opt("shape"), opt("dtype")}, "a tensor of zeros",
        filled<0>);
    add("ones", {opt("shape"), opt("dtype")}, "a tensor of ones", filled<1>);
    add("full", {req("shape"), req("value"), opt("dtype")},
        "a tensor filled with a value", fullFn);
    add("constant", {req("value")},
        "initializer: the parameter filled with a value", constant);
    add("zeros_like", {req("x")}, "zeros of x's shape and dtype",
        filledLike<0>);
    add("ones_like", {req("x")}, "ones of x's shape and dtype", filledLike<1>);
    add("full_like", {req("x"), req("value")}, "x's shape filled with value",
        fullLike);
    add("len", {req("x")}, "length of a list, or first extent of a tensor",
        len);
    add("size", {req("x"), opt("axis")}, "an extent, or all of them", size);
    add("grad", {req("f"), opt("wrt")},
        "the gradient function of f (wrt: names, positions or models)",
        derivative<false>);
    add("value_and_grad", {req("f"), opt("wrt")},
        "like grad, returning (f's value, gradients)", derivative<true>);
    add("stop_gradient", {req("x")}, "x, with no gradient flowing through",
        stopGradient);
    add("fail", {req("message")}, "stop compilation with an error", fail);
    add("uniform",
        {opt("shape"), real("low", 0), real("high", 1), opt("dtype")},
        "random numbers uniform in [low, high) (seeded; docs/random.md)",
        builtinUniform);
    add("normal", {opt("shape"), real("mean", 0), real("std", 1), opt("dtype")},
        "normally distributed random numbers (seeded)", builtinNormal);
    add("bernoulli", {req("p"), opt("shape"), opt("dtype")},
        "1 with probability p, else 0 (seeded)", builtinBernoulli);
    add("orthogonalize", {req("x")},
        "Q of a QR decomposition with R's diagonal positive",
        builtinOrthogonalize);
    add("init_shape", {opt("shape")},
        "shape if given, else (in an initializer) the parameter's",
        builtinInitShape);
    // one_hot's dtype defaults to i64: patch the default in here.
    for (Builtin &builtin : b)
      if (builtin.name == "one_hot")
        builtin.fn = [](BuiltinContext &c) -> std::optional<Value> {
          if (c.isNone(2))
            c.args[2] = Value::dtypeValue(DType::I64);
          return oneHot(c);
        };
    return b;
  }();
  return builtins;
}

const Builtin *dl::findBuiltin(StringRef name) {
  for (const Builtin &b : table())
    if (b.name == name)
      return &b;
  return nullptr;
}

llvm::ArrayRef<Builtin> dl::allBuiltins() { return table(); }

std::optional<Value> dl::callBuiltin(Elaborator &e, const Builtin &builtin,
                                     std::vector<CallArg> args, SMLoc at,
                                     Env &) {
  const std::vector<BuiltinParam> &params = builtin.params;
  std::vector<std::optional<Value>> bound(params.size());
  std::vector<SMLoc> locs(params.size(), at);
  size_t positional = 0;
  bool sawKeyword = false;
  for (CallArg &arg : args) {
    size_t index;
    if (arg.name.empty()) {
      if (sawKeyword)
        return e.error(arg.loc, "positional argument after a keyword "
                                "argument"),
               std::nullopt;
      if (positional >= params.size())
        return e.error(arg.loc, "too many arguments to " + builtin.name +
                                    "(): it takes " +
                                    llvm::Twine(params.size())),
               std::nullopt;
      index = positional++;
    } else {
      sawKeyword = true;
      auto it = llvm::find_if(params, [&](const BuiltinParam &p) {
        return p.name == arg.name;
      });
      if (it == params.end()) {
        std::string names;
        for (const BuiltinParam &p : params)
          names += (names.empty() ? "" : ", ") + p.name;
        return e.error(arg.loc, builtin.name + "() has no parameter named '" +
                                    arg.name + "' (it has " + names + ")"),
               std::nullopt;
      }
      index = it - params.begin();
      if (bound[index])
        return e.error(arg.loc, "argument '" + arg.name + "' of " +
                                    builtin.name + "() is given twice"),
               std::nullopt;
    }
    bound[index] = std::move(arg.value);
    locs[index] = arg.loc;
  }
  BuiltinContext context{e, builtin, at, {}, locs};
  for (size_t i = 0; i < params.size(); ++i) {
    if (bound[i]) {
      context.args.push_back(std::move(*bound[i]));
      continue;
    }
    const BuiltinParam &p = params[i];
    switch (p.kind) {
    case BuiltinParam::Default::Required:
      return e.error(at, "missing argument '" + p.name + "' in the call to " +
                             builtin.name + "()"),
             std::nullopt;
    case BuiltinParam::Default::None:
      context.args.push_back(Value::none());
      break;
    case BuiltinParam::Default::Int:
      context.args.push_back(Value::integer(p.intValue));
      break;
    case BuiltinParam::Default::Float:
      context.args.push_back(Value::real(p.floatValue));
      break;
    case BuiltinParam::Default::Bool:
      context.args.push_back(Value::boolean(p.boolValue));
      break;
    }
  }
  return builtin.fn(context);
}
