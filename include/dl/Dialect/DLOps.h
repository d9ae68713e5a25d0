//===- DLOps.h - operations of the `dl` dialect -----------------*- C++ -*-===//
#ifndef DL_DIALECT_DLOPS_H
#define DL_DIALECT_DLOPS_H

#include "dl/Dialect/DLDialect.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/IR/SymbolTable.h"

#include "DL/DLEnums.h.inc"
#include "dl/Dialect/ElementwiseSupport.h"
#include "dl/Dialect/ShapeUtils.h"
#include "DL/DLInterfaces.h.inc"

#define GET_OP_CLASSES
#include "DL/DLOps.h.inc"

#endif // DL_DIALECT_DLOPS_H
