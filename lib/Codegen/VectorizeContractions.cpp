//===- VectorizeContractions.cpp - the dl-vectorize-contractions pass -----===//
//
// Floating-point contractions on buffers (linalg.matmul, batch_matmul and
// contraction generics, with any transposed operands) become a packed,
// cache-blocked loop nest around a register-blocked vector kernel:
//
//   packed[batch][panel][k][0..nr) = B(batch, k, panel*nr + j), zero past N
//   forall batch, blocks of mc rows x nc columns of C:       (threads)
//     for k0 in steps of kc:
//       for each panel of nr columns in the block:
//         for rows in steps of mr (then 4, then 1):
//           acc[mr][nr/vl] = C tile (masked past N)
//           for k in [k0, k0 + kc): acc[r] += broadcast(A(r, k)) * panel[k]
//           C tile = acc
//
// Every element of C is accumulated over K in order by one thread: results
// do not depend on the number of threads.
//
//===----------------------------------------------------------------------===//

#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

namespace dl {
#define GEN_PASS_DEF_DLVECTORIZECONTRACTIONS
#include "DL/DLCodegenPasses.h.inc"
} // namespace dl

using namespace mlir;

namespace {

/// A contraction in the roles of the kernel: C(batch, m, n) +=
/// A(batch, m, k) * B(batch, k, n), each operand read through its indexing
/// map (a projected permutation of the loops).
struct Contraction {
  linalg::LinalgOp op;
  Value a, b, c;
  AffineMap aMap, bMap, cMap;
  SmallVector<unsigned> batch;
  unsigned m, n, k;
  FloatType elementType;
};

/// The loop dimensions an operand's map reads, as a set.
static llvm::SmallDenseSet<unsigned> dimsOf(AffineMap map) {
  llvm::SmallDenseSet<unsigned> dims;
  for (AffineExpr e : map.getResults())
    dims.insert(cast<AffineDimExpr>(e).getPosition());
  return dims;
}

static bool hasExactly(AffineMap map, ArrayRef<unsigned> wanted) {
  if (map.getNumResults() != wanted.size())
    return false;
  llvm::SmallDenseSet<unsigned> dims = dimsOf(map);
  return dims.size() == wanted.size() &&
         llvm::all_of(wanted, [&](unsigned d) { return dims.contains(d); });
}

/// Whether the body is exactly out + a * b in the element type (no casts).
static bool isMulAdd(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (!body || body->getOperations().size() != 3)
    return false;
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = body->getArgument(2);
  Value other = add.getLhs() == acc   ? add.getRhs()
                : add.getRhs() == acc ? add.getLhs()
                                      : Value();
  auto mul = other ? other.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return false;
  Value x = body->getArgument(0), y = body->getArgument(1);
  return (mul.getLhs() == x && mul.getRhs() == y) ||
         (mul.getLhs() == y && mul.getRhs() == x);
}

static std::optional<Contraction> match(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !isMulAdd(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 ||
      op.getNumLoops() != dims->batch.size() + 3)
    return std::nullopt;
  Contraction c;
  c.op = op;
  c.a = op.getDpsInputOperand(0)->get();
  c.b = op.getDpsInputOperand(1)->get();
  c.c = op.getDpsInitOperand(0)->get();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  c.aMap = maps[0];
  c.bMap = maps[1];
  c.cMap = maps[2];
  c.batch.assign(dims->batch.begin(), dims->batch.end());
  c.m = dims->m[0];
  c.n = dims->n[0];
  c.k = dims->k[0];
  for (AffineMap map : maps)
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return std::nullopt;

  auto aType = dyn_cast<MemRefType>(c.a.getType());
  auto bType = dyn_cast<MemRefType>(c.b.getType());
  auto cType = dyn_cast<MemRefType>(c.c.getType());
  if (!aType || !bType || !cType)
    return std::nullopt;
  auto elementType = dyn_cast<FloatType>(cType.getElementType());
  if (!elementType || !(elementType.isF32() || elementType.isF64()) ||
      aType.getElementType() != elementType ||
      bType.getElementType() != elementType)
    return std::nullopt;
  c.elementType = elementType;

  // The kernel writes rows of C along N: C must be contiguous along N, or
  // along M with the operands' roles swapped (C^T = B^T A^T).
  if (!cType.isLastDimUnitStride() || c.cMap.getNumResults() == 0)
    return std::nullopt;
  unsigned inner =
      cast<AffineDimExpr>(c.cMap.getResults().back()).getPosition();
  if (inner == c.m) {
    std::swap(c.a, c.b);
    std::swap(c.aMap, c.bMap);
    std::swap(c.m, c.n);
  } else if (inner != c.n) {
    return std::nullopt;
  }
  SmallVector<unsigned> aDims(c.batch), bDims(c.batch), cDims(c.batch);
  aDims.append({c.m, c.k});
  bDims.append({c.k, c.n});
  cDims.append({c.m, c.n});
  if (!hasExactly(c.aMap, aDims) || !hasExactly(c.bMap, bDims) ||
      !hasExactly(c.cMap, cDims))
    return std::nullopt;
  return c;
}

/// The indices of an operand for the given values of the loops.
static SmallVector<Value> indicesOf(AffineMap map, ArrayRef<Value> loops) {
  SmallVector<Value> indices;
  for (AffineExpr e : map.getResults())
    indices.push_back(loops[cast<AffineDimExpr>(e).getPosition()]);
  return indices;
}

struct KernelBuilder {
  const Contraction &c;
  OpBuilder &b;
  Location loc;
  int64_t vl, nrVectors, nr, mr, mc, ncPanels, kc;
  VectorType vectorType, maskType;
  /// The extents of the loops (index values).
  SmallVector<Value> extents;

  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value ceilDiv(Value x, int64_t d) {
    return arith::CeilDivSIOp::create(b, loc, x, cst(d));
  }

  /// A static extent of loop `d`, or -1.
  int64_t staticExtent(unsigned d) {
    if (auto value = getConstantIntValue(extents[d]))
      return *value;
    return -1;
  }

  /// Loop values with the batch loops set and m, n, k as given.
  SmallVector<Value> loops(ValueRange batchIvs, Value m, Value n, Value k) {
    SmallVector<Value> values(extents.size());
    for (auto [d, iv] : llvm::zip(c.batch, batchIvs))
      values[d] = iv;
    values[c.m] = m;
    values[c.n] = n;
    values[c.k] = k;
    return values;
  }

  /// packed[batch...][panel][k][j], with the last panel padded with zeros.
  Value pack(Value packed, Value nPanels) {
    SmallVector<OpFoldResult> ubs;
    for (unsigned d : c.batch)
      ubs.push_back(extents[d]);
    ubs.push_back(nPanels);
    auto forall = scf::ForallOp::create(b, loc, ubs, ValueRange{},
                                        std::nullopt);
    int64_t kExtent = staticExtent(c.k);
    forall->setAttr(dl::kParallelCostAttr,
                    b.getI64IntegerAttr((kExtent < 0 ? 1024 : kExtent) * nr));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forall.getBody());
    SmallVector<Value> ivs = forall.getInductionVars();
    ValueRange batchIvs = ArrayRef<Value>(ivs).drop_back();
    Value panel = ivs.back();
    Value n = extents[c.n];
    Value zero = arith::ConstantOp::create(
        b, loc, c.elementType, b.getFloatAttr(c.elementType, 0.0));
    Value zeroVector = arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, b.getFloatAttr(c.elementType, 0.0)));
    auto bType = cast<MemRefType>(c.b.getType());
    // B can be read in vectors when it is contiguous along N; otherwise it
    // is copied element by element.
    bool contiguous =
        bType.isLastDimUnitStride() &&
        cast<AffineDimExpr>(c.bMap.getResults().back()).getPosition() == c.n;
    // B contiguous along K (a transposed right operand, as in dy @ w^T):
    // column by column, reading each column's K elements in order.
    bool kContiguous =
        !contiguous && bType.isLastDimUnitStride() &&
        cast<AffineDimExpr>(c.bMap.getResults().back()).getPosition() == c.k;
    if (kContiguous) {
      Value panelStart = mul(panel, cst(nr));
      auto jLoop = scf::ForOp::create(b, loc, cst(0), cst(nr), cst(1));
      b.setInsertionPointToStart(jLoop.getBody());
      Value j = jLoop.getInductionVar();
      Value col = add(panelStart, j);
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           col, n);
      auto ifOp = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/true);
      for (bool copy : {true, false}) {
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPointToStart(copy ? ifOp.thenBlock() : ifOp.elseBlock());
        auto kLoop = scf::ForOp::create(b, loc, cst(0), extents[c.k], cst(1));
        b.setInsertionPointToStart(kLoop.getBody());
        Value k = kLoop.getInductionVar();
        Value value =
            copy ? memref::LoadOp::create(
                       b, loc, c.b,
                       indicesOf(c.bMap, loops(batchIvs, Value(), col, k)))
                       .getResult()
                 : zero;
        SmallVector<Value> at(batchIvs);
        at.append({panel, k, j});
        memref::StoreOp::create(b, loc, value, packed, at);
      }
      return packed;
    }
    auto kLoop = scf::ForOp::create(b, loc, cst(0), extents[c.k], cst(1));
    b.setInsertionPointToStart(kLoop.getBody());
    Value k = kLoop.getInductionVar();
    SmallVector<Value> packedIndices(batchIvs);
    packedIndices.append({panel, k, Value()});
    Value panelStart = mul(panel, cst(nr));
    for (int64_t v = 0; v < nrVectors; ++v) {
      Value column = add(panelStart, cst(v * vl));
      packedIndices.back() = cst(v * vl);
      if (contiguous) {
        Value mask = vector::CreateMaskOp::create(b, loc, maskType,
                                                  ValueRange{sub(n, column)});
        Value vec = vector::MaskedLoadOp::create(
            b, loc, vectorType, c.b,
            indicesOf(c.bMap, loops(batchIvs, Value(), column, k)), mask,
            zeroVector, IntegerAttr());
        vector::StoreOp::create(b, loc, vec, packed, packedIndices);
        continue;
      }
      // Element by element: the column clamped to the matrix (so that the
      // load is in bounds), zero past it.
      auto jLoop = scf::ForOp::create(b, loc, cst(0), cst(vl), cst(1));
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(jLoop.getBody());
      Value j = jLoop.getInductionVar();
      Value col = add(column, j);
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           col, n);
      Value clamped = min(col, sub(n, cst(1)));
      Value element = memref::LoadOp::create(
          b, loc, c.b,
          indicesOf(c.bMap, loops(batchIvs, Value(), clamped, k)));
      Value value = arith::SelectOp::create(b, loc, inside, element, zero);
      SmallVector<Value> at(packedIndices);
      at.back() = add(cst(v * vl), j);
      memref::StoreOp::create(b, loc, value, packed, at);
    }
    return packed;
  }

  /// One register tile: `rows` rows from `row` of C, the nr columns of
  /// `panel`, accumulated over k in [k0, k1).
  void kernel(ValueRange batchIvs, Value packed, Value panel, Value row,
              int64_t rows, Value k0, Value k1, ArrayRef<Value> masks) {
    Value panelStart = mul(panel, cst(nr));
    SmallVector<Value> rowIndex, columns;
    for (int64_t r = 0; r < rows; ++r)
      rowIndex.push_back(add(row, cst(r)));
    for (int64_t v = 0; v < nrVectors; ++v)
      columns.push_back(add(panelStart, cst(v * vl)));
    Value zeroVector = arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, b.getFloatAttr(c.elementType, 0.0)));
    SmallVector<Value> accumulators;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < nrVectors; ++v)
        accumulators.push_back(vector::MaskedLoadOp::create(
            b, loc, vectorType, c.c,
            indicesOf(c.cMap, loops(batchIvs, rowIndex[r], columns[v], Value())),
            masks[v], zeroVector, IntegerAttr()));
    auto kLoop = scf::ForOp::create(
        b, loc, k0, k1, cst(1), accumulators,
        [&](OpBuilder &nested, Location nestedLoc, Value k, ValueRange acc) {
          SmallVector<Value> panelRow;
          SmallVector<Value> packedIndices(batchIvs);
          packedIndices.append({panel, k, Value()});
          for (int64_t v = 0; v < nrVectors; ++v) {
            packedIndices.back() =
                arith::ConstantIndexOp::create(nested, nestedLoc, v * vl);
            panelRow.push_back(vector::LoadOp::create(
                nested, nestedLoc, vectorType, packed, packedIndices));
          }
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r) {
            Value a = memref::LoadOp::create(
                nested, nestedLoc, c.a,
                indicesOf(c.aMap, loops(batchIvs, rowIndex[r], Value(), k)));
            Value broadcast =
                vector::BroadcastOp::create(nested, nestedLoc, vectorType, a);
            for (int64_t v = 0; v < nrVectors; ++v)
              next.push_back(vector::FMAOp::create(
                  nested, nestedLoc, broadcast, panelRow[v],
                  acc[r * nrVectors + v]));
          }
          scf::YieldOp::create(nested, nestedLoc, next);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < nrVectors; ++v)
        vector::MaskedStoreOp::create(
            b, loc, c.c,
            indicesOf(c.cMap, loops(batchIvs, rowIndex[r], columns[v], Value())),
            masks[v], kLoop.getResult(r * nrVectors + v), IntegerAttr());
  }

  /// Rows [from, to) in steps of `rows`; returns where the steps end.
  Value rowLoop(ValueRange batchIvs, Value packed, Value panel, Value from,
                Value to, int64_t rows, Value k0, Value k1,
                ArrayRef<Value> masks) {
    Value count = sub(to, from);
    Value end = add(from, mul(arith::DivSIOp::create(b, loc, count, cst(rows)),
                              cst(rows)));
    auto loop = scf::ForOp::create(b, loc, from, end, cst(rows));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    kernel(batchIvs, packed, panel, loop.getInductionVar(), rows, k0, k1,
           masks);
    return end;
  }

  void build() {
    linalg::LinalgOp op = c.op;
    SmallVector<Range> ranges = op.createLoopRanges(b, loc);
    for (Range &range : ranges)
      extents.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    Value m = extents[c.m], n = extents[c.n];
    Value nPanels = ceilDiv(n, nr);

    // The packed copy of B.
    SmallVector<int64_t> packedShape;
    SmallVector<Value> packedSizes;
    for (unsigned d : c.batch) {
      packedShape.push_back(ShapedType::kDynamic);
      packedSizes.push_back(extents[d]);
    }
    packedShape.append({ShapedType::kDynamic, ShapedType::kDynamic, nr});
    packedSizes.append({nPanels, extents[c.k]});
    auto packedType = MemRefType::get(packedShape, c.elementType);
    Value packed = memref::AllocOp::create(b, loc, packedType, packedSizes,
                                           b.getI64IntegerAttr(64));
    pack(packed, nPanels);

    // Blocks of C, in parallel.
    SmallVector<OpFoldResult> ubs;
    for (unsigned d : c.batch)
      ubs.push_back(extents[d]);
    ubs.push_back(ceilDiv(m, mc));
    ubs.push_back(ceilDiv(nPanels, ncPanels));
    auto forall = scf::ForallOp::create(b, loc, ubs, ValueRange{},
                                        std::nullopt);
    int64_t mExtent = staticExtent(c.m), nExtent = staticExtent(c.n),
            kExtent = staticExtent(c.k);
    int64_t cost = (mExtent < 0 ? mc : std::min(mExtent, mc)) *
                   (nExtent < 0 ? ncPanels * nr
                                : std::min(nExtent, ncPanels * nr)) *
                   (kExtent < 0 ? kc : kExtent);
    forall->setAttr(dl::kParallelCostAttr, b.getI64IntegerAttr(cost));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forall.getBody());
      SmallVector<Value> ivs = forall.getInductionVars();
      ValueRange batchIvs = ArrayRef<Value>(ivs).drop_back(2);
      Value rowStart = mul(ivs[ivs.size() - 2], cst(mc));
      Value rowEnd = min(add(rowStart, cst(mc)), m);
      Value panelStart = mul(ivs.back(), cst(ncPanels));
      Value panelEnd = min(add(panelStart, cst(ncPanels)), nPanels);
      auto kBlocks = scf::ForOp::create(b, loc, cst(0), extents[c.k], cst(kc));
      b.setInsertionPointToStart(kBlocks.getBody());
      Value k0 = kBlocks.getInductionVar();
      Value k1 = min(add(k0, cst(kc)), extents[c.k]);
      auto panels = scf::ForOp::create(b, loc, panelStart, panelEnd, cst(1));
      b.setInsertionPointToStart(panels.getBody());
      Value panel = panels.getInductionVar();
      SmallVector<Value> masks;
      for (int64_t v = 0; v < nrVectors; ++v)
        masks.push_back(vector::CreateMaskOp::create(
            b, loc, maskType,
            ValueRange{sub(n, add(mul(panel, cst(nr)), cst(v * vl)))}));
      // mr rows at a time, then 4, then 1.
      SmallVector<int64_t> steps{mr};
      if (mr > 4)
        steps.push_back(4);
      if (mr > 1)
        steps.push_back(1);
      Value row = rowStart;
      for (int64_t rows : steps)
        row = rowLoop(batchIvs, packed, panel, row, rowEnd, rows, k0, k1,
                      masks);
    }
    memref::DeallocOp::create(b, loc, packed);
  }
};

struct DLVectorizeContractionsPass
    : dl::impl::DLVectorizeContractionsBase<DLVectorizeContractionsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorBits < 64 || mr < 1 || nrVectors < 1 || mc < 1 || nc < 1 ||
        kc < 1) {
      getOperation().emitError("dl-vectorize-contractions: invalid options");
      return signalPassFailure();
    }
    SmallVector<Contraction> contractions;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<Contraction> c = match(op))
        contractions.push_back(*c);
    });
    for (Contraction &c : contractions) {
      OpBuilder b(c.op);
      int64_t bits = c.elementType.getWidth();
      int64_t vl = std::max<int64_t>(1, vectorBits / bits);
      int64_t nrv = nrVectors;
      // Narrow matrices: one vector of columns is enough.
      auto nExtent = cast<MemRefType>(c.c.getType())
                         .getDimSize(cast<AffineDimExpr>(
                                         c.cMap.getResults().back())
                                         .getPosition());
      if (!ShapedType::isDynamic(nExtent) && nExtent <= vl)
        nrv = 1;
      int64_t nr = vl * nrv;
      int64_t rowsPerBlock = std::max<int64_t>(mr, mc / mr * mr);
      KernelBuilder builder{c,
                            b,
                            c.op.getLoc(),
                            vl,
                            nrv,
                            nr,
                            mr,
                            rowsPerBlock,
                            std::max<int64_t>(1, nc / nr),
                            kc,
                            VectorType::get({vl}, c.elementType),
                            VectorType::get({vl}, b.getI1Type()),
                            {}};
      builder.build();
      c.op->erase();
    }
  }
};

} // namespace
