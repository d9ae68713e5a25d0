//===- DLDialect.cpp - the `dl` dialect -----------------------------------===//

#include "dl/Dialect/DLDialect.h"
#include "dl/Dialect/DLOps.h"

using namespace mlir;
using namespace dl;

#include "DL/DLDialect.cpp.inc"

void DLDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "DL/DLOps.cpp.inc"
      >();
}

Operation *DLDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
