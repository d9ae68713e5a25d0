//===- Random.cpp - seeds, streams and the random built-ins ---------------===//
//
// Random numbers in compiled code are counter-based (dl.random_uniform,
// dl.random_normal: Philox4x32-10, docs/random.md): an element is a function
// of the seed, the op's stream and the element's index. The seed is an
// argument of the function, added when its first random op is elaborated
// (`dl.role = "seed"`, after every other argument); each random op gets the
// next stream of its function, so that call sites and loop iterations draw
// different numbers and one program with one seed always draws the same.
//
// A function built for differentiation (grad(f), Derivatives.cpp) receives
// its caller's seed as an extra argument and continues its caller's
// streams: the value and the gradient see the same numbers (the same
// dropout mask), and they differ from the caller's other draws. The random
// ops of a parameter's initializer take streams from a hash of the
// parameter's path, so that a parameter's initial value depends on the seed
// and its name only, not on which entry point's initializer computes it.
//
//===----------------------------------------------------------------------===//

#include "Builtins.h"

#include "dl/Dialect/Attributes.h"

using namespace dl;
using llvm::SMLoc;

mlir::Value Elaborator::seedValue(SMLoc at) {
  if (!current) {
    error(at, "random numbers are tensors: they can only be drawn inside a "
              "function");
    return {};
  }
  if (!current->seed) {
    mlir::Block &entry = current->func.getBody().front();
    current->seed = entry.addArgument(
        mlir::RankedTensorType::get({}, builder.getI64Type()),
        current->func.getLoc());
  }
  return current->seed;
}

int64_t Elaborator::nextStream() {
  FunctionState *state = current;
  while (state->outer)
    state = state->outer;
  return static_cast<int64_t>(state->streamBase + state->streamCount++);
}

/// FNV-1a, 64 bits.
static uint64_t hashPath(llvm::StringRef path) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : path) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

void Elaborator::beginInitializerStreams(const ParamSlot &slot) {
  current->streamBase = hashPath(slot.path());
  current->streamCount = 0;
}

void Elaborator::finishSeedArgument(FunctionState &state) {
  if (!state.seed)
    return;
  auto seed = llvm::cast<mlir::BlockArgument>(state.seed);
  mlir::Block *block = seed.getOwner();
  if (seed.getArgNumber() + 1 != block->getNumArguments()) {
    mlir::BlockArgument last =
        block->addArgument(seed.getType(), seed.getLoc());
    seed.replaceAllUsesWith(last);
    block->eraseArgument(seed.getArgNumber());
    state.seed = last;
  }
  if (state.captureParams)
    return; // a private function: its builder sets its type
  mlir::func::FuncOp func = state.func;
  unsigned n = block->getNumArguments();
  llvm::SmallVector<mlir::Attribute> argAttrs(
      n, mlir::DictionaryAttr::get(&context));
  if (mlir::ArrayAttr old = func.getArgAttrsAttr())
    for (unsigned i = 0; i < std::min<unsigned>(old.size(), n - 1); ++i)
      argAttrs[i] = old[i];
  argAttrs[n - 1] = builder.getDictionaryAttr(
      {builder.getNamedAttr(attrs::kName, builder.getStringAttr("seed")),
       builder.getNamedAttr(attrs::kRole, builder.getStringAttr("seed"))});
  func.setType(builder.getFunctionType(block->getArgumentTypes(),
                                       func.getResultTypes()));
  func.setArgAttrsAttr(builder.getArrayAttr(argAttrs));
}

std::optional<Value> Elaborator::random(RandomKind kind,
                                        llvm::ArrayRef<Dim> dims, DType dtype,
                                        SMLoc at) {
  if (!inFunction())
    return error(at, "random numbers are tensors: they can only be drawn "
                     "inside a function"),
           std::nullopt;
  if (!isFloat(dtype))
    return error(at, "random numbers are floating point (f32 or f64), not " +
                         dtypeName(dtype).str() + "; cast the result"),
           std::nullopt;
  mlir::Value seed = seedValue(at);
  if (!seed)
    return std::nullopt;
  TensorType type{dtype, llvm::SmallVector<Dim, 4>(dims)};
  mlir::Type mlirType = type.toMLIR(&context);
  llvm::SmallVector<mlir::Value> sizes = dynamicExtents(dims, at);
  mlir::IntegerAttr stream = builder.getI64IntegerAttr(nextStream());
  mlir::Value r =
      kind == RandomKind::Uniform
          ? (mlir::Value)RandomUniformOp::create(builder, loc(at), mlirType,
                                                 seed, sizes, stream)
          : (mlir::Value)RandomNormalOp::create(builder, loc(at), mlirType,
                                                seed, sizes, stream);
  return Value::tensor(r, type);
}

//===----------------------------------------------------------------------===//
// Built-ins
//===----------------------------------------------------------------------===//

namespace {
/// The shape and dtype of a random built-in: `shape` (argument `shapeArg`),
/// else the parameter's in an initializer; `dtype` (argument `dtypeArg`),
/// else the parameter's in an initializer, else f32.
struct RandomTarget {
  llvm::SmallVector<Dim, 4> dims;
  DType dtype = DType::F32;
};
} // namespace

static std::optional<RandomTarget> randomTarget(BuiltinContext &c,
                                                size_t shapeArg,
                                                size_t dtypeArg) {
  RandomTarget target;
  const TensorType *init = c.e.initializerType();
  if (c.isNone(shapeArg)) {
    if (!init)
      return c.e.error(c.at, c.builtin.name +
                                 "() needs a shape outside of a parameter "
                                 "initializer"),
             std::nullopt;
    target.dims = init->dims;
  } else {
    auto dims = c.e.toShape(c.arg(shapeArg), c.loc(shapeArg), c.what(shapeArg));
    if (!dims)
      return std::nullopt;
    target.dims = *dims;
  }
  if (init)
    target.dtype = init->dtype;
  if (!c.isNone(dtypeArg)) {
    std::optional<DType> dtype = c.dtype(dtypeArg);
    if (!dtype)
      return std::nullopt;
    target.dtype = *dtype;
  }
  if (!isFloat(target.dtype))
    return c.e.error(c.loc(dtypeArg),
                     c.builtin.name + "() makes floating-point numbers (f32 "
                                      "or f64), not " +
                         dtypeName(target.dtype).str() + "; cast the result"),
           std::nullopt;
  return target;
}

static bool isNumber(const Value &v, double x) {
  return (v.kind == Value::Kind::Int && v.intValue == x) ||
         (v.kind == Value::Kind::Float && v.floatValue == x);
}

/// `x * scale + shift`, leaving out a scale of 1 and a shift of 0.
static std::optional<Value> affine(BuiltinContext &c, Value x,
                                   const Value &scale, const Value &shift) {
  std::optional<Value> r = x;
  if (!isNumber(scale, 1))
    r = c.e.binaryOp(ast::BinaryOp::Mul, *r, scale, c.at);
  if (r && !isNumber(shift, 0))
    r = c.e.binaryOp(ast::BinaryOp::Add, *r, shift, c.at);
  return r;
}

std::optional<Value> dl::builtinUniform(BuiltinContext &c) {
  std::optional<RandomTarget> target = randomTarget(c, 0, 3);
  if (!target)
    return std::nullopt;
  std::optional<Value> u = c.e.random(Elaborator::RandomKind::Uniform,
                                      target->dims, target->dtype, c.at);
  if (!u)
    return std::nullopt;
  // low + (high - low) u, as torch's uniform_.
  std::optional<Value> range =
      c.e.binaryOp(ast::BinaryOp::Sub, c.arg(2), c.arg(1), c.at);
  if (!range)
    return std::nullopt;
  return affine(c, *u, *range, c.arg(1));
}

std::optional<Value> dl::builtinNormal(BuiltinContext &c) {
  std::optional<RandomTarget> target = randomTarget(c, 0, 3);
  if (!target)
    return std::nullopt;
  std::optional<Value> z = c.e.random(Elaborator::RandomKind::Normal,
                                      target->dims, target->dtype, c.at);
  if (!z)
    return std::nullopt;
  return affine(c, *z, c.arg(2), c.arg(1)); // mean + std z
}

std::optional<Value> dl::builtinBernoulli(BuiltinContext &c) {
  const Value &p = c.arg(0);
  RandomTarget target;
  if (p.isTensor()) {
    if (!isFloat(p.type.dtype))
      return c.e.error(c.loc(0), "bernoulli() takes floating-point "
                                 "probabilities, not " +
                                     p.type.str()),
             std::nullopt;
    if (!c.isNone(1))
      return c.e.error(c.loc(1), "bernoulli() takes a shape only with a "
                                 "probability that is a number; the result "
                                 "has the shape of the tensor p"),
             std::nullopt;
    target.dims = p.type.dims;
    target.dtype = p.type.dtype;
    if (!c.isNone(2)) {
      std::optional<DType> dtype = c.dtype(2);
      if (!dtype)
        return std::nullopt;
      target.dtype = *dtype;
    }
  } else {
    if (!p.isNumber())
      return c.e.error(c.loc(0), "bernoulli() takes a probability (a number "
                                 "or a tensor), not " +
                                     p.describe()),
             std::nullopt;
    std::optional<RandomTarget> t = randomTarget(c, 1, 2);
    if (!t)
      return std::nullopt;
    target = *t;
  }
  // u < p in p's dtype (a number: the result's), then the result's dtype.
  DType uniformType = p.isTensor() ? p.type.dtype : target.dtype;
  std::optional<Value> u = c.e.random(Elaborator::RandomKind::Uniform,
                                      target.dims, uniformType, c.at);
  if (!u)
    return std::nullopt;
  std::optional<Value> hit =
      c.e.elementwise(Elaborator::Elementwise::Lt, *u, p, c.at, "bernoulli");
  if (!hit)
    return std::nullopt;
  return c.e.cast(*hit, target.dtype, c.at);
}

std::optional<Value> dl::builtinOrthogonalize(BuiltinContext &c) {
  std::optional<Value> x = c.tensor(0);
  if (!x)
    return std::nullopt;
  if (!isFloat(x->type.dtype) || x->type.rank() != 2 ||
      !x->type.hasStaticShape())
    return c.e.error(c.at, "orthogonalize() takes a floating-point matrix "
                           "of static shape, not " +
                               x->type.str()),
           std::nullopt;
  mlir::Value r = OrthogonalizeOp::create(c.e.builder, c.e.loc(c.at), x->ir);
  return Value::tensor(r, x->type);
}

std::optional<Value> dl::builtinInitShape(BuiltinContext &c) {
  if (!c.isNone(0))
    return c.arg(0); // the shape an initializer function was given
  const TensorType *init = c.e.initializerType();
  if (!init)
    return c.e.error(c.at, "init_shape() is the shape of the parameter being "
                           "initialized: use it in a parameter initializer"),
           std::nullopt;
  std::vector<Value> dims;
  for (const Dim &d : init->dims)
    dims.push_back(Value::integer(d.size()));
  return Value::list(std::move(dims));
}
