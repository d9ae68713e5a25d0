//===- DLDialect.cpp - the `dl` dialect -----------------------------------===//

#include "dl/Dialect/DLDialect.h"
#include "dl/Dialect/DLOps.h"

using namespace mlir;
using namespace dl;

#include "mlir/Transforms/InliningUtils.h"

#include "DL/DLDialect.cpp.inc"

namespace {
/// Every dl op is pure (or, for dl.assert, position-independent), so calls
/// between functions of dl ops inline freely.
struct DLInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Operation *, bool) const final {
    return true;
  }
  bool isLegalToInline(Region *, Region *, bool, IRMapping &) const final {
    return true;
  }
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void DLDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "DL/DLOps.cpp.inc"
      >();
  addInterfaces<DLInlinerInterface>();
}

Operation *DLDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
